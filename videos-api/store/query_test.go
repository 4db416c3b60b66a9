package store_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"sort"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/camvault/camvault/videos-api/clip"
	"github.com/camvault/camvault/videos-api/store"
)

// at parses an RFC 3339 time for test tables.
func at(t testing.TB, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		t.Fatal(err)
	}
	return v.UTC()
}

// videoAt builds a clip of camera captured at when; n varies the id's
// random part so clips at the same millisecond differ.
func videoAt(camera string, when time.Time, n int) clip.Video {
	id := clip.WithTime(fmt.Sprintf("00000000000000000000%06d", n), when)
	return clip.Video{
		ID: id, CameraID: camera, CapturedAt: when, Size: 1000, ContentType: "video/mp4",
		ObjectKey: "clips/" + camera + "/x.mp4", ExpiresAt: when.AddDate(0, 0, 30),
	}
}

// seed records and counts clips as ingest does.
func seed(t testing.TB, s *store.Store, videos ...clip.Video) {
	t.Helper()
	ctx := context.Background()
	for _, v := range videos {
		created, err := s.PutVideo(ctx, v)
		if err != nil || !created {
			t.Fatalf("PutVideo(%s) = %v, %v", v.ID, created, err)
		}
		if err := s.CountVideo(ctx, v, ""); err != nil {
			t.Fatal(err)
		}
	}
}

func ids(videos []clip.Video) []string {
	out := []string{}
	for _, v := range videos {
		out = append(out, v.CameraID+"@"+v.CapturedAt.Format("01-02T15:04"))
	}
	return out
}

// pages walks every page of a listing and returns the pages' clips.
func pages(t *testing.T, limit int, list func(store.Query) (store.Page, error), q store.Query) [][]string {
	t.Helper()
	q.Limit = limit
	var out [][]string
	for i := 0; ; i++ {
		if i > 50 {
			t.Fatal("pagination does not end")
		}
		p, err := list(q)
		if err != nil {
			t.Fatal(err)
		}
		if len(p.Videos) > limit {
			t.Fatalf("page of %d > limit %d", len(p.Videos), limit)
		}
		out = append(out, ids(p.Videos))
		if !p.More {
			return out
		}
		if len(p.Videos) != limit {
			t.Fatalf("non-final page has %d clips, want exactly %d", len(p.Videos), limit)
		}
		q.After = store.PositionOf(p.Videos[len(p.Videos)-1])
	}
}

