package app

import (
	"sort"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"

	"github.com/camvault/camvault/videos-api/clip"
	"github.com/camvault/camvault/videos-api/routes"
)

// FuzzCallerFrom: any authorizer context (values of any type, or none) is
// either refused or read into a caller who has a real role, an address, a
// name and a camera set of valid, sorted, distinct ids (or every camera
// only for exactly "*"). Never a panic.
func FuzzCallerFrom(f *testing.F) {
	f.Add("viewer@example.com", "sub-1", "viewer", "*", "", "", uint8(0))
	f.Add("guest@example.com", "sub-2", "viewer", " porch , front-door,porch", "Guest", "https://x/p.png", uint8(0))
	f.Add("admin@example.com", "", "admin", "*", "", "", uint8(0b10))
	f.Add(" @ ", "", "Admin", ",", "", "", uint8(0))
	f.Add("a@b", "", "viewer", "", "", "", uint8(0b1))
	f.Add("a@b", "", "viewer", "* ,porch", "", "", uint8(0b100))
	f.Fuzz(func(t *testing.T, email, sub, role, cameras, name, picture string, kinds uint8) {
		var ctx map[string]any
		if kinds&0b1 == 0 {
			ctx = map[string]any{"email": email, "sub": sub, "role": role, "cameras": cameras, "name": name, "picture": picture}
			if kinds&0b10 != 0 {
				ctx["role"] = []byte(role) // not a flat string
			}
			if kinds&0b100 != 0 {
				ctx["cameras"] = len(cameras)
			}
			if kinds&0b1000 != 0 {
				delete(ctx, "email")
			}
		}
		c, err := callerFrom(events.APIGatewayProxyRequest{
			RequestContext: events.APIGatewayProxyRequestContext{Authorizer: ctx},
		})
		if err != nil {
			if c.Email != "" || c.Role != "" || c.Access.All || len(c.Access.Cameras) > 0 {
				t.Fatalf("refused but returned a caller %+v", c)
			}
			return
		}
		if ctx == nil {
			t.Fatal("admitted without an authorizer context")
		}
		if c.Role != routes.Viewer && c.Role != routes.Admin {
			t.Fatalf("admitted role %q", c.Role)
		}
		if kinds&0b10 != 0 {
			t.Fatalf("admitted a non-string role as %q", c.Role)
		}
		if !strings.Contains(c.Email, "@") || c.Email != strings.TrimSpace(c.Email) {
			t.Fatalf("admitted email %q", c.Email)
		}
		if c.Name == "" {
			t.Fatalf("no name for %q", c.Email)
		}
		if c.Access.All {
			if strings.TrimSpace(cameras) != "*" || kinds&0b100 != 0 || len(c.Access.Cameras) != 0 {
				t.Fatalf("every camera from cameras=%q: %+v", cameras, c.Access)
			}
			if c.scope() != "*" {
				t.Fatalf("scope %q", c.scope())
			}
			return
		}
		ids := c.Access.Cameras
		if len(ids) == 0 {
			t.Fatalf("admitted with no cameras from %q", cameras)
		}
		if !sort.StringsAreSorted(ids) {
			t.Fatalf("cameras not sorted: %v", ids)
		}
		listed := map[string]bool{}
		for _, id := range strings.Split(cameras, ",") {
			listed[strings.TrimSpace(id)] = true
		}
		for i, id := range ids {
			if !clip.ValidCameraID(id) || (i > 0 && ids[i-1] == id) {
				t.Fatalf("cameras %v from %q", ids, cameras)
			}
			if !listed[id] {
				t.Fatalf("camera %q granted but not in %q", id, cameras)
			}
			if !c.Access.Allows(id) {
				t.Fatalf("granted %q not allowed", id)
			}
		}
		if c.Access.Allows("zz-not-granted-" + strings.Repeat("z", 40)) {
			t.Fatal("a camera outside the grant is allowed")
		}
		if c.scope() != strings.Join(ids, ",") {
			t.Fatalf("scope %q", c.scope())
		}
	})
}
