// Package authorizer is camvault's API Gateway TOKEN authorizer: it verifies
// Google ID tokens locally (RS256 against Google's published keys, audience,
// issuer, expiry, verified address), decides who may do what from static
// rules and dynamic grants, and answers API Gateway with an IAM policy.
//
//	cfg, err := authorizer.ConfigFromEnv(os.LookupEnv)
//	a, err := authorizer.New(ctx, cfg)
//	lambda.Start(a.Handle)
//
// Authorize is the core entry, free of API Gateway; Handle adapts it.
package authorizer

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/camvault/camvault/authorizer/access"
	"github.com/camvault/camvault/authorizer/grants"
	"github.com/camvault/camvault/authorizer/jwks"
)

// maxHeaderBytes bounds the Authorization header looked at (Google's ID
// tokens are about 1.2 KB).
const maxHeaderBytes = 8<<10 + len("Bearer ")

// Authorizer verifies tokens and decides access. Build it with New; it is
// safe for concurrent use.
type Authorizer struct {
	cfg Config
	// keys verifies signatures; native is the same key set when it is a
	// *jwks.KeySet (the default), nil for a key set of the caller's.
	keys   KeySet
	native *jwks.KeySet
	rules  *access.Rules
	log    *slog.Logger
	// tokens caches verified tokens; nil when disabled or when the key
	// set is not a *jwks.KeySet (which alone can say a key was withdrawn).
	tokens *tokenCache
}

// Identity is the verified person behind a token.
type Identity struct {
	// Subject is Google's stable user id (sub).
	Subject string
	// Email is the verified address, ASCII-lowercased (access.Canonical).
	Email string
	// Domain is the Workspace domain (hd), ASCII-lowercased; empty for consumer accounts.
	Domain string
	// Name is the display name, when the token has one.
	Name string
	// Picture is the profile picture URL, when the token has one.
	Picture string
}

// Decision is an allowed person and what they may do.
type Decision struct {
	// Identity is who the token is for.
	Identity Identity
	// Access is what they may do.
	Access access.Access
	// Reason names the rule that allowed them.
	Reason string
}

// New checks cfg, builds the Authorizer and pre-warms the key set; ctx bounds
// only the wait for that first fetch, which runs on a context of its own. A
// failed pre-warm is logged, not returned: the first tokens then trigger a fetch,
// rate-limited like any other, so a cold start during a key server outage
// answers 401 and recovers by itself instead of failing every init.
func New(ctx context.Context, cfg Config) (*Authorizer, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.NewJSONHandler(os.Stderr, nil))
	}
	var source access.GrantSource
	var store *grants.Store
	if cfg.AllowlistTable != "" {
		store, err = grants.NewStore(cfg.DynamoDB, cfg.AllowlistTable, grants.WithTTL(cfg.GrantCacheTTL), grants.WithClock(cfg.Now))
		if err != nil {
			return nil, fmt.Errorf("authorizer config: %w", err)
		}
		source = store
	}
	rules, err := access.NewRules(cfg.AllowedDomains, cfg.AllowedEmails, cfg.AdminEmails, source, log)
	if err != nil {
		return nil, fmt.Errorf("authorizer config: %w", err)
	}
	if store != nil {
		rules.BindAddresses(store) // address rules hold for one Google account (README)
	}
	keySet := cfg.KeySet
	if keySet == nil {
		ks := jwks.New(cfg.JWKSURL,
			jwks.WithHTTPClient(cfg.HTTPClient),
			jwks.WithClock(cfg.Now),
			jwks.WithMinRefreshInterval(cfg.KeyRefreshInterval))
		if err := ks.Refresh(ctx); err != nil {
			log.Warn("signing keys not pre-warmed; will retry on demand", "error", err.Error())
		}
		keySet = ks
	}
	native, _ := keySet.(*jwks.KeySet)
	var tokens *tokenCache
	if native != nil && cfg.TokenCacheSize > 0 {
		tokens = newTokenCache(cfg.TokenCacheSize, native)
	}
	return &Authorizer{cfg: cfg, keys: keySet, native: native, rules: rules, log: log, tokens: tokens}, nil
}

// tokenBytes marks the bytes a compact JWS may hold: base64url and '.'.
// (A table: the loop over a 1 KB token was 6 % of a fresh decision.)
var tokenBytes = func() (t [256]bool) {
	for c := range 256 {
		t[c] = c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.'
	}
	return t
}()

