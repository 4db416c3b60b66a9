package store_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/camvault/camvault/videos-api/clip"
	"github.com/camvault/camvault/videos-api/store"
)

// crashAt is an HTTP transport that fails, once, the first request whose
// body contains a marker: the writer "crashes" just before that write, as a
// Lambda stopped part way would, and the next attempt runs normally.
type crashAt struct {
	marker string
	fired  atomic.Bool
}

func (c *crashAt) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body != nil && c.marker != "" && !c.fired.Load() {
		b, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(b))
		if strings.Contains(string(b), c.marker) && c.fired.CompareAndSwap(false, true) {
			return nil, errors.New("crash before " + c.marker)
		}
	}
	return http.DefaultTransport.RoundTrip(r)
}

// crashingStore is a Store on table whose first request containing marker fails.
func crashingStore(ddb *dynamodb.Client, table, marker string) *store.Store {
	opts := ddb.Options()
	opts.HTTPClient = &http.Client{Transport: &crashAt{marker: marker}}
	opts.Retryer = aws.NopRetryer{}
	return store.New(dynamodb.New(opts), table)
}

// ingestOnce is what ingest does with a clip: put it, and count it if it
// was created or is still pending.
func ingestOnce(ctx context.Context, s *store.Store, v clip.Video) error {
	created, err := s.PutVideo(ctx, v)
	if err != nil {
		return err
	}
	count := created
	if !created {
		if count, err = s.CountPending(ctx, v.CameraID, v.ID); err != nil {
			return err
		}
	}
	if count {
		return s.CountVideo(ctx, v, "")
	}
	return nil
}

func cameraState(t *testing.T, s *store.Store, id string) (int64, time.Time) {
	t.Helper()
	c, err := s.GetCamera(context.Background(), id)
	if errors.Is(err, store.ErrNotFound) {
		return 0, time.Time{}
	}
	if err != nil {
		t.Fatal(err)
	}
	return c.ClipCount, c.LastClipAt
}

// TestCountsSurviveACrashAtEveryStep: an ingest that stops before any one
// of its writes and is then redelivered counts the clip once; a DELETE or
// ingest's own undo of a still-pending record takes back exactly the
// increments that were made.
func TestCountsSurviveACrashAtEveryStep(t *testing.T) {
	steps := []string{"ADD clipCount :one", "SET lastClipAt", "REMOVE countPending", "DELETE #counting"}
	for _, step := range steps {
		for _, then := range []string{"redeliver", "delete", "drop"} {
			t.Run(step+"/"+then, func(t *testing.T) {
				ddb, table := newTable(t)
				ctx := context.Background()
				s := store.New(ddb, table)
				v := videoAt("porch", at(t, "2026-11-20T10:00:00Z"), 1)
				if err := ingestOnce(ctx, crashingStore(ddb, table, step), v); err == nil {
					t.Fatalf("the crash before %q did not stop ingest", step)
				}
				switch then {
				case "redeliver":
					for range 2 {
						if err := ingestOnce(ctx, s, v); err != nil {
							t.Fatal(err)
						}
					}
					if n, last := cameraState(t, s, "porch"); n != 1 || !last.Equal(v.CapturedAt) {
						t.Fatalf("after redelivery: clipCount %d, lastClipAt %v; want 1, %v", n, last, v.CapturedAt)
					}
				case "delete":
					if _, err := s.DeleteVideo(ctx, "porch", v.ID, v.ExpiresAt); err != nil {
						t.Fatal(err)
					}
					if n, last := cameraState(t, s, "porch"); n != 0 || !last.IsZero() {
						t.Fatalf("after delete: clipCount %d, lastClipAt %v; want 0 and none", n, last)
					}
				case "drop":
					// Ingest's undo removes only a pending record: one
					// whose mark was cleared is counted, and stays.
					if _, err := s.DropUncounted(ctx, "porch", v.ID); err != nil {
						t.Fatal(err)
					}
					if step == "DELETE #counting" {
						if n, last := cameraState(t, s, "porch"); n != 1 || !last.Equal(v.CapturedAt) {
							t.Fatalf("after drop of a counted record: clipCount %d, lastClipAt %v; want 1", n, last)
						}
						return
					}
					if n, last := cameraState(t, s, "porch"); n != 0 || !last.IsZero() {
						t.Fatalf("after drop: clipCount %d, lastClipAt %v; want 0 and none", n, last)
					}
				}
			})
		}
	}
}

