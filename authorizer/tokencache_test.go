package authorizer_test

import (
	"context"
	"testing"
	"time"

	"github.com/camvault/camvault/authorizer"
	"github.com/camvault/camvault/authorizer/authorizertest"
	"github.com/camvault/camvault/authorizer/grantstest"
	"github.com/camvault/camvault/dynalite/dynalitetest"
)

// verifyOutcome runs Verify and says "ok" or the error.
func verifyOutcome(f *fixture, token string) string {
	if _, err := f.a.Verify(context.Background(), "Bearer "+token); err != nil {
		return err.Error()
	}
	return "ok"
}

func stats(t *testing.T, f *fixture) (int, int64) {
	t.Helper()
	return authorizer.TokenCacheStats(f.a)
}

// TestTokenCacheAnswersRepeatTokens: a token verified once is answered
// from the cache after, with the same identity; a failed token is never
// cached.
func TestTokenCacheAnswersRepeatTokens(t *testing.T) {
	keyA, _, keyC, _ := testKeys(t)
	f := newFixture(t, baseConfig(), keyA)
	tok := keyA.Sign(t, claims("viewer@example.com", "example.com"))
	first, err := f.a.Verify(context.Background(), "Bearer "+tok)
	if err != nil {
		t.Fatal(err)
	}
	if n, hits := stats(t, f); n != 1 || hits != 0 {
		t.Fatalf("after one verify: %d entries, %d hits", n, hits)
	}
	again, err := f.a.Verify(context.Background(), "bearer   "+tok)
	if err != nil || again != first {
		t.Fatalf("repeat = %+v, %v; want %+v", again, err, first)
	}
	if _, hits := stats(t, f); hits != 1 {
		t.Fatalf("repeat token not answered from the cache (%d hits)", hits)
	}
	bad := keyC.Sign(t, claims("viewer@example.com", "example.com")) // unpublished key
	for range 2 {
		if verifyOutcome(f, bad) == "ok" {
			t.Fatal("a token of an unpublished key verified")
		}
	}
	if n, hits := stats(t, f); n != 1 || hits != 1 {
		t.Fatalf("a failed token touched the cache: %d entries, %d hits", n, hits)
	}
}

// TestTokenCacheEntryDiesAtExp: an entry answers until the token's exp and
// not at it; past exp plus the clock skew the token is refused.
func TestTokenCacheEntryDiesAtExp(t *testing.T) {
	keyA, _, _, _ := testKeys(t)
	f := newFixture(t, baseConfig(), keyA)
	tok := keyA.Sign(t, claims("viewer@example.com", "example.com")) // exp = start + 1h
	if verifyOutcome(f, tok) != "ok" {
		t.Fatal("fresh token refused")
	}
	f.clock.Advance(time.Hour - time.Second)
	if verifyOutcome(f, tok) != "ok" {
		t.Fatal("refused a second before exp")
	}
	_, hits := stats(t, f)
	if hits != 1 {
		t.Fatalf("%d hits before exp, want 1", hits)
	}
	f.clock.Advance(time.Second) // at exp: the cache must not answer
	verifyOutcome(f, tok)
	if _, h := stats(t, f); h != hits {
		t.Fatal("the cache answered at the token's exp")
	}
	f.clock.Advance(authorizer.DefaultClockSkew + time.Second)
	if got := verifyOutcome(f, tok); got == "ok" {
		t.Fatal("an expired token was accepted")
	}
	if _, h := stats(t, f); h != hits {
		t.Fatal("the cache answered past exp")
	}
}

// TestTokenCacheDropsWithdrawnKeys: once the key set no longer publishes a
// cached token's key, or publishes another key under its id, the token is
// refused, not answered from the cache.
func TestTokenCacheDropsWithdrawnKeys(t *testing.T) {
	keyA, keyB, _, forgedA := testKeys(t)
	for _, tc := range []struct {
		name  string
		after []*authorizertest.Key
	}{
		{"key withdrawn", []*authorizertest.Key{keyB}},
		{"other key under the same id", []*authorizertest.Key{forgedA, keyB}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, baseConfig(), keyA)
			tok := keyA.Sign(t, claims("viewer@example.com", "example.com"))
			for range 2 {
				if verifyOutcome(f, tok) != "ok" {
					t.Fatal("refused while its key is published")
				}
			}
			// The key set changes; a token of the new key makes it refetch.
			f.jwks.SetKeys(tc.after...)
			f.clock.Advance(authorizerKeyRefresh + time.Second)
			if verifyOutcome(f, keyB.Sign(t, claims("other@example.com", "example.com"))) != "ok" {
				t.Fatal("the new key set was not fetched")
			}
			_, hits := stats(t, f)
			if got := verifyOutcome(f, tok); got == "ok" {
				t.Fatal("a token whose key left the key set was accepted")
			}
			if _, h := stats(t, f); h != hits {
				t.Fatal("the cache answered for a withdrawn key")
			}
		})
	}
}