// TokenFromHeader returns the token of an Authorization header value:
// "Bearer <token>" with any case of the scheme, or a bare token. It refuses
// empty, oversized and obviously malformed values before any cryptography.
func TokenFromHeader(header string) (string, error) {
	if header == "" {
		return "", &TokenError{Kind: ErrNoToken}
	}
	if len(header) > maxHeaderBytes {
		return "", &TokenError{Kind: ErrMalformedToken, Detail: "header too long"}
	}
	token := strings.TrimSpace(header)
	if scheme, rest, ok := strings.Cut(token, " "); ok {
		if !strings.EqualFold(scheme, "bearer") {
			return "", &TokenError{Kind: ErrMalformedToken, Detail: "scheme is not bearer"}
		}
		token = strings.TrimLeft(rest, " ")
	}
	if token == "" {
		return "", &TokenError{Kind: ErrNoToken}
	}
	for i := 0; i < len(token); i++ {
		if !tokenBytes[token[i]] {
			return "", &TokenError{Kind: ErrMalformedToken, Detail: "character outside base64url"}
		}
	}
	if strings.Count(token, ".") != 2 {
		return "", &TokenError{Kind: ErrMalformedToken, Detail: "not three parts"}
	}
	return token, nil
}

// Verify checks the token (an Authorization header value or a bare token)
// and returns who it is for. Any failure is a *TokenError.
//
// A token that verified before is answered from the verified-token cache
// (keyed by SHA-256 of the whole token) while it has not expired and its
// signing key is still published; anything else is verified in full, and
// a token that verifies is remembered. Failures are never cached.
func (a *Authorizer) Verify(ctx context.Context, header string) (Identity, error) {
	token, err := TokenFromHeader(header)
	if err != nil {
		return Identity{}, err
	}
	if a.tokens == nil {
		id, _, err := a.verify(ctx, token)
		return id, err
	}
	digest := jwks.SigningDigest(token)
	key := keyOf(token, &digest)
	if id, ok := a.tokens.get(key, a.cfg.Now()); ok {
		return id, nil
	}
	// The key set reuses the digest just computed: a miss hashes the
	// signing input once, as it did before there was a cache.
	vctx, v := jwks.NewVerification(ctx, token, &digest)
	id, exp, err := a.verify(vctx, token)
	if err == nil && v.OK {
		a.tokens.put(verifiedToken{key: key, identity: id, expiry: exp, kid: v.Kid, keyFP: v.Fingerprint})
	}
	return id, err
}

// verify checks a bare token in full and returns who it is for and its
// expiry: the signature (the key set returns the payload), then the claims,
// decoded once (checkClaims).
func (a *Authorizer) verify(ctx context.Context, token string) (Identity, time.Time, error) {
	payload, err := a.verifySignature(ctx, token)
	if err != nil {
		return Identity{}, time.Time{}, err
	}
	return a.checkClaims(payload)
}

// verifySignature verifies the token's signature and returns its payload.
// A failure is ErrMalformedToken when the token's shape or protected header
// is not acceptable (not a compact JWS, alg not RS256, crit) or, with the
// default key set, when a verified payload is not canonical base64url;
// any other failure is ErrBadSignature, an unusual header
// (jwks.ErrUnusualHeader) included, as when go-jose refused it.
func (a *Authorizer) verifySignature(ctx context.Context, token string) ([]byte, error) {
	if a.native == nil {
		// A key set of the caller's may accept what ours refuses: it is
		// never handed a token whose header ours would refuse.
		if _, err := jwks.CheckHeader(token); err != nil {
			if errors.Is(err, jwks.ErrUnusualHeader) {
				// As below: a header ParseHeader accepts is no malformed token.
				return nil, &TokenError{Kind: ErrBadSignature, Detail: err.Error()}
			}
			return nil, &TokenError{Kind: ErrMalformedToken, Detail: err.Error()}
		}
	}
	payload, err := a.keys.VerifySignature(ctx, token)
	if err == nil {
		return payload, nil
	}
	if a.native != nil && errors.Is(err, jwks.ErrPayloadEncoding) {
		return nil, &TokenError{Kind: ErrMalformedToken, Detail: err.Error()}
	}
	// Classify only on failure, to keep the happy path to one header parse.
	if _, herr := jwks.ParseHeader(token); herr != nil {
		return nil, &TokenError{Kind: ErrMalformedToken, Detail: herr.Error()}
	}
	return nil, &TokenError{Kind: ErrBadSignature, Detail: err.Error()}
}

func (a *Authorizer) issuerOK(iss string) bool {
	if isGoogle(a.cfg.Issuer) {
		return isGoogle(iss)
	}
	return iss == a.cfg.Issuer
}

// Authorize verifies the token (an Authorization header value or a bare
// token) and decides what its person may do. Errors: *TokenError for a
// missing or invalid token, *DeniedError for a valid token of someone not
// allowed, anything else when no decision could be made (the grants table
// failed) — the caller must then fail closed without caching.
func (a *Authorizer) Authorize(ctx context.Context, token string) (Decision, error) {
	id, err := a.Verify(ctx, token)
	if err != nil {
		return Decision{}, err
	}
	d, err := a.rules.Decide(ctx, access.Person{Email: id.Email, Domain: id.Domain, Subject: id.Subject})
	if err != nil {
		return Decision{Identity: id}, fmt.Errorf("authorize %s: %w", id.Subject, err)
	}
	if !d.Allowed {
		return Decision{Identity: id}, &DeniedError{Identity: id, Reason: d.Reason}
	}
	return Decision{Identity: id, Access: d.Access, Reason: d.Reason}, nil
}
