package app

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/camvault/camvault/videos-api/clip"
	"github.com/camvault/camvault/videos-api/store"
)

// meJSON is GET /me.
type meJSON struct {
	Email   string   `json:"email"`
	Name    string   `json:"name"`
	Picture string   `json:"picture,omitempty"`
	Role    string   `json:"role"`
	Cameras []string `json:"cameras"`
}

// cameraJSON is a camera in GET /cameras.
type cameraJSON struct {
	ID         string `json:"id"`
	Name       string `json:"name"`
	LastClipAt string `json:"lastClipAt,omitempty"`
	ClipCount  int64  `json:"clipCount"`
	// Disabled is true when the camera's uploads are refused.
	Disabled bool `json:"disabled,omitempty"`
}

func toCameraJSON(cam clip.Camera) cameraJSON {
	j := cameraJSON{ID: cam.ID, Name: cam.Name, ClipCount: cam.ClipCount, Disabled: cam.Disabled}
	if !cam.LastClipAt.IsZero() {
		j.LastClipAt = formatTime(cam.LastClipAt)
	}
	return j
}

// videoJSON is a clip in the lists.
type videoJSON struct {
	ID              string  `json:"id"`
	CameraID        string  `json:"cameraId"`
	CapturedAt      string  `json:"capturedAt"`
	DurationSeconds float64 `json:"durationSeconds,omitempty"`
	Size            int64   `json:"size"`
	ContentType     string  `json:"contentType"`
	HasThumbnail    bool    `json:"hasThumbnail"`
	ExpiresAt       string  `json:"expiresAt,omitempty"`
	// SHA256 is the clip's SHA-256 (hex) as S3 verified it at upload, so a
	// downloaded file can be checked: sha256sum clip.mp4.
	SHA256 string `json:"sha256,omitempty"`
	// Kept clips are exempt from retention (no expiresAt).
	Kept bool `json:"kept,omitempty"`
	// ThumbnailURL is signed in lists too, so a client shows a page of
	// cards with one API request, not one per card.
	ThumbnailURL string `json:"thumbnailUrl,omitempty"`
}

// videoDetailJSON is GET /cameras/{cameraId}/videos/{videoId}.
type videoDetailJSON struct {
	videoJSON
	PlayURL      string `json:"playUrl"`
	DownloadURL  string `json:"downloadUrl"`
	URLExpiresAt string `json:"urlExpiresAt"`
}

// listJSON is every list's envelope.
type listJSON[T any] struct {
	Items      []T    `json:"items"`
	NextCursor string `json:"nextCursor,omitempty"`
}

