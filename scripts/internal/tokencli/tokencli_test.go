package tokencli

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/camvault/camvault/scripts/internal/loopback/loopbacktest"
	"github.com/camvault/camvault/scripts/internal/postmanenv"
)

// devIssuer answers POST /token with a token naming the email.
func devIssuer(t *testing.T) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.URL.Path != "/token" || r.PostFormValue("email") == "" {
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"id_token":"dev-token-` + r.PostFormValue("email") + `","expires_in":3600}`))
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestRun(t *testing.T) {
	issuer := devIssuer(t)
	google := loopbacktest.New(t)
	dir := t.TempDir()
	localJSON := filepath.Join(dir, "local.json")
	if err := os.WriteFile(localJSON, []byte(`{"issuerUrl":"`+issuer.URL+`","apiUrl":"http://127.0.0.1:9/dev"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	noIssuerJSON := filepath.Join(dir, "noissuer.json")
	if err := os.WriteFile(noIssuerJSON, []byte(`{"apiUrl":"http://127.0.0.1:9/dev"}`), 0o600); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name       string
		args       []string
		env        map[string]string
		postman    bool
		wantCode   int
		wantStdout string
		wantVar    [2]string // variable and value in the Postman file
		wantErrIn  string
	}{
		{name: "issuer flag", args: []string{"--email", "viewer@example.com", "--issuer", issuer.URL}, wantStdout: "dev-token-viewer@example.com\n"},
		{name: "local-json flag", args: []string{"--email", "admin@example.com", "--local-json", localJSON}, wantStdout: "dev-token-admin@example.com\n"},
		{name: "local-json env", args: []string{"--email", "a@example.com"}, env: map[string]string{"CAMVAULT_LOCAL_JSON": localJSON}, wantStdout: "dev-token-a@example.com\n"},
		{name: "into postman env", args: []string{"--email", "viewer@example.com", "--issuer", issuer.URL}, postman: true, wantVar: [2]string{"token", "dev-token-viewer@example.com"}},
		{name: "into another variable", args: []string{"--email", "admin@example.com", "--issuer", issuer.URL, "--var", "adminToken"}, postman: true, wantVar: [2]string{"adminToken", "dev-token-admin@example.com"}},
		{name: "google", args: []string{"--google", "--client-id", google.ClientID, "--client-secret", google.ClientSecret}, wantStdout: loopbacktest.IDTokenPrefix},
		{name: "google from env", args: []string{"--google"}, env: map[string]string{"GOOGLE_CLIENT_ID": google.ClientID, "GOOGLE_CLIENT_SECRET": google.ClientSecret}, postman: true, wantVar: [2]string{"token", loopbacktest.IDTokenPrefix}},
		{name: "google refuses wrong secret", args: []string{"--google", "--client-id", google.ClientID, "--client-secret", "x"}, wantCode: 1, wantErrIn: "invalid_grant"},
		{name: "google without client id", args: []string{"--google"}, wantCode: 2, wantErrIn: "--client-id"},
		{name: "not an email", args: []string{"--email", "notanemail", "--issuer", issuer.URL}, wantCode: 2, wantErrIn: `token: --email "notanemail" is not an email address (like viewer@example.com)`},
		{name: "neither", args: nil, wantCode: 2, wantErrIn: "exactly one"},
		{name: "both", args: []string{"--google", "--email", "a@example.com"}, wantCode: 2, wantErrIn: "exactly one"},
		{name: "stray argument", args: []string{"--email", "a@example.com", "extra"}, wantCode: 2, wantErrIn: "unexpected"},
		{name: "no local stack", args: []string{"--email", "a@example.com", "--local-json", filepath.Join(dir, "missing.json")}, wantCode: 1, wantErrIn: "make dev"},
		{name: "local.json without issuer", args: []string{"--email", "a@example.com", "--local-json", noIssuerJSON}, wantCode: 1, wantErrIn: "no issuerUrl"},
		{name: "missing postman file", args: []string{"--email", "a@example.com", "--issuer", issuer.URL, "--postman-env", filepath.Join(dir, "nope.json")}, wantCode: 1, wantErrIn: "postman environment"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := tt.args
			envFile := filepath.Join(t.TempDir(), "env.json")
			if tt.postman {
				if err := postmanenv.New("camvault-local", "http://127.0.0.1:9/dev").Save(envFile); err != nil {
					t.Fatal(err)
				}
				args = append(args, "--postman-env", envFile)
			}
			var stdout, stderr bytes.Buffer
			code := Run(context.Background(), args, Env{
				Stdout: &stdout, Stderr: &stderr,
				Lookup:      func(k string) (string, bool) { v, ok := tt.env[k]; return v, ok },
				OpenBrowser: loopbacktest.Browser(nil),
				AuthURL:     google.AuthURL(), TokenURL: google.TokenURL(),
			})
			if code != tt.wantCode {
				t.Fatalf("Run() = %d, want %d; stderr:\n%s", code, tt.wantCode, stderr.String())
			}
			if tt.wantErrIn != "" && !strings.Contains(stderr.String(), tt.wantErrIn) {
				t.Errorf("stderr = %q, want it to contain %q", stderr.String(), tt.wantErrIn)
			}
			if !strings.HasPrefix(stdout.String(), tt.wantStdout) || (tt.wantStdout == "" && stdout.Len() > 0) {
				t.Errorf("stdout = %q, want %q", stdout.String(), tt.wantStdout)
			}
			if strings.Contains(stderr.String(), "dev-token-") || strings.Contains(stderr.String(), loopbacktest.IDTokenPrefix) {
				t.Errorf("stderr shows the token: %q", stderr.String())
			}
			if tt.postman && tt.wantCode == 0 {
				e, err := postmanenv.Load(envFile)
				if err != nil {
					t.Fatal(err)
				}
				if v, _ := e.Get(tt.wantVar[0]); !strings.HasPrefix(v, tt.wantVar[1]) {
					t.Errorf("postman %s = %q, want %q", tt.wantVar[0], v, tt.wantVar[1])
				}
			}
		})
	}
}
