package app_test

import (
	"context"
	"io"
	"log/slog"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/camvault/camvault/videos-api/app"
	"github.com/camvault/camvault/videos-api/clip"
)

// cameraSummary returns a camera's clip count and name from GET /cameras.
func cameraSummary(t *testing.T, e *env, id string) (count float64, name string, ok bool) {
	t.Helper()
	_, body := e.call(viewer, "GET", "/cameras")
	for _, it := range body["items"].([]any) {
		m := it.(map[string]any)
		if m["id"] == id {
			return m["clipCount"].(float64), m["name"].(string), true
		}
	}
	return 0, "", false
}

func TestIngestIsIdempotent(t *testing.T) {
	e := newEnv(t)
	id := clipID("2026-11-25T10:00:00.250Z", 1)
	clipKey, thumbKey, _ := clip.ObjectKeys("porch", id)
	e.put(clipKey, "video/mp4", []byte("mp4"), map[string]string{"captured-at": "2026-11-25T10:00:00.250Z", "duration-seconds": "9", "camera-name": "Back porch"})
	e.put(thumbKey, "image/jpeg", []byte("jpg"), nil)

	// The same event twice, then both objects in one event, then again.
	e.ingest(clipKey)
	e.ingest(clipKey)
	e.ingest(thumbKey, clipKey)
	e.ingest(clipKey, thumbKey)

	if count, name, _ := cameraSummary(t, e, "porch"); count != 1 || name != "Back porch" {
		t.Fatalf("camera = %v %q, want one clip named Back porch", count, name)
	}
	status, body := e.call(viewer, "GET", "/videos")
	if status != 200 || !reflect.DeepEqual(itemIDs(body), []string{"porch/" + id}) {
		t.Fatalf("/videos = %d %v", status, itemIDs(body))
	}
	v := body["items"].([]any)[0].(map[string]any)
	thumb, _ := v["thumbnailUrl"].(string)
	if !strings.Contains(thumb, "/"+strings.TrimSuffix(clipKey, ".mp4")+".jpg?") || !strings.Contains(thumb, "X-Amz-Signature=") {
		t.Fatalf("list item thumbnailUrl = %q, want a signed URL of the clip's .jpg", thumb)
	}
	delete(v, "thumbnailUrl")
	want := map[string]any{
		"id": id, "cameraId": "porch", "capturedAt": "2026-11-25T10:00:00.25Z", "durationSeconds": 9.0,
		"size": 3.0, "contentType": "video/mp4", "hasThumbnail": true, "expiresAt": "2026-12-25T10:00:00Z",
	}
	if !reflect.DeepEqual(v, want) {
		t.Fatalf("clip = %v\nwant   %v", v, want)
	}
}

func TestIngestLinksThumbnailsInEitherOrder(t *testing.T) {
	tests := []struct {
		name  string
		order []string // which object is uploaded and delivered first
	}{
		{"clip first", []string{"mp4", "jpg"}},
		{"thumbnail first", []string{"jpg", "mp4"}},
		{"thumbnail uploaded first, events in one batch", []string{"jpg+mp4"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			id := clipID("2026-11-25T10:00:00Z", 7)
			clipKey, thumbKey, _ := clip.ObjectKeys("side", id)
			for _, step := range tt.order {
				switch step {
				case "mp4":
					e.put(clipKey, "video/mp4", []byte("mp4"), nil)
					e.ingest(clipKey)
				case "jpg":
					e.put(thumbKey, "image/jpeg", []byte("jpg"), nil)
					e.ingest(thumbKey)
				case "jpg+mp4":
					e.put(thumbKey, "image/jpeg", []byte("jpg"), nil)
					e.put(clipKey, "video/mp4", []byte("mp4"), nil)
					e.ingest(thumbKey, clipKey)
				}
			}
			status, body := e.call(viewer, "GET", "/cameras/side/videos/"+id)
			if status != 200 || body["hasThumbnail"] != true || body["thumbnailUrl"] == nil {
				t.Fatalf("= %d %v, want a clip with a thumbnail", status, body)
			}
			if count, _, _ := cameraSummary(t, e, "side"); count != 1 {
				t.Fatalf("count = %v", count)
			}
		})
	}
}

func TestIngestSkipsWhatIsNotAClip(t *testing.T) {
	e := newEnv(t)
	id := clipID("2026-11-25T10:00:00Z", 1)
	clipKey, _, _ := clip.ObjectKeys("porch", id)
	tests := []struct {
		name string
		ev   events.S3Event
	}{
		{"outside clips/", s3Event("uploads/" + id + ".mp4")},
		{"no video id", s3Event("clips/porch/2026/11/25/20261125T100000Z.mp4")},
		{"date folders disagree", s3Event("clips/porch/2026/11/24/20261125T100000Z_" + id + ".mp4")},
		{"camera id with a space", s3Event("clips/front door/2026/11/25/20261125T100000Z_" + id + ".mp4")},
		{"not a video", s3Event("clips/porch/2026/11/25/20261125T100000Z_" + id + ".txt")},
		{"bad escaping", events.S3Event{Records: []events.S3EventRecord{{EventName: "ObjectCreated:Put", S3: events.S3Entity{Bucket: events.S3Bucket{Name: bucket}, Object: events.S3Object{Key: "clips/%zz"}}}}}},
		{"deleted since the event", s3Event(clipKey)},
		{"another bucket", func() events.S3Event { ev := s3Event(clipKey); ev.Records[0].S3.Bucket.Name = "other"; return ev }()},
		{"a removal", func() events.S3Event {
			ev := s3Event(clipKey)
			ev.Records[0].EventName = "ObjectRemoved:Delete"
			return ev
		}()},
		{"no records", events.S3Event{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := e.app.Ingest(context.Background(), tt.ev); err != nil {
				t.Fatalf("Ingest = %v, want nil (skip, no retry)", err)
			}
		})
	}
	if _, body := e.call(viewer, "GET", "/cameras"); len(itemIDs(body)) != 0 {
		t.Fatalf("cameras after skipped events = %v", itemIDs(body))
	}
}

