package access_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/camvault/camvault/authorizer/access"
)

// mapGrants is an in-memory GrantSource; DynamoDB's is tested in package grants.
type mapGrants struct {
	grants map[string]access.Grant
	err    error
}

func (m mapGrants) Grant(_ context.Context, subject string) (access.Grant, bool, error) {
	if m.err != nil {
		return access.Grant{}, false, m.err
	}
	g, ok := m.grants[subject]
	return g, ok, nil
}

func TestDecide(t *testing.T) {
	src := mapGrants{grants: map[string]access.Grant{
		"ann@example.com": {Subject: "ann@example.com", Role: access.Viewer, Cameras: []string{"b", "a", "a", "-bad", "UPPER"}},
		"partner.com":     {Subject: "partner.com", Role: access.Admin},
		"eve@example.com": {Subject: "eve@example.com", Role: "root"},
	}}
	rules, err := access.NewRules([]string{"Example.COM"}, []string{"Friend@gmail.com"}, []string{"boss@example.com"}, src, nil)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		p       access.Person
		allowed bool
		role    access.Role
		cameras string
	}{
		{"admin", access.Person{Email: "boss@example.com", Domain: "example.com"}, true, access.Admin, "*"},
		{"admin needs the address, not the domain", access.Person{Email: "boss@other.com", Domain: "example.com"}, true, access.Viewer, "*"},
		{"email grant", access.Person{Email: "ann@example.com", Domain: "example.com"}, true, access.Viewer, "a,b"},
		{"domain grant", access.Person{Email: "x@partner.com", Domain: "partner.com"}, true, access.Admin, "*"},
		{"invalid role denies", access.Person{Email: "eve@example.com", Domain: "example.com"}, false, "", ""},
		{"allowed email", access.Person{Email: "friend@gmail.com"}, true, access.Viewer, "*"},
		{"allowed domain", access.Person{Email: "x@example.com", Domain: "example.com"}, true, access.Viewer, "*"},
		{"address domain is not hd", access.Person{Email: "x@example.com"}, false, "", ""},
		{"stranger", access.Person{Email: "x@other.com", Domain: "other.com"}, false, "", ""},
		{"empty", access.Person{}, false, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := rules.Decide(context.Background(), tt.p)
			if err != nil {
				t.Fatal(err)
			}
			if d.Allowed != tt.allowed || d.Access.Role != tt.role || (tt.allowed && d.Access.CameraList() != tt.cameras) {
				t.Fatalf("got %+v, want allowed=%v role=%s cameras=%s", d, tt.allowed, tt.role, tt.cameras)
			}
			if d.Reason == "" {
				t.Error("no reason")
			}
		})
	}
}

func TestDecideWhenGrantsFail(t *testing.T) {
	boom := errors.New("table down")
	rules, err := access.NewRules([]string{"example.com"}, []string{"friend@gmail.com"}, []string{"boss@example.com"}, mapGrants{err: boom}, nil)
	if err != nil {
		t.Fatal(err)
	}
	// Only the admin list, which no grant can override, still answers.
	if d, err := rules.Decide(context.Background(), access.Person{Email: "boss@example.com", Domain: "example.com"}); err != nil || d.Access.Role != access.Admin {
		t.Errorf("admin: %+v, %v", d, err)
	}
	// A grant might restrict or block anyone else, even someone the static
	// rules admit: no guess, an error.
	for _, p := range []access.Person{
		{Email: "x@example.com", Domain: "example.com"}, // allowed domain
		{Email: "friend@gmail.com"},                     // allowed email
		{Email: "x@other.com", Domain: "other.com"},     // nothing static
	} {
		d, err := rules.Decide(context.Background(), p)
		if !errors.Is(err, boom) || !errors.Is(err, access.ErrGrantsUnavailable) || d.Allowed {
			t.Errorf("%s: %+v, err %v, want an ErrGrantsUnavailable wrapping the grants error", p.Email, d, err)
		}
	}
}

func TestNewRulesNeedsARule(t *testing.T) {
	if _, err := access.NewRules(nil, []string{" "}, nil, nil, nil); !errors.Is(err, access.ErrNoRule) {
		t.Fatalf("err %v, want ErrNoRule", err)
	}
}

func TestValidCameraID(t *testing.T) {
	for id, want := range map[string]bool{
		"c1": true, "front-door": true, "0": true, "a-": true,
		"": false, "-a": false, "A": false, "a_b": false, "a/b": false, "*": false, "a.b": false,
		"abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz0":  true,
		"abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz01": false,
	} {
		if got := access.ValidCameraID(id); got != want {
			t.Errorf("ValidCameraID(%q) = %v, want %v", id, got, want)
		}
	}
}

