package authorizer_test

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/camvault/camvault/authorizer"
)

var (
	cacheFuzzOnce  sync.Once
	cacheFuzz      *fixture
	cacheFuzzToken string
)

// FuzzTokenCacheKeying: with one good token cached, no other header is
// ever answered from the cache: a hit means the header's token is that
// token, byte for byte (a different scheme spelling or spacing of the same
// token may hit). Mutations of the token — a flipped, dropped or added
// character anywhere, a truncated signature, another token with the same
// header and payload — must be verified in full, and fail.
func FuzzTokenCacheKeying(f *testing.F) {
	keyA, _, _, forgedA := testKeys(f)
	cacheFuzzOnce.Do(func() {
		cacheFuzz = newFixture(f, baseConfig(), keyA)
		cacheFuzzToken = keyA.Sign(f, claims("viewer@example.com", "example.com"))
		if verifyOutcome(cacheFuzz, cacheFuzzToken) != "ok" {
			f.Fatal("the good token was refused")
		}
	})
	tok := cacheFuzzToken
	dot := strings.LastIndexByte(tok, '.')
	forged := forgedA.Sign(f, claims("viewer@example.com", "example.com"))
	for _, s := range []string{
		"Bearer " + tok, "bearer  " + tok, tok,
		"Bearer " + tok[:len(tok)-1], "Bearer " + tok + "A", "Bearer " + tok[:dot+1],
		"Bearer " + tok[:dot] + forged[strings.LastIndexByte(forged, '.'):],
		"Bearer " + strings.Replace(tok, "e", "f", 1), "Bearer x" + tok[1:],
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, header string) {
		_, before := authorizer.TokenCacheStats(cacheFuzz.a)
		_, err := cacheFuzz.a.Verify(context.Background(), header)
		_, after := authorizer.TokenCacheStats(cacheFuzz.a)
		parsed, perr := authorizer.TokenFromHeader(header)
		same := perr == nil && parsed == tok
		if after > before && !same {
			t.Fatalf("header %q was answered from the cache entry of another token", header)
		}
		if err == nil && !same {
			// Only the one good token (signed by us) can verify.
			t.Fatalf("header %q verified", header)
		}
		if same && (err != nil || after != before+1) {
			t.Fatalf("the cached token was not answered from the cache: %v (%d → %d hits)", err, before, after)
		}
	})
}
