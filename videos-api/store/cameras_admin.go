package store

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/camvault/camvault/videos-api/clip"
)

// updateCamera applies an update to an existing, not removing, camera and
// returns it as it was before, or ErrNotFound.
func (s *Store) updateCamera(ctx context.Context, id, expr string, values map[string]ddbtypes.AttributeValue) (clip.Camera, error) {
	names := map[string]string{"#pk": TableSchema.PartitionKey, "#rm": "removing"}
	for _, n := range []string{"name", "disabled"} {
		if strings.Contains(expr, "#"+n) {
			names["#"+n] = n
		}
	}
	res, err := s.ddb.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:                 aws.String(s.table),
		Key:                       cameraKey(id),
		UpdateExpression:          aws.String(expr),
		ConditionExpression:       aws.String("attribute_exists(#pk) AND (attribute_not_exists(#rm) OR #rm = :false)"),
		ExpressionAttributeNames:  names,
		ExpressionAttributeValues: values,
		ReturnValues:              ddbtypes.ReturnValueAllOld,
	})
	var ccf *ddbtypes.ConditionalCheckFailedException
	switch {
	case errors.As(err, &ccf):
		return clip.Camera{}, ErrNotFound
	case err != nil:
		return clip.Camera{}, fmt.Errorf("store: updating camera %s: %w", id, err)
	}
	return decodeCamera(res.Attributes)
}

// RenameCamera sets a camera's display name (kept over any name a later
// upload's metadata carries) and returns the camera as it was.
func (s *Store) RenameCamera(ctx context.Context, id, name string) (clip.Camera, error) {
	return s.updateCamera(ctx, id, "SET #name = :name", map[string]ddbtypes.AttributeValue{
		":name": str(name), ":false": &ddbtypes.AttributeValueMemberBOOL{Value: false},
	})
}

// SetCameraDisabled refuses (or accepts again) a camera's uploads and
// returns the camera as it was.
func (s *Store) SetCameraDisabled(ctx context.Context, id string, disabled bool) (clip.Camera, error) {
	return s.updateCamera(ctx, id, "SET #disabled = :d", map[string]ddbtypes.AttributeValue{
		":d": &ddbtypes.AttributeValueMemberBOOL{Value: disabled}, ":false": &ddbtypes.AttributeValueMemberBOOL{Value: false},
	})
}

// CameraRefusesUploads reports whether a camera's uploads must be refused:
// it is disabled or being removed. A camera with no record yet accepts.
func (s *Store) CameraRefusesUploads(ctx context.Context, id string) (bool, error) {
	res, err := s.ddb.GetItem(ctx, &dynamodb.GetItemInput{
		TableName:                aws.String(s.table),
		Key:                      cameraKey(id),
		ConsistentRead:           aws.Bool(true),
		ProjectionExpression:     aws.String("disabled, removing"),
		ExpressionAttributeNames: nil,
	})
	if err != nil {
		return false, fmt.Errorf("store: getting camera %s: %w", id, err)
	}
	return getBool(res.Item, "disabled") || getBool(res.Item, "removing"), nil
}

// RemovalBatch is how many of a camera's items one RemoveCameraStep
// deletes (BatchWriteItem's limit).
const RemovalBatch = 25

// StartCameraRemoval marks a camera as being removed. It reports whether
// this call started it (false: it was already under way) and returns the
// camera as it was, or ErrNotFound.
func (s *Store) StartCameraRemoval(ctx context.Context, id string) (clip.Camera, bool, error) {
	res, err := s.ddb.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:                 aws.String(s.table),
		Key:                       cameraKey(id),
		UpdateExpression:          aws.String("SET #rm = :true"),
		ConditionExpression:       aws.String("attribute_exists(#pk)"),
		ExpressionAttributeNames:  map[string]string{"#pk": TableSchema.PartitionKey, "#rm": "removing"},
		ExpressionAttributeValues: map[string]ddbtypes.AttributeValue{":true": &ddbtypes.AttributeValueMemberBOOL{Value: true}},
		ReturnValues:              ddbtypes.ReturnValueAllOld,
	})
	var ccf *ddbtypes.ConditionalCheckFailedException
	switch {
	case errors.As(err, &ccf):
		return clip.Camera{}, false, ErrNotFound
	case err != nil:
		return clip.Camera{}, false, fmt.Errorf("store: starting removal of camera %s: %w", id, err)
	}
	c, err := decodeCamera(res.Attributes)
	return c, !c.Removing, err
}

