package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/camvault/camvault/videos-api/clip"
)

// Kept clips. A kept clip's record carries kept=true and no TTL attribute,
// so DynamoDB's TTL never removes it. Beside it, a marker item in the one
// KEEP# partition (SK {videoId}#{cameraId}, newest first like the timeline)
// holds a copy of the record: the "kept" lists read that partition alone,
// never a Scan. The marker has no timeline keys and no TTL.
const (
	keepPK   = "KEEP#"
	attrKept = "kept"
)

func keepMarkerKey(cameraID, videoID string) map[string]ddbtypes.AttributeValue {
	return map[string]ddbtypes.AttributeValue{
		TableSchema.PartitionKey: str(keepPK),
		TableSchema.SortKey:      str(timelineSK(videoID, cameraID)),
	}
}

// Keep marks a clip kept: its record loses its expiry (so TTL spares it)
// and a marker puts it in the kept lists. It returns the updated record,
// or ErrNotFound when the clip has no record. Keeping a kept clip is a
// no-op that succeeds.
func (s *Store) Keep(ctx context.Context, cameraID, videoID string) (clip.Video, error) {
	res, err := s.ddb.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:                aws.String(s.table),
		Key:                      videoKey(cameraID, videoID),
		UpdateExpression:         aws.String("SET #kept = :t REMOVE #ttl"),
		ConditionExpression:      aws.String("attribute_exists(#pk)"),
		ExpressionAttributeNames: map[string]string{"#kept": attrKept, "#ttl": TableSchema.TTLAttribute, "#pk": TableSchema.PartitionKey},
		ExpressionAttributeValues: map[string]ddbtypes.AttributeValue{
			":t": &ddbtypes.AttributeValueMemberBOOL{Value: true},
		},
		ReturnValues: ddbtypes.ReturnValueAllNew,
	})
	var ccf *ddbtypes.ConditionalCheckFailedException
	switch {
	case errors.As(err, &ccf):
		return clip.Video{}, ErrNotFound
	case err != nil:
		return clip.Video{}, fmt.Errorf("store: keeping video %s/%s: %w", cameraID, videoID, err)
	}
	v, err := decodeVideo(res.Attributes)
	if err != nil {
		return clip.Video{}, err
	}
	marker := encodeVideo(v)
	for k, val := range keepMarkerKey(cameraID, videoID) {
		marker[k] = val
	}
	delete(marker, TableSchema.TimelinePartitionKey)
	delete(marker, TableSchema.TimelineSortKey)
	delete(marker, TableSchema.TTLAttribute)
	marker["type"] = str("kept")
	if _, err := s.ddb.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(s.table), Item: marker}); err != nil {
		return clip.Video{}, fmt.Errorf("store: listing kept video %s/%s: %w", cameraID, videoID, err)
	}
	// Its audience index entries lose their expiry with the record's.
	if err := s.IndexVideo(ctx, v); err != nil {
		return clip.Video{}, err
	}
	return v, nil
}

