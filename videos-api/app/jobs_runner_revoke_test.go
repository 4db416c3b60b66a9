package app_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/camvault/camvault/dynalite/dynalitetest"
	"github.com/camvault/camvault/videos-api/app"
	"github.com/camvault/camvault/videos-api/grant"
	"github.com/camvault/camvault/videos-api/store"
)

const untouched = "processed=0 deleted=0 kept=0 skipped=0 failed=0"

// revoke records a grant change as the console does, and moves the clock
// past the revocation cache's TTL, so every function has read it.
func (e *env) revoke(r grant.Revocation) {
	e.t.Helper()
	if err := store.New(e.ddb, e.table).PutRevocation(context.Background(), r); err != nil {
		e.t.Fatal(err)
	}
	e.clock.Advance(app.DefaultRevocationCacheTTL)
}

// TestJobRunnerStopsWhenTheCreatorsAccessChanged: the runner acts in its
// creator's name, so a grant change naming the creator or their domain
// after the job was made stops it before any step, quietly (no error, no
// retry); an admin's /run, which checks that admin's own access, finishes
// it.
func TestJobRunnerStopsWhenTheCreatorsAccessChanged(t *testing.T) {
	for _, tt := range []struct {
		name string
		rev  func(at time.Time) grant.Revocation
	}{
		{"address removed", func(at time.Time) grant.Revocation { return grant.Removal("admin@example.com", at) }},
		{"domain narrowed", func(at time.Time) grant.Revocation {
			return grant.Changed(grant.Grant{Subject: "example.com", Role: grant.Viewer, Cameras: []string{"porch"}}, at)
		}},
		// Admin over every camera still, but the job does not record what
		// admitted its creator: any change counts.
		{"address rewritten unchanged", func(at time.Time) grant.Revocation {
			return grant.Changed(grant.Grant{Subject: "admin@example.com", Role: grant.Admin, All: true}, at)
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			h := &handoffs{}
			var logs bytes.Buffer
			var mu sync.Mutex
			e := newEnvWith(t, func(cfg *app.Config, _ *testClock) {
				cfg.StartJob = h.start
				cfg.Logger = slog.New(slog.NewTextHandler(&lockedWriter{w: &logs, mu: &mu}, nil))
			})
			e.jobDay()
			id := e.startJob(admin, `{"action": "delete", "day": "2026-11-24"}`)
			ev, _ := h.next()
			e.clock.Advance(time.Second)
			e.revoke(tt.rev(e.clock.Now()))
			if err := e.app.RunJob(context.Background(), ev); err != nil {
				t.Fatalf("a stopped runner returned %v, want nil (no retry)", err)
			}
			if more, ok := h.next(); ok {
				t.Fatalf("a stopped runner handed the job on: %+v", more)
			}
			// Read by an admin of another domain, whom the change spares.
			other := caller("ops@example.org", "admin", "*")
			other["domain"] = "example.org"
			_, job := e.call(other, "GET", "/jobs/"+id)
			if got := counts(job); job["status"] != "running" || got != untouched {
				t.Fatalf("after the stopped runner: %v %s, want running %s", job["status"], got, untouched)
			}
			mu.Lock()
			out := logs.String()
			mu.Unlock()
			line := ""
			for _, l := range strings.Split(out, "\n") {
				if strings.Contains(l, "job runner stopped") {
					line = l
				}
			}
			if !strings.Contains(line, `level=WARN msg="job runner stopped: the creator's access changed since the job was made"`) ||
				!strings.Contains(line, "job="+id) || !strings.Contains(line, "createdBy=admin@example.com") {
				t.Fatalf("stop not logged at WARN with the job and its creator:\n%s", out)
			}
			if strings.Contains(out, "level=ERROR") {
				t.Fatalf("a stop is no error:\n%s", out)
			}
			// Another admin finishes it with /run, in their own name.
			job, _ = e.runToEnd(other, id)
			if got, want := counts(job), "processed=30 deleted=28 kept=0 skipped=2 failed=0"; got != want {
				t.Fatalf("driven by /run: %s, want %s", got, want)
			}
		})
	}
}

