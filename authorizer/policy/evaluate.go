package policy

import (
	"strings"

	"github.com/aws/aws-lambda-go/events"
)

// Allows reports whether doc lets the caller invoke the method ARN arn, as
// API Gateway evaluates an authorizer's policy: an explicit Deny that
// matches wins, else an Allow that matches allows, else it is denied.
// Resources match with IAM wildcards (* any run of characters, slashes
// included; ? one character). The local stack's gateway uses it.
func Allows(doc events.APIGatewayCustomAuthorizerPolicy, arn string) bool {
	allowed := false
	for _, st := range doc.Statement {
		if !actionMatches(st.Action) || !anyResourceMatches(st.Resource, arn) {
			continue
		}
		switch st.Effect {
		case "Deny":
			return false
		case "Allow":
			allowed = true
		}
	}
	return allowed
}

func actionMatches(actions []string) bool {
	for _, a := range actions {
		if wildcardMatch(strings.ToLower(a), "execute-api:invoke") {
			return true
		}
	}
	return false
}

func anyResourceMatches(resources []string, arn string) bool {
	for _, r := range resources {
		if wildcardMatch(r, arn) {
			return true
		}
	}
	return false
}

// wildcardMatch matches s against pattern with * and ? in linear time.
func wildcardMatch(pattern, s string) bool {
	p, i := 0, 0
	star, mark := -1, 0
	for i < len(s) {
		switch {
		case p < len(pattern) && (pattern[p] == '?' || pattern[p] == s[i]):
			p++
			i++
		case p < len(pattern) && pattern[p] == '*':
			star, mark = p, i
			p++
		case star >= 0:
			p = star + 1
			mark++
			i = mark
		default:
			return false
		}
	}
	for p < len(pattern) && pattern[p] == '*' {
		p++
	}
	return p == len(pattern)
}
