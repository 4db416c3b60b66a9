package policy_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/camvault/camvault/authorizer/access"
	"github.com/camvault/camvault/authorizer/policy"
)

func TestParseMethodARN(t *testing.T) {
	tests := []struct {
		arn  string
		want policy.MethodARN
		ok   bool
	}{
		{"arn:aws:execute-api:eu-west-1:123456789012:abc123/dev/GET/cameras", policy.MethodARN{"aws", "eu-west-1", "123456789012", "abc123", "dev"}, true},
		{"arn:aws:execute-api:us-east-1:123456789012:abc123/prod/DELETE/cameras/c1/videos/v1", policy.MethodARN{"aws", "us-east-1", "123456789012", "abc123", "prod"}, true},
		{"arn:aws-cn:execute-api:cn-north-1:123456789012:abc123/qa/GET/", policy.MethodARN{"aws-cn", "cn-north-1", "123456789012", "abc123", "qa"}, true},
		{"arn:aws:execute-api:eu-west-1:123456789012:abc123/*/GET/", policy.MethodARN{}, false},
		{"arn:aws:execute-api:eu-west-1:123456789012:*/dev/GET/", policy.MethodARN{}, false},
		{"arn:aws:execute-api:eu-west-1:123456789012:abc123/dev", policy.MethodARN{}, false},
		{"arn:aws:execute-api:eu-west-1:123456789012:abc123/dev/FETCH/x", policy.MethodARN{}, false},
		{"arn:aws:execute-api:eu-west-1:12345:abc123/dev/GET/x", policy.MethodARN{}, false},
		{"arn:aws:execute-api:eu-west-1:123456789012:abc123/dev/GET/a b", policy.MethodARN{}, false},
		{"arn:aws:execute-api:eu-west-1:123456789012:abc123/dev/GET/" + strings.Repeat("a", 3000), policy.MethodARN{}, false},
		{"arn:aws:lambda:eu-west-1:123456789012:function:f", policy.MethodARN{}, false},
		{"", policy.MethodARN{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.arn[:min(len(tt.arn), 80)], func(t *testing.T) {
			got, err := policy.ParseMethodARN(tt.arn)
			if (err == nil) != tt.ok || got != tt.want {
				t.Fatalf("got %+v, %v; want %+v ok=%v", got, err, tt.want, tt.ok)
			}
		})
	}
}

// call is one API request a person may make.
type call struct{ method, path string }

// routes are the API's routes (docs/api.md), with two cameras' worth of ids.
var calls = []call{
	{"GET", "me"},
	{"GET", "cameras"},
	{"GET", "videos"},
	{"GET", "cameras/c1/videos"},
	{"GET", "cameras/c1/videos/v1"},
	{"DELETE", "cameras/c1/videos/v1"},
	{"GET", "cameras/c2/videos"},
	{"GET", "cameras/c2/videos/v9"},
	{"DELETE", "cameras/c2/videos/v9"},
	{"GET", "cameras/c10/videos"},
	{"GET", "cameras/c10/videos/v1"},
	{"DELETE", "cameras/c10/videos/v1"},
	{"POST", "cameras"},
	{"PUT", "cameras/c1/videos/v1"},
	{"GET", "alerts"},
	{"PUT", "alerts/settings"},
	{"POST", "alerts/subscriptions"},
	{"DELETE", "alerts/subscriptions/s1"},
	{"POST", "alertsx"},
}

// alertCall is a call everyone allowed may make: their own alerts.
func alertCall(c call) bool {
	return c.path == "alerts" && c.method == "GET" || strings.HasPrefix(c.path, "alerts/")
}

// matches reports whether an API Gateway policy resource (where * matches
// any run of characters, slashes included) covers arn.
func matches(resource, arn string) bool {
	parts := strings.Split(resource, "*")
	for i, p := range parts {
		parts[i] = regexp.QuoteMeta(p)
	}
	return regexp.MustCompile("^" + strings.Join(parts, ".*") + "$").MatchString(arn)
}

func TestResourcesCoverExactlyWhatEachRoleMayCall(t *testing.T) {
	arn, err := policy.ParseMethodARN("arn:aws:execute-api:eu-west-1:123456789012:abc123/dev/GET/me")
	if err != nil {
		t.Fatal(err)
	}
	restricted := func(role access.Role) access.Access {
		return access.Access{Role: role, Cameras: []string{"c1", "c2"}}
	}
	tests := []struct {
		name   string
		access access.Access
		may    func(c call) bool
	}{
		{"viewer of every camera", access.Access{Role: access.Viewer, AllCameras: true}, func(c call) bool { return c.method == "GET" }},
		{"admin of every camera", access.Access{Role: access.Admin, AllCameras: true}, func(c call) bool { return c.method == "GET" || c.method == "DELETE" }},
		{"viewer of c1 and c2", restricted(access.Viewer), func(c call) bool {
			return c.method == "GET" && !strings.Contains(c.path, "c10")
		}},
		{"admin of c1 and c2", restricted(access.Admin), func(c call) bool {
			return (c.method == "GET" || c.method == "DELETE") && !strings.Contains(c.path, "c10")
		}},
		{"viewer of no camera", access.Access{Role: access.Viewer, Cameras: []string{}}, func(c call) bool {
			return c.method == "GET" && !strings.HasPrefix(c.path, "cameras/")
		}},
		{"unchecked ids never reach a policy", access.Access{Role: access.Admin, Cameras: []string{"*", "c1/../c2", ""}}, func(c call) bool {
			return c.method == "GET" && !strings.HasPrefix(c.path, "cameras/")
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := arn.Allow(tt.access)
			if len(doc.Statement) != 1 || doc.Statement[0].Effect != "Allow" || doc.Version != "2012-10-17" {
				t.Fatalf("policy %+v", doc)
			}
			resources := doc.Statement[0].Resource
			for _, r := range resources {
				checkNoWildcardInAPIOrStage(t, r)
			}
			for _, c := range calls {
				target := arn.Resource(c.method, c.path)
				covered := false
				for _, r := range resources {
					covered = covered || matches(r, target)
				}
				// alertsx is no route; an admin's GET * covers it harmlessly.
				may := alertCall(c) || tt.may(c) && !strings.HasPrefix(c.path, "alerts")
				if c.path == "alertsx" {
					may = covered && tt.access.Role == access.Admin && tt.access.AllCameras
				}
				if covered != may {
					t.Errorf("%s %s: allowed=%v, want %v (resources %v)", c.method, c.path, covered, may, resources)
				}
			}
			other, _ := policy.ParseMethodARN("arn:aws:execute-api:eu-west-1:123456789012:abc123/prod/GET/me")
			for _, r := range resources {
				if matches(r, other.Resource("GET", "me")) {
					t.Errorf("resource %s covers another stage", r)
				}
			}
		})
	}
}

func TestDeny(t *testing.T) {
	arn, _ := policy.ParseMethodARN("arn:aws:execute-api:eu-west-1:123456789012:abc123/dev/GET/me")
	doc := arn.Deny()
	st := doc.Statement[0]
	if st.Effect != "Deny" || len(st.Resource) != 1 || st.Resource[0] != "arn:aws:execute-api:eu-west-1:123456789012:abc123/dev/*/*" {
		t.Fatalf("deny %+v", doc)
	}
	checkNoWildcardInAPIOrStage(t, st.Resource[0])
	for _, c := range calls {
		if !matches(st.Resource[0], arn.Resource(c.method, c.path)) {
			t.Errorf("deny does not cover %s %s", c.method, c.path)
		}
	}
}

func checkNoWildcardInAPIOrStage(t *testing.T, resource string) {
	t.Helper()
	fields := strings.SplitN(resource, ":", 6)
	segs := strings.SplitN(fields[5], "/", 3)
	if len(segs) < 3 || strings.Contains(segs[0], "*") || strings.Contains(segs[1], "*") || strings.Contains(strings.Join(fields[:5], ":"), "*") {
		t.Errorf("wildcard before the method in %s", resource)
	}
}
