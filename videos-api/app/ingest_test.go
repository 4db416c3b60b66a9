package app_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
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
		"size": 3.0, "contentType": "video/mp4", "hasThumbnail": true, "expiresAt": "2026-12-25T15:00:00Z",
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

// refusalLog is a logger that keeps what it writes, as JSON lines.
type refusalLog struct{ bytes.Buffer }

func (l *refusalLog) refusals(t *testing.T) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(l.String()), "\n") {
		if line == "" {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatal(err)
		}
		if m["msg"] == "upload refused" {
			out = append(out, m)
		}
	}
	return out
}

func logTo(e *env) *refusalLog {
	var l refusalLog
	cfg, err := app.ConfigFromEnv(mapEnv(map[string]string{
		"TABLE_NAME": e.table, "BUCKET_NAME": bucket, "WEB_ORIGIN": webOrigin, "CURSOR_SECRET": secret,
	}))
	if err != nil {
		e.t.Fatal(err)
	}
	cfg.Now = func() time.Time { return now }
	cfg.Logger = slog.New(slog.NewJSONHandler(&l, nil))
	e.app = app.New(cfg, e.ddb, e.s3)
	e.h = e.app.Handlers()
	return &l
}

// TestIngestRefuses: other spellings of a clip's key, capture times a
// broken clock makes, and a second thumbnail are not recorded; each is
// logged at WARN as "upload refused" with its key and reason, and its
// object is left in place.
func TestIngestRefuses(t *testing.T) {
	devID := clipID("2026-11-25T10:00:00.684Z", 3)
	tests := []struct {
		name, key, reason string
	}{
		{"RFC 3339 spelling", "clips/porch/2026/11/25/2026-11-25T10:00:00.684Z_" + devID + ".mp4", "non-canonical key"},
		{"RFC 3339 thumbnail", "clips/porch/2026/11/25/2026-11-25T10:00:00.684Z_" + devID + ".jpg", "non-canonical key"},
		{"no milliseconds", "clips/porch/2026/11/25/20261125T100000Z_" + clipID("2026-11-25T10:00:00Z", 3) + ".mp4", "non-canonical key"},
		{"id from another time", "clips/porch/2026/11/25/20261125T100000.000Z_" + clipID("2026-11-20T00:00:00Z", 3) + ".mp4", "non-canonical key"},
		{"year 9999", canonicalKey("porch", "9999-12-30T00:00:00Z", ".mp4"), "capture time after upload"},
		{"25 h ahead", canonicalKey("porch", "2026-11-26T16:00:00Z", ".mp4"), "capture time after upload"},
		{"1970 (no real-time clock)", canonicalKey("porch", "1970-01-01T00:00:05Z", ".mp4"), "capture time before retention window"},
		{"31 days old", canonicalKey("porch", "2026-10-25T14:59:59Z", ".mp4"), "capture time before retention window"},
		{"1960 thumbnail", canonicalKey("porch", "1960-01-01T00:00:00Z", ".jpg"), "capture time before retention window"},
		{"not a clip key", "clips/porch/2026/11/25/20261125T100000Z.mp4", "malformed key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			l := logTo(e)
			e.put(tt.key, "video/mp4", []byte("x"), nil)
			e.ingest(tt.key)
			got := l.refusals(t)
			if len(got) != 1 || got[0]["key"] != tt.key || got[0]["reason"] != tt.reason || got[0]["level"] != "WARN" {
				t.Fatalf("refusals = %v, want one WARN for %s: %s", got, tt.key, tt.reason)
			}
			if _, body := e.call(viewer, "GET", "/cameras"); len(itemIDs(body)) != 0 {
				t.Fatalf("cameras after a refused upload = %v", itemIDs(body))
			}
			if _, err := e.s3.HeadObject(context.Background(), &s3.HeadObjectInput{Bucket: aws.String(bucket), Key: aws.String(tt.key)}); err != nil {
				t.Fatalf("refused object not left in place: %v", err)
			}
			// Tagged for the standard retention, so the lifecycle rule
			// (which expires only tagged objects) removes it in time.
			tags, err := e.s3.GetObjectTagging(context.Background(), &s3.GetObjectTaggingInput{Bucket: aws.String(bucket), Key: aws.String(tt.key)})
			if err != nil || len(tags.TagSet) != 1 || aws.ToString(tags.TagSet[0].Key) != clip.RetentionTag || aws.ToString(tags.TagSet[0].Value) != clip.RetentionStandard {
				t.Fatalf("refused object's tags = %+v, %v; want %s=%s", tags, err, clip.RetentionTag, clip.RetentionStandard)
			}
		})
	}
}

