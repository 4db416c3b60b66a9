package app

import (
	"context"
	"errors"
	"fmt"

	"github.com/camvault/camvault/videos-api/clip"
	"github.com/camvault/camvault/videos-api/media"
)

// tagRetention gives an ingested object its retention tag, which the
// bucket's lifecycle rule filters on: standard, unless its clip has been
// kept meanwhile (a redelivered event, a late thumbnail). fresh says the
// clip's record is new (or absent), so it cannot be kept. An object deleted
// since is skipped.
func (a *App) tagRetention(ctx context.Context, k clip.ObjectKey, key string, fresh bool) error {
	value := clip.RetentionStandard
	if !fresh {
		kept, err := a.store.IsKept(ctx, k.CameraID, k.VideoID)
		if err != nil {
			return fmt.Errorf("app: ingest %s: %w", key, err)
		}
		if kept {
			value = clip.RetentionKept
		}
	}
	if err := a.bucket.SetRetention(ctx, key, value); err != nil && !errors.Is(err, media.ErrNotFound) {
		return fmt.Errorf("app: ingest %s: %w", key, err)
	}
	return nil
}
