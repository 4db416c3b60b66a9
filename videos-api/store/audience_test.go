package store_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"reflect"
	"regexp"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/camvault/camvault/videos-api/clip"
	"github.com/camvault/camvault/videos-api/store"
)

// seedIndexed records, counts and indexes clips as ingest does.
func seedIndexed(t testing.TB, s *store.Store, videos ...clip.Video) {
	t.Helper()
	seed(t, s, videos...)
	for _, v := range videos {
		if err := s.IndexVideo(context.Background(), v); err != nil {
			t.Fatal(err)
		}
	}
}

// indexEntries returns the sort keys of an audience's index entries.
func indexEntries(t *testing.T, ddb *dynamodb.Client, table string, cameras ...string) []string {
	t.Helper()
	res, err := ddb.Query(context.Background(), &dynamodb.QueryInput{
		TableName:              aws.String(table),
		KeyConditionExpression: aws.String("PK = :pk"),
		ExpressionAttributeValues: map[string]ddbtypes.AttributeValue{
			":pk": &ddbtypes.AttributeValueMemberS{Value: "AUD#" + store.AudienceID(cameras)},
		},
		ConsistentRead: aws.Bool(true),
	})
	if err != nil {
		t.Fatal(err)
	}
	out := []string{}
	for _, item := range res.Items {
		out = append(out, item["SK"].(*ddbtypes.AttributeValueMemberS).Value)
	}
	return out
}

func sk(v clip.Video) string { return v.ID + "#" + v.CameraID }

func register(t testing.TB, s *store.Store, since time.Time, cameras ...string) {
	t.Helper()
	if _, err := s.RegisterAudience(context.Background(), cameras, since); err != nil {
		t.Fatal(err)
	}
}

func TestAudienceID(t *testing.T) {
	a := store.AudienceID([]string{"porch", "garage", "front", "garage"})
	if a != store.AudienceID([]string{"front", "garage", "porch"}) {
		t.Error("the id depends on order or repeats")
	}
	if !regexp.MustCompile(`^[0-9a-f]{32}$`).MatchString(a) {
		t.Errorf("id %q: want 32 hex digits", a)
	}
	if a == store.AudienceID([]string{"front", "garage"}) {
		t.Error("two sets share an id")
	}
}

// TestRegisterAudience: only sets of more than two cameras are registered,
// once; a second registration keeps the first one's since.
func TestRegisterAudience(t *testing.T) {
	ddb, table := newTable(t)
	s := store.New(ddb, table)
	ctx := context.Background()
	t0 := at(t, "2026-11-01T00:00:00Z")
	if ok, err := s.RegisterAudience(ctx, []string{"a", "b"}, t0); err != nil || ok {
		t.Fatalf("two cameras: %v, %v; want not registered", ok, err)
	}
	if ok, err := s.RegisterAudience(ctx, []string{"c", "a", "b"}, t0); err != nil || !ok {
		t.Fatalf("three cameras: %v, %v", ok, err)
	}
	if ok, err := s.RegisterAudience(ctx, []string{"a", "b", "c", "a"}, t0.Add(time.Hour)); err != nil || ok {
		t.Fatalf("again: %v, %v; want already registered", ok, err)
	}
	auds, err := s.Audiences(ctx)
	if err != nil || len(auds) != 1 {
		t.Fatalf("Audiences = %+v, %v", auds, err)
	}
	want := store.Audience{ID: store.AudienceID([]string{"a", "b", "c"}), Cameras: []string{"a", "b", "c"}, Since: t0}
	if !reflect.DeepEqual(auds[0], want) {
		t.Fatalf("audience = %+v, want %+v", auds[0], want)
	}
}