// canonicalKey is the key a camera writes for a clip captured at ts.
func canonicalKey(camera, ts, ext string) string {
	clipKey, thumbKey, err := clip.ObjectKeys(camera, clipID(ts, 9))
	if err != nil {
		panic(err)
	}
	if ext == ".jpg" {
		return thumbKey
	}
	return clipKey
}

// TestIngestWindowEdges: the newest and oldest capture times ingest takes,
// and expiry counted from the upload, not the capture.
func TestIngestWindowEdges(t *testing.T) {
	e := newEnv(t)
	ahead := e.upload("porch", "2026-11-26T15:00:00Z", 1, false)  // exactly 24 h ahead
	oldest := e.upload("porch", "2026-10-26T15:00:00Z", 2, false) // exactly 30 days back
	for _, id := range []string{ahead, oldest} {
		status, body := e.call(viewer, "GET", "/cameras/porch/videos/"+id)
		if status != 200 || body["expiresAt"] != "2026-12-25T15:00:00Z" {
			t.Fatalf("%s = %d %v, want a record expiring 30 days after the upload", id, status, body)
		}
	}
}

// TestIngestThumbnailNeverChanges: a clip's linked thumbnail stays linked,
// whatever else arrives for the same clip.
func TestIngestThumbnailNeverChanges(t *testing.T) {
	e := newEnv(t)
	l := logTo(e)
	id := e.upload("porch", "2026-11-25T10:00:00.684Z", 1, true)
	clipKey, thumbKey, _ := clip.ObjectKeys("porch", id)
	// The RFC 3339 spelling of the same thumbnail, and a redelivery.
	other := "clips/porch/2026/11/25/2026-11-25T10:00:00.684Z_" + id + ".jpg"
	e.put(other, "image/jpeg", []byte("other"), nil)
	e.ingest(other, thumbKey, clipKey)
	status, body := e.call(viewer, "GET", "/cameras/porch/videos/"+id)
	if u, _ := body["thumbnailUrl"].(string); status != 200 || !strings.Contains(u, "/20261125T100000.684Z_"+id+".jpg?") {
		t.Fatalf("= %d thumbnailUrl %q, want the first thumbnail", status, u)
	}
	if got := l.refusals(t); len(got) != 1 || got[0]["key"] != other {
		t.Fatalf("refusals = %v", got)
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

// TestIngestRecordsSHA256: the checksum the camera sent (and S3 verified)
// is on the record and in the API, so a download can be checked with
// sha256sum; a clip sent without one has none.
func TestIngestRecordsSHA256(t *testing.T) {
	e := newEnv(t)
	body := []byte("mp4 with a checksum")
	sum := sha256.Sum256(body)
	id := clipID("2026-11-25T10:00:00.500Z", 1)
	clipKey, _, _ := clip.ObjectKeys("porch", id)
	_, err := e.s3.PutObject(context.Background(), &s3.PutObjectInput{
		Bucket: aws.String(bucket), Key: aws.String(clipKey), Body: bytes.NewReader(body),
		ContentType: aws.String("video/mp4"), ChecksumSHA256: aws.String(base64.StdEncoding.EncodeToString(sum[:])),
		IfNoneMatch: aws.String("*"),
	})
	if err != nil {
		t.Fatal(err)
	}
	e.ingest(clipKey)
	plain := e.upload("porch", "2026-11-25T11:00:00Z", 2, false)

	status, got := e.call(viewer, "GET", "/cameras/porch/videos/"+id)
	if want := hex.EncodeToString(sum[:]); status != 200 || got["sha256"] != want {
		t.Fatalf("= %d sha256 %v, want %s", status, got["sha256"], want)
	}
	_, list := e.call(viewer, "GET", "/cameras/porch/videos")
	for _, it := range list["items"].([]any) {
		m := it.(map[string]any)
		if _, has := m["sha256"]; has != (m["id"] == id) {
			t.Errorf("list item %v: sha256 present %v", m["id"], has)
		}
	}
	if _, got := e.call(viewer, "GET", "/cameras/porch/videos/"+plain); got["sha256"] != nil {
		t.Fatalf("a clip sent without a checksum has sha256 %v", got["sha256"])
	}
}
