package app

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/aws/aws-lambda-go/events"

	"github.com/camvault/camvault/videos-api/activity"
	"github.com/camvault/camvault/videos-api/clip"
	"github.com/camvault/camvault/videos-api/grant"
	"github.com/camvault/camvault/videos-api/store"
)

// Error codes of the console's refusals (403 and 409).
const (
	// CodeConflict: the change would break a rule (an owner, the
	// admin's own last admin path).
	CodeConflict = "conflict"
)

// maxBodyBytes bounds the console's request bodies.
const maxBodyBytes = 4 << 10

func validCamera(id string) bool { return clip.ValidCameraID(id) }

// admin serves the console's routes (function "admin").
func (a *App) admin(ctx context.Context, req events.APIGatewayProxyRequest, c Caller) (events.APIGatewayProxyResponse, error) {
	switch req.HTTPMethod + " " + req.Resource {
	case "GET /grants":
		return a.listGrants(ctx, req, c)
	case "GET /grants/{subject}":
		return a.getGrant(ctx, req, c)
	case "PUT /grants/{subject}":
		return a.putGrant(ctx, req, c)
	case "DELETE /grants/{subject}":
		return a.deleteGrant(ctx, req, c)
	case "GET /audit":
		return a.listActivity(ctx, req, c)
	case "PATCH /cameras/{cameraId}":
		return a.updateCamera(ctx, req, c)
	case "DELETE /cameras/{cameraId}":
		return a.removeCamera(ctx, req, c)
	}
	return events.APIGatewayProxyResponse{}, notFound("route")
}

// grantJSON is a grant in the console's answers and PUT bodies.
type grantJSON struct {
	Subject string   `json:"subject,omitempty"`
	Role    string   `json:"role"`
	Cameras []string `json:"cameras"`
}

func toGrantJSON(g grant.Grant) grantJSON {
	return grantJSON{Subject: g.Subject, Role: string(g.Role), Cameras: g.CameraList()}
}

// actor is the caller as the grant rules see them.
func (a *App) actor(req events.APIGatewayProxyRequest, c Caller) grant.Actor {
	dom, _ := req.RequestContext.Authorizer["domain"].(string)
	return grant.Actor{Email: strings.ToLower(c.Email), Domain: strings.ToLower(strings.TrimSpace(dom)), Owner: a.isOwner(c.Email), Access: c.Access}
}

// subjectParam reads {subject}: a lowercase address or domain. API
// Gateway may hand it over still percent-encoded (ana%40example.com).
func subjectParam(req events.APIGatewayProxyRequest) (string, error) {
	s := req.PathParameters["subject"]
	if strings.Contains(s, "%") {
		u, err := url.PathUnescape(s)
		if err != nil {
			return "", badParam("subject", "malformed percent-encoding")
		}
		s = u
	}
	subj, _, err := grant.ParseSubject(s)
	if err != nil {
		return "", fieldError(err)
	}
	return subj, nil
}

// fieldError turns the grant package's errors into API errors.
func fieldError(err error) error {
	var fe *grant.FieldError
	if errors.As(err, &fe) {
		return badParam(fe.Field, fe.Reason)
	}
	var r *grant.Refusal
	if errors.As(err, &r) {
		status := http.StatusForbidden
		code := CodeForbidden
		if r.Code != grant.CodeCameraScope {
			status, code = http.StatusConflict, CodeConflict
		}
		return &apiError{status: status, code: code, message: r.Reason, parameter: r.Code}
	}
	return err
}

func (a *App) needGrants() error {
	if a.grants == nil {
		a.log.Error("ALLOWLIST_TABLE is not set: the grant routes cannot work")
		return errInternal
	}
	return nil
}

func (a *App) listGrants(ctx context.Context, req events.APIGatewayProxyRequest, c Caller) (events.APIGatewayProxyResponse, error) {
	if err := a.needGrants(); err != nil {
		return events.APIGatewayProxyResponse{}, err
	}
	lp := map[string]string{}
	for _, k := range []string{"limit", "cursor"} {
		if v, ok := req.QueryStringParameters[k]; ok {
			lp[k] = v
		}
	}
	p, perr := parseListParams(lp)
	if perr != nil {
		return events.APIGatewayProxyResponse{}, perr
	}
	if a.cursor == nil {
		return events.APIGatewayProxyResponse{}, errInternal
	}
	scope := "grants|" + c.scope()
	after := ""
	if p.cursor != "" {
		s, err := a.cursor.DecodeKey(scope, p.cursor)
		if err != nil {
			return events.APIGatewayProxyResponse{}, badParam("cursor", "not issued for this query")
		}
		after = s
	}
	page, next, err := a.grants.List(ctx, after, p.limit)
	if err != nil {
		return events.APIGatewayProxyResponse{}, err
	}
	act := a.actor(req, c)
	out := listJSON[grantJSON]{Items: []grantJSON{}}
	for _, g := range page {
		if act.Covers(g) { // a restricted admin sees only grants within their cameras
			out.Items = append(out.Items, toGrantJSON(g))
		}
	}
	if next != "" {
		out.NextCursor = a.cursor.EncodeKey(scope, next)
	}
	return a.json(http.StatusOK, out), nil
}

