package authorizer_test

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"

	"github.com/camvault/camvault/authorizer/grantstest"
	"github.com/camvault/camvault/dynalite/dynalitetest"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// TestGoldenEvents feeds the TOKEN event API Gateway sends (testdata/token-event.json)
// to Handle and compares the JSON sent back with testdata/*-response.json.
func TestGoldenEvents(t *testing.T) {
	keyA, _, _, _ := testKeys(t)
	ctx := context.Background()
	client := grantstest.Client(dynalitetest.Start(t))
	if err := grantstest.CreateTable(ctx, client, "allowlist"); err != nil {
		t.Fatal(err)
	}
	if err := grantstest.Put(ctx, client, "allowlist", "ann@example.com", "admin", []string{"garage", "front-door"}); err != nil {
		t.Fatal(err)
	}
	cfg := baseConfig()
	cfg.AllowlistTable, cfg.DynamoDB = "allowlist", client
	f := newFixture(t, cfg, keyA)
	event, err := os.ReadFile("testdata/token-event.json")
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ golden, email, hd string }{
		{"allow-viewer-response.json", "viewer@example.com", "example.com"},
		{"allow-admin-response.json", "boss@example.com", "example.com"},
		{"allow-restricted-response.json", "ann@example.com", "example.com"},
		{"deny-response.json", "stranger@example.org", "example.org"},
	} {
		t.Run(tt.golden, func(t *testing.T) {
			raw := strings.Replace(string(event), "{{TOKEN}}", keyA.Sign(t, claims(tt.email, tt.hd)), 1)
			var req events.APIGatewayCustomAuthorizerRequest
			if err := json.Unmarshal([]byte(raw), &req); err != nil {
				t.Fatal(err)
			}
			resp, err := f.a.Handle(ctx, req)
			if err != nil {
				t.Fatal(err)
			}
			got, err := json.MarshalIndent(resp, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, '\n')
			path := filepath.Join("testdata", tt.golden)
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -run TestGoldenEvents -update)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("response differs from %s:\n got %s\nwant %s", path, got, want)
			}
		})
	}
}
