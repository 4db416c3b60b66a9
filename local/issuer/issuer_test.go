package issuer

import (
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"math/big"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func newTestIssuer(t *testing.T, keyFile string) (*Issuer, *httptest.Server) {
	t.Helper()
	srv := httptest.NewUnstartedServer(nil)
	srv.Start()
	t.Cleanup(srv.Close)
	iss, err := New(Config{URL: srv.URL, KeyFile: keyFile, Now: func() time.Time { return time.Unix(1_800_000_000, 0) }})
	if err != nil {
		t.Fatal(err)
	}
	srv.Config.Handler = iss.Handler()
	return iss, srv
}

// verify checks tok's RS256 signature against the issuer's published JWKS
// and returns its claims.
func verify(t *testing.T, srv *httptest.Server, tok string) map[string]any {
	t.Helper()
	resp, err := http.Get(srv.URL + "/jwks")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var set struct {
		Keys []struct{ Kid, N, E, Alg string }
	}
	if err := json.NewDecoder(resp.Body).Decode(&set); err != nil || len(set.Keys) != 1 {
		t.Fatalf("jwks: %v %v", err, set)
	}
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		t.Fatalf("token has %d parts", len(parts))
	}
	hb, _ := base64.RawURLEncoding.DecodeString(parts[0])
	var header map[string]string
	_ = json.Unmarshal(hb, &header)
	if header["kid"] != set.Keys[0].Kid || header["alg"] != "RS256" {
		t.Fatalf("header %v, jwks kid %q", header, set.Keys[0].Kid)
	}
	n, _ := base64.RawURLEncoding.DecodeString(set.Keys[0].N)
	e, _ := base64.RawURLEncoding.DecodeString(set.Keys[0].E)
	pub := &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: int(new(big.Int).SetBytes(e).Int64())}
	sig, _ := base64.RawURLEncoding.DecodeString(parts[2])
	sum := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	if err := rsa.VerifyPKCS1v15(pub, crypto.SHA256, sum[:], sig); err != nil {
		t.Fatalf("signature: %v", err)
	}
	pb, _ := base64.RawURLEncoding.DecodeString(parts[1])
	var claims map[string]any
	if err := json.Unmarshal(pb, &claims); err != nil {
		t.Fatal(err)
	}
	return claims
}

func postToken(t *testing.T, srv *httptest.Server, form url.Values) (int, map[string]any) {
	t.Helper()
	resp, err := http.PostForm(srv.URL+"/token", form)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&body)
	return resp.StatusCode, body
}

func TestTokenEndpoint(t *testing.T) {
	_, srv := newTestIssuer(t, "")
	tests := []struct {
		name   string
		form   url.Values
		status int
		check  func(t *testing.T, c map[string]any)
	}{
		{"defaults", url.Values{"email": {"jane.doe@example.com"}}, 200, func(t *testing.T, c map[string]any) {
			want := map[string]any{"iss": srv.URL, "aud": ClientID, "azp": ClientID, "email": "jane.doe@example.com",
				"email_verified": true, "hd": "example.com", "name": "Jane Doe", "sub": Subject("jane.doe@example.com"),
				"iat": float64(1_800_000_000), "exp": float64(1_800_003_600)}
			for k, v := range want {
				if c[k] != v {
					t.Errorf("%s = %v, want %v", k, c[k], v)
				}
			}
			if !strings.HasPrefix(c["picture"].(string), srv.URL+"/avatar/") {
				t.Errorf("picture %v", c["picture"])
			}
		}},
		{"gmail has no hd", url.Values{"email": {"someone@gmail.com"}}, 200, func(t *testing.T, c map[string]any) {
			if _, ok := c["hd"]; ok {
				t.Errorf("hd = %v", c["hd"])
			}
		}},
		{"empty hd means none", url.Values{"email": {"a@example.com"}, "hd": {""}}, 200, func(t *testing.T, c map[string]any) {
			if _, ok := c["hd"]; ok {
				t.Errorf("hd = %v", c["hd"])
			}
		}},
		{"overrides", url.Values{"email": {"a@example.com"}, "hd": {"other.com"}, "aud": {"x"}, "expires_in": {"60"}, "email_verified": {"false"}, "name": {"Al"}}, 200, func(t *testing.T, c map[string]any) {
			if c["hd"] != "other.com" || c["aud"] != "x" || c["email_verified"] != false || c["name"] != "Al" || c["exp"] != float64(1_800_000_060) {
				t.Errorf("claims %v", c)
			}
		}},
		{"expired", url.Values{"email": {"a@example.com"}, "expires_in": {"-60"}}, 200, func(t *testing.T, c map[string]any) {
			if c["exp"] != float64(1_800_000_000-60) {
				t.Errorf("exp %v", c["exp"])
			}
		}},
		{"no email", url.Values{}, 400, nil},
		{"bad email", url.Values{"email": {"not-an-email"}}, 400, nil},
		{"bad expires_in", url.Values{"email": {"a@example.com"}, "expires_in": {"soon"}}, 400, nil},
		{"huge expires_in", url.Values{"email": {"a@example.com"}, "expires_in": {"999999"}}, 400, nil},
		{"bad email_verified", url.Values{"email": {"a@example.com"}, "email_verified": {"maybe"}}, 400, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := postToken(t, srv, tt.form)
			if status != tt.status {
				t.Fatalf("status %d, want %d: %v", status, tt.status, body)
			}
			if tt.check == nil {
				if body["error"] != "invalid_request" || body["error_description"] == "" {
					t.Fatalf("error body %v", body)
				}
				return
			}
			tt.check(t, verify(t, srv, body["id_token"].(string)))
		})
	}
}

