package jwks_test

import (
	"strings"
	"testing"

	"github.com/camvault/camvault/authorizer/jwks"
)

func FuzzParseHeader(f *testing.F) {
	for _, s := range []string{
		"eyJhbGciOiJSUzI1NiIsImtpZCI6ImEifQ.e30.c2ln",
		"eyJhbGciOiJub25lIn0.e30.",
		"eyJhbGciOiJIUzI1NiJ9.e30.c2ln",
		"a.b.c", "", "...", "eyJhbGciOiJSUzI1NiIsImNyaXQiOlsieCJdfQ.e30.c2ln",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, token string) {
		h, err := jwks.ParseHeader(token)
		if err != nil {
			return
		}
		if h.Alg != "RS256" || len(h.Crit) != 0 || strings.Count(token, ".") != 2 || len(token) > 8<<10 {
			t.Fatalf("accepted %q as %+v", token, h)
		}
	})
}
