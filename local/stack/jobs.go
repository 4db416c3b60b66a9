package stack

import (
	"context"
	"errors"
	"time"

	"github.com/camvault/camvault/videos-api/app"
)

// jobRunnerTimeout is a runner invocation's time, as the job-runner
// Lambda's timeout: the runner hands a longer job on to a fresh one.
const jobRunnerTimeout = 5 * time.Minute

// startJobs returns the StartJob of the videos app: like Lambda's
// asynchronous invoke of the job-runner function, it hands the job over
// and returns at once, and the runner (run, the app's RunJob) works in its
// own goroutine, with the invocation's deadline; its hand-offs come back
// here. Close cancels the runners still working and waits for them.
func (s *Stack) startJobs(run func(context.Context, app.JobEvent) error) func(context.Context, app.JobEvent) error {
	base, cancel := context.WithCancel(context.Background())
	s.stopJobs = cancel
	return func(_ context.Context, ev app.JobEvent) error {
		s.jobsMu.Lock()
		defer s.jobsMu.Unlock()
		if base.Err() != nil {
			return errors.New("stack: closing, no job runner")
		}
		s.jobs.Add(1)
		go func() {
			defer s.jobs.Done()
			ctx, cancel := context.WithTimeout(base, jobRunnerTimeout)
			defer cancel()
			// The app logs a runner's failure itself.
			_ = run(ctx, ev)
		}()
		return nil
	}
}

// WaitJobs blocks until every job runner started so far has returned
// (a job is done, or handed on to a runner that has not returned yet).
func (s *Stack) WaitJobs() { s.jobs.Wait() }

// closeJobs cancels the job runners still working and waits for them; a
// job they leave part way stays recorded, and a client's /run resumes it.
func (s *Stack) closeJobs() {
	if s.stopJobs == nil {
		return
	}
	s.jobsMu.Lock()
	s.stopJobs()
	s.jobsMu.Unlock()
	s.jobs.Wait()
}
