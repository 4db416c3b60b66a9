package app

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"

	"github.com/aws/aws-lambda-go/events"

	"github.com/camvault/camvault/videos-api/activity"
	"github.com/camvault/camvault/videos-api/clip"
	"github.com/camvault/camvault/videos-api/grant"
	"github.com/camvault/camvault/videos-api/store"
)

// Record writes one entry of the activity trail, kept for the stage's
// activity retention. Other features call it to record what people did
// (the console's changes, clips opened; shares opened later):
//
//	e := activity.NewEntry(now, caller.Email, activity.ClipOpen)
//	e.CameraID, e.VideoID = cam, id
//	err := a.Record(ctx, e)
//
// An error means the entry was not written: the caller should fail the
// request (a 503), not carry on unrecorded.
func (a *App) Record(ctx context.Context, e activity.Entry) error {
	if e.ID == "" {
		e = withID(e, a)
	}
	return a.store.PutActivity(ctx, e, e.At.AddDate(0, 0, a.cfg.ActivityRetentionDays))
}

func withID(e activity.Entry, a *App) activity.Entry {
	at := e.At
	if at.IsZero() {
		at = a.now()
	}
	fresh := activity.NewEntry(at, e.Actor, e.Action)
	e.ID, e.At = fresh.ID, fresh.At
	return e
}

// asJSON writes a changed value for an entry's Before or After.
func asJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return ""
	}
	return string(b)
}

// activityJSON is an entry in GET /audit.
type activityJSON struct {
	ID       string          `json:"id"`
	At       string          `json:"at"`
	Actor    string          `json:"actor"`
	Action   string          `json:"action"`
	Subject  string          `json:"subject,omitempty"`
	CameraID string          `json:"cameraId,omitempty"`
	VideoID  string          `json:"videoId,omitempty"`
	Before   json.RawMessage `json:"before,omitempty"`
	After    json.RawMessage `json:"after,omitempty"`
}

func rawJSON(s string) json.RawMessage {
	if s == "" || !json.Valid([]byte(s)) {
		return nil
	}
	return json.RawMessage(s)
}

// listActivity serves GET /audit: newest first, filtered by person,
// camera and time. A restricted admin sees only entries about their
// cameras.
func (a *App) listActivity(ctx context.Context, req events.APIGatewayProxyRequest, c Caller) (events.APIGatewayProxyResponse, error) {
	q := req.QueryStringParameters
	p, perr := parseListParams(q)
	if perr != nil {
		return events.APIGatewayProxyResponse{}, perr
	}
	aq := store.ActivityQuery{From: p.from, To: p.to, Limit: p.limit, Cameras: c.Access}
	if s, ok := q["person"]; ok {
		subj, isDomain, err := grant.ParseSubject(s)
		if err != nil || isDomain {
			return events.APIGatewayProxyResponse{}, badParam("person", "want a lowercase address like ana@example.com")
		}
		aq.Actor = subj
	}
	if s, ok := q["camera"]; ok {
		if !validCamera(s) || !c.Access.Allows(s) {
			return events.APIGatewayProxyResponse{}, badParam("camera", "want the id of a camera you can see")
		}
		aq.CameraID = s
	}
	now := a.now().UTC()
	if aq.To.IsZero() || aq.To.After(now) {
		aq.To = now
	}
	earliest := now.AddDate(0, 0, -a.cfg.ActivityRetentionDays-1)
	if aq.From.IsZero() || aq.From.Before(earliest) {
		aq.From = earliest
	}
	if aq.From.After(aq.To) {
		return a.json(http.StatusOK, listJSON[activityJSON]{Items: []activityJSON{}}), nil
	}
	if a.cursor == nil {
		return events.APIGatewayProxyResponse{}, errInternal
	}
	scope := strings.Join([]string{"audit", aq.Actor, aq.CameraID, scopeTime(p.from), scopeTime(p.to), c.scope()}, "|")
	if p.cursor != "" {
		id, err := a.cursor.DecodeKey(scope, p.cursor)
		if err != nil {
			return events.APIGatewayProxyResponse{}, badParam("cursor", "not issued for this query")
		}
		aq.Before = id
	}
	entries, more, err := a.store.Activity(ctx, aq)
	if err != nil {
		return events.APIGatewayProxyResponse{}, err
	}
	out := listJSON[activityJSON]{Items: make([]activityJSON, 0, len(entries))}
	for _, e := range entries {
		out.Items = append(out.Items, activityJSON{
			ID: e.ID, At: formatTime(e.At), Actor: e.Actor, Action: string(e.Action), Subject: e.Subject,
			CameraID: e.CameraID, VideoID: e.VideoID, Before: rawJSON(e.Before), After: rawJSON(e.After),
		})
	}
	if more {
		out.NextCursor = a.cursor.EncodeKey(scope, entries[len(entries)-1].ID)
	}
	return a.json(http.StatusOK, out), nil
}

// recordOpen records that c was handed a clip's play and download URLs:
// with no entry, no URLs.
func (a *App) recordOpen(ctx context.Context, c Caller, v clip.Video) error {
	e := activity.NewEntry(a.now(), c.Email, activity.ClipOpen)
	e.CameraID, e.VideoID = v.CameraID, v.ID
	return a.Record(ctx, e)
}
