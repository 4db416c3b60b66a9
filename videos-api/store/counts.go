package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/camvault/camvault/videos-api/clip"
)

// attrCounting is the camera item's string set of the clips whose count
// increment is done but whose record still carries the pending mark. It
// makes counting idempotent without transactions (dynalite has none): the
// increment and the set insert are one conditional update, and whoever
// removes a still-pending record takes the increment back only if its id
// is in the set, in one conditional update too. The set holds only clips
// between those two writes, so it stays a handful of ids.
const attrCounting = "countingIds"

// CountVideo adds a recorded clip to its camera, exactly once however
// often it is called (redeliveries, retries after a crash at any step):
//
//  1. one conditional update of the camera item creates it on the first
//     clip (name defaults to the id), adds one to clipCount and puts the
//     clip's id in countingIds, unless the id is already there (an earlier
//     attempt did this step);
//  2. moves the camera's last clip time forward (only forward);
//  3. clears the clip's pending mark; if the record is gone meanwhile (a
//     DELETE or TTL took it while pending), takes the increment back
//     instead, unless the remover already did (see uncount);
//  4. removes the id from countingIds.
//
// Call it only after PutVideo created the record or CountPending said so.
func (s *Store) CountVideo(ctx context.Context, v clip.Video, cameraName string) error {
	if cameraName == "" {
		cameraName = v.CameraID
	}
	_, err := s.ddb.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:           aws.String(s.table),
		Key:                 cameraKey(v.CameraID),
		UpdateExpression:    aws.String("SET #type = :type, cameraId = :id, #name = if_not_exists(#name, :name), #gpk = :gpk, #gsk = :id ADD clipCount :one, #counting :ids"),
		ConditionExpression: aws.String("attribute_not_exists(#counting) OR NOT contains(#counting, :vid)"),
		ExpressionAttributeNames: map[string]string{
			"#type": "type", "#name": "name", "#counting": attrCounting,
			"#gpk": TableSchema.TimelinePartitionKey, "#gsk": TableSchema.TimelineSortKey,
		},
		ExpressionAttributeValues: map[string]ddbtypes.AttributeValue{
			":type": str("camera"), ":id": str(v.CameraID), ":name": str(cameraName),
			":gpk": str(camerasGSI1PK), ":one": num(1),
			":ids": &ddbtypes.AttributeValueMemberSS{Value: []string{v.ID}}, ":vid": str(v.ID),
		},
	})
	if err := ignoreConditionFailed(err); err != nil {
		return fmt.Errorf("store: counting video %s/%s: %w", v.CameraID, v.ID, err)
	}
	at := str(v.CapturedAt.UTC().Format(timeLayout))
	_, err = s.ddb.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:                 aws.String(s.table),
		Key:                       cameraKey(v.CameraID),
		UpdateExpression:          aws.String("SET lastClipAt = :at, lastClipId = :vid"),
		ConditionExpression:       aws.String("attribute_not_exists(lastClipId) OR lastClipId < :vid"),
		ExpressionAttributeValues: map[string]ddbtypes.AttributeValue{":at": at, ":vid": str(v.ID)},
	})
	if err := ignoreConditionFailed(err); err != nil {
		return fmt.Errorf("store: moving last clip time of %s: %w", v.CameraID, err)
	}
	_, err = s.ddb.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:                aws.String(s.table),
		Key:                      videoKey(v.CameraID, v.ID),
		UpdateExpression:         aws.String("REMOVE " + attrCountState),
		ConditionExpression:      aws.String("attribute_exists(#pk)"),
		ExpressionAttributeNames: map[string]string{"#pk": TableSchema.PartitionKey},
	})
	if err != nil && ignoreConditionFailed(err) == nil {
		// The record went while pending: its remover took the increment
		// back if it saw it; otherwise this does.
		if err := s.uncount(ctx, v, true); err != nil {
			return err
		}
		return s.rewindLastClip(ctx, v)
	}
	if err != nil {
		return fmt.Errorf("store: marking video %s/%s counted: %w", v.CameraID, v.ID, err)
	}
	return s.settle(ctx, v.CameraID, v.ID)
}

// settle removes a counted clip's id from its camera's countingIds (step 4
// of CountVideo). An id left there by a crash before this step is harmless
// (the count is right) and goes when the record is removed: uncount
// deletes it from the set in the same update.
func (s *Store) settle(ctx context.Context, cameraID, videoID string) error {
	_, err := s.ddb.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:                 aws.String(s.table),
		Key:                       cameraKey(cameraID),
		UpdateExpression:          aws.String("DELETE #counting :ids"),
		ConditionExpression:       aws.String("contains(#counting, :vid)"),
		ExpressionAttributeNames:  map[string]string{"#counting": attrCounting},
		ExpressionAttributeValues: map[string]ddbtypes.AttributeValue{":ids": &ddbtypes.AttributeValueMemberSS{Value: []string{videoID}}, ":vid": str(videoID)},
	})
	if err := ignoreConditionFailed(err); err != nil {
		return fmt.Errorf("store: settling count of %s/%s: %w", cameraID, videoID, err)
	}
	return nil
}

// uncount takes a removed clip record off its camera's count, in one
// conditional update. A record that was counted (no pending mark) is
// always in the count. A pending one is in it only if CountVideo's first
// step ran, which put its id in countingIds: then the decrement removes
// the id in the same update, so of this and CountVideo's own undo exactly
// one takes it back.
func (s *Store) uncount(ctx context.Context, v clip.Video, pending bool) error {
	cond := "clipCount > :zero"
	values := map[string]ddbtypes.AttributeValue{
		":minus": num(-1), ":ids": &ddbtypes.AttributeValueMemberSS{Value: []string{v.ID}},
	}
	if pending {
		cond = "contains(#counting, :vid)"
		values[":vid"] = str(v.ID)
	} else {
		values[":zero"] = num(0)
	}
	_, err := s.ddb.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:                 aws.String(s.table),
		Key:                       cameraKey(v.CameraID),
		UpdateExpression:          aws.String("ADD clipCount :minus DELETE #counting :ids"),
		ConditionExpression:       aws.String(cond),
		ExpressionAttributeNames:  map[string]string{"#counting": attrCounting},
		ExpressionAttributeValues: values,
	})
	if err := ignoreConditionFailed(err); err != nil {
		return fmt.Errorf("store: uncounting video %s/%s: %w", v.CameraID, v.ID, err)
	}
	return nil
}

// Expired takes a clip record that DynamoDB's TTL deleted off its camera:
// its old image (from the table's stream) says whether it was still
// pending. It moves the camera's last clip back first (idempotent), then
// takes the count back in one conditional update, so a retried record
// repeats only the idempotent step unless that last write's answer was
// lost. Items other than clip records (camera items, tombstones, other
// features' items) are ignored: it reports whether old was a clip.
func (s *Store) Expired(ctx context.Context, old map[string]ddbtypes.AttributeValue) (bool, error) {
	pk, sk := StringAttr(old, TableSchema.PartitionKey), StringAttr(old, TableSchema.SortKey)
	if !strings.HasPrefix(pk, cameraPrefix) || !strings.HasPrefix(sk, videoPrefix) || len(sk) == len(videoPrefix) {
		return false, nil
	}
	v, err := decodeVideo(old)
	if err != nil {
		return false, err
	}
	if err := s.rewindLastClip(ctx, v); err != nil {
		return true, err
	}
	return true, s.uncount(ctx, v, pending(old))
}

// pending reports whether a clip item still carries the pending mark.
func pending(item map[string]ddbtypes.AttributeValue) bool {
	_, ok := item[attrCountState]
	return ok
}
