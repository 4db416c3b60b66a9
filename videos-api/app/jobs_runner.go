package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/camvault/camvault/videos-api/clip"
	"github.com/camvault/camvault/videos-api/grant"
	"github.com/camvault/camvault/videos-api/store"
)

// JobRunnerMargin is how much of an invocation's time the job runner
// leaves unused: once the deadline is nearer, it hands the job on to a
// fresh invocation rather than start another clip (one clip's delete or
// keep takes well under a second; the margin covers a slow one and the
// hand-off itself).
const JobRunnerMargin = 15 * time.Second

// JobEvent is the job runner's event: the job to run.
type JobEvent struct {
	// JobID is the job's id.
	JobID string `json:"jobId"`
}

// startJobRunner hands a new job to the runner. It never fails POST /jobs:
// an error is logged (and counted by the JobRunnerErrors metric filter),
// and the job stays recorded for /run to drive.
func (a *App) startJobRunner(ctx context.Context, id string) {
	if a.cfg.StartJob == nil {
		return
	}
	if err := a.cfg.StartJob(ctx, JobEvent{JobID: id}); err != nil {
		a.log.Error("job runner not started", "job", id, "error", err)
	}
}

// RunJob is the job runner (the job-runner Lambda): it runs the job's
// steps, the very ones POST /jobs/{jobId}/run takes, one clip at a time,
// until the job is done or ctx's deadline is within JobRunnerMargin; then
// it hands the job on to a fresh invocation (StartJob) and returns. It
// takes at least one step per invocation, so every hand-off is progress.
// A step another runner (a client's /run) took first is no error: the job
// is re-read and the runner goes on from there, and the conditional
// update of each step means no clip is ever counted twice. An unknown or
// finished job is a quiet no-op (an event retried or replayed). Clips are
// deleted or kept in the name of the job's creator, so it fails closed:
// before each step it reads the grant changes (the revocation records,
// cached as the handlers cache them) and stops, logging at WARN and
// returning nil (no retry), once the creator's access may have changed
// since the job was made (see creatorAccessChanged). A stopped job stays
// resumable by any admin through POST /jobs/{jobId}/run, which takes
// steps in that admin's name and access. A failure to read the records
// is an error (the invoke is retried).
func (a *App) RunJob(ctx context.Context, ev JobEvent) error {
	log := a.log.With("function", "job-runner", "job", ev.JobID)
	err := a.runJobToEnd(ctx, ev)
	if err != nil {
		log.Error("job runner failed", "error", err)
	}
	return err
}

func (a *App) runJobToEnd(ctx context.Context, ev JobEvent) error {
	if !clip.ValidVideoID(ev.JobID) {
		a.log.Warn("job runner: not a job id", "function", "job-runner")
		return nil
	}
	j, err := a.store.GetJob(ctx, ev.JobID)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	var sel jobSelection
	if err := json.Unmarshal([]byte(j.Selection), &sel); err != nil {
		return fmt.Errorf("app: job %s: selection: %w", j.ID, err)
	}
	c := Caller{Email: j.CreatedBy}
	deadline, hasDeadline := ctx.Deadline()
	for steps := 0; !j.Done; steps++ {
		if steps > 0 && hasDeadline && deadline.Sub(a.now()) < JobRunnerMargin {
			if a.cfg.StartJob == nil {
				return fmt.Errorf("app: job %s: out of time and no runner to hand it on to", j.ID)
			}
			if err := a.cfg.StartJob(ctx, ev); err != nil {
				return fmt.Errorf("app: job %s: handing on: %w", j.ID, err)
			}
			a.log.Info("job runner handed the job on", "function", "job-runner", "job", j.ID, "processed", j.Processed)
			return nil
		}
		if stop, err := a.creatorAccessChanged(ctx, j); err != nil {
			return fmt.Errorf("app: job %s: reading revocations: %w", j.ID, err)
		} else if stop {
			a.log.Warn("job runner stopped: the creator's access changed since the job was made",
				"function", "job-runner", "job", j.ID, "createdBy", j.CreatedBy, "processed", j.Processed)
			return nil
		}
		if j, err = a.stepJob(ctx, c, j, sel, 1); err != nil {
			return err
		}
	}
	return nil
}

// creatorAccessChanged reports whether the grant changes since j was made
// may have narrowed or removed its creator's access. The job records who
// made it and when, not what admitted them (an email grant, a domain
// grant, a static rule), so grant.Apply cannot tell which records bite:
// any record naming the creator's address or its domain that a decision
// at CreatedAt is subject to (grant.Touched: from CreatedAt less grant.Lag
// on) counts, even one that left them an admin over the same cameras.
// Owners (ADMIN_EMAILS) outrank every grant, as in applyRevocations.
func (a *App) creatorAccessChanged(ctx context.Context, j store.Job) (bool, error) {
	if a.isOwner(j.CreatedBy) {
		return false, nil
	}
	revs, err := a.revocations(ctx)
	if err != nil {
		return false, err
	}
	return grant.Touched(j.CreatedBy, j.CreatedAt, revs), nil
}
