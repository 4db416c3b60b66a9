package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/camvault/camvault/videos-api/clip"
	"github.com/camvault/camvault/videos-api/store"
)

// density is a rate of clips, spread evenly over benchCameras.
type density struct {
	name   string
	perDay float64
	// days is how many days back from now the clips reach: the retention
	// window, or less where the page never reaches further.
	days int
}

// seedDensity writes clips at d's rate from now back d.days days, round
// robin over benchCameras, with BatchWriteItem. It returns how many.
func seedDensity(tb testing.TB, ddb *dynamodb.Client, table string, d density, now time.Time) int {
	tb.Helper()
	ctx := context.Background()
	step := time.Duration(float64(24*time.Hour) / d.perDay)
	var batch []ddbtypes.WriteRequest
	flush := func() {
		req := map[string][]ddbtypes.WriteRequest{table: batch}
		for len(req[table]) > 0 {
			out, err := ddb.BatchWriteItem(ctx, &dynamodb.BatchWriteItemInput{RequestItems: req})
			if err != nil {
				tb.Fatal(err)
			}
			req = out.UnprocessedItems
		}
		batch = batch[:0]
	}
	n := 0
	var seeded []clip.Video
	for at := now.Add(-step / 2); at.After(now.AddDate(0, 0, -d.days)); at = at.Add(-step) {
		v := videoAt(benchCameras[n%len(benchCameras)], at, n)
		batch = append(batch, ddbtypes.WriteRequest{PutRequest: &ddbtypes.PutRequest{Item: store.EncodeVideo(v)}})
		seeded = append(seeded, v)
		n++
		if len(batch) == 25 {
			flush()
		}
	}
	if len(batch) > 0 {
		flush()
	}
	// The restricted person's audience, registered before the data, and
	// its index entries as ingest writes them.
	s := store.New(ddb, table)
	if _, err := s.RegisterAudience(ctx, restrictedCameras, now.AddDate(-1, 0, 0)); err != nil {
		tb.Fatal(err)
	}
	if err := s.IndexVideos(ctx, seeded); err != nil {
		tb.Fatal(err)
	}
	return n
}

// restrictedCameras are the restricted person's cameras: three of
// benchCameras, so their timeline is read through an audience index.
var restrictedCameras = []string{"front-door", "garage", "porch"}

// pageList is one listing of the page-cost table.
type pageList struct {
	name string
	list func(context.Context, store.Query) (store.Page, error)
	// requests is what a page costs in DynamoDB requests, at any density.
	requests int
	// maxRCU bounds a 50-clip page's read capacity, at any density.
	maxRCU float64
}

// pageLists are the listings of the page-cost table: the timeline
// (someone who sees every camera), one camera, someone restricted to
// three cameras (their audience index: a Query of keys and a BatchGetItem
// of the records, 0.5 RCU each) and someone restricted to two (the merge
// of two camera Queries).
func pageLists(s *store.Store) []pageList {
	// 50 clips (plus the one that says more follow) of about 300 bytes:
	// 4 KB units, halved (eventually consistent), per Query.
	return []pageList{
		{"timeline", s.Timeline, 1, 2.5},
		{"camera", func(ctx context.Context, q store.Query) (store.Page, error) {
			return s.CameraVideos(ctx, "front-door", q)
		}, 1, 2.5},
		{"restricted", func(ctx context.Context, q store.Query) (store.Page, error) {
			return s.AudienceVideos(ctx, restrictedCameras, q)
		}, 2, 50*0.5 + 1},
		{"restricted-2", func(ctx context.Context, q store.Query) (store.Page, error) {
			return s.AudienceVideos(ctx, []string{"front-door", "porch"}, q)
		}, 2, 5},
	}
}

