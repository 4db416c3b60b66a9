package app

import (
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/camvault/camvault/videos-api/clip"
)

// Page sizes of the list routes.
const (
	DefaultLimit = 50
	MaxLimit     = 200
)

// listParams are the parsed query parameters of a clip list.
type listParams struct {
	camera   string // the camera filter of /videos, or the path camera
	from, to time.Time
	limit    int
	cursor   string
	kept     bool // only kept clips
}

// parseListParams reads and checks a list's query string; errors name the
// parameter.
func parseListParams(q map[string]string) (listParams, *apiError) {
	p := listParams{limit: DefaultLimit, cursor: q["cursor"]}
	if s, ok := q["limit"]; ok {
		n, err := strconv.Atoi(s)
		if err != nil || strings.HasPrefix(s, "+") {
			return p, badParam("limit", "want a whole number from 1 to "+strconv.Itoa(MaxLimit))
		}
		if n < 1 || n > MaxLimit {
			return p, badParam("limit", "must be from 1 to "+strconv.Itoa(MaxLimit))
		}
		p.limit = n
	}
	var e *apiError
	if p.from, e = parseTime("from", q["from"]); e != nil {
		return p, e
	}
	if p.to, e = parseTime("to", q["to"]); e != nil {
		return p, e
	}
	if !p.from.IsZero() && !p.to.IsZero() && p.from.After(p.to) {
		return p, badParam("from", "is after to")
	}
	if s, ok := q["kept"]; ok {
		switch s {
		case "true":
			p.kept = true
		case "false":
		default:
			return p, badParam("kept", "want true or false")
		}
	}
	if _, ok := q["cursor"]; ok && (p.cursor == "" || len(p.cursor) > 256) {
		return p, badParam("cursor", "malformed")
	}
	return p, nil
}

// earliest and latest bound the times a query may name.
var (
	earliest = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	latest   = time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)
)

func parseTime(name, s string) (time.Time, *apiError) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, badParam(name, "want an RFC 3339 time like 2026-11-25T15:00:00Z")
	}
	if t.Before(earliest) || t.After(latest) {
		return time.Time{}, badParam(name, "out of range")
	}
	return t.UTC(), nil
}

// pathIDs reads and checks the {cameraId} and, if want, {videoId} path
// parameters.
func pathIDs(req events.APIGatewayProxyRequest, wantVideo bool) (camera, video string, e *apiError) {
	camera = req.PathParameters["cameraId"]
	if !clip.ValidCameraID(camera) {
		return "", "", badParam("cameraId", "want 1-63 lowercase letters, digits or hyphens")
	}
	if !wantVideo {
		return camera, "", nil
	}
	video = req.PathParameters["videoId"]
	if !clip.ValidVideoID(video) {
		return "", "", badParam("videoId", "want a 26-character ULID")
	}
	return camera, video, nil
}
