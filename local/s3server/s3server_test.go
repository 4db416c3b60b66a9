package s3server

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// The test keys: the Lambdas' ("local") and two cameras'.
var testPrincipals = map[string]Principal{
	"local":     {AccessKeyID: "local", SecretAccessKey: "local"},
	"CAMPORCH":  {AccessKeyID: "CAMPORCH", SecretAccessKey: "porch-secret", Camera: "porch"},
	"CAMGARAGE": {AccessKeyID: "CAMGARAGE", SecretAccessKey: "garage-secret", Camera: "garage"},
}

func testKeys(id string) (Principal, bool) { p, ok := testPrincipals[id]; return p, ok }

type ingestRecorder struct {
	mu     sync.Mutex
	events []events.S3Event
	fail   int // fail this many deliveries first
}

func (r *ingestRecorder) ingest(_ context.Context, e events.S3Event) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.fail > 0 {
		r.fail--
		return errors.New("table not ready")
	}
	r.events = append(r.events, e)
	return nil
}

func (r *ingestRecorder) got() []events.S3Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]events.S3Event(nil), r.events...)
}

func start(t *testing.T, file string, rec *ingestRecorder) (*Server, *s3.Client, string) {
	t.Helper()
	s, err := New(Config{File: file, Bucket: "clips-bucket", Ingest: rec.ingest, RetryDelay: time.Millisecond, WebOrigin: "http://127.0.0.1:4001", Keys: testKeys})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s)
	t.Cleanup(func() { srv.Close(); s.Close() })
	client := s3.New(s3.Options{
		Region: "us-east-1", BaseEndpoint: aws.String(srv.URL), UsePathStyle: true,
		Credentials:                credentials.NewStaticCredentialsProvider("local", "local", ""),
		RequestChecksumCalculation: aws.RequestChecksumCalculationWhenRequired,
		ResponseChecksumValidation: aws.ResponseChecksumValidationWhenRequired,
	})
	return s, client, srv.URL
}

func put(t *testing.T, c *s3.Client, key string, body []byte) {
	t.Helper()
	_, err := c.PutObject(context.Background(), &s3.PutObjectInput{Bucket: aws.String("clips-bucket"), Key: aws.String(key), Body: bytes.NewReader(body), ContentType: aws.String("video/mp4"), IfNoneMatch: aws.String("*")})
	if err != nil {
		t.Fatalf("put %s: %v", key, err)
	}
}

func TestPutNotifies(t *testing.T) {
	rec := &ingestRecorder{fail: 2}
	s, c, _ := start(t, filepath.Join(t.TempDir(), "s3.db"), rec)
	put(t, c, "clips/front door/2026/01/02/20260102T030405.000Z_X.mp4", []byte("hello video"))
	put(t, c, "other/file.txt", []byte("x"))
	s.Wait()
	got := rec.got()
	if len(got) != 1 {
		t.Fatalf("%d events, want 1 (after two failed deliveries)", len(got))
	}
	r := got[0].Records[0]
	checks := []struct{ name, got, want string }{
		{"eventName", r.EventName, "ObjectCreated:Put"},
		{"eventSource", r.EventSource, "aws:s3"},
		{"bucket", r.S3.Bucket.Name, "clips-bucket"},
		{"key", r.S3.Object.Key, "clips/front+door/2026/01/02/20260102T030405.000Z_X.mp4"},
	}
	for _, ch := range checks {
		if ch.got != ch.want {
			t.Errorf("%s = %q, want %q", ch.name, ch.got, ch.want)
		}
	}
	if r.S3.Object.Size != int64(len("hello video")) || len(r.S3.Object.ETag) != 32 || r.S3.Object.Sequencer == "" {
		t.Errorf("object %+v", r.S3.Object)
	}
}

func TestIngestGivesUp(t *testing.T) {
	rec := &ingestRecorder{fail: 10}
	s, c, _ := start(t, filepath.Join(t.TempDir(), "s3.db"), rec)
	put(t, c, "clips/a.mp4", []byte("x"))
	s.Wait()
	if n := len(rec.got()); n != 0 {
		t.Fatalf("%d deliveries", n)
	}
	rec.mu.Lock()
	defer rec.mu.Unlock()
	if rec.fail != 7 {
		t.Fatalf("%d attempts, want 3", 10-rec.fail)
	}
}

