package authorizer_test

import (
	"bytes"
	"context"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-lambda-go/events"

	"github.com/camvault/camvault/authorizer"
	"github.com/camvault/camvault/authorizer/authorizertest"
)

func FuzzTokenFromHeader(f *testing.F) {
	const tok = "eyJhbGciOiJSUzI1NiIsImtpZCI6ImtleS1hIn0.eyJzdWIiOiJ4In0.c2lnbmF0dXJl"
	for _, s := range []string{"", "Bearer " + tok, "bearer  " + tok, tok, "Basic abc", "Bearer", "Bearer a.b.c", " a.b.c ", "a..c", "Bearer a.b.c d", "\x00.\x01.\x02"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, header string) {
		token, err := authorizer.TokenFromHeader(header)
		if err != nil {
			return
		}
		if strings.Count(token, ".") != 2 || len(token) > 8<<10 {
			t.Fatalf("accepted %q", token)
		}
		for _, c := range []byte(token) {
			if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
				t.Fatalf("accepted a token with %q", c)
			}
		}
		if again, err := authorizer.TokenFromHeader("Bearer " + token); err != nil || again != token {
			t.Fatalf("Bearer %q parsed to %q, %v", token, again, err)
		}
	})
}

// panicWatch discards log lines but remembers whether a panic was recovered.
type panicWatch struct{ seen atomic.Bool }

func (p *panicWatch) Write(b []byte) (int, error) {
	if bytes.Contains(b, []byte(`"reason":"panic"`)) {
		p.seen.Store(true)
	}
	return len(b), nil
}

// signedBy reports whether token is a canonical compact JWS whose signature
// verifies under pub: the reference the authorizer's Allow must agree with.
func signedBy(token string, pub *rsa.PublicKey) bool {
	token = strings.TrimSpace(token)
	if scheme, rest, ok := strings.Cut(token, " "); ok && strings.EqualFold(scheme, "bearer") {
		token = strings.TrimLeft(rest, " ")
	}
	i := strings.LastIndexByte(token, '.')
	if i < 0 {
		return false
	}
	sig, err := base64.RawURLEncoding.Strict().DecodeString(token[i+1:])
	if err != nil {
		return false
	}
	digest := sha256.Sum256([]byte(token[:i]))
	return rsa.VerifyPKCS1v15(pub, crypto.SHA256, digest[:], sig) == nil
}

func FuzzHandle(f *testing.F) {
	keyA, keyB, _, forgedA := testKeys(f)
	watch := &panicWatch{}
	cfg := baseConfig()
	jwks := authorizertest.NewJWKS(f, keyA)
	cfg.JWKSURL = jwks.URL
	cfg.Now = newClock().Now
	cfg.Logger = slog.New(slog.NewJSONHandler(watch, nil))
	a, err := authorizer.New(context.Background(), cfg)
	if err != nil {
		f.Fatal(err)
	}
	good := keyA.Sign(f, claims("viewer@example.com", "example.com"))
	admin := keyA.Sign(f, claims("boss@example.com", "example.com"))
	parts := strings.Split(good, ".")
	for _, tok := range []string{
		"Bearer " + good,
		admin,
		forgedA.Sign(f, claims("viewer@example.com", "example.com")),
		keyB.Sign(f, claims("viewer@example.com", "example.com")),
		authorizertest.Encode(f, map[string]string{"alg": "none"}) + "." + parts[1] + ".",
		authorizertest.Encode(f, map[string]string{"alg": "HS256", "kid": "key-a"}) + "." + parts[1] + "." + parts[2],
		parts[0] + "." + authorizertest.Encode(f, claims("boss@example.com", "example.com")) + "." + parts[2],
		"",
		"Bearer x.y.z",
	} {
		f.Add(tok, methodARN)
	}
	f.Add("Bearer "+good, "arn:aws:execute-api:eu-west-1:123456789012:abc/*/GET/")
	f.Add(admin, "arn:aws:execute-api:us-east-1:123456789012:abc/prod/DELETE/cameras/c1/videos/v1")
	f.Fuzz(func(t *testing.T, token, arn string) {
		resp, err := a.Handle(context.Background(), events.APIGatewayCustomAuthorizerRequest{Type: "TOKEN", AuthorizationToken: token, MethodArn: arn})
		if watch.seen.Load() {
			t.Fatalf("Handle panicked (recovered) on token %q arn %q", token, arn)
		}
		if err != nil {
			if err.Error() != "Unauthorized" {
				t.Fatalf("error %q, want Unauthorized", err)
			}
			return
		}
		st := resp.PolicyDocument.Statement
		if len(st) != 1 {
			t.Fatalf("policy %+v", resp.PolicyDocument)
		}
		// Allow or Deny both mean the token passed verification.
		if !signedBy(token, &keyA.Private.PublicKey) {
			t.Fatalf("%s for a token not signed by a published key: %q", st[0].Effect, token)
		}
		for _, r := range st[0].Resource {
			fields := strings.SplitN(r, ":", 6)
			segs := strings.SplitN(fields[5], "/", 3)
			if strings.Contains(segs[0], "*") || strings.Contains(segs[1], "*") {
				t.Fatalf("wildcard in api or stage: %s", r)
			}
		}
	})
}
