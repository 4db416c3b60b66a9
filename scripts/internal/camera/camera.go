// Package camera plays a camera's Raspberry Pi: it uploads MP4 clips and
// their JPEG thumbnails to the clips bucket under the object layout the
// ingest reads (videos-api/clip), with the device's capture time and
// duration as object metadata.
package camera

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/camvault/camvault/videos-api/clip"
)

// Object metadata a device sets on its uploads (docs/api.md, "Clip uploads"); S3
// serves them as x-amz-meta-captured-at and x-amz-meta-duration-seconds.
const (
	MetaCapturedAt      = "captured-at"
	MetaDurationSeconds = "duration-seconds"
)

// CapturedAtLayout is how the captured-at metadata spells the capture time:
// RFC 3339, UTC, to the millisecond.
const CapturedAtLayout = "2006-01-02T15:04:05.000Z07:00"

// Putter is the one S3 call the uploader makes; *s3.Client implements it.
type Putter interface {
	PutObject(ctx context.Context, in *s3.PutObjectInput, opts ...func(*s3.Options)) (*s3.PutObjectOutput, error)
}

// Uploader uploads clips to one bucket.
type Uploader struct {
	// S3 does the uploads.
	S3 Putter
	// Bucket is the clips bucket.
	Bucket string
	// Entropy feeds the video ids' random bits (crypto/rand.Reader).
	Entropy io.Reader
}

// Clip is one recording to upload.
type Clip struct {
	// CameraID names the camera (lowercase letters, digits, hyphens).
	CameraID string
	// File is the MP4's path.
	File string
	// Thumbnail is the JPEG's path; empty for none.
	Thumbnail string
	// CapturedAt is when the camera recorded it (the device's clock).
	CapturedAt time.Time
	// DurationSeconds is its length; 0 leaves the metadata out.
	DurationSeconds float64
}

// Uploaded says what one Upload stored.
type Uploaded struct {
	// VideoID is the clip's id, as the API will name it.
	VideoID string
	// ClipKey and ThumbnailKey are the object keys (ThumbnailKey empty
	// when no thumbnail was uploaded).
	ClipKey, ThumbnailKey string
	// Bytes is how much was uploaded, clip and thumbnail together.
	Bytes int64
}

// Upload stores c's thumbnail (first, so it is there when the clip's event
// reaches the ingest) and then its MP4, under a new video id.
func (u *Uploader) Upload(ctx context.Context, c Clip) (Uploaded, error) {
	if !clip.ValidCameraID(c.CameraID) {
		return Uploaded{}, fmt.Errorf("camera id %q: use 1 to 63 lowercase letters, digits or hyphens", c.CameraID)
	}
	if c.DurationSeconds < 0 {
		return Uploaded{}, fmt.Errorf("duration %v: must not be negative", c.DurationSeconds)
	}
	captured := c.CapturedAt.UTC().Truncate(time.Millisecond)
	id, err := clip.NewVideoID(captured, u.Entropy)
	if err != nil {
		return Uploaded{}, fmt.Errorf("upload clip: %w", err)
	}
	clipKey, thumbKey, err := clip.ObjectKeys(c.CameraID, id)
	if err != nil {
		return Uploaded{}, fmt.Errorf("upload clip: %w", err)
	}
	meta := map[string]string{MetaCapturedAt: captured.Format(CapturedAtLayout)}
	if c.DurationSeconds > 0 {
		meta[MetaDurationSeconds] = strconv.FormatFloat(c.DurationSeconds, 'f', -1, 64)
	}
	out := Uploaded{VideoID: id, ClipKey: clipKey}
	if c.Thumbnail != "" {
		n, err := u.put(ctx, thumbKey, c.Thumbnail, "image/jpeg", meta)
		if err != nil {
			return Uploaded{}, err
		}
		out.ThumbnailKey, out.Bytes = thumbKey, n
	}
	n, err := u.put(ctx, clipKey, c.File, "video/mp4", meta)
	if err != nil {
		return Uploaded{}, err
	}
	out.Bytes += n
	return out, nil
}

