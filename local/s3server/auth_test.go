package s3server

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// clientAs is an S3 client of the server at url signing with key/secret.
func clientAs(url, key, secret string) *s3.Client {
	return s3.New(s3.Options{
		Region: "us-east-1", BaseEndpoint: aws.String(url), UsePathStyle: true,
		Credentials:                credentials.NewStaticCredentialsProvider(key, secret, ""),
		RequestChecksumCalculation: aws.RequestChecksumCalculationWhenRequired,
		ResponseChecksumValidation: aws.ResponseChecksumValidationWhenRequired,
	})
}

// status is the HTTP status of an SDK error (0 for none).
func status(err error) int {
	var re *smithyhttp.ResponseError
	if errors.As(err, &re) {
		return re.HTTPStatusCode()
	}
	if err != nil {
		return -1
	}
	return 0
}

// raw sends an unsigned request and returns its status and body.
func raw(t *testing.T, method, url string, body string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(method, url, strings.NewReader(body))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestAnonymousAndForgedRefused: without a signature, with an unknown key
// or with a wrong secret, nothing is read, written or deleted.
func TestAnonymousAndForgedRefused(t *testing.T) {
	rec := &ingestRecorder{}
	s, c, url := start(t, filepath.Join(t.TempDir(), "s3.db"), rec)
	put(t, c, "clips/porch/a.mp4", []byte("footage"))
	s.Wait()
	obj := url + "/clips-bucket/clips/porch/a.mp4"
	for _, tt := range []struct{ method, url, body string }{
		{"GET", obj, ""}, {"HEAD", obj, ""}, {"PUT", obj, "replaced"}, {"PUT", url + "/clips-bucket/clips/porch/new.mp4", "new"},
		{"DELETE", obj, ""}, {"GET", url + "/clips-bucket?list-type=2", ""}, {"POST", url + "/clips-bucket?delete", ""},
	} {
		code, body := raw(t, tt.method, tt.url, tt.body)
		if code != http.StatusForbidden || tt.method != "HEAD" && !strings.Contains(body, "<Code>AccessDenied</Code>") {
			t.Errorf("anonymous %s %s = %d %s, want 403 AccessDenied", tt.method, tt.url, code, body)
		}
	}
	ctx := context.Background()
	for _, tt := range []struct{ name, key, secret string }{{"unknown key", "NOPE", "local"}, {"wrong secret", "local", "guessed"}, {"camera key, another's secret", "CAMPORCH", "garage-secret"}} {
		forged := clientAs(url, tt.key, tt.secret)
		_, err := forged.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("clips-bucket"), Key: aws.String("clips/porch/a.mp4")})
		if status(err) != http.StatusForbidden {
			t.Errorf("%s: GET = %v, want 403", tt.name, err)
		}
		_, err = forged.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String("clips-bucket"), Key: aws.String("clips/porch/a.mp4")})
		if status(err) != http.StatusForbidden {
			t.Errorf("%s: DELETE = %v, want 403", tt.name, err)
		}
	}
	out, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("clips-bucket"), Key: aws.String("clips/porch/a.mp4")})
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := io.ReadAll(out.Body); string(b) != "footage" {
		t.Fatalf("footage now %q", b)
	}
	if n := len(rec.got()); n != 1 {
		t.Fatalf("%d ingest events, want only the one signed upload", n)
	}
}

// TestCreateOnly: under clips/ every write needs If-None-Match: *, an
// existing key answers 412, and copies are refused, whoever signs.
func TestCreateOnly(t *testing.T) {
	rec := &ingestRecorder{}
	s, c, _ := start(t, filepath.Join(t.TempDir(), "s3.db"), rec)
	ctx := context.Background()
	key := "clips/porch/2026/01/02/one.mp4"
	put(t, c, key, []byte("first"))
	_, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("clips-bucket"), Key: aws.String(key), Body: strings.NewReader("second"), IfNoneMatch: aws.String("*")})
	if status(err) != http.StatusPreconditionFailed {
		t.Errorf("overwrite with If-None-Match = %v, want 412", err)
	}
	_, err = c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("clips-bucket"), Key: aws.String(key), Body: strings.NewReader("second")})
	if status(err) != http.StatusForbidden {
		t.Errorf("overwrite without If-None-Match = %v, want 403", err)
	}
	_, err = c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("clips-bucket"), Key: aws.String("clips/porch/fresh.mp4"), Body: strings.NewReader("x")})
	if status(err) != http.StatusForbidden {
		t.Errorf("new key without If-None-Match = %v, want 403", err)
	}
	_, err = c.CopyObject(ctx, &s3.CopyObjectInput{Bucket: aws.String("clips-bucket"), Key: aws.String("clips/porch/copy.mp4"), CopySource: aws.String("clips-bucket/" + key), IfNoneMatch: aws.String("*")})
	if status(err) != http.StatusForbidden {
		t.Errorf("copy into clips/ = %v, want 403", err)
	}
	// Outside clips/ the Lambdas' key writes as before.
	if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("clips-bucket"), Key: aws.String("other/x"), Body: strings.NewReader("x")}); err != nil {
		t.Errorf("write outside clips/ = %v", err)
	}
	s.Wait()
	out, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("clips-bucket"), Key: aws.String(key)})
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := io.ReadAll(out.Body); string(b) != "first" {
		t.Fatalf("clip now %q, want the first upload", b)
	}
	if n := len(rec.got()); n != 1 {
		t.Fatalf("%d ingest events, want 1", n)
	}
}