// TestIndexFollowsIngestAndDeletes: ingest writes a clip's entry into
// every audience holding its camera and no other; deleting the clip or
// removing its camera takes the entries out.
func TestIndexFollowsIngestAndDeletes(t *testing.T) {
	ddb, table := newTable(t)
	s := store.New(ddb, table)
	ctx := context.Background()
	t0 := at(t, "2026-11-01T00:00:00Z")
	abc, cde := []string{"a", "b", "c"}, []string{"c", "d", "e"}
	register(t, s, t0, abc...)
	register(t, s, t0, cde...)
	va := videoAt("a", t0.Add(time.Hour), 1)
	vc := videoAt("c", t0.Add(2*time.Hour), 2)
	vx := videoAt("x", t0.Add(3*time.Hour), 3)
	va2 := videoAt("a", t0.Add(4*time.Hour), 4)
	seedIndexed(t, s, va, vc, vx, va2)
	if err := s.IndexVideo(ctx, vc); err != nil { // a redelivery
		t.Fatal(err)
	}
	if got, want := indexEntries(t, ddb, table, abc...), []string{sk(va), sk(vc), sk(va2)}; !reflect.DeepEqual(got, want) {
		t.Errorf("a,b,c entries = %v, want %v", got, want)
	}
	if got, want := indexEntries(t, ddb, table, cde...), []string{sk(vc)}; !reflect.DeepEqual(got, want) {
		t.Errorf("c,d,e entries = %v, want %v", got, want)
	}
	res, err := ddb.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(table), Key: map[string]ddbtypes.AttributeValue{
		"PK": &ddbtypes.AttributeValueMemberS{Value: "AUD#" + store.AudienceID(abc)},
		"SK": &ddbtypes.AttributeValueMemberS{Value: sk(va)},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if got := res.Item["expiresAt"].(*ddbtypes.AttributeValueMemberN).Value; got != fmt.Sprint(va.ExpiresAt.Unix()) {
		t.Errorf("entry expiresAt = %s, want the record's %d", got, va.ExpiresAt.Unix())
	}
	if _, ok := res.Item["capturedAt"]; ok {
		t.Error("an entry holds more than the clip's key")
	}

	// Keeping a clip takes its entries' expiry away, as its record's;
	// un-keeping gives it back.
	entryTTL := func(v clip.Video) string {
		t.Helper()
		res, err := ddb.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(table), Key: map[string]ddbtypes.AttributeValue{
			"PK": &ddbtypes.AttributeValueMemberS{Value: "AUD#" + store.AudienceID(cde)},
			"SK": &ddbtypes.AttributeValueMemberS{Value: sk(v)},
		}, ConsistentRead: aws.Bool(true)})
		if err != nil || res.Item == nil {
			t.Fatalf("entry of %s: %v, %v", v.ID, res.Item, err)
		}
		if n, ok := res.Item["expiresAt"].(*ddbtypes.AttributeValueMemberN); ok {
			return n.Value
		}
		return ""
	}
	if _, err := s.Keep(ctx, "c", vc.ID); err != nil {
		t.Fatal(err)
	}
	if got := entryTTL(vc); got != "" {
		t.Errorf("kept clip's entry expires at %s", got)
	}
	until := t0.AddDate(0, 0, 40)
	if _, err := s.Unkeep(ctx, "c", vc.ID, func(clip.Video) time.Time { return until }); err != nil {
		t.Fatal(err)
	}
	if got := entryTTL(vc); got != fmt.Sprint(until.Unix()) {
		t.Errorf("un-kept clip's entry expires at %q, want %d", got, until.Unix())
	}

	if _, err := s.DeleteVideo(ctx, "c", vc.ID, time.Time{}); err != nil {
		t.Fatal(err)
	}
	if got := indexEntries(t, ddb, table, cde...); len(got) != 0 {
		t.Errorf("c,d,e entries after the delete = %v", got)
	}
	if _, _, err := s.StartCameraRemoval(ctx, "a"); err != nil {
		t.Fatal(err)
	}
	for done := false; !done; {
		if _, done, err = s.RemoveCameraStep(ctx, "a"); err != nil {
			t.Fatal(err)
		}
	}
	if got := indexEntries(t, ddb, table, abc...); len(got) != 0 {
		t.Errorf("a,b,c entries after removing a and deleting c = %v", got)
	}
}

