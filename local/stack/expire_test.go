package stack_test

import (
	"context"
	"crypto/rand"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/camvault/camvault/videos-api/clip"
)

type cameraList struct {
	Items []struct {
		ID         string `json:"id"`
		ClipCount  int64  `json:"clipCount"`
		LastClipAt string `json:"lastClipAt"`
	} `json:"items"`
}

// TestClipsExpire: the local stack's TTL stand-in makes clips expire the
// way DynamoDB's TTL and the table's stream do in AWS, and the camera
// cards follow: after ingest, a DELETE and the expiry of every remaining
// clip, /cameras says 0 clips and no last clip over an empty list.
func TestClipsExpire(t *testing.T) {
	e := start(t, t.TempDir(), true)
	ctx := context.Background()
	viewer, admin := e.token(t, "viewer@example.com"), e.token(t, "admin@example.com")
	camera := func() (int64, string) {
		t.Helper()
		var cams cameraList
		r := e.do(t, "GET", "/cameras", viewer)
		r.json(t, &cams)
		for _, c := range cams.Items {
			if c.ID == "porch" {
				return c.ClipCount, c.LastClipAt
			}
		}
		t.Fatalf("no porch camera: %d %s", r.status, r.body)
		return 0, ""
	}
	listed := func(path string) int {
		t.Helper()
		var vids list
		r := e.do(t, "GET", path, viewer)
		r.json(t, &vids)
		if r.status != 200 {
			t.Fatalf("GET %s: %d %s", path, r.status, r.body)
		}
		return len(vids.Items)
	}

	var ids []string
	for i := range 3 {
		captured := time.Now().UTC().Add(-time.Duration(3-i) * time.Hour).Truncate(time.Millisecond)
		id, _ := clip.NewVideoID(captured, rand.Reader)
		key, _, _ := clip.ObjectKeys("porch", id)
		if _, err := e.s.S3().PutObject(ctx, &s3.PutObjectInput{
			Bucket: aws.String(e.s.Info().Bucket), Key: aws.String(key), Body: strings.NewReader("clip"), ContentType: aws.String("video/mp4"),
			IfNoneMatch: aws.String("*"),
		}); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	e.s.WaitIngest()
	if n, last := camera(); n != 3 || last == "" {
		t.Fatalf("after ingest: clipCount %d, lastClipAt %q", n, last)
	}
	if r := e.do(t, "DELETE", "/cameras/porch/videos/"+ids[2], admin); r.status != 204 && r.status != 200 {
		t.Fatalf("DELETE: %d %s", r.status, r.body)
	}
	if n, _ := camera(); n != 2 {
		t.Fatalf("after a DELETE: clipCount %d, want 2", n)
	}

	// Nothing has expired yet: a sweep now removes nothing.
	if n, err := e.s.Expire(ctx, time.Now()); err != nil || n != 0 {
		t.Fatalf("sweep now: %d items, %v", n, err)
	}
	// Past the retention period (30 days from upload), every record goes,
	// the DELETE's tombstone too once its own TTL passes.
	n, err := e.s.Expire(ctx, time.Now().AddDate(0, 0, 40))
	if err != nil || n < 2 {
		t.Fatalf("sweep after retention: %d items, %v", n, err)
	}
	if n, last := camera(); n != 0 || last != "" {
		t.Fatalf("after expiry: clipCount %d, lastClipAt %q; want 0 and none", n, last)
	}
	if got := listed("/cameras/porch/videos"); got != 0 {
		t.Fatalf("camera list after expiry: %d clips", got)
	}
	if got := listed("/videos"); got != 0 {
		t.Fatalf("timeline after expiry: %d clips", got)
	}
}
