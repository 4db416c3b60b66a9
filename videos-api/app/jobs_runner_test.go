package app_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/camvault/camvault/videos-api/app"
)

// handoffs records the events handed to the job runner, as Lambda's
// asynchronous invoke queues them; fail makes the hand-off fail.
type handoffs struct {
	mu     sync.Mutex
	events []app.JobEvent
	fail   error
}

func (h *handoffs) start(_ context.Context, ev app.JobEvent) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.fail != nil {
		return h.fail
	}
	h.events = append(h.events, ev)
	return nil
}

// next takes the oldest queued event.
func (h *handoffs) next() (app.JobEvent, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.events) == 0 {
		return app.JobEvent{}, false
	}
	ev := h.events[0]
	h.events = h.events[1:]
	return ev, true
}

// deadlineCtx is a Lambda invocation's context as the runner sees it: a
// deadline on the app's clock (the test clock), which never fires by
// itself.
type deadlineCtx struct {
	context.Context
	at time.Time
}

func (c deadlineCtx) Deadline() (time.Time, bool) { return c.at, true }

// jobDay uploads 30 clips on 2026-11-24 (two cameras), keeps two of them
// and returns them.
func (e *env) jobDay() []string {
	e.t.Helper()
	var day []string
	for i := range 30 {
		cam := []string{"porch", "garage"}[i%2]
		day = append(day, cam+"/"+e.upload(cam, fmt.Sprintf("2026-11-24T%02d:%02d:00Z", i/2, i%60), i, false))
	}
	for _, k := range day[:2] {
		cam, vid, _ := strings.Cut(k, "/")
		if code, _ := e.call(viewer, "PUT", "/cameras/"+cam+"/videos/"+vid+"/keep"); code != http.StatusOK {
			e.t.Fatalf("keep %s: %d", k, code)
		}
	}
	return day
}

// trailOf returns the trail's actions about a job.
func (e *env) trailOf(id string) []string {
	e.t.Helper()
	_, trail := e.call(admin, "GET", "/audit")
	var seen []string
	for _, it := range trail["items"].([]any) {
		if m := it.(map[string]any); m["subject"] == id {
			seen = append(seen, m["action"].(string))
		}
	}
	sort.Strings(seen)
	return seen
}

func TestJobRunnerFinishesAJobAlone(t *testing.T) {
	h := &handoffs{}
	e := newEnvWith(t, func(cfg *app.Config, _ *testClock) { cfg.StartJob = h.start })
	e.jobDay()
	id := e.startJob(admin, `{"action": "delete", "day": "2026-11-24"}`)
	ev, ok := h.next()
	if !ok || ev.JobID != id {
		t.Fatalf("POST /jobs handed %+v (%v) to the runner, want job %s", ev, ok, id)
	}
	// No deadline: the runner runs the whole job in one invocation, with
	// no /run call.
	if err := e.app.RunJob(context.Background(), ev); err != nil {
		t.Fatal(err)
	}
	if more, ok := h.next(); ok {
		t.Fatalf("a job done in one invocation was handed on: %+v", more)
	}
	code, job := e.call(admin, "GET", "/jobs/"+id)
	if got, want := counts(job), "processed=30 deleted=28 kept=0 skipped=2 failed=0"; code != http.StatusOK || job["status"] != "done" || got != want {
		t.Fatalf("after the runner: %d %v %s, want done %s", code, job["status"], got, want)
	}
	_, list := e.call(viewer, "GET", "/videos?from=2026-11-24T00:00:00Z&to=2026-11-25T00:00:00Z")
	if left := itemIDs(list); len(left) != 2 {
		t.Fatalf("left on the day %v, want the 2 kept", left)
	}
	if got := fmt.Sprint(e.trailOf(id)); got != "[job.create job.done]" {
		t.Fatalf("trail for the job: %v", got)
	}
	// A replayed event, an unknown job and a malformed id change nothing.
	for _, ev := range []app.JobEvent{{JobID: id}, {JobID: clipID("2026-11-20T10:00:00Z", 7)}, {JobID: "nope"}} {
		if err := e.app.RunJob(context.Background(), ev); err != nil {
			t.Fatalf("run %+v: %v", ev, err)
		}
	}
	if _, again := e.call(admin, "GET", "/jobs/"+id); counts(again) != counts(job) {
		t.Fatalf("a replayed event moved a finished job: %s", counts(again))
	}
}

