package app_test

import (
	"context"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/camvault/camvault/videos-api/app"
	"github.com/camvault/camvault/videos-api/store"
)

// removeRecord deletes a clip's record and returns the stream record of
// that delete, made by TTL or (ttl false) by someone else.
func (e *env) removeRecord(camera, videoID string, ttl bool, seq string) events.DynamoDBEventRecord {
	e.t.Helper()
	res, err := e.ddb.DeleteItem(context.Background(), &dynamodb.DeleteItemInput{
		TableName: aws.String(e.table), ReturnValues: ddbtypes.ReturnValueAllOld,
		Key: map[string]ddbtypes.AttributeValue{
			store.TableSchema.PartitionKey: &ddbtypes.AttributeValueMemberS{Value: "CAM#" + camera},
			store.TableSchema.SortKey:      &ddbtypes.AttributeValueMemberS{Value: "VID#" + videoID},
		},
	})
	if err != nil || res.Attributes == nil {
		e.t.Fatalf("delete %s/%s: %v", camera, videoID, err)
	}
	old := map[string]events.DynamoDBAttributeValue{}
	for k, v := range res.Attributes {
		switch v := v.(type) {
		case *ddbtypes.AttributeValueMemberS:
			old[k] = events.NewStringAttribute(v.Value)
		case *ddbtypes.AttributeValueMemberN:
			old[k] = events.NewNumberAttribute(v.Value)
		case *ddbtypes.AttributeValueMemberBOOL:
			old[k] = events.NewBooleanAttribute(v.Value)
		}
	}
	rec := events.DynamoDBEventRecord{EventName: "REMOVE", Change: events.DynamoDBStreamRecord{OldImage: old, SequenceNumber: seq}}
	if ttl {
		rec.UserIdentity = &events.DynamoDBUserIdentity{Type: "Service", PrincipalID: app.TTLPrincipal}
	}
	return rec
}

func (e *env) clipCount(camera string) int64 {
	e.t.Helper()
	c, err := store.New(e.ddb, e.table).GetCamera(context.Background(), camera)
	if err != nil {
		e.t.Fatal(err)
	}
	return c.ClipCount
}

// TestExpireCountsOnlyTTLRemoves: a REMOVE made by TTL takes the clip off
// its camera; a REMOVE by anyone else (the API's DELETE counts itself), an
// INSERT or a MODIFY changes nothing; and the batch answers no failures.
func TestExpireCountsOnlyTTLRemoves(t *testing.T) {
	e := newEnv(t)
	a := e.upload("porch", "2026-11-25T10:00:00Z", 1, false)
	b := e.upload("porch", "2026-11-25T11:00:00Z", 2, false)
	e.upload("porch", "2026-11-25T12:00:00Z", 3, false)
	if n := e.clipCount("porch"); n != 3 {
		t.Fatalf("clipCount %d, want 3", n)
	}
	byUser := e.removeRecord("porch", a, false, "1")
	byTTL := e.removeRecord("porch", b, true, "2")
	insert := events.DynamoDBEventRecord{EventName: "INSERT", Change: events.DynamoDBStreamRecord{SequenceNumber: "3"}}
	resp, err := e.app.Expire(context.Background(), events.DynamoDBEvent{Records: []events.DynamoDBEventRecord{byUser, insert, byTTL}})
	if err != nil || len(resp.BatchItemFailures) != 0 {
		t.Fatalf("Expire = %+v, %v", resp, err)
	}
	if n := e.clipCount("porch"); n != 2 {
		t.Fatalf("clipCount %d after one TTL remove and one other remove, want 2", n)
	}
}
