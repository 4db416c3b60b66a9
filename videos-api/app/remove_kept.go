package app

import (
	"context"
	"net/http"

	"github.com/aws/aws-lambda-go/events"

	"github.com/camvault/camvault/videos-api/store"
)

// refuseKeptRemoval keeps a camera removal from taking kept clips unless
// the admin says so (?includeKept=true): a camera with kept clips is a 409
// naming includeKept, and nothing is removed. A removal already under way
// carries on (it was told, or there were none).
func (a *App) refuseKeptRemoval(ctx context.Context, req events.APIGatewayProxyRequest, cam string) error {
	switch req.QueryStringParameters["includeKept"] {
	case "true":
		return nil
	case "", "false":
	default:
		return badParam("includeKept", "want true or false")
	}
	c, err := a.store.GetCamera(ctx, cam)
	if err != nil || c.Removing {
		return nil // not found and storage errors are answered by the removal itself
	}
	kept, err := a.store.KeptVideos(ctx, []string{cam}, store.Query{Limit: 1})
	if err != nil {
		return err
	}
	if len(kept.Videos) > 0 {
		return &apiError{status: http.StatusConflict, code: CodeConflict, parameter: "includeKept",
			message: "this camera has kept clips: remove it with includeKept=true to delete them too, or un-keep them first"}
	}
	return nil
}