func TestListings(t *testing.T) {
	ddb, table := newTable(t)
	s := store.New(ddb, table)
	ctx := context.Background()
	// Clips across midnight and a month boundary, on two cameras, two at
	// the same millisecond.
	seed(t, s,
		videoAt("front", at(t, "2026-10-31T23:59:00Z"), 1),
		videoAt("front", at(t, "2026-11-01T00:01:00Z"), 2),
		videoAt("garage", at(t, "2026-11-01T00:01:00Z"), 3),
		videoAt("front", at(t, "2026-11-01T12:00:00Z"), 4),
		videoAt("garage", at(t, "2026-11-02T08:00:00Z"), 5),
	)
	front := func(q store.Query) (store.Page, error) { return s.CameraVideos(ctx, "front", q) }
	timeline := func(q store.Query) (store.Page, error) { return s.Timeline(ctx, q) }
	merged := func(q store.Query) (store.Page, error) { return s.CamerasVideos(ctx, []string{"front", "garage"}, q) }
	empty := func(q store.Query) (store.Page, error) { return s.CameraVideos(ctx, "nobody", q) }
	wide := store.Query{From: at(t, "2026-10-01T00:00:00Z"), To: at(t, "2026-12-01T00:00:00Z")}
	all := []string{"garage@11-02T08:00", "front@11-01T12:00", "garage@11-01T00:01", "front@11-01T00:01", "front@10-31T23:59"}

	tests := []struct {
		name  string
		list  func(store.Query) (store.Page, error)
		q     store.Query
		limit int
		want  [][]string
	}{
		{"empty camera", empty, store.Query{}, 10, [][]string{{}}},
		{"camera exactly one page", front, store.Query{}, 3, [][]string{{"front@11-01T12:00", "front@11-01T00:01", "front@10-31T23:59"}}},
		{"camera cursor at last item", front, store.Query{}, 1, [][]string{{"front@11-01T12:00"}, {"front@11-01T00:01"}, {"front@10-31T23:59"}}},
		{"camera across midnight and month", front, store.Query{From: at(t, "2026-10-31T23:00:00Z"), To: at(t, "2026-11-01T01:00:00Z")}, 5, [][]string{{"front@11-01T00:01", "front@10-31T23:59"}}},
		{"camera to is exclusive", front, store.Query{To: at(t, "2026-11-01T12:00:00Z")}, 5, [][]string{{"front@11-01T00:01", "front@10-31T23:59"}}},
		{"camera from is inclusive", front, store.Query{From: at(t, "2026-11-01T12:00:00Z")}, 5, [][]string{{"front@11-01T12:00"}}},
		{"camera empty range", front, store.Query{From: at(t, "2026-11-05T00:00:00Z")}, 5, [][]string{{}}},
		{"timeline one page", timeline, wide, 5, [][]string{all}},
		{"timeline pages of two", timeline, wide, 2, [][]string{all[:2], all[2:4], all[4:]}},
		{"timeline same millisecond split", timeline, wide, 3, [][]string{all[:3], all[3:]}},
		{"timeline across midnight", timeline, store.Query{From: at(t, "2026-10-31T23:00:00Z"), To: at(t, "2026-11-01T00:30:00Z")}, 10, [][]string{all[2:]}},
		{"timeline empty range", timeline, store.Query{From: at(t, "2026-09-01T00:00:00Z"), To: at(t, "2026-09-03T00:00:00Z")}, 10, [][]string{{}}},
		{"merged equals timeline", merged, wide, 2, [][]string{all[:2], all[2:4], all[4:]}},
		{"merged exactly one page", merged, store.Query{}, 5, [][]string{all}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := pages(t, tt.limit, tt.list, tt.q); !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("pages = %v\nwant    %v", got, tt.want)
			}
		})
	}
}

