package grant

import (
	"slices"
	"strings"
	"time"

	"github.com/camvault/camvault/videos-api/clip"
)

// API Gateway caches an authorizer's Allow per token for up to an hour, with
// the access the person had then. A Revocation is written whenever a grant
// is narrowed, replaced or removed, and the API's handlers apply it to every
// request authorized before it could have been seen, so a change bites
// within seconds instead of at the cache's expiry.

// Revocation is the state of one subject's grant as of a change.
type Revocation struct {
	// Subject is the grant's subject (lowercase address or domain).
	Subject string
	// At is when the change was made.
	At time.Time
	// Removed is true when the grant was deleted.
	Removed bool
	// Role, All and Cameras are the grant as written, when not Removed.
	Role    Role
	All     bool
	Cameras []string
}

// Changed is the record of writing g at at (the audience of a restricted
// g is registered first: see store.RegisterGrantAudience). Every writer of
// grants, the console and the grants CLI, builds its record here.
func Changed(g Grant, at time.Time) Revocation {
	return Revocation{Subject: g.Subject, At: at, Role: g.Role, All: g.All, Cameras: slices.Clone(g.Cameras)}
}

// Removal is the record of deleting subject's grant at at.
func Removal(subject string, at time.Time) Revocation {
	return Revocation{Subject: subject, At: at, Removed: true}
}

// Source is what admitted a request, as the authorizer's context says
// (key "access").
type Source string

// The sources, in the authorizer's precedence.
const (
	SourceOwner       Source = "owner"
	SourceEmailGrant  Source = "email-grant"
	SourceDomainGrant Source = "domain-grant"
	SourceStatic      Source = "static"
)

// Lag is how long after a change the authorizer may still decide on the
// grant as it was: its grants cache (60 s) and clock skew between
// functions. A request authorized earlier than a change's At plus Lag is
// subject to the change.
const Lag = 2 * time.Minute

// Keep is how long a revocation matters: no cached Allow lives longer
// than an hour after it was decided, and the decision is at most Lag
// after the change.
const Keep = time.Hour + Lag + 5*time.Minute

// Authorized is what the authorizer decided for a request.
type Authorized struct {
	// Email and Domain are the person's address and Workspace domain.
	Email, Domain string
	// Source is what admitted them.
	Source Source
	// At is when the authorizer decided; zero when unknown.
	At time.Time
	// Role and Access are what the decision allowed.
	Role   Role
	Access clip.Access
}

// Apply narrows a cached decision by the revocations that postdate it. It
// returns the role and cameras the person may still use, and ok false when
// they may use nothing (their grant was removed). An unknown decision time
// counts as before every change: it fails closed.
func Apply(a Authorized, revs []Revocation) (role Role, acc clip.Access, ok bool) {
	role, acc = a.Role, a.Access
	if a.Source == SourceOwner {
		return role, acc, true
	}
	for _, r := range revs {
		if !subjectTo(a.At, r) {
			continue
		}
		var applies, decided bool
		switch r.Subject {
		case a.Email:
			// The address's grant outranks everything but owners.
			applies, decided = true, a.Source == SourceEmailGrant
		case a.Domain:
			if a.Domain == "" || a.Source == SourceEmailGrant {
				continue
			}
			applies, decided = true, a.Source == SourceDomainGrant
		}
		if !applies {
			continue
		}
		if r.Removed {
			if decided {
				return "", clip.Access{}, false
			}
			continue
		}
		if r.Role != Viewer && r.Role != Admin {
			// Blocked, or a role the authorizer does not know: it denies
			// whoever this grant applies to, so this does too.
			return "", clip.Access{}, false
		}
		if r.Role != Admin {
			role = Viewer
		}
		acc = intersect(acc, r.All, r.Cameras)
	}
	return role, acc, true
}

func intersect(acc clip.Access, all bool, cameras []string) clip.Access {
	if all {
		return acc
	}
	if acc.All {
		return clip.Access{Cameras: slices.Clone(cameras)}
	}
	var out []string
	for _, c := range acc.Cameras {
		if slices.Contains(cameras, c) {
			out = append(out, c)
		}
	}
	return clip.Access{Cameras: out}
}

// subjectTo reports whether a decision made at at is subject to r: made
// before r.At plus Lag, or at an unknown time (which fails closed).
func subjectTo(at time.Time, r Revocation) bool {
	return at.IsZero() || at.Before(r.At.Add(Lag))
}

// Touched reports whether any of revs may have changed the access of the
// address email since at, whatever admitted them: a record naming the
// address or its domain (lowercased) that a decision made at at is subject
// to, by Apply's rule. It is for a decision whose access source is not
// known (a bulk job records only its creator and when it was made), where
// Apply cannot tell which records bite: any such record counts, so callers
// fail closed.
func Touched(email string, at time.Time, revs []Revocation) bool {
	email = strings.ToLower(strings.TrimSpace(email))
	_, domain, _ := strings.Cut(email, "@")
	for _, r := range revs {
		if (r.Subject == email || (domain != "" && r.Subject == domain)) && subjectTo(at, r) {
			return true
		}
	}
	return false
}
