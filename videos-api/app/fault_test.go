package app_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/camvault/camvault/dynalite/dynalitetest"
	"github.com/camvault/camvault/videos-api/app"
	"github.com/camvault/camvault/videos-api/clip"
	"github.com/camvault/camvault/videos-api/store"
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

// brokenDelete is e's camvault with an S3 that refuses every delete.
func brokenDelete(t *testing.T, e *env) *env {
	brokenS3, _ := failingS3(t, e)
	cfg, _ := app.ConfigFromEnv(mapEnv(map[string]string{
		"TABLE_NAME": e.table, "BUCKET_NAME": bucket, "WEB_ORIGIN": webOrigin, "CURSOR_SECRET": secret,
	}))
	cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	broken := &env{t: t, s3: brokenS3, s3URL: e.s3URL, ddb: e.ddb, table: e.table}
	broken.app = app.New(cfg, e.ddb, brokenS3)
	broken.h = broken.app.Handlers()
	return broken
}

// assertGone checks that a deleted clip of porch shows nowhere and that
// the camera counts only keep (which may be "").
func assertGone(t *testing.T, e *env, gone, keep string) {
	t.Helper()
	if status, _ := e.call(viewer, "GET", "/cameras/porch/videos/"+gone); status != 404 {
		t.Errorf("GET the deleted clip = %d, want 404", status)
	}
	want := []string{}
	if keep != "" {
		want = []string{"porch/" + keep}
	}
	for _, target := range []string{"/videos", "/cameras/porch/videos", "/videos?camera=porch"} {
		if _, body := e.call(viewer, "GET", target); fmt.Sprint(itemIDs(body)) != fmt.Sprint(want) {
			t.Errorf("%s = %v, want %v", target, itemIDs(body), want)
		}
	}
	if cam := cameraOf(t, e, "porch"); cam["clipCount"] != float64(len(want)) {
		t.Errorf("camera = %v, want %d clips", cam, len(want))
	}
}

// TestLateEventAfterFailedS3DeleteDoesNotResurrect: after a delete whose S3
// step failed, the orphaned objects are still there, so a late or
// redelivered ObjectCreated event for them (S3 delivers at least once, with
// no bound on the delay) passes ingest's HeadObject. The delete's
// tombstone makes ingest skip the clip: it is not recorded, listed,
// counted or signed again.
func TestLateEventAfterFailedS3DeleteDoesNotResurrect(t *testing.T) {
	e := newEnv(t)
	keep := e.upload("porch", "2026-11-25T09:00:00Z", 1, true)
	gone := e.upload("porch", "2026-11-25T10:00:00Z", 2, true)
	if status, body := brokenDelete(t, e).call(admin, "DELETE", "/cameras/porch/videos/"+gone); status != 204 {
		t.Fatalf("DELETE = %d %v", status, body)
	}
	clipKey, thumbKey, _ := clip.ObjectKeys("porch", gone)
	if _, err := e.s3.HeadObject(context.Background(), &s3.HeadObjectInput{Bucket: aws.String(bucket), Key: aws.String(clipKey)}); err != nil {
		t.Fatalf("the orphaned object is gone (%v): the injected failure did not happen", err)
	}
	e.ingest(clipKey)
	e.ingest(thumbKey, clipKey)
	assertGone(t, e, gone, keep)
	if cam := cameraOf(t, e, "porch"); cam["lastClipAt"] != "2026-11-25T09:00:00Z" {
		t.Errorf("camera = %v, want last clip at 09:00", cam)
	}
}

// TestIngestRetryAfterDeleteDropsItsRecord: an ingest that wrote its record
// after a DELETE's tombstone, then stopped before it could take the record
// back, leaves an uncounted record; its retry finds the tombstone and
// removes that record.
func TestIngestRetryAfterDeleteDropsItsRecord(t *testing.T) {
	e := newEnv(t)
	gone := e.upload("porch", "2026-11-25T10:00:00Z", 2, true)
	if status, body := brokenDelete(t, e).call(admin, "DELETE", "/cameras/porch/videos/"+gone); status != 204 {
		t.Fatalf("DELETE = %d %v", status, body)
	}
	clipKey, _, _ := clip.ObjectKeys("porch", gone)
	// What the stopped ingest left: its conditional put, nothing more.
	st := store.New(e.ddb, e.table)
	if created, err := st.PutVideo(context.Background(), clip.Video{
		ID: gone, CameraID: "porch", CapturedAt: now.Add(-5 * time.Hour), ObjectKey: clipKey,
		ContentType: "video/mp4", Size: 3, ExpiresAt: now.AddDate(0, 0, 30),
	}); err != nil || !created {
		t.Fatalf("PutVideo = %v, %v", created, err)
	}
	e.ingest(clipKey) // the retry
	assertGone(t, e, gone, "")
}

// TestDeleteBetweenIngestCheckAndPut: a DELETE that writes its tombstone
// and removes the record after ingest looked for a tombstone but before its
// conditional put (possible for a redelivered event of a recorded clip).
// Ingest looks again after a put that created the record and takes it
// back, so the clip is not left visible with its objects gone.
func TestDeleteBetweenIngestCheckAndPut(t *testing.T) {
	e := newEnv(t)
	gone := e.upload("porch", "2026-11-25T10:00:00Z", 2, true)
	clipKey, _, _ := clip.ObjectKeys("porch", gone)

	// Ingest's DynamoDB goes through a proxy that runs the DELETE (with
	// working S3, but the objects are only read by HeadObject before the
	// put) just before forwarding ingest's first PutItem.
	target, err := url.Parse(dynalitetest.Shared(t))
	if err != nil {
		t.Fatal(err)
	}
	proxy := httputil.NewSingleHostReverseProxy(target)
	var fired atomic.Bool
	var deleteStatus atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.Header.Get("X-Amz-Target"), ".PutItem") && fired.CompareAndSwap(false, true) {
			status, _ := brokenDelete(t, e).call(admin, "DELETE", "/cameras/porch/videos/"+gone)
			deleteStatus.Store(int64(status))
		}
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	cfg, _ := app.ConfigFromEnv(mapEnv(map[string]string{
		"TABLE_NAME": e.table, "BUCKET_NAME": bucket, "WEB_ORIGIN": webOrigin, "CURSOR_SECRET": secret,
	}))
	cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	cfg.Now = func() time.Time { return now }
	slow := dynamodb.New(dynamodb.Options{
		Region: "us-east-1", BaseEndpoint: aws.String(srv.URL),
		Credentials: credentials.NewStaticCredentialsProvider("AKIDTEST", "secret-test", ""),
	})
	late := app.New(cfg, slow, e.s3)
	if err := late.Ingest(context.Background(), s3Event(clipKey)); err != nil {
		t.Fatal(err)
	}
	if !fired.Load() || deleteStatus.Load() != 204 {
		t.Fatalf("the DELETE did not run inside the ingest (fired %v, status %d)", fired.Load(), deleteStatus.Load())
	}
	assertGone(t, e, gone, "")
}
