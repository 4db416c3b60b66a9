package media_test

import (
	"context"
	"errors"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"

	"github.com/camvault/camvault/videos-api/media"
)

func TestBucket(t *testing.T) {
	ctx := context.Background()
	srv := httptest.NewServer(gofakes3.New(s3mem.New()).Server())
	defer srv.Close()
	c := s3.New(s3.Options{
		Region: "us-east-1", BaseEndpoint: aws.String(srv.URL), UsePathStyle: true,
		Credentials: credentials.NewStaticCredentialsProvider("AKIDTEST", "secret", ""),
	})
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("bkt")}); err != nil {
		t.Fatal(err)
	}
	_, err := c.PutObject(ctx, &s3.PutObjectInput{
		Bucket: aws.String("bkt"), Key: aws.String("clips/a b.mp4"), Body: strings.NewReader("12345"),
		ContentType: aws.String("video/mp4"), Metadata: map[string]string{"Captured-At": "2026-11-25T10:00:00Z"},
	})
	if err != nil {
		t.Fatal(err)
	}
	b := media.New(c, "bkt", 5*time.Minute)

	obj, err := b.Head(ctx, "clips/a b.mp4")
	if err != nil || obj.Size != 5 || obj.ContentType != "video/mp4" || obj.Metadata["captured-at"] != "2026-11-25T10:00:00Z" {
		t.Fatalf("Head = %+v, %v", obj, err)
	}
	if _, err := b.Head(ctx, "clips/none.mp4"); !errors.Is(err, media.ErrNotFound) {
		t.Fatalf("Head(missing) = %v, want ErrNotFound", err)
	}
	raw, err := b.DownloadURL(ctx, "clips/a b.mp4", "a-20261125T100000Z.mp4")
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(raw)
	if u.Path != "/bkt/clips/a b.mp4" || u.Query().Get("X-Amz-Expires") != "300" ||
		u.Query().Get("response-content-disposition") != `attachment; filename="a-20261125T100000Z.mp4"` {
		t.Fatalf("DownloadURL = %s", raw)
	}
	if err := b.Delete(ctx, "clips/a b.mp4", "clips/none.jpg", ""); err != nil {
		t.Fatalf("Delete = %v", err)
	}
	if _, err := b.Head(ctx, "clips/a b.mp4"); !errors.Is(err, media.ErrNotFound) {
		t.Fatalf("Head after Delete = %v", err)
	}
}