func formatTime(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

func toVideoJSON(v clip.Video) videoJSON {
	j := videoJSON{
		ID: v.ID, CameraID: v.CameraID, CapturedAt: formatTime(v.CapturedAt),
		DurationSeconds: v.DurationSeconds, Size: v.Size, ContentType: v.ContentType,
		HasThumbnail: v.ThumbnailKey != "", SHA256: v.SHA256, Kept: v.Kept,
	}
	if !v.ExpiresAt.IsZero() {
		j.ExpiresAt = formatTime(v.ExpiresAt)
	}
	return j
}

func (a *App) me(_ context.Context, _ events.APIGatewayProxyRequest, c Caller) (events.APIGatewayProxyResponse, error) {
	cams := []string{"*"}
	if !c.Access.All {
		cams = append([]string{}, c.Access.Cameras...)
	}
	return a.json(http.StatusOK, meJSON{Email: c.Email, Name: c.Name, Picture: c.Picture, Role: string(c.Role), Cameras: cams}), nil
}

func (a *App) cameras(ctx context.Context, _ events.APIGatewayProxyRequest, c Caller) (events.APIGatewayProxyResponse, error) {
	all, err := a.store.ListCameras(ctx)
	if err != nil {
		return events.APIGatewayProxyResponse{}, err
	}
	out := listJSON[cameraJSON]{Items: []cameraJSON{}}
	for _, cam := range all {
		if !c.Access.Allows(cam.ID) || cam.Removing {
			continue
		}
		out.Items = append(out.Items, toCameraJSON(cam))
	}
	return a.json(http.StatusOK, out), nil
}

// videos serves GET /cameras/{cameraId}/videos and GET /videos.
func (a *App) videos(ctx context.Context, req events.APIGatewayProxyRequest, c Caller) (events.APIGatewayProxyResponse, error) {
	p, perr := parseListParams(req.QueryStringParameters)
	if perr != nil {
		return events.APIGatewayProxyResponse{}, perr
	}
	route := "timeline"
	if _, ok := req.PathParameters["cameraId"]; ok {
		cam, _, e := pathIDs(req, false)
		if e != nil {
			return events.APIGatewayProxyResponse{}, e
		}
		route, p.camera = "camera", cam
	} else if s, ok := req.QueryStringParameters["camera"]; ok {
		if !clip.ValidCameraID(s) {
			return events.APIGatewayProxyResponse{}, badParam("camera", "want 1-63 lowercase letters, digits or hyphens")
		}
		p.camera = s
	}
	if p.camera != "" && !c.Access.Allows(p.camera) {
		return events.APIGatewayProxyResponse{}, errForbidden
	}
	if a.cursor == nil {
		return events.APIGatewayProxyResponse{}, errInternal
	}
	// The cursor is bound to everything that selects the list, and to the
	// caller's camera set; not to limit, which may change between pages.
	if p.kept {
		route += "|kept"
	}
	scope := fmt.Sprintf("%s|%s|%s|%s|%s", route, p.camera, scopeTime(p.from), scopeTime(p.to), c.scope())
	q := store.Query{From: p.from, To: p.to, Limit: p.limit}
	if p.cursor != "" {
		pos, err := a.cursor.Decode(scope, p.cursor)
		if err != nil {
			return events.APIGatewayProxyResponse{}, badParam("cursor", "not issued for this query")
		}
		if p.camera != "" && pos.CameraID != p.camera {
			return events.APIGatewayProxyResponse{}, badParam("cursor", "not issued for this query")
		}
		q.After = pos
	}
	var page store.Page
	var err error
	switch {
	case p.camera != "":
		if _, err := a.store.GetCamera(ctx, p.camera); errors.Is(err, store.ErrNotFound) {
			return events.APIGatewayProxyResponse{}, notFound("camera")
		} else if err != nil {
			return events.APIGatewayProxyResponse{}, err
		}
		if p.kept {
			page, err = a.store.KeptVideos(ctx, []string{p.camera}, q)
		} else {
			page, err = a.store.CameraVideos(ctx, p.camera, q)
		}
	case p.kept:
		page, err = a.store.KeptVideos(ctx, keptScope(c), q)
	case c.Access.All:
		q.From, q.To = a.timelineWindow(q.From, q.To)
		page, err = a.store.Timeline(ctx, q)
	default:
		// Windowed to retention as the timeline is: the audience index
		// keeps no entry longer than its clip's record.
		q.From, q.To = a.timelineWindow(q.From, q.To)
		page, err = a.store.AudienceVideos(ctx, c.Access.Cameras, q)
	}
	if err != nil {
		return events.APIGatewayProxyResponse{}, err
	}
	out := listJSON[videoJSON]{Items: make([]videoJSON, 0, len(page.Videos))}
	for _, v := range page.Videos {
		j := toVideoJSON(v)
		if v.ThumbnailKey != "" {
			// Signing is local computation: no request per item.
			if j.ThumbnailURL, err = a.bucket.ThumbnailURL(ctx, v.ThumbnailKey); err != nil {
				return events.APIGatewayProxyResponse{}, err
			}
		}
		out.Items = append(out.Items, j)
	}
	if page.More {
		out.NextCursor = a.cursor.Encode(scope, page.End())
	}
	return a.json(http.StatusOK, out), nil
}

// scopeTime writes a query bound into a cursor scope: equal instants
// spelled differently give the same scope.
func scopeTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}