// Unkeep gives a clip back to retention: the marker goes first (so no kept
// list shows a clip that is no longer kept), then the record gets the
// expiry expires computes from it. It returns the updated record, or
// ErrNotFound. Un-keeping a clip that is not kept sets its expiry again
// and succeeds.
func (s *Store) Unkeep(ctx context.Context, cameraID, videoID string, expires func(clip.Video) time.Time) (clip.Video, error) {
	got, err := s.ddb.GetItem(ctx, &dynamodb.GetItemInput{
		TableName:      aws.String(s.table),
		Key:            videoKey(cameraID, videoID),
		ConsistentRead: aws.Bool(true),
	})
	if err != nil {
		return clip.Video{}, fmt.Errorf("store: getting video %s/%s: %w", cameraID, videoID, err)
	}
	if got.Item == nil {
		return clip.Video{}, ErrNotFound
	}
	v, err := decodeVideo(got.Item)
	if err != nil {
		return clip.Video{}, err
	}
	if err := s.dropKeepMarker(ctx, cameraID, videoID); err != nil {
		return clip.Video{}, err
	}
	exp := expires(v).UTC()
	res, err := s.ddb.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:                 aws.String(s.table),
		Key:                       videoKey(cameraID, videoID),
		UpdateExpression:          aws.String("SET #ttl = :exp REMOVE #kept"),
		ConditionExpression:       aws.String("attribute_exists(#pk)"),
		ExpressionAttributeNames:  map[string]string{"#kept": attrKept, "#ttl": TableSchema.TTLAttribute, "#pk": TableSchema.PartitionKey},
		ExpressionAttributeValues: map[string]ddbtypes.AttributeValue{":exp": num(exp.Unix())},
		ReturnValues:              ddbtypes.ReturnValueAllNew,
	})
	var ccf *ddbtypes.ConditionalCheckFailedException
	switch {
	case errors.As(err, &ccf):
		return clip.Video{}, ErrNotFound
	case err != nil:
		return clip.Video{}, fmt.Errorf("store: un-keeping video %s/%s: %w", cameraID, videoID, err)
	}
	v, err = decodeVideo(res.Attributes)
	if err != nil {
		return clip.Video{}, err
	}
	// Its audience index entries expire with the record again.
	if err := s.IndexVideo(ctx, v); err != nil {
		return clip.Video{}, err
	}
	return v, nil
}

func (s *Store) dropKeepMarker(ctx context.Context, cameraID, videoID string) error {
	_, err := s.ddb.DeleteItem(ctx, &dynamodb.DeleteItemInput{
		TableName: aws.String(s.table),
		Key:       keepMarkerKey(cameraID, videoID),
	})
	if err != nil {
		return fmt.Errorf("store: unlisting kept video %s/%s: %w", cameraID, videoID, err)
	}
	return nil
}

// KeptVideos returns a page of kept clips, newest first, from the KEEP#
// partition: of every camera when cameraIDs is nil, else of those cameras
// only. q's From, To, After and Limit apply as in the other lists.
func (s *Store) KeptVideos(ctx context.Context, cameraIDs []string, q Query) (Page, error) {
	if cameraIDs != nil && len(cameraIDs) == 0 {
		return Page{}, nil
	}
	lo, hi, ok := q.videoIDRange()
	if !ok {
		return Page{}, nil
	}
	in := &dynamodb.QueryInput{
		TableName:              aws.String(s.table),
		KeyConditionExpression: aws.String("#pk = :pk AND #sk BETWEEN :lo AND :hi"),
		ExpressionAttributeNames: map[string]string{
			"#pk": TableSchema.PartitionKey, "#sk": TableSchema.SortKey,
		},
		ExpressionAttributeValues: map[string]ddbtypes.AttributeValue{
			":pk": str(keepPK), ":lo": str(lo), ":hi": str(hi + "#~"),
		},
		ScanIndexForward: aws.Bool(false),
	}
	if cameraIDs != nil {
		filter := "cameraId IN ("
		for i, id := range cameraIDs {
			name := fmt.Sprintf(":c%d", i)
			if i > 0 {
				filter += ", "
			}
			filter += name
			in.ExpressionAttributeValues[name] = str(id)
		}
		in.FilterExpression = aws.String(filter + ")")
	}
	return s.page(ctx, in, q)
}

// IsKept reports whether a clip's record exists and is kept (a strongly
// consistent read).
func (s *Store) IsKept(ctx context.Context, cameraID, videoID string) (bool, error) {
	res, err := s.ddb.GetItem(ctx, &dynamodb.GetItemInput{
		TableName:      aws.String(s.table),
		Key:            videoKey(cameraID, videoID),
		ConsistentRead: aws.Bool(true),
	})
	if err != nil {
		return false, fmt.Errorf("store: getting video %s/%s: %w", cameraID, videoID, err)
	}
	b, ok := res.Item[attrKept].(*ddbtypes.AttributeValueMemberBOOL)
	return ok && b.Value, nil
}
