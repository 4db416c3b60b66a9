package gateway

import (
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-lambda-go/events"
)

// Decision is the outcome of evaluating an authorizer's policy against one
// request's method ARN.
type Decision int

// The decisions, as API Gateway reaches them: an explicit Deny wins over any
// Allow, and no matching Allow is an implicit deny.
const (
	ImplicitDeny Decision = iota
	Allowed
	ExplicitDeny
)

// String names the decision for logs.
func (d Decision) String() string {
	switch d {
	case Allowed:
		return "allow"
	case ExplicitDeny:
		return "deny"
	default:
		return "no-allow"
	}
}

// errMalformedPolicy marks an authorizer response API Gateway would refuse
// (AuthorizerConfigurationException, a 500).
var errMalformedPolicy = errors.New("malformed authorizer response")

// ValidateResponse checks an authorizer response the way API Gateway does
// before it uses or caches it: a principal, a policy with statements whose
// effect is Allow or Deny, actions and resources present, and flat context
// values (strings, numbers, booleans).
func ValidateResponse(resp events.APIGatewayCustomAuthorizerResponse) error {
	if resp.PrincipalID == "" {
		return fmt.Errorf("%w: empty principalId", errMalformedPolicy)
	}
	if len(resp.PolicyDocument.Statement) == 0 {
		return fmt.Errorf("%w: policy has no statements", errMalformedPolicy)
	}
	for i, st := range resp.PolicyDocument.Statement {
		if !strings.EqualFold(st.Effect, "Allow") && !strings.EqualFold(st.Effect, "Deny") {
			return fmt.Errorf("%w: statement %d: effect %q", errMalformedPolicy, i, st.Effect)
		}
		if len(st.Action) == 0 || len(st.Resource) == 0 {
			return fmt.Errorf("%w: statement %d: no action or resource", errMalformedPolicy, i)
		}
	}
	for k, v := range resp.Context {
		switch v.(type) {
		case string, bool, int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64, float32, float64:
		default:
			return fmt.Errorf("%w: context value %q is a %T, not a string, number or boolean", errMalformedPolicy, k, v)
		}
	}
	return nil
}

// Evaluate decides whether policy lets the caller invoke methodARN
// (arn:aws:execute-api:region:account:apiId/stage/METHOD/path). Resource
// patterns may use * (any run of characters) and ? (one character); the
// action must be execute-api:Invoke, execute-api:* or *.
func Evaluate(policy events.APIGatewayCustomAuthorizerPolicy, methodARN string) Decision {
	allowed := false
	for _, st := range policy.Statement {
		if !actionMatches(st.Action) || !resourceMatches(st.Resource, methodARN) {
			continue
		}
		if strings.EqualFold(st.Effect, "Deny") {
			return ExplicitDeny
		}
		if strings.EqualFold(st.Effect, "Allow") {
			allowed = true
		}
	}
	if allowed {
		return Allowed
	}
	return ImplicitDeny
}

func actionMatches(actions []string) bool {
	for _, a := range actions {
		if wildcardMatch(strings.ToLower(a), "execute-api:invoke") {
			return true
		}
	}
	return false
}

func resourceMatches(resources []string, arn string) bool {
	for _, r := range resources {
		if wildcardMatch(r, arn) {
			return true
		}
	}
	return false
}

// wildcardMatch reports whether s matches pattern, where * matches any run of
// characters (including none and including /) and ? exactly one character.
func wildcardMatch(patternText, text string) bool {
	pattern, s := []rune(patternText), []rune(text)
	p, i := 0, 0
	star, mark := -1, 0
	for i < len(s) {
		switch {
		case p < len(pattern) && pattern[p] == '*':
			star, mark = p, i
			p++
		case p < len(pattern) && (pattern[p] == '?' || pattern[p] == s[i]):
			p++
			i++
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

// MethodARN builds the ARN API Gateway passes to a TOKEN authorizer and
// evaluates the returned policy against. path has no stage and a leading
// slash (/cameras/front/videos); the ARN carries it without the slash.
func MethodARN(region, account, apiID, stage, method, path string) string {
	return fmt.Sprintf("arn:aws:execute-api:%s:%s:%s/%s/%s/%s", region, account, apiID, stage, method, strings.TrimPrefix(path, "/"))
}