func (a *App) getGrant(ctx context.Context, req events.APIGatewayProxyRequest, c Caller) (events.APIGatewayProxyResponse, error) {
	if err := a.needGrants(); err != nil {
		return events.APIGatewayProxyResponse{}, err
	}
	subj, err := subjectParam(req)
	if err != nil {
		return events.APIGatewayProxyResponse{}, err
	}
	g, err := a.grants.Get(ctx, subj)
	if errors.Is(err, grant.ErrNoGrant) || err == nil && !a.actor(req, c).Covers(g) {
		return events.APIGatewayProxyResponse{}, notFound("grant")
	}
	if err != nil {
		return events.APIGatewayProxyResponse{}, err
	}
	return a.json(http.StatusOK, toGrantJSON(g)), nil
}

// putGrantBody is PUT /grants/{subject}.
type putGrantBody struct {
	Role    *string  `json:"role"`
	Cameras []string `json:"cameras"`
}

// knownCameras returns a check for camera ids that exist, are not being
// removed and that the caller may see: a restricted admin is told "no
// camera" for one they cannot see, as for one that does not exist.
func (a *App) knownCameras(ctx context.Context, c Caller) (func(string) bool, error) {
	all, err := a.store.ListCameras(ctx)
	if err != nil {
		return nil, err
	}
	ids := map[string]bool{}
	for _, cam := range all {
		if !cam.Removing && c.Access.Allows(cam.ID) {
			ids[cam.ID] = true
		}
	}
	return func(id string) bool { return ids[id] }, nil
}

func (a *App) putGrant(ctx context.Context, req events.APIGatewayProxyRequest, c Caller) (events.APIGatewayProxyResponse, error) {
	if err := a.needGrants(); err != nil {
		return events.APIGatewayProxyResponse{}, err
	}
	subj, err := subjectParam(req)
	if err != nil {
		return events.APIGatewayProxyResponse{}, err
	}
	var body putGrantBody
	if err := decodeBody(req, maxBodyBytes, &body); err != nil {
		return events.APIGatewayProxyResponse{}, err
	}
	if body.Role == nil {
		return events.APIGatewayProxyResponse{}, badParam("role", `required: "viewer" or "admin"`)
	}
	role, err := grant.ParseRole(*body.Role)
	if err != nil {
		return events.APIGatewayProxyResponse{}, fieldError(err)
	}
	known, err := a.knownCameras(ctx, c)
	if err != nil {
		return events.APIGatewayProxyResponse{}, err
	}
	all, cams, err := grant.ParseCameras(body.Cameras, known)
	if err != nil {
		return events.APIGatewayProxyResponse{}, fieldError(err)
	}
	after := grant.Grant{Subject: subj, Role: role, All: all, Cameras: cams}
	change, err := a.change(ctx, req, c, subj)
	if err != nil {
		return events.APIGatewayProxyResponse{}, err
	}
	change.After = &after
	if err := grant.Check(a.actor(req, c), change); err != nil {
		return events.APIGatewayProxyResponse{}, fieldError(err)
	}
	if err := a.registerAudience(ctx, after); err != nil {
		return events.APIGatewayProxyResponse{}, err
	}
	// The revocation first: from the moment the grant changes, requests
	// already authorized are held to the new grant.
	if err := a.store.PutRevocation(ctx, grant.Changed(after, a.now())); err != nil {
		return events.APIGatewayProxyResponse{}, err
	}
	before, err := a.grants.Put(ctx, after)
	if err != nil {
		return events.APIGatewayProxyResponse{}, err
	}
	a.forgetRevocations()
	if err := a.retireAudience(ctx, before, &after); err != nil {
		return events.APIGatewayProxyResponse{}, err
	}
	e := activity.NewEntry(a.now(), c.Email, activity.GrantPut)
	e.Subject, e.After = subj, asJSON(toGrantJSON(after))
	if before != nil {
		e.Before = asJSON(toGrantJSON(*before))
	}
	if err := a.Record(ctx, e); err != nil {
		return events.APIGatewayProxyResponse{}, err
	}
	return a.json(http.StatusOK, toGrantJSON(after)), nil
}

