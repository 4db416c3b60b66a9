package app

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/camvault/camvault/videos-api/activity"
	"github.com/camvault/camvault/videos-api/clip"
	"github.com/camvault/camvault/videos-api/media"
	"github.com/camvault/camvault/videos-api/store"
)

// Bulk jobs (admins): delete or keep many clips, chosen by hand (a list of
// up to MaxJobClips), a whole UTC day (of one camera or all the admin's
// cameras) or one camera and a time range. POST /jobs records the job;
// each POST /jobs/{jobId}/run moves it on by at most JobBatch clips and
// answers its progress (202 while running, 200 when done), so the job runs
// as long as someone calls. POST /jobs also hands the new job to the job
// runner (RunJob, the job-runner Lambda), which runs it to the end on the
// server, so the web client only polls GET /jobs/{jobId} for progress. A job's state is in the table after every clip, so a run
// that stops (a crash, a timeout, a closed tab) is resumed by the next call
// from the first clip it had not finished, and two callers at once never
// count a clip twice. Deletes skip kept clips unless includeKept; each
// delete is the single DELETE's (tombstone, record, objects, trail entry).
const (
	// MaxJobClips bounds a hand-picked selection.
	MaxJobClips = 1000
	// JobBatch is how many clips one run call processes at most.
	JobBatch = 25
	// maxJobRange bounds a camera-and-range selection.
	maxJobRange = 31 * 24 * time.Hour
	maxJobBody  = 128 << 10
)

// JobRequest is the body of POST /jobs.
type JobRequest struct {
	// Action is "delete" or "keep".
	Action string `json:"action"`
	// Clips are hand-picked clips (or none).
	Clips []JobClip `json:"clips,omitempty"`
	// Day is a UTC day, yyyy-mm-dd: its clips (of CameraID if set).
	Day string `json:"day,omitempty"`
	// CameraID with From and To (RFC 3339, to exclusive): that camera's
	// clips in the range.
	CameraID string `json:"cameraId,omitempty"`
	From     string `json:"from,omitempty"`
	To       string `json:"to,omitempty"`
	// IncludeKept lets a delete take kept clips too.
	IncludeKept bool `json:"includeKept,omitempty"`
}

// JobClip names one clip.
type JobClip struct {
	CameraID string `json:"cameraId"`
	VideoID  string `json:"videoId"`
}

// jobSelection is what a job works through, as stored: the request's
// choice resolved into a list or a time range, and the creator's cameras.
type jobSelection struct {
	Clips    []JobClip `json:"clips,omitempty"`
	CameraID string    `json:"cameraId,omitempty"`
	From     time.Time `json:"from"`
	To       time.Time `json:"to"`
	// Cameras are the creator's cameras ("*" for all) when it was made.
	Cameras []string `json:"cameras"`
}

// ParseJobRequest reads and checks a POST /jobs body; a refusal names the
// field at fault.
func ParseJobRequest(body string) (JobRequest, *apiError) {
	var r JobRequest
	if len(body) > maxJobBody {
		return r, badParam("body", "too large")
	}
	dec := json.NewDecoder(strings.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&r); err != nil || dec.More() {
		return JobRequest{}, badParam("body", `want JSON like {"action": "delete", "day": "2026-11-25"}`)
	}
	if r.Action != "delete" && r.Action != "keep" {
		return r, badParam("action", "want delete or keep")
	}
	if r.IncludeKept && r.Action != "delete" {
		return r, badParam("includeKept", "only a delete takes it")
	}
	ways := 0
	if len(r.Clips) > 0 {
		ways++
	}
	if r.Day != "" {
		ways++
	}
	if r.From != "" || r.To != "" {
		ways++
	}
	if ways != 1 {
		return r, badParam("body", "choose clips, a day, or a camera with from and to")
	}
	switch {
	case len(r.Clips) > 0:
		if r.CameraID != "" {
			return r, badParam("cameraId", "not with a list of clips")
		}
		if len(r.Clips) > MaxJobClips {
			return r, badParam("clips", "at most "+strconv.Itoa(MaxJobClips))
		}
		seen := map[JobClip]bool{}
		for i, c := range r.Clips {
			if !clip.ValidCameraID(c.CameraID) || !clip.ValidVideoID(c.VideoID) {
				return r, badParam("clips", fmt.Sprintf("item %d: want a cameraId and a 26-character videoId", i))
			}
			if seen[c] {
				return r, badParam("clips", fmt.Sprintf("item %d: listed twice", i))
			}
			seen[c] = true
		}
	case r.Day != "":
		if d, err := time.Parse("2006-01-02", r.Day); err != nil || d.Before(earliest) || d.After(latest) {
			return r, badParam("day", "want a day like 2026-11-25")
		}
		if r.CameraID != "" && !clip.ValidCameraID(r.CameraID) {
			return r, badParam("cameraId", "want 1-63 lowercase letters, digits or hyphens")
		}
	default:
		if !clip.ValidCameraID(r.CameraID) {
			return r, badParam("cameraId", "a range needs a camera")
		}
		from, e := parseTime("from", r.From)
		if e != nil {
			return r, e
		}
		to, e := parseTime("to", r.To)
		if e != nil {
			return r, e
		}
		if from.IsZero() || to.IsZero() {
			return r, badParam("to", "a range needs from and to")
		}
		if from.After(to) {
			return r, badParam("from", "is after to")
		}
		if to.Sub(from) > maxJobRange {
			return r, badParam("to", "a range is at most 31 days")
		}
	}
	return r, nil
}