func TestIngestWritesAreIdempotentAndDeleteUncounts(t *testing.T) {
	ddb, table := newTable(t)
	s := store.New(ddb, table)
	ctx := context.Background()
	older := videoAt("porch", at(t, "2026-11-01T10:00:00Z"), 1)
	newer := videoAt("porch", at(t, "2026-11-01T11:00:00Z"), 2)
	seed(t, s, older, newer)

	created, err := s.PutVideo(ctx, newer)
	if err != nil || created {
		t.Fatalf("second PutVideo = %v, %v; want false, nil", created, err)
	}
	if pending, err := s.CountPending(ctx, "porch", newer.ID); err != nil || pending {
		t.Fatalf("CountPending = %v, %v", pending, err)
	}
	cam, err := s.GetCamera(ctx, "porch")
	if err != nil {
		t.Fatal(err)
	}
	if cam.ClipCount != 2 || !cam.LastClipAt.Equal(newer.CapturedAt) || cam.Name != "porch" {
		t.Fatalf("camera = %+v", cam)
	}
	cams, err := s.ListCameras(ctx)
	if err != nil || len(cams) != 1 || cams[0].ID != "porch" {
		t.Fatalf("ListCameras = %+v, %v", cams, err)
	}

	if err := s.SetThumbnail(ctx, "porch", newer.ID, "clips/porch/x.jpg"); err != nil {
		t.Fatal(err)
	}
	if err := s.SetThumbnail(ctx, "porch", newer.ID, "clips/porch/x.jpg"); err != nil {
		t.Fatalf("linking the same thumbnail again = %v, want nil", err)
	}
	if err := s.SetThumbnail(ctx, "porch", newer.ID, "clips/porch/y.jpg"); !errors.Is(err, store.ErrThumbnailLinked) {
		t.Fatalf("linking another thumbnail = %v, want ErrThumbnailLinked", err)
	}
	if err := s.SetThumbnail(ctx, "porch", clip.WithTime(newer.ID, time.Unix(1, 0)), "k"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("SetThumbnail on missing clip = %v", err)
	}
	if got, err := s.GetVideo(ctx, "porch", newer.ID); err != nil || got.ThumbnailKey != "clips/porch/x.jpg" {
		t.Fatalf("GetVideo = %+v, %v", got, err)
	}

	deleted, err := s.DeleteVideo(ctx, "porch", newer.ID, time.Time{})
	if err != nil || deleted.ID != newer.ID {
		t.Fatalf("DeleteVideo = %+v, %v", deleted, err)
	}
	if _, err := s.DeleteVideo(ctx, "porch", newer.ID, time.Time{}); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("second DeleteVideo = %v, want ErrNotFound", err)
	}
	if _, err := s.GetVideo(ctx, "porch", newer.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("GetVideo after delete = %v", err)
	}
	cam, _ = s.GetCamera(ctx, "porch")
	if cam.ClipCount != 1 || !cam.LastClipAt.Equal(older.CapturedAt) {
		t.Fatalf("camera after delete = %+v", cam)
	}
	if _, err := s.DeleteVideo(ctx, "porch", older.ID, time.Time{}); err != nil {
		t.Fatal(err)
	}
	cam, _ = s.GetCamera(ctx, "porch")
	if cam.ClipCount != 0 || !cam.LastClipAt.IsZero() {
		t.Fatalf("camera after deleting all = %+v", cam)
	}
}

func TestPendingCountSurvivesAFailedIngest(t *testing.T) {
	ddb, table := newTable(t)
	s := store.New(ddb, table)
	ctx := context.Background()
	v := videoAt("side", at(t, "2026-11-01T10:00:00Z"), 1)
	if created, err := s.PutVideo(ctx, v); err != nil || !created {
		t.Fatal(created, err)
	}
	// The first delivery stopped here; the redelivery finds it pending.
	if pending, err := s.CountPending(ctx, "side", v.ID); err != nil || !pending {
		t.Fatalf("CountPending = %v, %v; want true", pending, err)
	}
	if err := s.CountVideo(ctx, v, "Side door"); err != nil {
		t.Fatal(err)
	}
	if pending, _ := s.CountPending(ctx, "side", v.ID); pending {
		t.Fatal("still pending after CountVideo")
	}
	cam, _ := s.GetCamera(ctx, "side")
	if cam.ClipCount != 1 || cam.Name != "Side door" {
		t.Fatalf("camera = %+v", cam)
	}
}

