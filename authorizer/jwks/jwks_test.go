package jwks_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/camvault/camvault/authorizer/authorizertest"
	"github.com/camvault/camvault/authorizer/jwks"
)

var (
	keysOnce sync.Once
	k1, k2   *authorizertest.Key
)

func keys(t *testing.T) (*authorizertest.Key, *authorizertest.Key) {
	keysOnce.Do(func() {
		k1 = authorizertest.NewKey(t, "k1")
		k2 = authorizertest.NewKey(t, "k2")
	})
	return k1, k2
}

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func newSet(t *testing.T, srv *authorizertest.JWKS) (*jwks.KeySet, *clock) {
	t.Helper()
	c := &clock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	ks := jwks.New(srv.URL, jwks.WithClock(c.Now), jwks.WithMinRefreshInterval(30*time.Second))
	if err := ks.Refresh(context.Background()); err != nil {
		t.Fatalf("warm-up: %v", err)
	}
	return ks, c
}

func token(t *testing.T, k *authorizertest.Key) string {
	return k.Sign(t, map[string]any{"sub": "x"})
}

func TestVerifySignature(t *testing.T) {
	a, b := keys(t)
	srv := authorizertest.NewJWKS(t, a)
	ks, _ := newSet(t, srv)
	ctx := context.Background()
	if p, err := ks.VerifySignature(ctx, token(t, a)); err != nil || string(p) != `{"sub":"x"}` {
		t.Fatalf("good token: %q, %v", p, err)
	}
	// b signs with kid k1: a published kid, another key.
	forged := b.SignHeader(t, map[string]any{"alg": "RS256", "kid": "k1"}, map[string]any{"sub": "x"})
	if _, err := ks.VerifySignature(ctx, forged); !errors.Is(err, jwks.ErrSignature) {
		t.Fatalf("forged: %v, want ErrSignature", err)
	}
	noKid := a.SignHeader(t, map[string]any{"alg": "RS256"}, map[string]any{"sub": "x"})
	if _, err := ks.VerifySignature(ctx, noKid); err != nil {
		t.Fatalf("no kid, published key: %v", err)
	}
	noKidForged := b.SignHeader(t, map[string]any{"alg": "RS256"}, map[string]any{"sub": "x"})
	if _, err := ks.VerifySignature(ctx, noKidForged); !errors.Is(err, jwks.ErrSignature) {
		t.Fatalf("no kid, unpublished key: %v", err)
	}
	if srv.Hits() != 1 {
		t.Errorf("%d fetches, want only the warm-up", srv.Hits())
	}
}

func TestRotationAndRateLimit(t *testing.T) {
	a, b := keys(t)
	srv := authorizertest.NewJWKS(t, a)
	ks, c := newSet(t, srv)
	ctx := context.Background()

	// Unknown kid within the interval after warm-up: refused without a fetch.
	srv.SetKeys(a, b)
	if _, err := ks.VerifySignature(ctx, token(t, b)); !errors.Is(err, jwks.ErrUnknownKey) {
		t.Fatalf("new key before interval: %v, want ErrUnknownKey", err)
	}
	if srv.Hits() != 1 {
		t.Fatalf("%d fetches, want 1", srv.Hits())
	}
	// After the interval: one fetch, the new key works, the old one still too.
	c.Advance(31 * time.Second)
	if _, err := ks.VerifySignature(ctx, token(t, b)); err != nil {
		t.Fatalf("rotated-in key: %v", err)
	}
	if _, err := ks.VerifySignature(ctx, token(t, a)); err != nil {
		t.Fatalf("old key still published: %v", err)
	}
	if srv.Hits() != 2 {
		t.Fatalf("%d fetches, want 2", srv.Hits())
	}
	// A storm of unknown kids: no more fetches until the interval passes.
	for i := 0; i < 50; i++ {
		junk := a.SignHeader(t, map[string]any{"alg": "RS256", "kid": "junk"}, map[string]any{"sub": "x"})
		if _, err := ks.VerifySignature(ctx, junk); !errors.Is(err, jwks.ErrUnknownKey) {
			t.Fatalf("junk kid: %v", err)
		}
	}
	if srv.Hits() != 2 {
		t.Fatalf("%d fetches after a storm of unknown kids, want 2", srv.Hits())
	}
	c.Advance(30 * time.Second)
	junk := a.SignHeader(t, map[string]any{"alg": "RS256", "kid": "junk"}, map[string]any{"sub": "x"})
	ks.VerifySignature(ctx, junk)
	if srv.Hits() != 3 {
		t.Fatalf("%d fetches, want one more after the interval", srv.Hits())
	}
	// Key rotated out: once refetched, its tokens are refused.
	srv.SetKeys(b)
	c.Advance(31 * time.Second)
	ks.VerifySignature(ctx, junk) // triggers the refetch
	if _, err := ks.VerifySignature(ctx, token(t, a)); err == nil {
		t.Fatal("rotated-out key still accepted")
	}
	if _, err := ks.VerifySignature(ctx, token(t, b)); err != nil {
		t.Fatalf("current key: %v", err)
	}
}

