package access_test

import (
	"context"
	"strings"
	"testing"

	"github.com/camvault/camvault/authorizer/access"
)

// FuzzCanonical: Canonical changes only ASCII A-Z (and surrounding white
// space), is idempotent, and an admin rule matches exactly the addresses
// whose canonical form it names: no Unicode look-alike (U+212A KELVIN SIGN)
// ever becomes an admin, and ValidSubject admits only printable ASCII.
func FuzzCanonical(f *testing.F) {
	for _, s := range []string{"karl@example.com", "KARL@Example.COM", " karl@example.com\t", "\u212Aarl@example.com", "\u0130stanbul.com", "a@b", ""} {
		f.Add(s)
	}
	rules, err := access.NewRules(nil, nil, []string{"karl@example.com"}, nil, nil)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c := access.Canonical(s)
		if access.Canonical(c) != c {
			t.Fatalf("not idempotent: %q -> %q -> %q", s, c, access.Canonical(c))
		}
		trimmed := strings.TrimSpace(s)
		if len(c) != len(trimmed) {
			t.Fatalf("%q -> %q changed length", s, c)
		}
		for i := 0; i < len(c); i++ {
			in, out := trimmed[i], c[i]
			switch {
			case out >= 'A' && out <= 'Z':
				t.Fatalf("%q -> %q keeps an upper-case letter", s, c)
			case in >= 'A' && in <= 'Z':
				if out != in+'a'-'A' {
					t.Fatalf("%q -> %q: byte %d", s, c, i)
				}
			case in != out:
				t.Fatalf("%q -> %q changed a byte that is not A-Z", s, c)
			}
		}
		if access.ValidSubject(c) {
			for i := 0; i < len(c); i++ {
				if c[i] <= ' ' || c[i] >= 0x7f {
					t.Fatalf("ValidSubject(%q) with a byte outside printable ASCII", c)
				}
			}
		}
		d, err := rules.Decide(context.Background(), access.Person{Email: s})
		if err != nil {
			t.Fatal(err)
		}
		if (d.Access.Role == access.Admin) != (c == "karl@example.com") {
			t.Fatalf("%q (canonical %q): admin=%v", s, c, d.Access.Role == access.Admin)
		}
	})
}
