package stack_test

import (
	"net/http"
	"strings"
	"testing"
)

// TestLoopbackHostsOnly: every server of the stack refuses a request whose
// Host is not a loopback name, as a DNS-rebinding page would send, and the
// dev issuer mints no token for another page's Origin.
func TestLoopbackHostsOnly(t *testing.T) {
	e := start(t, t.TempDir(), true)
	info := e.s.Info()
	for name, u := range map[string]string{
		"api":    info.APIURL + "/me",
		"web":    info.WebURL + "/",
		"issuer": info.IssuerURL + "/.well-known/openid-configuration",
		"s3":     info.S3URL + "/" + info.Bucket + "/clips/x.mp4",
	} {
		for _, host := range []string{"rebind.evil.example", "127.0.0.1.nip.io"} {
			req, _ := http.NewRequest("GET", u, nil)
			req.Host = host + ":" + req.URL.Port()
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusForbidden {
				t.Errorf("%s with Host %s: %d, want 403", name, req.Host, resp.StatusCode)
			}
		}
		resp, err := http.Get(strings.Replace(u, "127.0.0.1", "localhost", 1))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode == http.StatusForbidden && name != "s3" && name != "api" {
			t.Errorf("%s refused Host localhost", name)
		}
	}
	tokenFrom := func(origin string) int {
		req, _ := http.NewRequest("POST", info.IssuerURL+"/token", strings.NewReader("email=admin%40example.com"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", origin)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if got := tokenFrom("https://evil.example"); got != http.StatusForbidden {
		t.Errorf("POST /token from another page: %d, want 403", got)
	}
	if got := tokenFrom(info.WebURL); got != http.StatusOK {
		t.Errorf("POST /token from the web client: %d, want 200", got)
	}
}
