package app

import (
	"context"
	"fmt"

	"github.com/camvault/camvault/videos-api/clip"
	"github.com/camvault/camvault/videos-api/grant"
)

// registerAudience registers a restricted grant's camera set (more than
// store.MergeMaxCameras cameras) so its holders' timeline is served by
// the audience index (store.RegisterGrantAudience). Idempotent: an
// existing registration is kept.
func (a *App) registerAudience(ctx context.Context, g grant.Grant) error {
	created, err := a.store.RegisterGrantAudience(ctx, g, a.now())
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