// pageSeq walks every page of a listing: the clips of each page.
func pageSeq(t *testing.T, list func(store.Query) (store.Page, error), q store.Query) [][]string {
	t.Helper()
	var out [][]string
	for i := 0; ; i++ {
		if i > 500 {
			t.Fatal("pagination does not end")
		}
		p, err := list(q)
		if err != nil {
			t.Fatal(err)
		}
		page := []string{}
		for _, v := range p.Videos {
			page = append(page, sk(v))
		}
		out = append(out, page)
		if !p.More {
			return out
		}
		q.After = p.End()
	}
}

// TestAudienceIndexPagesLikeTheMerge: random clips over five cameras,
// several audiences; every audience's pages through the index are the
// merge's pages, at several page sizes and windows, with since older than
// the data and with since in the middle of it (pages that straddle it).
// A page of the index alone costs at most two requests.
func TestAudienceIndexPagesLikeTheMerge(t *testing.T) {
	cams := []string{"c0", "c1", "c2", "c3", "c4"}
	sets := [][]string{{"c0", "c1", "c2"}, {"c1", "c2", "c3", "c4"}, cams}
	t0 := at(t, "2026-11-01T00:00:00Z")
	rng := rand.New(rand.NewPCG(17, 1))
	var videos []clip.Video
	for i := range 150 {
		when := t0.Add(time.Duration(rng.Int64N(int64(10 * 24 * time.Hour))))
		if i%10 == 0 && i > 0 {
			when = videos[i-1].CapturedAt // same millisecond, another camera
		}
		videos = append(videos, videoAt(cams[rng.IntN(len(cams))], when, i))
	}
	for _, tc := range []struct {
		name  string
		since time.Time
	}{{"since before the data", t0.Add(-time.Hour)}, {"since mid-data", t0.Add(5 * 24 * time.Hour)}} {
		t.Run(tc.name, func(t *testing.T) {
			ddb, table := newTable(t)
			s := store.New(ddb, table)
			ctx := context.Background()
			for _, set := range sets {
				register(t, s, tc.since, set...)
			}
			seedIndexed(t, s, videos...)
			windows := []store.Query{
				{},
				{From: t0.Add(2 * 24 * time.Hour), To: t0.Add(8 * 24 * time.Hour)},
				{From: t0.Add(6 * 24 * time.Hour)},
				{To: t0.Add(3 * 24 * time.Hour)},
			}
			for _, set := range sets {
				for _, w := range windows {
					for _, limit := range []int{1, 7, 50} {
						q := w
						q.Limit = limit
						m := &store.Meter{}
						mctx := store.WithMeter(ctx, m)
						index := func(q store.Query) (store.Page, error) {
							m.Reset()
							p, err := s.AudienceVideos(mctx, set, q)
							// A page wholly from since on: the index's
							// Query and one BatchGetItem (the first page
							// also looks the audience up once).
							if err == nil && !q.From.Before(tc.since) && m.Requests() > 3 {
								t.Errorf("%v %+v: %d requests", set, q, m.Requests())
							}
							return p, err
						}
						merge := func(q store.Query) (store.Page, error) { return s.CamerasVideos(ctx, set, q) }
						got, want := pageSeq(t, index, q), pageSeq(t, merge, q)
						if !reflect.DeepEqual(got, want) {
							t.Fatalf("%v limit %d window %+v:\nindex %v\nmerge %v", set, limit, w, got, want)
						}
						for _, page := range got {
							for _, k := range page {
								if cam := k[len(k)-2:]; !slices.Contains(set, cam) {
									t.Fatalf("%v: listed camera %s", set, cam)
								}
							}
						}
					}
				}
			}
		})
	}
}

