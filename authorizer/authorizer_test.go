package authorizer_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/camvault/camvault/authorizer"
	"github.com/camvault/camvault/authorizer/authorizertest"
)

func TestHandle(t *testing.T) {
	keyA, _, keyC, forgedA := testKeys(t)
	f := newFixture(t, baseConfig(), keyA)

	signed := func(mod func(c map[string]any)) func(t *testing.T) string {
		return func(t *testing.T) string {
			c := claims("viewer@example.com", "example.com")
			if mod != nil {
				mod(c)
			}
			return "Bearer " + keyA.Sign(t, c)
		}
	}
	fixed := func(h string) func(*testing.T) string { return func(*testing.T) string { return h } }
	// Viewers of every camera read and keep any clip, never the console.
	allGET := viewerAll

	tests := []struct {
		name    string
		header  func(t *testing.T) string
		want    string // unauthorized, deny, allow
		role    string
		cameras string
	}{
		{name: "domain member", header: signed(nil), want: "allow", role: "viewer", cameras: "*"},
		{name: "scheme lowercase", header: func(t *testing.T) string {
			return "bearer " + keyA.Sign(t, claims("viewer@example.com", "example.com"))
		}, want: "allow", role: "viewer", cameras: "*"},
		{name: "scheme uppercase, extra spaces", header: func(t *testing.T) string {
			return "  BEARER   " + keyA.Sign(t, claims("viewer@example.com", "example.com"))
		}, want: "allow", role: "viewer", cameras: "*"},
		{name: "bare token", header: func(t *testing.T) string {
			return keyA.Sign(t, claims("viewer@example.com", "example.com"))
		}, want: "allow", role: "viewer", cameras: "*"},
		{name: "hd in another case", header: signed(func(c map[string]any) { c["hd"] = "EXAMPLE.COM" }), want: "allow", role: "viewer", cameras: "*"},
		{name: "issuer without scheme", header: signed(func(c map[string]any) { c["iss"] = "accounts.google.com" }), want: "allow", role: "viewer", cameras: "*"},
		{name: "audience list with ours", header: signed(func(c map[string]any) { c["aud"] = []string{"x", clientID} }), want: "allow", role: "viewer", cameras: "*"},
		{name: "second client id", header: signed(func(c map[string]any) { c["aud"] = "other-client.apps.googleusercontent.com" }), want: "allow", role: "viewer", cameras: "*"},
		{name: "email_verified string true", header: signed(func(c map[string]any) { c["email_verified"] = "true" }), want: "allow", role: "viewer", cameras: "*"},
		{name: "expired within skew", header: signed(func(c map[string]any) { c["exp"] = start.Add(-30 * time.Second).Unix() }), want: "allow", role: "viewer", cameras: "*"},
		{name: "allowed email without hd", header: func(t *testing.T) string {
			return "Bearer " + keyA.Sign(t, claims("Friend@Gmail.com", ""))
		}, want: "allow", role: "viewer", cameras: "*"},
		{name: "admin email", header: func(t *testing.T) string {
			return "Bearer " + keyA.Sign(t, claims("boss@example.com", "example.com"))
		}, want: "allow", role: "admin", cameras: "*"},

		{name: "empty header", header: fixed(""), want: "unauthorized"},
		{name: "bearer only", header: fixed("Bearer "), want: "unauthorized"},
		{name: "basic scheme", header: fixed("Basic dXNlcjpwYXNz"), want: "unauthorized"},
		{name: "garbage", header: fixed("not-a-token"), want: "unauthorized"},
		{name: "four parts", header: fixed("a.b.c.d"), want: "unauthorized"},
		{name: "oversized", header: fixed("Bearer " + strings.Repeat("a", 9000) + ".b.c"), want: "unauthorized"},
		{name: "header not json", header: fixed("bm90anNvbg.e30.c2ln"), want: "unauthorized"},
		{name: "signed by an unpublished key with a published kid", header: func(t *testing.T) string {
			return forgedA.Sign(t, claims("viewer@example.com", "example.com"))
		}, want: "unauthorized"},
		{name: "payload tampered", header: func(t *testing.T) string {
			tok := keyA.Sign(t, claims("viewer@example.com", "other.com"))
			parts := strings.Split(tok, ".")
			parts[1] = authorizertest.Encode(t, claims("viewer@example.com", "example.com"))
			return strings.Join(parts, ".")
		}, want: "unauthorized"},
		{name: "signature from another token", header: func(t *testing.T) string {
			a := strings.Split(keyA.Sign(t, claims("viewer@example.com", "other.com")), ".")
			b := strings.Split(keyA.Sign(t, claims("viewer@example.com", "example.com")), ".")
			return b[0] + "." + b[1] + "." + a[2]
		}, want: "unauthorized"},
		{name: "alg none", header: func(t *testing.T) string {
			return authorizertest.Encode(t, map[string]any{"alg": "none", "kid": "key-a"}) + "." +
				authorizertest.Encode(t, claims("viewer@example.com", "example.com")) + "."
		}, want: "unauthorized"},
		{name: "alg none with a signature", header: func(t *testing.T) string {
			return authorizertest.Encode(t, map[string]any{"alg": "none", "kid": "key-a"}) + "." +
				authorizertest.Encode(t, claims("viewer@example.com", "example.com")) + ".c2ln"
		}, want: "unauthorized"},
		{name: "HS256 keyed with the public key", header: func(t *testing.T) string {
			der := x509.MarshalPKCS1PublicKey(&keyA.Private.PublicKey)
			input := authorizertest.Encode(t, map[string]any{"alg": "HS256", "kid": "key-a"}) + "." +
				authorizertest.Encode(t, claims("viewer@example.com", "example.com"))
			mac := hmac.New(sha256.New, der)
			mac.Write([]byte(input))
			return input + "." + base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
		}, want: "unauthorized"},
		{name: "RS256 header but kid of an unpublished key", header: func(t *testing.T) string {
			return keyC.Sign(t, claims("viewer@example.com", "example.com"))
		}, want: "unauthorized"},
		{name: "crit header", header: func(t *testing.T) string {
			return keyA.SignHeader(t, map[string]any{"alg": "RS256", "kid": "key-a", "crit": []string{"exp"}}, claims("viewer@example.com", "example.com"))
		}, want: "unauthorized"},
		{name: "expired", header: signed(func(c map[string]any) { c["exp"] = start.Add(-2 * time.Minute).Unix() }), want: "unauthorized"},
		{name: "no exp", header: signed(func(c map[string]any) { delete(c, "exp") }), want: "unauthorized"},
		{name: "iat in the future", header: signed(func(c map[string]any) { c["iat"] = start.Add(5 * time.Minute).Unix() }), want: "unauthorized"},
		{name: "nbf in the future", header: signed(func(c map[string]any) { c["nbf"] = start.Add(5 * time.Minute).Unix() }), want: "unauthorized"},
		{name: "wrong audience", header: signed(func(c map[string]any) { c["aud"] = "someone-else.apps.googleusercontent.com" }), want: "unauthorized"},
		{name: "no audience", header: signed(func(c map[string]any) { delete(c, "aud") }), want: "unauthorized"},
		{name: "wrong issuer", header: signed(func(c map[string]any) { c["iss"] = "https://evil.example" }), want: "unauthorized"},
		{name: "issuer http google", header: signed(func(c map[string]any) { c["iss"] = "http://accounts.google.com" }), want: "unauthorized"},
		{name: "email_verified false", header: signed(func(c map[string]any) { c["email_verified"] = false }), want: "unauthorized"},
		{name: "email_verified string false", header: signed(func(c map[string]any) { c["email_verified"] = "false" }), want: "unauthorized"},
		{name: "email_verified missing", header: signed(func(c map[string]any) { delete(c, "email_verified") }), want: "unauthorized"},
		{name: "email_verified 1", header: signed(func(c map[string]any) { c["email_verified"] = 1 }), want: "unauthorized"},
		{name: "no sub", header: signed(func(c map[string]any) { delete(c, "sub") }), want: "unauthorized"},
		{name: "no email", header: signed(func(c map[string]any) { delete(c, "email") }), want: "unauthorized"},

		{name: "no hd, address not allowed", header: func(t *testing.T) string {
			return keyA.Sign(t, claims("someone@gmail.com", ""))
		}, want: "deny"},
		{name: "hd not allowed", header: func(t *testing.T) string {
			return keyA.Sign(t, claims("someone@other.com", "other.com"))
		}, want: "deny"},
		{name: "address's domain allowed but hd not", header: func(t *testing.T) string {
			return keyA.Sign(t, claims("viewer@example.com", "other.com"))
		}, want: "deny"},
		{name: "address's domain allowed, no hd", header: func(t *testing.T) string {
			return keyA.Sign(t, claims("viewer@example.com", ""))
		}, want: "deny"},
		{name: "subdomain hd", header: func(t *testing.T) string {
			return keyA.Sign(t, claims("viewer@sub.example.com", "sub.example.com"))
		}, want: "deny"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			header := tt.header(t)
			resp, err := f.handle(t, header)
			if got := outcome(resp, err); got != tt.want {
				t.Fatalf("outcome %q, want %q (err %v)", got, tt.want, err)
			}
			if tt.want == "unauthorized" {
				if err == nil || err.Error() != "Unauthorized" {
					t.Fatalf("error %v, want exactly Unauthorized", err)
				}
				return
			}
			if resp.PrincipalID == "" || !strings.HasPrefix(resp.PrincipalID, "sub-") {
				t.Errorf("principalId %q, want the token's sub", resp.PrincipalID)
			}
			st := resp.PolicyDocument.Statement[0]
			if !slices.Equal(st.Action, []string{"execute-api:Invoke"}) || resp.PolicyDocument.Version != "2012-10-17" {
				t.Errorf("policy %+v", resp.PolicyDocument)
			}
			if tt.want == "deny" {
				if !slices.Equal(st.Resource, []string{arnPrefix + "*/*"}) {
					t.Errorf("deny resources %v", st.Resource)
				}
				return
			}
			wantRes := allGET
			if tt.role == "admin" {
				wantRes = adminAll
			}
			wantRes = append(slices.Clone(wantRes), alertResources...)
			if !slices.Equal(st.Resource, wantRes) {
				t.Errorf("allow resources %v, want %v", st.Resource, wantRes)
			}
			if resp.Context["role"] != tt.role || resp.Context["cameras"] != tt.cameras {
				t.Errorf("context %v, want role %s cameras %s", resp.Context, tt.role, tt.cameras)
			}
			for k, v := range resp.Context {
				if _, ok := v.(string); !ok {
					t.Errorf("context %s is %T, want string", k, v)
				}
			}
		})
	}
	if logs := f.logs.String(); strings.Contains(logs, "eyJ") {
		t.Errorf("a token reached the log:\n%s", logs)
	}
}