// change gathers what grant.Check needs about subject's grant and the
// actor's own.
func (a *App) change(ctx context.Context, req events.APIGatewayProxyRequest, c Caller, subj string) (grant.Change, error) {
	ch := grant.Change{Subject: subj, Owners: a.cfg.Owners}
	get := func(s string) (*grant.Grant, error) {
		if s == "" {
			return nil, nil
		}
		g, err := a.grants.Get(ctx, s)
		if errors.Is(err, grant.ErrNoGrant) {
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
		return &g, nil
	}
	var err error
	if ch.Before, err = get(subj); err != nil {
		return ch, err
	}
	act := a.actor(req, c)
	if subj == act.Email || subj == act.Domain {
		if ch.ActorEmailGrant, err = get(act.Email); err != nil {
			return ch, err
		}
		if ch.ActorDomainGrant, err = get(act.Domain); err != nil {
			return ch, err
		}
	}
	return ch, nil
}

func (a *App) deleteGrant(ctx context.Context, req events.APIGatewayProxyRequest, c Caller) (events.APIGatewayProxyResponse, error) {
	if err := a.needGrants(); err != nil {
		return events.APIGatewayProxyResponse{}, err
	}
	subj, err := subjectParam(req)
	if err != nil {
		return events.APIGatewayProxyResponse{}, err
	}
	change, err := a.change(ctx, req, c, subj)
	if err != nil {
		return events.APIGatewayProxyResponse{}, err
	}
	if change.Before == nil {
		return events.APIGatewayProxyResponse{}, notFound("grant")
	}
	if err := grant.Check(a.actor(req, c), change); err != nil {
		var r *grant.Refusal
		if errors.As(err, &r) && r.Code == grant.CodeCameraScope {
			return events.APIGatewayProxyResponse{}, notFound("grant") // not theirs to see
		}
		return events.APIGatewayProxyResponse{}, fieldError(err)
	}
	if err := a.store.PutRevocation(ctx, grant.Removal(subj, a.now())); err != nil {
		return events.APIGatewayProxyResponse{}, err
	}
	before, err := a.grants.Delete(ctx, subj)
	if errors.Is(err, grant.ErrNoGrant) {
		return events.APIGatewayProxyResponse{}, notFound("grant")
	}
	if err != nil {
		return events.APIGatewayProxyResponse{}, err
	}
	a.forgetRevocations()
	if err := a.retireAudience(ctx, &before, nil); err != nil {
		return events.APIGatewayProxyResponse{}, err
	}
	e := activity.NewEntry(a.now(), c.Email, activity.GrantDelete)
	e.Subject, e.Before = subj, asJSON(toGrantJSON(before))
	if err := a.Record(ctx, e); err != nil {
		return events.APIGatewayProxyResponse{}, err
	}
	return a.noContent(), nil
}

// updateCameraBody is PATCH /cameras/{cameraId}: either or both fields.
type updateCameraBody struct {
	Name     *string `json:"name"`
	Disabled *bool   `json:"disabled"`
}

// maxCameraName bounds a display name, in characters.
const maxCameraName = 100

func checkCameraName(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", badParam("name", "must not be empty")
	}
	if utf8.RuneCountInString(s) > maxCameraName {
		return "", badParam("name", fmt.Sprintf("at most %d characters", maxCameraName))
	}
	for _, r := range s {
		if !unicode.IsPrint(r) {
			return "", badParam("name", "only printable characters")
		}
	}
	return s, nil
}

