// Package policy builds the IAM policies camvault's authorizer returns to API
// Gateway. An Allow covers every method and path the person's role may use in
// the API and stage of the incoming method ARN (API Gateway caches the policy
// per token, so it must not be scoped to the one method that was called), and
// never has a wildcard in the API or stage segment.
package policy

import (
	"errors"
	"regexp"
	"strings"

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
	// Three passes over the same rules: the first measures, the second
	// writes into a buffer of the exact size, the third slices its text.
	b := resources{arn: a}
	for range passes {
		a.cameraResources(&b, acc)
		b.add("GET", "alerts")
		b.add("*", "alerts/*")
		b.next()
	}
	return b.out
}

func (a MethodARN) cameraResources(b *resources, acc access.Access) {
	admin := acc.Role == access.Admin
	if acc.AllCameras && admin {
		b.add("GET", "*")
		b.add("PUT", "cameras/*/videos/*/keep")
		b.add("DELETE", "cameras/*/videos/*/keep")
		b.add("POST", "cameras/*/videos/*/shares")
		b.add("DELETE", "shares/*")
		b.add("POST", "jobs")
		b.add("POST", "jobs/*/run")
		b.add("DELETE", "cameras/*/videos/*")
		b.add("PUT", "grants/*")
		b.add("DELETE", "grants/*")
		b.add("PATCH", "cameras/*")
		b.add("DELETE", "cameras/*")
		return
	}
	if acc.AllCameras {
		// Named, not GET *: a viewer never reaches the console's routes.
		b.add("GET", "me")
		b.add("GET", "cameras")
		b.add("GET", "videos")
		b.add("GET", "cameras/*/videos")
		b.add("GET", "cameras/*/videos/*")
		b.add("PUT", "cameras/*/videos/*/keep")
		b.add("DELETE", "cameras/*/videos/*/keep")
		b.add("GET", "shares")
		b.add("POST", "cameras/*/videos/*/shares")
		b.add("DELETE", "shares/*")
		return
	}
	b.add("GET", "me")
	b.add("GET", "cameras")
	b.add("GET", "videos")
	b.add("GET", "shares")
	b.add("DELETE", "shares/*")
	if admin {
		b.add("GET", "grants")
		b.add("GET", "grants/*")
		b.add("PUT", "grants/*")
		b.add("DELETE", "grants/*")
		b.add("GET", "audit")
		b.add("POST", "jobs")
		b.add("GET", "jobs/*")
		b.add("POST", "jobs/*/run")
	}
	for _, id := range acc.Cameras {
		if !access.ValidCameraID(id) {
			continue // never a wildcard or a path from an unchecked id
		}
		b.addCamera("GET", id, "/videos")
		b.addCamera("GET", id, "/videos/*")
		b.addCamera("PUT", id, "/videos/*/keep")
		b.addCamera("DELETE", id, "/videos/*/keep")
		b.addCamera("POST", id, "/videos/*/shares")
		if admin {
			b.addCamera("DELETE", id, "/videos/*")
			b.addCamera("PATCH", id, "")
			b.addCamera("DELETE", id, "")
		}
	}
}

// resources builds a policy's resource ARNs in one buffer: the ARNs share
// its one string, so a policy costs two allocations (the text and the
// slice of ARNs) whatever its length. Each call builds its own; nothing is
// shared between policies.
type resources struct {
	arn  MethodARN
	pass int
	// size (measuring) is the text's length; n counts the ARNs of a pass,
	// at is the slicing pass's offset in text.
	size, n, at int
	// prefix is arn:{partition}:execute-api:{region}:{account}:{apiId}/{stage}/,
	// once the first ARN has written it: a slice of buf's own text.
	prefix string
	buf    strings.Builder
	text   string
	out    []string
}

// The passes of resources, in order.
const (
	measuring = iota
	writing
	slicing
	passes
)

// next ends a pass.
func (b *resources) next() {
	switch b.pass {
	case measuring:
		b.buf.Grow(b.size)
		b.out = make([]string, b.n)
	case writing:
		b.text = b.buf.String()
	}
	b.pass++
	b.n = 0
}

// add adds the ARN of method and path (no leading slash).
func (b *resources) add(method, path string) {
	b.addCamera(method, "", path)
}

// addCamera adds the ARN of method and "cameras/" + id + rest, or of path
// rest when id is empty.
func (b *resources) addCamera(method, id, rest string) {
	a := &b.arn
	switch b.pass {
	case measuring, slicing:
		l := len("arn:") + len(a.Partition) + len(":execute-api:") + len(a.Region) + len(":") + len(a.Account) + len(":") +
			len(a.APIID) + len("/") + len(a.Stage) + len("/") + len(method) + len("/") + len(rest)
		if id != "" {
			l += len("cameras/") + len(id)
		}
		if b.pass == measuring {
			b.size += l
		} else {
			b.out[b.n] = b.text[b.at : b.at+l]
			b.at += l
		}
		b.n++
	case writing:
		if b.prefix == "" {
			for _, s := range [...]string{"arn:", a.Partition, ":execute-api:", a.Region, ":", a.Account, ":", a.APIID, "/", a.Stage, "/"} {
				b.buf.WriteString(s)
			}
			// A builder never changes bytes once written, so its text so
			// far is a string that stays valid.
			b.prefix = b.buf.String()
		} else {
			b.buf.WriteString(b.prefix)
		}
		b.buf.WriteString(method)
		b.buf.WriteByte('/')
		if id != "" {
			b.buf.WriteString("cameras/")
			b.buf.WriteString(id)
		}
		b.buf.WriteString(rest)
	}
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