func TestJobRunnerHandsOnNearItsDeadline(t *testing.T) {
	h := &handoffs{}
	var clock *testClock
	e := newEnvWith(t, func(cfg *app.Config, c *testClock) {
		clock = c
		cfg.StartJob = h.start
		// Every reading of the app's clock is a second later: time passes
		// as the runner works, without a wall clock.
		cfg.Now = func() time.Time { c.Advance(time.Second); return c.Now() }
	})
	e.jobDay()
	id := e.startJob(admin, `{"action": "delete", "day": "2026-11-24"}`)
	invocations := 0
	for {
		ev, ok := h.next()
		if !ok {
			break
		}
		if invocations++; invocations > 100 {
			t.Fatal("the job never finished")
		}
		// Each invocation has 40 s, of which the runner leaves
		// JobRunnerMargin (15 s) unused.
		ctx := deadlineCtx{context.Background(), clock.Now().Add(app.JobRunnerMargin + 25*time.Second)}
		if err := e.app.RunJob(ctx, ev); err != nil {
			t.Fatal(err)
		}
		_, job := e.call(admin, "GET", "/jobs/"+id)
		if _, handed := h.peek(); handed == (job["status"] == "done") {
			t.Fatalf("invocation %d: handed on %v with the job %v (%s)", invocations, handed, job["status"], counts(job))
		}
		if p := job["processed"].(float64); p == 0 {
			t.Fatalf("invocation %d handed on at processed=%v", invocations, p)
		}
	}
	if invocations < 3 {
		t.Fatalf("30 clips in %d invocation(s): the deadline did not hand the job on", invocations)
	}
	_, job := e.call(admin, "GET", "/jobs/"+id)
	if got, want := counts(job), "processed=30 deleted=28 kept=0 skipped=2 failed=0"; job["status"] != "done" || got != want {
		t.Fatalf("after %d invocations: %v %s, want done %s", invocations, job["status"], got, want)
	}
	if got := fmt.Sprint(e.trailOf(id)); got != "[job.create job.done]" {
		t.Fatalf("trail for the job: %v", got)
	}
}

// peek says whether an event is queued.
func (h *handoffs) peek() (app.JobEvent, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.events) == 0 {
		return app.JobEvent{}, false
	}
	return h.events[0], true
}

func TestJobRunnerAndConcurrentRunCallsCountEachClipOnce(t *testing.T) {
	h := &handoffs{}
	e := newEnvWith(t, func(cfg *app.Config, _ *testClock) { cfg.StartJob = h.start })
	e.jobDay()
	id := e.startJob(admin, `{"action": "delete", "day": "2026-11-24"}`)
	ev, _ := h.next()
	var wg sync.WaitGroup
	errs := make(chan error, 2)
	for range 2 {
		wg.Add(1)
		go func() { defer wg.Done(); errs <- e.app.RunJob(context.Background(), ev) }()
	}
	for range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 10 {
				if code, body := e.callBody(admin, "POST", "/jobs/"+id+"/run", ""); code != http.StatusOK && code != http.StatusAccepted {
					errs <- fmt.Errorf("run: %d %v", code, body)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	code, job := e.call(admin, "GET", "/jobs/"+id)
	if got, want := counts(job), "processed=30 deleted=28 kept=0 skipped=2 failed=0"; code != http.StatusOK || job["status"] != "done" || got != want {
		t.Fatalf("runners and /run at once: %d %v %s, want done %s", code, job["status"], got, want)
	}
	// Exactly one of them finished it.
	if got := fmt.Sprint(e.trailOf(id)); got != "[job.create job.done]" {
		t.Fatalf("trail for the job: %v", got)
	}
	if _, list := e.call(viewer, "GET", "/videos?from=2026-11-24T00:00:00Z&to=2026-11-25T00:00:00Z"); len(itemIDs(list)) != 2 {
		t.Fatalf("left on the day %v, want the 2 kept", itemIDs(list))
	}
}

func TestJobRunnerHandOffFailure(t *testing.T) {
	h := &handoffs{fail: errors.New("lambda: throttled")}
	var logs bytes.Buffer
	var mu sync.Mutex
	e := newEnvWith(t, func(cfg *app.Config, _ *testClock) {
		cfg.StartJob = h.start
		cfg.Logger = slog.New(slog.NewTextHandler(&lockedWriter{w: &logs, mu: &mu}, nil))
	})
	e.jobDay()
	// The job is still made (201), the failure logged at ERROR.
	id := e.startJob(admin, `{"action": "delete", "day": "2026-11-24"}`)
	mu.Lock()
	out := logs.String()
	mu.Unlock()
	if !strings.Contains(out, `level=ERROR msg="job runner not started"`) || !strings.Contains(out, "job="+id) {
		t.Fatalf("hand-off failure not logged at ERROR:\n%s", out)
	}
	// A runner out of time that cannot hand on fails (Lambda retries the
	// event), having done at least one clip.
	ctx := deadlineCtx{context.Background(), now}
	if err := e.app.RunJob(ctx, app.JobEvent{JobID: id}); err == nil {
		t.Fatal("a runner that could not hand the job on succeeded")
	}
	_, job := e.call(admin, "GET", "/jobs/"+id)
	if job["processed"] != 1.0 {
		t.Fatalf("the runner out of time did %v clips, want 1", job["processed"])
	}
	// Clients can still drive it.
	job, _ = e.runToEnd(admin, id)
	if got, want := counts(job), "processed=30 deleted=28 kept=0 skipped=2 failed=0"; got != want {
		t.Fatalf("driven by /run: %s, want %s", got, want)
	}
}

// lockedWriter serialises writes to a buffer read by the test.
type lockedWriter struct {
	w  *bytes.Buffer
	mu *sync.Mutex
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
