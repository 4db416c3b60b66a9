package store_test

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/camvault/camvault/videos-api/clip"
	"github.com/camvault/camvault/videos-api/grant"
	"github.com/camvault/camvault/videos-api/store"
)

// lister returns grants as the listing of every grant after a change,
// counting its calls.
func lister(calls *atomic.Int32, gs ...grant.Grant) func(context.Context) ([]grant.Grant, error) {
	return func(context.Context) ([]grant.Grant, error) {
		calls.Add(1)
		return gs, nil
	}
}

func registered(t *testing.T, s *store.Store) []string {
	t.Helper()
	auds, err := s.Audiences(context.Background())
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

// TestGrantAudience: only a grant restricted to more than two cameras that
// admits someone uses an audience, its set sorted and unique.
func TestGrantAudience(t *testing.T) {
	for _, c := range []struct {
		g    *grant.Grant
		want []string
	}{
		{nil, nil},
		{&grant.Grant{Role: grant.Viewer, All: true}, nil},
		{&grant.Grant{Role: grant.Viewer, Cameras: []string{"b", "a", "b"}}, nil},
		{&grant.Grant{Role: grant.Blocked, Cameras: []string{"a", "b", "c"}}, nil},
		{&grant.Grant{Role: grant.Admin, Cameras: []string{"c", "a", "b", "a"}}, []string{"a", "b", "c"}},
	} {
		if got := store.GrantAudience(c.g); !reflect.DeepEqual(got, c.want) {
			t.Errorf("GrantAudience(%+v) = %v, want %v", c.g, got, c.want)
		}
	}
}

// TestRetireGrantAudience: the old set of a changed or deleted grant is
// retired only when no grant lists that exact set any more; a set the new
// grant keeps is never looked up; a failed listing retires nothing; a
// retired set gets no index entries at ingest and registers again, with
// its new since.
func TestRetireGrantAudience(t *testing.T) {
	ddb, table := newTable(t)
	s := store.New(ddb, table)
	ctx := context.Background()
	t0 := at(t, "2026-11-01T00:00:00Z")
	abc, abcd := []string{"a", "b", "c"}, []string{"a", "b", "c", "d"}
	register(t, s, t0, abc...)
	register(t, s, t0, abcd...)
	ana := grant.Grant{Subject: "ana@example.com", Role: grant.Viewer, Cameras: []string{"c", "b", "a"}}
	var calls atomic.Int32

	// Not an audience's grant, or the same set after: nothing to do.
	small := grant.Grant{Subject: "ana@example.com", Role: grant.Viewer, Cameras: []string{"a", "b"}}
	same := grant.Grant{Subject: "ana@example.com", Role: grant.Admin, Cameras: []string{"a", "b", "c", "a"}}
	for _, c := range []struct{ before, after *grant.Grant }{{nil, &ana}, {&small, nil}, {&ana, &same}} {
		if ok, err := s.RetireGrantAudience(ctx, c.before, c.after, lister(&calls)); err != nil || ok {
			t.Fatalf("retire %+v -> %+v = %v, %v", c.before, c.after, ok, err)
		}
	}
	if calls.Load() != 0 {
		t.Fatalf("listed grants %d times for changes that keep or have no audience", calls.Load())
	}
	// Another grant still has the set (in another order): kept.
	bo := grant.Grant{Subject: "example.com", Role: grant.Viewer, Cameras: []string{"b", "a", "c"}}
	if ok, err := s.RetireGrantAudience(ctx, &ana, nil, lister(&calls, bo)); err != nil || ok {
		t.Fatalf("retire with the set still granted = %v, %v", ok, err)
	}
	// A failed listing retires nothing.
	boom := func(context.Context) ([]grant.Grant, error) { return nil, errors.New("boom") }
	if ok, err := s.RetireGrantAudience(ctx, &ana, nil, boom); err == nil || ok {
		t.Fatalf("retire with a failed listing = %v, %v", ok, err)
	}
	if got, want := registered(t, s), []string{store.AudienceID(abc), store.AudienceID(abcd)}; !slices.Equal(got, slices.Sorted(slices.Values(want))) {
		t.Fatalf("registered = %v, want both", got)
	}
	// Only grants of other sets, every camera, or blocked: retired; the
	// superset is another audience and stays.
	others := []grant.Grant{
		{Subject: "bo@example.com", Role: grant.Viewer, Cameras: abcd},
		{Subject: "cy@example.com", Role: grant.Viewer, All: true},
		{Subject: "dan@example.com", Role: grant.Blocked, Cameras: abc},
	}
	moved := grant.Grant{Subject: "ana@example.com", Role: grant.Viewer, Cameras: abcd}
	if ok, err := s.RetireGrantAudience(ctx, &ana, &moved, lister(&calls, others...)); err != nil || !ok {
		t.Fatalf("retire of an unused set = %v, %v", ok, err)
	}
	if got, want := registered(t, s), []string{store.AudienceID(abcd)}; !slices.Equal(got, want) {
		t.Fatalf("registered after retiring a,b,c = %v, want %v", got, want)
	}
	// Ingest writes no entry for the retired set any more.
	v := videoAt("a", t0.Add(time.Hour), 1)
	seedIndexed(t, s, v)
	if got := indexEntries(t, ddb, table, abc...); len(got) != 0 {
		t.Errorf("a,b,c entries after retirement = %v", got)
	}
	if got, want := indexEntries(t, ddb, table, abcd...), []string{sk(v)}; !slices.Equal(got, want) {
		t.Errorf("a,b,c,d entries = %v, want %v", got, want)
	}
	// Retiring again is harmless; registering again starts a new since.
	if _, err := s.RetireGrantAudience(ctx, &ana, nil, lister(&calls)); err != nil {
		t.Fatal(err)
	}
	t1 := t0.Add(48 * time.Hour)
	if ok, err := s.RegisterGrantAudience(ctx, ana, t1); err != nil || !ok {
		t.Fatalf("re-register = %v, %v", ok, err)
	}
	auds, err := s.Audiences(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range auds {
		if a.ID == store.AudienceID(abc) && !a.Since.Equal(t1.Add(store.AudienceSinceMargin)) {
			t.Errorf("re-registered since = %v, want %v", a.Since, t1.Add(store.AudienceSinceMargin))
		}
	}
}

// clock is a test clock a test moves forward.
type clock struct{ t atomic.Int64 }

func (c *clock) now() time.Time          { return time.Unix(0, c.t.Load()) }
func (c *clock) advance(d time.Duration) { c.t.Add(int64(d)) }

// TestRetiredAudienceReadersUseTheMerge: a reader that found the
// registration keeps it at most store.AudienceCacheTTL; after a
// retirement and that long, its listing of the set is the merge and sees
// the clips ingested since (which the index no longer gets).
func TestRetiredAudienceReadersUseTheMerge(t *testing.T) {
	ddb, table := newTable(t)
	c := &clock{}
	c.t.Store(time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC).UnixNano())
	reader := store.New(ddb, table).WithClock(c.now)
	writer := store.New(ddb, table)
	ctx := context.Background()
	t0 := at(t, "2026-11-01T00:00:00Z")
	set := []string{"a", "b", "c"}
	register(t, writer, t0, set...)
	for i := range 6 {
		seedIndexed(t, writer, videoAt(set[i%3], t0.Add(time.Duration(i)*time.Hour), i))
	}
	list := func(q store.Query) (store.Page, error) { return reader.AudienceVideos(ctx, set, q) }
	merge := func(q store.Query) (store.Page, error) { return writer.CamerasVideos(ctx, set, q) }
	if got, want := pageSeq(t, list, store.Query{Limit: 4}), pageSeq(t, merge, store.Query{Limit: 4}); !reflect.DeepEqual(got, want) {
		t.Fatalf("before retirement: %v, want %v", got, want)
	}
	g := grant.Grant{Subject: "ana@example.com", Role: grant.Viewer, Cameras: set}
	if ok, err := writer.RetireGrantAudience(ctx, &g, nil, func(context.Context) ([]grant.Grant, error) { return nil, nil }); err != nil || !ok {
		t.Fatalf("retire = %v, %v", ok, err)
	}
	fresh := videoAt("b", t0.Add(10*time.Hour), 10)
	seedIndexed(t, writer, fresh)
	c.advance(store.AudienceCacheTTL)
	got := pageSeq(t, list, store.Query{Limit: 4})
	if want := pageSeq(t, merge, store.Query{Limit: 4}); !reflect.DeepEqual(got, want) {
		t.Fatalf("after retirement and cache expiry: %v, want the merge %v", got, want)
	}
	if got[0][0] != sk(fresh) {
		t.Fatalf("first clip = %s, want the clip ingested after retirement %s", got[0][0], sk(fresh))
	}
}

// TestReregisteredAudiencePagesLikeTheMerge: a set retired while clips
// came and went (entries of deleted clips left behind, new clips not
// indexed) and registered again pages exactly like the merge: the old
// entries serve nothing older than the new since, and newer clips are
// indexed again.
func TestReregisteredAudiencePagesLikeTheMerge(t *testing.T) {
	ddb, table := newTable(t)
	s := store.New(ddb, table)
	ctx := context.Background()
	t0 := at(t, "2026-11-01T00:00:00Z")
	set := []string{"a", "b", "c"}
	register(t, s, t0, set...)
	var before []clip.Video
	for i := range 8 {
		v := videoAt(set[i%3], t0.Add(time.Duration(i)*time.Hour), i)
		before = append(before, v)
		seedIndexed(t, s, v)
	}
	g := grant.Grant{Subject: "ana@example.com", Role: grant.Viewer, Cameras: set}
	if ok, err := s.RetireGrantAudience(ctx, &g, nil, func(context.Context) ([]grant.Grant, error) { return nil, nil }); err != nil || !ok {
		t.Fatalf("retire = %v, %v", ok, err)
	}
	// While retired: clips deleted (their entries stay) and ingested (no
	// entries).
	for _, v := range before[2:5] {
		if _, err := s.DeleteVideo(ctx, v.CameraID, v.ID, time.Time{}); err != nil {
			t.Fatal(err)
		}
	}
	if n := len(indexEntries(t, ddb, table, set...)); n != len(before) {
		t.Fatalf("%d entries left, want the %d of before the retirement", n, len(before))
	}
	for i := 20; i < 24; i++ {
		seedIndexed(t, s, videoAt(set[i%3], t0.Add(time.Duration(i)*time.Hour), i))
	}
	// Registered again by a later put: since is then + the margin.
	t1 := t0.Add(30 * time.Hour)
	if ok, err := s.RegisterGrantAudience(ctx, g, t1); err != nil || !ok {
		t.Fatalf("re-register = %v, %v", ok, err)
	}
	since := t1.Add(store.AudienceSinceMargin)
	for i := range 7 {
		seedIndexed(t, s, videoAt(set[i%3], since.Add(time.Duration(i)*time.Hour), 100+i))
	}
	reader := store.New(ddb, table)
	for _, limit := range []int{1, 3, 5, 50} {
		list := func(q store.Query) (store.Page, error) { return reader.AudienceVideos(ctx, set, q) }
		merge := func(q store.Query) (store.Page, error) { return s.CamerasVideos(ctx, set, q) }
		if got, want := pageSeq(t, list, store.Query{Limit: limit}), pageSeq(t, merge, store.Query{Limit: limit}); !reflect.DeepEqual(got, want) {
			t.Errorf("limit %d: pages %v, want the merge's %v", limit, got, want)
		}
	}
}
