package gateway

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/camvault/camvault/videos-api/routes"
)

const webOrigin = "http://127.0.0.1:4001"

// fakeClock is a settable clock for the authorizer cache.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// testAuthorizer answers by token and counts its invocations.
type testAuthorizer struct {
	mu    sync.Mutex
	calls map[string]int
	arns  []string
}

func (a *testAuthorizer) count(token string) int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.calls[token]
}

func (a *testAuthorizer) Handle(_ context.Context, req events.APIGatewayCustomAuthorizerRequest) (events.APIGatewayCustomAuthorizerResponse, error) {
	a.mu.Lock()
	a.calls[req.AuthorizationToken]++
	a.arns = append(a.arns, req.MethodArn)
	a.mu.Unlock()
	// Resources built from the incoming ARN's api and stage, as the real
	// authorizer does.
	prefix := req.MethodArn[:strings.Index(req.MethodArn, "/")+1] // ...:apiId/
	rest := req.MethodArn[len(prefix):]
	stagePrefix := prefix + rest[:strings.Index(rest, "/")+1] // ...:apiId/stage/
	policy := func(sts ...events.IAMPolicyStatement) events.APIGatewayCustomAuthorizerResponse {
		return events.APIGatewayCustomAuthorizerResponse{
			PrincipalID:    "user-" + strings.TrimPrefix(req.AuthorizationToken, "Bearer "),
			PolicyDocument: events.APIGatewayCustomAuthorizerPolicy{Version: "2012-10-17", Statement: sts},
			Context:        map[string]any{"email": "someone@example.com", "role": "viewer", "cameras": "*", "n": 7},
		}
	}
	invoke := []string{"execute-api:Invoke"}
	switch req.AuthorizationToken {
	case "Bearer viewer":
		return policy(statement("Allow", invoke, []string{stagePrefix + "GET/*"})), nil
	case "Bearer admin":
		return policy(statement("Allow", invoke, []string{stagePrefix + "*"})), nil
	case "Bearer stranger":
		return policy(statement("Deny", invoke, []string{stagePrefix + "*"})), nil
	case "Bearer deny-delete":
		return policy(statement("Allow", invoke, []string{stagePrefix + "*"}), statement("Deny", invoke, []string{stagePrefix + "DELETE/*"})), nil
	case "Bearer broken":
		r := policy(statement("Allow", invoke, []string{stagePrefix + "*"}))
		r.Context = map[string]any{"cameras": []string{"a", "b"}}
		return r, nil
	case "Bearer boom":
		panic("authorizer bug")
	case "Bearer fail":
		return events.APIGatewayCustomAuthorizerResponse{}, errors.New("jwks unreachable")
	default:
		return events.APIGatewayCustomAuthorizerResponse{}, errors.New("Unauthorized")
	}
}

// echo answers with the event it received.
func echo(_ context.Context, req events.APIGatewayProxyRequest) (events.APIGatewayProxyResponse, error) {
	b, _ := json.Marshal(req)
	return events.APIGatewayProxyResponse{
		StatusCode:        200,
		Headers:           map[string]string{"Content-Type": "application/json", "Access-Control-Allow-Origin": webOrigin},
		MultiValueHeaders: map[string][]string{"X-Multi": {"a", "b"}},
		Body:              string(b),
	}, nil
}

type harness struct {
	srv   *httptest.Server
	auth  *testAuthorizer
	clock *fakeClock
}

