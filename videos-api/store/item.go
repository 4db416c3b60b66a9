package store

import (
	"fmt"
	"strconv"
	"time"

	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/camvault/camvault/videos-api/clip"
)

// EncodeVideo returns the item a clip is stored as (without the pending
// count mark). Seeders use it with BatchWriteItem.
func EncodeVideo(v clip.Video) map[string]ddbtypes.AttributeValue { return encodeVideo(v) }

func encodeVideo(v clip.Video) map[string]ddbtypes.AttributeValue {
	item := videoKey(v.CameraID, v.ID)
	item["type"] = str("video")
	item["cameraId"] = str(v.CameraID)
	item["videoId"] = str(v.ID)
	item["capturedAt"] = str(v.CapturedAt.UTC().Format(timeLayout))
	item["size"] = num(v.Size)
	item["contentType"] = str(v.ContentType)
	item["objectKey"] = str(v.ObjectKey)
	if !v.ExpiresAt.IsZero() {
		item[TableSchema.TTLAttribute] = num(v.ExpiresAt.Unix())
	}
	if v.Kept {
		item[attrKept] = &ddbtypes.AttributeValueMemberBOOL{Value: true}
	}
	item[TableSchema.TimelinePartitionKey] = str(timelinePK)
	item[TableSchema.TimelineSortKey] = str(timelineSK(v.ID, v.CameraID))
	if v.DurationSeconds > 0 {
		item["durationSeconds"] = &ddbtypes.AttributeValueMemberN{Value: strconv.FormatFloat(v.DurationSeconds, 'f', -1, 64)}
	}
	if v.ThumbnailKey != "" {
		item["thumbnailKey"] = str(v.ThumbnailKey)
	}
	if v.SHA256 != "" {
		item["sha256"] = str(v.SHA256)
	}
	return item
}

func decodeVideo(item map[string]ddbtypes.AttributeValue) (clip.Video, error) {
	var v clip.Video
	var err error
	v.ID = StringAttr(item, "videoId")
	v.CameraID = StringAttr(item, "cameraId")
	v.ContentType = StringAttr(item, "contentType")
	v.ObjectKey = StringAttr(item, "objectKey")
	v.ThumbnailKey = StringAttr(item, "thumbnailKey")
	v.SHA256 = StringAttr(item, "sha256")
	if v.CapturedAt, err = time.Parse(time.RFC3339Nano, StringAttr(item, "capturedAt")); err != nil {
		return clip.Video{}, fmt.Errorf("store: video item %s/%s: capturedAt: %w", v.CameraID, v.ID, err)
	}
	v.CapturedAt = v.CapturedAt.UTC()
	v.Size, _ = strconv.ParseInt(NumberAttr(item, "size"), 10, 64)
	v.DurationSeconds, _ = strconv.ParseFloat(NumberAttr(item, "durationSeconds"), 64)
	if exp, err := strconv.ParseInt(NumberAttr(item, TableSchema.TTLAttribute), 10, 64); err == nil {
		v.ExpiresAt = time.Unix(exp, 0).UTC()
	}
	if b, ok := item[attrKept].(*ddbtypes.AttributeValueMemberBOOL); ok && b.Value {
		v.Kept = true
	}
	if v.ID == "" || v.CameraID == "" {
		return clip.Video{}, fmt.Errorf("store: video item without ids")
	}
	return v, nil
}

func decodeCamera(item map[string]ddbtypes.AttributeValue) (clip.Camera, error) {
	c := clip.Camera{ID: StringAttr(item, "cameraId"), Name: StringAttr(item, "name")}
	if c.ID == "" {
		return clip.Camera{}, fmt.Errorf("store: camera item without id")
	}
	if s := StringAttr(item, "lastClipAt"); s != "" {
		t, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			return clip.Camera{}, fmt.Errorf("store: camera item %s: lastClipAt: %w", c.ID, err)
		}
		c.LastClipAt = t.UTC()
	}
	c.ClipCount, _ = strconv.ParseInt(NumberAttr(item, "clipCount"), 10, 64)
	c.Disabled = getBool(item, "disabled")
	c.Removing = getBool(item, "removing")
	c.RemovedClips, _ = strconv.ParseInt(NumberAttr(item, "removedClips"), 10, 64)
	return c, nil
}

// StringAttr returns item's string attribute called name, or "" when it
// is absent or not a string: the reader of every package that decodes
// items of the clips table.
func StringAttr(item map[string]ddbtypes.AttributeValue, name string) string {
	if v, ok := item[name].(*ddbtypes.AttributeValueMemberS); ok {
		return v.Value
	}
	return ""
}

// NumberAttr returns item's number attribute called name as DynamoDB
// wrote it, or "" when it is absent or not a number.
func NumberAttr(item map[string]ddbtypes.AttributeValue, name string) string {
	if v, ok := item[name].(*ddbtypes.AttributeValueMemberN); ok {
		return v.Value
	}
	return ""
}

func getBool(item map[string]ddbtypes.AttributeValue, name string) bool {
	v, ok := item[name].(*ddbtypes.AttributeValueMemberBOOL)
	return ok && v.Value
}
