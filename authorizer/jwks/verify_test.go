package jwks_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/camvault/camvault/authorizer/authorizertest"
	"github.com/camvault/camvault/authorizer/jwks"
)

// A known key id in the header never stands in for the signature: a token
// is refused unless its own signature verifies under that key.
func TestKnownHeaderNeverSkipsVerification(t *testing.T) {
	a, b := keys(t)
	srv := authorizertest.NewJWKS(t, a)
	ks, _ := newSet(t, srv)
	ctx := context.Background()

	good := token(t, a)
	if _, err := ks.VerifySignature(ctx, good); err != nil {
		t.Fatalf("valid token: %v", err)
	}

	// Same header, another payload under the old signature.
	parts := strings.Split(good, ".")
	other := authorizertest.Encode(t, map[string]any{"sub": "someone-else"})
	if _, err := ks.VerifySignature(ctx, parts[0]+"."+other+"."+parts[2]); !errors.Is(err, jwks.ErrSignature) {
		t.Fatalf("tampered payload with a cached header: err %v, want ErrSignature", err)
	}
	// Same header (kid of a), signed by an unpublished key.
	forged := authorizertest.Key{ID: a.ID, Private: b.Private}
	if _, err := ks.VerifySignature(ctx, forged.Sign(t, map[string]any{"sub": "x"})); !errors.Is(err, jwks.ErrSignature) {
		t.Fatalf("forged signature with a cached header: err %v, want ErrSignature", err)
	}
	// Many headers naming a's key, signed by another: all refused.
	for i := range 40 {
		h := map[string]any{"alg": "RS256", "kid": a.ID, "n": i}
		if _, err := ks.VerifySignature(ctx, forged.SignHeader(t, h, map[string]any{"sub": "x"})); !errors.Is(err, jwks.ErrSignature) {
			t.Fatalf("forged token %d: err %v", i, err)
		}
	}
	// Valid tokens with many headers: all verify, every time.
	for i := range 40 {
		h := map[string]any{"alg": "RS256", "kid": a.ID, "n": i}
		tok := a.SignHeader(t, h, map[string]any{"sub": "x"})
		for range 2 {
			if _, err := ks.VerifySignature(ctx, tok); err != nil {
				t.Fatalf("valid token %d: %v", i, err)
			}
		}
	}
	// A known header does not make a malformed signature acceptable.
	if _, err := ks.VerifySignature(ctx, parts[0]+"."+parts[1]+"."+parts[2]+"A"); err == nil {
		t.Fatal("non-canonical signature accepted")
	}
	if _, err := ks.VerifySignature(ctx, parts[0]+"."+parts[1]+"."+strings.Repeat("A", 1400)); !errors.Is(err, jwks.ErrSignature) {
		t.Fatalf("oversized signature: err %v, want ErrSignature", err)
	}
}

// NewVerification's context keeps its parent's values and cancellation,
// records the key that verified the token, and lends its digest to that
// token only.
func TestNewVerification(t *testing.T) {
	a, b := keys(t)
	srv := authorizertest.NewJWKS(t, a)
	ks, _ := newSet(t, srv)
	type parentKey struct{}
	parent, cancel := context.WithCancel(context.WithValue(context.Background(), parentKey{}, "p"))

	good := token(t, a)
	digest := jwks.SigningDigest(good)
	ctx, v := jwks.NewVerification(parent, good, &digest)
	if ctx.Value(parentKey{}) != "p" {
		t.Fatal("the parent's value is lost")
	}
	if _, err := ks.VerifySignature(ctx, good); err != nil {
		t.Fatalf("valid token: %v", err)
	}
	if !v.OK || v.Kid != a.ID || !ks.Holds(v.Kid, v.Fingerprint) {
		t.Fatalf("verification not recorded: %+v", v)
	}

	// Another token through the same context is hashed itself: the digest
	// of good does not make its signature acceptable.
	parts := strings.Split(good, ".")
	other := parts[0] + "." + authorizertest.Encode(t, map[string]any{"sub": "someone-else"}) + "." + parts[2]
	ctx, v = jwks.NewVerification(parent, good, &digest)
	if _, err := ks.VerifySignature(ctx, other); !errors.Is(err, jwks.ErrSignature) || v.OK {
		t.Fatalf("tampered payload: err %v, OK %v", err, v.OK)
	}
	// A token signed by an unpublished key is refused and not recorded.
	forged := (&authorizertest.Key{ID: a.ID, Private: b.Private}).Sign(t, map[string]any{"sub": "x"})
	fd := jwks.SigningDigest(forged)
	ctx, v = jwks.NewVerification(parent, forged, &fd)
	if _, err := ks.VerifySignature(ctx, forged); !errors.Is(err, jwks.ErrSignature) || v.OK {
		t.Fatalf("forged token: err %v, OK %v", err, v.OK)
	}

	cancel()
	if ctx.Err() == nil || ctx.Done() != parent.Done() {
		t.Fatal("the parent's cancellation is lost")
	}
}
