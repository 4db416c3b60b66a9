// Package access decides what a verified person may do in camvault: their
// role and the cameras they may see, from static rules (allowed domains,
// allowed and admin addresses) and dynamic grants.
//
// Precedence, first match wins:
//
//  1. an address in the admin list: admin over every camera;
//  2. a grant for the person's address: its role and cameras;
//  3. a grant for the person's Workspace domain (the hd claim): its role and cameras;
//  4. an address in the allowed list: viewer over every camera;
//  5. a Workspace domain (hd) in the allowed list: viewer over every camera;
//  6. otherwise: denied.
//
// The domain is always the hd claim, never the part of the address after @.
// Addresses and domains are compared in Canonical form (ASCII lowercase, no
// Unicode case folding). With a Binder, the address rules (1, 2 and 4) hold
// only for the Google account (sub) that first used the address.
// A grant with a role other than viewer or admin denies (fail closed). When
// the grant source fails, only rule 1 (which no grant can override) still
// answers; for everyone else Decide returns an error wrapping
// ErrGrantsUnavailable, because a grant might restrict or block someone the
// static rules 4 and 5 would admit: it never denies, or allows, on a guess.
package access

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"slices"
	"strings"
)

// Role is what a person may do with the cameras they can see.
type Role string

// The roles.
const (
	// Viewer may list cameras and clips and play or download clips.
	Viewer Role = "viewer"
	// Admin may also delete clips.
	Admin Role = "admin"
)

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return r == Viewer || r == Admin }

// Access is what an allowed person may do.
type Access struct {
	// Role is the person's role.
	Role Role
	// AllCameras is true when the person may see every camera.
	AllCameras bool
	// Cameras lists the cameras the person may see when AllCameras is false;
	// every id is valid (see ValidCameraID), sorted and unique.
	Cameras []string
}

// CameraList is the cameras as the authorizer context carries them: "*" for
// every camera, else the ids joined by commas (empty for none).
func (a Access) CameraList() string {
	if a.AllCameras {
		return "*"
	}
	return strings.Join(a.Cameras, ",")
}

// Grant is a dynamic grant for one address or domain, as stored in the
// allowlist table.
type Grant struct {
	// Subject is the lowercased address or domain the grant is for.
	Subject string
	// Role is the granted role, as stored (checked by Decide).
	Role Role
	// Cameras restricts the person to these cameras; nil means every camera.
	Cameras []string
}

// GrantSource looks grants up by subject (a lowercased address or domain).
type GrantSource interface {
	// Grant returns the grant for subject, found reports whether there is one.
	Grant(ctx context.Context, subject string) (g Grant, found bool, err error)
}

// Binder ties an address to the Google account (sub) that first used it,
// so that someone who later gets the same address (a deleted Workspace
// account, a lapsed domain, a new consumer account) does not inherit its
// access.
type Binder interface {
	// Bind returns the sub address is bound to, binding it to sub first
	// when it is bound to none. An error means the binding is unknown.
	Bind(ctx context.Context, address, sub string) (boundSub string, err error)
}

// Person is the verified identity the rules look at.
type Person struct {
	// Email is the verified address (compared in Canonical form).
	Email string
	// Domain is the Workspace domain (hd claim); empty when absent.
	Domain string
	// Subject is Google's stable account id (sub), which address rules are
	// bound to when the Rules have a Binder.
	Subject string
}

// Rules are the access rules. The zero value denies everyone.
type Rules struct {
	domains map[string]bool
	emails  map[string]bool
	admins  map[string]bool
	grants  GrantSource
	binder  Binder
	log     *slog.Logger
}

// ErrGrantsUnavailable is wrapped by Decide's error when the grant source
// failed and no rule that grants cannot override decided: the caller must
// fail closed (an internal error, nothing cached).
var ErrGrantsUnavailable = errors.New("grants unavailable")

// ErrNoRule is returned by NewRules when no rule could ever allow anyone.
var ErrNoRule = errors.New("no allow rule: set ALLOWED_DOMAINS, ALLOWED_EMAILS, ADMIN_EMAILS or ALLOWLIST_TABLE")

// NewRules returns rules for the given domains (matched against hd),
// viewer addresses, admin addresses and grant source (nil for none). Entries
// are compared in Canonical form. log receives one line per ignored invalid
// camera id (nil: slog.Default()).
func NewRules(domains, emails, admins []string, grants GrantSource, log *slog.Logger) (*Rules, error) {
	if log == nil {
		log = slog.Default()
	}
	r := &Rules{domains: set(domains), emails: set(emails), admins: set(admins), grants: grants, log: log}
	if len(r.domains) == 0 && len(r.emails) == 0 && len(r.admins) == 0 && grants == nil {
		return nil, ErrNoRule
	}
	return r, nil
}

func set(list []string) map[string]bool {
	m := make(map[string]bool, len(list))
	for _, s := range list {
		if s = Canonical(s); s != "" {
			m[s] = true
		}
	}
	return m
}

