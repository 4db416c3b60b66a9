package app

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/camvault/camvault/videos-api/activity"
	"github.com/camvault/camvault/videos-api/routes"
	"github.com/camvault/camvault/videos-api/share"
	"github.com/camvault/camvault/videos-api/store"
)

// Bounds of a share link's lifetime.
const (
	MinShareHours = 1
	MaxShareHours = 7 * 24
	// maxBody bounds the JSON bodies the share routes read.
	maxBody = 4096
)

// CodeGone is the error code of a share link that expired or was revoked
// (410).
const CodeGone = "gone"

// shareJSON is a share in POST .../shares and GET /shares.
type shareJSON struct {
	ID           string `json:"id"`
	CameraID     string `json:"cameraId"`
	VideoID      string `json:"videoId"`
	CreatedBy    string `json:"createdBy"`
	CreatedAt    string `json:"createdAt"`
	ExpiresAt    string `json:"expiresAt"`
	Status       string `json:"status"`
	RevokedAt    string `json:"revokedAt,omitempty"`
	Opens        int64  `json:"opens"`
	LastOpenedAt string `json:"lastOpenedAt,omitempty"`
	LastClient   string `json:"lastClient,omitempty"`
}

// createdShareJSON is the answer to POST .../shares: the only time the
// token is shown.
type createdShareJSON struct {
	shareJSON
	Token string `json:"token"`
	URL   string `json:"url"`
}

// sharedJSON is what a share link opens: that one clip's signed URLs, the
// camera's display name and the capture time, nothing else.
type sharedJSON struct {
	CameraName   string `json:"cameraName"`
	CapturedAt   string `json:"capturedAt"`
	PlayURL      string `json:"playUrl"`
	DownloadURL  string `json:"downloadUrl"`
	ThumbnailURL string `json:"thumbnailUrl,omitempty"`
	URLExpiresAt string `json:"urlExpiresAt"`
}

func (a *App) toShareJSON(sh store.Share) shareJSON {
	j := shareJSON{
		ID: sh.ID, CameraID: sh.CameraID, VideoID: sh.VideoID, CreatedBy: sh.CreatedBy,
		CreatedAt: formatTime(sh.CreatedAt), ExpiresAt: formatTime(sh.ExpiresAt),
		Status: shareStatus(sh, a.now()), Opens: sh.Opens, LastClient: sh.LastClient,
	}
	if !sh.RevokedAt.IsZero() {
		j.RevokedAt = formatTime(sh.RevokedAt)
	}
	if !sh.LastOpenedAt.IsZero() {
		j.LastOpenedAt = formatTime(sh.LastOpenedAt)
	}
	return j
}

func shareStatus(sh store.Share, now time.Time) string {
	switch {
	case !sh.RevokedAt.IsZero():
		return "revoked"
	case !now.Before(sh.ExpiresAt):
		return "expired"
	default:
		return "active"
	}
}

// ParseShareRequest reads the body of POST .../shares:
// {"expiresInHours": N}, N a whole number from MinShareHours to
// MaxShareHours. Unknown fields, trailing data and anything else are
// errors naming the field.
func ParseShareRequest(body string) (hours int, field, why string) {
	if len(body) > maxBody {
		return 0, "body", "too large"
	}
	var in struct {
		ExpiresInHours json.RawMessage `json:"expiresInHours"`
	}
	dec := json.NewDecoder(strings.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		return 0, "body", `want JSON like {"expiresInHours": 24}`
	}
	if dec.More() {
		return 0, "body", "trailing data after the JSON object"
	}
	if len(in.ExpiresInHours) == 0 || string(in.ExpiresInHours) == "null" {
		return 0, "expiresInHours", "required"
	}
	// A JSON integer literal only: not "24", 24.0 or 2.4e1.
	n, err := strconv.ParseInt(string(in.ExpiresInHours), 10, 64)
	if err != nil || n < MinShareHours || n > MaxShareHours {
		return 0, "expiresInHours", fmt.Sprintf("want a whole number of hours from %d to %d", MinShareHours, MaxShareHours)
	}
	return int(n), "", ""
}