// timelineWindow bounds the capture times the cross-camera timeline lists.
// No clip outlives the retention period (TTL), and none is captured more
// than a day ahead of our clock, so a window from retention plus two days
// (TTL deletes may lag) before `to` up to `to` (at most a day from now)
// loses nothing. (A page is one Query whatever the window.)
func (a *App) timelineWindow(from, to time.Time) (time.Time, time.Time) {
	latest := a.now().UTC().Add(24 * time.Hour)
	if to.IsZero() || to.After(latest) {
		to = latest
	}
	earliest := to.AddDate(0, 0, -(a.cfg.RetentionDays + 2))
	if from.IsZero() || from.Before(earliest) {
		from = earliest
	}
	return from, to
}

func (a *App) video(ctx context.Context, req events.APIGatewayProxyRequest, c Caller) (events.APIGatewayProxyResponse, error) {
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
	out := videoDetailJSON{videoJSON: toVideoJSON(v), URLExpiresAt: formatTime(a.now().Add(a.cfg.URLTTL))}
	if out.PlayURL, err = a.bucket.PlayURL(ctx, v.ObjectKey); err != nil {
		return events.APIGatewayProxyResponse{}, err
	}
	if out.DownloadURL, err = a.bucket.DownloadURL(ctx, v.ObjectKey, DownloadName(v)); err != nil {
		return events.APIGatewayProxyResponse{}, err
	}
	if v.ThumbnailKey != "" {
		if out.ThumbnailURL, err = a.bucket.ThumbnailURL(ctx, v.ThumbnailKey); err != nil {
			return events.APIGatewayProxyResponse{}, err
		}
	}
	if err := a.recordOpen(ctx, c, v); err != nil {
		return events.APIGatewayProxyResponse{}, err
	}
	return a.json(http.StatusOK, out), nil
}

// DownloadName is the file name a downloaded clip is saved as:
// {cameraId}-{capturedAt}.mp4, capture time compact UTC (no colons).
func DownloadName(v clip.Video) string {
	return v.CameraID + "-" + v.CapturedAt.UTC().Format("20060102T150405Z") + ".mp4"
}

// tombstoneUntil is how long a deleted clip's tombstone must outlive the
// delete: its objects were uploaded before now, and the bucket's lifecycle
// rule expires an object RETENTION_DAYS after upload, rounded up to the
// next midnight UTC; one more day covers the rule's own lag.
func (a *App) tombstoneUntil() time.Time {
	return a.now().UTC().AddDate(0, 0, a.cfg.RetentionDays+2)
}

// deleteVideo writes a tombstone and removes the record first, then the objects: a failure in
// between leaves objects no record points to (invisible, never signed,
// removed by the bucket's lifecycle rule), never a visible clip whose
// objects are gone.
func (a *App) deleteVideo(ctx context.Context, req events.APIGatewayProxyRequest, c Caller) (events.APIGatewayProxyResponse, error) {
	cam, id, e := pathIDs(req, true)
	if e != nil {
		return events.APIGatewayProxyResponse{}, e
	}
	if !c.Access.Allows(cam) {
		return events.APIGatewayProxyResponse{}, errForbidden
	}
	if _, err := a.removeClip(ctx, c.Email, cam, id); errors.Is(err, store.ErrNotFound) {
		return events.APIGatewayProxyResponse{}, notFound("video")
	} else if err != nil {
		return events.APIGatewayProxyResponse{}, err
	}
	return a.noContent(), nil
}

func (a *App) deleteObjects(ctx context.Context, keys []string) error {
	err := a.bucket.Delete(ctx, keys...)
	if err != nil {
		err = a.bucket.Delete(ctx, keys...)
	}
	return err
}