// TestDeleteLeavesATombstone: a delete leaves a tombstone that ingest can
// read, that lives at least as long as asked (and as the clip's record
// would have), and that no list, timeline or camera query ever returns.
func TestDeleteLeavesATombstone(t *testing.T) {
	ddb, table := newTable(t)
	s := store.New(ddb, table)
	ctx := context.Background()
	// Clips just before and after the tombstone's sort key, in its own
	// and in a neighbouring camera's partition.
	keep := videoAt("porch", at(t, "2026-11-01T09:00:00Z"), 1)
	gone := videoAt("porch", at(t, "2026-11-01T10:00:00Z"), 2)
	late := videoAt("porch", at(t, "2026-11-01T11:00:00Z"), 3)
	other := videoAt("side", at(t, "2026-11-01T10:00:00Z"), 4)
	seed(t, s, keep, gone, late, other)
	until := at(t, "2026-12-20T00:00:00Z")
	if _, err := s.DeleteVideo(ctx, "porch", gone.ID, until); err != nil {
		t.Fatal(err)
	}
	if _, err := s.DeleteVideo(ctx, "porch", late.ID, time.Time{}); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		camera, id string
		want       bool
	}{{"porch", gone.ID, true}, {"porch", late.ID, true}, {"porch", keep.ID, false}, {"side", other.ID, false}, {"side", gone.ID, false}} {
		if got, err := s.Deleted(ctx, tt.camera, tt.id); err != nil || got != tt.want {
			t.Errorf("Deleted(%s, %s) = %v, %v; want %v", tt.camera, tt.id, got, err, tt.want)
		}
	}
	// A 404 writes no tombstone: an id nobody recorded stays ingestible.
	never := videoAt("porch", at(t, "2026-11-01T12:00:00Z"), 5)
	if _, err := s.DeleteVideo(ctx, "porch", never.ID, until); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("DeleteVideo of an unknown clip = %v", err)
	}
	if got, _ := s.Deleted(ctx, "porch", never.ID); got {
		t.Error("a DELETE answered 404 left a tombstone")
	}

	raw := func(videoID string) map[string]ddbtypes.AttributeValue {
		t.Helper()
		res, err := ddb.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(table), ConsistentRead: aws.Bool(true), Key: map[string]ddbtypes.AttributeValue{
			store.TableSchema.PartitionKey: &ddbtypes.AttributeValueMemberS{Value: "CAM#porch"},
			store.TableSchema.SortKey:      &ddbtypes.AttributeValueMemberS{Value: "DEL#" + videoID},
		}})
		if err != nil || res.Item == nil {
			t.Fatalf("tombstone of %s: %v, %v", videoID, res, err)
		}
		return res.Item
	}
	for id, want := range map[string]time.Time{gone.ID: until, late.ID: late.ExpiresAt} {
		item := raw(id)
		if _, ok := item[store.TableSchema.TimelinePartitionKey]; ok {
			t.Errorf("tombstone %s has a timeline key: the index would hold it", id)
		}
		ttl, _ := item[store.TableSchema.TTLAttribute].(*ddbtypes.AttributeValueMemberN)
		if ttl == nil || ttl.Value != fmt.Sprint(want.Unix()) {
			t.Errorf("tombstone %s %s = %v, want %d", id, store.TableSchema.TTLAttribute, ttl, want.Unix())
		}
	}

	wide := store.Query{From: at(t, "2026-10-01T00:00:00Z"), To: at(t, "2026-12-01T00:00:00Z"), Limit: 10}
	if p, err := s.CameraVideos(ctx, "porch", store.Query{Limit: 10}); err != nil || !reflect.DeepEqual(ids(p.Videos), ids([]clip.Video{keep})) {
		t.Errorf("CameraVideos = %v, %v", ids(p.Videos), err)
	}
	if p, err := s.Timeline(ctx, wide); err != nil || !reflect.DeepEqual(ids(p.Videos), ids([]clip.Video{other, keep})) {
		t.Errorf("Timeline = %v, %v", ids(p.Videos), err)
	}
	if p, err := s.CamerasVideos(ctx, []string{"porch", "side"}, store.Query{Limit: 10}); err != nil || len(p.Videos) != 2 {
		t.Errorf("CamerasVideos = %v, %v", ids(p.Videos), err)
	}
	if cams, err := s.ListCameras(ctx); err != nil || len(cams) != 2 {
		t.Errorf("ListCameras = %+v, %v", cams, err)
	}
	if cam, _ := s.GetCamera(ctx, "porch"); cam.ClipCount != 1 || !cam.LastClipAt.Equal(keep.CapturedAt) {
		t.Errorf("camera = %+v", cam)
	}

	// DropUncounted takes back a record written after the delete (still
	// pending), and never a counted one.
	if created, err := s.PutVideo(ctx, gone); err != nil || !created {
		t.Fatal(created, err)
	}
	if dropped, err := s.DropUncounted(ctx, "porch", gone.ID); err != nil || !dropped {
		t.Fatalf("DropUncounted of a pending record = %v, %v", dropped, err)
	}
	if _, err := s.GetVideo(ctx, "porch", gone.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("record after DropUncounted: %v", err)
	}
	if dropped, err := s.DropUncounted(ctx, "porch", keep.ID); err != nil || dropped {
		t.Fatalf("DropUncounted of a counted record = %v, %v", dropped, err)
	}
}