// jobJSON is a job in the jobs routes.
type jobJSON struct {
	ID          string          `json:"id"`
	Action      string          `json:"action"`
	Status      string          `json:"status"`
	IncludeKept bool            `json:"includeKept"`
	CreatedBy   string          `json:"createdBy"`
	CreatedAt   string          `json:"createdAt"`
	Total       *int64          `json:"total,omitempty"`
	Processed   int64           `json:"processed"`
	Deleted     int64           `json:"deleted"`
	Kept        int64           `json:"kept"`
	Skipped     int64           `json:"skipped"`
	Failed      int64           `json:"failed"`
	Selection   json.RawMessage `json:"selection"`
}

func toJobJSON(j store.Job) jobJSON {
	out := jobJSON{
		ID: j.ID, Action: j.Action, Status: "running", IncludeKept: j.IncludeKept, CreatedBy: j.CreatedBy,
		CreatedAt: formatTime(j.CreatedAt), Processed: j.Processed, Deleted: j.Deleted, Kept: j.Kept,
		Skipped: j.Skipped, Failed: j.Failed, Selection: json.RawMessage(j.Selection),
	}
	if j.Done {
		out.Status = "done"
	}
	if j.Total >= 0 {
		t := j.Total
		out.Total = &t
	}
	if !json.Valid(out.Selection) {
		out.Selection = json.RawMessage("{}")
	}
	return out
}

// jobs serves POST /jobs, GET /jobs/{jobId} and POST /jobs/{jobId}/run.
func (a *App) jobs(ctx context.Context, req events.APIGatewayProxyRequest, c Caller) (events.APIGatewayProxyResponse, error) {
	id, hasID := req.PathParameters["jobId"]
	if !hasID {
		return a.createJob(ctx, req, c)
	}
	if !clip.ValidVideoID(id) {
		return events.APIGatewayProxyResponse{}, badParam("jobId", "want a 26-character job id")
	}
	j, err := a.store.GetJob(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return events.APIGatewayProxyResponse{}, notFound("job")
	}
	if err != nil {
		return events.APIGatewayProxyResponse{}, err
	}
	var sel jobSelection
	if err := json.Unmarshal([]byte(j.Selection), &sel); err != nil {
		return events.APIGatewayProxyResponse{}, fmt.Errorf("app: job %s: selection: %w", id, err)
	}
	// Another admin may see a job only if it covers no camera they may not.
	if !c.Access.All && !scopeWithin(sel.Cameras, c) {
		return events.APIGatewayProxyResponse{}, notFound("job")
	}
	if req.HTTPMethod == http.MethodGet {
		return a.json(http.StatusOK, toJobJSON(j)), nil
	}
	if j, err = a.runJob(ctx, c, j, sel); err != nil {
		return events.APIGatewayProxyResponse{}, err
	}
	status := http.StatusAccepted
	if j.Done {
		status = http.StatusOK
	}
	return a.json(status, toJobJSON(j)), nil
}

func scopeWithin(cams []string, c Caller) bool {
	for _, id := range cams {
		if id == "*" || !c.Access.Allows(id) {
			return false
		}
	}
	return true
}