func TestAuthorizeTypedErrors(t *testing.T) {
	keyA, _, _, _ := testKeys(t)
	f := newFixture(t, baseConfig(), keyA)
	ctx := context.Background()
	tests := []struct {
		name string
		mod  func(map[string]any)
		want error
	}{
		{"expired", func(c map[string]any) { c["exp"] = start.Add(-time.Hour).Unix() }, authorizer.ErrExpired},
		{"audience", func(c map[string]any) { c["aud"] = "x" }, authorizer.ErrWrongAudience},
		{"issuer", func(c map[string]any) { c["iss"] = "accounts.google.com.evil" }, authorizer.ErrWrongIssuer},
		{"unverified", func(c map[string]any) { c["email_verified"] = "false" }, authorizer.ErrEmailNotVerified},
		{"nbf", func(c map[string]any) { c["nbf"] = start.Add(time.Hour).Unix() }, authorizer.ErrNotYetValid},
		{"sub", func(c map[string]any) { c["sub"] = "" }, authorizer.ErrMissingClaims},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := claims("viewer@example.com", "example.com")
			tt.mod(c)
			_, err := f.a.Authorize(ctx, keyA.Sign(t, c))
			var te *authorizer.TokenError
			if !errors.As(err, &te) || !errors.Is(err, tt.want) {
				t.Fatalf("err %v, want a *TokenError wrapping %v", err, tt.want)
			}
		})
	}
	t.Run("bad signature", func(t *testing.T) {
		_, _, _, forged := testKeys(t)
		_, err := f.a.Authorize(ctx, forged.Sign(t, claims("viewer@example.com", "example.com")))
		if !errors.Is(err, authorizer.ErrBadSignature) {
			t.Fatalf("err %v, want ErrBadSignature", err)
		}
	})
	t.Run("malformed", func(t *testing.T) {
		hs := authorizertest.Encode(t, map[string]any{"alg": "HS256"}) + "." + authorizertest.Encode(t, claims("viewer@example.com", "example.com")) + ".c2ln"
		for _, tok := range []string{"Bearer x", "a.b.c", hs, "Token abc.def.ghi"} {
			if _, err := f.a.Authorize(ctx, tok); !errors.Is(err, authorizer.ErrMalformedToken) {
				t.Errorf("%.30q: err %v, want ErrMalformedToken", tok, err)
			}
		}
	})
	t.Run("no token", func(t *testing.T) {
		if _, err := f.a.Authorize(ctx, ""); !errors.Is(err, authorizer.ErrNoToken) {
			t.Fatalf("err %v, want ErrNoToken", err)
		}
	})
	t.Run("denied", func(t *testing.T) {
		_, err := f.a.Authorize(ctx, keyA.Sign(t, claims("x@other.com", "other.com")))
		var de *authorizer.DeniedError
		if !errors.As(err, &de) || de.Identity.Email != "x@other.com" || de.Identity.Domain != "other.com" {
			t.Fatalf("err %v, want a *DeniedError for x@other.com", err)
		}
	})
	t.Run("allowed", func(t *testing.T) {
		d, err := f.a.Authorize(ctx, keyA.Sign(t, claims("Viewer@Example.com", "example.com")))
		if err != nil {
			t.Fatal(err)
		}
		want := authorizer.Identity{Subject: "sub-Viewer@Example.com", Email: "viewer@example.com", Domain: "example.com", Name: "Test Person"}
		if d.Identity != want || d.Access.Role != "viewer" || !d.Access.AllCameras {
			t.Fatalf("decision %+v", d)
		}
	})
}