func TestRangeAndCORS(t *testing.T) {
	rec := &ingestRecorder{}
	s, c, _ := start(t, filepath.Join(t.TempDir(), "s3.db"), rec)
	put(t, c, "clips/r.mp4", []byte("0123456789"))
	s.Wait()
	presign := s3.NewPresignClient(c)
	req, err := presign.PresignGetObject(context.Background(), &s3.GetObjectInput{Bucket: aws.String("clips-bucket"), Key: aws.String("clips/r.mp4")})
	if err != nil {
		t.Fatal(err)
	}
	hr, _ := http.NewRequest("GET", req.URL, nil)
	hr.Header.Set("Range", "bytes=2-5")
	hr.Header.Set("Origin", "http://127.0.0.1:4001")
	resp, err := http.DefaultClient.Do(hr)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusPartialContent || string(body) != "2345" || resp.Header.Get("Content-Range") != "bytes 2-5/10" {
		t.Fatalf("%d %q %q", resp.StatusCode, body, resp.Header.Get("Content-Range"))
	}
	if got := resp.Header.Get("Access-Control-Allow-Origin"); got != "http://127.0.0.1:4001" {
		t.Fatalf("allow-origin %q", got)
	}
	pre, _ := http.NewRequest("OPTIONS", req.URL, nil)
	pre.Header.Set("Origin", "http://127.0.0.1:4001")
	pre.Header.Set("Access-Control-Request-Method", "GET")
	pre.Header.Set("Access-Control-Request-Headers", "range")
	resp, err = http.DefaultClient.Do(pre)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Access-Control-Allow-Origin") != "http://127.0.0.1:4001" || resp.Header.Get("Access-Control-Allow-Methods") == "" {
		t.Fatalf("preflight %d %v", resp.StatusCode, resp.Header)
	}
}

func TestPersistsAndLocks(t *testing.T) {
	file := filepath.Join(t.TempDir(), "s3.db")
	rec := &ingestRecorder{}
	s, c, _ := start(t, file, rec)
	put(t, c, "clips/keep.mp4", []byte("kept"))
	s.Wait()
	if _, err := New(Config{File: file, Bucket: "clips-bucket", Keys: testKeys}); !errors.Is(err, ErrInUse) {
		t.Fatalf("second open: %v", err)
	}
	s.Close()
	_, c2, _ := start(t, file, rec)
	out, err := c2.GetObject(context.Background(), &s3.GetObjectInput{Bucket: aws.String("clips-bucket"), Key: aws.String("clips/keep.mp4")})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(out.Body)
	if string(b) != "kept" {
		t.Fatalf("got %q", b)
	}
}

func TestMultipartNotifiesOnceOnComplete(t *testing.T) {
	rec := &ingestRecorder{}
	s, c, _ := start(t, filepath.Join(t.TempDir(), "s3.db"), rec)
	ctx := context.Background()
	key := "clips/big.mp4"
	up, err := c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String("clips-bucket"), Key: aws.String(key)})
	if err != nil {
		t.Fatal(err)
	}
	part, err := c.UploadPart(ctx, &s3.UploadPartInput{Bucket: aws.String("clips-bucket"), Key: aws.String(key), UploadId: up.UploadId, PartNumber: aws.Int32(1), Body: bytes.NewReader([]byte("only part"))})
	if err != nil {
		t.Fatal(err)
	}
	s.Wait()
	if n := len(rec.got()); n != 0 {
		t.Fatalf("%d events before completion", n)
	}
	_, err = c.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{
		Bucket: aws.String("clips-bucket"), Key: aws.String(key), UploadId: up.UploadId,
		MultipartUpload: &s3types.CompletedMultipartUpload{Parts: []s3types.CompletedPart{{ETag: part.ETag, PartNumber: aws.Int32(1)}}},
		IfNoneMatch:     aws.String("*"),
	})
	if err != nil {
		t.Fatal(err)
	}
	s.Wait()
	got := rec.got()
	if len(got) != 1 || got[0].Records[0].EventName != "ObjectCreated:CompleteMultipartUpload" || got[0].Records[0].S3.Object.Size != 9 {
		t.Fatalf("events %+v", got)
	}
}

// Uploads keep arriving while Wait and Close run (the seeder, tests,
// shutdown under load): counting deliveries must neither panic nor lose one
// that was accepted.
func TestPutsDuringWaitAndClose(t *testing.T) {
	rec := &ingestRecorder{}
	s, c, _ := start(t, filepath.Join(t.TempDir(), "s3.db"), rec)
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; ; i++ {
				key := fmt.Sprintf("clips/cam/2026/01/02/x-%d-%d.mp4", w, i)
				select {
				case <-stop:
					return
				default:
				}
				// Errors are expected once the data file closes.
				c.PutObject(context.Background(), &s3.PutObjectInput{Bucket: aws.String("clips-bucket"),
					Key: aws.String(key), Body: bytes.NewReader([]byte("v")), IfNoneMatch: aws.String("*")})
			}
		}(w)
	}
	// Wait over and over while deliveries come and go, until plenty have.
	for deadline := time.Now().Add(20 * time.Second); len(rec.got()) < 30; {
		if time.Now().After(deadline) {
			t.Fatalf("only %d deliveries while uploads ran", len(rec.got()))
		}
		s.Wait()
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	close(stop)
	wg.Wait()
}
