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
	issuer    = "http://127.0.0.1:4002"
)

// buildBootstrap builds the real bootstrap for the host with -tags lambda.norpc.
func buildBootstrap(tb testing.TB) string {
	tb.Helper()
	bin := filepath.Join(tb.TempDir(), "bootstrap")
	build := exec.Command("go", "build", "-tags", "lambda.norpc", "-trimpath", "-o", bin, ".")
	build.Env = append(os.Environ(), "CGO_ENABLED=0", "GOWORK=off") // as Lambda builders do
	if out, err := build.CombinedOutput(); err != nil {
		tb.Fatalf("build: %v\n%s", err, out)
	}
	return bin
}

// startBootstrap runs bin the way Lambda does, against rt, with env added to
// the authorizer's base environment; it is killed when tb ends.
func startBootstrap(tb testing.TB, bin string, rt *lambdaruntimetest.Server, jwksURL string, env ...string) *lockedBuffer {
	tb.Helper()
	cmd := exec.Command(bin)
	cmd.Env = append([]string{
		"AWS_LAMBDA_RUNTIME_API=" + rt.Addr,
		"GOOGLE_CLIENT_IDS=" + clientID,
		"ALLOWED_DOMAINS=example.com",
		"ADMIN_EMAILS=admin@example.com",
		"OIDC_ISSUER=" + issuer,
		"OIDC_JWKS_URL=" + jwksURL,
	}, env...)
	logs := &lockedBuffer{}
	cmd.Stdout, cmd.Stderr = logs, logs
	if err := cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	return logs
}

// TestBinaryUnderLambdaRuntimeAPI builds the real bootstrap and runs it the
// way Lambda does, against a Runtime API, a key set and a grants table
// (dynalite) on loopback: Allow (by domain and by grant), Deny and Unauthorized.
func TestBinaryUnderLambdaRuntimeAPI(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := buildBootstrap(t)
	key := authorizertest.NewKey(t, "dev-1")
	jwks := authorizertest.NewJWKS(t, key)
	rt := lambdaruntimetest.Start(t)
	ddb := dynalitetest.Start(t)
	client := grantstest.Client(ddb)
	if err := grantstest.CreateTable(context.Background(), client, "allowlist"); err != nil {
		t.Fatal(err)
	}
	if err := grantstest.Put(context.Background(), client, "allowlist", "guest@gmail.com", "viewer", []string{"porch"}); err != nil {
		t.Fatal(err)
	}
	started := time.Now()
	logs := startBootstrap(t, bin, rt, jwks.URL,
		"ALLOWLIST_TABLE=allowlist",
		"AWS_REGION=us-east-1",
		"AWS_ACCESS_KEY_ID=test",
		"AWS_SECRET_ACCESS_KEY=test",
		"AWS_ENDPOINT_URL_DYNAMODB="+ddb)

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
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			res, err := rt.Invoke(ctx, events.APIGatewayCustomAuthorizerRequest{Type: "TOKEN", AuthorizationToken: tt.header, MethodArn: methodARN})
			if err != nil {
				t.Fatalf("invoke: %v\nlogs:\n%s", err, logs)
			}
			if i == 0 {
				t.Logf("cold start to first answer: %v (informational)", time.Since(started).Round(time.Millisecond))
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

// BenchmarkColdStart measures process start to the first answer (an Allow)
// of the real bootstrap under the Runtime API, key set on loopback.
func BenchmarkColdStart(b *testing.B) {
	bin := buildBootstrap(b)
	key := authorizertest.NewKey(b, "dev-1")
	jwks := authorizertest.NewJWKS(b, key)
	header := "Bearer " + key.Sign(b, authorizertest.Claims(issuer, clientID, "viewer@example.com", "example.com", time.Now()))
	event := events.APIGatewayCustomAuthorizerRequest{Type: "TOKEN", AuthorizationToken: header, MethodArn: methodARN}
	rt := lambdaruntimetest.Start(b) // one Runtime API, one process per iteration
	for b.Loop() {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		cmd := exec.Command(bin)
		cmd.Env = []string{
			"AWS_LAMBDA_RUNTIME_API=" + rt.Addr, "GOOGLE_CLIENT_IDS=" + clientID, "ALLOWED_DOMAINS=example.com",
			"OIDC_ISSUER=" + issuer, "OIDC_JWKS_URL=" + jwks.URL,
		}
		if err := cmd.Start(); err != nil {
			b.Fatal(err)
		}
		res, err := rt.Invoke(ctx, event)
		cancel()
		cmd.Process.Kill()
		cmd.Wait()
		if err != nil || res.Err != nil {
			b.Fatalf("invoke: %v %v", err, res.Err)
		}
	}
}