// parseOpenRequest reads the body of POST /shared: {"token": "..."}.
func parseOpenRequest(body string) (share.Token, *apiError) {
	if len(body) > maxBody {
		return share.Token{}, badParam("body", "too large")
	}
	var in struct {
		Token string `json:"token"`
	}
	dec := json.NewDecoder(strings.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil || dec.More() {
		return share.Token{}, badParam("body", `want JSON like {"token": "..."}`)
	}
	t, err := share.Parse(in.Token)
	if err != nil {
		return share.Token{}, badParam("token", "not a share link token")
	}
	return t, nil
}

// createShare serves POST /cameras/{cameraId}/videos/{videoId}/shares:
// anyone who may see a clip may share it, for 1 hour to 7 days.
func (a *App) createShare(ctx context.Context, req events.APIGatewayProxyRequest, c Caller) (events.APIGatewayProxyResponse, error) {
	cam, id, e := pathIDs(req, true)
	if e != nil {
		return events.APIGatewayProxyResponse{}, e
	}
	if !c.Access.Allows(cam) {
		return events.APIGatewayProxyResponse{}, errForbidden
	}
	hours, field, why := ParseShareRequest(req.Body)
	if field != "" {
		return events.APIGatewayProxyResponse{}, badParam(field, why)
	}
	if _, err := a.store.GetVideo(ctx, cam, id); errors.Is(err, store.ErrNotFound) {
		return events.APIGatewayProxyResponse{}, notFound("video")
	} else if err != nil {
		return events.APIGatewayProxyResponse{}, err
	}
	tok, err := share.New(rand.Reader)
	if err != nil {
		return events.APIGatewayProxyResponse{}, err
	}
	now := a.now().UTC().Truncate(time.Millisecond)
	sh := store.Share{
		ID: tok.ID, CameraID: cam, VideoID: id, CreatedBy: c.Email, SecretHash: tok.Hash(),
		CreatedAt: now, ExpiresAt: now.Add(time.Duration(hours) * time.Hour),
	}
	ev := activity.NewEntry(now, c.Email, activity.ShareCreate)
	ev.CameraID, ev.VideoID, ev.Subject = cam, id, sh.ID
	ev.After = asJSON(map[string]string{"expiresAt": formatTime(sh.ExpiresAt)})
	if err := a.Record(ctx, ev); err != nil {
		return events.APIGatewayProxyResponse{}, err
	}
	if err := a.store.PutShare(ctx, sh); err != nil {
		return events.APIGatewayProxyResponse{}, err
	}
	a.log.Info("created share link", "audit", "share.create", "email", c.Email, "camera", cam, "video", id, "share", sh.ID, "expiresAt", formatTime(sh.ExpiresAt))
	out := createdShareJSON{shareJSON: a.toShareJSON(sh), Token: tok.String(), URL: a.ShareURL(tok)}
	return a.json(http.StatusCreated, out), nil
}

// ShareURL is the web client's page for a share link. The token is in the
// fragment, which browsers never send to a server.
func (a *App) ShareURL(t share.Token) string {
	return strings.TrimSuffix(a.cfg.WebOrigin, "/") + "/#/s/" + t.String()
}

// shares serves the signed-in share routes: POST (create), GET /shares
// (the caller's shares; an admin's: everyone's) and DELETE
// /shares/{shareId} (the creator or an admin revokes).
func (a *App) shares(ctx context.Context, req events.APIGatewayProxyRequest, c Caller) (events.APIGatewayProxyResponse, error) {
	switch {
	case req.HTTPMethod == http.MethodPost:
		return a.createShare(ctx, req, c)
	case req.HTTPMethod == http.MethodGet:
		by := c.Email
		if c.Role == routes.Admin {
			by = ""
		}
		list, err := a.store.ListShares(ctx, by, 200)
		if err != nil {
			return events.APIGatewayProxyResponse{}, err
		}
		out := listJSON[shareJSON]{Items: make([]shareJSON, 0, len(list))}
		for _, sh := range list {
			out.Items = append(out.Items, a.toShareJSON(sh))
		}
		return a.json(http.StatusOK, out), nil
	case req.HTTPMethod == http.MethodDelete:
		id := req.PathParameters["shareId"]
		if !share.ValidID(id) {
			return events.APIGatewayProxyResponse{}, badParam("shareId", "want 32 lowercase hex characters")
		}
		sh, err := a.store.GetShare(ctx, id)
		if errors.Is(err, store.ErrNotFound) {
			return events.APIGatewayProxyResponse{}, notFound("share")
		}
		if err != nil {
			return events.APIGatewayProxyResponse{}, err
		}
		if c.Role != routes.Admin && sh.CreatedBy != c.Email {
			return events.APIGatewayProxyResponse{}, errForbidden
		}
		ev := activity.NewEntry(a.now(), c.Email, activity.ShareRevoke)
		ev.CameraID, ev.VideoID, ev.Subject = sh.CameraID, sh.VideoID, sh.ID
		if err := a.Record(ctx, ev); err != nil {
			return events.APIGatewayProxyResponse{}, err
		}
		if _, err := a.store.RevokeShare(ctx, id, c.Email, a.now().UTC()); errors.Is(err, store.ErrNotFound) {
			return events.APIGatewayProxyResponse{}, notFound("share")
		} else if err != nil {
			return events.APIGatewayProxyResponse{}, err
		}
		a.log.Info("revoked share link", "audit", "share.revoke", "email", c.Email, "share", id, "camera", sh.CameraID, "video", sh.VideoID)
		return a.noContent(), nil
	}
	return events.APIGatewayProxyResponse{}, notFound("route")
}

// openShare serves POST /shared, the public route: the token in the body
// (never in the path, so no access log holds it) names one share; its
// secret must hash to the share's. An unknown token is a 404, an expired
// or revoked one (or one whose clip is gone) a 410. Every answered open is
// recorded first (time and coarse client only), beside the share and in
// the activity trail: an open that cannot be recorded is not answered.
func (a *App) openShare(ctx context.Context, req events.APIGatewayProxyRequest) (events.APIGatewayProxyResponse, error) {
	tok, e := parseOpenRequest(req.Body)
	if e != nil {
		return events.APIGatewayProxyResponse{}, e
	}
	sh, err := a.store.GetShare(ctx, tok.ID)
	if errors.Is(err, store.ErrNotFound) || err == nil && !tok.Matches(sh.SecretHash) {
		return events.APIGatewayProxyResponse{}, notFound("share link")
	}
	if err != nil {
		return events.APIGatewayProxyResponse{}, err
	}
	now := a.now().UTC()
	if status := shareStatus(sh, now); status != "active" {
		return events.APIGatewayProxyResponse{}, &apiError{status: http.StatusGone, code: CodeGone, message: "this share link has " + status}
	}
	v, err := a.store.GetVideo(ctx, sh.CameraID, sh.VideoID)
	if errors.Is(err, store.ErrNotFound) {
		return events.APIGatewayProxyResponse{}, &apiError{status: http.StatusGone, code: CodeGone, message: "the shared clip was deleted"}
	}
	if err != nil {
		return events.APIGatewayProxyResponse{}, err
	}
	name := sh.CameraID
	if cam, err := a.store.GetCamera(ctx, sh.CameraID); err == nil && cam.Name != "" {
		name = cam.Name
	} else if err != nil && !errors.Is(err, store.ErrNotFound) {
		return events.APIGatewayProxyResponse{}, err
	}
	var n [4]byte
	_, _ = rand.Read(n[:])
	open := store.ShareOpen{At: now, Client: CoarseClient(req.Headers)}
	if err := a.store.RecordOpen(ctx, sh, open, hex.EncodeToString(n[:])); err != nil {
		return events.APIGatewayProxyResponse{}, err
	}
	ev := activity.NewEntry(now, activity.ShareLinkActor, activity.ShareOpen)
	ev.CameraID, ev.VideoID, ev.Subject = sh.CameraID, sh.VideoID, sh.ID
	ev.After = asJSON(map[string]string{"client": open.Client})
	if err := a.Record(ctx, ev); err != nil {
		return events.APIGatewayProxyResponse{}, err
	}
	out := sharedJSON{CameraName: name, CapturedAt: formatTime(v.CapturedAt), URLExpiresAt: formatTime(now.Add(a.cfg.URLTTL))}
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
	a.log.Info("opened share link", "audit", "share.open", "share", sh.ID, "camera", sh.CameraID, "video", sh.VideoID, "client", open.Client)
	return a.json(http.StatusOK, out), nil
}

// CoarseClient describes a request's client by browser family and OS
// only, from its User-Agent: enough for a clip's owner to tell whether a
// link was used, nothing that identifies a person (no address, no version).
func CoarseClient(headers map[string]string) string {
	var ua string
	for k, v := range headers {
		if strings.EqualFold(k, "User-Agent") {
			ua = v
		}
	}
	pick := func(s string, options [][2]string) string {
		for _, o := range options {
			if strings.Contains(s, o[0]) {
				return o[1]
			}
		}
		return "other"
	}
	browser := pick(ua, [][2]string{{"Edg/", "Edge"}, {"OPR/", "Opera"}, {"Firefox/", "Firefox"}, {"Chrome/", "Chrome"}, {"Safari/", "Safari"}, {"curl/", "curl"}})
	os := pick(ua, [][2]string{{"Android", "Android"}, {"iPhone", "iOS"}, {"iPad", "iOS"}, {"Windows", "Windows"}, {"Mac OS X", "macOS"}, {"CrOS", "ChromeOS"}, {"Linux", "Linux"}})
	return browser + " on " + os
}

// public wraps the handler of a route without an authorizer: no caller to
// check, the same panic recovery and error answers as wrap, and logs that
// never hold the request's path or body.
func (a *App) public(fn string, h func(context.Context, events.APIGatewayProxyRequest) (events.APIGatewayProxyResponse, error)) Handler {
	return func(ctx context.Context, req events.APIGatewayProxyRequest) (resp events.APIGatewayProxyResponse, err error) {
		log := a.requestLog(ctx, fn, req)
		defer a.recoverPanic(log, &resp, &err)
		if req.IsBase64Encoded {
			return a.served(ctx, log, a.fail(badParam("body", "want a JSON body")), nil), nil
		}
		resp, herr := h(ctx, req)
		return a.served(ctx, log, resp, herr), nil
	}
}