func newHarness(t testing.TB, handlers map[string]Handler) *harness {
	t.Helper()
	h := &harness{auth: &testAuthorizer{calls: map[string]int{}}, clock: &fakeClock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}}
	all := map[string]Handler{}
	for _, fn := range routes.Functions() {
		all[fn] = echo
	}
	for k, v := range handlers {
		all[k] = v
	}
	g, err := New(Config{Stage: "dev", Handlers: all, Authorizer: h.auth.Handle, CacheTTL: 300 * time.Second, WebOrigin: webOrigin, Now: h.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	h.srv = httptest.NewServer(g)
	t.Cleanup(h.srv.Close)
	return h
}

func (h *harness) do(t *testing.T, method, path, token string, hdr map[string]string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, h.srv.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", token)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, body
}

func errorCode(t *testing.T, body []byte) string {
	t.Helper()
	var e struct {
		Error struct{ Code, Message string } `json:"error"`
	}
	if err := json.Unmarshal(body, &e); err != nil {
		t.Fatalf("error body %q: %v", body, err)
	}
	return e.Error.Code
}

func TestGatewayResponses(t *testing.T) {
	h := newHarness(t, map[string]Handler{
		routes.FunctionMe: func(context.Context, events.APIGatewayProxyRequest) (events.APIGatewayProxyResponse, error) {
			panic("handler bug")
		},
		routes.FunctionCameras: func(context.Context, events.APIGatewayProxyRequest) (events.APIGatewayProxyResponse, error) {
			return events.APIGatewayProxyResponse{}, errors.New("boom")
		},
	})
	tests := []struct {
		name, method, path, token string
		status                    int
		code                      string // gateway response code; "" = the handler answered
	}{
		{"no token", "GET", "/dev/videos", "", 401, "UNAUTHORIZED"},
		{"bad token", "GET", "/dev/videos", "Bearer nonsense", 401, "UNAUTHORIZED"},
		{"stranger", "GET", "/dev/videos", "Bearer stranger", 403, "ACCESS_DENIED"},
		{"viewer GET", "GET", "/dev/cameras/front/videos", "Bearer viewer", 200, ""},
		{"viewer DELETE", "DELETE", "/dev/cameras/front/videos/v1", "Bearer viewer", 403, "ACCESS_DENIED"},
		{"admin DELETE", "DELETE", "/dev/cameras/front/videos/v1", "Bearer admin", 200, ""},
		{"explicit deny wins", "DELETE", "/dev/cameras/front/videos/v1", "Bearer deny-delete", 403, "ACCESS_DENIED"},
		{"deny-delete GET", "GET", "/dev/videos", "Bearer deny-delete", 200, ""},
		{"unknown route", "GET", "/dev/nope", "Bearer admin", 404, "MISSING_AUTHENTICATION_TOKEN"},
		{"wrong method", "POST", "/dev/videos", "Bearer admin", 404, "MISSING_AUTHENTICATION_TOKEN"},
		{"wrong stage", "GET", "/prod/videos", "Bearer admin", 404, "MISSING_AUTHENTICATION_TOKEN"},
		{"authorizer error", "GET", "/dev/videos", "Bearer fail", 500, "AUTHORIZER_FAILURE"},
		{"authorizer panic", "GET", "/dev/videos", "Bearer boom", 500, "AUTHORIZER_FAILURE"},
		{"malformed policy", "GET", "/dev/videos", "Bearer broken", 500, "AUTHORIZER_CONFIGURATION_ERROR"},
		{"handler panic", "GET", "/dev/me", "Bearer admin", 502, "DEFAULT_5XX"},
		{"handler error", "GET", "/dev/cameras", "Bearer admin", 502, "DEFAULT_5XX"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := h.do(t, tt.method, tt.path, tt.token, map[string]string{"Origin": webOrigin})
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, tt.status, body)
			}
			if got := resp.Header.Get("Access-Control-Allow-Origin"); got != webOrigin {
				t.Errorf("Access-Control-Allow-Origin %q, want %q", got, webOrigin)
			}
			if tt.code != "" {
				want := gatewayResponseTypes[tt.code]
				if got := errorCode(t, body); got != want.code {
					t.Errorf("code %q, want %q", got, want.code)
				}
				if got := resp.Header.Get("X-Amzn-Errortype"); got != want.errorType {
					t.Errorf("x-amzn-ErrorType %q, want %q", got, want.errorType)
				}
			}
		})
	}
	if n := h.auth.count(""); n != 0 {
		t.Errorf("authorizer invoked %d times without a token", n)
	}
	// Failures are not cached: a second call invokes the authorizer again.
	h.do(t, "GET", "/dev/videos", "Bearer fail", nil)
	h.do(t, "GET", "/dev/videos", "Bearer broken", nil)
	if h.auth.count("Bearer fail") != 2 || h.auth.count("Bearer broken") != 2 {
		t.Errorf("failed authorizations were cached: fail=%d broken=%d", h.auth.count("Bearer fail"), h.auth.count("Bearer broken"))
	}
}

func TestCachedPolicyAppliesPerRequest(t *testing.T) {
	h := newHarness(t, nil)
	// The first call is a GET (allowed); the DELETE is then refused by the
	// cached policy, not by a fresh invocation.
	if resp, body := h.do(t, "GET", "/dev/videos", "Bearer viewer", nil); resp.StatusCode != 200 {
		t.Fatalf("GET %d %s", resp.StatusCode, body)
	}
	if resp, _ := h.do(t, "DELETE", "/dev/cameras/a/videos/b", "Bearer viewer", nil); resp.StatusCode != 403 {
		t.Fatalf("DELETE %d, want 403", resp.StatusCode)
	}
	if resp, _ := h.do(t, "GET", "/dev/cameras/a/videos/b", "Bearer viewer", nil); resp.StatusCode != 200 {
		t.Fatalf("GET other path %d, want 200", resp.StatusCode)
	}
	if n := h.auth.count("Bearer viewer"); n != 1 {
		t.Fatalf("authorizer invoked %d times, want 1", n)
	}
}

