package issuer

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// TestTokenOrigin: POST /token (and its preflight) answers scripts (no
// Origin) and the web client's origin, never "*" and never another page.
func TestTokenOrigin(t *testing.T) {
	const web = "http://127.0.0.1:4001"
	srv := httptest.NewUnstartedServer(nil)
	srv.Start()
	t.Cleanup(srv.Close)
	iss, err := New(Config{URL: srv.URL, WebOrigin: web + "/"})
	if err != nil {
		t.Fatal(err)
	}
	srv.Config.Handler = iss.Handler()
	call := func(method string, origin ...string) (*http.Response, string) {
		t.Helper()
		req, _ := http.NewRequest(method, srv.URL+"/token", strings.NewReader(url.Values{"email": {"admin@example.com"}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		for _, o := range origin {
			req.Header.Add("Origin", o)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var b strings.Builder
		_, _ = io.Copy(&b, resp.Body)
		return resp, b.String()
	}
	for _, tt := range []struct {
		name, method string
		origin       []string
		status       int
		acao         string
		token        bool
	}{
		{"script, no Origin", "POST", nil, 200, "", true},
		{"the web client", "POST", []string{web}, 200, web, true},
		{"another page", "POST", []string{"https://evil.example"}, 403, "", false},
		{"an opaque origin", "POST", []string{"null"}, 403, "", false},
		{"the web client on another port", "POST", []string{"http://127.0.0.1:4999"}, 403, "", false},
		{"two origins", "POST", []string{web, "https://evil.example"}, 403, "", false},
		{"preflight, web client", "OPTIONS", []string{web}, 204, web, false},
		{"preflight, another page", "OPTIONS", []string{"https://evil.example"}, 403, "", false},
	} {
		resp, body := call(tt.method, tt.origin...)
		if resp.StatusCode != tt.status || resp.Header.Get("Access-Control-Allow-Origin") != tt.acao || strings.Contains(body, "id_token") != tt.token {
			t.Errorf("%s: %d ACAO %q token %v, want %d %q %v: %s", tt.name, resp.StatusCode, resp.Header.Get("Access-Control-Allow-Origin"), strings.Contains(body, "id_token"), tt.status, tt.acao, tt.token, body)
		}
	}
	// Without a configured web origin no browser origin is answered.
	bare, err := New(Config{URL: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	srv.Config.Handler = bare.Handler()
	if resp, _ := call("POST", web); resp.StatusCode != 403 {
		t.Errorf("no web origin configured: %d, want 403", resp.StatusCode)
	}
}