// TestPageCostIsFlatAcrossDensities: a 50-clip page (the first and, where
// there is one, the second) costs the same number of DynamoDB requests at
// one clip per ten days as at a hundred a day, for the timeline, one
// camera and restricted people (at most 2), and its read capacity stays
// under a bound that depends on the page size only. The container has
// looked the audience up once before (one GetItem per container life).
func TestPageCostIsFlatAcrossDensities(t *testing.T) {
	now := time.Date(2026, 11, 25, 15, 0, 0, 0, time.UTC)
	window := store.Query{From: now.AddDate(0, 0, -32), To: now.Add(24 * time.Hour), Limit: 50}
	for _, d := range []density{{"1 per 10 days", 0.1, 30}, {"1 per day", 1, 30}, {"100 per day", 100, 30}} {
		t.Run(d.name, func(t *testing.T) {
			ddb, table := newTable(t)
			seeded := seedDensity(t, ddb, table, d, now)
			s := store.New(ddb, table)
			for _, l := range pageLists(s) {
				m := &store.Meter{}
				ctx := store.WithMeter(context.Background(), m)
				if _, err := l.list(ctx, window); err != nil { // a warm container
					t.Fatal(err)
				}
				q := window
				for page := 0; page < 2; page++ {
					m.Reset()
					p, err := l.list(ctx, q)
					if err != nil {
						t.Fatal(err)
					}
					if len(p.Videos) == 0 && seeded > 0 && page == 0 {
						t.Fatalf("%s: empty first page of %d clips", l.name, seeded)
					}
					if m.Requests() != l.requests || m.Requests() > 2 {
						t.Errorf("%s page %d: %d DynamoDB requests, want %d", l.name, page, m.Requests(), l.requests)
					}
					if m.Units() > l.maxRCU {
						t.Errorf("%s page %d: %.1f RCU, want at most %.1f", l.name, page, m.Units(), l.maxRCU)
					}
					if !p.More {
						break
					}
					q.After = p.End()
				}
			}
		})
	}
}

// TestMigrateTimeline: clips recorded with a legacy per-day timeline key
// are listed by the timeline once migrated, migrating twice changes
// nothing, and clips already on the timeline partition are left alone.
func TestMigrateTimeline(t *testing.T) {
	ddb, table := newTable(t)
	s := store.New(ddb, table)
	ctx := context.Background()
	now := at(t, "2026-11-25T15:00:00Z")
	var legacy []clip.Video
	for i := range 3 {
		v := videoAt("front", now.AddDate(0, 0, -3*i).Add(-time.Hour), 100+i)
		item := store.EncodeVideo(v)
		item[store.TableSchema.TimelinePartitionKey] = &ddbtypes.AttributeValueMemberS{Value: "DAY#" + store.Day(v.CapturedAt)}
		if _, err := ddb.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(table), Item: item}); err != nil {
			t.Fatal(err)
		}
		legacy = append(legacy, v)
	}
	current := videoAt("garage", now.Add(-30*time.Minute), 200)
	seed(t, s, current)
	q := store.Query{From: now.AddDate(0, 0, -33), To: now.Add(24 * time.Hour), Limit: 10}
	if p, err := s.Timeline(ctx, q); err != nil || len(p.Videos) != 1 {
		t.Fatalf("before migrating: %v, %v", ids(p.Videos), err)
	}
	for i, want := range []int{3, 0} {
		moved, err := s.MigrateTimeline(ctx, q.From, q.To)
		if err != nil || moved != want {
			t.Fatalf("migration %d moved %d, %v; want %d", i, moved, err, want)
		}
	}
	p, err := s.Timeline(ctx, q)
	want := ids([]clip.Video{current, legacy[0], legacy[1], legacy[2]})
	if err != nil || fmt.Sprint(ids(p.Videos)) != fmt.Sprint(want) {
		t.Fatalf("after migrating: %v, %v; want %v", ids(p.Videos), err, want)
	}
	res, err := ddb.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(table), Key: map[string]ddbtypes.AttributeValue{
		store.TableSchema.PartitionKey: &ddbtypes.AttributeValueMemberS{Value: "CAM#front"},
		store.TableSchema.SortKey:      &ddbtypes.AttributeValueMemberS{Value: "VID#" + legacy[1].ID},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if pk, _ := res.Item[store.TableSchema.TimelinePartitionKey].(*ddbtypes.AttributeValueMemberS); pk == nil || pk.Value != store.TimelinePK {
		t.Errorf("migrated timeline key = %v, want %s", res.Item[store.TableSchema.TimelinePartitionKey], store.TimelinePK)
	}
}
