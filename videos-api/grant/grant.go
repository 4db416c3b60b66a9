// Package grant is the domain of the owner's console: who may use camvault
// (a grant gives an address or a Workspace domain a role over all cameras
// or a list), the rules an admin's change must keep, and the revocation
// records that make a narrowed or removed grant bite before API Gateway's
// cached Allow expires.
//
// It knows nothing of DynamoDB or API Gateway: the store keeps grants in the
// authorizer's allowlist table, the app adapts requests.
package grant

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/camvault/camvault/videos-api/clip"
)

// Role is a granted role.
type Role string

// The roles a grant may give. Blocked is written by operators (the grants
// CLI) to deny an address a domain grant or rule would admit; the console
// shows it, and any role it does not know, as blocked.
const (
	Viewer  Role = "viewer"
	Admin   Role = "admin"
	Blocked Role = "blocked"
)

// Grant is one subject's access.
type Grant struct {
	// Subject is a lowercase address or Workspace domain.
	Subject string
	// Role is viewer or admin.
	Role Role
	// All is true when the grant covers every camera.
	All bool
	// Cameras lists the cameras when All is false: sorted, unique, not empty.
	Cameras []string
}

// CameraList is the cameras as the API writes them: ["*"] for every camera.
func (g Grant) CameraList() []string {
	if g.All {
		return []string{"*"}
	}
	return append([]string{}, g.Cameras...)
}

// FieldError is invalid input, naming the field at fault.
type FieldError struct {
	// Field is the request field or parameter: subject, role, cameras.
	Field string
	// Reason says what is wrong, in words a person understands.
	Reason string
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Reason }

var (
	localPart = regexp.MustCompile(`^[a-z0-9!#$%&'*+/=?^_` + "`" + `{|}~.-]{1,64}$`)
	domain    = regexp.MustCompile(`^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$`)
)

// ParseSubject checks a grant subject: a lowercase address or domain, as
// the authorizer looks grants up. Uppercase, spaces or anything else is
// refused rather than quietly changed, so what an admin typed is what is
// stored.
func ParseSubject(s string) (subject string, isDomain bool, err error) {
	if s == "" || len(s) > 254 {
		return "", false, &FieldError{"subject", "want an address like ana@example.com or a domain like example.com"}
	}
	if s != strings.ToLower(s) {
		return "", false, &FieldError{"subject", "must be lowercase"}
	}
	local, host, isAddr := strings.Cut(s, "@")
	if !isAddr {
		host = s
	}
	if isAddr && (!localPart.MatchString(local) || strings.HasPrefix(local, ".") || strings.HasSuffix(local, ".") || strings.Contains(local, "..")) {
		return "", false, &FieldError{"subject", "not a valid address"}
	}
	if len(host) > 253 || !domain.MatchString(host) {
		return "", false, &FieldError{"subject", "not a valid address or domain"}
	}
	return s, !isAddr, nil
}

// ParseRole checks a role.
func ParseRole(s string) (Role, error) {
	switch r := Role(s); r {
	case Viewer, Admin:
		return r, nil
	}
	return "", &FieldError{"role", `want "viewer" or "admin"`}
}

// MaxCameras bounds the cameras of one grant (the authorizer puts them in
// its policy, which API Gateway limits in size).
const MaxCameras = 100

// ParseCameras reads a grant's camera list: ["*"] for every camera, or
// camera ids. known reports whether a camera exists; an unknown one is
// refused.
func ParseCameras(list []string, known func(string) bool) (all bool, cameras []string, err error) {
	if len(list) == 0 {
		return false, nil, &FieldError{"cameras", `want ["*"] for every camera or a list of camera ids`}
	}
	if len(list) == 1 && list[0] == "*" {
		return true, nil, nil
	}
	if len(list) > MaxCameras {
		return false, nil, &FieldError{"cameras", fmt.Sprintf("at most %d cameras", MaxCameras)}
	}
	for _, id := range list {
		if id == "*" {
			return false, nil, &FieldError{"cameras", `"*" must be alone`}
		}
		if !clip.ValidCameraID(id) {
			return false, nil, &FieldError{"cameras", fmt.Sprintf("%.70q is not a camera id", id)}
		}
		if !known(id) {
			return false, nil, &FieldError{"cameras", fmt.Sprintf("no camera %q", id)}
		}
		cameras = append(cameras, id)
	}
	slices.Sort(cameras)
	return false, slices.Compact(cameras), nil
}