func TestAuthorizerCacheTTL(t *testing.T) {
	h := newHarness(t, nil)
	for i := 0; i < 10; i++ {
		if resp, _ := h.do(t, "GET", "/dev/me", "Bearer admin", nil); resp.StatusCode != 200 {
			t.Fatalf("status %d", resp.StatusCode)
		}
		h.clock.Advance(29 * time.Second)
	}
	if n := h.auth.count("Bearer admin"); n != 1 {
		t.Fatalf("within the TTL: %d invocations, want 1", n)
	}
	h.clock.Advance(300 * time.Second)
	h.do(t, "GET", "/dev/me", "Bearer admin", nil)
	if n := h.auth.count("Bearer admin"); n != 2 {
		t.Fatalf("after the TTL: %d invocations, want 2", n)
	}
	// A different token value is a different cache entry.
	h.do(t, "GET", "/dev/me", "bearer admin", nil)
	if n := h.auth.count("bearer admin"); n != 1 {
		t.Fatalf("other token: %d invocations, want 1", n)
	}
}

func TestPreflight(t *testing.T) {
	h := newHarness(t, nil)
	tests := []struct {
		path    string
		status  int
		methods string
	}{
		{"/dev/me", 204, "GET,OPTIONS"},
		{"/dev/cameras/front/videos/v1", 204, "DELETE,GET,OPTIONS"},
		{"/dev/cameras/front", 204, "DELETE,OPTIONS,PATCH"},
		{"/dev/grants/ana@example.com", 204, "DELETE,GET,OPTIONS,PUT"},
		{"/dev/nope", 404, ""},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			resp, _ := h.do(t, "OPTIONS", tt.path, "", map[string]string{
				"Origin": webOrigin, "Access-Control-Request-Method": "GET", "Access-Control-Request-Headers": "authorization",
			})
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d, want %d", resp.StatusCode, tt.status)
			}
			if resp.Header.Get("Access-Control-Allow-Origin") != webOrigin {
				t.Errorf("allow-origin %q", resp.Header.Get("Access-Control-Allow-Origin"))
			}
			if tt.methods != "" {
				if got := resp.Header.Get("Access-Control-Allow-Methods"); got != tt.methods {
					t.Errorf("allow-methods %q, want %q", got, tt.methods)
				}
				if got := resp.Header.Get("Access-Control-Allow-Headers"); !strings.Contains(got, "Authorization") || !strings.Contains(got, "Content-Type") {
					t.Errorf("allow-headers %q", got)
				}
			}
		})
	}
	if len(h.auth.arns) != 0 {
		t.Fatalf("preflight invoked the authorizer: %v", h.auth.arns)
	}
}

func TestProxyEvent(t *testing.T) {
	h := newHarness(t, nil)
	resp, body := h.do(t, "GET", "/dev/cameras/front%20door/videos?limit=5&from=a&from=b", "Bearer viewer", map[string]string{"X-Test": "1"})
	if resp.StatusCode != 200 {
		t.Fatalf("status %d: %s", resp.StatusCode, body)
	}
	if got := resp.Header.Values("X-Multi"); len(got) != 2 {
		t.Errorf("multi-value response header lost: %v", got)
	}
	var ev events.APIGatewayProxyRequest
	if err := json.Unmarshal(body, &ev); err != nil {
		t.Fatal(err)
	}
	checks := []struct{ name, got, want string }{
		{"resource", ev.Resource, "/cameras/{cameraId}/videos"},
		{"path", ev.Path, "/cameras/front door/videos"},
		{"httpMethod", ev.HTTPMethod, "GET"},
		{"cameraId", ev.PathParameters["cameraId"], "front door"},
		{"limit", ev.QueryStringParameters["limit"], "5"},
		{"from (last)", ev.QueryStringParameters["from"], "b"},
		{"from (all)", strings.Join(ev.MultiValueQueryStringParameters["from"], ","), "a,b"},
		{"header", ev.Headers["X-Test"], "1"},
		{"multi header", strings.Join(ev.MultiValueHeaders["X-Test"], ","), "1"},
		{"authorization header", ev.Headers["Authorization"], "Bearer viewer"},
		{"stage", ev.RequestContext.Stage, "dev"},
		{"accountId", ev.RequestContext.AccountID, DefaultAccountID},
		{"apiId", ev.RequestContext.APIID, DefaultAPIID},
		{"resourcePath", ev.RequestContext.ResourcePath, "/cameras/{cameraId}/videos"},
		{"context path", ev.RequestContext.Path, "/dev/cameras/front door/videos"},
		{"sourceIp", ev.RequestContext.Identity.SourceIP, "127.0.0.1"},
		{"principalId", ev.RequestContext.Authorizer["principalId"].(string), "user-viewer"},
		{"email", ev.RequestContext.Authorizer["email"].(string), "someone@example.com"},
		{"number context as string", ev.RequestContext.Authorizer["n"].(string), "7"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %q, want %q", c.name, c.got, c.want)
		}
	}
	if ev.RequestContext.RequestID == "" || ev.StageVariables != nil {
		t.Errorf("requestId %q, stageVariables %v", ev.RequestContext.RequestID, ev.StageVariables)
	}
	if !strings.HasSuffix(h.auth.arns[0], ":"+DefaultAPIID+"/dev/GET/cameras/front door/videos") {
		t.Errorf("methodArn %q", h.auth.arns[0])
	}
}

