package authorizer

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/camvault/camvault/authorizer/access"
)

// idClaims are every claim of an ID token the authorizer reads, decoded
// from the verified payload in one json.Unmarshal (encoding/json's rules:
// names matched case-insensitively, the last of duplicate names wins).
// Its field types are strict: a claim of the wrong JSON type fails the
// decode, and the token is refused as malformed (see badClaims for which
// error a refused payload gets).
type idClaims struct {
	Issuer    string      `json:"iss"`
	Subject   string      `json:"sub"`
	Audience  audience    `json:"aud"`
	Expiry    numericDate `json:"exp"`
	IssuedAt  numericDate `json:"iat"`
	NotBefore numericDate `json:"nbf"`
	// Nonce and AtHash are not checked (a TOKEN authorizer has no nonce
	// to compare and no access token), only required to be strings, as
	// they were when go-oidc decoded the claims.
	Nonce  string `json:"nonce"`
	AtHash string `json:"at_hash"`
	// ClaimNames and ClaimSources (OpenID Connect distributed claims) are
	// refused when inconsistent, as go-oidc refused them; none is fetched.
	ClaimNames   map[string]string      `json:"_claim_names"`
	ClaimSources map[string]claimSource `json:"_claim_sources"`

	Email         string       `json:"email"`
	EmailVerified verifiedFlag `json:"email_verified"`
	HostedDomain  string       `json:"hd"`
	Name          string       `json:"name"`
	Picture       string       `json:"picture"`
}

// claimSource is one entry of _claim_sources.
type claimSource struct {
	Endpoint    string `json:"endpoint"`
	AccessToken string `json:"access_token"`
}

// distributedClaimsOK reports whether every _claim_names entry names a
// source present in _claim_sources.
func distributedClaimsOK(names map[string]string, sources map[string]claimSource) bool {
	for _, src := range names {
		if src == "" {
			return false
		}
		if _, ok := sources[src]; !ok {
			return false
		}
	}
	return true
}

// errClaimType fails a strict decode; badClaims then says why.
var errClaimType = errors.New("claim of the wrong type")

// audience is aud: a JSON string or an array of strings (null: absent).
type audience []string

// UnmarshalJSON reads a string or an array of strings; anything else is
// an error.
func (a *audience) UnmarshalJSON(b []byte) error {
	switch b[0] {
	case '"':
		if s, ok := plainString(b); ok {
			*a = audience{s}
			return nil
		}
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*a = audience{s}
		return nil
	case '[':
		var l []string
		if err := json.Unmarshal(b, &l); err != nil {
			return err
		}
		*a = l
		return nil
	case 'n':
		*a = nil
		return nil
	}
	return errClaimType
}

// plainString returns the value of a JSON string literal that needs no
// unescaping (printable ASCII without a backslash): exactly what
// encoding/json would decode it to.
func plainString(b []byte) (string, bool) {
	if len(b) < 2 || b[0] != '"' || b[len(b)-1] != '"' {
		return "", false
	}
	for _, c := range b[1 : len(b)-1] {
		if c < 0x20 || c >= 0x80 || c == '\\' || c == '"' {
			return "", false
		}
	}
	return string(b[1 : len(b)-1]), true
}

// The range of a NumericDate the authorizer accepts: the years 1 to 9999
// (what time.Time formats and compares without overflow). A value outside
// it is refused as malformed, never wrapped into the past or the future.
const (
	minNumericDate = -62135596800 // 0001-01-01T00:00:00Z
	maxNumericDate = 253402300799 // 9999-12-31T23:59:59Z
)

// numericDate is exp, iat or nbf: a JSON number of seconds since the
// epoch, a fraction truncated toward zero. Strings, booleans, objects,
// arrays and numbers out of range fail the decode; null is recorded as
// null (exp and iat may not be null, nbf null is absent).
type numericDate struct {
	unix    int64
	present bool
	null    bool
}

