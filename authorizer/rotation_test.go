package authorizer_test

import (
	"testing"
	"time"
)

// TestKeyRotationThroughHandle proves the wiring end to end: a key rotated
// in is picked up by one refetch once the rate limit allows, junk key ids
// cause no fetch storm, and an outage keeps the known keys working.
func TestKeyRotationThroughHandle(t *testing.T) {
	keyA, keyB, keyC, _ := testKeys(t)
	f := newFixture(t, baseConfig(), keyA)
	viewer := func(k interface {
		Sign(testing.TB, any) string
	}) string {
		return "Bearer " + k.Sign(t, claims("viewer@example.com", "example.com"))
	}
	steps := []struct {
		name    string
		before  func()
		header  string
		want    string
		hitsNow int
	}{
		{"warm key", nil, viewer(keyA), "allow", 1},
		{"new key within the interval", func() { f.jwks.SetKeys(keyA, keyB) }, viewer(keyB), "unauthorized", 1},
		{"new key after the interval", func() { f.clock.Advance(31 * time.Second) }, viewer(keyB), "allow", 2},
		{"unpublished key right after", nil, viewer(keyC), "unauthorized", 2},
		{"unpublished key again", nil, viewer(keyC), "unauthorized", 2},
		{"outage, unknown key", func() { f.jwks.SetDown(true); f.clock.Advance(time.Minute) }, viewer(keyC), "unauthorized", 3},
		{"outage, known key", nil, viewer(keyB), "allow", 3},
		{"outage, other known key", nil, viewer(keyA), "allow", 3},
		{"rotated out after recovery", func() { f.jwks.SetDown(false); f.jwks.SetKeys(keyB, keyC); f.clock.Advance(time.Minute) }, viewer(keyC), "allow", 4},
		{"old key gone", nil, viewer(keyA), "unauthorized", 4},
	}
	for _, s := range steps {
		if s.before != nil {
			s.before()
		}
		if got := outcome(f.handle(t, s.header)); got != s.want {
			t.Fatalf("%s: %s, want %s", s.name, got, s.want)
		}
		if h := f.jwks.Hits(); h != s.hitsNow {
			t.Fatalf("%s: %d key set fetches, want %d", s.name, h, s.hitsNow)
		}
	}
}