func TestBase64Response(t *testing.T) {
	h := newHarness(t, map[string]Handler{
		routes.FunctionMe: func(context.Context, events.APIGatewayProxyRequest) (events.APIGatewayProxyResponse, error) {
			return events.APIGatewayProxyResponse{StatusCode: 201, Body: "aGVsbG8=", IsBase64Encoded: true, Headers: map[string]string{"Content-Type": "text/plain"}}, nil
		},
		routes.FunctionCameras: func(context.Context, events.APIGatewayProxyRequest) (events.APIGatewayProxyResponse, error) {
			return events.APIGatewayProxyResponse{StatusCode: 0}, nil
		},
	})
	resp, body := h.do(t, "GET", "/dev/me", "Bearer viewer", nil)
	if resp.StatusCode != 201 || string(body) != "hello" {
		t.Fatalf("got %d %q", resp.StatusCode, body)
	}
	if resp, _ := h.do(t, "GET", "/dev/cameras", "Bearer viewer", nil); resp.StatusCode != 502 {
		t.Fatalf("malformed proxy response: %d, want 502", resp.StatusCode)
	}
}

func TestEveryRouteAnswers(t *testing.T) {
	h := newHarness(t, nil)
	for _, r := range routes.All() {
		path := strings.NewReplacer("{cameraId}", "cam1", "{videoId}", "vid1").Replace(r.Path)
		t.Run(r.Method+" "+r.Path, func(t *testing.T) {
			resp, body := h.do(t, r.Method, "/dev"+path, "Bearer admin", nil)
			if resp.StatusCode != 200 {
				t.Fatalf("status %d: %s", resp.StatusCode, body)
			}
			var ev events.APIGatewayProxyRequest
			if err := json.Unmarshal(body, &ev); err != nil || ev.Resource != r.Path {
				t.Fatalf("resource %q (%v), want %q", ev.Resource, err, r.Path)
			}
		})
	}
}

func TestWithServer(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"replace", "openapi: 3.0.3\nservers:\n  - url: https://x/{stage}\n    variables:\n      stage: {default: dev}\ninfo:\n  title: t\n",
			"openapi: 3.0.3\nservers:\n  - url: http://l/dev\n    description: local stack\ninfo:\n  title: t\n"},
		{"insert", "openapi: 3.0.3\ninfo:\n  title: t\n", "openapi: 3.0.3\nservers:\n  - url: http://l/dev\n    description: local stack\ninfo:\n  title: t\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := string(WithServer([]byte(tt.in), "http://l/dev")); got != tt.want {
				t.Fatalf("got\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}

// A client hanging up must not cancel the invocation (as in Lambda), while
// the invocation still has a deadline.
func TestInvocationOutlivesTheClient(t *testing.T) {
	clientCtx, hangUp := context.WithCancel(context.Background())
	r := httptest.NewRequest("GET", "/dev/me", nil).WithContext(clientCtx)
	hangUp()
	ctx, cancel := invocationContext(r)
	defer cancel()
	if err := ctx.Err(); err != nil {
		t.Fatalf("invocation context cancelled with the client: %v", err)
	}
	if _, ok := ctx.Deadline(); !ok {
		t.Fatal("invocation has no deadline")
	}
}
