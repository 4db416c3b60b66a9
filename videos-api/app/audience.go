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

// retireAudience retires the audience of before, the grant a put or
// delete just replaced (after, nil for a delete), when no grant uses its
// camera set any more (store.RetireGrantAudience), listing the grants as
// GET /grants does. Called after the grant is written; a failure is a 500
// (the grant change stands; the set stays registered, which only costs
// index writes at ingest, until a later change retires it).
func (a *App) retireAudience(ctx context.Context, before, after *grant.Grant) error {
	retired, err := a.store.RetireGrantAudience(ctx, before, after, a.allGrants)
	if err != nil {
		return err
	}
	if retired {
		a.log.Info("retired audience", "cameras", len(before.Cameras))
	}
	return nil
}

// grantsPage is how many grants allGrants reads a request.
const grantsPage = 100

// allGrants lists every grant, page by page (store.Grants.List, the
// listing of GET /grants).
func (a *App) allGrants(ctx context.Context) ([]grant.Grant, error) {
	var all []grant.Grant
	after := ""
	for {
		page, next, err := a.grants.List(ctx, after, grantsPage)
		if err != nil {
			return nil, err
		}
		all = append(all, page...)
		if next == "" {
			return all, nil
		}
		after = next
	}
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