// UnmarshalJSON reads a JSON number within the accepted range, or null.
func (d *numericDate) UnmarshalJSON(b []byte) error {
	*d = numericDate{}
	switch c := b[0]; {
	case c == 'n':
		d.null = true
		return nil
	case c != '-' && (c < '0' || c > '9'):
		return errClaimType
	}
	// encoding/json has checked b is a JSON number.
	if v, ok := integer(b); ok {
		if v < minNumericDate || v > maxNumericDate {
			return errClaimType
		}
		d.unix, d.present = v, true
		return nil
	}
	f, err := strconv.ParseFloat(string(b), 64)
	if err != nil || math.IsNaN(f) || f < minNumericDate || f > maxNumericDate {
		return errClaimType
	}
	d.unix, d.present = int64(f), true
	return nil
}

// integer parses an optionally negative decimal integer of at most 18
// digits (no overflow possible); anything else is not ok.
func integer(b []byte) (int64, bool) {
	neg := b[0] == '-'
	if neg {
		b = b[1:]
	}
	if len(b) == 0 || len(b) > 18 {
		return 0, false
	}
	var v int64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + int64(c-'0')
	}
	if neg {
		v = -v
	}
	return v, true
}

// time returns the date; the zero time.Time when absent (as go-oidc
// had it: a date of exactly 0001-01-01T00:00:00Z counts as absent too).
func (d numericDate) time() time.Time {
	if !d.present {
		return time.Time{}
	}
	return time.Unix(d.unix, 0)
}

// verifiedFlag is true only for JSON true or the string "true" (Google has
// sent both).
type verifiedFlag bool

// UnmarshalJSON reads true or "true" as true and anything else as false.
func (f *verifiedFlag) UnmarshalJSON(b []byte) error {
	s := string(b)
	*f = s == "true" || s == `"true"`
	return nil
}

// isObject reports whether a JSON text is an object (its first
// non-whitespace byte is '{'); json.Unmarshal then says whether it is
// well formed.
func isObject(b []byte) bool {
	for _, c := range b {
		switch c {
		case ' ', '\t', '\r', '\n':
			continue
		case '{':
			return true
		}
		return false
	}
	return false
}

// checkClaims decodes a verified payload and checks it: issuer, audience,
// exp (required, not past beyond the skew), iat and nbf (not in the
// future beyond the skew), sub and email (required), email_verified, in
// that order. It returns who the token is for and its expiry.
func (a *Authorizer) checkClaims(payload []byte) (Identity, time.Time, error) {
	if !isObject(payload) {
		return Identity{}, time.Time{}, &TokenError{Kind: ErrMalformedToken, Detail: "payload is not a JSON object"}
	}
	var c idClaims
	if err := json.Unmarshal(payload, &c); err != nil || c.Expiry.null || c.IssuedAt.null {
		return Identity{}, time.Time{}, a.badClaims(payload)
	}
	if !distributedClaimsOK(c.ClaimNames, c.ClaimSources) {
		return Identity{}, time.Time{}, &TokenError{Kind: ErrMalformedToken, Detail: "distributed claims without a source"}
	}
	if !a.issuerOK(c.Issuer) {
		return Identity{}, time.Time{}, &TokenError{Kind: ErrWrongIssuer, Detail: fmt.Sprintf("%.100q", c.Issuer)}
	}
	if !a.audienceOK(c.Audience) {
		return Identity{}, time.Time{}, &TokenError{Kind: ErrWrongAudience}
	}
	now, skew := a.cfg.Now(), a.cfg.ClockSkew
	exp := c.Expiry.time()
	if exp.IsZero() {
		return Identity{}, time.Time{}, &TokenError{Kind: ErrMissingClaims, Detail: "no exp"}
	}
	if now.After(exp.Add(skew)) {
		return Identity{}, time.Time{}, &TokenError{Kind: ErrExpired}
	}
	if iat := c.IssuedAt.time(); !iat.IsZero() && iat.After(now.Add(skew)) {
		return Identity{}, time.Time{}, &TokenError{Kind: ErrNotYetValid, Detail: "iat in the future"}
	}
	if c.NotBefore.present && time.Unix(c.NotBefore.unix, 0).After(now.Add(skew)) {
		return Identity{}, time.Time{}, &TokenError{Kind: ErrNotYetValid, Detail: "nbf in the future"}
	}
	if c.Subject == "" || c.Email == "" {
		return Identity{}, time.Time{}, &TokenError{Kind: ErrMissingClaims, Detail: "no sub or email"}
	}
	if !c.EmailVerified {
		return Identity{}, time.Time{}, &TokenError{Kind: ErrEmailNotVerified}
	}
	return Identity{
		Subject: c.Subject,
		Email:   access.Canonical(c.Email), // ASCII only: no Unicode case folding
		Domain:  access.Canonical(c.HostedDomain),
		Name:    c.Name,
		Picture: c.Picture,
	}, exp, nil
}

