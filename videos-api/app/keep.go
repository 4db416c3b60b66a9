package app

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/camvault/camvault/videos-api/activity"
	"github.com/camvault/camvault/videos-api/clip"
	"github.com/camvault/camvault/videos-api/media"
	"github.com/camvault/camvault/videos-api/store"
)

// keep serves PUT and DELETE /cameras/{cameraId}/videos/{videoId}/keep:
// anyone who may see a clip may keep it past retention and give it back.
// Keeping only stops an expiry and is undone by un-keeping, so it needs no
// more than seeing the clip; deleting stays an admin's.
//
// Keeping tags the objects first, then marks the record: a failure in
// between leaves objects the lifecycle rule spares under a record that
// still expires (the clip goes with its record, the objects stay kept until
// someone keeps or un-keeps again), never a record said kept whose objects
// expire. Un-keeping works the other way round for the same reason.
func (a *App) keep(ctx context.Context, req events.APIGatewayProxyRequest, c Caller) (events.APIGatewayProxyResponse, error) {
	cam, id, e := pathIDs(req, true)
	if e != nil {
		return events.APIGatewayProxyResponse{}, e
	}
	if !c.Access.Allows(cam) {
		return events.APIGatewayProxyResponse{}, errForbidden
	}
	v, err := a.store.GetVideo(ctx, cam, id)
	if errors.Is(err, store.ErrNotFound) {
		return events.APIGatewayProxyResponse{}, notFound("video")
	}
	if err != nil {
		return events.APIGatewayProxyResponse{}, err
	}
	action := activity.ClipKeep
	if req.HTTPMethod == http.MethodDelete {
		action = activity.ClipUnkeep
	}
	ev := activity.NewEntry(a.now(), c.Email, action)
	ev.CameraID, ev.VideoID = cam, id
	if err := a.Record(ctx, ev); err != nil {
		return events.APIGatewayProxyResponse{}, err
	}
	switch req.HTTPMethod {
	case http.MethodPut:
		err := a.bucket.SetRetention(ctx, v.ObjectKey, clip.RetentionKept)
		if errors.Is(err, media.ErrNotFound) {
			// Retention (or a delete) already took the objects.
			return events.APIGatewayProxyResponse{}, notFound("video")
		}
		if err != nil {
			return events.APIGatewayProxyResponse{}, err
		}
		if v.ThumbnailKey != "" {
			if err := a.bucket.SetRetention(ctx, v.ThumbnailKey, clip.RetentionKept); err != nil && !errors.Is(err, media.ErrNotFound) {
				return events.APIGatewayProxyResponse{}, err
			}
		}
		if v, err = a.store.Keep(ctx, cam, id); errors.Is(err, store.ErrNotFound) {
			return events.APIGatewayProxyResponse{}, notFound("video")
		} else if err != nil {
			return events.APIGatewayProxyResponse{}, err
		}
		a.log.Info("kept clip", "audit", "keep", "email", c.Email, "camera", cam, "video", id)
	case http.MethodDelete:
		if v, err = a.store.Unkeep(ctx, cam, id, a.unkeptExpiry); errors.Is(err, store.ErrNotFound) {
			return events.APIGatewayProxyResponse{}, notFound("video")
		} else if err != nil {
			return events.APIGatewayProxyResponse{}, err
		}
		if err := a.retag(ctx, v, clip.RetentionStandard); err != nil {
			return events.APIGatewayProxyResponse{}, err
		}
		a.log.Info("un-kept clip", "audit", "unkeep", "email", c.Email, "camera", cam, "video", id, "expiresAt", formatTime(v.ExpiresAt))
	default:
		return events.APIGatewayProxyResponse{}, notFound("route")
	}
	return a.json(http.StatusOK, toVideoJSON(v)), nil
}

// unkeptExpiry is when an un-kept clip's record expires: when its
// retention would have ended, but no sooner than a day from now, so a clip
// kept past its window does not vanish from the lists the moment someone
// un-keeps it. Its objects, re-tagged standard, are removed by the bucket's
// lifecycle rule at its next daily run: the bucket refuses overwrites, so
// they cannot be renewed, and may go some hours before the record does.
func (a *App) unkeptExpiry(v clip.Video) time.Time {
	exp := v.CapturedAt.AddDate(0, 0, a.cfg.RetentionDays)
	if soonest := a.now().Add(24 * time.Hour); exp.Before(soonest) {
		exp = soonest
	}
	return exp.UTC()
}

// retag sets the retention tag of a clip's objects; objects already gone
// are not an error.
func (a *App) retag(ctx context.Context, v clip.Video, value string) error {
	for _, key := range []string{v.ObjectKey, v.ThumbnailKey} {
		if key == "" {
			continue
		}
		if err := a.bucket.SetRetention(ctx, key, value); err != nil && !errors.Is(err, media.ErrNotFound) {
			return err
		}
	}
	return nil
}

// releaseObjects gives a deleted kept clip's objects back to the lifecycle
// rule, best effort: the delete that follows normally removes them anyway.
func (a *App) releaseObjects(ctx context.Context, v clip.Video) {
	if err := a.retag(ctx, v, clip.RetentionStandard); err != nil {
		a.log.Warn("could not release a deleted kept clip's objects to retention", "camera", v.CameraID, "video", v.ID, "error", err)
	}
}

// keptScope is which cameras a caller's kept list reads: nil for all.
func keptScope(c Caller) []string {
	if c.Access.All {
		return nil
	}
	return c.Access.Cameras
}
