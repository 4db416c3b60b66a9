package authorizer_test

import (
	"context"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"net/url"
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"google.golang.org/api/idtoken"
	"google.golang.org/api/option"

	"github.com/camvault/camvault/authorizer"
	"github.com/camvault/camvault/authorizer/policy"
)

// TestCallgrindLoops runs the three benchmarked operations CALLGRIND_N times
// each, in functions of their own, for counting instructions with valgrind:
// counts that a shared, noisy machine does not change. It is skipped unless
// CALLGRIND_N is set.
//
//	go test -c -o /tmp/authorizer.test .
//	GOMAXPROCS=1 GODEBUG=asyncpreemptoff=1 GOGC=off CALLGRIND_N=200 \
//	  valgrind --tool=callgrind --callgrind-out-file=/tmp/cg.out --collect-atstart=no \
//	  --toggle-collect='*loopAuthorize' --toggle-collect='*loopAuthorizeRepeat' --toggle-collect='*loopRSAVerify' --toggle-collect='*loopIDToken' \
//	  /tmp/authorizer.test -test.run TestCallgrindLoops
//	callgrind_annotate --inclusive=yes /tmp/cg.out | grep -E 'loop[A-Za-z]+ '
//
// Divide by CALLGRIND_N. asyncpreemptoff keeps callgrind from tripping on
// Go's preemption signals; GOGC=off leaves out the (load-dependent) GC.
func TestCallgrindLoops(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("CALLGRIND_N"))
	if n <= 0 {
		t.Skip("set CALLGRIND_N to run")
	}
	// callgrind toggles collection per OS thread: keep the loops on one.
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	a, key, jwks, tok := benchSetup(t)
	arn, err := policy.ParseMethodARN(methodARN)
	if err != nil {
		t.Fatal(err)
	}
	i := strings.LastIndexByte(tok, '.')
	sig, err := base64.RawURLEncoding.DecodeString(tok[i+1:])
	if err != nil {
		t.Fatal(err)
	}
	to, err := url.Parse(jwks.URL)
	if err != nil {
		t.Fatal(err)
	}
	v, err := idtoken.NewValidator(context.Background(), option.WithHTTPClient(&http.Client{Transport: redirect{to}}))
	if err != nil {
		t.Fatal(err)
	}
	loopIDToken(v, tok, 1) // fetch and cache the certificates
	t.Logf("token: %d bytes", len(tok))
	fresh, toks := freshSetup(t)
	loopAuthorize(fresh, arn, toks, n)
	loopAuthorizeRepeat(a, arn, tok, n)
	loopRSAVerify(&key.Private.PublicKey, []byte(tok[:i]), sig, n)
	loopIDToken(v, tok, n)
}

// loopAuthorize is BenchmarkAuthorize's body: tokens the cache misses.
//
//go:noinline
func loopAuthorize(a *authorizer.Authorizer, arn policy.MethodARN, toks []string, n int) {
	ctx := context.Background()
	for i := range n {
		d, err := a.Authorize(ctx, toks[i%len(toks)])
		if err != nil {
			panic(err)
		}
		if doc := arn.Allow(d.Access); len(doc.Statement) != 1 {
			panic("no policy")
		}
	}
}

// loopAuthorizeRepeat is BenchmarkAuthorizeRepeat's body: one cached token.
//
//go:noinline
func loopAuthorizeRepeat(a *authorizer.Authorizer, arn policy.MethodARN, tok string, n int) {
	ctx := context.Background()
	for range n {
		d, err := a.Authorize(ctx, tok)
		if err != nil {
			panic(err)
		}
		if doc := arn.Allow(d.Access); len(doc.Statement) != 1 {
			panic("no policy")
		}
	}
}

// loopRSAVerify is BenchmarkRSAVerify's body.
//
//go:noinline
func loopRSAVerify(pub *rsa.PublicKey, input, sig []byte, n int) {
	for range n {
		digest := sha256.Sum256(input)
		if err := rsa.VerifyPKCS1v15(pub, crypto.SHA256, digest[:], sig); err != nil {
			panic(err)
		}
	}
}

// loopIDToken is BenchmarkIDToken's body.
//
//go:noinline
func loopIDToken(v *idtoken.Validator, tok string, n int) {
	ctx := context.Background()
	for range n {
		if _, err := v.Validate(ctx, tok, clientID); err != nil {
			panic(err)
		}
	}
}
