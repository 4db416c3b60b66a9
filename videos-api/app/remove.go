package app

import (
	"context"
	"fmt"
	"strconv"

	"github.com/camvault/camvault/videos-api/activity"
	"github.com/camvault/camvault/videos-api/clip"
)

// removeClip deletes one clip for actor, as DELETE of a clip and bulk jobs
// do: the tombstone and the record first (store.DeleteVideo; none:
// store.ErrNotFound), a kept clip's objects given back to the lifecycle
// rule, the activity trail's entry, then the objects. Only a failure before
// the record is gone is an error: after it, the clip is deleted and what is
// left (a camera summary, a trail entry, objects the lifecycle rule removes)
// is logged.
func (a *App) removeClip(ctx context.Context, actor, cam, id string) (clip.Video, error) {
	v, err := a.store.DeleteVideo(ctx, cam, id, a.tombstoneUntil())
	if err != nil && v.ID == "" {
		return clip.Video{}, err
	}
	if err != nil {
		// The record is gone; only the camera's count or last clip time
		// could not be updated.
		a.log.Error("deleted video but not its camera summary", "camera", cam, "video", id, "error", err)
	}
	if v.Kept {
		// Objects the delete below fails to remove must not stay kept
		// forever: give them back to the lifecycle rule first.
		a.releaseObjects(ctx, v)
	}
	rec := activity.NewEntry(a.now(), actor, activity.ClipDelete)
	rec.CameraID, rec.VideoID, rec.Before = cam, id, asJSON(toVideoJSON(v))
	if err := a.Record(ctx, rec); err != nil {
		// The clip is gone already: say so in the log rather than fail a
		// delete that happened.
		a.log.Error("deleted video but could not record it in the activity trail", "camera", cam, "video", id, "error", err)
	}
	keys := []string{v.ObjectKey, v.ThumbnailKey}
	if k, perr := clip.ParseObjectKey(v.ObjectKey); perr == nil {
		keys = append(keys, k.ThumbnailKey) // a thumbnail that arrived but was never linked
	}
	if err := a.deleteObjects(ctx, keys); err != nil {
		a.log.Error("deleted video record but not all its objects; lifecycle will remove them",
			"camera", cam, "video", id, "keys", strconv.Quote(fmt.Sprint(keys)), "error", err)
	}
	return v, nil
}
