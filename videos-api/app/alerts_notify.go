package app

import (
	"context"
	"log/slog"

	"github.com/camvault/camvault/videos-api/clip"
	"github.com/camvault/camvault/videos-api/push"
)

// notifyClip tells the push sender of a new clip. It never fails ingest:
// an error is logged (and counted by the AlertHandoffFailures metric
// filter), and the clip stays recorded.
func (a *App) notifyClip(ctx context.Context, log *slog.Logger, v clip.Video, cameraName string) {
	if a.cfg.Notify == nil {
		return
	}
	ev := push.ClipEvent{CameraID: v.CameraID, VideoID: v.ID, CapturedAt: v.CapturedAt, CameraName: cameraName}
	if err := a.cfg.Notify(ctx, ev); err != nil {
		log.Error("alert handoff failed", "error", err)
	}
}
