package policy_test

import (
	"testing"

	"github.com/aws/aws-lambda-go/events"

	"github.com/camvault/camvault/authorizer/access"
	"github.com/camvault/camvault/authorizer/policy"
)

func TestAllows(t *testing.T) {
	arn, err := policy.ParseMethodARN("arn:aws:execute-api:eu-west-1:123456789012:abc123/dev/GET/me")
	if err != nil {
		t.Fatal(err)
	}
	restricted := arn.Allow(access.Access{Role: access.Admin, Cameras: []string{"c1"}})
	both := events.APIGatewayCustomAuthorizerPolicy{Version: policy.Version, Statement: append(
		arn.Allow(access.Access{Role: access.Viewer, AllCameras: true}).Statement,
		events.IAMPolicyStatement{Action: []string{"execute-api:*"}, Effect: "Deny", Resource: []string{arn.Resource("GET", "cameras/secret/*")}},
	)}
	tests := []struct {
		name string
		doc  events.APIGatewayCustomAuthorizerPolicy
		arn  string
		want bool
	}{
		{"restricted: own clip", restricted, arn.Resource("GET", "cameras/c1/videos/v1"), true},
		{"restricted: own delete", restricted, arn.Resource("DELETE", "cameras/c1/videos/v1"), true},
		{"restricted: own list", restricted, arn.Resource("GET", "cameras/c1/videos"), true},
		{"restricted: other camera", restricted, arn.Resource("GET", "cameras/c10/videos/v1"), false},
		{"restricted: me", restricted, arn.Resource("GET", "me"), true},
		{"restricted: other stage", restricted, "arn:aws:execute-api:eu-west-1:123456789012:abc123/prod/GET/me", false},
		{"deny wins", both, arn.Resource("GET", "cameras/secret/videos"), false},
		{"allow elsewhere", both, arn.Resource("GET", "cameras/c1/videos"), true},
		{"not allowed method", both, arn.Resource("DELETE", "cameras/c1/videos/v1"), false},
		{"deny policy", arn.Deny(), arn.Resource("GET", "me"), false},
		{"empty policy", events.APIGatewayCustomAuthorizerPolicy{}, arn.Resource("GET", "me"), false},
		{"other action", events.APIGatewayCustomAuthorizerPolicy{Statement: []events.IAMPolicyStatement{{Action: []string{"s3:GetObject"}, Effect: "Allow", Resource: []string{"*"}}}}, arn.Resource("GET", "me"), false},
		{"question mark", events.APIGatewayCustomAuthorizerPolicy{Statement: []events.IAMPolicyStatement{{Action: []string{"execute-api:Invoke"}, Effect: "Allow", Resource: []string{arn.Resource("GET", "m?")}}}}, arn.Resource("GET", "me"), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := policy.Allows(tt.doc, tt.arn); got != tt.want {
				t.Fatalf("Allows = %v, want %v", got, tt.want)
			}
		})
	}
}
