package media_test

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"

	"github.com/camvault/camvault/videos-api/media"
	"github.com/camvault/camvault/videos-api/media/mediatest"
)

// TestTagUntagged: the backfill tags only objects without a retention tag
// (standard), never changes a kept one, counts in a dry run without
// writing, and a second run finds nothing to do.
func TestTagUntagged(t *testing.T) {
	ctx := context.Background()
	tags := mediatest.NewTagging(gofakes3.New(s3mem.New()).Server())
	srv := httptest.NewServer(tags)
	defer srv.Close()
	c := s3.New(s3.Options{
		Region: "us-east-1", BaseEndpoint: aws.String(srv.URL), UsePathStyle: true,
		Credentials: credentials.NewStaticCredentialsProvider("AKIDTEST", "secret", ""),
	})
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("bkt")}); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"clips/a/1.mp4", "clips/a/1.jpg", "clips/b/2.mp4", "other/x"} {
		if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("bkt"), Key: aws.String(k), Body: strings.NewReader("x")}); err != nil {
			t.Fatal(err)
		}
	}
	b := media.New(c, "bkt", time.Minute)
	if err := b.SetRetention(ctx, "clips/b/2.mp4", "kept"); err != nil {
		t.Fatal(err)
	}
	if n, already, err := b.TagUntagged(ctx, "clips/", true); err != nil || n != 2 || already != 1 || tags.Tags("bkt", "clips/a/1.mp4") != nil {
		t.Fatalf("dry run: %d %d %v, tags %v", n, already, err, tags.Tags("bkt", "clips/a/1.mp4"))
	}
	if n, already, err := b.TagUntagged(ctx, "clips/", false); err != nil || n != 2 || already != 1 {
		t.Fatalf("run: %d %d %v", n, already, err)
	}
	for k, want := range map[string]string{"clips/a/1.mp4": "standard", "clips/a/1.jpg": "standard", "clips/b/2.mp4": "kept", "other/x": ""} {
		if got := tags.Tags("bkt", k)["retention"]; got != want {
			t.Errorf("%s: retention %q, want %q", k, got, want)
		}
	}
	if n, already, err := b.TagUntagged(ctx, "clips/", false); err != nil || n != 0 || already != 3 {
		t.Fatalf("second run: %d %d %v", n, already, err)
	}
}
