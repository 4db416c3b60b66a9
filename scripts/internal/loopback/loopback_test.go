package loopback

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"testing"

	"github.com/camvault/camvault/scripts/internal/loopback/loopbacktest"
)

func TestIDToken(t *testing.T) {
	tests := []struct {
		name      string
		edit      func(url.Values)
		noIDToken bool
		secret    string
		wantErrIn string
	}{
		{name: "signed in", edit: func(url.Values) {}},
		{name: "state swapped", edit: func(q url.Values) { q.Set("state", "forged-state-value") }, wantErrIn: "state does not match"},
		{name: "challenge swapped", edit: func(q url.Values) { q.Set("code_challenge", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA") }, wantErrIn: "code_verifier does not match"},
		{name: "plain method refused", edit: func(q url.Values) { q.Set("code_challenge_method", "plain") }, wantErrIn: "waiting for the browser"},
		{name: "person denies", edit: func(q url.Values) { q.Set("login_hint", loopbacktest.LoginHintDeny) }, wantErrIn: "access_denied"},
		{name: "wrong secret", edit: func(url.Values) {}, secret: "other", wantErrIn: "invalid_grant"},
		{name: "no id_token", edit: func(url.Values) {}, noIDToken: true, wantErrIn: "no id_token"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := loopbacktest.New(t)
			srv.NoIDToken = tt.noIDToken
			secret := srv.ClientSecret
			if tt.secret != "" {
				secret = tt.secret
			}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			open := loopbacktest.Browser(tt.edit)
			var sawURL string
			cfg := Config{
				ClientID: srv.ClientID, ClientSecret: secret,
				AuthURL: srv.AuthURL(), TokenURL: srv.TokenURL(),
				OpenBrowser: func(ctx context.Context, u string) error {
					sawURL = u
					err := open(ctx, u)
					// A refused authorization request never comes back to the
					// listener; the person would give up: cancel.
					if tt.wantErrIn == "waiting for the browser" {
						cancel()
					}
					return err
				},
			}
			got, err := IDToken(ctx, cfg)
			if tt.wantErrIn != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErrIn) {
					t.Fatalf("IDToken() error = %v, want it to contain %q", err, tt.wantErrIn)
				}
				return
			}
			if err != nil {
				t.Fatalf("IDToken() error = %v", err)
			}
			if !strings.HasPrefix(got, loopbacktest.IDTokenPrefix) {
				t.Errorf("IDToken() = %q, want the fake's id_token", got)
			}
			if strings.Contains(sawURL, "code_verifier") {
				t.Error("the authorization URL leaks the PKCE verifier")
			}
		})
	}
}

func TestIDTokenNeedsClientID(t *testing.T) {
	if _, err := IDToken(context.Background(), Config{}); err == nil || !strings.Contains(err.Error(), "client id") {
		t.Fatalf("IDToken() error = %v, want a missing client id error", err)
	}
}

func TestIDTokenCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	_, err := IDToken(ctx, Config{
		ClientID: "x", AuthURL: "http://127.0.0.1:1/auth", TokenURL: "http://127.0.0.1:1/token",
		OpenBrowser: func(context.Context, string) error { cancel(); return nil },
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("IDToken() error = %v, want context.Canceled", err)
	}
}
