package app_test

import (
	"context"
	"reflect"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/camvault/camvault/videos-api/store"
)

// audienceIDs returns the ids of the registered audiences, sorted.
func audienceIDs(t *testing.T, e *env) []string {
	t.Helper()
	auds, err := store.New(e.ddb, e.table).Audiences(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	out := []string{}
	for _, a := range auds {
		out = append(out, a.ID)
	}
	slices.Sort(out)
	return out
}

// entryCount counts the index entries of the audience of cameras.
func entryCount(t *testing.T, e *env, cameras ...string) int {
	t.Helper()
	res, err := e.ddb.Query(context.Background(), &dynamodb.QueryInput{
		TableName:                 aws.String(e.table),
		KeyConditionExpression:    aws.String("PK = :pk"),
		ExpressionAttributeValues: map[string]ddbtypes.AttributeValue{":pk": s("AUD#" + store.AudienceID(cameras))},
		ConsistentRead:            aws.Bool(true),
	})
	if err != nil {
		t.Fatal(err)
	}
	return len(res.Items)
}

// TestGrantChangesRetireAudiences: a console delete or camera change
// retires the old set's audience only when no other grant has that exact
// set; a change registers the new set; ingest then indexes only the sets
// still registered.
func TestGrantChangesRetireAudiences(t *testing.T) {
	e := newConsoleEnv(t)
	for i, cam := range []string{"front-door", "garage", "porch", "side"} {
		e.upload(cam, "2026-11-25T10:00:00Z", i, false)
	}
	abc, abcd := []string{"front-door", "garage", "porch"}, []string{"front-door", "garage", "porch", "side"}
	put := func(subject, body string) {
		t.Helper()
		if st, resp := e.send(nil, owner, "PUT", "/grants/"+subject, body); st != 200 {
			t.Fatalf("PUT %s %s: %d %v", subject, body, st, resp)
		}
	}
	del := func(subject string) {
		t.Helper()
		if st, resp := e.send(nil, owner, "DELETE", "/grants/"+subject, ""); st != 204 {
			t.Fatalf("DELETE %s: %d %v", subject, st, resp)
		}
	}
	// The only grant of the set, deleted: retired.
	put("ana@example.com", `{"role":"viewer","cameras":["porch","garage","front-door"]}`)
	if got, want := audienceIDs(t, e.env), []string{store.AudienceID(abc)}; !slices.Equal(got, want) {
		t.Fatalf("audiences = %v, want %v", got, want)
	}
	del("ana@example.com")
	if got := audienceIDs(t, e.env); len(got) != 0 {
		t.Fatalf("audiences after deleting the only grant of the set = %v", got)
	}
	e.upload("front-door", "2026-11-25T11:00:00Z", 10, false)
	if n := entryCount(t, e.env, abc...); n != 0 {
		t.Fatalf("ingest wrote %d entries into the retired audience", n)
	}

	// Two grants of the set: deleting one keeps it.
	put("ana@example.com", `{"role":"viewer","cameras":["front-door","garage","porch"]}`)
	put("example.com", `{"role":"viewer","cameras":["garage","porch","front-door"]}`)
	del("ana@example.com")
	if got, want := audienceIDs(t, e.env), []string{store.AudienceID(abc)}; !slices.Equal(got, want) {
		t.Fatalf("audiences with the set still granted = %v, want %v", got, want)
	}
	// Changing the last one's cameras: the old set retired, the new one
	// registered and indexed.
	put("example.com", `{"role":"viewer","cameras":["front-door","garage","porch","side"]}`)
	if got, want := audienceIDs(t, e.env), []string{store.AudienceID(abcd)}; !slices.Equal(got, want) {
		t.Fatalf("audiences after the camera change = %v, want %v", got, want)
	}
	e.upload("garage", "2026-11-25T12:00:00Z", 11, false)
	if n, m := entryCount(t, e.env, abc...), entryCount(t, e.env, abcd...); n != 0 || m != 1 {
		t.Fatalf("entries: retired set %d, want 0; new set %d, want 1", n, m)
	}
	// A change that keeps the set (role only) keeps it; to every camera
	// retires it.
	put("example.com", `{"role":"admin","cameras":["side","porch","garage","front-door"]}`)
	if got := audienceIDs(t, e.env); len(got) != 1 {
		t.Fatalf("audiences after a role change = %v", got)
	}
	put("example.com", `{"role":"viewer","cameras":["*"]}`)
	if got := audienceIDs(t, e.env); len(got) != 0 {
		t.Fatalf("audiences after widening to every camera = %v", got)
	}
}

// TestRetiredAudienceListsTheMergeAfterTheCache: a container that found
// the registration lists through the index; once the set is retired and
// the container's lookup has expired (store.AudienceCacheTTL), a caller
// still holding the set lists the merge, which has the clips ingested
// since the retirement (the index no longer gets them).
func TestRetiredAudienceListsTheMergeAfterTheCache(t *testing.T) {
	e := newConsoleEnv(t)
	set := []string{"front-door", "garage", "porch"}
	registerAudience(t, e.env, now.AddDate(0, 0, -60), set...)
	ids := seedCameras(e.env)
	guest := caller("guest3@example.com", "viewer", "porch,front-door,garage")
	before := walk(t, e.env, guest, "/videos?limit=2") // the lookup is cached
	if len(before) == 0 || len(before[0]) == 0 || before[0][0] != "front-door/"+ids["front3"] {
		t.Fatalf("pages before = %v", before)
	}
	if st, body := e.send(nil, owner, "PUT", "/grants/ana@example.com", `{"role":"viewer","cameras":["front-door","garage","porch"]}`); st != 200 {
		t.Fatalf("PUT: %d %v", st, body)
	}
	if st, body := e.send(nil, owner, "DELETE", "/grants/ana@example.com", ""); st != 204 {
		t.Fatalf("DELETE: %d %v", st, body)
	}
	if got := audienceIDs(t, e.env); len(got) != 0 {
		t.Fatalf("audiences after the delete = %v", got)
	}
	fresh := e.upload("porch", "2026-11-25T14:30:00Z", 9, false)
	e.clock.add(store.AudienceCacheTTL)
	got := walk(t, e.env, guest, "/videos?limit=2")
	want := [][]string{{"porch/" + fresh, "front-door/" + ids["front3"]}, {"garage/" + ids["garage"], "porch/" + ids["porch1"]}, {"front-door/" + ids["front2"], "front-door/" + ids["front1"]}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("pages after retirement and cache expiry = %v, want %v", got, want)
	}
}