// BindAddresses makes the address rules (admin list, email grants, allowed
// list) hold only for the Google account that first used each address. Call
// it before the Rules are used.
func (r *Rules) BindAddresses(b Binder) { r.binder = b }

// Decision is the outcome of Decide.
type Decision struct {
	// Allowed reports whether the person may use the API.
	Allowed bool
	// Access is what the person may do, when Allowed.
	Access Access
	// Reason names the rule that decided, for the log.
	Reason string
}

// Decide applies the rules to p (see the package documentation for the
// precedence). An error means the grant source (or the Binder) failed and no
// rule that grants cannot override decided: the caller must fail closed
// without caching a decision.
func (r *Rules) Decide(ctx context.Context, p Person) (Decision, error) {
	d, byAddress, err := r.decide(ctx, Canonical(p.Email), Canonical(p.Domain))
	if err != nil || !d.Allowed || !byAddress || r.binder == nil {
		return d, err
	}
	return r.bound(ctx, d, Canonical(p.Email), p.Subject)
}

// decide applies the precedence; byAddress reports whether the rule that
// allowed is an address rule (1, 2 or 4).
func (r *Rules) decide(ctx context.Context, email, domain string) (d Decision, byAddress bool, err error) {
	if email != "" && r.admins[email] {
		return Decision{Allowed: true, Access: Access{Role: Admin, AllCameras: true}, Reason: "admin email"}, true, nil
	}
	if r.grants != nil {
		d, kind, err := r.decideByGrant(ctx, email, domain)
		if err != nil {
			// A grant may restrict (viewer of a few cameras) or block (any
			// other role) a person the static rules admit to everything, so
			// without the grants no static rule but the admin list may answer.
			return Decision{}, false, fmt.Errorf("%w: %w", ErrGrantsUnavailable, err)
		}
		if kind != "" {
			return d, kind == "email", nil
		}
	}
	all := Access{Role: Viewer, AllCameras: true}
	if email != "" && r.emails[email] {
		return Decision{Allowed: true, Access: all, Reason: "allowed email"}, true, nil
	}
	if domain != "" && r.domains[domain] {
		return Decision{Allowed: true, Access: all, Reason: "allowed domain"}, false, nil
	}
	if domain == "" {
		return Decision{Reason: "no hd claim and address not allowed"}, false, nil
	}
	return Decision{Reason: "domain and address not allowed"}, false, nil
}

// bound keeps d, allowed by an address rule, only if the address is bound
// to sub (binding it now on first use).
func (r *Rules) bound(ctx context.Context, d Decision, email, sub string) (Decision, error) {
	if sub == "" {
		return Decision{Reason: d.Reason + ", but no sub to bind the address to"}, nil
	}
	boundSub, err := r.binder.Bind(ctx, email, sub)
	if err != nil {
		return Decision{}, fmt.Errorf("%w: address binding: %w", ErrGrantsUnavailable, err)
	}
	if boundSub != sub {
		r.log.Warn("identity binding refused: the address is bound to another Google account",
			"email", email, "sub", sub, "bound_sub", boundSub, "rule", d.Reason)
		return Decision{Reason: d.Reason + ", but the address is bound to another Google account (sub)"}, nil
	}
	return d, nil
}

// decideByGrant returns the decision of the first grant found and its kind
// ("email" or "domain"), or kind "" when there is none.
func (r *Rules) decideByGrant(ctx context.Context, email, domain string) (Decision, string, error) {
	kinds := []struct{ subject, kind string }{{email, "email"}, {domain, "domain"}}
	for _, k := range kinds {
		if k.subject == "" {
			continue
		}
		g, found, err := r.grants.Grant(ctx, k.subject)
		if err != nil {
			return Decision{}, "", fmt.Errorf("look up %s grant: %w", k.kind, err)
		}
		if found {
			return r.fromGrant(g, k.kind), k.kind, nil
		}
	}
	return Decision{}, "", nil
}

func (r *Rules) fromGrant(g Grant, kind string) Decision {
	if !g.Role.Valid() {
		r.log.Warn("grant has an invalid role; denying", "subject", g.Subject, "role", string(g.Role))
		return Decision{Reason: kind + " grant with invalid role"}
	}
	a := Access{Role: g.Role, AllCameras: g.Cameras == nil}
	if !a.AllCameras {
		a.Cameras = r.validCameras(g)
	}
	return Decision{Allowed: true, Access: a, Reason: kind + " grant"}
}

func (r *Rules) validCameras(g Grant) []string {
	ids := make([]string, 0, len(g.Cameras))
	for _, id := range g.Cameras {
		if !ValidCameraID(id) {
			r.log.Warn("grant names an invalid camera id; ignoring it", "subject", g.Subject, "camera", truncate(id, 80))
			continue
		}
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return slices.Compact(ids)
}

var cameraID = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,62}$`)

// ValidCameraID reports whether id is a camera id: 1 to 63 characters of
// lowercase letters, digits and hyphens, not starting with a hyphen. Only
// such ids ever reach a policy resource.
func ValidCameraID(id string) bool { return cameraID.MatchString(id) }

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}
