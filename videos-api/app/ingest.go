package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/aws/aws-lambda-go/events"

	"github.com/camvault/camvault/videos-api/clip"
	"github.com/camvault/camvault/videos-api/media"
	"github.com/camvault/camvault/videos-api/store"
)

// Object metadata a camera may set (x-amz-meta-*).
const (
	metaCapturedAt = "captured-at"
	metaDuration   = "duration-seconds"
	metaCameraName = "camera-name"
)

// Ingest records the clips of an S3 ObjectCreated event. Keys outside the
// clip layout, other buckets and objects deleted since are logged and
// skipped. It returns an error only for failures worth a retry (storage
// unavailable); every step is idempotent, so a redelivered event leaves one
// record and one count increment.
func (a *App) Ingest(ctx context.Context, ev events.S3Event) (err error) {
	defer func() {
		// A panic must not take the runtime down: report it, so the event
		// is retried (and, if it keeps failing, sent to the failure queue).
		if p := recover(); p != nil {
			a.log.Error("panic ingesting event", "panic", fmt.Sprint(p))
			err = fmt.Errorf("app: ingest: panic: %v", p)
		}
	}()
	var errs []error
	for _, rec := range ev.Records {
		if err := a.ingestRecord(ctx, rec); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

func (a *App) ingestRecord(ctx context.Context, rec events.S3EventRecord) error {
	log := a.log.With("event", rec.EventName, "bucket", rec.S3.Bucket.Name)
	if !strings.HasPrefix(rec.EventName, "ObjectCreated:") {
		log.Info("skipped: not an ObjectCreated event")
		return nil
	}
	if rec.S3.Bucket.Name != a.cfg.BucketName {
		log.Warn("skipped: not the clips bucket")
		return nil
	}
	// Keys arrive URL-encoded, with + for space.
	key, err := url.QueryUnescape(rec.S3.Object.Key)
	if err != nil {
		log.Warn("skipped: key is not URL-encoded", "rawKey", rec.S3.Object.Key)
		return nil
	}
	refusals := log
	log = log.With("key", key)
	k, err := clip.ParseObjectKey(key)
	if err != nil {
		return a.refuse(ctx, refusals, key, reasonMalformedKey, "error", err)
	}
	uploaded := rec.EventTime
	if uploaded.IsZero() {
		uploaded = a.now()
	}
	if reason := a.admissible(k, uploaded); reason != "" {
		return a.refuse(ctx, refusals, key, reason, "capturedAt", k.CapturedAt)
	}
	log = log.With("camera", k.CameraID, "video", k.VideoID)
	if k.Kind == clip.KindThumbnail {
		return a.linkThumbnail(ctx, log, refusals, k)
	}
	return a.ingestClip(ctx, log, refusals, k, uploaded)
}

// linkThumbnail links a thumbnail to its clip's record. A thumbnail that
// arrives before its clip is linked when the clip is ingested.
func (a *App) linkThumbnail(ctx context.Context, log, refusals *slog.Logger, k clip.ObjectKey) error {
	err := a.store.SetThumbnail(ctx, k.CameraID, k.VideoID, k.ThumbnailKey)
	switch {
	case errors.Is(err, store.ErrNotFound):
		log.Info("thumbnail before its clip: linked when the clip arrives")
		return a.tagRetention(ctx, k, k.ThumbnailKey, true)
	case errors.Is(err, store.ErrThumbnailLinked):
		return a.refuse(ctx, refusals, k.ThumbnailKey, reasonThumbnailLinked)
	case err != nil:
		return fmt.Errorf("app: ingest %s: %w", k.ThumbnailKey, err)
	}
	if err := a.tagRetention(ctx, k, k.ThumbnailKey, false); err != nil {
		return err
	}
	log.Info("linked thumbnail")
	return nil
}

func (a *App) ingestClip(ctx context.Context, log, refusals *slog.Logger, k clip.ObjectKey, uploaded time.Time) error {
	obj, err := a.bucket.Head(ctx, k.ClipKey)
	if errors.Is(err, media.ErrNotFound) {
		log.Info("skipped: clip deleted since the event")
		return nil
	}
	if err != nil {
		return fmt.Errorf("app: ingest %s: %w", k.ClipKey, err)
	}
	v := clip.Video{
		ID: k.VideoID, CameraID: k.CameraID, CapturedAt: k.CapturedAt,
		Size: obj.Size, ContentType: obj.ContentType, ObjectKey: k.ClipKey, SHA256: obj.SHA256,
	}
	if v.ContentType == "" {
		v.ContentType = "video/mp4"
	}
	if s := obj.Metadata[metaDuration]; s != "" {
		if d, err := strconv.ParseFloat(s, 64); err == nil && d > 0 && d < 24*3600 {
			v.DurationSeconds = d
		} else {
			log.Warn("ignored bad duration-seconds metadata")
		}
	}
	if s := obj.Metadata[metaCapturedAt]; s != "" {
		// The key fixes the clip's id and order; metadata that disagrees
		// with it is noted, not obeyed.
		if t, err := time.Parse(time.RFC3339Nano, s); err != nil || !t.Truncate(time.Second).Equal(k.CapturedAt.Truncate(time.Second)) {
			log.Warn("captured-at metadata disagrees with the key; the key wins")
		}
	}
	v.ExpiresAt = a.expiresAt(uploaded)

	// A clip deleted since its upload keeps a tombstone as long as its
	// objects may outlive the delete (an S3 step that failed): a late or
	// redelivered event must not bring it back.
	if skip, err := a.tombstoned(ctx, log, k); err != nil || skip {
		return err
	}
	if refuse, err := a.refusedCamera(ctx, log, k); err != nil || refuse {
		return err
	}
	created, err := a.store.PutVideo(ctx, v)
	if err != nil {
		return fmt.Errorf("app: ingest %s: %w", k.ClipKey, err)
	}
	if created {
		// A DELETE may have written its tombstone and removed the record
		// between the check above and the put: look again before counting,
		// and take the record back if so.
		if skip, err := a.tombstoned(ctx, log, k); err != nil || skip {
			return err
		}
	}
	if err := a.indexClip(ctx, v); err != nil {
		return err
	}
	count := created
	if !created {
		// A redelivery: count it only if the first delivery did not.
		if count, err = a.store.CountPending(ctx, k.CameraID, k.VideoID); err != nil {
			return fmt.Errorf("app: ingest %s: %w", k.ClipKey, err)
		}
	}
	if count {
		if err := a.store.CountVideo(ctx, v, cameraName(obj.Metadata[metaCameraName])); err != nil {
			return fmt.Errorf("app: ingest %s: %w", k.ClipKey, err)
		}
	}
	if err := a.tagRetention(ctx, k, k.ClipKey, created); err != nil {
		return err
	}
	// Look for the thumbnail after the record exists: a thumbnail event
	// that ran before the record was written found nothing to link, but
	// its object is visible now.
	if _, err := a.bucket.Head(ctx, k.ThumbnailKey); err == nil {
		err := a.store.SetThumbnail(ctx, k.CameraID, k.VideoID, k.ThumbnailKey)
		switch {
		case errors.Is(err, store.ErrThumbnailLinked):
			if err := a.refuse(ctx, refusals, k.ThumbnailKey, reasonThumbnailLinked); err != nil {
				return err
			}
		case err != nil && !errors.Is(err, store.ErrNotFound):
			return fmt.Errorf("app: ingest %s: %w", k.ClipKey, err)
		}
	} else if !errors.Is(err, media.ErrNotFound) {
		return fmt.Errorf("app: ingest %s: %w", k.ClipKey, err)
	}
	if count {
		a.notifyClip(ctx, log, v, cameraName(obj.Metadata[metaCameraName]))
	}
	log.Info("ingested clip", "created", created, "counted", count)
	return nil
}

// tombstoned reports whether a clip was deleted. If so it also removes a
// record of the clip that is still uncounted: one this ingest (or an
// earlier attempt that stopped part way) wrote after the delete.
func (a *App) tombstoned(ctx context.Context, log *slog.Logger, k clip.ObjectKey) (bool, error) {
	deleted, err := a.store.Deleted(ctx, k.CameraID, k.VideoID)
	if err != nil {
		return false, fmt.Errorf("app: ingest %s: %w", k.ClipKey, err)
	}
	if !deleted {
		return false, nil
	}
	dropped, err := a.store.DropUncounted(ctx, k.CameraID, k.VideoID)
	if err != nil {
		return false, fmt.Errorf("app: ingest %s: %w", k.ClipKey, err)
	}
	log.Info("skipped: clip was deleted", "droppedRecord", dropped)
	return true, nil
}

// cameraName cleans a camera-name metadata value: printable, at most 100
// characters; empty if nothing usable is left.
func cameraName(s string) string {
	s = strings.TrimSpace(strings.Map(func(r rune) rune {
		if unicode.IsPrint(r) {
			return r
		}
		return -1
	}, s))
	if r := []rune(s); len(r) > 100 {
		s = string(r[:100])
	}
	return s
}

// refusedCamera reports whether the clip's camera refuses uploads (an
// admin disabled it, or is removing it), and logs the refusal. The object
// stays in the bucket, unrecorded, until the lifecycle rule removes it.
func (a *App) refusedCamera(ctx context.Context, log *slog.Logger, k clip.ObjectKey) (bool, error) {
	refuse, err := a.store.CameraRefusesUploads(ctx, k.CameraID)
	if err != nil {
		return false, fmt.Errorf("app: ingest %s: %w", k.ClipKey, err)
	}
	if refuse {
		log.Warn("refused: camera disabled or being removed")
	}
	return refuse, nil
}