// TestCameraKeys: a camera's key creates under its own prefix and does
// nothing else.
func TestCameraKeys(t *testing.T) {
	rec := &ingestRecorder{}
	s, c, url := start(t, filepath.Join(t.TempDir(), "s3.db"), rec)
	ctx := context.Background()
	porch := clientAs(url, "CAMPORCH", "porch-secret")
	own := "clips/porch/2026/01/02/mine.mp4"
	body := []byte("porch footage")
	sum := sha256.Sum256(body)
	_, err := porch.PutObject(ctx, &s3.PutObjectInput{
		Bucket: aws.String("clips-bucket"), Key: aws.String(own), Body: bytes.NewReader(body),
		IfNoneMatch: aws.String("*"), ChecksumSHA256: aws.String(base64.StdEncoding.EncodeToString(sum[:])),
	})
	if err != nil {
		t.Fatalf("camera creating under its prefix: %v", err)
	}
	put(t, c, "clips/garage/2026/01/02/theirs.mp4", []byte("garage footage"))
	tests := []struct {
		name string
		do   func() error
		want int
	}{
		{"overwrite its own clip", func() error {
			_, err := porch.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("clips-bucket"), Key: aws.String(own), Body: strings.NewReader("x"), IfNoneMatch: aws.String("*")})
			return err
		}, 412},
		{"write under another camera", func() error {
			_, err := porch.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("clips-bucket"), Key: aws.String("clips/garage/2026/01/02/fake.mp4"), Body: strings.NewReader("x"), IfNoneMatch: aws.String("*")})
			return err
		}, 403},
		{"write outside clips/", func() error {
			_, err := porch.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("clips-bucket"), Key: aws.String("web/index.html"), Body: strings.NewReader("x"), IfNoneMatch: aws.String("*")})
			return err
		}, 403},
		{"prefix look-alike", func() error {
			_, err := porch.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("clips-bucket"), Key: aws.String("clips/porch-2/x.mp4"), Body: strings.NewReader("x"), IfNoneMatch: aws.String("*")})
			return err
		}, 403},
		{"read its own clip", func() error {
			_, err := porch.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("clips-bucket"), Key: aws.String(own)})
			return err
		}, 403},
		{"head another's clip", func() error {
			_, err := porch.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("clips-bucket"), Key: aws.String("clips/garage/2026/01/02/theirs.mp4")})
			return err
		}, 403},
		{"delete its own clip", func() error {
			_, err := porch.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String("clips-bucket"), Key: aws.String(own)})
			return err
		}, 403},
		{"list", func() error {
			_, err := porch.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("clips-bucket")})
			return err
		}, 403},
		{"tag its own clip", func() error {
			_, err := porch.PutObjectTagging(ctx, &s3.PutObjectTaggingInput{Bucket: aws.String("clips-bucket"), Key: aws.String(own), Tagging: &s3types.Tagging{TagSet: []s3types.Tag{{Key: aws.String("a"), Value: aws.String("b")}}}})
			return err
		}, 403},
	}
	for _, tt := range tests {
		if got := status(tt.do()); got != tt.want {
			t.Errorf("%s: status %d, want %d", tt.name, got, tt.want)
		}
	}
	s.Wait()
	if n := len(rec.got()); n != 2 {
		t.Fatalf("%d ingest events, want the two creations", n)
	}
	out, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("clips-bucket"), Key: aws.String(own), ChecksumMode: "ENABLED"})
	if err != nil || aws.ToString(out.ChecksumSHA256) != base64.StdEncoding.EncodeToString(sum[:]) {
		t.Fatalf("HeadObject checksum = %v, %v; want the upload's", out, err)
	}
}

// TestChecksumVerified: a body that does not match its
// x-amz-checksum-sha256 is refused with 400 BadDigest and not stored.
func TestChecksumVerified(t *testing.T) {
	rec := &ingestRecorder{}
	s, c, _ := start(t, filepath.Join(t.TempDir(), "s3.db"), rec)
	ctx := context.Background()
	other := sha256.Sum256([]byte("what the camera recorded"))
	_, err := c.PutObject(ctx, &s3.PutObjectInput{
		Bucket: aws.String("clips-bucket"), Key: aws.String("clips/porch/bad.mp4"), Body: strings.NewReader("corrupted on the way"),
		IfNoneMatch: aws.String("*"), ChecksumSHA256: aws.String(base64.StdEncoding.EncodeToString(other[:])),
	})
	if status(err) != http.StatusBadRequest || !strings.Contains(err.Error(), "BadDigest") {
		t.Fatalf("mismatched checksum = %v, want 400 BadDigest", err)
	}
	_, err = c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("clips-bucket"), Key: aws.String("clips/porch/bad.mp4")})
	if status(err) != http.StatusNotFound {
		t.Fatalf("refused object stored: %v", err)
	}
	s.Wait()
	if n := len(rec.got()); n != 0 {
		t.Fatalf("%d ingest events", n)
	}
}