// RemoveCameraStep deletes the next batch of a camera's clip records (and
// tombstones), and returns the clips it deleted, so their objects can go
// too. When nothing but the camera's own record is left it deletes that
// as well and reports done. Each step is safe to repeat or to resume after
// a failure: it only ever deletes what is still there.
func (s *Store) RemoveCameraStep(ctx context.Context, id string) (removed []clip.Video, done bool, err error) {
	res, err := s.ddb.Query(ctx, &dynamodb.QueryInput{
		TableName:                aws.String(s.table),
		KeyConditionExpression:   aws.String("#pk = :pk"),
		ExpressionAttributeNames: map[string]string{"#pk": TableSchema.PartitionKey},
		ExpressionAttributeValues: map[string]ddbtypes.AttributeValue{
			":pk": str(cameraPK(id)),
		},
		ConsistentRead: aws.Bool(true),
		Limit:          aws.Int32(RemovalBatch + 1),
	})
	if err != nil {
		return nil, false, fmt.Errorf("store: listing items of camera %s: %w", id, err)
	}
	var deletes []ddbtypes.WriteRequest
	for _, item := range res.Items {
		sk := StringAttr(item, TableSchema.SortKey)
		if sk == metaSK || len(deletes) == RemovalBatch {
			continue
		}
		if strings.HasPrefix(sk, videoPrefix) {
			if v, err := decodeVideo(item); err == nil {
				removed = append(removed, v)
				if v.Kept {
					// Off the kept lists with the record (keep.go).
					if err := s.dropKeepMarker(ctx, id, v.ID); err != nil {
						return nil, false, err
					}
				}
			}
		}
		deletes = append(deletes, ddbtypes.WriteRequest{DeleteRequest: &ddbtypes.DeleteRequest{Key: map[string]ddbtypes.AttributeValue{
			TableSchema.PartitionKey: item[TableSchema.PartitionKey], TableSchema.SortKey: item[TableSchema.SortKey],
		}}})
	}
	if len(deletes) == 0 {
		_, err := s.ddb.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: aws.String(s.table), Key: cameraKey(id)})
		if err != nil {
			return nil, false, fmt.Errorf("store: deleting camera %s: %w", id, err)
		}
		return nil, true, nil
	}
	// Off the audience indexes before the records go: a step that fails
	// between the two is repeated, and reads the records again.
	if err := s.unindexVideos(ctx, removed); err != nil {
		return nil, false, fmt.Errorf("store: removing clips of camera %s: %w", id, err)
	}
	pending := map[string][]ddbtypes.WriteRequest{s.table: deletes}
	for attempt := 0; len(pending) > 0; attempt++ {
		if attempt == 5 {
			return nil, false, fmt.Errorf("store: removing clips of camera %s: batch not fully processed", id)
		}
		out, err := s.ddb.BatchWriteItem(ctx, &dynamodb.BatchWriteItemInput{RequestItems: pending})
		if err != nil {
			return nil, false, fmt.Errorf("store: removing clips of camera %s: %w", id, err)
		}
		pending = out.UnprocessedItems
	}
	_, err = s.ddb.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:                 aws.String(s.table),
		Key:                       cameraKey(id),
		UpdateExpression:          aws.String("ADD removedClips :n"),
		ConditionExpression:       aws.String("attribute_exists(#pk)"),
		ExpressionAttributeNames:  map[string]string{"#pk": TableSchema.PartitionKey},
		ExpressionAttributeValues: map[string]ddbtypes.AttributeValue{":n": num(int64(len(removed)))},
	})
	if err := ignoreConditionFailed(err); err != nil {
		return removed, false, fmt.Errorf("store: counting removed clips of camera %s: %w", id, err)
	}
	return removed, false, nil
}
