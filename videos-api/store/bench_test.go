package store_test

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/camvault/camvault/videos-api/clip"
	"github.com/camvault/camvault/videos-api/store"
)

// benchSizes are the table sizes the page benchmarks grow through;
// CAMVAULT_BENCH_SIZES=1000,10000,100000 overrides them.
func benchSizes(b *testing.B) []int {
	s := os.Getenv("CAMVAULT_BENCH_SIZES")
	if s == "" {
		return []int{1000, 10000}
	}
	var out []int
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 {
			b.Fatalf("CAMVAULT_BENCH_SIZES: bad size %q", f)
		}
		out = append(out, n)
	}
	return out
}

var benchCameras = []string{"front-door", "garage", "porch", "side"}

// seedBench writes n clips, spread over four cameras and the last 30
// days, with BatchWriteItem.
func seedBench(b *testing.B, ddb *dynamodb.Client, table string, n int, now time.Time) {
	b.Helper()
	ctx := context.Background()
	step := 30 * 24 * time.Hour / time.Duration(n)
	var batch []ddbtypes.WriteRequest
	flush := func() {
		req := map[string][]ddbtypes.WriteRequest{table: batch}
		for len(req[table]) > 0 {
			out, err := ddb.BatchWriteItem(ctx, &dynamodb.BatchWriteItemInput{RequestItems: req})
			if err != nil {
				b.Fatal(err)
			}
			req = out.UnprocessedItems
		}
		batch = batch[:0]
	}
	var seeded []clip.Video
	for i := 0; i < n; i++ {
		v := videoAt(benchCameras[i%len(benchCameras)], now.Add(-time.Duration(i+1)*step), i)
		batch = append(batch, ddbtypes.WriteRequest{PutRequest: &ddbtypes.PutRequest{Item: store.EncodeVideo(v)}})
		seeded = append(seeded, v)
		if len(batch) == 25 {
			flush()
		}
	}
	if len(batch) > 0 {
		flush()
	}
	s := store.New(ddb, table)
	if _, err := s.RegisterAudience(ctx, restrictedCameras, now.AddDate(-1, 0, 0)); err != nil {
		b.Fatal(err)
	}
	if err := s.IndexVideos(ctx, seeded); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkPage measures one 50-clip page of each listing at growing table
// sizes, and reports the read capacity it consumed (RCU/page) and the
// DynamoDB reads it made (queries/page): both stay flat as the table grows.
func BenchmarkPage(b *testing.B) {
	now := time.Date(2026, 11, 25, 15, 0, 0, 0, time.UTC)
	for _, n := range benchSizes(b) {
		ddb, table := newTable(b)
		seedBench(b, ddb, table, n, now)
		s := store.New(ddb, table)
		window := store.Query{From: now.AddDate(0, 0, -32), To: now.Add(24 * time.Hour), Limit: 50}
		lists := map[string]func(context.Context, store.Query) (store.Page, error){
			"camera": func(ctx context.Context, q store.Query) (store.Page, error) {
				return s.CameraVideos(ctx, "front-door", q)
			},
			"timeline": s.Timeline,
			"restricted": func(ctx context.Context, q store.Query) (store.Page, error) {
				return s.AudienceVideos(ctx, restrictedCameras, q)
			},
			"restricted-2": func(ctx context.Context, q store.Query) (store.Page, error) {
				return s.AudienceVideos(ctx, []string{"front-door", "porch"}, q)
			},
		}
		for _, name := range []string{"camera", "timeline", "restricted", "restricted-2"} {
			list := lists[name]
			b.Run(fmt.Sprintf("%s/clips=%d", name, n), func(b *testing.B) {
				var m store.Meter
				ctx := store.WithMeter(context.Background(), &m)
				// Page two: a cursor in the middle of the data.
				first, err := list(ctx, window)
				if err != nil || len(first.Videos) != 50 {
					b.Fatalf("first page: %d clips, %v", len(first.Videos), err)
				}
				q := window
				q.After = store.PositionOf(first.Videos[49])
				m.Reset()
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					p, err := list(ctx, q)
					if err != nil || len(p.Videos) != 50 {
						b.Fatalf("page: %d clips, %v", len(p.Videos), err)
					}
				}
				b.StopTimer()
				b.ReportMetric(m.Units()/float64(b.N), "RCU/page")
				b.ReportMetric(float64(m.Requests())/float64(b.N), "queries/page")
			})
		}
	}
}

// BenchmarkPageDensity is the page-cost table: a mid-list 50-clip page (the
// first page where there is no second) of the timeline, one camera and a
// restricted person at 1 clip per 10 days, 1 per day, 100 per day and
// 10,000 per day, with its DynamoDB requests and read capacity. At 10,000
// a day only the newest day is seeded: a page never reaches further.
func BenchmarkPageDensity(b *testing.B) {
	now := time.Date(2026, 11, 25, 15, 0, 0, 0, time.UTC)
	window := store.Query{From: now.AddDate(0, 0, -32), To: now.Add(24 * time.Hour), Limit: 50}
	for _, d := range []density{{"1per10days", 0.1, 30}, {"1perday", 1, 30}, {"100perday", 100, 30}, {"10000perday", 10000, 1}} {
		ddb, table := newTable(b)
		seedDensity(b, ddb, table, d, now)
		s := store.New(ddb, table)
		for _, l := range pageLists(s) {
			b.Run(fmt.Sprintf("%s/%s", l.name, d.name), func(b *testing.B) {
				var m store.Meter
				ctx := store.WithMeter(context.Background(), &m)
				q := window
				if first, err := l.list(ctx, window); err != nil {
					b.Fatal(err)
				} else if first.More {
					q.After = first.End()
				}
				m.Reset()
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					if _, err := l.list(ctx, q); err != nil {
						b.Fatal(err)
					}
				}
				if got := float64(m.Requests()) / float64(b.N); got > float64(l.requests) {
					b.Fatalf("%.1f requests/page, want at most %d", got, l.requests)
				}
				b.StopTimer()
				b.ReportMetric(m.Units()/float64(b.N), "RCU/page")
				b.ReportMetric(float64(m.Requests())/float64(b.N), "requests/page")
			})
		}
	}
}
