package stack_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"log/slog"
	"net"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/camvault/camvault/local/stack"
	"github.com/camvault/camvault/videos-api/clip"
)

// syncBuffer collects the stack's log lines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// startLogged starts an unseeded stack whose logs go to the returned buffer.
func startLogged(t *testing.T) (*env, *syncBuffer) {
	t.Helper()
	dir := t.TempDir()
	logs := &syncBuffer{}
	e := &env{dir: dir, clock: &clock{t: time.Now()}, auth: &counter{calls: map[string]int{}}}
	s, err := stack.Start(context.Background(), stack.Options{
		DataDir: dir, CacheTTL: 300 * time.Second, NoSeed: true,
		AllowedDomains: []string{"example.com"}, AdminEmails: []string{"admin@example.com"},
		WebDir: filepath.Join(dir, "no-web"), Now: e.clock.Now, WrapAuthorizer: e.auth.wrap,
		Log: slog.New(slog.NewTextHandler(logs, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	e.s = s
	t.Cleanup(s.Close)
	return e, logs
}

// eventually polls cond until it holds, failing the test after a generous
// bound (a bound on a hang, not a timing assertion).
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(25 * time.Millisecond)
	}
}

// TestDynamoDBSupervised kills the stack's dynalite as a crash would: while
// it is down the API answers a clear, retryable 503 storage_unavailable; the
// supervisor logs the crash with dynalite's output, restarts it on the same
// port and data dir, and every clip is still there.
func TestDynamoDBSupervised(t *testing.T) {
	e, logs := startLogged(t)
	viewer := e.token(t, "viewer@example.com")
	endpoint := e.s.Info().DynamoDBURL
	captured := time.Now().UTC().Add(-time.Hour).Truncate(time.Millisecond)
	id, _ := clip.NewVideoID(captured, rand.Reader)
	key, _, _ := clip.ObjectKeys("garage", id)
	if _, err := e.s.S3().PutObject(context.Background(), &s3.PutObjectInput{Bucket: aws.String(stack.Bucket), Key: aws.String(key), Body: strings.NewReader("x"), IfNoneMatch: aws.String("*")}); err != nil {
		t.Fatal(err)
	}
	e.s.WaitIngest()
	listed := func() bool {
		var vids list
		r := e.do(t, "GET", "/cameras/garage/videos", viewer)
		if r.status != 200 {
			return false
		}
		r.json(t, &vids)
		return len(vids.Items) == 1 && vids.Items[0].ID == id
	}
	if !listed() {
		t.Fatal("the clip is not listed before the crash")
	}

	release := e.s.HoldDynamoDB()
	defer release()
	if err := e.s.KillDynamoDB(); err != nil {
		t.Fatal(err)
	}
	if err := e.s.KillDynamoDB(); err == nil {
		t.Error("a second KillDynamoDB while dynalite is down succeeded")
	}
	for range 3 {
		r := e.do(t, "GET", "/cameras/garage/videos", viewer)
		var body struct {
			Error struct{ Code string } `json:"error"`
		}
		r.json(t, &body)
		if r.status != 503 || body.Error.Code != "storage_unavailable" || r.header.Get("Retry-After") == "" {
			t.Fatalf("while dynalite is down: %d %v %s, want a 503 storage_unavailable with Retry-After", r.status, r.header, r.body)
		}
	}
	if n := e.s.DynamoDBRestarts(); n != 0 {
		t.Fatalf("%d restarts while held", n)
	}
	if l := logs.String(); !strings.Contains(l, "dynalite (the local DynamoDB) exited unexpectedly") || !strings.Contains(l, "signal: killed") {
		t.Errorf("the crash is not logged clearly:\n%s", l)
	}

	release()
	eventually(t, "the first restart", func() bool { return e.s.DynamoDBRestarts() == 1 })
	if e.s.Info().DynamoDBURL != endpoint {
		t.Errorf("DynamoDB endpoint changed to %s", e.s.Info().DynamoDBURL)
	}
	if !listed() {
		t.Fatal("the clip is not listed after the restart")
	}

	// Unheld, as after a real crash: the supervisor restarts it by itself,
	// and the stack takes writes again.
	if err := e.s.KillDynamoDB(); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the second restart", func() bool { return e.s.DynamoDBRestarts() == 2 })
	if !listed() {
		t.Fatal("the clip is not listed after the second restart")
	}
	id2, _ := clip.NewVideoID(captured.Add(time.Minute), rand.Reader)
	key2, _, _ := clip.ObjectKeys("garage", id2)
	if _, err := e.s.S3().PutObject(context.Background(), &s3.PutObjectInput{Bucket: aws.String(stack.Bucket), Key: aws.String(key2), Body: strings.NewReader("x"), IfNoneMatch: aws.String("*")}); err != nil {
		t.Fatal(err)
	}
	e.s.WaitIngest()
	var vids list
	r := e.do(t, "GET", "/cameras/garage/videos", viewer)
	r.json(t, &vids)
	if r.status != 200 || len(vids.Items) != 2 {
		t.Fatalf("after a write following recovery: %d %s", r.status, r.body)
	}
	if !strings.Contains(logs.String(), "dynalite (the local DynamoDB) restarted") {
		t.Errorf("the restart is not logged:\n%s", logs.String())
	}
	select {
	case err := <-e.s.Died():
		t.Fatalf("the stack died: %v", err)
	default:
	}
}

// TestDynamoDBGivesUp: when dynalite cannot come back (here its port is
// taken while it is down), the supervisor gives up after a few attempts and
// Died says why, so camvault-local stops instead of serving 503s forever.
func TestDynamoDBGivesUp(t *testing.T) {
	e, logs := startLogged(t)
	u, err := url.Parse(e.s.Info().DynamoDBURL)
	if err != nil {
		t.Fatal(err)
	}
	release := e.s.HoldDynamoDB()
	defer release()
	if err := e.s.KillDynamoDB(); err != nil {
		t.Fatal(err)
	}
	squatter, err := net.Listen("tcp", u.Host)
	if err != nil {
		t.Fatal(err)
	}
	defer squatter.Close()
	release()
	select {
	case err := <-e.s.Died():
		if msg := err.Error(); !strings.Contains(msg, "gives up") || !strings.Contains(msg, "in use") {
			t.Errorf("Died: %v; want it to give up and say the port is in use", err)
		}
	case <-time.After(2 * time.Minute): // a bound on a hang
		t.Fatal("the supervisor never gave up")
	}
	if n := e.s.DynamoDBRestarts(); n != 0 {
		t.Errorf("%d restarts counted, none succeeded", n)
	}
	if got := strings.Count(logs.String(), "dynalite did not restart"); got < 2 {
		t.Errorf("%d failed restarts logged, want several:\n%s", got, logs.String())
	}
	e.s.Close() // what camvault-local does on Died: must not hang
}
