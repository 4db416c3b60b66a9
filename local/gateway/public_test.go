package gateway

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
)

// TestPublicRouteHasNoAuthorizerAndItsOwnThrottle: POST /shared reaches
// its function with no Authorization header and no authorizer context,
// without invoking the authorizer, until its bucket is empty; then 429
// with the error shape and CORS, until time refills it.
func TestPublicRouteHasNoAuthorizerAndItsOwnThrottle(t *testing.T) {
	h := newHarness(t, nil)
	for i := 0; i < DefaultPublicThrottle.Burst; i++ {
		resp, body := h.do(t, "POST", "/dev/shared", "", nil)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("open %d: %d %s", i, resp.StatusCode, body)
		}
		var ev events.APIGatewayProxyRequest
		if err := json.Unmarshal(body, &ev); err != nil {
			t.Fatal(err)
		}
		if ev.RequestContext.Authorizer != nil || ev.Resource != "/shared" {
			t.Fatalf("event %+v", ev.RequestContext)
		}
	}
	if n := len(h.auth.arns); n != 0 {
		t.Fatalf("the authorizer ran %d times for a public route", n)
	}
	resp, body := h.do(t, "POST", "/dev/shared", "", nil)
	if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Access-Control-Allow-Origin") != webOrigin {
		t.Fatalf("past the burst: %d %s", resp.StatusCode, body)
	}
	var e struct{ Error struct{ Code string } }
	if json.Unmarshal(body, &e); e.Error.Code != "throttled" {
		t.Fatalf("throttled body %s", body)
	}
	// Other routes are not throttled by it, and still need a token.
	if resp, _ := h.do(t, "GET", "/dev/me", "Bearer viewer", nil); resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /me: %d", resp.StatusCode)
	}
	if resp, _ := h.do(t, "GET", "/dev/shares", "", nil); resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("GET /shares without a token: %d", resp.StatusCode)
	}
	h.clock.Advance(time.Second)
	if resp, _ := h.do(t, "POST", "/dev/shared", "", nil); resp.StatusCode != http.StatusOK {
		t.Fatalf("after a second: %d", resp.StatusCode)
	}
}
