package issuer

import (
	"encoding/base64"
	"encoding/json"
	"net/url"
	"strings"
	"testing"
)

// Tricky redirect_uri values: only loopback http(s) URLs that a browser
// reads the same way may receive a token.
func TestCheckRedirect(t *testing.T) {
	ok := []string{
		"http://127.0.0.1:4001/callback",
		"http://127.0.0.1",
		"http://127.1.2.3:8080/x?y=z",
		"http://localhost:5173/",
		"https://localhost/",
		"HTTP://127.0.0.1/",
		"http://[::1]:4001/cb",
		"http://[0:0:0:0:0:0:0:1]/",
		"http://[::ffff:127.0.0.1]/",
		"http://127.0.0.1/a@evil.com",
		"http://127.0.0.1?@evil.com",
	}
	for _, raw := range ok {
		if err := checkRedirect(raw); err != nil {
			t.Errorf("checkRedirect(%q) = %v, want it accepted", raw, err)
		}
		if !browserLoopback(raw) {
			t.Errorf("the oracle says a browser takes %q off loopback", raw)
		}
	}
	refused := []string{
		"",
		"https://evil.example/cb",
		"javascript:alert(1)",
		"data:text/html,x",
		"file:///etc/passwd",
		"//127.0.0.1/cb",                 // scheme-relative
		"/callback",                      // relative
		"http:evil.com",                  // relative to the issuer's page in a browser
		"http:/127.0.0.1/",               // likewise
		"http:///evil.com",               // a browser skips the slashes: evil.com
		`http:\\evil.com\`,               // a browser: http://evil.com/
		"http://127.0.0.1@evil.com/",     // userinfo: the host is evil.com
		"http://localhost:4001@evil.com", // likewise
		"http://evil.com@127.0.0.1/",     // loopback, but credentials
		`http://127.0.0.1\@evil.com/`,    // a browser: host 127.0.0.1, net/url: userinfo
		`http://evil.com\@127.0.0.1/`,    // a browser: host evil.com
		`http://127.0.0.1/\evil.com`,
		"http://127.0.0.1.evil.com/",
		"http://localhost.evil.com/",
		"http://evil.com/127.0.0.1",
		"http://127.0.0.1%2f@evil.com/",
		"http://%6cocalhost/", // percent-encoded ASCII in a host
		"http://127.0.0.1%2eevil.com/",
		"http://localhost%00.evil.com/",
		"http://127.0.0.1\t.evil.com/", // browsers drop tabs
		"http://127.0.0.1\n@evil.com/",
		" http://127.0.0.1/",
		"http://127.0.0.1 /",
		"http://127.0.0.1/#",          // the token goes in the fragment
		"http://127.0.0.1/#@evil.com", // likewise
		"http://127.0.0.1:80:80/",
		"http://[::1]evil.com/",
		"http://[::1%25lo]/",      // a zone
		"http://[::127.0.0.1]/",   // IPv4-compatible, not loopback
		"http://[fe80::1]/",       // link-local
		"http://0x7f.1/",          // a browser's 127.0.0.1, but not ours
		"http://2130706433/",      // likewise
		"http://0177.0.0.1/",      // octal in a browser
		"http://127.000.000.001/", // leading zeros
		"http://0.0.0.0:4001/",    // every interface, not loopback
		"http://localhost./",      // a trailing dot
		"http://ⓛocalhost/",       // IDNA maps it to localhost in a browser
		"http://127。0。0。1/",       // ideographic full stops
		"ftp://127.0.0.1/",
		"ws://127.0.0.1/",
		"http://user:pass@localhost/",
	}
	for _, raw := range refused {
		if err := checkRedirect(raw); err == nil {
			t.Errorf("checkRedirect(%q) accepted it", raw)
		}
	}
}

// The fuzz oracle must tell loopback from elsewhere, or FuzzRedirectURI
// proves nothing.
func TestBrowserLoopbackOracle(t *testing.T) {
	for raw, want := range map[string]bool{
		"http://127.0.0.1/":             true,
		"http://[::1]/":                 true,
		"http://LOCALHOST:1/":           true,
		`http:\\127.0.0.1`:              true,
		"http://127.0.0.1@evil.com/":    false,
		`http://evil.com\@127.0.0.1/`:   false,
		"http://127.0.0.1.evil.com/":    false,
		"http://127.0.0.1%2f@evil.com/": false,
		"http:///evil.com":              false,
		"http:127.0.0.1":                false,
		"//127.0.0.1":                   false,
		"http://[::1%25lo]/":            false,
	} {
		if got := browserLoopback(raw); got != want {
			t.Errorf("browserLoopback(%q) = %v, want %v", raw, got, want)
		}
	}
}

// Odd /token forms the fuzzer found: each is a clear 400 or a token that
// says exactly what was asked, never a panic.
func TestTokenFormOddInputs(t *testing.T) {
	i, err := New(Config{URL: "http://127.0.0.1:4002"})
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		form, name string // name is the wanted name claim; "" means a 400
	}{
		{"email=a%40b.co&name=%20", "A"},             // a blank name panicked (no given name)
		{"email=%C3%A9lodie%40example.fr", "Élodie"}, // the first letter, not the first byte
		{"email=jane.doe%40example.com", "Jane Doe"},
		{"email=0%40%FF.", ""}, // not UTF-8: would be signed as U+FFFD
		{"email=a%40b.co&aud=%FF", ""},
		{"email=a%40b.co&name=%FF", ""},
	} {
		q, err := url.ParseQuery(tt.form)
		if err != nil {
			t.Fatal(err)
		}
		req, err := tokenRequestFromForm(q)
		if tt.name == "" {
			if err == nil {
				t.Errorf("%s: accepted", tt.form)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", tt.form, err)
			continue
		}
		tok, err := i.Token(req)
		if err != nil {
			t.Errorf("%s: %v", tt.form, err)
			continue
		}
		payload, _ := base64.RawURLEncoding.DecodeString(strings.Split(tok, ".")[1])
		var c struct{ Name string }
		_ = json.Unmarshal(payload, &c)
		if c.Name != tt.name {
			t.Errorf("%s: name %q, want %q", tt.form, c.Name, tt.name)
		}
	}
}