func (a *App) createJob(ctx context.Context, req events.APIGatewayProxyRequest, c Caller) (events.APIGatewayProxyResponse, error) {
	r, e := ParseJobRequest(req.Body)
	if e != nil {
		return events.APIGatewayProxyResponse{}, e
	}
	sel := jobSelection{Clips: r.Clips, CameraID: r.CameraID, Cameras: []string{"*"}}
	if !c.Access.All {
		sel.Cameras = append([]string{}, c.Access.Cameras...)
	}
	for _, cl := range r.Clips {
		if !c.Access.Allows(cl.CameraID) {
			return events.APIGatewayProxyResponse{}, errForbidden
		}
	}
	if r.CameraID != "" && !c.Access.Allows(r.CameraID) {
		return events.APIGatewayProxyResponse{}, errForbidden
	}
	switch {
	case r.Day != "":
		d, _ := time.Parse("2006-01-02", r.Day)
		sel.From, sel.To = d, d.Add(24*time.Hour)
	case len(r.Clips) == 0:
		sel.From, _ = parseTime("from", r.From)
		sel.To, _ = parseTime("to", r.To)
	}
	b, _ := json.Marshal(sel)
	now := a.now().UTC().Truncate(time.Millisecond)
	id, err := clip.NewVideoID(now, rand.Reader)
	if err != nil {
		return events.APIGatewayProxyResponse{}, err
	}
	j := store.Job{ID: id, Action: r.Action, Selection: string(b), IncludeKept: r.IncludeKept, CreatedBy: c.Email, CreatedAt: now, Total: -1}
	if len(r.Clips) > 0 {
		j.Total = int64(len(r.Clips))
	}
	ev := activity.NewEntry(now, c.Email, activity.JobCreate)
	ev.Subject, ev.CameraID = id, r.CameraID
	ev.After = asJSON(map[string]any{"action": r.Action, "selection": json.RawMessage(b), "includeKept": r.IncludeKept})
	if err := a.Record(ctx, ev); err != nil {
		return events.APIGatewayProxyResponse{}, err
	}
	if err := a.store.PutJob(ctx, j); err != nil {
		return events.APIGatewayProxyResponse{}, err
	}
	a.log.Info("created bulk job", "audit", "job.create", "email", c.Email, "job", id, "action", r.Action)
	a.startJobRunner(ctx, id)
	return a.json(http.StatusCreated, toJobJSON(j)), nil
}

// runJob processes up to JobBatch clips of j, writing its state after each.
func (a *App) runJob(ctx context.Context, c Caller, j store.Job, sel jobSelection) (store.Job, error) {
	return a.stepJob(ctx, c, j, sel, JobBatch)
}

// stepJob processes up to n clips of j, writing its state after each: the
// one step code of POST /jobs/{jobId}/run and of the job runner. When
// another runner moved the job first it answers the job as it is now.
func (a *App) stepJob(ctx context.Context, c Caller, j store.Job, sel jobSelection, n int) (store.Job, error) {
	for ; n > 0 && !j.Done; n-- {
		v, cursor, found, err := a.nextJobClip(ctx, j, sel)
		if errors.Is(err, store.ErrJobMoved) {
			// Another run claimed the step first: answer where the job is
			// now (its next step takes up the claimed clip).
			return a.store.GetJob(ctx, j.ID)
		}
		if err != nil {
			return j, err
		}
		st := store.JobStep{Cursor: cursor}
		if !found {
			st.Done = true
		} else {
			st.Processed = 1
			switch outcome := a.jobClip(ctx, c, j, v); outcome {
			case "deleted":
				st.Deleted = 1
			case "kept":
				st.Kept = 1
			case "skipped":
				st.Skipped = 1
			default:
				st.Failed = 1
			}
		}
		next, err := a.store.StepJob(ctx, j, st)
		if errors.Is(err, store.ErrJobMoved) {
			// Another run is ahead: answer where the job is now.
			return a.store.GetJob(ctx, j.ID)
		}
		if err != nil {
			return j, err
		}
		j = next
		if j.Done {
			ev := activity.NewEntry(a.now(), c.Email, activity.JobDone)
			ev.Subject = j.ID
			ev.After = asJSON(map[string]int64{"processed": j.Processed, "deleted": j.Deleted, "kept": j.Kept, "skipped": j.Skipped, "failed": j.Failed})
			if err := a.Record(ctx, ev); err != nil {
				a.log.Error("bulk job done but not recorded in the activity trail", "job", j.ID, "error", err)
			}
			a.log.Info("bulk job done", "audit", "job.done", "job", j.ID, "processed", j.Processed, "deleted", j.Deleted, "kept", j.Kept, "skipped", j.Skipped, "failed", j.Failed)
		}
	}
	return j, nil
}

