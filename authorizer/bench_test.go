package authorizer_test

import (
	"context"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"google.golang.org/api/idtoken"
	"google.golang.org/api/option"

	"github.com/camvault/camvault/authorizer"
	"github.com/camvault/camvault/authorizer/authorizertest"
	"github.com/camvault/camvault/authorizer/policy"
)

// benchSetup returns a warmed-up Authorizer, its key and key set, and a
// token it accepts, valid now (idtoken reads the real clock).
func benchSetup(b testing.TB) (*authorizer.Authorizer, *authorizertest.Key, *authorizertest.JWKS, string) {
	keyA, _, _, _ := testKeys(b)
	jwks := authorizertest.NewJWKS(b, keyA)
	jwks.SetCacheControl("public, max-age=3600")
	cfg := baseConfig()
	cfg.JWKSURL = jwks.URL
	cfg.Logger = slog.New(slog.NewJSONHandler(io.Discard, nil))
	a, err := authorizer.New(context.Background(), cfg)
	if err != nil {
		b.Fatal(err)
	}
	tok := keyA.Sign(b, authorizertest.Claims(authorizer.GoogleIssuer, clientID, "viewer@example.com", "example.com", time.Now()))
	if _, err := a.Authorize(context.Background(), tok); err != nil {
		b.Fatal(err)
	}
	return a, keyA, jwks, tok
}

// freshTokens are benchFresh tokens of distinct people, each valid now,
// for an Authorizer whose verified-token cache holds half as many: cycled
// in order, every one is a cache miss (least recently used goes first), so
// each decision verifies in full, as a token the container has not seen.
const benchFresh = 64

func freshSetup(b testing.TB) (*authorizer.Authorizer, []string) {
	_, key, jwks, _ := benchSetup(b)
	cfg := baseConfig()
	cfg.JWKSURL = jwks.URL
	cfg.Logger = slog.New(slog.NewJSONHandler(io.Discard, nil))
	cfg.TokenCacheSize = benchFresh / 2
	a, err := authorizer.New(context.Background(), cfg)
	if err != nil {
		b.Fatal(err)
	}
	toks := make([]string, benchFresh)
	for i := range toks {
		toks[i] = key.Sign(b, authorizertest.Claims(authorizer.GoogleIssuer, clientID, fmt.Sprintf("viewer%d@example.com", i), "example.com", time.Now()))
	}
	return a, toks
}

// BenchmarkAuthorize is the warm container's decision on a token it has not
// verified yet: verify the token, decide access, build the Allow policy.
func BenchmarkAuthorize(b *testing.B) {
	a, toks := freshSetup(b)
	arn, err := policy.ParseMethodARN(methodARN)
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		d, err := a.Authorize(ctx, toks[i%benchFresh])
		if err != nil {
			b.Fatal(err)
		}
		if doc := arn.Allow(d.Access); len(doc.Statement) != 1 {
			b.Fatal("no policy")
		}
		i++
	}
}

// BenchmarkAuthorizeRepeat is the decision on a token the container has
// verified before (API Gateway asks again every authorizer TTL): the
// verified-token cache answers for the token, access is decided as always.
func BenchmarkAuthorizeRepeat(b *testing.B) {
	a, _, _, tok := benchSetup(b)
	arn, err := policy.ParseMethodARN(methodARN)
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	_, hits := authorizer.TokenCacheStats(a)
	b.ReportAllocs()
	for b.Loop() {
		d, err := a.Authorize(ctx, tok)
		if err != nil {
			b.Fatal(err)
		}
		if doc := arn.Allow(d.Access); len(doc.Statement) != 1 {
			b.Fatal("no policy")
		}
	}
	if _, h := authorizer.TokenCacheStats(a); h == hits {
		b.Fatal("the cache never answered: not the repeat path")
	}
}

// BenchmarkHandle is the whole TOKEN event of a token not verified yet,
// with the decision log line.
func BenchmarkHandle(b *testing.B) {
	a, toks := freshSetup(b)
	ctx := context.Background()
	reqs := make([]events.APIGatewayCustomAuthorizerRequest, len(toks))
	for i, tok := range toks {
		reqs[i] = events.APIGatewayCustomAuthorizerRequest{Type: "TOKEN", AuthorizationToken: "Bearer " + tok, MethodArn: methodARN}
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if _, err := a.Handle(ctx, reqs[i%benchFresh]); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// BenchmarkRSAVerify is the floor: hash the signing input and verify the
// RS256 signature of the same token with the same key.
func BenchmarkRSAVerify(b *testing.B) {
	_, key, _, tok := benchSetup(b)
	i := strings.LastIndexByte(tok, '.')
	sig, err := base64.RawURLEncoding.DecodeString(tok[i+1:])
	if err != nil {
		b.Fatal(err)
	}
	input := []byte(tok[:i])
	pub := &key.Private.PublicKey
	b.ReportAllocs()
	for b.Loop() {
		digest := sha256.Sum256(input)
		if err := rsa.VerifyPKCS1v15(pub, crypto.SHA256, digest[:], sig); err != nil {
			b.Fatal(err)
		}
	}
}

// redirect sends every request to the test key set, whatever its URL.
type redirect struct{ to *url.URL }

func (r redirect) RoundTrip(req *http.Request) (*http.Response, error) {
	req = req.Clone(req.Context())
	req.URL.Scheme, req.URL.Host, req.URL.Path = r.to.Scheme, r.to.Host, r.to.Path
	req.Host = r.to.Host
	return http.DefaultTransport.RoundTrip(req)
}

// BenchmarkIDToken is google.golang.org/api/idtoken validating the same
// token; its certificate fetches (to Google's fixed URL) are redirected to
// the test key set, which sends max-age so idtoken caches them.
func BenchmarkIDToken(b *testing.B) {
	_, _, jwks, tok := benchSetup(b)
	to, err := url.Parse(jwks.URL)
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	v, err := idtoken.NewValidator(ctx, option.WithHTTPClient(&http.Client{Transport: redirect{to}}))
	if err != nil {
		b.Fatal(err)
	}
	if _, err := v.Validate(ctx, tok, clientID); err != nil {
		b.Fatal(err)
	}
	hits := jwks.Hits()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := v.Validate(ctx, tok, clientID); err != nil {
			b.Fatal(err)
		}
	}
	if jwks.Hits() != hits {
		b.Fatalf("idtoken fetched the certs %d more times: not a fair comparison", jwks.Hits()-hits)
	}
}