func TestSubjectStable(t *testing.T) {
	a, b := Subject("Viewer@example.com"), Subject("viewer@example.com")
	if a != b || len(a) != 21 || strings.Trim(a, "0123456789") != "" {
		t.Fatalf("subjects %q %q", a, b)
	}
	if Subject("admin@example.com") == a {
		t.Fatal("two people share a subject")
	}
}

func TestDiscovery(t *testing.T) {
	_, srv := newTestIssuer(t, "")
	resp, err := http.Get(srv.URL + "/.well-known/openid-configuration")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var d map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&d)
	if d["issuer"] != srv.URL || d["jwks_uri"] != srv.URL+"/jwks" || d["authorization_endpoint"] != srv.URL+"/authorize" || d["token_endpoint"] != srv.URL+"/token" {
		t.Fatalf("discovery %v", d)
	}
}

func TestKeyPersists(t *testing.T) {
	file := filepath.Join(t.TempDir(), "issuer", "key.pem")
	a, _ := newTestIssuer(t, file)
	b, _ := newTestIssuer(t, file)
	if a.KeyID() != b.KeyID() || a.PublicKey().N.Cmp(b.PublicKey().N) != 0 {
		t.Fatal("key changed across restarts")
	}
	if err := os.WriteFile(file, []byte("garbage"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := New(Config{URL: "http://x", KeyFile: file}); !errors.Is(err, ErrCorruptKey) {
		t.Fatalf("corrupt key: %v", err)
	}
}

func TestAuthorizeFlow(t *testing.T) {
	_, srv := newTestIssuer(t, "")
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	good := url.Values{"client_id": {ClientID}, "redirect_uri": {"http://127.0.0.1:4001/callback"}, "response_type": {"id_token"}, "state": {"s1"}, "nonce": {"n1"}}

	t.Run("page", func(t *testing.T) {
		resp, err := client.Get(srv.URL + "/authorize?" + good.Encode())
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.Contains(string(body), "viewer@example.com") || strings.Contains(string(body), "<script") {
			t.Fatalf("%d %s", resp.StatusCode, body)
		}
		if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "form-action 'self' http://127.0.0.1:4001") {
			t.Fatalf("CSP %q", csp)
		}
	})
	bad := []struct{ name, key, value string }{
		{"remote redirect", "redirect_uri", "https://evil.example/cb"},
		{"no redirect", "redirect_uri", ""},
		{"javascript redirect", "redirect_uri", "javascript:alert(1)"},
		{"code flow", "response_type", "code"},
		{"no client", "client_id", ""},
	}
	for _, b := range bad {
		t.Run(b.name, func(t *testing.T) {
			q := url.Values{}
			for k, v := range good {
				q[k] = v
			}
			q.Set(b.key, b.value)
			resp, err := client.Get(srv.URL + "/authorize?" + q.Encode())
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != 400 {
				t.Fatalf("status %d", resp.StatusCode)
			}
			form := url.Values{"email": {"viewer@example.com"}}
			for k, v := range q {
				form[k] = v
			}
			resp, err = client.PostForm(srv.URL+"/authorize", form)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != 400 {
				t.Fatalf("post status %d", resp.StatusCode)
			}
		})
	}
	t.Run("submit", func(t *testing.T) {
		form := url.Values{"email": {"admin@example.com"}}
		for k, v := range good {
			form[k] = v
		}
		resp, err := client.PostForm(srv.URL+"/authorize", form)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		loc, _ := url.Parse(resp.Header.Get("Location"))
		if resp.StatusCode != http.StatusSeeOther || loc == nil || loc.Host != "127.0.0.1:4001" || loc.Path != "/callback" {
			t.Fatalf("%d %q", resp.StatusCode, resp.Header.Get("Location"))
		}
		frag, _ := url.ParseQuery(loc.Fragment)
		if frag.Get("state") != "s1" {
			t.Fatalf("state %q", frag.Get("state"))
		}
		c := verify(t, srv, frag.Get("id_token"))
		if c["email"] != "admin@example.com" || c["nonce"] != "n1" || c["aud"] != ClientID {
			t.Fatalf("claims %v", c)
		}
	})
}

func TestAvatar(t *testing.T) {
	_, srv := newTestIssuer(t, "")
	for path, want := range map[string]int{"/avatar/" + Subject("a@b.co") + ".svg?initial=A": 200, "/avatar/abc.svg": 404, "/avatar/123.png": 404} {
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("%s: %d, want %d", path, resp.StatusCode, want)
		}
	}
}
