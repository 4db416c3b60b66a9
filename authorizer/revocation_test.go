package authorizer

import (
	"testing"
	"time"
)

// TestRevocationContext: the context says what admitted the person, in the
// API's terms, and when, so the API can hold a cached decision to the grant
// changes made since.
func TestRevocationContext(t *testing.T) {
	at := time.Date(2026, 11, 25, 15, 0, 0, 123e6, time.UTC)
	for reason, want := range map[string]string{
		"admin email":                         "owner",
		"email grant":                         "email-grant",
		"domain grant":                        "domain-grant",
		"allowed email":                       "static",
		"allowed domain":                      "static",
		"allowed domain (grants unavailable)": "static",
		"":                                    "static",
	} {
		ctx := revocationContext(map[string]any{}, Decision{Reason: reason}, at)
		if ctx[ContextAccess] != want || ctx[ContextAuthorizedAt] != "1795618800123" {
			t.Errorf("reason %q: context %v, want access %s at 1795618800123", reason, ctx, want)
		}
	}
}