// TestTimelineSparseDaysMatchesADayByDayWalk: with clips on a few days of
// a long window (empty days between, a dense day, a day exactly as full as
// a page, two clips at the same millisecond, clips on both sides of the
// window), every page at every limit, with or without cursors, is what
// the newest-first order of the seeded clips says, and every page is one
// Query, however many empty days it spans.
func TestTimelineSparseDaysMatchesADayByDayWalk(t *testing.T) {
	ddb, table := newTable(t)
	s := store.New(ddb, table)
	ctx := context.Background()
	from, to := at(t, "2026-10-20T00:00:00Z"), at(t, "2026-11-25T12:00:00Z")
	var videos []clip.Video
	n := 0
	add := func(camera, ts string) {
		n++
		videos = append(videos, videoAt(camera, at(t, ts), n))
	}
	add("front", "2026-10-19T23:59:59.999Z") // before from: never listed
	add("front", "2026-10-20T00:00:00Z")     // at from: listed
	add("garage", "2026-10-23T05:00:00Z")
	for h := 0; h < 7; h++ { // a dense day
		add([]string{"front", "garage"}[h%2], fmt.Sprintf("2026-11-02T%02d:30:00Z", 10+h))
	}
	add("front", "2026-11-02T11:30:00Z") // same millisecond as garage's
	add("garage", "2026-11-09T00:00:00Z")
	add("front", "2026-11-09T23:59:59.999Z")
	add("front", "2026-11-18T08:00:00Z")
	add("garage", "2026-11-25T11:59:59.999Z")
	add("garage", "2026-11-25T12:00:00Z") // at to (exclusive): never listed
	seed(t, s, videos...)

	var want []clip.Video
	for _, v := range videos {
		if !v.CapturedAt.Before(from) && v.CapturedAt.Before(to) {
			want = append(want, v)
		}
	}
	sort.Slice(want, func(i, j int) bool {
		return want[i].ID+"#"+want[i].CameraID > want[j].ID+"#"+want[j].CameraID
	})
	for _, limit := range []int{1, 2, 3, 7, 8, 13, 50} {
		t.Run(fmt.Sprint("limit ", limit), func(t *testing.T) {
			q := store.Query{From: from, To: to, Limit: limit}
			var got []clip.Video
			for page := 0; ; page++ {
				if page > len(want)+1 {
					t.Fatal("pagination does not end")
				}
				m := &store.Meter{}
				p, err := s.Timeline(store.WithMeter(ctx, m), q)
				if err != nil {
					t.Fatal(err)
				}
				if len(p.Videos) > limit || (p.More && len(p.Videos) != limit) {
					t.Fatalf("page %d: %d clips, more %v, limit %d", page, len(p.Videos), p.More, limit)
				}
				got = append(got, p.Videos...)
				if r := m.Requests(); r != 1 {
					t.Errorf("page %d read %d Queries, want 1", page, r)
				}
				if !p.More {
					break
				}
				q.After = store.PositionOf(p.Videos[len(p.Videos)-1])
			}
			if !reflect.DeepEqual(ids(got), ids(want)) {
				t.Fatalf("pages = %v\nwant    %v", ids(got), ids(want))
			}
			for i := range got {
				if got[i].ID != want[i].ID || got[i].CameraID != want[i].CameraID {
					t.Fatalf("clip %d = %s/%s, want %s/%s", i, got[i].CameraID, got[i].ID, want[i].CameraID, want[i].ID)
				}
			}
		})
	}
}