func TestOutageKeepsLastGoodKeys(t *testing.T) {
	a, b := keys(t)
	srv := authorizertest.NewJWKS(t, a)
	ks, c := newSet(t, srv)
	ctx := context.Background()
	srv.SetDown(true)
	c.Advance(time.Minute)
	if _, err := ks.VerifySignature(ctx, token(t, b)); !errors.Is(err, jwks.ErrUnknownKey) {
		t.Fatalf("unknown key during outage: %v, want ErrUnknownKey", err)
	}
	if _, err := ks.VerifySignature(ctx, token(t, a)); err != nil {
		t.Fatalf("known key during outage: %v", err)
	}
	if err := ks.Refresh(ctx); err == nil {
		t.Fatal("Refresh during outage succeeded")
	}
	if _, err := ks.VerifySignature(ctx, token(t, a)); err != nil {
		t.Fatalf("known key after a failed refresh: %v", err)
	}
	// A server answering garbage is an outage too.
	hits := srv.Hits()
	srv.SetDown(false)
	srv.SetKeys() // an empty set: not usable, keep the last good one
	if err := ks.Refresh(ctx); err == nil {
		t.Fatal("Refresh of an empty key set succeeded")
	}
	if _, err := ks.VerifySignature(ctx, token(t, a)); err != nil {
		t.Fatalf("known key after an empty set: %v", err)
	}
	if srv.Hits() != hits+1 {
		t.Errorf("hits %d, want %d", srv.Hits(), hits+1)
	}
}

func TestColdOutage(t *testing.T) {
	a, _ := keys(t)
	srv := authorizertest.NewJWKS(t, a)
	srv.SetDown(true)
	c := &clock{t: time.Unix(0, 0)}
	ks := jwks.New(srv.URL, jwks.WithClock(c.Now))
	if err := ks.Refresh(context.Background()); err == nil {
		t.Fatal("warm-up against a down server succeeded")
	}
	if _, err := ks.VerifySignature(context.Background(), token(t, a)); err == nil {
		t.Fatal("verified with no keys")
	}
	srv.SetDown(false)
	c.Advance(31 * time.Second)
	if _, err := ks.VerifySignature(context.Background(), token(t, a)); err != nil {
		t.Fatalf("after recovery: %v", err)
	}
}

func TestConcurrentCallersShareOneFetch(t *testing.T) {
	a, b := keys(t)
	srv := authorizertest.NewJWKS(t, a)
	ks, c := newSet(t, srv)
	srv.SetKeys(a, b)
	c.Advance(time.Minute)
	tok := token(t, b)
	var wg sync.WaitGroup
	errs := make(chan error, 20)
	for i := 0; i < 20; i++ {
		wg.Go(func() {
			_, err := ks.VerifySignature(context.Background(), tok)
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Errorf("caller: %v", err)
		}
	}
	if srv.Hits() != 2 {
		t.Errorf("%d fetches, want warm-up + one shared", srv.Hits())
	}
}

func TestCancelledCallerDoesNotPoisonCache(t *testing.T) {
	a, b := keys(t)
	srv := authorizertest.NewJWKS(t, a)
	ks, c := newSet(t, srv)
	srv.SetKeys(a, b)
	c.Advance(time.Minute)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := ks.VerifySignature(ctx, token(t, b)); err == nil {
		t.Fatal("cancelled caller verified")
	}
	// The fetch the cancelled caller started still lands: wait for it
	// through Refresh's join (no new fetch is started while one runs)...
	// then the key is there without going over the rate limit again.
	deadline := time.Now().Add(5 * time.Second)
	for {
		if _, err := ks.VerifySignature(context.Background(), token(t, b)); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the detached fetch never filled the cache")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if srv.Hits() != 2 {
		t.Errorf("%d fetches, want 2", srv.Hits())
	}
}

func TestMaxAgeRefreshesInBackground(t *testing.T) {
	a, b := keys(t)
	srv := authorizertest.NewJWKS(t, a)
	srv.SetCacheControl("public, max-age=3600, must-revalidate")
	ks, c := newSet(t, srv)
	srv.SetKeys(b)
	c.Advance(59 * time.Minute)
	if _, err := ks.VerifySignature(context.Background(), token(t, a)); err != nil {
		t.Fatal(err)
	}
	if srv.Hits() != 1 {
		t.Fatalf("%d fetches before max-age, want 1", srv.Hits())
	}
	c.Advance(2 * time.Minute)
	ks.VerifySignature(context.Background(), token(t, a)) // still the cached keys; starts a refresh
	deadline := time.Now().Add(5 * time.Second)
	for {
		if _, err := ks.VerifySignature(context.Background(), token(t, b)); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("max-age refresh never happened")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestParseHeader(t *testing.T) {
	tests := []struct {
		token string
		want  error
	}{
		{"", jwks.ErrMalformed},
		{"a.b", jwks.ErrMalformed},
		{"a.b.c.d", jwks.ErrMalformed},
		{".b.c", jwks.ErrMalformed},
		{"eyJhbGciOiJSUzI1NiJ9.e30.", jwks.ErrMalformed},
		{"eyJhbGciOiJSUzI1NiJ9.e30.c2ln", nil},
		{"eyJhbGciOiJIUzI1NiJ9.e30.c2ln", jwks.ErrAlgorithm},
		{"eyJhbGciOiJub25lIn0.e30.c2ln", jwks.ErrAlgorithm},
		{"eyJhbGciOiJSUzI1NiJ9=.e30.c2ln", jwks.ErrMalformed},
		{"eyJhbGciOiJSUzI1NiIsImtpZCI6ImEifQ.e30.c2ln", nil},
		{"eyJhbGciOiJSUzI1NiIsImtpZCI6ImEifR.e30.c2ln", jwks.ErrMalformed}, // same header, non-canonical trailing bits
	}
	for _, tt := range tests {
		t.Run(tt.token, func(t *testing.T) {
			_, err := jwks.ParseHeader(tt.token)
			if !errors.Is(err, tt.want) && !(err == nil && tt.want == nil) {
				t.Fatalf("err %v, want %v", err, tt.want)
			}
		})
	}
}
