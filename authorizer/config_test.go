package authorizer_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/camvault/camvault/authorizer"
)

func env(m map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

func TestConfigFromEnv(t *testing.T) {
	cfg, err := authorizer.ConfigFromEnv(env(map[string]string{
		"GOOGLE_CLIENT_IDS": " a.apps.googleusercontent.com, ,B.apps.googleusercontent.com ",
		"ALLOWED_DOMAINS":   "Example.com,example.org",
		"ALLOWED_EMAILS":    "Friend@Gmail.com",
		"ADMIN_EMAILS":      "boss@example.com",
		"ALLOWLIST_TABLE":   "grants",
		"OIDC_ISSUER":       "http://127.0.0.1:4002",
		"OIDC_JWKS_URL":     "http://127.0.0.1:4002/jwks",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(cfg.ClientIDs, []string{"a.apps.googleusercontent.com", "B.apps.googleusercontent.com"}) ||
		!slices.Equal(cfg.AllowedDomains, []string{"example.com", "example.org"}) ||
		!slices.Equal(cfg.AllowedEmails, []string{"friend@gmail.com"}) ||
		!slices.Equal(cfg.AdminEmails, []string{"boss@example.com"}) ||
		cfg.AllowlistTable != "grants" || cfg.Issuer != "http://127.0.0.1:4002" || cfg.JWKSURL != "http://127.0.0.1:4002/jwks" {
		t.Fatalf("config %+v", cfg)
	}

	for _, tt := range []struct {
		name string
		env  map[string]string
		want string
	}{
		{"domain with @", map[string]string{"ALLOWED_DOMAINS": "a@example.com"}, "ALLOWED_DOMAINS"},
		{"domain without dot", map[string]string{"ALLOWED_DOMAINS": "localhost"}, "ALLOWED_DOMAINS"},
		{"email without @", map[string]string{"ALLOWED_EMAILS": "example.com"}, "ALLOWED_EMAILS"},
		{"admin without local part", map[string]string{"ADMIN_EMAILS": "@example.com"}, "ADMIN_EMAILS"},
		{"look-alike admin (KELVIN SIGN)", map[string]string{"ADMIN_EMAILS": "\u212Aate@example.com"}, "ADMIN_EMAILS"},
		{"non-ASCII domain", map[string]string{"ALLOWED_DOMAINS": "b\u00fccher.example"}, "ALLOWED_DOMAINS"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := authorizer.ConfigFromEnv(env(tt.env))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err %v, want one naming %s", err, tt.want)
			}
		})
	}
}

func TestNewRefusesBadConfig(t *testing.T) {
	for _, tt := range []struct {
		name string
		env  map[string]string
		want string
	}{
		{"no client ids", map[string]string{"ALLOWED_DOMAINS": "example.com"}, "GOOGLE_CLIENT_IDS is empty"},
		{"no allow rule", map[string]string{"GOOGLE_CLIENT_IDS": "a"}, "no allow rule"},
		{"table without client", map[string]string{"GOOGLE_CLIENT_IDS": "a", "ALLOWLIST_TABLE": "t"}, "no DynamoDB client"},
		{"other issuer without jwks url", map[string]string{"GOOGLE_CLIENT_IDS": "a", "ALLOWED_DOMAINS": "example.com", "OIDC_ISSUER": "http://127.0.0.1:4002"}, "OIDC_JWKS_URL is required"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := authorizer.ConfigFromEnv(env(tt.env))
			if err != nil {
				t.Fatal(err)
			}
			_, err = authorizer.New(context.Background(), cfg)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err %v, want %q", err, tt.want)
			}
		})
	}
}

func TestNewWithKeyServerDown(t *testing.T) {
	keyA, _, _, _ := testKeys(t)
	f := newFixture(t, baseConfig(), keyA)
	f.jwks.SetDown(true)
	cfg := baseConfig()
	cfg.JWKSURL = f.jwks.URL
	cfg.Now = f.clock.Now
	cfg.Logger = slogJSON(f.logs)
	a, err := authorizer.New(context.Background(), cfg)
	if err != nil {
		t.Fatalf("New must not fail on a key server outage: %v", err)
	}
	if !strings.Contains(f.logs.String(), "not pre-warmed") {
		t.Errorf("outage not logged: %s", f.logs)
	}
	tok := keyA.Sign(t, claims("viewer@example.com", "example.com"))
	if _, err := a.Authorize(context.Background(), tok); err == nil {
		t.Fatal("authorized with no keys")
	}
	f.jwks.SetDown(false)
	f.clock.Advance(authorizerKeyRefresh)
	if _, err := a.Authorize(context.Background(), tok); err != nil {
		t.Fatalf("after the outage: %v", err)
	}
}