func TestNonGoogleIssuer(t *testing.T) {
	keyA, _, _, _ := testKeys(t)
	const dev = "http://127.0.0.1:4002"
	cfg := baseConfig()
	cfg.Issuer = dev
	f := newFixture(t, cfg, keyA)
	for _, tt := range []struct {
		iss  string
		want string
	}{
		{dev, "allow"},
		{dev + "/", "unauthorized"},
		{"https://accounts.google.com", "unauthorized"},
		{"accounts.google.com", "unauthorized"},
	} {
		t.Run(tt.iss, func(t *testing.T) {
			c := claims("viewer@example.com", "example.com")
			c["iss"] = tt.iss
			if got := outcome(f.handle(t, keyA.Sign(t, c))); got != tt.want {
				t.Fatalf("got %s, want %s", got, tt.want)
			}
		})
	}
}

func TestMalformedMethodARN(t *testing.T) {
	keyA, _, _, _ := testKeys(t)
	f := newFixture(t, baseConfig(), keyA)
	tok := keyA.Sign(t, claims("viewer@example.com", "example.com"))
	for _, arn := range []string{
		"",
		"arn:aws:execute-api:eu-west-1:123456789012:abc123defg/*/GET/",
		"arn:aws:execute-api:eu-west-1:123456789012:*/dev/GET/",
		"arn:aws:lambda:eu-west-1:123456789012:function:x",
		"arn:aws:execute-api:eu-west-1:123456789012:abc123defg/dev",
	} {
		t.Run(arn, func(t *testing.T) {
			_, err := f.a.Handle(context.Background(), events.APIGatewayCustomAuthorizerRequest{Type: "TOKEN", AuthorizationToken: tok, MethodArn: arn})
			if err == nil || err.Error() != "Unauthorized" {
				t.Fatalf("err %v, want Unauthorized", err)
			}
		})
	}
}

