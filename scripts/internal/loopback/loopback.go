// Package loopback gets a Google ID token for a person at the keyboard with
// the OAuth 2.0 authorization-code flow for installed apps: a redirect to a
// listener on 127.0.0.1, PKCE (S256) and a state check. It is what a desktop
// OAuth client id is for; the token endpoint answers with an id_token.
package loopback

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"html"
	"io"
	"net"
	"net/http"
	"os/exec"
	"runtime"
	"time"

	"golang.org/x/oauth2"
)

// Google's endpoints for the flow.
const (
	GoogleAuthURL  = "https://accounts.google.com/o/oauth2/v2/auth"
	GoogleTokenURL = "https://oauth2.googleapis.com/token"
)

// Config is one sign-in. ClientID is required; every other field has a
// default fit for Google.
type Config struct {
	// ClientID is the OAuth client id of a "Desktop app" client.
	ClientID string
	// ClientSecret is the desktop client's secret (Google issues one even
	// though it cannot be kept secret; PKCE protects the flow).
	ClientSecret string
	// AuthURL and TokenURL default to Google's; tests point them elsewhere.
	AuthURL, TokenURL string
	// Scopes default to openid email profile.
	Scopes []string
	// ListenAddr is where the redirect listener binds; default 127.0.0.1:0.
	ListenAddr string
	// OpenBrowser shows the authorization URL to the person; default
	// OpenSystemBrowser.
	OpenBrowser func(ctx context.Context, url string) error
	// HTTPClient makes the token request; default http.DefaultClient.
	HTTPClient *http.Client
	// Log receives the instructions for the person (never the token);
	// default io.Discard.
	Log io.Writer
}

// IDToken runs the flow and returns the ID token from the token endpoint's
// answer. It returns when the browser comes back to the listener or ctx ends.
func IDToken(ctx context.Context, cfg Config) (string, error) {
	if cfg.ClientID == "" {
		return "", errors.New("google sign-in: a desktop OAuth client id is required")
	}
	cfg = withDefaults(cfg)
	ln, err := net.Listen("tcp", cfg.ListenAddr)
	if err != nil {
		return "", fmt.Errorf("google sign-in: listen for the redirect: %w", err)
	}
	defer ln.Close()
	conf := &oauth2.Config{
		ClientID:     cfg.ClientID,
		ClientSecret: cfg.ClientSecret,
		Endpoint:     oauth2.Endpoint{AuthURL: cfg.AuthURL, TokenURL: cfg.TokenURL, AuthStyle: oauth2.AuthStyleInParams},
		RedirectURL:  "http://" + ln.Addr().String() + "/",
		Scopes:       cfg.Scopes,
	}
	state, err := randomString()
	if err != nil {
		return "", fmt.Errorf("google sign-in: %w", err)
	}
	verifier := oauth2.GenerateVerifier()

	codes := make(chan callback, 1)
	srv := &http.Server{Handler: callbackHandler(state, codes), ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	defer srv.Close()

	authURL := conf.AuthCodeURL(state, oauth2.S256ChallengeOption(verifier), oauth2.SetAuthURLParam("prompt", "select_account"))
	fmt.Fprintf(cfg.Log, "Sign in with Google in your browser. If it does not open, visit:\n\n  %s\n\n", authURL)
	if err := cfg.OpenBrowser(ctx, authURL); err != nil {
		fmt.Fprintf(cfg.Log, "could not open a browser (%v); open the address above yourself\n", err)
	}

	var cb callback
	select {
	case cb = <-codes:
	case <-ctx.Done():
		return "", fmt.Errorf("google sign-in: waiting for the browser: %w", ctx.Err())
	}
	if cb.err != nil {
		return "", fmt.Errorf("google sign-in: %w", cb.err)
	}
	tok, err := conf.Exchange(context.WithValue(ctx, oauth2.HTTPClient, cfg.HTTPClient), cb.code, oauth2.VerifierOption(verifier))
	if err != nil {
		return "", fmt.Errorf("google sign-in: exchange the code: %w", err)
	}
	idToken, _ := tok.Extra("id_token").(string)
	if idToken == "" {
		return "", errors.New("google sign-in: the token answer has no id_token (is the openid scope granted?)")
	}
	return idToken, nil
}

// callback is what came back to the redirect listener.
type callback struct {
	code string
	err  error
}

// callbackHandler takes the first redirect that carries a code or an error,
// checks its state and hands it over on out.
func callbackHandler(state string, out chan<- callback) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/" {
			http.NotFound(w, r)
			return
		}
		q := r.URL.Query()
		var cb callback
		switch {
		case q.Get("state") != state:
			cb.err = errors.New("the redirect's state does not match (a stale or forged sign-in)")
		case q.Get("error") != "":
			cb.err = fmt.Errorf("the authorization server refused: %s %s", q.Get("error"), q.Get("error_description"))
		case q.Get("code") == "":
			cb.err = errors.New("the redirect carries no code")
		default:
			cb.code = q.Get("code")
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		if cb.err != nil {
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprintf(w, "<!doctype html><title>camvault</title><p>Sign-in failed: %s</p>", html.EscapeString(cb.err.Error()))
		} else {
			fmt.Fprint(w, "<!doctype html><title>camvault</title><p>Signed in. You can close this tab and go back to the terminal.</p>")
		}
		select {
		case out <- cb:
		default: // a later redirect after the first: ignore it
		}
	})
}

func withDefaults(cfg Config) Config {
	if cfg.AuthURL == "" {
		cfg.AuthURL = GoogleAuthURL
	}
	if cfg.TokenURL == "" {
		cfg.TokenURL = GoogleTokenURL
	}
	if len(cfg.Scopes) == 0 {
		cfg.Scopes = []string{"openid", "email", "profile"}
	}
	if cfg.ListenAddr == "" {
		cfg.ListenAddr = "127.0.0.1:0"
	}
	if cfg.OpenBrowser == nil {
		cfg.OpenBrowser = OpenSystemBrowser
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = http.DefaultClient
	}
	if cfg.Log == nil {
		cfg.Log = io.Discard
	}
	return cfg
}

// OpenSystemBrowser opens url with the desktop's opener: open on macOS,
// rundll32 on Windows, xdg-open elsewhere.
func OpenSystemBrowser(ctx context.Context, url string) error {
	var cmd *exec.Cmd
	switch runtime.GOOS {
	case "darwin":
		cmd = exec.CommandContext(ctx, "open", url)
	case "windows":
		cmd = exec.CommandContext(ctx, "rundll32", "url.dll,FileProtocolHandler", url)
	default:
		cmd = exec.CommandContext(ctx, "xdg-open", url)
	}
	if err := cmd.Start(); err != nil {
		return err
	}
	go cmd.Wait()
	return nil
}

// randomString returns 32 random bytes, base64url-encoded.
func randomString() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}
