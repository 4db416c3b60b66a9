// Package hostguard keeps the local stack's servers from answering requests
// meant for another host name. A web page on any site can point its own
// name at 127.0.0.1 (DNS rebinding) and then read everything a local server
// answers as if it were same-origin: the dev issuer would mint it an admin
// token, the S3 stand-in would hand it clips. Such requests carry the
// attacker's name in Host, so every local server answers only loopback
// names: 127.0.0.1, localhost and [::1], on any port.
package hostguard

import (
	"net"
	"net/http"
	"strings"
)

// Loopback reports whether host (a Host header: a name or address with an
// optional port) names the loopback interface.
func Loopback(host string) bool {
	h := host
	if name, _, err := net.SplitHostPort(host); err == nil {
		h = name
	} else if strings.HasPrefix(host, "[") && strings.HasSuffix(host, "]") {
		h = host[1 : len(host)-1]
	}
	switch strings.ToLower(strings.TrimSuffix(h, ".")) {
	case "127.0.0.1", "localhost", "::1":
		return true
	}
	return false
}

// Handler answers 403 to a request whose Host is not a loopback name
// (see Loopback) and passes every other request to next.
func Handler(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !Loopback(r.Host) {
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Cache-Control", "no-store")
			w.WriteHeader(http.StatusForbidden)
			_, _ = w.Write([]byte(`{"error":{"code":"forbidden_host","message":"camvault-local answers only requests for 127.0.0.1, localhost or [::1] (Host header), to defeat DNS rebinding"}}` + "\n"))
			return
		}
		next.ServeHTTP(w, r)
	})
}
