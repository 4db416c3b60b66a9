package store

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/camvault/camvault/videos-api/activity"
	"github.com/camvault/camvault/videos-api/clip"
)

// The activity trail lives in the clips table, one partition per UTC
// month (PK AUDIT#{yyyy-mm}, SK the entry's time-ordered id), so a page
// newest first is a Query per month it spans: at most 13 for a year.
const (
	auditPrefix = "AUDIT#"
	monthLayout = "2006-01"
)

func auditPK(t time.Time) string { return auditPrefix + t.UTC().Format(monthLayout) }

// PutActivity records an entry, kept until expires (TTL). Entries are
// written once: a second write of the same id is refused.
func (s *Store) PutActivity(ctx context.Context, e activity.Entry, expires time.Time) error {
	item := map[string]ddbtypes.AttributeValue{
		TableSchema.PartitionKey: str(auditPK(e.At)),
		TableSchema.SortKey:      str(e.ID),
		"type":                   str("activity"),
		"at":                     str(e.At.UTC().Format(timeLayout)),
		"actor":                  str(e.Actor),
		"action":                 str(string(e.Action)),
		TableSchema.TTLAttribute: num(expires.Unix()),
	}
	for name, v := range map[string]string{"subject": e.Subject, "cameraId": e.CameraID, "videoId": e.VideoID, "before": e.Before, "after": e.After} {
		if v != "" {
			item[name] = str(v)
		}
	}
	err := s.putNew(ctx, item)
	if err != nil {
		return fmt.Errorf("store: recording activity %s: %w", e.Action, err)
	}
	return nil
}

// ActivityQuery selects entries of the trail.
type ActivityQuery struct {
	// From and To bound the time (inclusive); both required, From <= To.
	From, To time.Time
	// Actor and CameraID keep only entries by that person or about that
	// camera, when set.
	Actor, CameraID string
	// Cameras, when not All, keeps only entries about those cameras (a
	// restricted admin's view).
	Cameras clip.Access
	// Before continues after the entry with this id (exclusive), newest
	// first; "" for the first page.
	Before string
	// Limit is the page size.
	Limit int
}

// Activity returns a page of entries newest first, and whether more
// follow.
func (s *Store) Activity(ctx context.Context, q ActivityQuery) ([]activity.Entry, bool, error) {
	hi := clip.MaxVideoID(q.To)
	if q.Before != "" && q.Before < hi {
		hi = q.Before
	}
	lo := clip.MinVideoID(q.From)
	var out []activity.Entry
	first := time.Date(q.From.Year(), q.From.Month(), 1, 0, 0, 0, 0, time.UTC)
	for m := time.Date(q.To.Year(), q.To.Month(), 1, 0, 0, 0, 0, time.UTC); !m.Before(first); m = m.AddDate(0, -1, 0) {
		in := &dynamodb.QueryInput{
			TableName:              aws.String(s.table),
			KeyConditionExpression: aws.String("#pk = :pk AND #sk BETWEEN :lo AND :hi"),
			ExpressionAttributeNames: map[string]string{
				"#pk": TableSchema.PartitionKey, "#sk": TableSchema.SortKey,
			},
			ExpressionAttributeValues: map[string]ddbtypes.AttributeValue{
				":pk": str(auditPK(m)), ":lo": str(lo), ":hi": str(hi),
			},
			ScanIndexForward:       aws.Bool(false),
			ReturnConsumedCapacity: ddbtypes.ReturnConsumedCapacityTotal,
		}
		var filters []string
		if q.Actor != "" {
			filters = append(filters, "actor = :actor")
			in.ExpressionAttributeValues[":actor"] = str(q.Actor)
		}
		if q.CameraID != "" {
			filters = append(filters, "cameraId = :cam")
			in.ExpressionAttributeValues[":cam"] = str(q.CameraID)
		}
		if len(filters) > 0 {
			in.FilterExpression = aws.String(joinAnd(filters))
		}
		for {
			res, err := s.ddb.Query(ctx, in)
			if err != nil {
				return nil, false, fmt.Errorf("store: reading activity: %w", err)
			}
			meterAdd(ctx, res.ConsumedCapacity)
			for _, item := range res.Items {
				e := decodeActivity(item)
				if e.SK == hi {
					continue // BETWEEN is inclusive; the cursor's entry was on the last page
				}
				if !q.Cameras.All && !q.Cameras.Allows(e.CameraID) {
					continue
				}
				out = append(out, e.Entry)
				if len(out) > q.Limit {
					return out[:q.Limit], true, nil
				}
			}
			if len(res.LastEvaluatedKey) == 0 {
				break
			}
			in.ExclusiveStartKey = res.LastEvaluatedKey
		}
	}
	return out, false, nil
}

func joinAnd(parts []string) string {
	s := parts[0]
	for _, p := range parts[1:] {
		s += " AND " + p
	}
	return s
}

type activityItem struct {
	activity.Entry
	SK string
}

func decodeActivity(item map[string]ddbtypes.AttributeValue) activityItem {
	e := activity.Entry{
		ID: StringAttr(item, TableSchema.SortKey), Actor: StringAttr(item, "actor"), Action: activity.Action(StringAttr(item, "action")),
		Subject: StringAttr(item, "subject"), CameraID: StringAttr(item, "cameraId"), VideoID: StringAttr(item, "videoId"),
		Before: StringAttr(item, "before"), After: StringAttr(item, "after"),
	}
	if t, err := time.Parse(time.RFC3339Nano, StringAttr(item, "at")); err == nil {
		e.At = t.UTC()
	}
	return activityItem{Entry: e, SK: e.ID}
}