// put uploads the file at path to key and returns its size.
func (u *Uploader) put(ctx context.Context, key, path, contentType string, meta map[string]string) (int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, fmt.Errorf("upload %s: %w", key, err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return 0, fmt.Errorf("upload %s: %w", key, err)
	}
	if !fi.Mode().IsRegular() {
		return 0, fmt.Errorf("upload %s: %s is not a regular file", key, path)
	}
	sum, err := fileSHA256(f)
	if err != nil {
		return 0, fmt.Errorf("upload %s: %s: %w", key, path, err)
	}
	_, err = u.S3.PutObject(ctx, &s3.PutObjectInput{
		Bucket:        aws.String(u.Bucket),
		Key:           aws.String(key),
		Body:          f,
		ContentLength: aws.Int64(fi.Size()),
		ContentType:   aws.String(contentType),
		Metadata:      meta,
		// Create only: the bucket refuses a write without it, and answers
		// 412 if the key exists, so nothing recorded is ever replaced.
		IfNoneMatch: aws.String("*"),
		// S3 checks the body against it, keeps it, and ingest records it
		// as the clip's SHA-256.
		ChecksumSHA256: aws.String(sum),
	})
	if err != nil {
		return 0, fmt.Errorf("upload s3://%s/%s: %w", u.Bucket, key, err)
	}
	return fi.Size(), nil
}

// fileSHA256 returns the base64 SHA-256 of f's contents (the form of
// x-amz-checksum-sha256) and rewinds f.
func fileSHA256(f io.ReadSeeker) (string, error) {
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return "", err
	}
	return base64.StdEncoding.EncodeToString(h.Sum(nil)), nil
}

// ThumbnailBeside returns the .jpg (or .jpeg) beside an MP4 at path with the
// same base name, or "" if there is none.
func ThumbnailBeside(path string) string {
	base := strings.TrimSuffix(path, filepath.Ext(path))
	for _, ext := range []string{".jpg", ".jpeg", ".JPG"} {
		if fi, err := os.Stat(base + ext); err == nil && fi.Mode().IsRegular() {
			return base + ext
		}
	}
	return ""
}

// Stream is a run of uploads, like a camera that keeps seeing motion.
type Stream struct {
	// Clip is uploaded Count times. Its CapturedAt, if set, is the first
	// clip's capture time and each next one is Every later; if zero, each
	// clip is captured at Now() when its upload starts.
	Clip Clip
	// Count is how many clips to upload (at least 1).
	Count int
	// Every is the pause between the starts of two uploads.
	Every time.Duration
	// Now is the device's clock (time.Now).
	Now func() time.Time
	// Progress receives one line per upload (never a URL or credential).
	Progress io.Writer
}

// Run uploads the stream's clips and returns how many were stored. It stops
// early, returning ctx's error, when ctx ends (Ctrl-C).
func (u *Uploader) Run(ctx context.Context, s Stream) (int, error) {
	if s.Count < 1 {
		return 0, errors.New("count must be at least 1")
	}
	if s.Count > 1 && s.Every <= 0 {
		return 0, errors.New("every must be positive when count is more than 1")
	}
	if s.Now == nil {
		s.Now = time.Now
	}
	if s.Progress == nil {
		s.Progress = io.Discard
	}
	var tick <-chan time.Time
	if s.Count > 1 {
		t := time.NewTicker(s.Every)
		defer t.Stop()
		tick = t.C
	}
	for i := 0; i < s.Count; i++ {
		if i > 0 {
			select {
			case <-ctx.Done():
				return i, ctx.Err()
			case <-tick:
			}
		}
		c := s.Clip
		if c.CapturedAt.IsZero() {
			c.CapturedAt = s.Now()
		} else {
			c.CapturedAt = c.CapturedAt.Add(time.Duration(i) * s.Every)
		}
		start := s.Now()
		up, err := u.Upload(ctx, c)
		if err != nil {
			return i, err
		}
		elapsed := s.Now().Sub(start)
		fmt.Fprintf(s.Progress, "%d/%d %s %s%s %s\n", i+1, s.Count, up.ClipKey, formatBytes(up.Bytes), thumbNote(up), formatRate(up.Bytes, elapsed))
	}
	return s.Count, nil
}

func thumbNote(u Uploaded) string {
	if u.ThumbnailKey == "" {
		return ""
	}
	return " (with thumbnail)"
}

// formatBytes writes n in B, KiB or MiB.
func formatBytes(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	default:
		return fmt.Sprintf("%d B", n)
	}
}

// formatRate writes n bytes over d as a rate.
func formatRate(n int64, d time.Duration) string {
	if d <= 0 {
		return "in no time"
	}
	return fmt.Sprintf("in %s (%s/s)", d.Round(time.Millisecond), formatBytes(int64(float64(n)/d.Seconds())))
}
