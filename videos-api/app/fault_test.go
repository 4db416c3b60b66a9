package app_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/camvault/camvault/videos-api/app"
	"github.com/camvault/camvault/videos-api/clip"
)

// cameraOf returns a camera's entry of GET /cameras.
func cameraOf(t *testing.T, e *env, id string) map[string]any {
	t.Helper()
	_, body := e.call(viewer, "GET", "/cameras")
	for _, it := range body["items"].([]any) {
		if m := it.(map[string]any); m["id"] == id {
			return m
		}
	}
	return nil
}

// TestIngestOutOfOrder: S3 does not promise order. A newer clip's event
// before an older one's, and the older one's redelivered after, leave both
// clips, a count of two, and the newer clip as the camera's last.
func TestIngestOutOfOrder(t *testing.T) {
	e := newEnv(t)
	older, newer := clipID("2026-11-25T09:00:00Z", 1), clipID("2026-11-25T10:00:00Z", 2)
	olderKey, _, _ := clip.ObjectKeys("porch", older)
	newerKey, _, _ := clip.ObjectKeys("porch", newer)
	e.put(olderKey, "video/mp4", []byte("old"), nil)
	e.put(newerKey, "video/mp4", []byte("new"), nil)

	e.ingest(newerKey)
	e.ingest(olderKey)
	e.ingest(olderKey) // redelivered, late
	e.ingest(newerKey, olderKey)

	cam := cameraOf(t, e, "porch")
	if cam == nil || cam["clipCount"] != 2.0 || cam["lastClipAt"] != "2026-11-25T10:00:00Z" {
		t.Fatalf("camera = %v, want 2 clips, last at 10:00", cam)
	}
	_, body := e.call(viewer, "GET", "/cameras/porch/videos")
	if got := itemIDs(body); len(got) != 2 || got[0] != "porch/"+newer || got[1] != "porch/"+older {
		t.Fatalf("list = %v, want newest first", got)
	}
}

// TestRedeliveryAfterDeleteDoesNotResurrect: an event redelivered after
// the clip was deleted (record and objects) finds no object and records
// nothing; the clip stays gone and the camera's count stays right.
func TestRedeliveryAfterDeleteDoesNotResurrect(t *testing.T) {
	e := newEnv(t)
	keep := e.upload("porch", "2026-11-25T09:00:00Z", 1, true)
	gone := e.upload("porch", "2026-11-25T10:00:00Z", 2, true)
	if status, body := e.call(admin, "DELETE", "/cameras/porch/videos/"+gone); status != 204 {
		t.Fatalf("DELETE = %d %v", status, body)
	}
	clipKey, thumbKey, _ := clip.ObjectKeys("porch", gone)
	e.ingest(clipKey)
	e.ingest(thumbKey, clipKey)

	if status, _ := e.call(viewer, "GET", "/cameras/porch/videos/"+gone); status != 404 {
		t.Fatalf("deleted clip after redelivery = %d, want 404", status)
	}
	cam := cameraOf(t, e, "porch")
	if cam["clipCount"] != 1.0 || cam["lastClipAt"] != "2026-11-25T09:00:00Z" {
		t.Fatalf("camera after redelivery = %v, want 1 clip, last at 09:00", cam)
	}
	if _, body := e.call(viewer, "GET", "/videos"); len(itemIDs(body)) != 1 || itemIDs(body)[0] != "porch/"+keep {
		t.Fatalf("timeline = %v", itemIDs(body))
	}
}

// failingS3 is the test bucket behind a proxy that answers every DELETE
// with S3's 500 InternalError (and counts them).
func failingS3(t *testing.T, e *env) (*s3.Client, *atomic.Int64) {
	target, err := url.Parse(e.s3URL)
	if err != nil {
		t.Fatal(err)
	}
	proxy := httputil.NewSingleHostReverseProxy(target)
	var deletes atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, batch := r.URL.Query()["delete"]; r.Method == http.MethodDelete || batch {
			deletes.Add(1)
			w.Header().Set("Content-Type", "application/xml")
			w.WriteHeader(http.StatusInternalServerError)
			io.WriteString(w, `<?xml version="1.0" encoding="UTF-8"?><Error><Code>InternalError</Code><Message>injected</Message></Error>`)
			return
		}
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return s3.New(s3.Options{
		Region: "us-east-1", BaseEndpoint: aws.String(srv.URL), UsePathStyle: true,
		Credentials: credentials.NewStaticCredentialsProvider("AKIDTEST", "secret-test", ""),
	}), &deletes
}

