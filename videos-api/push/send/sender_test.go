package send_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/camvault/camvault/authorizer/access"
	"github.com/camvault/camvault/dynalite/dynalitetest"
	"github.com/camvault/camvault/videos-api/clip"
	"github.com/camvault/camvault/videos-api/push"
	"github.com/camvault/camvault/videos-api/push/pushtest"
	"github.com/camvault/camvault/videos-api/push/send"
	"github.com/camvault/camvault/videos-api/store"
)

func TestMain(m *testing.M) {
	code := m.Run()
	dynalitetest.Stop()
	os.Exit(code)
}

const webOrigin = "https://videos.example.com"

var seq atomic.Int64

// grants is an in-memory grant source for the access rules.
type grants struct {
	mu   sync.Mutex
	byID map[string]access.Grant
	fail bool
}

func (g *grants) Grant(_ context.Context, subject string) (access.Grant, bool, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.fail {
		return access.Grant{}, false, errors.New("grants table down")
	}
	gr, ok := g.byID[subject]
	return gr, ok, nil
}

func (g *grants) set(subject string, cameras ...string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.byID[subject] = access.Grant{Subject: subject, Role: access.Viewer, Cameras: cameras}
}

type syncBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuf) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuf) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// fixture is one test's sender over its own table and push service.
type fixture struct {
	t      *testing.T
	ctx    context.Context
	store  *push.Store
	svc    *pushtest.Service
	sender *send.Sender
	grants *grants
	now    time.Time
	logs   *syncBuf
	keys   push.VAPIDKeys
	subs   map[string]*pushtest.Subscriber
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	ctx := context.Background()
	ddb := dynamodb.New(dynamodb.Options{
		Region: "us-east-1", BaseEndpoint: aws.String(dynalitetest.Shared(t)),
		Credentials: credentials.NewStaticCredentialsProvider("AKIDTEST", "secret-test", ""),
	})
	table := fmt.Sprintf("push-%d", seq.Add(1))
	if err := store.CreateTable(ctx, ddb, table); err != nil {
		t.Fatal(err)
	}
	f := &fixture{t: t, ctx: ctx, store: push.NewStore(ddb, table), grants: &grants{byID: map[string]access.Grant{}},
		now: time.Date(2026, 11, 25, 15, 0, 0, 0, time.UTC), logs: &syncBuf{}, subs: map[string]*pushtest.Subscriber{}}
	srv := httptest.NewServer(http.NotFoundHandler())
	f.svc = pushtest.NewService(srv.URL)
	srv.Config.Handler = f.svc
	t.Cleanup(srv.Close)
	rules, err := access.NewRules([]string{"example.com"}, nil, []string{"boss@example.com"}, f.grants, nil)
	if err != nil {
		t.Fatal(err)
	}
	f.keys, err = push.KeysFromSecret([]byte("a test VAPID secret of at least thirty-two bytes"))
	if err != nil {
		t.Fatal(err)
	}
	f.sender, err = send.NewSender(send.SenderConfig{
		Store: f.store, Rules: rules, Keys: f.keys, WebOrigin: webOrigin,
		HTTPClient: srv.Client(), Backoff: func(int, time.Duration) time.Duration { return 0 },
		Now:    func() time.Time { return f.now },
		Logger: slog.New(slog.NewJSONHandler(f.logs, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// subscribe stores a subscription of person (sub) for a browser called name.
func (f *fixture) subscribe(name, sub, email, domain string, cameras []string) {
	f.t.Helper()
	s, err := pushtest.NewSubscriber(f.svc.Endpoint(name))
	if err != nil {
		f.t.Fatal(err)
	}
	f.subs[name] = s
	err = f.store.PutSubscription(f.ctx, push.Subscription{
		ID: push.SubscriptionID(s.Endpoint), Sub: sub, Email: email, Domain: domain,
		Endpoint: s.Endpoint, P256DH: s.P256DH(), Auth: s.Auth(), Cameras: cameras, CreatedAt: f.now,
	})
	if err != nil {
		f.t.Fatal(err)
	}
}

func (f *fixture) clip(camera string) push.ClipEvent {
	id, err := clip.NewVideoID(f.now, strings.NewReader(fmt.Sprintf("%010d", seq.Add(1))))
	if err != nil {
		f.t.Fatal(err)
	}
	return push.ClipEvent{CameraID: camera, VideoID: id, CapturedAt: f.now.Add(-2 * time.Second), CameraName: "Porch " + camera}
}

func (f *fixture) send(ev push.ClipEvent) send.Outcome {
	f.t.Helper()
	out, err := f.sender.Send(f.ctx, ev)
	if err != nil {
		f.t.Fatal(err)
	}
	return out
}

// delivered decrypts every message the push service holds, by browser.
func (f *fixture) delivered() map[string][]push.Payload {
	f.t.Helper()
	got := map[string][]push.Payload{}
	for _, m := range f.svc.Received() {
		s := f.subs[m.Name]
		plain, err := s.Decrypt(m.Body)
		if err != nil {
			f.t.Fatalf("decrypting the push to %s: %v", m.Name, err)
		}
		var p push.Payload
		if err := json.Unmarshal(plain, &p); err != nil {
			f.t.Fatalf("payload %q: %v", plain, err)
		}
		if m.Key != f.keys.Public {
			f.t.Errorf("push to %s signed by k=%s, want the stage's public key", m.Name, m.Key)
		}
		if m.TTL <= 0 || m.Urgency != "high" {
			f.t.Errorf("push to %s: TTL %d urgency %q", m.Name, m.TTL, m.Urgency)
		}
		got[m.Name] = append(got[m.Name], p)
	}
	return got
}

func TestSendDecryptsToTheClip(t *testing.T) {
	f := newFixture(t)
	f.subscribe("phone", "sub-viewer", "viewer@example.com", "example.com", nil)
	ev := f.clip("porch")
	out := f.send(ev)
	if out.Sent != 1 || out.Failed != 0 {
		t.Fatalf("outcome %+v, want one sent", out)
	}
	got := f.delivered()["phone"]
	if len(got) != 1 {
		t.Fatalf("phone got %d alerts, want 1", len(got))
	}
	p := got[0]
	want := push.Payload{V: 1, Title: "Porch porch", CameraID: "porch", VideoID: ev.VideoID,
		CapturedAt: ev.CapturedAt.Format(time.RFC3339), URL: webOrigin + "/#/?clip=porch/" + ev.VideoID}
	if p != want {
		t.Errorf("payload\n got %+v\nwant %+v", p, want)
	}
	// Nothing in the payload may play the clip without signing in.
	raw, _ := json.Marshal(p)
	for _, bad := range []string{"X-Amz-", "Signature", "token", "Bearer"} {
		if strings.Contains(string(raw), bad) {
			t.Errorf("payload carries %q: %s", bad, raw)
		}
	}
	if logs := f.logs.String(); strings.Contains(logs, f.subs["phone"].Endpoint) || strings.Contains(logs, f.keys.Private) {
		t.Errorf("logs carry the endpoint or the VAPID private key:\n%s", logs)
	}
}

func TestSendRespectsGrantsAtSendTime(t *testing.T) {
	f := newFixture(t)
	// Subscribed while allowed everything; a grant since restricts them.
	f.subscribe("guest", "sub-guest", "guest@partner.org", "partner.org", nil)
	f.subscribe("stranger", "sub-stranger", "someone@elsewhere.org", "", nil)
	f.subscribe("viewer", "sub-viewer", "viewer@example.com", "example.com", nil)
	f.subscribe("garden-only", "sub-garden", "gardener@example.com", "example.com", []string{"garden"})
	f.grants.set("guest@partner.org", "garden")

	f.send(f.clip("porch"))
	got := f.delivered()
	if len(got["guest"]) != 0 || len(got["stranger"]) != 0 {
		t.Errorf("alerted people who may not see porch: %v", got)
	}
	if len(got["garden-only"]) != 0 {
		t.Errorf("alerted a subscription for other cameras")
	}
	if len(got["viewer"]) != 1 {
		t.Errorf("viewer got %d alerts, want 1", len(got["viewer"]))
	}

	f.svc.Reset()
	f.send(f.clip("garden"))
	got = f.delivered()
	for _, name := range []string{"guest", "viewer", "garden-only"} {
		if len(got[name]) != 1 {
			t.Errorf("%s got %d garden alerts, want 1", name, len(got[name]))
		}
	}

	// The grant is revoked: guest is no longer alerted.
	f.svc.Reset()
	f.grants.set("guest@partner.org", "porch")
	f.now = f.now.Add(10 * time.Minute)
	f.send(f.clip("garden"))
	if n := len(f.delivered()["guest"]); n != 0 {
		t.Errorf("guest got %d alerts after the grant was revoked", n)
	}

	// Grants unavailable: a grant might restrict anyone but an admin, so
	// only admins are alerted (fail closed, as the authorizer does).
	f.subscribe("boss", "sub-boss", "boss@example.com", "example.com", nil)
	f.svc.Reset()
	f.grants.fail = true
	f.now = f.now.Add(10 * time.Minute)
	out := f.send(f.clip("porch"))
	got = f.delivered()
	if len(got["guest"]) != 0 || len(got["viewer"]) != 0 || len(got["boss"]) != 1 || out.Denied != 3 {
		t.Errorf("with grants down: %v, outcome %+v", got, out)
	}
}

func TestFolding(t *testing.T) {
	f := newFixture(t)
	f.subscribe("phone", "sub-viewer", "viewer@example.com", "example.com", nil)
	f.subscribe("laptop", "sub-viewer", "viewer@example.com", "example.com", nil)

	f.send(f.clip("porch"))
	for range 3 {
		f.now = f.now.Add(time.Minute)
		if out := f.send(f.clip("porch")); out.Sent != 0 || out.Folded != 1 {
			t.Fatalf("within the window: %+v, want folded", out)
		}
	}
	// Another camera is not folded with porch.
	if out := f.send(f.clip("garden")); out.Sent != 2 {
		t.Fatalf("garden: %+v, want sent to both browsers", out)
	}
	f.now = f.now.Add(3 * time.Minute) // 6 minutes after the first porch alert
	f.send(f.clip("porch"))
	got := f.delivered()
	for _, b := range []string{"phone", "laptop"} {
		var porch []int
		for _, p := range got[b] {
			if p.CameraID == "porch" {
				porch = append(porch, p.Folded)
			}
		}
		if fmt.Sprint(porch) != "[0 3]" {
			t.Errorf("%s porch alerts folded %v, want [0 3]", b, porch)
		}
	}

	// A shorter window of the person's own.
	if err := f.store.PutSettings(f.ctx, "sub-viewer", push.Settings{FoldMinutes: 1, TimeZone: "UTC"}); err != nil {
		t.Fatal(err)
	}
	f.now = f.now.Add(61 * time.Second)
	if out := f.send(f.clip("porch")); out.Sent != 2 {
		t.Errorf("after a 1-minute window: %+v, want sent", out)
	}
}

func TestQuietHours(t *testing.T) {
	f := newFixture(t)
	f.subscribe("phone", "sub-viewer", "viewer@example.com", "example.com", nil)
	// 15:00 UTC is 16:00 in Paris in November: inside 15:30-17:00 there.
	set := push.Settings{FoldMinutes: 5, TimeZone: "Europe/Paris", QuietHours: &push.QuietHours{Start: "15:30", End: "17:00"}}
	if err := f.store.PutSettings(f.ctx, "sub-viewer", set); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if out := f.send(f.clip("porch")); out.Sent != 0 || out.Folded != 1 {
			t.Fatalf("in quiet hours: %+v, want folded", out)
		}
	}
	f.now = f.now.Add(time.Hour + time.Minute) // 17:01 in Paris
	f.send(f.clip("porch"))
	got := f.delivered()["phone"]
	if len(got) != 1 || got[0].Folded != 2 {
		t.Fatalf("after quiet hours: %+v, want one alert folding 2 clips", got)
	}
}

func TestGoneSubscriptionsAreRemoved(t *testing.T) {
	for _, status := range []int{http.StatusNotFound, http.StatusGone} {
		t.Run(fmt.Sprint(status), func(t *testing.T) {
			f := newFixture(t)
			f.subscribe("old", "sub-viewer", "viewer@example.com", "example.com", nil)
			f.subscribe("new", "sub-viewer", "viewer@example.com", "example.com", nil)
			f.svc.SetStatus("old", status)
			out := f.send(f.clip("porch"))
			if out.Removed != 1 || out.Sent != 1 {
				t.Fatalf("outcome %+v, want one removed, one sent", out)
			}
			subs, err := f.store.Subscriptions(f.ctx, "sub-viewer")
			if err != nil {
				t.Fatal(err)
			}
			if len(subs) != 1 || subs[0].Endpoint != f.subs["new"].Endpoint {
				t.Errorf("left %+v, want only the new browser", subs)
			}
		})
	}
}

func TestPushServiceDown(t *testing.T) {
	f := newFixture(t)
	f.subscribe("phone", "sub-viewer", "viewer@example.com", "example.com", nil)
	f.svc.SetDown(true)
	out := f.send(f.clip("porch"))
	if out.Failed != 1 || out.Sent != 0 {
		t.Fatalf("outcome %+v, want one failed", out)
	}
	logs := f.logs.String()
	if n := strings.Count(logs, `"msg":"push attempt failed"`); n != send.DefaultAttempts {
		t.Errorf("%d attempts logged, want %d", n, send.DefaultAttempts)
	}
	if !strings.Contains(logs, `"msg":"push failed"`) {
		t.Errorf("no failure line for the metric filter:\n%s", logs)
	}
	subs, _ := f.store.Subscriptions(f.ctx, "sub-viewer")
	if len(subs) != 1 {
		t.Errorf("a failing push service removed the subscription")
	}
	// It comes back: the next clip is alerted.
	f.svc.SetDown(false)
	f.now = f.now.Add(10 * time.Minute)
	if out := f.send(f.clip("porch")); out.Sent != 1 {
		t.Errorf("after recovery: %+v", out)
	}
}

func TestRetryAfter429(t *testing.T) {
	f := newFixture(t)
	f.subscribe("phone", "sub-viewer", "viewer@example.com", "example.com", nil)
	f.svc.SetStatus("phone", http.StatusTooManyRequests)
	var waits []time.Duration
	sender, err := send.NewSender(send.SenderConfig{
		Store: f.store, Rules: mustRules(t), Keys: f.keys, WebOrigin: webOrigin,
		Backoff: func(n int, ra time.Duration) time.Duration {
			waits = append(waits, ra)
			if n == 2 {
				f.svc.SetStatus("phone", 0) // the third attempt goes through
			}
			return 0
		},
		Now: func() time.Time { return f.now }, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	out, err := sender.Send(f.ctx, f.clip("porch"))
	if err != nil || out.Sent != 1 || len(waits) != 2 {
		t.Fatalf("outcome %+v err %v waits %v, want sent on the third attempt", out, err, waits)
	}
}

func mustRules(t *testing.T) *access.Rules {
	r, err := access.NewRules([]string{"example.com"}, nil, nil, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestOneBrowserTwoPeople(t *testing.T) {
	f := newFixture(t)
	f.subscribe("shared", "sub-a", "a@example.com", "example.com", nil)
	// b signs in on the same browser later and subscribes it again.
	s := f.subs["shared"]
	f.now = f.now.Add(time.Minute)
	if err := f.store.PutSubscription(f.ctx, push.Subscription{
		ID: push.SubscriptionID(s.Endpoint), Sub: "sub-b", Email: "b@example.com", Domain: "example.com",
		Endpoint: s.Endpoint, P256DH: s.P256DH(), Auth: s.Auth(), CreatedAt: f.now,
	}); err != nil {
		t.Fatal(err)
	}
	if out := f.send(f.clip("porch")); out.Sent != 1 {
		t.Errorf("outcome %+v, want the shared browser alerted once", out)
	}
}
