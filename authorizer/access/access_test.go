package access_test

import (
	"context"
	"errors"
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