// TestCountVideoWhenTheRecordGoesWhilePending: a DELETE that removes a
// record between ingest's increment and its clearing of the pending mark
// leaves the count as if the clip never arrived, whichever of the two
// takes the increment back.
func TestCountVideoWhenTheRecordGoesWhilePending(t *testing.T) {
	ddb, table := newTable(t)
	ctx := context.Background()
	s := store.New(ddb, table)
	keep := videoAt("porch", at(t, "2026-11-20T09:00:00Z"), 1)
	seed(t, s, keep)
	v := videoAt("porch", at(t, "2026-11-20T10:00:00Z"), 2)
	if created, err := s.PutVideo(ctx, v); err != nil || !created {
		t.Fatal(created, err)
	}
	// The record goes (pending, never counted) before ingest counts it.
	if _, err := s.DeleteVideo(ctx, "porch", v.ID, v.ExpiresAt); err != nil {
		t.Fatal(err)
	}
	if err := s.CountVideo(ctx, v, ""); err != nil {
		t.Fatal(err)
	}
	if n, last := cameraState(t, s, "porch"); n != 1 || !last.Equal(keep.CapturedAt) {
		t.Fatalf("clipCount %d, lastClipAt %v; want 1, %v", n, last, keep.CapturedAt)
	}
}

// getItem reads an item's whole image, as a stream's OLD_IMAGE carries it.
func getItem(t *testing.T, ddb *dynamodb.Client, table, pk, sk string) map[string]ddbtypes.AttributeValue {
	t.Helper()
	res, err := ddb.GetItem(context.Background(), &dynamodb.GetItemInput{TableName: aws.String(table), ConsistentRead: aws.Bool(true), Key: map[string]ddbtypes.AttributeValue{
		store.TableSchema.PartitionKey: &ddbtypes.AttributeValueMemberS{Value: pk},
		store.TableSchema.SortKey:      &ddbtypes.AttributeValueMemberS{Value: sk},
	}})
	if err != nil || res.Item == nil {
		t.Fatalf("GetItem %s/%s: %v, %v", pk, sk, res, err)
	}
	return res.Item
}

// expire deletes an item as TTL would and hands its old image to Expired.
func expire(t *testing.T, s *store.Store, ddb *dynamodb.Client, table, pk, sk string) bool {
	t.Helper()
	old := getItem(t, ddb, table, pk, sk)
	if _, err := ddb.DeleteItem(context.Background(), &dynamodb.DeleteItemInput{TableName: aws.String(table), Key: map[string]ddbtypes.AttributeValue{
		store.TableSchema.PartitionKey: old[store.TableSchema.PartitionKey], store.TableSchema.SortKey: old[store.TableSchema.SortKey],
	}}); err != nil {
		t.Fatal(err)
	}
	clipItem, err := s.Expired(context.Background(), old)
	if err != nil {
		t.Fatal(err)
	}
	return clipItem
}

// TestExpiredKeepsCountsTrue: as TTL removes a camera's clips, newest
// first or oldest first, its count and last clip follow the clips that
// remain; a pending record that was never counted, a tombstone and a
// camera item change nothing.
func TestExpiredKeepsCountsTrue(t *testing.T) {
	ddb, table := newTable(t)
	ctx := context.Background()
	s := store.New(ddb, table)
	var vs []clip.Video
	for i := range 3 {
		vs = append(vs, videoAt("porch", at(t, fmt.Sprintf("2026-11-2%dT10:00:00Z", i)), i))
	}
	seed(t, s, vs...)
	uncounted := videoAt("porch", at(t, "2026-11-23T10:00:00Z"), 9)
	if created, err := s.PutVideo(ctx, uncounted); err != nil || !created {
		t.Fatal(created, err)
	}
	gone := videoAt("porch", at(t, "2026-11-19T10:00:00Z"), 8)
	seed(t, s, gone)
	if _, err := s.DeleteVideo(ctx, "porch", gone.ID, gone.ExpiresAt); err != nil {
		t.Fatal(err)
	}
	if n, _ := cameraState(t, s, "porch"); n != 3 {
		t.Fatalf("clipCount %d, want 3", n)
	}
	if !expire(t, s, ddb, table, "CAM#porch", "VID#"+uncounted.ID) {
		t.Fatal("a clip record was not taken for one")
	}
	if expire(t, s, ddb, table, "CAM#porch", "DEL#"+gone.ID) {
		t.Fatal("a tombstone was taken for a clip")
	}
	if n, last := cameraState(t, s, "porch"); n != 3 || !last.Equal(vs[2].CapturedAt) {
		t.Fatalf("after an uncounted record and a tombstone expired: %d, %v", n, last)
	}
	// The newest expires first (a clip uploaded late, say): last clip
	// moves back to the newest one left.
	expire(t, s, ddb, table, "CAM#porch", "VID#"+vs[2].ID)
	if n, last := cameraState(t, s, "porch"); n != 2 || !last.Equal(vs[1].CapturedAt) {
		t.Fatalf("after the newest expired: clipCount %d, lastClipAt %v; want 2, %v", n, last, vs[1].CapturedAt)
	}
	expire(t, s, ddb, table, "CAM#porch", "VID#"+vs[0].ID)
	expire(t, s, ddb, table, "CAM#porch", "VID#"+vs[1].ID)
	if n, last := cameraState(t, s, "porch"); n != 0 || !last.IsZero() {
		t.Fatalf("after every clip expired: clipCount %d, lastClipAt %v", n, last)
	}
	if expire(t, s, ddb, table, "CAM#porch", "META") {
		t.Fatal("a camera item was taken for a clip")
	}
}
