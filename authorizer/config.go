package authorizer

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/camvault/camvault/authorizer/access"
	"github.com/camvault/camvault/authorizer/grants"
)

// Google's issuer and key set, the defaults.
const (
	// GoogleIssuer is Google's issuer; tokens may also spell it without the scheme.
	GoogleIssuer = "https://accounts.google.com"
	// GoogleJWKSURL is where Google publishes its ID token signing keys.
	GoogleJWKSURL = "https://www.googleapis.com/oauth2/v3/certs"
	// DefaultClockSkew is the leeway on exp, iat and nbf.
	DefaultClockSkew = time.Minute
)

// KeySet verifies the signature of a compact JWS and returns its payload.
// jwks.KeySet is the default; the method is oidc.KeySet's, so any key set
// written for go-oidc is one.
type KeySet interface {
	VerifySignature(ctx context.Context, jwt string) ([]byte, error)
}

// Config configures an Authorizer. Build it with ConfigFromEnv, or directly
// (the local stack does); zero values take the documented defaults.
type Config struct {
	// ClientIDs are the OAuth client ids accepted as the token's audience. Required.
	ClientIDs []string
	// AllowedDomains are Workspace domains matched against the hd claim.
	AllowedDomains []string
	// AllowedEmails are verified addresses allowed as viewers.
	AllowedEmails []string
	// AdminEmails are verified addresses allowed as admins.
	AdminEmails []string
	// AllowlistTable is the DynamoDB table of dynamic grants; empty for none.
	AllowlistTable string
	// DynamoDB reads AllowlistTable; required when it is set.
	DynamoDB grants.API
	// GrantCacheTTL is how long a grant lookup is cached (default 60s).
	GrantCacheTTL time.Duration

	// Issuer is the expected issuer (default GoogleIssuer). Google's issuer
	// is accepted in both spellings; any other issuer must match exactly.
	Issuer string
	// JWKSURL is the key set URL (default GoogleJWKSURL when Issuer is Google's;
	// required otherwise). Unused when KeySet is set.
	JWKSURL string
	// KeySet verifies token signatures; default: a cached, rate-limited
	// jwks.KeySet for JWKSURL, pre-warmed by New. Any other key set (any
	// oidc.KeySet is one) is handed only tokens whose protected header
	// jwks.ParseHeader accepts (RS256, no crit).
	KeySet KeySet
	// HTTPClient fetches the key set (default: a plain http.Client; every fetch
	// is bounded by a timeout of its own).
	HTTPClient *http.Client
	// KeyRefreshInterval is the least time between two key set fetches caused
	// by unknown key ids (default 30s).
	KeyRefreshInterval time.Duration

	// TokenCacheSize bounds the cache of verified tokens (default
	// DefaultTokenCacheSize; negative disables it). The cache works only
	// with the default key set (KeySet unset), which can say whether a
	// cached token's key is still published.
	TokenCacheSize int

	// ClockSkew is the leeway on exp, iat and nbf (default DefaultClockSkew).
	ClockSkew time.Duration
	// Now is the clock (default time.Now).
	Now func() time.Time
	// Logger receives one JSON line per decision (default: JSON to stderr).
	Logger *slog.Logger
}

// ConfigFromEnv reads the authorizer's environment (see the README):
// GOOGLE_CLIENT_IDS, ALLOWED_DOMAINS, ALLOWED_EMAILS, ADMIN_EMAILS,
// ALLOWLIST_TABLE, OIDC_ISSUER and OIDC_JWKS_URL. lookup is os.LookupEnv or
// a test's map. It checks the values; New checks that they make sense together.
func ConfigFromEnv(lookup func(string) (string, bool)) (Config, error) {
	get := func(name string) string {
		v, _ := lookup(name)
		return strings.TrimSpace(v)
	}
	var cfg Config
	var errs []error
	cfg.ClientIDs = list(get("GOOGLE_CLIENT_IDS"), false)
	cfg.AllowedDomains = list(get("ALLOWED_DOMAINS"), true)
	cfg.AllowedEmails = list(get("ALLOWED_EMAILS"), true)
	cfg.AdminEmails = list(get("ADMIN_EMAILS"), true)
	cfg.AllowlistTable = get("ALLOWLIST_TABLE")
	cfg.Issuer = get("OIDC_ISSUER")
	cfg.JWKSURL = get("OIDC_JWKS_URL")
	for _, d := range cfg.AllowedDomains {
		if strings.Contains(d, "@") || !strings.Contains(d, ".") || !access.ValidSubject(d) {
			errs = append(errs, fmt.Errorf("ALLOWED_DOMAINS: %q is not a domain", d))
		}
	}
	for name, emails := range map[string][]string{"ALLOWED_EMAILS": cfg.AllowedEmails, "ADMIN_EMAILS": cfg.AdminEmails} {
		for _, e := range emails {
			if local, domain, ok := strings.Cut(e, "@"); !ok || local == "" || domain == "" || !access.ValidSubject(e) {
				errs = append(errs, fmt.Errorf("%s: %q is not an email address", name, e))
			}
		}
	}
	return cfg, errors.Join(errs...)
}

// list splits a comma-separated value, trimming and dropping empty entries.
func list(v string, lower bool) []string {
	var out []string
	for _, s := range strings.Split(v, ",") {
		s = strings.TrimSpace(s)
		if lower {
			s = access.Canonical(s) // ASCII only: no Unicode case folding
		}
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

// withDefaults fills the zero values and checks the whole.
func (c Config) withDefaults() (Config, error) {
	if len(c.ClientIDs) == 0 {
		return c, errors.New("authorizer config: GOOGLE_CLIENT_IDS is empty; refusing to start (every token would be refused)")
	}
	if len(c.AllowedDomains) == 0 && len(c.AllowedEmails) == 0 && len(c.AdminEmails) == 0 && c.AllowlistTable == "" {
		return c, errors.New("authorizer config: no allow rule; set ALLOWED_DOMAINS, ALLOWED_EMAILS, ADMIN_EMAILS or ALLOWLIST_TABLE (refusing to start as a silent deny-all)")
	}
	if c.AllowlistTable != "" && c.DynamoDB == nil {
		return c, errors.New("authorizer config: ALLOWLIST_TABLE is set but no DynamoDB client was given")
	}
	if c.Issuer == "" {
		c.Issuer = GoogleIssuer
	}
	if c.JWKSURL == "" && c.KeySet == nil {
		if !isGoogle(c.Issuer) {
			return c, fmt.Errorf("authorizer config: OIDC_JWKS_URL is required for issuer %q", c.Issuer)
		}
		c.JWKSURL = GoogleJWKSURL
	}
	if c.ClockSkew <= 0 {
		c.ClockSkew = DefaultClockSkew
	}
	if c.TokenCacheSize == 0 {
		c.TokenCacheSize = DefaultTokenCacheSize
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	return c, nil
}

func isGoogle(issuer string) bool {
	return issuer == GoogleIssuer || issuer == "accounts.google.com"
}