func (a *App) updateCamera(ctx context.Context, req events.APIGatewayProxyRequest, c Caller) (events.APIGatewayProxyResponse, error) {
	cam, _, e := pathIDs(req, false)
	if e != nil {
		return events.APIGatewayProxyResponse{}, e
	}
	if !c.Access.Allows(cam) {
		return events.APIGatewayProxyResponse{}, errForbidden
	}
	var body updateCameraBody
	if err := decodeBody(req, maxBodyBytes, &body); err != nil {
		return events.APIGatewayProxyResponse{}, err
	}
	if body.Name == nil && body.Disabled == nil {
		return events.APIGatewayProxyResponse{}, badParam("body", `want "name", "disabled" or both`)
	}
	var name string
	if body.Name != nil {
		var err error
		if name, err = checkCameraName(*body.Name); err != nil {
			return events.APIGatewayProxyResponse{}, err
		}
	}
	if body.Name != nil {
		before, err := a.store.RenameCamera(ctx, cam, name)
		if errors.Is(err, store.ErrNotFound) {
			return events.APIGatewayProxyResponse{}, notFound("camera")
		}
		if err != nil {
			return events.APIGatewayProxyResponse{}, err
		}
		en := activity.NewEntry(a.now(), c.Email, activity.CameraRename)
		en.CameraID, en.Before, en.After = cam, asJSON(map[string]string{"name": before.Name}), asJSON(map[string]string{"name": name})
		if err := a.Record(ctx, en); err != nil {
			return events.APIGatewayProxyResponse{}, err
		}
	}
	if body.Disabled != nil {
		before, err := a.store.SetCameraDisabled(ctx, cam, *body.Disabled)
		if errors.Is(err, store.ErrNotFound) {
			return events.APIGatewayProxyResponse{}, notFound("camera")
		}
		if err != nil {
			return events.APIGatewayProxyResponse{}, err
		}
		action := activity.CameraEnable
		if *body.Disabled {
			action = activity.CameraDisable
		}
		en := activity.NewEntry(a.now(), c.Email, action)
		en.CameraID, en.Before, en.After = cam, asJSON(map[string]bool{"disabled": before.Disabled}), asJSON(map[string]bool{"disabled": *body.Disabled})
		if err := a.Record(ctx, en); err != nil {
			return events.APIGatewayProxyResponse{}, err
		}
	}
	got, err := a.store.GetCamera(ctx, cam)
	if errors.Is(err, store.ErrNotFound) || err == nil && got.Removing {
		return events.APIGatewayProxyResponse{}, notFound("camera")
	}
	if err != nil {
		return events.APIGatewayProxyResponse{}, err
	}
	return a.json(http.StatusOK, toCameraJSON(got)), nil
}

// removalJSON is DELETE /cameras/{cameraId}'s progress.
type removalJSON struct {
	CameraID     string `json:"cameraId"`
	RemovedClips int64  `json:"removedClips"`
	Done         bool   `json:"done"`
}

// removeCamera serves DELETE /cameras/{cameraId}: it removes the camera
// and all its clips in resumable batches. Each call does a bounded amount
// of work and answers 202 with the progress so far, or 200 when the
// camera is gone; calling again resumes where the last call stopped,
// after a failure too.
func (a *App) removeCamera(ctx context.Context, req events.APIGatewayProxyRequest, c Caller) (events.APIGatewayProxyResponse, error) {
	cam, _, e := pathIDs(req, false)
	if e != nil {
		return events.APIGatewayProxyResponse{}, e
	}
	if !c.Access.Allows(cam) {
		return events.APIGatewayProxyResponse{}, errForbidden
	}
	if e := a.refuseKeptRemoval(ctx, req, cam); e != nil {
		return events.APIGatewayProxyResponse{}, e
	}
	before, started, err := a.store.StartCameraRemoval(ctx, cam)
	if errors.Is(err, store.ErrNotFound) {
		return events.APIGatewayProxyResponse{}, notFound("camera")
	}
	if err != nil {
		return events.APIGatewayProxyResponse{}, err
	}
	if started {
		en := activity.NewEntry(a.now(), c.Email, activity.CameraRemove)
		en.CameraID, en.Before = cam, asJSON(toCameraJSON(before))
		if err := a.Record(ctx, en); err != nil {
			return events.APIGatewayProxyResponse{}, err
		}
	}
	progress := removalJSON{CameraID: cam, RemovedClips: before.RemovedClips}
	steps := a.cfg.RemovalBatchesPerCall
	if steps <= 0 {
		steps = 8
	}
	for range steps {
		removed, done, err := a.store.RemoveCameraStep(ctx, cam)
		if err != nil {
			return events.APIGatewayProxyResponse{}, err
		}
		for _, v := range removed {
			keys := []string{v.ObjectKey, v.ThumbnailKey}
			if k, perr := clip.ParseObjectKey(v.ObjectKey); perr == nil {
				keys = append(keys, k.ThumbnailKey)
			}
			if err := a.deleteObjects(ctx, keys); err != nil {
				a.log.Error("removed clip record but not all its objects; lifecycle will remove them", "camera", cam, "video", v.ID, "error", err)
			}
		}
		progress.RemovedClips += int64(len(removed))
		if done {
			progress.Done = true
			a.log.Info("camera removed", "camera", cam, "removedClips", progress.RemovedClips)
			return a.json(http.StatusOK, progress), nil
		}
	}
	return a.json(http.StatusAccepted, progress), nil
}
