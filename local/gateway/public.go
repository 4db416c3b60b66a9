package gateway

import (
	"net/http"
	"sync"
	"time"

	"github.com/camvault/camvault/videos-api/routes"
)

// Throttle is a token bucket's steady rate (requests per second) and burst,
// as API Gateway's method throttling sets them.
type Throttle struct {
	Rate  float64
	Burst int
}

// DefaultPublicThrottle is the public routes' throttle when Config gives
// none: the CDK stages' default for the share-link route.
var DefaultPublicThrottle = Throttle{Rate: 5, Burst: 10}

// servePublic serves a route without an authorizer, as API Gateway does a
// method with authorization NONE: no Authorization header needed (one sent
// is passed on but not checked), no authorizer context in the event, and
// the route's own throttle (429 THROTTLED once its bucket is empty).
func (g *Gateway) servePublic(w http.ResponseWriter, r *http.Request, rec *requestRecord, route routes.Route, path string, params map[string]string) {
	if !g.public.take() {
		g.gatewayResponse(w, rec, http.StatusTooManyRequests, "THROTTLED", "Too Many Requests")
		return
	}
	g.invoke(w, r, rec, route, path, params, nil)
}

// bucket is a token bucket.
type bucket struct {
	mu     sync.Mutex
	t      Throttle
	tokens float64
	last   time.Time
	now    func() time.Time
}

func newBucket(t Throttle, now func() time.Time) *bucket {
	if now == nil {
		now = time.Now
	}
	return &bucket{t: t, tokens: float64(t.Burst), last: now(), now: now}
}

// take spends a token if one is left.
func (b *bucket) take() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	now := b.now()
	if el := now.Sub(b.last).Seconds(); el > 0 {
		b.tokens = min(float64(b.t.Burst), b.tokens+el*b.t.Rate)
	}
	b.last = now
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}