// panicKeySet panics on use, to prove Handle recovers.
type panicKeySet struct{}

func (panicKeySet) VerifySignature(context.Context, string) ([]byte, error) { panic("boom") }

func TestHandleRecoversFromPanic(t *testing.T) {
	keyA, _, _, _ := testKeys(t)
	logs := &syncBuffer{}
	cfg := baseConfig()
	cfg.KeySet = panicKeySet{}
	cfg.Now = func() time.Time { return start }
	cfg.Logger = slogJSON(logs)
	a, err := authorizer.New(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	_, err = a.Handle(context.Background(), events.APIGatewayCustomAuthorizerRequest{
		Type: "TOKEN", AuthorizationToken: keyA.Sign(t, claims("viewer@example.com", "example.com")), MethodArn: methodARN,
	})
	if err == nil || err.Error() != "Unauthorized" {
		t.Fatalf("err %v, want Unauthorized", err)
	}
	if !strings.Contains(logs.String(), `"reason":"panic"`) {
		t.Errorf("panic not logged: %s", logs)
	}
}

func TestDecisionLog(t *testing.T) {
	keyA, _, _, _ := testKeys(t)
	f := newFixture(t, baseConfig(), keyA)
	tokens := []string{
		"Bearer " + keyA.Sign(t, claims("viewer@example.com", "example.com")),
		keyA.Sign(t, claims("x@other.com", "other.com")),
		"Bearer garbage.garbage.garbage",
	}
	for _, tok := range tokens {
		f.handle(t, tok)
	}
	lines := strings.Split(strings.TrimSpace(f.logs.String()), "\n")
	if len(lines) != len(tokens) {
		t.Fatalf("%d log lines, want one per decision (%d):\n%s", len(lines), len(tokens), f.logs)
	}
	wantDecision := []string{"allow", "deny", "unauthorized"}
	for i, line := range lines {
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("log line %d is not JSON: %v", i, err)
		}
		if rec["decision"] != wantDecision[i] {
			t.Errorf("line %d decision %v, want %s", i, rec["decision"], wantDecision[i])
		}
		for _, k := range []string{"principal", "reason", "latency_ms"} {
			if _, ok := rec[k]; !ok {
				t.Errorf("line %d lacks %s: %s", i, k, line)
			}
		}
	}
	for _, tok := range tokens {
		parts := strings.Split(strings.TrimPrefix(tok, "Bearer "), ".")
		for _, p := range parts {
			if strings.Contains(f.logs.String(), p) {
				t.Errorf("token part %.20q... reached the log", p)
			}
		}
	}
}
