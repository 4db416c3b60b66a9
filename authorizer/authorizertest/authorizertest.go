// Package authorizertest provides test doubles for the authorizer's
// collaborators: RSA signing keys that mint ID tokens, and a JWKS server on
// loopback (httptest) that can rotate keys, go down, and count its hits.
package authorizertest

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"math/big"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

// Key is an RSA signing key with a key id.
type Key struct {
	// ID is the key id (kid).
	ID string
	// Private is the signing key.
	Private *rsa.PrivateKey
}

// NewKey generates a 2048-bit RSA key with the given key id.
func NewKey(tb testing.TB, id string) *Key {
	tb.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		tb.Fatalf("generate rsa key: %v", err)
	}
	return &Key{ID: id, Private: k}
}

// Sign returns a compact RS256 JWS of claims with this key's kid.
func (k *Key) Sign(tb testing.TB, claims any) string {
	tb.Helper()
	return k.SignHeader(tb, map[string]any{"alg": "RS256", "typ": "JWT", "kid": k.ID}, claims)
}

// SignHeader returns a compact JWS of claims with the given header, signed
// RS256 with this key whatever the header says.
func (k *Key) SignHeader(tb testing.TB, header, claims any) string {
	tb.Helper()
	input := Encode(tb, header) + "." + Encode(tb, claims)
	digest := sha256.Sum256([]byte(input))
	sig, err := rsa.SignPKCS1v15(rand.Reader, k.Private, crypto.SHA256, digest[:])
	if err != nil {
		tb.Fatalf("sign: %v", err)
	}
	return input + "." + base64.RawURLEncoding.EncodeToString(sig)
}

// JWK returns the public key as a JSON Web Key.
func (k *Key) JWK() map[string]string {
	pub := k.Private.PublicKey
	return map[string]string{
		"kty": "RSA",
		"alg": "RS256",
		"use": "sig",
		"kid": k.ID,
		"n":   base64.RawURLEncoding.EncodeToString(pub.N.Bytes()),
		"e":   base64.RawURLEncoding.EncodeToString(big.NewInt(int64(pub.E)).Bytes()),
	}
}

// Encode returns v as base64url (no padding) JSON.
func Encode(tb testing.TB, v any) string {
	tb.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		tb.Fatalf("marshal: %v", err)
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// Claims returns the claims of a Google ID token for email, valid from now
// for an hour. hd is omitted when empty. Tests change the map as they need.
func Claims(issuer, audience, email, hd string, now time.Time) map[string]any {
	c := map[string]any{
		"iss":            issuer,
		"aud":            audience,
		"azp":            audience,
		"sub":            "sub-" + email,
		"email":          email,
		"email_verified": true,
		"name":           "Test Person",
		"iat":            now.Unix(),
		"exp":            now.Add(time.Hour).Unix(),
	}
	if hd != "" {
		c["hd"] = hd
	}
	return c
}

// JWKS is a key set server on loopback.
type JWKS struct {
	// URL is the key set's URL.
	URL string

	mu           sync.Mutex
	keys         []*Key
	down         bool
	cacheControl string
	hits         int
}

// NewJWKS starts a key set server publishing keys; it stops when tb ends.
func NewJWKS(tb testing.TB, keys ...*Key) *JWKS {
	tb.Helper()
	j := &JWKS{keys: keys}
	srv := httptest.NewServer(http.HandlerFunc(j.serve))
	tb.Cleanup(srv.Close)
	j.URL = srv.URL + "/certs"
	return j
}

func (j *JWKS) serve(w http.ResponseWriter, r *http.Request) {
	j.mu.Lock()
	j.hits++
	down, cc := j.down, j.cacheControl
	doc := struct {
		Keys []map[string]string `json:"keys"`
	}{Keys: []map[string]string{}}
	for _, k := range j.keys {
		doc.Keys = append(doc.Keys, k.JWK())
	}
	j.mu.Unlock()
	if down {
		http.Error(w, "unavailable", http.StatusServiceUnavailable)
		return
	}
	if cc != "" {
		w.Header().Set("Cache-Control", cc)
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(doc)
}

// SetKeys replaces the published keys.
func (j *JWKS) SetKeys(keys ...*Key) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.keys = keys
}

// SetDown makes the server answer 503 (true) or serve keys again (false).
func (j *JWKS) SetDown(down bool) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.down = down
}

// SetCacheControl sets the Cache-Control header of the responses.
func (j *JWKS) SetCacheControl(v string) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.cacheControl = v
}

// Hits reports how many requests the server has answered.
func (j *JWKS) Hits() int {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.hits
}
