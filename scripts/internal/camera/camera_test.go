package camera

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"

	"github.com/camvault/camvault/scripts/internal/s3local"
	"github.com/camvault/camvault/videos-api/clip"
)

const bucket = "camvault-clips"

// fakeS3 starts gofakes3 with the clips bucket and returns a client for it.
func fakeS3(t *testing.T) *s3.Client {
	t.Helper()
	srv := httptest.NewServer(gofakes3.New(s3mem.New()).Server())
	t.Cleanup(srv.Close)
	c := s3local.New(srv.URL)
	if _, err := c.CreateBucket(context.Background(), &s3.CreateBucketInput{Bucket: aws.String(bucket)}); err != nil {
		t.Fatal(err)
	}
	return c
}

// files writes an MP4 and a JPEG with recognisable bytes.
func files(t *testing.T) (mp4, jpg string) {
	t.Helper()
	dir := t.TempDir()
	mp4, jpg = filepath.Join(dir, "clip.mp4"), filepath.Join(dir, "still.jpg")
	if err := os.WriteFile(mp4, bytes.Repeat([]byte("mp4!"), 3000), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(jpg, []byte("\xff\xd8jpeg\xff\xd9"), 0o600); err != nil {
		t.Fatal(err)
	}
	return mp4, jpg
}

// recordingPutter keeps every PutObject input it passes on.
type recordingPutter struct {
	Putter
	puts []*s3.PutObjectInput
}

func (r *recordingPutter) PutObject(ctx context.Context, in *s3.PutObjectInput, opts ...func(*s3.Options)) (*s3.PutObjectOutput, error) {
	r.puts = append(r.puts, in)
	return r.Putter.PutObject(ctx, in, opts...)
}

type stored struct {
	body        []byte
	contentType string
	meta        map[string]string
}

func get(t *testing.T, c *s3.Client, key string) stored {
	t.Helper()
	out, err := c.GetObject(context.Background(), &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	if err != nil {
		t.Fatalf("GetObject(%s): %v", key, err)
	}
	defer out.Body.Close()
	b, err := io.ReadAll(out.Body)
	if err != nil {
		t.Fatal(err)
	}
	return stored{body: b, contentType: aws.ToString(out.ContentType), meta: out.Metadata}
}

func keys(t *testing.T, c *s3.Client) []string {
	t.Helper()
	out, err := c.ListObjectsV2(context.Background(), &s3.ListObjectsV2Input{Bucket: aws.String(bucket)})
	if err != nil {
		t.Fatal(err)
	}
	var ks []string
	for _, o := range out.Contents {
		ks = append(ks, aws.ToString(o.Key))
	}
	return ks
}

func TestUpload(t *testing.T) {
	mp4, jpg := files(t)
	captured := time.Date(2026, 11, 25, 23, 59, 58, 123456789, time.FixedZone("CET", 3600))
	tests := []struct {
		name      string
		clip      Clip
		wantThumb bool
		wantDur   string
		wantErrIn string
	}{
		{name: "clip, thumbnail, duration", clip: Clip{CameraID: "front-door", File: mp4, Thumbnail: jpg, CapturedAt: captured, DurationSeconds: 12.5}, wantThumb: true, wantDur: "12.5"},
		{name: "clip alone", clip: Clip{CameraID: "garage", File: mp4, CapturedAt: captured}},
		{name: "bad camera id", clip: Clip{CameraID: "Front Door", File: mp4, CapturedAt: captured}, wantErrIn: "camera id"},
		{name: "negative duration", clip: Clip{CameraID: "garage", File: mp4, CapturedAt: captured, DurationSeconds: -1}, wantErrIn: "negative"},
		{name: "missing file", clip: Clip{CameraID: "garage", File: mp4 + ".nope", CapturedAt: captured}, wantErrIn: "no such file"},
		{name: "directory", clip: Clip{CameraID: "garage", File: filepath.Dir(mp4), CapturedAt: captured}, wantErrIn: "not a regular file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := fakeS3(t)
			rec := &recordingPutter{Putter: c}
			u := &Uploader{S3: rec, Bucket: bucket, Entropy: rand.Reader}
			up, err := u.Upload(context.Background(), tt.clip)
			if tt.wantErrIn != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErrIn) {
					t.Fatalf("Upload() error = %v, want %q", err, tt.wantErrIn)
				}
				if ks := keys(t, c); len(ks) != 0 {
					t.Errorf("objects after a failed upload: %v", ks)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			// The ingest must read back what we meant.
			k, err := clip.ParseObjectKey(up.ClipKey)
			if err != nil {
				t.Fatalf("ingest cannot parse %s: %v", up.ClipKey, err)
			}
			wantTime := captured.UTC().Truncate(time.Millisecond)
			if k.CameraID != tt.clip.CameraID || k.VideoID != up.VideoID || !k.CapturedAt.Equal(wantTime) || k.Kind != clip.KindClip {
				t.Errorf("parsed key = %+v, want camera %s, id %s, time %s", k, tt.clip.CameraID, up.VideoID, wantTime)
			}
			if !strings.HasPrefix(up.ClipKey, "clips/"+tt.clip.CameraID+"/2026/11/25/20261125T225958.123Z_") {
				t.Errorf("ClipKey = %s, want the UTC date folders and time", up.ClipKey)
			}
			got := get(t, c, up.ClipKey)
			want, _ := os.ReadFile(mp4)
			if !bytes.Equal(got.body, want) || got.contentType != "video/mp4" {
				t.Errorf("clip object: %d bytes, %q", len(got.body), got.contentType)
			}
			// Create-only, with the checksum S3 verifies and ingest records.
			sum := sha256.Sum256(want)
			for _, in := range rec.puts {
				if aws.ToString(in.IfNoneMatch) != "*" {
					t.Errorf("PUT %s without If-None-Match: *", aws.ToString(in.Key))
				}
				if aws.ToString(in.Key) == up.ClipKey && aws.ToString(in.ChecksumSHA256) != base64.StdEncoding.EncodeToString(sum[:]) {
					t.Errorf("clip PUT x-amz-checksum-sha256 = %q, want the file's", aws.ToString(in.ChecksumSHA256))
				}
			}
			if got.meta[MetaCapturedAt] != "2026-11-25T22:59:58.123Z" {
				t.Errorf("captured-at = %q", got.meta[MetaCapturedAt])
			}
			if got.meta[MetaDurationSeconds] != tt.wantDur {
				t.Errorf("duration-seconds = %q, want %q", got.meta[MetaDurationSeconds], tt.wantDur)
			}
			wantKeys := 1
			if tt.wantThumb {
				wantKeys = 2
				if up.ThumbnailKey != strings.TrimSuffix(up.ClipKey, ".mp4")+".jpg" {
					t.Errorf("ThumbnailKey = %s, want beside %s", up.ThumbnailKey, up.ClipKey)
				}
				th := get(t, c, up.ThumbnailKey)
				if string(th.body) != "\xff\xd8jpeg\xff\xd9" || th.contentType != "image/jpeg" || th.meta[MetaCapturedAt] == "" {
					t.Errorf("thumbnail object = %q %q %v", th.body, th.contentType, th.meta)
				}
				if up.Bytes != 12000+8 {
					t.Errorf("Bytes = %d, want 12008", up.Bytes)
				}
			} else if up.ThumbnailKey != "" {
				t.Errorf("ThumbnailKey = %q, want none", up.ThumbnailKey)
			}
			if ks := keys(t, c); len(ks) != wantKeys {
				t.Errorf("objects = %v, want %d", ks, wantKeys)
			}
		})
	}
}

func TestThumbnailBeside(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{"a.mp4", "a.jpg", "b.mp4", "c.mp4", "c.jpeg"} {
		if err := os.WriteFile(filepath.Join(dir, f), nil, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct{ file, want string }{
		{"a.mp4", "a.jpg"},
		{"b.mp4", ""},
		{"c.mp4", "c.jpeg"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			want := tt.want
			if want != "" {
				want = filepath.Join(dir, want)
			}
			if got := ThumbnailBeside(filepath.Join(dir, tt.file)); got != want {
				t.Errorf("ThumbnailBeside() = %q, want %q", got, want)
			}
		})
	}
}

// clock is a device clock that moves a second each time it is read.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(time.Second)
	return c.t
}

func TestRun(t *testing.T) {
	mp4, jpg := files(t)
	first := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	tests := []struct {
		name      string
		stream    Stream
		wantN     int
		wantTimes []time.Time
		wantErrIn string
	}{
		{
			name:      "fixed start, steps of every",
			stream:    Stream{Clip: Clip{CameraID: "porch", File: mp4, Thumbnail: jpg, CapturedAt: first}, Count: 3, Every: time.Millisecond},
			wantN:     3,
			wantTimes: []time.Time{first, first.Add(time.Millisecond), first.Add(2 * time.Millisecond)},
		},
		{
			name:      "captured now",
			stream:    Stream{Clip: Clip{CameraID: "porch", File: mp4}, Count: 2, Every: time.Millisecond, Now: (&clock{t: first}).Now},
			wantN:     2,
			wantTimes: []time.Time{first.Add(time.Second), first.Add(4 * time.Second)},
		},
		{name: "one clip needs no interval", stream: Stream{Clip: Clip{CameraID: "porch", File: mp4, CapturedAt: first}, Count: 1}, wantN: 1, wantTimes: []time.Time{first}},
		{name: "zero count", stream: Stream{Clip: Clip{CameraID: "porch", File: mp4}}, wantErrIn: "count"},
		{name: "no interval", stream: Stream{Clip: Clip{CameraID: "porch", File: mp4}, Count: 2}, wantErrIn: "every"},
		{name: "stops at the first failure", stream: Stream{Clip: Clip{CameraID: "porch", File: mp4 + ".gone", CapturedAt: first}, Count: 3, Every: time.Millisecond}, wantErrIn: "no such file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := fakeS3(t)
			u := &Uploader{S3: c, Bucket: bucket, Entropy: rand.Reader}
			var progress bytes.Buffer
			tt.stream.Progress = &progress
			n, err := u.Run(context.Background(), tt.stream)
			if tt.wantErrIn != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErrIn) {
					t.Fatalf("Run() error = %v, want %q", err, tt.wantErrIn)
				}
				if n != 0 {
					t.Errorf("Run() = %d uploaded, want 0", n)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if n != tt.wantN {
				t.Errorf("Run() = %d, want %d", n, tt.wantN)
			}
			lines := strings.Split(strings.TrimSpace(progress.String()), "\n")
			if len(lines) != tt.wantN {
				t.Fatalf("progress lines = %q, want %d", lines, tt.wantN)
			}
			var got []time.Time
			for i, line := range lines {
				fields := strings.Fields(line)
				if want := fmt.Sprintf("%d/%d", i+1, tt.wantN); fields[0] != want {
					t.Errorf("progress line %q, want it to start %s", line, want)
				}
				k, err := clip.ParseObjectKey(fields[1])
				if err != nil {
					t.Fatalf("progress line %q: key: %v", line, err)
				}
				got = append(got, k.CapturedAt)
				if o := get(t, c, k.ClipKey); o.meta[MetaCapturedAt] != k.CapturedAt.Format(CapturedAtLayout) {
					t.Errorf("%s: captured-at %q, key time %s", k.ClipKey, o.meta[MetaCapturedAt], k.CapturedAt)
				}
			}
			for i := range tt.wantTimes {
				if !got[i].Equal(tt.wantTimes[i]) {
					t.Errorf("clip %d captured at %s, want %s", i+1, got[i], tt.wantTimes[i])
				}
			}
		})
	}
}

func TestRunStopsOnCancel(t *testing.T) {
	mp4, _ := files(t)
	c := fakeS3(t)
	ctx, cancel := context.WithCancel(context.Background())
	var progress cancelAfterFirst
	progress.cancel = cancel
	u := &Uploader{S3: c, Bucket: bucket, Entropy: rand.Reader}
	n, err := u.Run(ctx, Stream{Clip: Clip{CameraID: "porch", File: mp4}, Count: 5, Every: time.Hour, Progress: &progress})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Run() error = %v, want context.Canceled", err)
	}
	if n != 1 || len(keys(t, c)) != 1 {
		t.Errorf("Run() = %d, objects %v; want 1 clip before the stop", n, keys(t, c))
	}
}

// cancelAfterFirst is a progress writer that presses Ctrl-C after the first
// line, while the stream waits an hour for its next clip.
type cancelAfterFirst struct {
	bytes.Buffer
	cancel context.CancelFunc
}

func (c *cancelAfterFirst) Write(p []byte) (int, error) {
	c.cancel()
	return c.Buffer.Write(p)
}
