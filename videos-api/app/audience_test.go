package app_test

import (
	"context"
	"net/url"
	"reflect"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/camvault/camvault/videos-api/store"
)

func s(v string) ddbtypes.AttributeValue { return &ddbtypes.AttributeValueMemberS{Value: v} }

// registerAudience registers a camera set as of since, as the console's
// PUT /grants would have long ago (the app's own registration sets since a
// day ahead).
func registerAudience(t testing.TB, e *env, since time.Time, cameras ...string) {
	t.Helper()
	if _, err := store.New(e.ddb, e.table).RegisterAudience(context.Background(), cameras, since); err != nil {
		t.Fatal(err)
	}
}

// TestPutGrantRegistersItsAudience: a restricted grant of more than two
// cameras registers its camera set, trusted from a day and a minute on (a
// clip ingested before can be stamped up to a day ahead); smaller sets and
// every-camera grants register nothing.
func TestPutGrantRegistersItsAudience(t *testing.T) {
	e := newConsoleEnv(t)
	for i, cam := range []string{"front-door", "garage", "porch"} {
		e.upload(cam, "2026-11-25T10:00:00Z", i, false)
	}
	for _, g := range []string{`{"role":"viewer","cameras":["front-door","porch"]}`, `{"role":"viewer","cameras":["*"]}`, `{"role":"viewer","cameras":["porch","garage","front-door"]}`} {
		if st, body := e.send(nil, owner, "PUT", "/grants/ana@example.com", g); st != 200 {
			t.Fatalf("PUT grant %s: %d %v", g, st, body)
		}
	}
	auds, err := store.New(e.ddb, e.table).Audiences(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want := []store.Audience{{
		ID: store.AudienceID([]string{"front-door", "garage", "porch"}), Cameras: []string{"front-door", "garage", "porch"},
		Since: now.Add(24*time.Hour + time.Minute),
	}}
	if !reflect.DeepEqual(auds, want) {
		t.Fatalf("audiences = %+v, want %+v", auds, want)
	}
}

// TestRestrictedTimelineThroughTheIndex: a person restricted to three
// cameras lists through their audience's index (ingest wrote it): an
// entry taken out of the index takes the clip off their timeline, a
// forged entry for another camera's clip never shows it, pages follow
// their cursors, and bad cursors are 400s naming the cursor.
func TestRestrictedTimelineThroughTheIndex(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	set := []string{"front-door", "garage", "porch"}
	audID := store.AudienceID(set)
	// Registered with a since older than the data (as if long ago).
	registerAudience(t, e, now.AddDate(0, 0, -60), set...)
	ids := seedCameras(e)
	side := e.upload("side", "2026-11-24T09:00:00Z", 6, false)
	guest := caller("guest3@example.com", "viewer", "porch,front-door,garage")
	f3, g, p1, f2, f1 := "front-door/"+ids["front3"], "garage/"+ids["garage"], "porch/"+ids["porch1"], "front-door/"+ids["front2"], "front-door/"+ids["front1"]
	if got, want := walk(t, e, guest, "/videos?limit=2"), [][]string{{f3, g}, {p1, f2}, {f1}}; !reflect.DeepEqual(got, want) {
		t.Fatalf("pages = %v, want %v", got, want)
	}

	// A forged entry for the side camera's clip: never listed.
	if _, err := e.ddb.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(e.table), Item: map[string]ddbtypes.AttributeValue{
		"PK": s("AUD#" + audID), "SK": s(side + "#side"), "cameraId": s("side"), "videoId": s(side),
	}}); err != nil {
		t.Fatal(err)
	}
	// The garage clip's entry gone: the person's timeline is the index's.
	if _, err := e.ddb.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: aws.String(e.table), Key: map[string]ddbtypes.AttributeValue{
		"PK": s("AUD#" + audID), "SK": s(ids["garage"] + "#garage"),
	}}); err != nil {
		t.Fatal(err)
	}
	if got, want := walk(t, e, guest, "/videos?limit=2"), [][]string{{f3, p1}, {f2, f1}}; !reflect.DeepEqual(got, want) {
		t.Fatalf("pages after the index changed = %v, want %v", got, want)
	}
	// Deleting a clip takes it off the index too.
	if st, body := e.call(caller("admin@example.com", "admin", "*"), "DELETE", "/cameras/porch/videos/"+ids["porch1"]); st != 204 {
		t.Fatalf("DELETE = %d %v", st, body)
	}
	res, err := e.ddb.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(e.table), Key: map[string]ddbtypes.AttributeValue{
		"PK": s("AUD#" + audID), "SK": s(ids["porch1"] + "#porch"),
	}})
	if err != nil || res.Item != nil {
		t.Fatalf("porch clip's entry after its delete: %v, %v", res.Item, err)
	}

	_, body := e.call(guest, "GET", "/videos?limit=1")
	cur, _ := body["nextCursor"].(string)
	_, body = e.call(viewer, "GET", "/videos?limit=1")
	viewerCur, _ := body["nextCursor"].(string)
	if cur == "" || viewerCur == "" {
		t.Fatal("no cursors")
	}
	tampered := []byte(cur)
	tampered[3] ^= 1
	for _, target := range []string{
		"/videos?limit=1&cursor=" + url.QueryEscape(viewerCur),
		"/videos?limit=1&cursor=" + url.QueryEscape(string(tampered)),
		"/videos?limit=1&cursor=junk",
		"/videos?limit=1&from=2026-11-01T00:00:00Z&cursor=" + url.QueryEscape(cur),
	} {
		st, body := e.call(guest, "GET", target)
		if code, param := errorOf(body); st != 400 || code != "invalid_parameter" || param != "cursor" {
			t.Errorf("%s = %d %v, want 400 naming the cursor", target, st, body)
		}
	}
	if st, body := e.call(guest, "GET", "/videos?limit=1&cursor="+url.QueryEscape(cur)); st != 200 || !reflect.DeepEqual(itemIDs(body), []string{f2}) {
		t.Fatalf("second page = %d %v", st, body)
	}
}
