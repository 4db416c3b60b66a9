package app

import (
	"fmt"
	"sort"
	"strings"

	"github.com/aws/aws-lambda-go/events"

	"github.com/camvault/camvault/videos-api/clip"
	"github.com/camvault/camvault/videos-api/routes"
)

// Caller is the signed-in person, as the authorizer put them in the
// request context.
type Caller struct {
	// Email is the verified address.
	Email string
	// Sub is Google's stable account id.
	Sub string
	// Domain is the Workspace domain (hd claim), empty for consumer
	// accounts; the push sender applies the access rules with it.
	Domain string
	// Name and Picture are optional profile fields.
	Name, Picture string
	// Role is viewer or admin.
	Role routes.Role
	// Access is which cameras they may see.
	Access clip.Access
}

// callerFrom reads the authorizer context. Anything missing or malformed
// is an error: the handlers fail closed with a 403.
func callerFrom(req events.APIGatewayProxyRequest) (Caller, error) {
	ctx := req.RequestContext.Authorizer
	get := func(k string) string {
		s, _ := ctx[k].(string)
		return strings.TrimSpace(s)
	}
	c := Caller{Email: get("email"), Sub: get("sub"), Name: get("name"), Picture: get("picture"), Domain: get("domain"), Role: routes.Role(get("role"))}
	if local, domain, ok := strings.Cut(c.Email, "@"); !ok || local == "" || domain == "" {
		return Caller{}, fmt.Errorf("authorizer context without a usable email")
	}
	if c.Role != routes.Viewer && c.Role != routes.Admin {
		return Caller{}, fmt.Errorf("authorizer context role %q", c.Role)
	}
	access, err := parseAccess(get("cameras"))
	if err != nil {
		return Caller{}, err
	}
	c.Access = access
	if c.Name == "" {
		c.Name, _, _ = strings.Cut(c.Email, "@")
	}
	return c, nil
}

// parseAccess reads the cameras context value: "*" or a comma-separated
// list of camera ids. An empty or malformed value grants nothing.
func parseAccess(s string) (clip.Access, error) {
	if s == "*" {
		return clip.Access{All: true}, nil
	}
	seen := map[string]bool{}
	var ids []string
	for _, id := range strings.Split(s, ",") {
		id = strings.TrimSpace(id)
		if !clip.ValidCameraID(id) {
			return clip.Access{}, fmt.Errorf("authorizer context cameras: bad camera id %q", id)
		}
		if !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	sort.Strings(ids)
	return clip.Access{Cameras: ids}, nil
}

// scope is the caller's camera set as it goes into a cursor's scope.
func (c Caller) scope() string {
	if c.Access.All {
		return "*"
	}
	return strings.Join(c.Access.Cameras, ",")
}