// Refusal is a change the rules forbid.
type Refusal struct {
	// Code is a stable machine-readable reason.
	Code string
	// Reason says why, in words a person understands.
	Reason string
}

func (r *Refusal) Error() string { return r.Code + ": " + r.Reason }

// Refusal codes.
const (
	// CodeOwner: the subject is an owner (ADMIN_EMAILS); the API cannot
	// change them.
	CodeOwner = "owner"
	// CodeCameraScope: the admin is restricted to some cameras and the
	// change reaches beyond them.
	CodeCameraScope = "camera_scope"
	// CodeLastAdminPath: the change would take the admin's own last way
	// to admin.
	CodeLastAdminPath = "last_admin_path"
)

// Actor is the admin making a change.
type Actor struct {
	// Email and Domain identify them (domain is the Workspace domain, may be empty).
	Email, Domain string
	// Owner is true for an address in ADMIN_EMAILS.
	Owner bool
	// Access is the cameras they may see.
	Access clip.Access
}

// covers reports whether the actor's cameras cover the grant's.
func (a Actor) covers(all bool, cameras []string) bool {
	if a.Access.All {
		return true
	}
	if all {
		return false
	}
	for _, c := range cameras {
		if !a.Access.Allows(c) {
			return false
		}
	}
	return true
}

// Covers reports whether the actor may see every camera of g (so may read,
// change or remove it).
func (a Actor) Covers(g Grant) bool { return a.covers(g.All, g.Cameras) }

// Change is a grant being written (After set) or removed (After nil), with
// what else decides the actor's own role.
type Change struct {
	// Subject is the grant's subject.
	Subject string
	// Before is the current grant, nil when there is none.
	Before *Grant
	// After is the new grant, nil for a removal.
	After *Grant
	// Owners are the ADMIN_EMAILS addresses, lowercase.
	Owners []string
	// ActorEmailGrant and ActorDomainGrant are the actor's own grants as
	// they stand (nil when none); Check applies the change to them.
	ActorEmailGrant, ActorDomainGrant *Grant
}

// Check applies the rules that hold whatever the client: owners cannot be
// changed through the API; a restricted admin may touch only grants within
// their cameras and grant only those; nobody removes their own last path
// to admin.
func Check(actor Actor, c Change) error {
	if slices.Contains(c.Owners, c.Subject) {
		return &Refusal{CodeOwner, c.Subject + " is an owner (ADMIN_EMAILS); change owners in the deployment, not here"}
	}
	if c.Before != nil && !actor.Covers(*c.Before) {
		return &Refusal{CodeCameraScope, "this grant covers cameras you cannot see"}
	}
	if c.After != nil && !actor.Covers(*c.After) {
		return &Refusal{CodeCameraScope, "you may grant only cameras you can see"}
	}
	if actor.Owner {
		return nil
	}
	email, dom := c.ActorEmailGrant, c.ActorDomainGrant
	switch c.Subject {
	case actor.Email:
		email = c.After
	case actor.Domain:
		dom = c.After
	default:
		return nil
	}
	// The authorizer's precedence: the address's grant, else the
	// domain's; static rules give at most viewer.
	effective := email
	if effective == nil {
		effective = dom
	}
	if effective == nil || effective.Role != Admin {
		return &Refusal{CodeLastAdminPath, "this would take away your own admin access; ask another admin"}
	}
	return nil
}

// ErrNoGrant is returned when a subject has no grant.
var ErrNoGrant = errors.New("grant: no grant")
