package gateway

import (
	"testing"

	"github.com/aws/aws-lambda-go/events"
)

func TestWildcardMatch(t *testing.T) {
	tests := []struct {
		pattern, s string
		want       bool
	}{
		{"abc", "abc", true},
		{"abc", "abd", false},
		{"a*", "a/b/c", true},
		{"*", "", true},
		{"a?c", "abc", true},
		{"a?c", "ac", false},
		{"arn:*/dev/GET/*", "arn:aws:x/dev/GET/cameras/front", true},
		{"arn:*/dev/GET/*", "arn:aws:x/dev/DELETE/cameras/front", false},
		{"*/videos/*", "a/videos/b", true},
		{"*b*b", "abxb", true},
		{"*b*b", "abx", false},
		{"caf?", "café", true},
	}
	for _, tt := range tests {
		t.Run(tt.pattern+" "+tt.s, func(t *testing.T) {
			if got := wildcardMatch(tt.pattern, tt.s); got != tt.want {
				t.Fatalf("wildcardMatch(%q, %q) = %v, want %v", tt.pattern, tt.s, got, tt.want)
			}
		})
	}
}

func statement(effect string, actions, resources []string) events.IAMPolicyStatement {
	return events.IAMPolicyStatement{Effect: effect, Action: actions, Resource: resources}
}

func TestEvaluate(t *testing.T) {
	arn := MethodARN("us-east-1", "123456789012", "api", "dev", "DELETE", "/cameras/front/videos/v1")
	base := "arn:aws:execute-api:us-east-1:123456789012:api/dev/"
	invoke := []string{"execute-api:Invoke"}
	tests := []struct {
		name string
		st   []events.IAMPolicyStatement
		want Decision
	}{
		{"exact allow", []events.IAMPolicyStatement{statement("Allow", invoke, []string{base + "DELETE/cameras/front/videos/v1"})}, Allowed},
		{"wildcard allow", []events.IAMPolicyStatement{statement("Allow", invoke, []string{base + "*/cameras/*/videos/*"})}, Allowed},
		{"allow in list", []events.IAMPolicyStatement{statement("Allow", invoke, []string{base + "GET/*", base + "DELETE/*"})}, Allowed},
		{"other method only", []events.IAMPolicyStatement{statement("Allow", invoke, []string{base + "GET/*"})}, ImplicitDeny},
		{"other stage", []events.IAMPolicyStatement{statement("Allow", invoke, []string{"arn:aws:execute-api:us-east-1:123456789012:api/prod/*"})}, ImplicitDeny},
		{"deny wins", []events.IAMPolicyStatement{
			statement("Allow", invoke, []string{base + "*"}),
			statement("Deny", invoke, []string{base + "DELETE/*"}),
		}, ExplicitDeny},
		{"deny elsewhere", []events.IAMPolicyStatement{
			statement("Allow", invoke, []string{base + "*"}),
			statement("Deny", invoke, []string{base + "GET/*"}),
		}, Allowed},
		{"action star", []events.IAMPolicyStatement{statement("Allow", []string{"*"}, []string{"*"})}, Allowed},
		{"action execute-api star", []events.IAMPolicyStatement{statement("Allow", []string{"execute-api:*"}, []string{"*"})}, Allowed},
		{"other action", []events.IAMPolicyStatement{statement("Allow", []string{"s3:GetObject"}, []string{"*"})}, ImplicitDeny},
		{"question mark", []events.IAMPolicyStatement{statement("Allow", invoke, []string{base + "DELETE/cameras/front/videos/v?"})}, Allowed},
		{"question mark too short", []events.IAMPolicyStatement{statement("Allow", invoke, []string{base + "DELETE/cameras/front/videos/v??"})}, ImplicitDeny},
		{"only deny", []events.IAMPolicyStatement{statement("Deny", invoke, []string{"*"})}, ExplicitDeny},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Evaluate(events.APIGatewayCustomAuthorizerPolicy{Version: "2012-10-17", Statement: tt.st}, arn)
			if got != tt.want {
				t.Fatalf("Evaluate = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestValidateResponse(t *testing.T) {
	good := events.APIGatewayCustomAuthorizerResponse{
		PrincipalID:    "p",
		PolicyDocument: events.APIGatewayCustomAuthorizerPolicy{Statement: []events.IAMPolicyStatement{statement("Allow", []string{"execute-api:Invoke"}, []string{"*"})}},
		Context:        map[string]any{"email": "a@b", "n": 1, "ok": true},
	}
	tests := []struct {
		name    string
		mutate  func(*events.APIGatewayCustomAuthorizerResponse)
		wantErr bool
	}{
		{"good", func(*events.APIGatewayCustomAuthorizerResponse) {}, false},
		{"no principal", func(r *events.APIGatewayCustomAuthorizerResponse) { r.PrincipalID = "" }, true},
		{"no statements", func(r *events.APIGatewayCustomAuthorizerResponse) { r.PolicyDocument.Statement = nil }, true},
		{"bad effect", func(r *events.APIGatewayCustomAuthorizerResponse) {
			r.PolicyDocument.Statement = []events.IAMPolicyStatement{statement("Maybe", []string{"*"}, []string{"*"})}
		}, true},
		{"no resource", func(r *events.APIGatewayCustomAuthorizerResponse) {
			r.PolicyDocument.Statement = []events.IAMPolicyStatement{statement("Allow", []string{"*"}, nil)}
		}, true},
		{"nested context", func(r *events.APIGatewayCustomAuthorizerResponse) {
			r.Context = map[string]any{"cameras": []string{"a"}}
		}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := good
			r.Context = map[string]any{"email": "a@b", "n": 1, "ok": true}
			tt.mutate(&r)
			if err := ValidateResponse(r); (err != nil) != tt.wantErr {
				t.Fatalf("ValidateResponse = %v, wantErr %v", err, tt.wantErr)
			}
		})
	}
}