// TestTokenCacheIsBounded: at most TokenCacheSize entries, the least
// recently used goes first, every answer is its own token's person; a
// negative size turns the cache off.
func TestTokenCacheIsBounded(t *testing.T) {
	keyA, _, _, _ := testKeys(t)
	cfg := baseConfig()
	cfg.TokenCacheSize = 2
	f := newFixture(t, cfg, keyA)
	tok := map[string]string{}
	for _, who := range []string{"a", "b", "c"} {
		tok[who] = keyA.Sign(t, claims(who+"@example.com", "example.com"))
	}
	hitsFor := func(who string) int64 {
		t.Helper()
		_, before := stats(t, f)
		// An entry that evicted another reuses its record: the answer must
		// be this token's person, never the evicted one's.
		id, err := f.a.Verify(context.Background(), "Bearer "+tok[who])
		if err != nil {
			t.Fatalf("%s refused: %v", who, err)
		}
		if id.Email != who+"@example.com" {
			t.Fatalf("%s's token answered as %s", who, id.Email)
		}
		_, after := stats(t, f)
		return after - before
	}
	for _, step := range []struct {
		who  string
		hits int64
	}{{"a", 0}, {"b", 0}, {"a", 1}, {"c", 0}, {"c", 1}, {"a", 1}, {"b", 0}, {"c", 0}, {"a", 0}, {"c", 1}} {
		if got := hitsFor(step.who); got != step.hits {
			t.Fatalf("%s: %d hits, want %d", step.who, got, step.hits)
		}
		if n, _ := stats(t, f); n > 2 {
			t.Fatalf("%d entries, bound 2", n)
		}
	}

	cfg.TokenCacheSize = -1
	off := newFixture(t, cfg, keyA)
	if n, _ := authorizer.TokenCacheStats(off.a); n != -1 {
		t.Fatal("a negative size did not turn the cache off")
	}
	for range 2 {
		if verifyOutcome(off, tok["a"]) != "ok" {
			t.Fatal("without the cache a good token was refused")
		}
	}
}

// TestTokenCacheLeavesGrantsPerRequest: a cached token's access follows
// its grant as the grant changes (after the grant cache's 60 s).
func TestTokenCacheLeavesGrantsPerRequest(t *testing.T) {
	keyA, _, _, _ := testKeys(t)
	ctx := context.Background()
	client := grantstest.Client(dynalitetest.Start(t))
	const table = "camvault-allowlist"
	if err := grantstest.CreateTable(ctx, client, table); err != nil {
		t.Fatal(err)
	}
	if err := grantstest.Put(ctx, client, table, "ann@partner.com", "viewer", []string{"garage"}); err != nil {
		t.Fatal(err)
	}
	cfg := baseConfig()
	cfg.AllowlistTable, cfg.DynamoDB = table, client
	f := newFixture(t, cfg, keyA)
	tok := "Bearer " + keyA.Sign(t, claims("ann@partner.com", "partner.com"))
	if got := outcome(f.handle(t, tok)); got != "allow" {
		t.Fatalf("granted: %s", got)
	}
	if err := grantstest.Put(ctx, client, table, "ann@partner.com", "blocked", nil); err != nil {
		t.Fatal(err)
	}
	f.clock.Advance(61 * time.Second)
	if got := outcome(f.handle(t, tok)); got == "allow" {
		t.Fatal("a cached token kept a grant that was withdrawn")
	}
	if _, hits := stats(t, f); hits < 1 {
		t.Fatal("the token was not answered from the cache: the test proves nothing")
	}
}
