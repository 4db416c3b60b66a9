package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/camvault/camvault/videos-api/clip"
	"github.com/camvault/camvault/videos-api/media"
)

// Why ingest refuses an upload: the reason attribute of an "upload
// refused" log line.
const (
	// reasonMalformedKey: the key is not a clip or thumbnail key.
	reasonMalformedKey = "malformed key"
	// reasonNonCanonical: another spelling of a clip key (RFC 3339 time,
	// no milliseconds, a video id from another time) than ObjectKeys writes.
	reasonNonCanonical = "non-canonical key"
	// reasonFuture: captured more than maxClockAhead after its upload.
	reasonFuture = "capture time after upload"
	// reasonTooOld: captured before the retention window of its upload.
	reasonTooOld = "capture time before retention window"
	// reasonThumbnailLinked: the clip already has another thumbnail.
	reasonThumbnailLinked = "thumbnail already linked"
)

// maxClockAhead is how far a camera's capture time may run ahead of the
// upload (S3's event time) before ingest refuses it as a broken clock.
const maxClockAhead = clip.MaxClockAhead

// refuse logs an upload that ingest leaves unrecorded, at WARN with msg
// "upload refused" (a CloudWatch Logs metric filter counts these and an
// alarm watches the count), and tags its object for the standard retention:
// the object stays where it is, under clips/, so it can be looked at, and
// the bucket's lifecycle rule (which expires only tagged objects) removes it
// with the clips of its day. A tagging failure is returned, so the event is
// retried.
func (a *App) refuse(ctx context.Context, log *slog.Logger, key, reason string, attrs ...any) error {
	log.Warn("upload refused", append([]any{"key", key, "reason", reason}, attrs...)...)
	if err := a.bucket.SetRetention(ctx, key, clip.RetentionStandard); err != nil && !errors.Is(err, media.ErrNotFound) {
		return fmt.Errorf("app: ingest: tagging refused %s: %w", key, err)
	}
	return nil
}

// admissible returns why a parsed key uploaded at uploaded must not be
// recorded, or "" if it may be: only the canonical spelling, and a capture
// time no more than maxClockAhead after the upload and inside the retention
// window counted back from it.
func (a *App) admissible(k clip.ObjectKey, uploaded time.Time) string {
	switch {
	case !k.Canonical:
		return reasonNonCanonical
	case k.CapturedAt.After(uploaded.Add(maxClockAhead)):
		return reasonFuture
	case k.CapturedAt.Before(uploaded.AddDate(0, 0, -a.cfg.RetentionDays)):
		return reasonTooOld
	}
	return ""
}

// expiresAt is when a clip's record expires: RETENTION_DAYS after its
// upload, as the bucket's lifecycle rule counts for the object (which S3
// removes at the next midnight UTC after that, so the record never outlives
// the object). Counting from the capture time instead would let a wrong
// clock make a record that is expired on arrival, or one that never expires.
func (a *App) expiresAt(uploaded time.Time) time.Time {
	return uploaded.AddDate(0, 0, a.cfg.RetentionDays).UTC()
}
