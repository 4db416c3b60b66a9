package apidoccli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRun(t *testing.T) {
	dir := t.TempDir()
	doc := filepath.Join("..", "openapidoc", "testdata", "openapi.yaml")
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	noAPIURL := write("local.json", `{"stage":"dev"}`)
	swagger := write("swagger.yaml", "swagger: \"2.0\"\npaths: {}\n")
	out := filepath.Join(dir, "out", "openapi-dev.yaml")
	tests := []struct {
		name      string
		args      []string
		wantCode  int
		wantErrIn string
	}{
		{name: "writes the stage's document", args: []string{"openapi", "--in", doc, "--out", out, "--server-url", "https://api.example.com/dev", "--stage", "dev"}},
		{name: "no subcommand", wantCode: 2, wantErrIn: "usage:"},
		{name: "unknown subcommand", args: []string{"swagger"}, wantCode: 2, wantErrIn: `unknown subcommand "swagger"`},
		{name: "help", args: []string{"help"}},
		{name: "openapi without --out", args: []string{"openapi", "--in", doc, "--server-url", "https://x"}, wantCode: 2, wantErrIn: "--in and --out"},
		{name: "openapi with both URLs", args: []string{"openapi", "--in", doc, "--out", out, "--server-url", "https://x", "--local-json", noAPIURL}, wantCode: 2, wantErrIn: "exactly one"},
		{name: "local.json without apiUrl", args: []string{"openapi", "--in", doc, "--out", out, "--local-json", noAPIURL}, wantCode: 1, wantErrIn: "no apiUrl"},
		{name: "swagger 2 input", args: []string{"openapi", "--in", swagger, "--out", out, "--server-url", "https://x.example"}, wantCode: 1, wantErrIn: "OpenAPI 3"},
		{name: "relative server URL", args: []string{"openapi", "--in", doc, "--out", out, "--server-url", "/dev"}, wantCode: 1, wantErrIn: "absolute"},
		{name: "postman without files", args: []string{"postman", "--openapi", doc}, wantCode: 2, wantErrIn: "are required"},
		{name: "postman on a document without servers", args: []string{"postman", "--openapi", write("noservers.yaml", "openapi: 3.0.3\npaths: {}\n"), "--generated", doc, "--out", out, "--environment", filepath.Join(dir, "env.json")}, wantCode: 1, wantErrIn: "no server URL"},
		{name: "bad flag", args: []string{"openapi", "--nope"}, wantCode: 2, wantErrIn: "flag provided but not defined"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := Run(tt.args, Env{Stdout: &stdout, Stderr: &stderr, Lookup: func(string) (string, bool) { return "", false }})
			if code != tt.wantCode {
				t.Fatalf("Run() = %d, want %d\nstderr: %s", code, tt.wantCode, stderr.String())
			}
			if !strings.Contains(stderr.String(), tt.wantErrIn) {
				t.Errorf("stderr = %q, want %q", stderr.String(), tt.wantErrIn)
			}
		})
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), "- url: https://api.example.com/dev") {
		t.Errorf("written document:\n%.400s", b)
	}
}
