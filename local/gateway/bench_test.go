package gateway

import (
	"net/http/httptest"
	"testing"
)

// BenchmarkCachedRequest measures the gateway's own cost per request once
// the authorizer's answer is cached: routing, policy evaluation, building
// the proxy event (through JSON, as Lambda does) and writing the response.
func BenchmarkCachedRequest(b *testing.B) {
	h := newHarness(b, nil)
	g := h.srv.Config.Handler
	req := httptest.NewRequest("GET", "/dev/cameras/front/videos?limit=20", nil)
	req.Header.Set("Authorization", "Bearer viewer")
	g.ServeHTTP(httptest.NewRecorder(), req) // warm the cache
	b.ReportAllocs()
	for b.Loop() {
		g.ServeHTTP(httptest.NewRecorder(), req)
	}
}