// TestAudiencePageCost: with the audience's registration cached, a page
// is two requests however many cameras the set has; an unregistered set
// is the merge, one Query per camera.
func TestAudiencePageCost(t *testing.T) {
	ddb, table := newTable(t)
	s := store.New(ddb, table)
	t0 := at(t, "2026-11-01T00:00:00Z")
	set := []string{"a", "b", "c", "d"}
	register(t, s, t0, set...)
	for i := range 40 {
		seedIndexed(t, s, videoAt(set[i%4], t0.Add(time.Duration(i)*time.Hour), i))
	}
	m := &store.Meter{}
	ctx := store.WithMeter(context.Background(), m)
	// From since on: no part of the range is older than the index.
	q := store.Query{From: t0, Limit: 10}
	if _, err := s.AudienceVideos(ctx, set, q); err != nil { // looks the audience up
		t.Fatal(err)
	}
	for page := 0; ; page++ {
		m.Reset()
		p, err := s.AudienceVideos(ctx, set, q)
		if err != nil {
			t.Fatal(err)
		}
		if m.Requests() != 2 {
			t.Errorf("page %d: %d requests, want 2", page, m.Requests())
		}
		if !p.More {
			break
		}
		q.After = p.End()
	}
	m.Reset()
	if _, err := s.AudienceVideos(ctx, []string{"a", "b", "c"}, store.Query{Limit: 10}); err != nil {
		t.Fatal(err)
	}
	// Not registered: the lookup, then one Query per camera.
	if m.Requests() != 4 {
		t.Errorf("unregistered set: %d requests, want 4", m.Requests())
	}
}

// TestAudienceDropsOrphansAndStrangers: an entry whose record is gone is
// dropped (a short page, More set, the next page going on after it), and
// an entry that names a camera outside the set is never listed.
func TestAudienceDropsOrphansAndStrangers(t *testing.T) {
	ddb, table := newTable(t)
	s := store.New(ddb, table)
	ctx := context.Background()
	t0 := at(t, "2026-11-01T00:00:00Z")
	set := []string{"a", "b", "c"}
	register(t, s, t0, set...)
	var vs []clip.Video
	for i := range 6 {
		vs = append(vs, videoAt(set[i%3], t0.Add(time.Duration(i)*time.Hour), i))
	}
	seedIndexed(t, s, vs...)
	// The newest two lose their records behind the index's back (an
	// ingest racing a delete).
	for _, v := range vs[4:] {
		if _, err := ddb.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: aws.String(table), Key: map[string]ddbtypes.AttributeValue{
			"PK": &ddbtypes.AttributeValueMemberS{Value: "CAM#" + v.CameraID},
			"SK": &ddbtypes.AttributeValueMemberS{Value: "VID#" + v.ID},
		}}); err != nil {
			t.Fatal(err)
		}
	}
	// A stranger: a clip of camera x, and an entry for it in the set's index.
	x := videoAt("x", t0.Add(150*time.Minute), 99)
	seed(t, s, x)
	if _, err := ddb.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(table), Item: map[string]ddbtypes.AttributeValue{
		"PK":       &ddbtypes.AttributeValueMemberS{Value: "AUD#" + store.AudienceID(set)},
		"SK":       &ddbtypes.AttributeValueMemberS{Value: sk(x)},
		"cameraId": &ddbtypes.AttributeValueMemberS{Value: "x"},
		"videoId":  &ddbtypes.AttributeValueMemberS{Value: x.ID},
	}}); err != nil {
		t.Fatal(err)
	}
	list := func(q store.Query) (store.Page, error) { return s.AudienceVideos(ctx, set, q) }
	got := pageSeq(t, list, store.Query{Limit: 2})
	want := [][]string{{}, {sk(vs[3]), sk(vs[2])}, {sk(vs[1]), sk(vs[0])}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("pages = %v, want %v", got, want)
	}
}
