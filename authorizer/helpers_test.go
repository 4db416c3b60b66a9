package authorizer_test

import (
	"bytes"
	"context"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/camvault/camvault/authorizer"
	"github.com/camvault/camvault/authorizer/authorizertest"
)

const (
	clientID  = "camvault-test.apps.googleusercontent.com"
	methodARN = "arn:aws:execute-api:eu-west-1:123456789012:abc123defg/dev/GET/cameras"
	arnPrefix = "arn:aws:execute-api:eu-west-1:123456789012:abc123defg/dev/"
)

var start = time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)

// clock is a settable clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: start} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

var (
	keysOnce         sync.Once
	keyA, keyB, keyC *authorizertest.Key
	unpublishedKeyA  *authorizertest.Key // same kid as keyA, another key
)

// testKeys generates the test keys once per test binary (RSA generation is slow).
func testKeys(tb testing.TB) (a, b, c, forgedA *authorizertest.Key) {
	keysOnce.Do(func() {
		keyA = authorizertest.NewKey(tb, "key-a")
		keyB = authorizertest.NewKey(tb, "key-b")
		keyC = authorizertest.NewKey(tb, "key-c")
		unpublishedKeyA = authorizertest.NewKey(tb, "key-a")
	})
	return keyA, keyB, keyC, unpublishedKeyA
}

// fixture is an Authorizer over a test JWKS, a fake clock and a log buffer.
type fixture struct {
	a     *authorizer.Authorizer
	jwks  *authorizertest.JWKS
	clock *clock
	logs  *syncBuffer
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// baseConfig is the config most tests use: example.com's Workspace, one
// allowed address, one admin.
func baseConfig() authorizer.Config {
	return authorizer.Config{
		ClientIDs:      []string{"other-client.apps.googleusercontent.com", clientID},
		AllowedDomains: []string{"Example.com"},
		AllowedEmails:  []string{"friend@gmail.com"},
		AdminEmails:    []string{"boss@example.com"},
	}
}

func newFixture(t testing.TB, cfg authorizer.Config, published ...*authorizertest.Key) *fixture {
	t.Helper()
	if published == nil {
		a, _, _, _ := testKeys(t)
		published = []*authorizertest.Key{a}
	}
	f := &fixture{jwks: authorizertest.NewJWKS(t, published...), clock: newClock(), logs: &syncBuffer{}}
	cfg.JWKSURL = f.jwks.URL
	cfg.Now = f.clock.Now
	cfg.Logger = slog.New(slog.NewJSONHandler(f.logs, nil))
	a, err := authorizer.New(context.Background(), cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	f.a = a
	return f
}

func (f *fixture) handle(t testing.TB, header string) (events.APIGatewayCustomAuthorizerResponse, error) {
	t.Helper()
	return f.a.Handle(context.Background(), events.APIGatewayCustomAuthorizerRequest{Type: "TOKEN", AuthorizationToken: header, MethodArn: methodARN})
}

// claims returns Google-like claims for email with hd, at the fixture's start.
func claims(email, hd string) map[string]any {
	return authorizertest.Claims(authorizer.GoogleIssuer, clientID, email, hd, start)
}

// outcome names what Handle answered: "unauthorized", "deny", "allow" or "error: ...".
func outcome(resp events.APIGatewayCustomAuthorizerResponse, err error) string {
	if err != nil {
		if err.Error() == "Unauthorized" {
			return "unauthorized"
		}
		return "error: " + err.Error()
	}
	if len(resp.PolicyDocument.Statement) != 1 {
		return "bad policy"
	}
	switch resp.PolicyDocument.Statement[0].Effect {
	case "Allow":
		return "allow"
	case "Deny":
		return "deny"
	}
	return "bad effect"
}

func slogJSON(w *syncBuffer) *slog.Logger { return slog.New(slog.NewJSONHandler(w, nil)) }

// authorizerKeyRefresh is the default least time between key set fetches.
const authorizerKeyRefresh = 30 * time.Second

// viewerAll is the Allow resources of a viewer of every camera.
var viewerAll = []string{arnPrefix + "GET/me", arnPrefix + "GET/cameras", arnPrefix + "GET/videos", arnPrefix + "GET/cameras/*/videos", arnPrefix + "GET/cameras/*/videos/*",
	arnPrefix + "PUT/cameras/*/videos/*/keep", arnPrefix + "DELETE/cameras/*/videos/*/keep",
	arnPrefix + "GET/shares", arnPrefix + "POST/cameras/*/videos/*/shares", arnPrefix + "DELETE/shares/*"}

// alertResources end every Allow: everyone allowed manages their own alerts.
var alertResources = []string{arnPrefix + "GET/alerts", arnPrefix + "*/alerts/*"}

// adminAll is the Allow resources of an admin of every camera.
var adminAll = []string{arnPrefix + "GET/*", arnPrefix + "PUT/cameras/*/videos/*/keep", arnPrefix + "DELETE/cameras/*/videos/*/keep",
	arnPrefix + "POST/cameras/*/videos/*/shares", arnPrefix + "DELETE/shares/*",
	arnPrefix + "POST/jobs", arnPrefix + "POST/jobs/*/run",
	arnPrefix + "DELETE/cameras/*/videos/*", arnPrefix + "PUT/grants/*", arnPrefix + "DELETE/grants/*", arnPrefix + "PATCH/cameras/*", arnPrefix + "DELETE/cameras/*"}
