package authorizer_test

import (
	"context"
	"crypto"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/camvault/camvault/authorizer"
	"github.com/camvault/camvault/authorizer/authorizertest"
	"github.com/camvault/camvault/authorizer/jwks"
)

// signRaw signs header "." payload (both already encoded, as given) with
// k, RS256, whatever they hold.
func signRaw(t testing.TB, k *authorizertest.Key, h64, p64 string) string {
	t.Helper()
	digest := sha256.Sum256([]byte(h64 + "." + p64))
	sig, err := rsa.SignPKCS1v15(rand.Reader, k.Private, crypto.SHA256, digest[:])
	if err != nil {
		t.Fatal(err)
	}
	return h64 + "." + p64 + "." + base64.RawURLEncoding.EncodeToString(sig)
}

// signPayload signs payload, any bytes, under k's usual header.
func signPayload(t testing.TB, k *authorizertest.Key, payload string) string {
	t.Helper()
	h64 := authorizertest.Encode(t, map[string]any{"alg": "RS256", "typ": "JWT", "kid": k.ID})
	return signRaw(t, k, h64, base64.RawURLEncoding.EncodeToString([]byte(payload)))
}

// claimsJSON is the fixture's viewer claims changed by mod, as JSON; a
// json.RawMessage value goes in as written.
func claimsJSON(t testing.TB, mod func(c map[string]any)) string {
	t.Helper()
	c := claims("viewer@example.com", "example.com")
	if mod != nil {
		mod(c)
	}
	b, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func raw(s string) json.RawMessage { return json.RawMessage(s) }

func itoa(v int64) string { return strconv.FormatInt(v, 10) }

// kindOf names the error kind of a Verify error, "ok" for none.
func kindOf(err error) string {
	if err == nil {
		return "ok"
	}
	var te *authorizer.TokenError
	if !errors.As(err, &te) {
		return "not a *TokenError: " + err.Error()
	}
	for _, k := range []error{authorizer.ErrNoToken, authorizer.ErrMalformedToken, authorizer.ErrBadSignature, authorizer.ErrExpired,
		authorizer.ErrNotYetValid, authorizer.ErrWrongAudience, authorizer.ErrWrongIssuer, authorizer.ErrEmailNotVerified, authorizer.ErrMissingClaims} {
		if errors.Is(err, k) {
			return k.Error()
		}
	}
	return "unknown kind: " + err.Error()
}

// TestClaimsDecoding: the payload is decoded once, strictly; every claim of
// the wrong JSON type, every date out of range and every payload that is
// not a JSON object is refused, with the error kind the authorizer gave
// before (the issuer, audience, exp and iat checks keep their kinds when
// they fail too, as they ran before the other claims were decoded).
func TestClaimsDecoding(t *testing.T) {
	keyA, _, _, _ := testKeys(t)
	f := newFixture(t, baseConfig(), keyA)
	var (
		ok          = "ok"
		malformed   = authorizer.ErrMalformedToken.Error()
		expired     = authorizer.ErrExpired.Error()
		notYet      = authorizer.ErrNotYetValid.Error()
		wrongAud    = authorizer.ErrWrongAudience.Error()
		wrongIss    = authorizer.ErrWrongIssuer.Error()
		missing     = authorizer.ErrMissingClaims.Error()
		unverified  = authorizer.ErrEmailNotVerified.Error()
		set         = func(k string, v any) func(map[string]any) { return func(c map[string]any) { c[k] = v } }
		del         = func(k string) func(map[string]any) { return func(c map[string]any) { delete(c, k) } }
		past        = start.Add(-time.Hour).Unix()
		future      = start.Add(time.Hour).Unix()
		both        = func(a, b func(map[string]any)) func(map[string]any) { return func(c map[string]any) { a(c); b(c) } }
		jsonPayload = func(mod func(map[string]any)) string { return claimsJSON(t, mod) }
	)
	tests := []struct {
		name    string
		payload string
		want    string
	}{
		{"as issued", jsonPayload(nil), ok},

		// aud: a string or an array of strings.
		{"aud string", jsonPayload(set("aud", clientID)), ok},
		{"aud array", jsonPayload(set("aud", []string{"x", clientID})), ok},
		{"aud array without ours", jsonPayload(set("aud", []string{"x", "y"})), wrongAud},
		{"aud empty array", jsonPayload(set("aud", []string{})), wrongAud},
		{"aud null", jsonPayload(set("aud", nil)), wrongAud},
		{"aud missing", jsonPayload(del("aud")), wrongAud},
		{"aud number", jsonPayload(set("aud", 42)), malformed},
		{"aud object", jsonPayload(set("aud", map[string]any{"aud": clientID})), malformed},
		{"aud true", jsonPayload(set("aud", true)), malformed},
		{"aud array with a number", jsonPayload(set("aud", []any{clientID, 1})), malformed},
		{"aud array of arrays", jsonPayload(set("aud", [][]string{{clientID}})), malformed},
		{"aud escaped string", jsonPayload(set("aud", raw(`"camvault-test.apps.googleusercontent.co\u006d"`))), ok},

		// exp, iat, nbf: JSON numbers in range.
		{"exp float", jsonPayload(set("exp", float64(future)+0.75)), ok},
		{"exp exponent", jsonPayload(set("exp", raw(strconv.FormatFloat(float64(future), 'e', -1, 64)))), ok},
		{"exp float within skew", jsonPayload(set("exp", float64(start.Add(-30*time.Second).Unix())+0.5)), ok},
		{"exp float past", jsonPayload(set("exp", float64(past)+0.5)), expired},
		{"exp negative", jsonPayload(set("exp", -1)), expired},
		{"exp string", jsonPayload(set("exp", itoa(future))), malformed},
		{"exp string in the past", jsonPayload(set("exp", itoa(past))), expired},
		{"exp numeric string far future", jsonPayload(set("exp", "99999999999")), malformed},
		{"exp bool", jsonPayload(set("exp", true)), malformed},
		{"exp null", jsonPayload(set("exp", nil)), malformed},
		{"exp object", jsonPayload(set("exp", map[string]any{})), malformed},
		{"exp missing", jsonPayload(del("exp")), missing},
		{"exp year 33658", jsonPayload(set("exp", int64(1e12))), malformed},
		{"exp 1e15", jsonPayload(set("exp", raw("1e15"))), malformed},
		{"exp max int64", jsonPayload(set("exp", raw("9223372036854775807"))), "refused"},
		{"exp beyond int64", jsonPayload(set("exp", raw("92233720368547758070"))), "refused"},
		{"exp 1e300", jsonPayload(set("exp", raw("1e300"))), "refused"},
		{"exp -1e300", jsonPayload(set("exp", raw("-1e300"))), "refused"},
		{"exp 1e400", jsonPayload(set("exp", raw("1e400"))), malformed},
		{"iat float", jsonPayload(set("iat", float64(start.Unix())+0.25)), ok},
		{"iat future", jsonPayload(set("iat", future)), notYet},
		{"iat string", jsonPayload(set("iat", itoa(start.Unix()))), malformed},
		{"iat string in the future", jsonPayload(set("iat", itoa(future))), notYet},
		{"iat null", jsonPayload(set("iat", nil)), malformed},
		{"iat missing", jsonPayload(del("iat")), ok},
		{"iat 1e19 (wraps into the past as int64)", jsonPayload(set("iat", raw("1e19"))), malformed},
		{"iat 1e300", jsonPayload(set("iat", raw("1e300"))), malformed},
		{"iat -1e300", jsonPayload(set("iat", raw("-1e300"))), malformed},
		{"iat year 318857", jsonPayload(set("iat", int64(1e13))), notYet},
		{"nbf past", jsonPayload(set("nbf", past)), ok},
		{"nbf float", jsonPayload(set("nbf", float64(start.Unix())+0.9)), ok},
		{"nbf future", jsonPayload(set("nbf", future)), notYet},
		{"nbf string", jsonPayload(set("nbf", "1")), malformed},
		{"nbf null", jsonPayload(set("nbf", nil)), ok},
		{"nbf 1e300", jsonPayload(set("nbf", raw("1e300"))), malformed},
		{"nbf -1e300", jsonPayload(set("nbf", raw("-1e300"))), malformed},
		{"nbf 9223372036854775807", jsonPayload(set("nbf", raw("9223372036854775807"))), malformed},

		// Other claims of the wrong type.
		{"email number", jsonPayload(set("email", 7)), malformed},
		{"sub number", jsonPayload(set("sub", 7)), malformed},
		{"iss array", jsonPayload(set("iss", []string{authorizer.GoogleIssuer})), malformed},
		{"hd object", jsonPayload(set("hd", map[string]any{})), malformed},
		{"name number", jsonPayload(set("name", 1)), malformed},
		{"picture bool", jsonPayload(set("picture", false)), malformed},
		{"nonce number", jsonPayload(set("nonce", 1)), malformed},
		{"email_verified object", jsonPayload(set("email_verified", map[string]any{})), unverified},
		{"distributed claim without a source", jsonPayload(set("_claim_names", map[string]string{"email": "src1"})), malformed},
		{"distributed claim with a source", jsonPayload(both(set("_claim_names", map[string]string{"groups": "src1"}),
			set("_claim_sources", map[string]any{"src1": map[string]string{"endpoint": "https://example.com/claims"}}))), ok},

		// The checks that ran before the other claims were decoded keep
		// their kinds when a later claim is of the wrong type.
		{"wrong issuer, email number", jsonPayload(both(set("iss", "https://evil.example"), set("email", 7))), wrongIss},
		{"wrong audience, nbf string", jsonPayload(both(set("aud", "x"), set("nbf", "1"))), wrongAud},
		{"expired, hd number", jsonPayload(both(set("exp", past), set("hd", 1))), expired},
		{"iat future, name number", jsonPayload(both(set("iat", future), set("name", 1))), notYet},
		{"no exp, email number", jsonPayload(both(del("exp"), set("email", 7))), missing},
		{"wrong issuer, aud number", jsonPayload(both(set("iss", "https://evil.example"), set("aud", 1))), malformed},
		{"wrong issuer, exp far future", jsonPayload(both(set("iss", "https://evil.example"), set("exp", int64(1e12)))), wrongIss},

		// Missing claims.
		{"no iss", jsonPayload(del("iss")), wrongIss},
		{"no sub", jsonPayload(del("sub")), missing},
		{"no email", jsonPayload(del("email")), missing},
		{"no email_verified", jsonPayload(del("email_verified")), unverified},
		{"empty object", `{}`, wrongIss},

		// Duplicate and case-variant names: encoding/json's rules, the
		// last one wins, as when go-oidc decoded the payload.
		{"duplicate email, last allowed", strings.Replace(jsonPayload(nil), `"email":"viewer@example.com"`, `"email":"evil@other.com","email":"viewer@example.com"`, 1), ok},
		{"duplicate exp, last past", strings.Replace(jsonPayload(nil), `"exp":`+itoa(future), `"exp":`+itoa(future)+`,"exp":`+itoa(past), 1), expired},
		{"duplicate exp, last future", strings.Replace(jsonPayload(nil), `"exp":`+itoa(future), `"exp":`+itoa(past)+`,"exp":`+itoa(future), 1), ok},
		{"case-variant exp, last past", strings.Replace(jsonPayload(nil), `"exp":`+itoa(future), `"exp":`+itoa(future)+`,"EXP":`+itoa(past), 1), expired},
		{"duplicate email_verified, last false", strings.Replace(jsonPayload(nil), `"email_verified":true`, `"email_verified":true,"email_verified":false`, 1), unverified},
		{"case-variant aud", strings.Replace(jsonPayload(set("aud", "x")), `"aud":"x"`, `"AUD":"`+clientID+`"`, 1), ok},

		// Payloads that are not a JSON object.
		{"array", `[]`, malformed},
		{"string", `"x"`, malformed},
		{"number", `1`, malformed},
		{"null", `null`, malformed},
		{"true", `true`, malformed},
		{"empty", ``, malformed},
		{"whitespace", "  \n", malformed},
		{"truncated", jsonPayload(nil)[:40], malformed},
		{"trailing data", jsonPayload(nil) + `{}`, malformed},
		{"trailing comma", strings.TrimSuffix(jsonPayload(nil), "}") + ",}", malformed},
		{"not JSON", "eyJ garbage", malformed},
		{"leading whitespace", "\n\t " + jsonPayload(nil), ok},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tok := signPayload(t, keyA, tt.payload)
			_, err := f.a.Verify(context.Background(), "Bearer "+tok)
			got := kindOf(err)
			switch tt.want {
			case "refused":
				// Huge values: today's int64 conversion of a float is
				// the platform's; refused either way, never admitted.
				if got != expired && got != malformed {
					t.Fatalf("%s, want %s or %s", got, expired, malformed)
				}
			default:
				if got != tt.want {
					t.Fatalf("%s, want %s", got, tt.want)
				}
			}
		})
	}
}

