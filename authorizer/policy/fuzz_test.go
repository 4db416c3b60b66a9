package policy_test

import (
	"strings"
	"testing"

	"github.com/camvault/camvault/authorizer/access"
	"github.com/camvault/camvault/authorizer/policy"
)

func FuzzParseMethodARN(f *testing.F) {
	for _, s := range []string{
		"arn:aws:execute-api:eu-west-1:123456789012:abc123/dev/GET/cameras",
		"arn:aws:execute-api:eu-west-1:123456789012:abc123/*/GET/",
		"arn:aws:execute-api:eu-west-1:123456789012:abc/dev/*/*",
		"arn:aws-cn:execute-api:cn-north-1:123456789012:x/y/DELETE/a/b/c",
		"",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, err := policy.ParseMethodARN(s)
		if err != nil {
			return
		}
		if strings.ContainsAny(m.APIID+m.Stage+m.Region+m.Account, "*/:?") {
			t.Fatalf("wildcard or separator in %+v", m)
		}
		again, err := policy.ParseMethodARN(m.Resource("GET", "me"))
		if err != nil || again != m {
			t.Fatalf("round trip of %+v: %+v, %v", m, again, err)
		}
		prefix := m.Resource("", "")
		prefix = prefix[:len(prefix)-2] + "/"
		for _, r := range m.Resources(access.Access{Role: access.Admin, Cameras: []string{"c1"}}) {
			if !strings.HasPrefix(r, prefix) {
				t.Fatalf("resource %s outside %s", r, prefix)
			}
		}
	})
}
