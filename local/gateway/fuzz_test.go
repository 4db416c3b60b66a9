package gateway

import (
	"context"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"

	"github.com/camvault/camvault/videos-api/routes"
)

// FuzzWildcardMatch checks the policy matcher against a regular-expression
// reading of the same pattern.
func FuzzWildcardMatch(f *testing.F) {
	f.Add("arn:*/dev/GET/*", "arn:aws:x/dev/GET/cameras")
	f.Add("a?c*", "abcdef")
	f.Add("**?", "")
	f.Fuzz(func(t *testing.T, pattern, s string) {
		var re strings.Builder
		re.WriteString(`(?s)^`)
		for _, r := range pattern {
			switch r {
			case '*':
				re.WriteString(`.*`)
			case '?':
				re.WriteString(`.`)
			default:
				re.WriteString(regexp.QuoteMeta(string(r)))
			}
		}
		re.WriteString(`$`)
		want := regexp.MustCompile(re.String()).MatchString(s)
		if got := wildcardMatch(pattern, s); got != want {
			t.Fatalf("wildcardMatch(%q, %q) = %v, regexp says %v", pattern, s, got, want)
		}
	})
}

// FuzzGateway sends arbitrary methods, paths and Authorization values: the
// gateway never panics, never lets a request through without an Allow, and
// answers only with the statuses API Gateway would.
func FuzzGateway(f *testing.F) {
	f.Add("GET", "/dev/cameras/a/videos", "Bearer viewer")
	f.Add("DELETE", "/dev/cameras/a/videos/b", "Bearer viewer")
	f.Add("OPTIONS", "/dev/me", "")
	f.Add("GET", "/dev/../me", "bearer admin")
	reached := false
	handler := func(context.Context, events.APIGatewayProxyRequest) (events.APIGatewayProxyResponse, error) {
		reached = true
		return events.APIGatewayProxyResponse{StatusCode: 200}, nil
	}
	handlers := map[string]Handler{}
	for _, fn := range routes.Functions() {
		handlers[fn] = handler
	}
	auth := func(_ context.Context, req events.APIGatewayCustomAuthorizerRequest) (events.APIGatewayCustomAuthorizerResponse, error) {
		if req.AuthorizationToken != "Bearer viewer" {
			return events.APIGatewayCustomAuthorizerResponse{}, errUnauthorized
		}
		stage := req.MethodArn[:strings.Index(req.MethodArn, "/dev/")+5]
		return events.APIGatewayCustomAuthorizerResponse{PrincipalID: "v", PolicyDocument: events.APIGatewayCustomAuthorizerPolicy{
			Statement: []events.IAMPolicyStatement{{Effect: "Allow", Action: []string{"execute-api:Invoke"}, Resource: []string{stage + "GET/*"}}},
		}}, nil
	}
	g, err := New(Config{Stage: "dev", Handlers: handlers, Authorizer: auth, CacheTTL: 300e9})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, method, path, token string) {
		req, err := http.NewRequest(method, "http://127.0.0.1"+path, nil)
		if err != nil || req.URL.Path == "" {
			return
		}
		req.Header.Set("Authorization", token)
		reached = false
		rec := httptest.NewRecorder()
		g.ServeHTTP(rec, req)
		switch rec.Code {
		case 200, 204, 401, 403, 404, 414, 431:
		default:
			t.Fatalf("%s %q: status %d", method, path, rec.Code)
		}
		// net/http reads an empty method as GET.
		if reached && (req.Method != "GET" || token != "Bearer viewer") {
			t.Fatalf("%s %q with %q reached the handler", method, path, token)
		}
	})
}

type unauthorizedError struct{}

func (unauthorizedError) Error() string { return "Unauthorized" }

var errUnauthorized error = unauthorizedError{}
