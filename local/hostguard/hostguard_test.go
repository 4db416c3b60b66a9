package hostguard_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/camvault/camvault/local/hostguard"
)

func TestHandler(t *testing.T) {
	h := hostguard.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusTeapot) }))
	for host, want := range map[string]int{
		"127.0.0.1:4000": http.StatusTeapot, "127.0.0.1": http.StatusTeapot, "localhost:4002": http.StatusTeapot,
		"LOCALHOST:4002": http.StatusTeapot, "localhost.:4002": http.StatusTeapot, "[::1]:4003": http.StatusTeapot, "[::1]": http.StatusTeapot,
		"evil.example:4002": http.StatusForbidden, "127.0.0.1.nip.io:4000": http.StatusForbidden, "localhost.evil.example": http.StatusForbidden,
		"127.0.0.2:4000": http.StatusForbidden, "0.0.0.0:4000": http.StatusForbidden, "": http.StatusForbidden,
		"10.0.0.1": http.StatusForbidden, "[::ffff:127.0.0.1]:4000": http.StatusForbidden,
	} {
		r := httptest.NewRequest("GET", "/", nil)
		r.Host = host
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code != want {
			t.Errorf("Host %q: %d, want %d", host, w.Code, want)
		}
	}
}
