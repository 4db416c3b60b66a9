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

// TestKeptClipSurvivesExpiry: through the local gateway, a viewer keeps one
// of two fresh clips; when the TTL stand-in runs past the retention period
// the other clip's record goes and the kept one stays, listed as kept and
// still signed for playing; un-kept, it goes with the next sweep past its
// window (videos-api's keep tests prove the day of grace past it).
func TestKeptClipSurvivesExpiry(t *testing.T) {
	e := start(t, t.TempDir(), true)
	ctx := context.Background()
	viewer := e.token(t, "viewer@example.com")
	var ids []string
	for i := range 2 {
		captured := time.Now().UTC().Add(-time.Duration(2-i) * time.Hour).Truncate(time.Millisecond)
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
	kept, plain := ids[0], ids[1]
	if r := e.do(t, "PUT", "/cameras/porch/videos/"+kept+"/keep", viewer); r.status != 200 || !strings.Contains(string(r.body), `"kept":true`) {
		t.Fatalf("keep: %d %s", r.status, r.body)
	}
	if _, err := e.s.Expire(ctx, time.Now().AddDate(0, 0, 40)); err != nil {
		t.Fatal(err)
	}
	if r := e.do(t, "GET", "/cameras/porch/videos/"+plain, viewer); r.status != 404 {
		t.Fatalf("the clip not kept after retention: %d", r.status)
	}
	if r := e.do(t, "GET", "/cameras/porch/videos/"+kept, viewer); r.status != 200 || !strings.Contains(string(r.body), `"playUrl"`) {
		t.Fatalf("the kept clip after retention: %d %s", r.status, r.body)
	}
	if r := e.do(t, "GET", "/videos?kept=true", viewer); r.status != 200 || !strings.Contains(string(r.body), kept) || strings.Contains(string(r.body), plain) {
		t.Fatalf("kept list: %d %s", r.status, r.body)
	}
	if r := e.do(t, "DELETE", "/cameras/porch/videos/"+kept+"/keep", viewer); r.status != 200 {
		t.Fatalf("un-keep: %d %s", r.status, r.body)
	}
	// Back under retention: the next sweep past its window takes it.
	if _, err := e.s.Expire(ctx, time.Now().AddDate(0, 0, 40)); err != nil {
		t.Fatal(err)
	}
	if r := e.do(t, "GET", "/cameras/porch/videos/"+kept, viewer); r.status != 404 {
		t.Fatalf("un-kept, after retention: %d", r.status)
	}
}