// TestDeleteWhoseS3StepFails: the record goes first, so when S3 refuses to
// delete the objects the clip is gone from every listing and is never
// signed again; only invisible objects are left for the lifecycle rule.
func TestDeleteWhoseS3StepFails(t *testing.T) {
	e := newEnv(t)
	keep := e.upload("porch", "2026-11-25T09:00:00Z", 1, true)
	gone := e.upload("porch", "2026-11-25T10:00:00Z", 2, true)
	brokenS3, deletes := failingS3(t, e)
	cfg, _ := app.ConfigFromEnv(mapEnv(map[string]string{
		"TABLE_NAME": e.table, "BUCKET_NAME": bucket, "WEB_ORIGIN": webOrigin, "CURSOR_SECRET": secret,
	}))
	cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	broken := &env{t: t, s3: brokenS3, s3URL: e.s3URL, ddb: e.ddb, table: e.table}
	broken.app = app.New(cfg, e.ddb, brokenS3)
	broken.h = broken.app.Handlers()

	status, body := broken.call(admin, "DELETE", "/cameras/porch/videos/"+gone)
	if status != 204 {
		t.Fatalf("DELETE with S3 failing = %d %v, want 204 (the record is gone)", status, body)
	}
	if deletes.Load() == 0 {
		t.Fatal("the injected S3 failure was never hit")
	}
	if status, _ := e.call(viewer, "GET", "/cameras/porch/videos/"+gone); status != 404 {
		t.Errorf("GET the deleted clip = %d, want 404 (never signed again)", status)
	}
	for _, target := range []string{"/videos", "/cameras/porch/videos", "/videos?camera=porch"} {
		if _, body := e.call(viewer, "GET", target); len(itemIDs(body)) != 1 || itemIDs(body)[0] != "porch/"+keep {
			t.Errorf("%s = %v, want only the kept clip", target, itemIDs(body))
		}
	}
	if cam := cameraOf(t, e, "porch"); cam["clipCount"] != 1.0 || cam["lastClipAt"] != "2026-11-25T09:00:00Z" {
		t.Errorf("camera = %v, want 1 clip, last at 09:00", cam)
	}
	// The objects are left, unreferenced, for the lifecycle rule.
	clipKey, _, _ := clip.ObjectKeys("porch", gone)
	if _, err := e.s3.HeadObject(context.Background(), &s3.HeadObjectInput{Bucket: aws.String(bucket), Key: aws.String(clipKey)}); err != nil {
		t.Fatalf("the orphaned object is gone too (%v): the injected failure did not happen", err)
	}
	// A second DELETE (the admin retrying) is a 404 and the objects stay
	// for the lifecycle rule.
	if status, _ := e.call(admin, "DELETE", "/cameras/porch/videos/"+gone); status != 404 {
		t.Errorf("second DELETE = %d, want 404", status)
	}
}

// TestDeleteWhoseDynamoDBStepFails: when the record cannot be deleted the
// answer is a 503 and nothing is touched: the clip stays whole, listed,
// counted and playable (its objects are still there).
func TestDeleteWhoseDynamoDBStepFails(t *testing.T) {
	e := newEnv(t)
	id := e.upload("porch", "2026-11-25T10:00:00Z", 1, true)
	cfg, _ := app.ConfigFromEnv(mapEnv(map[string]string{
		"TABLE_NAME": "no-such-table", "BUCKET_NAME": bucket, "WEB_ORIGIN": webOrigin, "CURSOR_SECRET": secret,
	}))
	cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	broken := &env{t: t, s3: e.s3, s3URL: e.s3URL}
	broken.app = app.New(cfg, e.ddb, e.s3)
	broken.h = broken.app.Handlers()
	status, body := broken.call(admin, "DELETE", "/cameras/porch/videos/"+id)
	if code, _ := errorOf(body); status != 503 || code != "storage_unavailable" {
		t.Fatalf("DELETE with DynamoDB failing = %d %v, want 503 storage_unavailable", status, body)
	}
	status, body = e.call(viewer, "GET", "/cameras/porch/videos/"+id)
	if status != 200 || body["playUrl"] == nil || body["thumbnailUrl"] == nil {
		t.Fatalf("clip after a failed delete = %d %v", status, body)
	}
	clipKey, thumbKey, _ := clip.ObjectKeys("porch", id)
	for _, k := range []string{clipKey, thumbKey} {
		_, err := e.s3.HeadObject(context.Background(), &s3.HeadObjectInput{Bucket: aws.String(bucket), Key: aws.String(k)})
		var nf *s3types.NotFound
		if errors.As(err, &nf) || err != nil { // NotFound or any other failure
			t.Errorf("%s after a failed delete: %v", k, err)
		}
	}
	if cam := cameraOf(t, e, "porch"); cam["clipCount"] != 1.0 {
		t.Errorf("camera = %v, want 1 clip", cam)
	}
}

// TestLateEventAfterFailedS3DeleteDoesNotResurrect: after a delete whose S3
// step failed, the orphaned objects are still there, so a late or
// redelivered ObjectCreated event for them (S3 delivers at least once, with
// no bound on the delay) passes ingest's HeadObject and records the clip
// again: visible, counted and signed. Skipped until ingest can tell a
// deleted clip from a new one (e.g. a tombstone item written by DELETE,
// with the TTL of the objects, that ingest's conditional put respects).
func TestLateEventAfterFailedS3DeleteDoesNotResurrect(t *testing.T) {
	t.Skip("known gap (issue 9 report): a late event for an orphan resurrects a deleted clip; needs a delete tombstone in videos-api")
	e := newEnv(t)
	gone := e.upload("porch", "2026-11-25T10:00:00Z", 2, true)
	brokenS3, _ := failingS3(t, e)
	cfg, _ := app.ConfigFromEnv(mapEnv(map[string]string{
		"TABLE_NAME": e.table, "BUCKET_NAME": bucket, "WEB_ORIGIN": webOrigin, "CURSOR_SECRET": secret,
	}))
	cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	broken := &env{t: t, s3: brokenS3, s3URL: e.s3URL, ddb: e.ddb, table: e.table}
	broken.app = app.New(cfg, e.ddb, brokenS3)
	broken.h = broken.app.Handlers()
	if status, body := broken.call(admin, "DELETE", "/cameras/porch/videos/"+gone); status != 204 {
		t.Fatalf("DELETE = %d %v", status, body)
	}
	clipKey, _, _ := clip.ObjectKeys("porch", gone)
	e.ingest(clipKey)
	if status, _ := e.call(viewer, "GET", "/cameras/porch/videos/"+gone); status != 404 {
		t.Fatalf("deleted clip after a late event for its orphaned object = %d, want 404", status)
	}
}
