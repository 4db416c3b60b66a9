package main_test

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/camvault/camvault/authorizer/authorizertest"
	"github.com/camvault/camvault/authorizer/grantstest"
	"github.com/camvault/camvault/authorizer/lambdaruntimetest"
	"github.com/camvault/camvault/dynalite/dynalitetest"
)

const (
	clientID  = "camvault-local.apps.googleusercontent.com"
	methodARN = "arn:aws:execute-api:us-east-1:123456789012:abc123/dev/GET/me"
)

// TestBinaryUnderLambdaRuntimeAPI builds the real bootstrap (for the host,
// -tags lambda.norpc) and runs it the way Lambda does, against a Runtime API
// a key set and a grants table (dynalite) on loopback: Allow (by domain and
// by grant), Deny and Unauthorized.
func TestBinaryUnderLambdaRuntimeAPI(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := filepath.Join(t.TempDir(), "bootstrap")
	build := exec.Command("go", "build", "-tags", "lambda.norpc", "-trimpath", "-o", bin, ".")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}

	key := authorizertest.NewKey(t, "dev-1")
	jwks := authorizertest.NewJWKS(t, key)
	const issuer = "http://127.0.0.1:4002"
	rt := lambdaruntimetest.Start(t)
	ddb := dynalitetest.Start(t)
	if err := grantstest.CreateTable(context.Background(), grantstest.Client(ddb), "allowlist"); err != nil {
		t.Fatal(err)
	}
	if err := grantstest.Put(context.Background(), grantstest.Client(ddb), "allowlist", "guest@gmail.com", "viewer", []string{"porch"}); err != nil {
		t.Fatal(err)
	}

	cmd := exec.Command(bin)
	cmd.Env = []string{
		"AWS_LAMBDA_RUNTIME_API=" + rt.Addr,
		"GOOGLE_CLIENT_IDS=" + clientID,
		"ALLOWED_DOMAINS=example.com",
		"ADMIN_EMAILS=admin@example.com",
		"OIDC_ISSUER=" + issuer,
		"OIDC_JWKS_URL=" + jwks.URL,
		"ALLOWLIST_TABLE=allowlist",
		"AWS_REGION=us-east-1",
		"AWS_ACCESS_KEY_ID=test",
		"AWS_SECRET_ACCESS_KEY=test",
		"AWS_ENDPOINT_URL_DYNAMODB=" + ddb,
	}
	logs := &lockedBuffer{}
	cmd.Stdout, cmd.Stderr = logs, logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})

	now := time.Now()
	token := func(email, hd string) string {
		return "Bearer " + key.Sign(t, authorizertest.Claims(issuer, clientID, email, hd, now))
	}
	tests := []struct {
		name, header, want string
		context            map[string]any
	}{
		{"allow", token("viewer@example.com", "example.com"), "Allow", map[string]any{"email": "viewer@example.com", "role": "viewer", "cameras": "*"}},
		{"allow by a grant", token("guest@gmail.com", ""), "Allow", map[string]any{"email": "guest@gmail.com", "role": "viewer", "cameras": "porch"}},
		{"deny", token("stranger@example.org", "example.org"), "Deny", nil},
		{"unauthorized", "Bearer not.a.token", "Unauthorized", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			res, err := rt.Invoke(ctx, events.APIGatewayCustomAuthorizerRequest{Type: "TOKEN", AuthorizationToken: tt.header, MethodArn: methodARN})
			if err != nil {
				t.Fatalf("invoke: %v\nlogs:\n%s", err, logs)
			}
			if tt.want == "Unauthorized" {
				if res.Err == nil || res.Err.Message != "Unauthorized" {
					t.Fatalf("result %+v (payload %s), want the error Unauthorized", res.Err, res.Payload)
				}
				return
			}
			if res.Err != nil {
				t.Fatalf("function error %v", res.Err)
			}
			var resp events.APIGatewayCustomAuthorizerResponse
			if err := json.Unmarshal(res.Payload, &resp); err != nil {
				t.Fatal(err)
			}
			if effect := resp.PolicyDocument.Statement[0].Effect; effect != tt.want {
				t.Fatalf("effect %s, want %s: %s", effect, tt.want, res.Payload)
			}
			for k, v := range tt.context {
				if resp.Context[k] != v {
					t.Errorf("context %s = %v, want %v", k, resp.Context[k], v)
				}
			}
		})
	}
	if jwks.Hits() != 1 {
		t.Errorf("key set fetched %d times, want once at init", jwks.Hits())
	}
}