// TestPresignedURLs: the URLs the API signs work (Range included) until
// they expire, and not once tampered with.
func TestPresignedURLs(t *testing.T) {
	file := filepath.Join(t.TempDir(), "s3.db")
	var skew atomic.Int64 // how far the server's clock is ahead
	s, err := New(Config{File: file, Bucket: "clips-bucket", Keys: testKeys, Now: func() time.Time { return time.Now().Add(time.Duration(skew.Load())) }})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s)
	t.Cleanup(func() { srv.Close(); s.Close() })
	c := clientAs(srv.URL, "local", "local")
	put(t, c, "clips/porch/2026/01/02/20260102T030405.000Z_X.mp4", []byte("0123456789"))
	presign := s3.NewPresignClient(c, s3.WithPresignExpires(5*time.Minute))
	req, err := presign.PresignGetObject(context.Background(), &s3.GetObjectInput{
		Bucket: aws.String("clips-bucket"), Key: aws.String("clips/porch/2026/01/02/20260102T030405.000Z_X.mp4"),
		ResponseContentDisposition: aws.String(`attachment; filename="porch clip.mp4"`),
	})
	if err != nil {
		t.Fatal(err)
	}
	get := func(u string) int {
		hr, _ := http.NewRequest("GET", u, nil)
		hr.Header.Set("Range", "bytes=0-3")
		resp, err := http.DefaultClient.Do(hr)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if got := get(req.URL); got != http.StatusPartialContent {
		t.Fatalf("signed ranged GET = %d, want 206", got)
	}
	if got := get(strings.Replace(req.URL, "X-Amz-Signature=", "X-Amz-Signature=0", 1)); got != http.StatusForbidden {
		t.Errorf("tampered signature = %d, want 403", got)
	}
	if got := get(strings.Replace(req.URL, "response-content-disposition=", "response-content-disposition=x", 1)); got != http.StatusForbidden {
		t.Errorf("tampered parameter = %d, want 403", got)
	}
	skew.Store(int64(6 * time.Minute))
	if got := get(req.URL); got != http.StatusForbidden {
		t.Errorf("expired URL = %d, want 403", got)
	}
}

// TestSignedBodyReplay: a captured signed PUT replayed with another body is
// refused (the body must match the signed x-amz-content-sha256).
func TestSignedBodyReplay(t *testing.T) {
	rec := &ingestRecorder{}
	s, _, url := start(t, filepath.Join(t.TempDir(), "s3.db"), rec)
	signed := func(body string) *http.Request {
		good := sha256.Sum256([]byte("camera footage"))
		req, _ := http.NewRequest("PUT", url+"/clips-bucket/clips/porch/2026/01/02/replayed.mp4", strings.NewReader(body))
		req.Header.Set("If-None-Match", "*")
		req.Header.Set("X-Amz-Content-Sha256", hex.EncodeToString(good[:]))
		signer := v4.NewSigner(func(o *v4.SignerOptions) { o.DisableURIPathEscaping = true })
		req.ContentLength = int64(len("camera footage")) // as signed
		if err := signer.SignHTTP(context.Background(), aws.Credentials{AccessKeyID: "CAMPORCH", SecretAccessKey: "porch-secret"}, req, hex.EncodeToString(good[:]), "s3", "us-east-1", time.Now()); err != nil {
			t.Fatal(err)
		}
		req.ContentLength = int64(len(body))
		return req
	}
	send := func(req *http.Request) (int, string) {
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	// Another length changes the signed content-length: 403.
	if code, body := send(signed("forged footag")); code != http.StatusForbidden || !strings.Contains(body, "SignatureDoesNotMatch") {
		t.Fatalf("replayed with a body of another length = %d %s, want 403 SignatureDoesNotMatch", code, body)
	}
	if code, body := send(signed("forged footage")); code != http.StatusBadRequest || !strings.Contains(body, "XAmzContentSHA256Mismatch") {
		t.Fatalf("replayed with another body = %d %s, want 400 XAmzContentSHA256Mismatch", code, body)
	}
	if code, body := send(signed("camera footage")); code != http.StatusOK {
		t.Fatalf("the signed request itself = %d %s", code, body)
	}
	s.Wait()
	if n := len(rec.got()); n != 1 {
		t.Fatalf("%d ingest events, want 1", n)
	}
}
