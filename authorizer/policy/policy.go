// Package policy builds the IAM policies camvault's authorizer returns to API
// Gateway. An Allow covers every method and path the person's role may use in
// the API and stage of the incoming method ARN (API Gateway caches the policy
// per token, so it must not be scoped to the one method that was called), and
// never has a wildcard in the API or stage segment.
package policy

import (
	"errors"
	"regexp"

	"github.com/aws/aws-lambda-go/events"

	"github.com/camvault/camvault/authorizer/access"
)

// Version is the IAM policy language version.
const Version = "2012-10-17"

// Action is the only action an authorizer policy grants or denies.
const Action = "execute-api:Invoke"

// ErrMalformedARN is returned for a method ARN that is not
// arn:{partition}:execute-api:{region}:{account}:{apiId}/{stage}/{method}/{path}.
var ErrMalformedARN = errors.New("malformed method arn")

// MethodARN is the API Gateway method ARN an authorizer is called with,
// reduced to the parts a policy needs.
type MethodARN struct {
	// Partition is aws, aws-cn or aws-us-gov.
	Partition string
	// Region is the API's region.
	Region string
	// Account is the API's 12-digit account id.
	Account string
	// APIID is the REST API id.
	APIID string
	// Stage is the stage name.
	Stage string
}

var arnPattern = regexp.MustCompile(`^arn:(aws|aws-cn|aws-us-gov):execute-api:([a-z0-9-]{1,32}):([0-9]{12}):([A-Za-z0-9]{1,64})/([A-Za-z0-9_-]{1,128})/(GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS|\*)/[!-~]*$`)

// maxARNBytes bounds the method ARN looked at.
const maxARNBytes = 2048

// ParseMethodARN parses an incoming method ARN. It refuses wildcards in the
// API and stage segments (the API Gateway console's test invoke sends "*" as
// the stage) and anything else that is not a plain method ARN.
func ParseMethodARN(s string) (MethodARN, error) {
	if len(s) > maxARNBytes {
		return MethodARN{}, ErrMalformedARN
	}
	m := arnPattern.FindStringSubmatch(s)
	if m == nil {
		return MethodARN{}, ErrMalformedARN
	}
	return MethodARN{Partition: m[1], Region: m[2], Account: m[3], APIID: m[4], Stage: m[5]}, nil
}

// Resource returns the ARN of method and path (no leading slash) in this API
// and stage.
func (a MethodARN) Resource(method, path string) string {
	return "arn:" + a.Partition + ":execute-api:" + a.Region + ":" + a.Account + ":" + a.APIID + "/" + a.Stage + "/" + method + "/" + path
}

// Resources lists what access may call in this API and stage:
//   - every camera: for viewers GET me, cameras, videos and every camera's
//     clip lists and clips, PUT and DELETE of every clip's keep mark, GET
//     shares, POST of a share link of every clip and DELETE of share links
//     (the handler lets only a link's creator or an admin revoke it); for
//     admins also GET on every path, DELETE on every clip, the console's
//     writes (grants, cameras) and bulk jobs;
//   - some cameras: GET me, cameras, videos and shares, DELETE of share
//     links, and per camera its clip list and clips, its clips' keep marks
//     and share links; admins also the console (grants,
//     the activity trail), bulk jobs (the handler keeps them to the admin's
//     cameras) and, per camera, DELETE on its clips and PATCH and
//     DELETE on the camera.
//
// Everyone allowed may also call every method of alerts and under alerts/:
// their own alert settings and subscriptions (the handlers scope them to
// the caller).
//
// The handlers check the role again and narrow the console's answers to
// the caller's cameras. The public share route (POST /shared) has no
// authorizer, so it is in no policy.
func (a MethodARN) Resources(acc access.Access) []string {
	return append(a.cameraResources(acc), a.Resource("GET", "alerts"), a.Resource("*", "alerts/*"))
}

func (a MethodARN) cameraResources(acc access.Access) []string {
	admin := acc.Role == access.Admin
	if acc.AllCameras && admin {
		return []string{a.Resource("GET", "*"), a.Resource("PUT", "cameras/*/videos/*/keep"), a.Resource("DELETE", "cameras/*/videos/*/keep"),
			a.Resource("POST", "cameras/*/videos/*/shares"), a.Resource("DELETE", "shares/*"),
			a.Resource("POST", "jobs"), a.Resource("POST", "jobs/*/run"),
			a.Resource("DELETE", "cameras/*/videos/*"), a.Resource("PUT", "grants/*"), a.Resource("DELETE", "grants/*"),
			a.Resource("PATCH", "cameras/*"), a.Resource("DELETE", "cameras/*")}
	}
	if acc.AllCameras {
		// Named, not GET *: a viewer never reaches the console's routes.
		return []string{a.Resource("GET", "me"), a.Resource("GET", "cameras"), a.Resource("GET", "videos"),
			a.Resource("GET", "cameras/*/videos"), a.Resource("GET", "cameras/*/videos/*"),
			a.Resource("PUT", "cameras/*/videos/*/keep"), a.Resource("DELETE", "cameras/*/videos/*/keep"),
			a.Resource("GET", "shares"), a.Resource("POST", "cameras/*/videos/*/shares"), a.Resource("DELETE", "shares/*")}
	}
	r := []string{a.Resource("GET", "me"), a.Resource("GET", "cameras"), a.Resource("GET", "videos"), a.Resource("GET", "shares"), a.Resource("DELETE", "shares/*")}
	if admin {
		r = append(r, a.Resource("GET", "grants"), a.Resource("GET", "grants/*"),
			a.Resource("PUT", "grants/*"), a.Resource("DELETE", "grants/*"), a.Resource("GET", "audit"),
			a.Resource("POST", "jobs"), a.Resource("GET", "jobs/*"), a.Resource("POST", "jobs/*/run"))
	}
	for _, id := range acc.Cameras {
		if !access.ValidCameraID(id) {
			continue // never a wildcard or a path from an unchecked id
		}
		r = append(r, a.Resource("GET", "cameras/"+id+"/videos"), a.Resource("GET", "cameras/"+id+"/videos/*"),
			a.Resource("PUT", "cameras/"+id+"/videos/*/keep"), a.Resource("DELETE", "cameras/"+id+"/videos/*/keep"),
			a.Resource("POST", "cameras/"+id+"/videos/*/shares"))
		if admin {
			r = append(r, a.Resource("DELETE", "cameras/"+id+"/videos/*"),
				a.Resource("PATCH", "cameras/"+id), a.Resource("DELETE", "cameras/"+id))
		}
	}
	return r
}

// Allow returns a policy allowing what acc may call in this API and stage.
func (a MethodARN) Allow(acc access.Access) events.APIGatewayCustomAuthorizerPolicy {
	return document("Allow", a.Resources(acc))
}

// Deny returns a policy denying every method and path of this API and stage.
func (a MethodARN) Deny() events.APIGatewayCustomAuthorizerPolicy {
	return document("Deny", []string{a.Resource("*", "*")})
}

func document(effect string, resources []string) events.APIGatewayCustomAuthorizerPolicy {
	return events.APIGatewayCustomAuthorizerPolicy{
		Version: Version,
		Statement: []events.IAMPolicyStatement{{
			Action:   []string{Action},
			Effect:   effect,
			Resource: resources,
		}},
	}
}