func (a *Authorizer) audienceOK(aud audience) bool {
	for _, s := range aud {
		for _, id := range a.cfg.ClientIDs {
			if s == id {
				return true
			}
		}
	}
	return false
}

// badClaims is the error for a payload that failed the strict decode of
// idClaims (or has a null exp or iat). The token is refused whatever
// happens here: this only chooses the error kind, as the authorizer chose
// it when go-oidc decoded iss, sub, aud, exp, iat and nbf first (with its
// own, laxer types) and the issuer, audience, exp and iat checks ran
// before the other claims were decoded. A payload that decodes that way
// and fails one of those checks keeps that check's kind; every other
// payload is ErrMalformedToken.
func (a *Authorizer) badClaims(payload []byte) *TokenError {
	malformed := &TokenError{Kind: ErrMalformedToken, Detail: "claims json"}
	var c struct {
		Issuer       string                 `json:"iss"`
		Subject      string                 `json:"sub"`
		Audience     audience               `json:"aud"`
		Expiry       laxDate                `json:"exp"`
		IssuedAt     laxDate                `json:"iat"`
		NotBefore    *laxDate               `json:"nbf"`
		Nonce        string                 `json:"nonce"`
		AtHash       string                 `json:"at_hash"`
		ClaimNames   map[string]string      `json:"_claim_names"`
		ClaimSources map[string]claimSource `json:"_claim_sources"`
	}
	if json.Unmarshal(payload, &c) != nil || !distributedClaimsOK(c.ClaimNames, c.ClaimSources) {
		return malformed
	}
	if !a.issuerOK(c.Issuer) {
		return &TokenError{Kind: ErrWrongIssuer, Detail: fmt.Sprintf("%.100q", c.Issuer)}
	}
	if !a.audienceOK(c.Audience) {
		return &TokenError{Kind: ErrWrongAudience}
	}
	now, skew := a.cfg.Now(), a.cfg.ClockSkew
	exp, iat := time.Time(c.Expiry), time.Time(c.IssuedAt)
	if exp.IsZero() {
		return &TokenError{Kind: ErrMissingClaims, Detail: "no exp"}
	}
	if now.After(exp.Add(skew)) {
		return &TokenError{Kind: ErrExpired}
	}
	if !iat.IsZero() && iat.After(now.Add(skew)) {
		return &TokenError{Kind: ErrNotYetValid, Detail: "iat in the future"}
	}
	return malformed
}

// laxDate is a NumericDate as go-oidc read it: a number, or a string
// holding one, an integer if it parses as one, else a float converted to
// int64 (huge values wrap). Used only by badClaims, to choose an error.
type laxDate time.Time

// UnmarshalJSON reads the date as go-oidc did.
func (d *laxDate) UnmarshalJSON(b []byte) error {
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return err
	}
	unix, err := n.Int64()
	if err != nil {
		f, err := n.Float64()
		if err != nil {
			return err
		}
		unix = int64(f)
	}
	*d = laxDate(time.Unix(unix, 0))
	return nil
}
