package app

import (
	"context"
	"fmt"
	"time"

	"github.com/camvault/camvault/videos-api/clip"
	"github.com/camvault/camvault/videos-api/grant"
)

// audienceSinceMargin is how long after its registration an audience's
// index is trusted: a clip ingested before the registration can carry a
// capture time up to maxClockAhead ahead of its upload, and a minute more
// covers clock differences between S3 and Lambda. Every clip captured
// from registration + margin on is ingested after the registry item is
// durable, so it has its index entry.
const audienceSinceMargin = maxClockAhead + time.Minute

// registerAudience registers a restricted grant's camera set (more than
// store.MergeMaxCameras cameras) so its holders' timeline is served by
// the audience index. Idempotent: an existing registration is kept.
func (a *App) registerAudience(ctx context.Context, g grant.Grant) error {
	if g.All {
		return nil
	}
	created, err := a.store.RegisterAudience(ctx, g.Cameras, a.now().Add(audienceSinceMargin))
	if err != nil {
		return err
	}
	if created {
		a.log.Info("registered audience", "cameras", len(g.Cameras))
	}
	return nil
}

// indexClip writes a recorded clip's entries into the audience indexes
// whose camera sets hold its camera. A failure fails the ingest, so the
// event is retried (the writes are idempotent).
func (a *App) indexClip(ctx context.Context, v clip.Video) error {
	if err := a.store.IndexVideo(ctx, v); err != nil {
		return fmt.Errorf("app: ingest %s: %w", v.ObjectKey, err)
	}
	return nil
}
