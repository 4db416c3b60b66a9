package authorizer

import "errors"

// Why a token is refused. Authorize returns them inside a *TokenError;
// check with errors.Is.
var (
	// ErrNoToken: the Authorization header is empty.
	ErrNoToken = errors.New("no token")
	// ErrMalformedToken: not a compact RS256 JWS of sane size and shape.
	ErrMalformedToken = errors.New("malformed token")
	// ErrBadSignature: not signed by a published key (or an unknown key id).
	ErrBadSignature = errors.New("bad signature")
	// ErrExpired: exp is past, beyond the clock skew.
	ErrExpired = errors.New("token expired")
	// ErrNotYetValid: iat or nbf is in the future, beyond the clock skew.
	ErrNotYetValid = errors.New("token not yet valid")
	// ErrWrongAudience: aud names none of the configured client ids.
	ErrWrongAudience = errors.New("wrong audience")
	// ErrWrongIssuer: iss is not the expected issuer.
	ErrWrongIssuer = errors.New("wrong issuer")
	// ErrEmailNotVerified: email_verified is not true (or "true").
	ErrEmailNotVerified = errors.New("email not verified")
	// ErrMissingClaims: sub or email is missing.
	ErrMissingClaims = errors.New("missing claims")
)

// TokenError means the token is missing or invalid; Handle answers
// Unauthorized (401). Its message is safe to log: it never holds the token.
type TokenError struct {
	// Kind is one of the Err* values above.
	Kind error
	// Detail says more, for the log.
	Detail string
}

func (e *TokenError) Error() string {
	if e.Detail == "" {
		return e.Kind.Error()
	}
	return e.Kind.Error() + ": " + e.Detail
}

// Unwrap returns Kind.
func (e *TokenError) Unwrap() error { return e.Kind }

// DeniedError means the token is valid but its person is not allowed;
// Handle answers a Deny policy (403).
type DeniedError struct {
	// Identity is who was refused.
	Identity Identity
	// Reason says why, for the log.
	Reason string
}

func (e *DeniedError) Error() string { return "access denied: " + e.Reason }

// errUnauthorized is what API Gateway turns into a 401; any other text is a 500.
var errUnauthorized = errors.New("Unauthorized")

// errUnavailable is returned when a decision cannot be made (the grants table
// failed): API Gateway answers 500 and caches nothing.
var errUnavailable = errors.New("authorizer unavailable")
