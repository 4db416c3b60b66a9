package app_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/url"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/camvault/camvault/videos-api/clip"
	"github.com/camvault/camvault/videos-api/store"
)

// fuzzEnv is one camvault (dynalite + gofakes3) for every input of a fuzz
// target in this process: a few clips on two cameras, so inputs reach the
// lists, the single clip and delete as well as input checks.
//
// The set front-door, garage, porch is a registered audience (since long
// ago), so a caller restricted to it lists through its index.
func fuzzEnv(f *testing.F) (e *env, ids []string) {
	e = newEnv(f)
	registerAudience(f, e, now.AddDate(0, 0, -60), "front-door", "garage", "porch")
	ids = []string{
		e.upload("porch", "2026-11-24T23:59:00Z", 1, true),
		e.upload("porch", "2026-11-25T00:01:00Z", 2, false),
		e.upload("front-door", "2026-11-25T10:00:00Z", 3, true),
		e.upload("front-door", "2026-11-25T11:00:00Z", 4, true), // delete's seed
		e.upload("garage", "2026-11-25T09:00:00Z", 5, false),
		e.upload("side", "2026-11-25T09:30:00Z", 6, false),
	}
	return e, ids
}

// handlerNames are the functions of Handlers(), in a fixed order.
func handlerNames(e *env) []string {
	var names []string
	for n := range e.h {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// FuzzHandlers: every handler, given any path parameters, query string
// and authorizer context, answers (never a Go error or a panic) with CORS
// headers and a JSON body in the error shape; bad input is a 4xx, never a
// 5xx while storage is up; and a restricted caller never sees a camera
// outside their grant.
func FuzzHandlers(f *testing.F) {
	e, ids := fuzzEnv(f)
	names := handlerNames(e)
	fnIndex := func(name string) uint8 {
		for i, n := range names {
			if n == name {
				return uint8(i)
			}
		}
		f.Fatalf("no handler %s", name)
		return 0
	}
	// A cursor the API really issued, for the timeline of viewer.
	_, body := e.call(viewer, "GET", "/videos?limit=1")
	cur, _ := body["nextCursor"].(string)
	type seed struct {
		fn                              string
		method, cameraID, videoID       string
		limit, from, to, cursor, camera string
		email, role, cameras            string
		flags                           uint8
	}
	for _, s := range []seed{
		{"me", "GET", "", "", "", "", "", "", "", "viewer@example.com", "viewer", "*", 0},
		{"cameras", "GET", "", "", "", "", "", "", "", "guest@example.com", "viewer", "porch", 0},
		{"videos", "GET", "", "", "1", "", "", "", "", "viewer@example.com", "viewer", "*", 0},
		{"videos", "GET", "", "", "1", "", "", cur, "", "viewer@example.com", "viewer", "*", 0},
		{"videos", "GET", "", "", "2", "2026-11-24T00:00:00Z", "2026-11-26T00:00:00Z", "", "porch", "guest@example.com", "viewer", "porch,front-door", 0},
		{"videos", "GET", "porch", "", "", "", "", cur, "", "viewer@example.com", "viewer", "*", 0b1},
		{"videos", "GET", "", "", "0", "yesterday", "", "x.y", "Porch", "guest@example.com", "viewer", "front-door", 0},
		{"video", "GET", "porch", ids[0], "", "", "", "", "", "viewer@example.com", "viewer", "*", 0b1},
		{"video", "GET", "front-door", ids[2], "", "", "", "", "", "guest@example.com", "viewer", "porch", 0b1},
		{"video", "GET", "porch", "nope", "", "", "", "", "", "viewer@example.com", "viewer", "*", 0b1},
		{"delete-video", "DELETE", "front-door", ids[3], "", "", "", "", "", "admin@example.com", "admin", "*", 0b1},
		{"delete-video", "DELETE", "porch", ids[1], "", "", "", "", "", "viewer@example.com", "viewer", "*", 0b1},
		{"me", "GET", "", "", "", "", "", "", "", "", "", "", 0b100},
		{"videos", "GET", "", "", "1", "", "", "", "", "guest@example.com", "viewer", "porch,garage,front-door", 0},
		{"videos", "GET", "", "", "2", "2026-11-25T00:00:00Z", "", "", "", "guest@example.com", "viewer", "front-door,garage,porch,porch", 0},
		{"videos", "GET", "", "", "1", "", "", cur, "", "guest@example.com", "viewer", "front-door,garage,porch", 0},
		{"videos", "GET", "", "", "3", "", "", "", "", "guest@example.com", "viewer", "front-door,porch,side", 0},
	} {
		f.Add(fnIndex(s.fn), s.method, s.cameraID, s.videoID, s.limit, s.from, s.to, s.cursor, s.camera, s.email, s.role, s.cameras, s.flags)
	}
	f.Fuzz(func(t *testing.T, fn uint8, method, cameraID, videoID, limit, from, to, cursor, camera, email, role, cameras string, flags uint8) {
		name := names[int(fn)%len(names)]
		req := events.APIGatewayProxyRequest{
			HTTPMethod: method, Path: "/" + cameraID + "/" + videoID,
			Headers: map[string]string{"Origin": webOrigin},
			RequestContext: events.APIGatewayProxyRequestContext{
				Stage: "dev", RequestID: "fuzz", HTTPMethod: method,
				Authorizer: map[string]any{"email": email, "role": role, "cameras": cameras, "sub": "fuzz"},
			},
		}
		if flags&0b100 != 0 {
			req.RequestContext.Authorizer = nil
		}
		if flags&0b1 != 0 { // path parameters, as the camera routes have them
			req.PathParameters = map[string]string{"cameraId": cameraID}
			if flags&0b10 == 0 {
				req.PathParameters["videoId"] = videoID
			}
		}
		q := map[string]string{}
		for k, v := range map[string]string{"limit": limit, "from": from, "to": to, "cursor": cursor, "camera": camera} {
			if v != "" || flags&0b1000 != 0 {
				q[k] = v
			}
		}
		if len(q) > 0 {
			req.QueryStringParameters = q
		}

		resp, err := e.h[name](context.Background(), req)
		if err != nil {
			t.Fatalf("%s: handler error %v", name, err)
		}
		switch resp.StatusCode {
		case 200, 204, 400, 403, 404:
		default:
			t.Fatalf("%s %+v: status %d %s", name, req, resp.StatusCode, resp.Body)
		}
		if resp.Headers["Access-Control-Allow-Origin"] != webOrigin {
			t.Fatalf("%s: no CORS header: %v", name, resp.Headers)
		}
		if resp.StatusCode == 204 {
			if resp.Body != "" {
				t.Fatalf("204 with a body %q", resp.Body)
			}
			return
		}
		var out map[string]any
		if err := json.Unmarshal([]byte(resp.Body), &out); err != nil {
			t.Fatalf("%s: body is not JSON: %q", name, resp.Body)
		}
		if resp.StatusCode >= 400 {
			code, param := errorOf(out)
			if code == "" || (resp.StatusCode == 400 && param == "") {
				t.Fatalf("%s: %d without a code or parameter: %s", name, resp.StatusCode, resp.Body)
			}
			return
		}
		// Admitted: what a restricted caller sees stays inside the grant.
		if strings.TrimSpace(cameras) == "*" {
			return
		}
		granted := map[string]bool{}
		for _, id := range strings.Split(cameras, ",") {
			granted[strings.TrimSpace(id)] = true
		}
		seen := []string{}
		if id, ok := out["cameraId"].(string); ok {
			seen = append(seen, id)
		}
		items, _ := out["items"].([]any)
		for _, it := range items {
			m, _ := it.(map[string]any)
			if id, ok := m["cameraId"].(string); ok {
				seen = append(seen, id)
			} else if id, ok := m["id"].(string); ok && name == "cameras" {
				seen = append(seen, id)
			}
		}
		if ids, ok := out["cameras"].([]any); ok {
			for _, id := range ids {
				s, _ := id.(string)
				seen = append(seen, s)
			}
		}
		for _, id := range seen {
			if !granted[id] {
				t.Fatalf("%s: camera %q leaked to a caller granted %q: %s", name, id, cameras, resp.Body)
			}
		}
	})
}

// FuzzIngest: any S3 event record (event name, bucket, key encoded or
// not, object present or not, any size and metadata) is ingested without
// an error while storage is up, records a clip only for an ObjectCreated
// event of the clips bucket whose key is a clip's, and a second delivery
// changes nothing (one record, one count).
func FuzzIngest(f *testing.F) {
	e, ids := fuzzEnv(f)
	st := store.New(e.ddb, e.table)
	fresh := clipID("2026-11-25T12:00:00Z", 9)
	freshKey, freshThumb, _ := clip.ObjectKeys("garage", fresh)
	oldKey, _, _ := clip.ObjectKeys("porch", ids[0])
	f.Add("ObjectCreated:Put", bucket, freshKey, int64(42), true, true, "12.5")
	f.Add("ObjectCreated:CompleteMultipartUpload", bucket, freshThumb, int64(7), true, true, "")
	f.Add("ObjectCreated:Put", bucket, oldKey, int64(3), true, false, "")
	f.Add("ObjectRemoved:Delete", bucket, freshKey, int64(1), true, true, "")
	f.Add("ObjectCreated:Put", "other-bucket", freshKey, int64(1), true, true, "")
	f.Add("ObjectCreated:Put", bucket, "clips/garage/2026/11/25/2026-11-25T12:00:00Z_"+fresh+".mp4", int64(0), true, true, "nan")
	f.Add("ObjectCreated:Put", bucket, "clips/a b/%zz+.mp4", int64(-1), false, false, "-1")
	f.Fuzz(func(t *testing.T, eventName, bucketName, rawKey string, size int64, putObject, encode bool, meta string) {
		// A stuck call fails the input instead of stalling the fuzzer.
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		eventKey := rawKey
		if encode {
			eventKey = url.QueryEscape(rawKey)
		}
		key, decodeErr := url.QueryUnescape(eventKey)
		k, parseErr := clip.ParseObjectKey(key)
		parsed := decodeErr == nil && parseErr == nil
		// Metadata travels in HTTP headers: keep what a header can carry.
		meta = strings.Map(func(r rune) rune {
			if r < 0x20 || r > 0x7e {
				return -1
			}
			return r
		}, meta)
		if parsed && putObject {
			n := size % 64
			if n < 0 {
				n = -n
			}
			_, err := e.s3.PutObject(ctx, &s3.PutObjectInput{
				Bucket: aws.String(bucket), Key: aws.String(key), Body: bytes.NewReader(make([]byte, n)),
				Metadata: map[string]string{"duration-seconds": meta, "captured-at": meta, "camera-name": meta},
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		state := func() (recorded bool, count int64) {
			if !parsed {
				return false, 0
			}
			_, err := st.GetVideo(ctx, k.CameraID, k.VideoID)
			if err != nil && !errors.Is(err, store.ErrNotFound) {
				t.Fatal(err)
			}
			cam, cerr := st.GetCamera(ctx, k.CameraID)
			if cerr != nil && !errors.Is(cerr, store.ErrNotFound) {
				t.Fatal(cerr)
			}
			return err == nil, cam.ClipCount
		}
		before, _ := state()
		ev := events.S3Event{Records: []events.S3EventRecord{{
			EventSource: "aws:s3", EventName: eventName, EventTime: now,
			S3: events.S3Entity{Bucket: events.S3Bucket{Name: bucketName}, Object: events.S3Object{Key: eventKey, Size: size}},
		}}}
		if err := e.app.Ingest(ctx, ev); err != nil {
			t.Fatalf("Ingest(%q, %q, %q): %v", eventName, bucketName, eventKey, err)
		}
		recorded, count := state()
		if recorded && !before {
			if !strings.HasPrefix(eventName, "ObjectCreated:") || bucketName != bucket || k.Kind != clip.KindClip {
				t.Fatalf("recorded %s from event %q bucket %q key %q", k.VideoID, eventName, bucketName, eventKey)
			}
		}
		if err := e.app.Ingest(ctx, ev); err != nil {
			t.Fatalf("redelivered Ingest: %v", err)
		}
		if r2, c2 := state(); r2 != recorded || c2 != count {
			t.Fatalf("redelivery of %q changed the record %v→%v or the count %d→%d", eventKey, recorded, r2, count, c2)
		}
	})
}