// TestPayloadEncoding: a payload that is not canonical base64url is
// malformed even under a valid signature; under an invalid one the
// signature is what is wrong.
func TestPayloadEncoding(t *testing.T) {
	keyA, _, _, forgedA := testKeys(t)
	f := newFixture(t, baseConfig(), keyA)
	h64 := authorizertest.Encode(t, map[string]any{"alg": "RS256", "typ": "JWT", "kid": keyA.ID})
	good := base64.RawURLEncoding.EncodeToString([]byte(claimsJSON(t, nil)))
	for _, tt := range []struct {
		name, p64 string
	}{
		{"length 1 mod 4", good + "A"},
		{"non-zero trailing bits", "e31"}, // "{}" is e30
		{"only padding-free junk", "A"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := kindOf(verifyErr(f, signRaw(t, keyA, h64, tt.p64))); got != authorizer.ErrMalformedToken.Error() {
				t.Fatalf("%s, want %s", got, authorizer.ErrMalformedToken)
			}
			if got := kindOf(verifyErr(f, signRaw(t, forgedA, h64, tt.p64))); got != authorizer.ErrBadSignature.Error() {
				t.Fatalf("forged: %s, want %s", got, authorizer.ErrBadSignature)
			}
		})
	}
}

func verifyErr(f *fixture, token string) error {
	_, err := f.a.Verify(context.Background(), "Bearer "+token)
	return err
}