func TestIngestReadsRFC3339KeysAndRestampsIDs(t *testing.T) {
	e := newEnv(t)
	// A device whose ULID time disagrees with its capture time, and a key
	// with colons (URL-encoded as %3A in the event).
	devID := clipID("2026-11-20T00:00:00Z", 3)
	key := "clips/porch/2026/11/25/2026-11-25T10:00:00Z_" + devID + ".mp4"
	e.put(key, "video/mp4", []byte("mp4"), nil)
	e.ingest(key)
	want := clip.WithTime(devID, time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC))
	status, body := e.call(viewer, "GET", "/cameras/porch/videos/"+want)
	if status != 200 || body["capturedAt"] != "2026-11-25T10:00:00Z" {
		t.Fatalf("= %d %v", status, body)
	}
	if u := body["playUrl"].(string); !strings.Contains(u, "/2026-11-25T10%3A00%3A00Z_"+devID+".mp4") {
		t.Fatalf("play URL does not name the uploaded object: %s", u)
	}
}

func TestStorageFailures(t *testing.T) {
	e := newEnv(t)
	id := e.upload("porch", "2026-11-25T10:00:00Z", 1, false)
	cfg, _ := app.ConfigFromEnv(mapEnv(map[string]string{
		"TABLE_NAME": "no-such-table", "BUCKET_NAME": bucket, "WEB_ORIGIN": webOrigin, "CURSOR_SECRET": secret,
	}))
	cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	broken := &env{t: t, s3: e.s3, s3URL: e.s3URL}
	broken.app = app.New(cfg, e.ddb, e.s3)
	broken.h = broken.app.Handlers()
	for _, target := range []string{"/cameras", "/videos", "/cameras/porch/videos", "/cameras/porch/videos/" + id} {
		t.Run(target, func(t *testing.T) {
			status, body := broken.call(viewer, "GET", target)
			if code, _ := errorOf(body); status != 503 || code != "storage_unavailable" {
				t.Fatalf("= %d %v, want 503 storage_unavailable", status, body)
			}
			if msg := body["error"].(map[string]any)["message"].(string); strings.Contains(msg, "no-such-table") || strings.Contains(msg, "ResourceNotFound") {
				t.Fatalf("message leaks the AWS error: %q", msg)
			}
		})
	}
	clipKey, _, _ := clip.ObjectKeys("porch", id)
	if err := broken.app.Ingest(context.Background(), s3Event(clipKey)); err == nil {
		t.Fatal("Ingest into a missing table = nil, want an error so Lambda retries")
	}
	if _, err := e.s3.HeadObject(context.Background(), &s3.HeadObjectInput{Bucket: aws.String(bucket), Key: aws.String(clipKey)}); err != nil {
		t.Fatal(err)
	}
}

// TestPanicsDoNotEscape: a handler or ingest that panics (here: no DynamoDB
// client at all) answers a 500 or returns an error; it never crashes the
// runtime.
func TestPanicsDoNotEscape(t *testing.T) {
	e := newEnv(t)
	id := e.upload("porch", "2026-11-25T10:00:00Z", 1, false)
	cfg, _ := app.ConfigFromEnv(mapEnv(map[string]string{
		"TABLE_NAME": e.table, "BUCKET_NAME": bucket, "WEB_ORIGIN": webOrigin, "CURSOR_SECRET": secret,
	}))
	cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	broken := &env{t: t, s3: e.s3, s3URL: e.s3URL}
	broken.app = app.New(cfg, nil, e.s3)
	broken.h = broken.app.Handlers()
	status, body := broken.call(viewer, "GET", "/cameras")
	if code, _ := errorOf(body); status != 500 || code != "internal" {
		t.Fatalf("= %d %v, want 500 internal", status, body)
	}
	// The restricted timeline queries in goroutines: still no crash.
	if status, _ := broken.call(restricted, "GET", "/videos"); status < 500 {
		t.Fatalf("restricted timeline without a client = %d, want a 5xx", status)
	}
	clipKey, _, _ := clip.ObjectKeys("porch", id)
	if err := broken.app.Ingest(context.Background(), s3Event(clipKey)); err == nil || !strings.Contains(err.Error(), "panic") {
		t.Fatalf("Ingest = %v, want a panic reported as an error", err)
	}
}
