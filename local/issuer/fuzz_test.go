package issuer

import (
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// fuzzIssuer is one issuer (one RSA key) for every input of a fuzz target.
func fuzzIssuer(f *testing.F) *Issuer {
	f.Helper()
	i, err := New(Config{URL: "http://127.0.0.1:4002", Now: func() time.Time { return time.Unix(1_800_000_000, 0) }})
	if err != nil {
		f.Fatal(err)
	}
	return i
}

// claimsOf checks tok's RS256 signature with i's key and returns its claims.
func claimsOf(t *testing.T, i *Issuer, tok string) map[string]any {
	t.Helper()
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		t.Fatalf("token %q is not a JWS", tok)
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	if err := rsa.VerifyPKCS1v15(i.PublicKey(), crypto.SHA256, sum[:], sig); err != nil {
		t.Fatalf("signature: %v", err)
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	var c map[string]any
	if err := json.Unmarshal(payload, &c); err != nil {
		t.Fatalf("claims %s: %v", payload, err)
	}
	return c
}

// browserHost reads raw the way a browser (the WHATWG URL standard) reads
// an absolute http(s) URL in a Location header, independently of net/url:
// it strips what browsers strip, takes backslashes for slashes, skips any
// run of slashes after the scheme, ends the authority at / \ ? #, drops
// userinfo up to the last @ and the port, and percent-decodes the host.
// ok is false when raw is not an absolute http(s) URL with a host (a
// browser would resolve it against the issuer's page, or not at all).
func browserHost(raw string) (host string, ok bool) {
	raw = strings.TrimFunc(raw, func(r rune) bool { return r <= ' ' })
	raw = strings.NewReplacer("\t", "", "\n", "", "\r", "").Replace(raw)
	colon := strings.IndexByte(raw, ':')
	if colon < 0 {
		return "", false
	}
	if scheme := strings.ToLower(raw[:colon]); scheme != "http" && scheme != "https" {
		return "", false
	}
	rest := raw[colon+1:]
	slashes := len(rest) - len(strings.TrimLeft(rest, `/\`))
	if slashes < 2 {
		return "", false // relative to the page's own URL
	}
	rest = rest[slashes:]
	if end := strings.IndexAny(rest, `/\?#`); end >= 0 {
		rest = rest[:end]
	}
	if at := strings.LastIndexByte(rest, '@'); at >= 0 {
		rest = rest[at+1:]
	}
	if strings.HasPrefix(rest, "[") {
		end := strings.IndexByte(rest, ']')
		if end < 0 {
			return "", false
		}
		rest = rest[:end+1]
	} else if c := strings.IndexByte(rest, ':'); c >= 0 {
		rest = rest[:c]
	}
	h, err := url.PathUnescape(rest)
	if err != nil || h == "" {
		return "", false
	}
	return strings.ToLower(h), true
}

// browserLoopback says whether a browser would send a request for raw to
// this machine: localhost, 127.0.0.0/8 or ::1 (also IPv4-mapped).
func browserLoopback(raw string) bool {
	host, ok := browserHost(raw)
	if !ok {
		return false
	}
	if host == "localhost" {
		return true
	}
	a, err := netip.ParseAddr(strings.TrimSuffix(strings.TrimPrefix(host, "["), "]"))
	return err == nil && a.Zone() == "" && a.IsLoopback()
}

// FuzzRedirectURI: every redirect_uri checkRedirect accepts is one a
// browser would send to loopback, so a dev token never leaves the machine,
// whatever userinfo, backslash, dot, percent or IPv6 trick it holds.
func FuzzRedirectURI(f *testing.F) {
	for _, s := range []string{
		"http://127.0.0.1:4001/callback", "http://localhost:5173/", "http://[::1]:4001/cb", "https://127.0.0.1/",
		"http://127.0.0.1@evil.com/", "http://evil.com@127.0.0.1/", `http://127.0.0.1\@evil.com/`, `http://evil.com\@127.0.0.1/`,
		"http://127.0.0.1.evil.com/", "http://localhost.evil.com/", "http:///evil.com", `http:\\evil.com`, "http:evil.com",
		"http://[::ffff:127.0.0.1]/", "http://[::1%25lo]/", "http://%6cocalhost/", "http://127.0.0.1%2f@evil.com",
		"http://127.0.0.1:80:80/", "http://127.0.0.1#@evil.com", "http://0x7f.1/", "//127.0.0.1/", " http://evil.com",
		"HTTP://LOCALHOST/", "http://127.0.0.1\t.evil.com/",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		if checkRedirect(raw) != nil {
			return
		}
		if !browserLoopback(raw) {
			host, _ := browserHost(raw)
			t.Fatalf("checkRedirect accepted %q, which a browser sends to host %q", raw, host)
		}
		// What the sign-in form redirects to must be read the same way.
		if loc := raw + "#id_token=x"; !browserLoopback(loc) {
			t.Fatalf("checkRedirect accepted %q, but the redirect %q leaves loopback", raw, loc)
		}
	})
}

// FuzzAuthorizeQuery sends arbitrary query strings to the sign-in page and
// the same parameters, with an email, to its form: answers are the page
// (200), a 400, or a 303 to a loopback redirect_uri carrying a token signed
// by the issuer for the requested client; never a panic or a 5xx.
func FuzzAuthorizeQuery(f *testing.F) {
	good := url.Values{"client_id": {ClientID}, "redirect_uri": {"http://127.0.0.1:4001/callback"}, "response_type": {"id_token"}, "state": {"s1"}, "nonce": {"n1"}}
	f.Add(good.Encode(), "viewer@example.com")
	f.Add("client_id=x&response_type=id_token&redirect_uri=http://127.0.0.1@evil.com/", "admin@example.com")
	f.Add("client_id=x&response_type=id_token&redirect_uri=http://localhost/%23x&state=%00", "a@b.c")
	f.Add("client_id=x&response_type=id_token&redirect_uri=http://[::1]/&redirect_uri=http://evil.com/", "a@b.c")
	f.Add("client_id&response_type=id_token;redirect_uri=x", "")
	f.Add("%zz", "a@b.c")
	f.Add("client_id=%ff&response_type=id_token&redirect_uri=http://localhost/&nonce=%fe", "a@b.c")
	i := fuzzIssuer(f)
	h := i.Handler()
	f.Fuzz(func(t *testing.T, query, email string) {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest("GET", "/authorize", nil)
		req.URL.RawQuery = query
		h.ServeHTTP(rec, req)
		switch rec.Code {
		case 200:
			q, _ := url.ParseQuery(query)
			if !browserLoopback(q.Get("redirect_uri")) {
				t.Fatalf("sign-in page offered for redirect_uri %q", q.Get("redirect_uri"))
			}
		case 400:
		default:
			t.Fatalf("GET /authorize?%s: %d", query, rec.Code)
		}

		form, err := url.ParseQuery(query)
		if err != nil {
			return
		}
		form.Set("email", email)
		rec = httptest.NewRecorder()
		req = httptest.NewRequest("POST", "/authorize", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		h.ServeHTTP(rec, req)
		switch rec.Code {
		case 400:
			if rec.Header().Get("Location") != "" {
				t.Fatalf("a refused sign-in redirects to %q", rec.Header().Get("Location"))
			}
		case http.StatusSeeOther:
			loc := rec.Header().Get("Location")
			redirect := form.Get("redirect_uri")
			if !browserLoopback(loc) || !browserLoopback(redirect) {
				t.Fatalf("a token went to %q (redirect_uri %q)", loc, redirect)
			}
			u, err := url.Parse(loc)
			if err != nil {
				t.Fatalf("Location %q: %v", loc, err)
			}
			frag, _ := url.ParseQuery(u.Fragment)
			c := claimsOf(t, i, frag.Get("id_token"))
			if c["aud"] != form.Get("client_id") || c["email"] != strings.TrimSpace(email) || frag.Get("state") != form.Get("state") || (form.Get("nonce") != "" && c["nonce"] != form.Get("nonce")) {
				t.Fatalf("redirect %q: claims %v", loc, c)
			}
		default:
			t.Fatalf("POST /authorize %s: %d %s", form.Encode(), rec.Code, rec.Body)
		}
	})
}

// FuzzTokenForm posts arbitrary bodies to /token: the answer is a 400
// invalid_request, or a 200 whose token is signed by the issuer and says
// what the form asked for; never a panic or a 5xx.
func FuzzTokenForm(f *testing.F) {
	f.Add("email=viewer%40example.com")
	f.Add("email=a%40gmail.com&hd=&expires_in=-60&email_verified=false&aud=other&name=Ann")
	f.Add("email=a%40b.co&name=%20")
	f.Add("email=%C3%A9lodie%40example.fr")
	f.Add("email=a%40b.co&expires_in=86401")
	f.Add("email=a%40b.co&email=b%40c.d&hd=x&hd=y")
	f.Add("email=%zz")
	i := fuzzIssuer(f)
	h := i.Handler()
	f.Fuzz(func(t *testing.T, body string) {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest("POST", "/token", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		h.ServeHTTP(rec, req)
		var out struct {
			IDToken   string `json:"id_token"`
			ExpiresIn int    `json:"expires_in"`
			Error     string `json:"error"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
			t.Fatalf("%d %q: %v", rec.Code, rec.Body, err)
		}
		switch rec.Code {
		case 400:
			if out.Error != "invalid_request" || out.IDToken != "" {
				t.Fatalf("400 %s", rec.Body)
			}
			return
		case 200:
		default:
			t.Fatalf("POST /token %q: %d %s", body, rec.Code, rec.Body)
		}
		form, err := url.ParseQuery(body)
		if err != nil {
			t.Fatalf("a token for a body that is not a form: %q", body)
		}
		c := claimsOf(t, i, out.IDToken)
		email := strings.TrimSpace(form.Get("email"))
		wantAud := form.Get("aud")
		if wantAud == "" {
			wantAud = ClientID
		}
		if c["iss"] != i.URL() || c["email"] != email || c["aud"] != wantAud || c["sub"] != Subject(email) {
			t.Fatalf("form %q: claims %v", body, c)
		}
		if exp, iat := c["exp"].(float64), c["iat"].(float64); int(exp-iat) != out.ExpiresIn || out.ExpiresIn == 0 {
			t.Fatalf("form %q: exp-iat %v, expires_in %d", body, exp-iat, out.ExpiresIn)
		}
		hd, hasHD := c["hd"]
		if _, set := form["hd"]; set && (form.Get("hd") == "") == hasHD {
			t.Fatalf("form %q: hd claim %v", body, hd)
		}
		name, _ := c["name"].(string)
		if strings.TrimSpace(name) == "" {
			t.Fatalf("form %q: empty name claim %q", body, name)
		}
		// The name is made from the input, never garbled by cutting a
		// multi-byte letter in half.
		if in := form.Get("name") + email; utf8.ValidString(in) && !strings.ContainsRune(in, utf8.RuneError) && strings.ContainsRune(name, utf8.RuneError) {
			t.Fatalf("form %q: name claim %q", body, name)
		}
	})
}
