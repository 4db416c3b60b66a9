package jwks_test

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"testing"

	"github.com/camvault/camvault/authorizer/authorizertest"
	"github.com/camvault/camvault/authorizer/jwks"
)

// headerToken is a token whose protected header is the JSON text h.
func headerToken(h string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(h)) + ".e30.c2ln"
}

// TestCheckHeader: a header ParseHeader accepts is still refused when JOSE
// parsers would read it differently (a name twice, alg spelled otherwise)
// or refuse it (an embedded key, a kid that is not a string, a number
// beyond float64); an ordinary header, however spelled, passes.
func TestCheckHeader(t *testing.T) {
	for _, tt := range []struct {
		header string
		want   error
	}{
		{`{"alg":"RS256","kid":"a","typ":"JWT"}`, nil},
		{` { "alg" : "RS256" ,` + "\n\t" + `"kid" : "a" } `, nil},
		{`{"alg":"RS256"}`, nil},
		{`{"alg":"RS256","kid":"a","n":1}`, nil},
		{`{"alg":"RS256","kid":"a","x":{"y":[1,2.5e300,{"z":null}],"b":true}}`, nil},
		{`{"Alg":"HS256","alg":"RS256"}`, nil},
		{`{"alg":"RS256","ALG":"RS256"}`, nil},
		{`{"\u0061lg":"RS256"}`, nil},
		{`{"alg":"RS256","kid":"caf\u00e9"}`, nil},
		{`{"alg":"RS256","kid":"café"}`, nil},
		{`{"alg":"RS256","kid":null,"nonce":null,"jwk":null,"x5c":null}`, nil},
		{`{"alg":"RS256","nonce":"n"}`, nil},

		{`{"alg":"RS256","kid":"a","kid":"b"}`, jwks.ErrUnusualHeader},
		{`{"alg":"none","alg":"RS256"}`, jwks.ErrUnusualHeader},
		{`{"alg":"RS256","alg":"RS256"}`, jwks.ErrUnusualHeader},
		{`{"ALG":"RS256"}`, jwks.ErrUnusualHeader},
		{`{"Alg":"RS256","kid":"a"}`, jwks.ErrUnusualHeader},
		{`{"alg":"RS256","\u006bid":"a","kid":"a"}`, jwks.ErrUnusualHeader},
		{`{"alg":"RS256","x":{"a":1,"a":2}}`, jwks.ErrUnusualHeader},
		{`{"alg":"RS256","x":[{"a":1,"a":2}]}`, jwks.ErrUnusualHeader},
		{`{"alg":"RS256","x":1e400}`, jwks.ErrUnusualHeader},
		{`{"alg":"RS256","nonce":5}`, jwks.ErrUnusualHeader},
		{`{"alg":"RS256","jwk":{"kty":"RSA"}}`, jwks.ErrUnusualHeader},
		{`{"alg":"RS256","jwk":"x"}`, jwks.ErrUnusualHeader},
		{`{"alg":"RS256","x5c":["MIIB"]}`, jwks.ErrUnusualHeader},
		{`{"alg":"RS256","x5c":"MIIB"}`, jwks.ErrUnusualHeader},

		{`{"alg":"HS256"}`, jwks.ErrAlgorithm},
		{`{"alg":"RS256","kid":5}`, jwks.ErrMalformed},
		{`{"alg":"RS256","crit":["exp"]}`, jwks.ErrMalformed},
		{`null`, jwks.ErrAlgorithm},
		{`[]`, jwks.ErrMalformed},
	} {
		t.Run(tt.header, func(t *testing.T) {
			_, err := jwks.CheckHeader(headerToken(tt.header))
			if tt.want == nil && err != nil || tt.want != nil && !errors.Is(err, tt.want) {
				t.Fatalf("err %v, want %v", err, tt.want)
			}
			if errors.Is(err, jwks.ErrUnusualHeader) {
				if _, perr := jwks.ParseHeader(headerToken(tt.header)); perr != nil {
					t.Fatalf("ParseHeader refused it too (%v): not an unusual header but a bad one", perr)
				}
			}
		})
	}
}

// An unusual header is refused before anything else: even with a valid
// signature, and without a key set fetch for an unknown kid.
func TestVerifySignatureRefusesUnusualHeaders(t *testing.T) {
	a, _ := keys(t)
	srv := authorizertest.NewJWKS(t, a)
	ks, _ := newSet(t, srv)
	ctx := context.Background()
	hits := srv.Hits()
	for _, h := range []map[string]any{
		{"ALG": "RS256", "kid": a.ID},
		{"alg": "RS256", "kid": a.ID, "jwk": map[string]string{"kty": "RSA"}},
		{"alg": "RS256", "kid": "unknown", "x": 1, "nonce": false},
	} {
		tok := a.SignHeader(t, h, map[string]any{"sub": "x"})
		if _, err := ks.VerifySignature(ctx, tok); !errors.Is(err, jwks.ErrUnusualHeader) {
			t.Fatalf("%v: err %v, want ErrUnusualHeader", h, err)
		}
	}
	// Duplicate names cannot come out of a map: signed by hand.
	dup := signRaw(t, a, `{"alg":"none","kid":"`+a.ID+`","alg":"RS256"}`, `{"sub":"x"}`)
	if _, err := ks.VerifySignature(ctx, dup); !errors.Is(err, jwks.ErrUnusualHeader) {
		t.Fatalf("duplicate alg: err %v, want ErrUnusualHeader", err)
	}
	if srv.Hits() != hits {
		t.Fatalf("%d key set fetches for unusual headers", srv.Hits()-hits)
	}
	usual := signRaw(t, a, `{"alg":"RS256","kid":"`+a.ID+`"}`, `{"sub":"x"}`)
	if _, err := ks.VerifySignature(ctx, usual); err != nil {
		t.Fatalf("the usual header: %v", err)
	}
}

// signRaw signs the JSON texts header and payload, as written, RS256 with k.
func signRaw(t *testing.T, k *authorizertest.Key, header, payload string) string {
	t.Helper()
	input := base64.RawURLEncoding.EncodeToString([]byte(header)) + "." + base64.RawURLEncoding.EncodeToString([]byte(payload))
	digest := sha256.Sum256([]byte(input))
	sig, err := rsa.SignPKCS1v15(rand.Reader, k.Private, crypto.SHA256, digest[:])
	if err != nil {
		t.Fatal(err)
	}
	return input + "." + base64.RawURLEncoding.EncodeToString(sig)
}
