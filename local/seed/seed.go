// Package seed holds the local stack's sample clips (short H.264 MP4s with
// JPEG thumbnails, made by make-media.sh and committed under media/) and
// uploads a few days of them for three cameras through the S3 API, so the
// ingest path builds the records exactly as for a real camera.
package seed

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"fmt"
	"io"
	"sort"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/camvault/camvault/videos-api/clip"
)

//go:embed media/*.mp4 media/*.jpg
var media embed.FS

// MediaCount is how many distinct sample clips media/ holds.
const MediaCount = 6

// ClipSeconds is the length of every sample clip.
const ClipSeconds = 4

// Camera is a seeded camera.
type Camera struct {
	// ID is the camera id in object keys.
	ID string
	// Name is sent as x-amz-meta-camera-name.
	Name string
}

// Cameras are the seeded cameras.
var Cameras = []Camera{
	{ID: "front-door", Name: "Front door"},
	{ID: "driveway", Name: "Driveway"},
	{ID: "backyard", Name: "Backyard"},
}

// Clip is one planned upload: a clip and its thumbnail.
type Clip struct {
	Camera       Camera
	VideoID      string
	CapturedAt   time.Time
	ClipKey      string
	ThumbnailKey string
	// Media picks the sample (1..MediaCount).
	Media int
}

// clipsPerCamera is how many clips each camera gets beside the two around
// the last midnight.
const clipsPerCamera = 12

// Plan lays out the seed clips, newest first: per camera, clipsPerCamera
// clips spread over the three days before now, plus two a few minutes
// either side of the last UTC midnight so day boundaries are exercised.
// entropy feeds the video ids (crypto/rand.Reader when nil).
func Plan(now time.Time, entropy io.Reader) ([]Clip, error) {
	if entropy == nil {
		entropy = rand.Reader
	}
	now = now.UTC().Truncate(time.Millisecond)
	midnight := now.Truncate(24 * time.Hour)
	var clips []Clip
	for ci, cam := range Cameras {
		var times []time.Time
		for k := 0; k < clipsPerCamera; k++ {
			offset := time.Duration(k)*6*time.Hour + time.Duration(ci)*41*time.Minute + time.Duration(k*k)*7*time.Minute + 5*time.Minute
			times = append(times, now.Add(-offset))
		}
		for _, d := range []time.Duration{-(3 + time.Duration(ci)) * time.Minute, (4 + time.Duration(ci)) * time.Minute} {
			if t := midnight.Add(d); t.Before(now) {
				times = append(times, t)
			}
		}
		for i, t := range times {
			t = t.Add(time.Duration(ci*1000+i) * time.Millisecond) // distinct instants
			id, err := clip.NewVideoID(t, entropy)
			if err != nil {
				return nil, fmt.Errorf("seed: %w", err)
			}
			clipKey, thumbKey, err := clip.ObjectKeys(cam.ID, id)
			if err != nil {
				return nil, fmt.Errorf("seed: %w", err)
			}
			clips = append(clips, Clip{Camera: cam, VideoID: id, CapturedAt: t, ClipKey: clipKey, ThumbnailKey: thumbKey, Media: (ci*5+i)%MediaCount + 1})
		}
	}
	sort.Slice(clips, func(i, j int) bool { return clips[i].CapturedAt.After(clips[j].CapturedAt) })
	return clips, nil
}

// Upload puts each clip's thumbnail and then the clip itself into bucket,
// with the metadata a camera sends (captured-at, duration-seconds,
// camera-name), each through its camera's own client (clientFor), as the
// camera would.
func Upload(ctx context.Context, clientFor func(camera string) (*s3.Client, error), bucket string, clips []Clip) error {
	clients := map[string]*s3.Client{}
	for _, cl := range clips {
		c, ok := clients[cl.Camera.ID]
		if !ok {
			var err error
			if c, err = clientFor(cl.Camera.ID); err != nil {
				return fmt.Errorf("seed: camera %s: %w", cl.Camera.ID, err)
			}
			clients[cl.Camera.ID] = c
		}
		video, err := media.ReadFile(fmt.Sprintf("media/clip%d.mp4", cl.Media))
		if err != nil {
			return fmt.Errorf("seed: %w", err)
		}
		thumb, err := media.ReadFile(fmt.Sprintf("media/clip%d.jpg", cl.Media))
		if err != nil {
			return fmt.Errorf("seed: %w", err)
		}
		meta := map[string]string{
			"captured-at":      cl.CapturedAt.Format(time.RFC3339Nano),
			"duration-seconds": strconv.Itoa(ClipSeconds),
			"camera-name":      cl.Camera.Name,
		}
		for _, obj := range []struct {
			key, contentType string
			body             []byte
		}{{cl.ThumbnailKey, "image/jpeg", thumb}, {cl.ClipKey, "video/mp4", video}} {
			// As a camera uploads: create-only, with the checksum ingest
			// records as the clip's SHA-256.
			sum := sha256.Sum256(obj.body)
			_, err := c.PutObject(ctx, &s3.PutObjectInput{
				Bucket: aws.String(bucket), Key: aws.String(obj.key), Body: bytes.NewReader(obj.body),
				ContentType: aws.String(obj.contentType), Metadata: meta,
				IfNoneMatch: aws.String("*"), ChecksumSHA256: aws.String(base64.StdEncoding.EncodeToString(sum[:])),
			})
			if err != nil {
				return fmt.Errorf("seed: upload %s: %w", obj.key, err)
			}
		}
	}
	return nil
}
