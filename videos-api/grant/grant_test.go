package grant

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/camvault/camvault/videos-api/clip"
)

func TestTouched(t *testing.T) {
	t0 := time.Date(2026, 11, 25, 15, 0, 0, 0, time.UTC)
	rev := func(subject string, at time.Time) Revocation {
		return Revocation{Subject: subject, At: at, Role: Admin, All: true}
	}
	tests := []struct {
		name  string
		email string
		at    time.Time
		revs  []Revocation
		want  bool
	}{
		{"none", "ana@example.com", t0, nil, false},
		{"the address, after", "ana@example.com", t0, []Revocation{rev("ana@example.com", t0.Add(time.Minute))}, true},
		{"a grant written again unchanged still counts", "Ana@Example.com", t0, []Revocation{rev("ana@example.com", t0.Add(time.Hour))}, true},
		{"the domain, after", "ana@example.com", t0, []Revocation{rev("example.com", t0.Add(time.Second))}, true},
		{"removed", "ana@example.com", t0, []Revocation{{Subject: "ana@example.com", At: t0.Add(time.Second), Removed: true}}, true},
		{"within the lag before", "ana@example.com", t0, []Revocation{rev("ana@example.com", t0.Add(-Lag+time.Second))}, true},
		{"before the lag", "ana@example.com", t0, []Revocation{rev("ana@example.com", t0.Add(-Lag))}, false},
		{"someone else and another domain", "ana@example.com", t0, []Revocation{rev("bo@example.com", t0.Add(time.Minute)), rev("example.org", t0.Add(time.Minute))}, false},
		{"a domain that merely ends the same", "ana@example.com", t0, []Revocation{rev("le.com", t0.Add(time.Minute))}, false},
		{"unknown time fails closed", "ana@example.com", time.Time{}, []Revocation{rev("example.com", t0.Add(-time.Hour))}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Touched(tt.email, tt.at, tt.revs); got != tt.want {
				t.Errorf("Touched = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestParseSubject(t *testing.T) {
	for _, s := range []string{"ana@example.com", "a.b+c@mail.example.co.uk", "example.com", "sub.example.org"} {
		if _, _, err := ParseSubject(s); err != nil {
			t.Errorf("%q refused: %v", s, err)
		}
	}
	for _, s := range []string{"", "Ana@example.com", "EXAMPLE.COM", "ana@", "@example.com", "ana@@example.com", "ana", "ana@example", ".a@example.com", "a..b@example.com", "a b@example.com", "ana@exa_mple.com", "ana@-x.com", "*", "*.example.com"} {
		var fe *FieldError
		if _, _, err := ParseSubject(s); !errors.As(err, &fe) || fe.Field != "subject" {
			t.Errorf("%q: %v, want a subject error", s, err)
		}
	}
}

func TestParseCameras(t *testing.T) {
	known := func(id string) bool { return id == "porch" || id == "front-door" }
	all, cams, err := ParseCameras([]string{"porch", "front-door", "porch"}, known)
	if err != nil || all || fmt.Sprint(cams) != "[front-door porch]" {
		t.Errorf("got %v %v %v", all, cams, err)
	}
	if all, _, err := ParseCameras([]string{"*"}, known); !all || err != nil {
		t.Errorf("*: %v %v", all, err)
	}
	for _, in := range [][]string{nil, {}, {"*", "porch"}, {"garage"}, {"Porch"}, {""}} {
		if _, _, err := ParseCameras(in, known); err == nil {
			t.Errorf("%q accepted", in)
		}
	}
}

func TestCheck(t *testing.T) {
	all := &Grant{Subject: "x", Role: Admin, All: true}
	porch := &Grant{Subject: "x", Role: Viewer, Cameras: []string{"porch"}}
	ownerActor := Actor{Email: "own@example.com", Domain: "example.com", Owner: true, Access: clip.Access{All: true}}
	lim := Actor{Email: "lim@example.com", Domain: "example.com", Access: clip.Access{Cameras: []string{"porch"}}}
	boss := Actor{Email: "boss@example.com", Domain: "example.com", Access: clip.Access{All: true}}
	tests := []struct {
		name  string
		actor Actor
		c     Change
		code  string
	}{
		{"owner subject", ownerActor, Change{Subject: "own@example.com", After: porch, Owners: []string{"own@example.com"}}, CodeOwner},
		{"restricted grants all", lim, Change{Subject: "x", After: all}, CodeCameraScope},
		{"restricted touches a wider grant", lim, Change{Subject: "x", Before: all, After: porch}, CodeCameraScope},
		{"restricted within", lim, Change{Subject: "x", After: porch}, ""},
		{"own last path removed", boss, Change{Subject: "boss@example.com", Before: all, ActorEmailGrant: all}, CodeLastAdminPath},
		{"own demotion", boss, Change{Subject: "boss@example.com", Before: all, After: &Grant{Role: Viewer, All: true}, ActorEmailGrant: all}, CodeLastAdminPath},
		{"own email grant removed, domain admin left", boss, Change{Subject: "boss@example.com", Before: all, ActorEmailGrant: all, ActorDomainGrant: all}, ""},
		{"own domain grant removed, email grant admin", boss, Change{Subject: "example.com", Before: all, ActorEmailGrant: all, ActorDomainGrant: all}, ""},
		{"email viewer grant shadows the domain's admin", boss, Change{Subject: "boss@example.com", Before: all, After: &Grant{Role: Viewer, All: true}, ActorDomainGrant: all}, CodeLastAdminPath},
		{"owner changes own domain", ownerActor, Change{Subject: "example.com", Before: all}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Check(tt.actor, tt.c)
			var r *Refusal
			got := ""
			if errors.As(err, &r) {
				got = r.Code
			} else if err != nil {
				t.Fatal(err)
			}
			if got != tt.code {
				t.Errorf("Check = %q, want %q", got, tt.code)
			}
		})
	}
}

func TestApply(t *testing.T) {
	t0 := time.Date(2026, 11, 25, 15, 0, 0, 0, time.UTC)
	both := clip.Access{Cameras: []string{"front", "porch"}}
	narrowed := Revocation{Subject: "ana@example.com", At: t0, Role: Viewer, Cameras: []string{"front"}}
	removed := Revocation{Subject: "ana@example.com", At: t0, Removed: true}
	domainRemoved := Revocation{Subject: "example.com", At: t0, Removed: true}
	domainNarrowed := Revocation{Subject: "example.com", At: t0, Role: Viewer, Cameras: []string{"porch"}}
	ana := func(src Source, at time.Time, role Role, acc clip.Access) Authorized {
		return Authorized{Email: "ana@example.com", Domain: "example.com", Source: src, At: at, Role: role, Access: acc}
	}
	tests := []struct {
		name string
		a    Authorized
		revs []Revocation
		want string
	}{
		{"no revocations", ana(SourceEmailGrant, t0.Add(-time.Hour), Viewer, both), nil, "viewer [front porch] true"},
		{"narrowed", ana(SourceEmailGrant, t0.Add(-time.Hour), Viewer, both), []Revocation{narrowed}, "viewer [front] true"},
		{"narrowed, all cameras before", ana(SourceStatic, t0.Add(-time.Hour), Viewer, clip.Access{All: true}), []Revocation{narrowed}, "viewer [front] true"},
		{"removed", ana(SourceEmailGrant, t0.Add(-time.Hour), Viewer, both), []Revocation{removed}, " [] false"},
		{"removed, decided within the lag", ana(SourceEmailGrant, t0.Add(Lag-time.Second), Viewer, both), []Revocation{removed}, " [] false"},
		{"decided after the lag", ana(SourceEmailGrant, t0.Add(Lag), Viewer, both), []Revocation{removed}, "viewer [front porch] true"},
		{"no decision time fails closed", ana(SourceEmailGrant, time.Time{}, Viewer, both), []Revocation{removed}, " [] false"},
		{"email grant removed, admitted statically", ana(SourceStatic, t0.Add(-time.Hour), Viewer, both), []Revocation{removed}, "viewer [front porch] true"},
		{"owner untouched", ana(SourceOwner, t0.Add(-time.Hour), Admin, clip.Access{All: true}), []Revocation{removed, domainNarrowed}, "admin [] true"},
		{"domain removed", ana(SourceDomainGrant, t0.Add(-time.Hour), Viewer, both), []Revocation{domainRemoved}, " [] false"},
		{"domain removed, email grant wins", ana(SourceEmailGrant, t0.Add(-time.Hour), Viewer, both), []Revocation{domainRemoved, domainNarrowed}, "viewer [front porch] true"},
		{"domain narrowed, static", ana(SourceStatic, t0.Add(-time.Hour), Viewer, both), []Revocation{domainNarrowed}, "viewer [porch] true"},
		{"demoted", ana(SourceEmailGrant, t0.Add(-time.Hour), Admin, both), []Revocation{{Subject: "ana@example.com", At: t0, Role: Viewer, All: true}}, "viewer [front porch] true"},
		{"unknown role denies, as the authorizer does", ana(SourceEmailGrant, t0.Add(-time.Hour), Admin, both), []Revocation{{Subject: "ana@example.com", At: t0, Role: "root", All: true}}, " [] false"},
		{"blocked, admitted statically", ana(SourceStatic, t0.Add(-time.Hour), Viewer, both), []Revocation{{Subject: "ana@example.com", At: t0, Role: Blocked, All: true}}, " [] false"},
		{"domain blocked, admitted statically", ana(SourceStatic, t0.Add(-time.Hour), Viewer, both), []Revocation{{Subject: "example.com", At: t0, Role: Blocked, All: true}}, " [] false"},
		{"domain blocked, email grant wins", ana(SourceEmailGrant, t0.Add(-time.Hour), Viewer, both), []Revocation{{Subject: "example.com", At: t0, Role: Blocked, All: true}}, "viewer [front porch] true"},
		{"blocked after the lag", ana(SourceStatic, t0.Add(Lag), Viewer, both), []Revocation{{Subject: "ana@example.com", At: t0, Role: Blocked, All: true}}, "viewer [front porch] true"},
		{"someone else's", ana(SourceEmailGrant, t0.Add(-time.Hour), Viewer, both), []Revocation{{Subject: "bo@example.com", At: t0, Removed: true}}, "viewer [front porch] true"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			role, acc, ok := Apply(tt.a, tt.revs)
			if got := fmt.Sprintf("%s %v %v", role, acc.Cameras, ok); got != tt.want {
				t.Errorf("Apply = %s, want %s", got, tt.want)
			}
		})
	}
}
