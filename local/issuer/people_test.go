package issuer

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// TestSignInPagePeople checks that the sign-in page offers the configured
// people with their notes, and the defaults when none are configured.
func TestSignInPagePeople(t *testing.T) {
	q := url.Values{"client_id": {ClientID}, "redirect_uri": {"http://127.0.0.1:4001/"}, "response_type": {"id_token"}}
	page := func(t *testing.T, cfg Config) string {
		t.Helper()
		iss, err := New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewServer(iss.Handler())
		defer srv.Close()
		resp, err := http.Get(srv.URL + "/authorize?" + q.Encode())
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return string(b)
	}
	custom := page(t, Config{URL: "http://127.0.0.1:4002", People: []Person{
		{Email: "viewer@example.com", Note: "refused (403: not an allowed address or domain)"},
		{Email: "boss@example.net", Note: "an admin (may delete clips)"},
	}})
	for _, want := range []string{
		`value="viewer@example.com">viewer@example.com</button> <span>refused (403: not an allowed address or domain)</span>`,
		`value="boss@example.net">boss@example.net</button> <span>an admin (may delete clips)</span>`,
	} {
		if !strings.Contains(custom, want) {
			t.Errorf("page lacks %q:\n%s", want, custom)
		}
	}
	if strings.Contains(custom, "allowed domain example.com") || strings.Contains(custom, "stranger@example.org") {
		t.Errorf("page shows the default people although others are configured:\n%s", custom)
	}
	defaults := page(t, Config{URL: "http://127.0.0.1:4002"})
	for _, p := range DefaultPeople {
		if !strings.Contains(defaults, p.Email+"</button> <span>"+p.Note+"</span>") {
			t.Errorf("default page lacks %s: %s", p.Email, p.Note)
		}
	}
}