func TestCanonical(t *testing.T) {
	for in, want := range map[string]string{
		" Ann@Example.COM ": "ann@example.com",
		"ann@example.com":   "ann@example.com",
		"\u212Aarl@x.com":   "\u212Aarl@x.com", // KELVIN SIGN is not folded to k
		"\u0130stanbul.com": "\u0130stanbul.com",
		"ÄRGER@EXAMPLE.COM": "Ärger@example.com", // only ASCII letters change
		"":                  "",
	} {
		if got := access.Canonical(in); got != want {
			t.Errorf("Canonical(%q) = %q, want %q", in, got, want)
		}
	}
	for s, want := range map[string]bool{
		"ann@example.com": true, "example.com": true, "sub.example.co.uk": true,
		"Ann@example.com": false, " ann@example.com": false, "": false, "ann@": false, "@example.com": false,
		"a@b@example.com": false, "ann@localhost": false, "localhost": false, ".example.com": false,
		"ann @example.com": false, "ann\x00@example.com": false, "BIND#ann@example.com": false, "\xff@example.com": false,
		"\u212Aarl@example.com": false, "xn--bcher-kva.example": true, "ann@b\u00fccher.example": false,
	} {
		if got := access.ValidSubject(s); got != want {
			t.Errorf("ValidSubject(%q) = %v, want %v", s, got, want)
		}
	}
}

// TestNoUnicodeCaseFolding: U+212A KELVIN SIGN lowercases to "k" with
// strings.ToLower; a token for "\u212Aarl@..." must not get karl's rules.
func TestNoUnicodeCaseFolding(t *testing.T) {
	src := mapGrants{grants: map[string]access.Grant{
		"karl@example.org": {Subject: "karl@example.org", Role: access.Viewer},
	}}
	rules, err := access.NewRules(nil, []string{"kim@example.org"}, []string{"KATE@example.org"}, src, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, email := range []string{"\u212Aarl@example.org", "\u212Aim@example.org", "\u212Aate@example.org", "\u212AATE@EXAMPLE.ORG"} {
		d, err := rules.Decide(context.Background(), access.Person{Email: email})
		if err != nil || d.Allowed {
			t.Errorf("%q: %+v, %v: want denied", email, d, err)
		}
	}
	if d, _ := rules.Decide(context.Background(), access.Person{Email: "Kate@Example.org"}); d.Access.Role != access.Admin {
		t.Errorf("ASCII case still matches: %+v", d)
	}
}

// mapBinder binds in memory.
type mapBinder struct {
	bound map[string]string
	err   error
}

func (m *mapBinder) Bind(_ context.Context, address, sub string) (string, error) {
	if m.err != nil {
		return "", m.err
	}
	if b, ok := m.bound[address]; ok {
		return b, nil
	}
	m.bound[address] = sub
	return sub, nil
}

func TestAddressRulesBindToSub(t *testing.T) {
	src := mapGrants{grants: map[string]access.Grant{
		"ann@example.com": {Subject: "ann@example.com", Role: access.Viewer, Cameras: []string{"a"}},
		"partner.com":     {Subject: "partner.com", Role: access.Viewer},
		"eve@example.com": {Subject: "eve@example.com", Role: "blocked"},
	}}
	rules, err := access.NewRules([]string{"example.com"}, []string{"friend@gmail.com"}, []string{"boss@example.com"}, src, nil)
	if err != nil {
		t.Fatal(err)
	}
	b := &mapBinder{bound: map[string]string{}}
	rules.BindAddresses(b)
	ctx := context.Background()
	for _, email := range []string{"boss@example.com", "ann@example.com", "friend@gmail.com"} {
		if d, err := rules.Decide(ctx, access.Person{Email: email, Subject: "first"}); err != nil || !d.Allowed {
			t.Fatalf("%s first use: %+v, %v", email, d, err)
		}
		if b.bound[email] != "first" {
			t.Errorf("%s not bound on first use: %v", email, b.bound)
		}
		if d, err := rules.Decide(ctx, access.Person{Email: email, Subject: "first"}); err != nil || !d.Allowed {
			t.Errorf("%s same account again: %+v, %v", email, d, err)
		}
		d, err := rules.Decide(ctx, access.Person{Email: email, Subject: "second"})
		if err != nil || d.Allowed || !strings.Contains(d.Reason, "bound to another Google account") {
			t.Errorf("%s other account: %+v, %v: want denied as bound elsewhere", email, d, err)
		}
	}
	// Domain rules (hd) and refusals bind nothing.
	for _, p := range []access.Person{
		{Email: "x@example.com", Domain: "example.com", Subject: "s1"},
		{Email: "y@partner.com", Domain: "partner.com", Subject: "s2"},
		{Email: "eve@example.com", Domain: "example.com", Subject: "s3"},
		{Email: "z@other.com", Domain: "other.com", Subject: "s4"},
	} {
		rules.Decide(ctx, p)
		if _, ok := b.bound[p.Email]; ok {
			t.Errorf("%s was bound", p.Email)
		}
	}
	if d, _ := rules.Decide(ctx, access.Person{Email: "x@example.com", Domain: "example.com", Subject: "s9"}); !d.Allowed {
		t.Error("a domain rule was refused for another sub")
	}
	// No sub: refused. A failing binder: no guess.
	if d, err := rules.Decide(ctx, access.Person{Email: "boss@example.com"}); err != nil || d.Allowed {
		t.Errorf("no sub: %+v, %v", d, err)
	}
	b.err = errors.New("table down")
	if _, err := rules.Decide(ctx, access.Person{Email: "boss@example.com", Subject: "first"}); !errors.Is(err, access.ErrGrantsUnavailable) {
		t.Errorf("binder failing: %v, want ErrGrantsUnavailable", err)
	}
}
