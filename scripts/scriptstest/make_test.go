package scriptstest

import (
	"bytes"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// make runs make with args in the repo root, with the harness's PATH and
// environment (so a fake aws, or none) and extra env ("K=V").
func (h *harness) make(args []string, env ...string) run {
	h.t.Helper()
	_ = os.Remove(h.awsLog)
	cmd := exec.Command("make", args...)
	cmd.Dir = h.root
	cmd.Env = []string{
		"PATH=" + strings.Join(append([]string{h.bin}, h.systemBin...), string(os.PathListSeparator)),
		"HOME=" + os.Getenv("HOME"),
		"FAKE_AWS_LOG=" + h.awsLog,
	}
	for _, k := range []string{"GOCACHE", "GOMODCACHE", "GOPATH", "GOFLAGS", "GOPROXY", "TMPDIR"} {
		if v, ok := os.LookupEnv(k); ok {
			cmd.Env = append(cmd.Env, k+"="+v)
		}
	}
	cmd.Env = append(cmd.Env, env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	r := run{stdout: stdout.String(), stderr: stderr.String()}
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		r.code = exit.ExitCode()
	case err != nil:
		h.t.Fatalf("make %q: %v", args, err)
	}
	if b, err := os.ReadFile(h.awsLog); err == nil {
		for _, call := range strings.Split(strings.TrimSuffix(string(b), "\n\n"), "\n\n") {
			r.awsCalls = append(r.awsCalls, strings.Split(call, "\n"))
		}
	}
	return r
}

// TestMakeHelp checks make help's layout: one description column, no
// unexpanded make variables, and synth among the targets that need no AWS.
func TestMakeHelp(t *testing.T) {
	h := newHarness(t, false)
	r := h.make([]string{"help"})
	if r.code != 0 {
		t.Fatalf("make help: exit %d\n%s", r.code, r.stderr)
	}
	target := regexp.MustCompile(`^  ([a-z0-9_.-]+)( +)(\S.*)$`)
	col, section, n := -1, "", 0
	for _, line := range strings.Split(r.stdout, "\n") {
		if line != "" && !strings.HasPrefix(line, " ") {
			section = line
			continue
		}
		m := target.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		n++
		at := len("  ") + len(m[1]) + len(m[2])
		if col == -1 {
			col = at
		}
		if at != col || len(m[2]) < 2 {
			t.Errorf("%q: the description is not in the column of the others (%d)", line, col)
		}
		if strings.Contains(m[3], "$(") {
			t.Errorf("%q shows an unexpanded make variable", line)
		}
		if m[1] == "synth" && strings.Contains(section, "AWS credentials") {
			t.Errorf("synth needs no AWS credentials but is listed under %q", section)
		}
	}
	if n < 20 {
		t.Fatalf("make help listed %d targets:\n%s", n, r.stdout)
	}
}

// TestMakeToken checks that make token prints the token alone (so
// $(make token) works), with no command line echoed.
func TestMakeToken(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the token command")
	}
	issuer := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"id_token":"tok-` + r.PostFormValue("email") + `","expires_in":3600}`))
	}))
	defer issuer.Close()
	localJSON := filepath.Join(t.TempDir(), "local.json")
	if err := os.WriteFile(localJSON, []byte(`{"issuerUrl":"`+issuer.URL+`"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, false)
	r := h.make([]string{"token", "EMAIL=admin@example.com"}, "CAMVAULT_LOCAL_JSON="+localJSON)
	if r.code != 0 {
		t.Fatalf("make token: exit %d\n%s", r.code, r.stderr)
	}
	if r.stdout != "tok-admin@example.com\n" {
		t.Errorf("make token printed %q, want the token alone", r.stdout)
	}
}

// TestMakeAPIClientsDefaultToLocal checks that make openapi and make postman
// use the local stack unless STAGE is given, and never ask AWS then.
func TestMakeAPIClientsDefaultToLocal(t *testing.T) {
	h := newHarness(t, true)
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"-n", "openapi"}, "scripts/openapi.sh local"},
		{[]string{"-n", "postman"}, "scripts/postman.sh local"},
		{[]string{"-n", "openapi", "STAGE=qa"}, "scripts/openapi.sh qa"},
		{[]string{"-n", "postman", "STAGE=prod"}, "scripts/postman.sh prod"},
	} {
		r := h.make(tt.args)
		if r.code != 0 || !strings.Contains(r.stdout, tt.want) {
			t.Errorf("make %q: exit %d, output %q; want %q", tt.args, r.code, r.stdout, tt.want)
		}
	}
	// Run for real with no local stack: a clear pointer to make dev, no AWS.
	r := h.make([]string{"openapi"}, "CAMVAULT_LOCAL_JSON="+filepath.Join(t.TempDir(), "none.json"))
	if r.code == 0 || !strings.Contains(r.stderr, "make dev") {
		t.Errorf("make openapi without a stack: exit %d, stderr %q; want a failure naming make dev", r.code, r.stderr)
	}
	if len(r.awsCalls) > 0 {
		t.Errorf("make openapi called aws: %q", r.awsCalls)
	}
}

// TestMakeDeployChecksFirst checks that bootstrap, diff and deploy check the
// stage and the credentials before building anything, and say in one line
// what to do.
func TestMakeDeployChecksFirst(t *testing.T) {
	emptyHome := t.TempDir()
	tests := []struct {
		name      string
		withAWS   bool
		args      []string
		env       []string
		wantErrIn string
	}{
		{name: "deploy without credentials", withAWS: true, args: []string{"deploy"}, env: []string{"FAKE_AWS_MODE=nocreds"}, wantErrIn: "no usable AWS credentials"},
		{name: "diff without credentials", withAWS: true, args: []string{"diff", "STAGE=qa"}, env: []string{"FAKE_AWS_MODE=nocreds"}, wantErrIn: "AWS_PROFILE"},
		{name: "bootstrap without credentials", withAWS: true, args: []string{"bootstrap"}, env: []string{"FAKE_AWS_MODE=nocreds"}, wantErrIn: "no usable AWS credentials"},
		{name: "no aws CLI and nothing configured", args: []string{"deploy", "STAGE=prod"}, env: []string{"HOME=" + emptyHome}, wantErrIn: "no AWS credentials found"},
		{name: "unknown stage", withAWS: true, args: []string{"deploy", "STAGE=nope"}, wantErrIn: "unknown stage 'nope': use STAGE=dev, STAGE=qa or STAGE=prod"},
		{name: "unknown stage for diff", withAWS: true, args: []string{"diff", "STAGE=local"}, wantErrIn: "unknown stage 'local'"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, tt.withAWS)
			r := h.make(tt.args, tt.env...)
			if r.code == 0 {
				t.Fatalf("make %q succeeded:\n%s", tt.args, r.stdout)
			}
			lines := strings.Split(strings.TrimSpace(r.stderr), "\n")
			if !strings.Contains(lines[0], tt.wantErrIn) {
				t.Errorf("first error line %q, want %q\nstderr:\n%s", lines[0], tt.wantErrIn, r.stderr)
			}
			if strings.Contains(r.stdout, "bootstrap") || strings.Contains(r.stdout, "npm") || strings.Contains(r.stdout, "cdk") {
				t.Errorf("built or synthesized before checking:\n%s", r.stdout)
			}
			if strings.HasPrefix(tt.name, "unknown stage") && len(r.awsCalls) > 0 {
				t.Errorf("asked AWS about an unknown stage: %q", r.awsCalls)
			}
		})
	}
}
