// Package loopbacktest is a fake OAuth 2.0 authorization server for testing
// the loopback flow: like Google's, it issues a code on /auth and exchanges it
// on /token only for the right client, the same redirect URI and the PKCE
// verifier that matches the S256 challenge sent on /auth.
package loopbacktest

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
)

// LoginHintDeny, sent as login_hint, makes /auth answer error=access_denied,
// as when the person clicks Cancel.
const LoginHintDeny = "deny"

// Server is the fake authorization server.
type Server struct {
	*httptest.Server
	// ClientID and ClientSecret are the credentials /token accepts.
	ClientID, ClientSecret string
	// NoIDToken leaves id_token out of the token answer.
	NoIDToken bool

	mu    sync.Mutex
	codes map[string]grant
}

type grant struct{ challenge, redirectURI string }

// New starts a Server, closed when the test ends.
func New(t testing.TB) *Server {
	t.Helper()
	s := &Server{ClientID: "desktop.apps.googleusercontent.com", ClientSecret: "not-so-secret", codes: map[string]grant{}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /auth", s.auth)
	mux.HandleFunc("POST /token", s.token)
	s.Server = httptest.NewServer(mux)
	t.Cleanup(s.Close)
	return s
}

// AuthURL is the authorization endpoint.
func (s *Server) AuthURL() string { return s.URL + "/auth" }

// TokenURL is the token endpoint.
func (s *Server) TokenURL() string { return s.URL + "/token" }

// IDTokenPrefix starts every id_token the server issues.
const IDTokenPrefix = "fake-id-token-for-"

func (s *Server) auth(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	redirect, err := url.Parse(q.Get("redirect_uri"))
	switch {
	case err != nil || redirect.Scheme != "http" || redirect.Hostname() != "127.0.0.1":
		http.Error(w, "redirect_uri must be a loopback address", http.StatusBadRequest)
		return
	case q.Get("client_id") != s.ClientID, q.Get("response_type") != "code",
		q.Get("code_challenge_method") != "S256", q.Get("code_challenge") == "",
		!strings.Contains(q.Get("scope"), "openid"), len(q.Get("state")) < 8:
		http.Error(w, "bad authorization request", http.StatusBadRequest)
		return
	}
	back := redirect.Query()
	back.Set("state", q.Get("state"))
	if q.Get("login_hint") == LoginHintDeny {
		back.Set("error", "access_denied")
	} else {
		code := "code-" + q.Get("state")[:8]
		s.mu.Lock()
		s.codes[code] = grant{challenge: q.Get("code_challenge"), redirectURI: q.Get("redirect_uri")}
		s.mu.Unlock()
		back.Set("code", code)
	}
	redirect.RawQuery = back.Encode()
	http.Redirect(w, r, redirect.String(), http.StatusFound)
}

func (s *Server) token(w http.ResponseWriter, r *http.Request) {
	fail := func(reason string) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		json.NewEncoder(w).Encode(map[string]string{"error": "invalid_grant", "error_description": reason})
	}
	code := r.PostFormValue("code")
	s.mu.Lock()
	g, ok := s.codes[code]
	delete(s.codes, code)
	s.mu.Unlock()
	sum := sha256.Sum256([]byte(r.PostFormValue("code_verifier")))
	switch {
	case r.PostFormValue("grant_type") != "authorization_code":
		fail("grant_type")
	case !ok:
		fail("unknown code")
	case r.PostFormValue("client_id") != s.ClientID || r.PostFormValue("client_secret") != s.ClientSecret:
		fail("client")
	case r.PostFormValue("redirect_uri") != g.redirectURI:
		fail("redirect_uri differs from the authorization request")
	case base64.RawURLEncoding.EncodeToString(sum[:]) != g.challenge:
		fail("code_verifier does not match code_challenge")
	default:
		out := map[string]any{"access_token": "at", "token_type": "Bearer", "expires_in": 3599}
		if !s.NoIDToken {
			out["id_token"] = IDTokenPrefix + code
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(out)
	}
}

// Browser returns an opener that follows the authorization URL as a browser
// would, after letting edit change its query (nil: no change) to play an
// attacker or a confused person.
func Browser(edit func(url.Values)) func(context.Context, string) error {
	return func(ctx context.Context, raw string) error {
		u, err := url.Parse(raw)
		if err != nil {
			return err
		}
		if edit != nil {
			q := u.Query()
			edit(q)
			u.RawQuery = q.Encode()
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
		if err != nil {
			return err
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return err
		}
		return resp.Body.Close()
	}
}
