package jwks

import (
	"encoding/json"
	"testing"
)

// FuzzUsualHeader: where the in-place check of a flat header is sure, the
// token walk, which handles any header, gives the same answer; a header
// either accepts is valid JSON; and a header with no member spelled "alg"
// is never usual.
func FuzzUsualHeader(f *testing.F) {
	for _, s := range []string{
		`{"alg":"RS256","kid":"a","typ":"JWT"}`,
		` { "alg" : "RS256" , "kid" : "a" } `,
		`{"alg":"RS256","kid":"a","kid":"b"}`,
		`{"ALG":"RS256"}`,
		`{"alg":"RS256","jwk":"x"}`,
		`{"alg":"RS256","x":{"a":1,"a":2}}`,
		`{"\u0061lg":"RS256"}`,
		`{}`, `{"alg":"RS256"}x`, `{"alg":"RS256",}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		walked := walkHeader(b)
		if ok, sure := flatHeader(b); sure && ok != walked {
			t.Fatalf("flat says %v, walk says %v for %q", ok, walked, b)
		}
		if walked && !json.Valid(b) {
			t.Fatalf("usual but not JSON: %q", b)
		}
		if walked {
			var m map[string]json.RawMessage
			if err := json.Unmarshal(b, &m); err != nil || string(m["alg"]) != `"RS256"` && !escapedAlg(m) {
				t.Fatalf("usual without alg RS256: %q", b)
			}
		}
	})
}

// escapedAlg reports whether the alg member is RS256 spelled with escapes.
func escapedAlg(m map[string]json.RawMessage) bool {
	var s string
	return json.Unmarshal(m["alg"], &s) == nil && s == "RS256"
}