// nextJobClip returns the clip after the job's cursor, the cursor after
// it, and false when none is left.
func (a *App) nextJobClip(ctx context.Context, j store.Job, sel jobSelection) (clip.Video, string, bool, error) {
	if len(sel.Clips) > 0 {
		i := int(j.Processed)
		if i >= len(sel.Clips) {
			return clip.Video{}, strconv.Itoa(i), false, nil
		}
		cl := sel.Clips[i]
		// A clip gone already is still this step's: jobClip sees the zero
		// record's ids.
		v, err := a.store.GetVideo(ctx, cl.CameraID, cl.VideoID)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return clip.Video{}, "", false, err
		}
		v.CameraID, v.ID = cl.CameraID, cl.VideoID
		return v, strconv.Itoa(i + 1), true, nil
	}
	if j.Pending != "" {
		// A step is about this clip already (claimed by this runner or
		// another): take it up, deleted or not.
		vid, cam, _ := strings.Cut(j.Pending, "#")
		v, err := a.store.GetVideo(ctx, cam, vid)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return clip.Video{}, "", false, err
		}
		v.CameraID, v.ID = cam, vid
		return v, j.Pending, true, nil
	}
	q := store.Query{From: sel.From, To: sel.To, Limit: 1}
	if vid, cam, ok := strings.Cut(j.Cursor, "#"); ok {
		q.After = store.Position{VideoID: vid, CameraID: cam}
	}
	var page store.Page
	var err error
	switch {
	case sel.CameraID != "":
		page, err = a.store.CameraVideos(ctx, sel.CameraID, q)
	case len(sel.Cameras) == 1 && sel.Cameras[0] == "*":
		page, err = a.store.Timeline(ctx, q)
	default:
		page, err = a.store.CamerasVideos(ctx, sel.Cameras, q)
	}
	if err != nil {
		return clip.Video{}, "", false, err
	}
	if len(page.Videos) == 0 {
		return clip.Video{}, j.Cursor, false, nil
	}
	v := page.Videos[0]
	pos := v.ID + "#" + v.CameraID
	// Claim it, so a runner at the same point takes the same clip even once
	// this one's delete took it out of the range.
	if _, err := a.store.ClaimJobStep(ctx, j, pos); err != nil {
		return clip.Video{}, "", false, err
	}
	return v, pos, true, nil
}

// jobClip does the job's action to one clip: deleted, kept, skipped (a
// kept clip a delete spares) or failed.
func (a *App) jobClip(ctx context.Context, c Caller, j store.Job, v clip.Video) string {
	switch j.Action {
	case "delete":
		if v.ObjectKey == "" {
			return "deleted" // gone already, by this job or another hand
		}
		if v.Kept && !j.IncludeKept {
			return "skipped"
		}
		if _, err := a.removeClip(ctx, c.Email, v.CameraID, v.ID); err != nil && !errors.Is(err, store.ErrNotFound) {
			a.log.Error("bulk job could not delete a clip", "job", j.ID, "camera", v.CameraID, "video", v.ID, "error", err)
			return "failed"
		}
		return "deleted"
	default:
		if v.ObjectKey == "" {
			return "failed"
		}
		if err := a.keepClip(ctx, c.Email, v); err != nil {
			a.log.Error("bulk job could not keep a clip", "job", j.ID, "camera", v.CameraID, "video", v.ID, "error", err)
			return "failed"
		}
		return "kept"
	}
}

// keepClip is PUT .../keep for one clip: the trail entry, the objects'
// tag, then the record.
func (a *App) keepClip(ctx context.Context, actor string, v clip.Video) error {
	ev := activity.NewEntry(a.now(), actor, activity.ClipKeep)
	ev.CameraID, ev.VideoID = v.CameraID, v.ID
	if err := a.Record(ctx, ev); err != nil {
		return err
	}
	if err := a.bucket.SetRetention(ctx, v.ObjectKey, clip.RetentionKept); err != nil {
		return err
	}
	if v.ThumbnailKey != "" {
		if err := a.bucket.SetRetention(ctx, v.ThumbnailKey, clip.RetentionKept); err != nil && !errors.Is(err, media.ErrNotFound) {
			return err
		}
	}
	_, err := a.store.Keep(ctx, v.CameraID, v.ID)
	return err
}