// TestJobRunnerIgnoresOtherAndEarlierChanges: a change for someone else,
// another domain, or the creator well before the job was made does not
// stop it.
func TestJobRunnerIgnoresOtherAndEarlierChanges(t *testing.T) {
	h := &handoffs{}
	e := newEnvWith(t, func(cfg *app.Config, _ *testClock) { cfg.StartJob = h.start })
	e.jobDay()
	// Made before the job, by more than grant.Lag.
	if err := store.New(e.ddb, e.table).PutRevocation(context.Background(),
		grant.Changed(grant.Grant{Subject: "admin@example.com", Role: grant.Admin, All: true}, e.clock.Now().Add(-grant.Lag-time.Second))); err != nil {
		t.Fatal(err)
	}
	id := e.startJob(admin, `{"action": "delete", "day": "2026-11-24"}`)
	ev, _ := h.next()
	e.clock.Advance(time.Second)
	e.revoke(grant.Removal("someone@example.com", e.clock.Now()))
	e.revoke(grant.Removal("example.org", e.clock.Now()))
	if err := e.app.RunJob(context.Background(), ev); err != nil {
		t.Fatal(err)
	}
	_, job := e.call(admin, "GET", "/jobs/"+id)
	if got, want := counts(job), "processed=30 deleted=28 kept=0 skipped=2 failed=0"; job["status"] != "done" || got != want {
		t.Fatalf("after the runner: %v %s, want done %s", job["status"], got, want)
	}
}

// TestJobRunnerFailsClosedWhenRevocationsCannotBeRead: a runner that
// cannot read the grant changes takes no step and fails (Lambda retries).
func TestJobRunnerFailsClosedWhenRevocationsCannotBeRead(t *testing.T) {
	h := &handoffs{}
	e := newEnvWith(t, func(cfg *app.Config, _ *testClock) { cfg.StartJob = h.start })
	e.jobDay()
	id := e.startJob(admin, `{"action": "delete", "day": "2026-11-24"}`)
	ev, _ := h.next()

	// The runner's DynamoDB refuses the revocations Query (and only it).
	target, err := url.Parse(dynalitetest.Shared(t))
	if err != nil {
		t.Fatal(err)
	}
	proxy := httputil.NewSingleHostReverseProxy(target)
	var refused atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		if strings.HasSuffix(r.Header.Get("X-Amz-Target"), ".Query") && bytes.Contains(body, []byte(`"REVOKE#"`)) {
			refused.Add(1)
			w.Header().Set("Content-Type", "application/x-amz-json-1.0")
			w.WriteHeader(http.StatusBadRequest)
			_, _ = w.Write([]byte(`{"__type":"com.amazonaws.dynamodb.v20120810#AccessDeniedException","message":"denied"}`))
			return
		}
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	cfg, _ := app.ConfigFromEnv(mapEnv(map[string]string{
		"TABLE_NAME": e.table, "BUCKET_NAME": bucket, "WEB_ORIGIN": webOrigin, "CURSOR_SECRET": secret,
	}))
	cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	cfg.Now = e.clock.Now
	cfg.StartJob = h.start
	broken := dynamodb.New(dynamodb.Options{
		Region: "us-east-1", BaseEndpoint: aws.String(srv.URL),
		Credentials: credentials.NewStaticCredentialsProvider("AKIDTEST", "secret-test", ""),
	})
	runner := app.New(cfg, broken, e.s3)
	if err := runner.RunJob(context.Background(), ev); err == nil {
		t.Fatal("a runner that could not read the revocations succeeded")
	}
	if refused.Load() == 0 {
		t.Fatal("the runner never asked for the revocations")
	}
	_, job := e.call(admin, "GET", "/jobs/"+id)
	if got := counts(job); job["status"] != "running" || got != untouched {
		t.Fatalf("after the failed runner: %v %s, want running %s", job["status"], got, untouched)
	}
	// The retried invoke, with the records readable, finishes it.
	if err := e.app.RunJob(context.Background(), ev); err != nil {
		t.Fatal(err)
	}
	if _, job = e.call(admin, "GET", "/jobs/"+id); job["status"] != "done" {
		t.Fatalf("the retry left the job %v (%s)", job["status"], counts(job))
	}
}