// acceptAll is a key set of the caller's that verifies nothing: it hands
// back any token's payload. The authorizer must still refuse every token
// whose header is not RS256, without ever asking it.
type acceptAll struct{ calls atomic.Int64 }

func (k *acceptAll) VerifySignature(_ context.Context, jwt string) ([]byte, error) {
	k.calls.Add(1)
	parts := strings.Split(jwt, ".")
	return base64.RawURLEncoding.DecodeString(parts[1])
}

// hidden wraps the default key set so that the authorizer sees a key set
// of the caller's.
type hidden struct{ ks *jwks.KeySet }

func (h hidden) VerifySignature(ctx context.Context, jwt string) ([]byte, error) {
	return h.ks.VerifySignature(ctx, jwt)
}

// TestForeignKeySet: Config.KeySet takes any key set with
// VerifySignature (go-oidc's interface); tokens whose protected header is
// not RS256 (alg none, HS256 keyed with the public key, crit) are refused
// as malformed before it is called, and its failures are bad signatures.
func TestForeignKeySet(t *testing.T) {
	keyA, _, _, forgedA := testKeys(t)
	srv := authorizertest.NewJWKS(t, keyA)
	clk := newClock()
	ks := jwks.New(srv.URL, jwks.WithClock(clk.Now))
	if err := ks.Refresh(context.Background()); err != nil {
		t.Fatal(err)
	}
	mk := func(set authorizer.KeySet) *authorizer.Authorizer {
		cfg := baseConfig()
		cfg.KeySet = set
		cfg.Now = clk.Now
		cfg.Logger = slogJSON(&syncBuffer{})
		a, err := authorizer.New(context.Background(), cfg)
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	payload := authorizertest.Encode(t, claims("viewer@example.com", "example.com"))
	der := x509.MarshalPKCS1PublicKey(&keyA.Private.PublicKey)
	hsInput := authorizertest.Encode(t, map[string]any{"alg": "HS256", "kid": keyA.ID}) + "." + payload
	mac := hmac.New(sha256.New, der)
	mac.Write([]byte(hsInput))
	refused := map[string]string{
		"alg none":           authorizertest.Encode(t, map[string]any{"alg": "none", "kid": keyA.ID}) + "." + payload + ".c2ln",
		"alg none, unsigned": authorizertest.Encode(t, map[string]any{"alg": "none"}) + "." + payload + ".",
		"HS256":              hsInput + "." + base64.RawURLEncoding.EncodeToString(mac.Sum(nil)),
		"alg rs256":          keyA.SignHeader(t, map[string]any{"alg": "rs256", "kid": keyA.ID}, claims("viewer@example.com", "example.com")),
		"no alg":             keyA.SignHeader(t, map[string]any{"kid": keyA.ID}, claims("viewer@example.com", "example.com")),
		"crit":               keyA.SignHeader(t, map[string]any{"alg": "RS256", "kid": keyA.ID, "crit": []string{"exp"}}, claims("viewer@example.com", "example.com")),
		"header not JSON":    "bm90anNvbg." + payload + ".c2ln",
	}
	t.Run("accepting key set", func(t *testing.T) {
		set := &acceptAll{}
		a := mk(set)
		for name, tok := range refused {
			if _, err := a.Verify(context.Background(), tok); !errors.Is(err, authorizer.ErrMalformedToken) {
				t.Errorf("%s: err %v, want ErrMalformedToken", name, err)
			}
		}
		if n := set.calls.Load(); n != 0 {
			t.Fatalf("the key set was handed %d tokens with a refused header", n)
		}
		// What it does accept is still checked claim by claim.
		expired := claims("viewer@example.com", "example.com")
		expired["exp"] = start.Add(-time.Hour).Unix()
		if _, err := a.Verify(context.Background(), forgedA.Sign(t, expired)); !errors.Is(err, authorizer.ErrExpired) {
			t.Fatalf("expired token: err %v, want ErrExpired", err)
		}
		if _, err := a.Verify(context.Background(), signPayload(t, forgedA, "[]")); !errors.Is(err, authorizer.ErrMalformedToken) {
			t.Fatalf("array payload: err %v, want ErrMalformedToken", err)
		}
	})
	t.Run("verifying key set", func(t *testing.T) {
		a := mk(hidden{ks})
		if entries, _ := authorizer.TokenCacheStats(a); entries != -1 {
			t.Fatalf("token cache on (%d entries) with a key set that cannot say when a key is withdrawn", entries)
		}
		id, err := a.Verify(context.Background(), keyA.Sign(t, claims("Viewer@Example.com", "example.com")))
		if err != nil || id.Email != "viewer@example.com" || id.Subject != "sub-Viewer@Example.com" {
			t.Fatalf("valid token: %+v, %v", id, err)
		}
		if _, err := a.Verify(context.Background(), forgedA.Sign(t, claims("viewer@example.com", "example.com"))); !errors.Is(err, authorizer.ErrBadSignature) {
			t.Fatalf("forged token: err %v, want ErrBadSignature", err)
		}
		for name, tok := range refused {
			if _, err := a.Verify(context.Background(), tok); !errors.Is(err, authorizer.ErrMalformedToken) {
				t.Errorf("%s: err %v, want ErrMalformedToken", name, err)
			}
		}
	})
	t.Run("default key set given explicitly", func(t *testing.T) {
		a := mk(ks)
		if entries, _ := authorizer.TokenCacheStats(a); entries != 0 {
			t.Fatalf("token cache: %d entries, want on and empty", entries)
		}
		for name, tok := range refused {
			if _, err := a.Verify(context.Background(), tok); !errors.Is(err, authorizer.ErrMalformedToken) {
				t.Errorf("%s: err %v, want ErrMalformedToken", name, err)
			}
		}
	})
}

// TestUnusualHeader: a header other JOSE parsers read differently (a name
// given twice, alg spelled in another case, an embedded key) is refused
// even under a valid signature, as ErrBadSignature (what go-jose's refusal
// was), by the default key set and before a key set of the caller's is
// asked.
func TestUnusualHeader(t *testing.T) {
	keyA, _, _, _ := testKeys(t)
	f := newFixture(t, baseConfig(), keyA)
	payload := base64.RawURLEncoding.EncodeToString([]byte(claimsJSON(t, nil)))
	h := func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
	unusual := []string{
		`{"alg":"none","kid":"key-a","alg":"RS256"}`,
		`{"alg":"RS256","kid":"key-b","kid":"key-a"}`,
		`{"ALG":"RS256","kid":"key-a"}`,
		`{"alg":"RS256","kid":"key-a","jwk":{"kty":"RSA","n":"AQAB","e":"AQAB"}}`,
		`{"alg":"RS256","kid":"key-a","x":{"y":1,"y":2}}`,
	}
	set := &acceptAll{}
	cfg := baseConfig()
	cfg.KeySet = set
	cfg.Now = newClock().Now
	cfg.Logger = slogJSON(&syncBuffer{})
	foreign, err := authorizer.New(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, hdr := range unusual {
		tok := signRaw(t, keyA, h(hdr), payload)
		if got := kindOf(verifyErr(f, tok)); got != authorizer.ErrBadSignature.Error() {
			t.Errorf("%s: %s, want %s", hdr, got, authorizer.ErrBadSignature)
		}
		if _, err := foreign.Verify(context.Background(), tok); !errors.Is(err, authorizer.ErrBadSignature) {
			t.Errorf("%s, key set of the caller's: err %v, want ErrBadSignature", hdr, err)
		}
	}
	if n := set.calls.Load(); n != 0 {
		t.Fatalf("the key set was handed %d tokens with an unusual header", n)
	}
	// The same claims under the usual header, spelled with spaces.
	if err := verifyErr(f, signRaw(t, keyA, h(`{ "alg": "RS256", "kid": "key-a", "typ": "JWT" }`), payload)); err != nil {
		t.Fatalf("usual header: %v", err)
	}
}
