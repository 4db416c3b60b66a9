package access

import "strings"

// Canonical is the form in which addresses and domains are compared and
// stored as grant subjects: surrounding white space trimmed and ASCII A-Z
// lowercased, nothing else. It deliberately does no Unicode case folding:
// strings.ToLower maps U+212A KELVIN SIGN to "k" (and U+0130 to "i̇"), so a
// token for "\u212Aarl@example.com" would otherwise match the rules and
// grants of karl@example.com.
func Canonical(s string) string {
	s = strings.TrimSpace(s)
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'A' && c <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if b[j] >= 'A' && b[j] <= 'Z' {
					b[j] += 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}

// ValidSubject reports whether s may be stored as a grant subject: already
// canonical (see Canonical), printable ASCII without spaces (Google account
// addresses and hd domains are ASCII; an internationalised domain arrives in
// punycode), and an address (local@domain) or a domain (a dot, no @).
// Writers normalise with Canonical first; readers flag stored subjects that
// fail this check: a lookup is always canonical and never finds an
// upper-case one, and a non-ASCII one is a look-alike (U+212A for k).
func ValidSubject(s string) bool {
	if s == "" || s != Canonical(s) {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c <= ' ' || c >= 0x7f {
			return false
		}
	}
	local, domain, isAddress := strings.Cut(s, "@")
	if isAddress {
		return local != "" && domain != "" && !strings.Contains(domain, "@") && strings.Contains(domain, ".")
	}
	return strings.Contains(s, ".") && !strings.HasPrefix(s, ".") && !strings.HasSuffix(s, ".")
}
