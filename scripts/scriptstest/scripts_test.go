package scriptstest

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// run is one run of a script.
type run struct {
	code           int
	stdout, stderr string
	awsCalls       [][]string // the fake aws CLI's argument lists
}

// harness runs the scripts with a controlled PATH and environment.
type harness struct {
	t         *testing.T
	scripts   string // the scripts directory
	root      string // the repo root
	bin       string // a PATH directory, with the fake aws when wanted
	awsLog    string
	apiDir    string
	systemBin []string
}

func newHarness(t *testing.T, withAWS bool) *harness {
	t.Helper()
	scripts, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	h := &harness{t: t, scripts: scripts, root: filepath.Dir(scripts), bin: t.TempDir(), apiDir: filepath.Join(t.TempDir(), "api")}
	h.awsLog = filepath.Join(t.TempDir(), "aws.log")
	if withAWS {
		b, err := os.ReadFile("testdata/aws")
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(h.bin, "aws"), b, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	// go (for the apidoc helper), node, and the system's tools; never a
	// real aws.
	for _, tool := range []string{"go", "node"} {
		if p, err := exec.LookPath(tool); err == nil {
			h.systemBin = append(h.systemBin, filepath.Dir(p))
		}
	}
	h.systemBin = append(h.systemBin, "/usr/bin", "/bin")
	for _, d := range h.systemBin {
		if _, err := os.Stat(filepath.Join(d, "aws")); err == nil {
			t.Skipf("a real aws CLI is in %s, which the scripts need for other tools", d)
		}
	}
	return h
}

// run runs script with args from a directory outside the repo, with the
// extra environment variables env ("K=V").
func (h *harness) run(script string, args []string, env ...string) run {
	h.t.Helper()
	_ = os.Remove(h.awsLog)
	cmd := exec.Command(filepath.Join(h.scripts, script), args...)
	cmd.Dir = h.t.TempDir()
	cmd.Env = []string{
		"PATH=" + strings.Join(append([]string{h.bin}, h.systemBin...), string(os.PathListSeparator)),
		"HOME=" + os.Getenv("HOME"),
		"FAKE_AWS_LOG=" + h.awsLog,
		"API_DIR=" + h.apiDir,
	}
	for _, k := range []string{"GOCACHE", "GOMODCACHE", "GOPATH", "GOFLAGS", "GOPROXY", "GOWORK", "TMPDIR"} {
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
		h.t.Fatalf("run %s: %v", script, err)
	}
	if b, err := os.ReadFile(h.awsLog); err == nil {
		for _, call := range strings.Split(strings.TrimSuffix(string(b), "\n\n"), "\n\n") {
			r.awsCalls = append(r.awsCalls, strings.Split(call, "\n"))
		}
	}
	return r
}

// arg returns the value after flag in call, or "".
func arg(call []string, flag string) string {
	for i := 0; i+1 < len(call); i++ {
		if call[i] == flag {
			return call[i+1]
		}
	}
	return ""
}

func TestExportAPI(t *testing.T) {
	tests := []struct {
		name           string
		noAWS          bool
		mode           string
		args           []string
		wantCode       int
		wantErrIn      string
		wantExportType string
		wantParameters string
		wantFile       string
	}{
		{name: "oas30 by default", args: []string{"dev"}, wantExportType: "oas30", wantParameters: "extensions=integrations", wantFile: "camvault-dev-oas30.json"},
		{name: "swagger", args: []string{"qa", "swagger"}, wantExportType: "swagger", wantParameters: "extensions=integrations", wantFile: "camvault-qa-swagger.json"},
		{name: "postman", args: []string{"prod", "postman"}, wantExportType: "oas30", wantParameters: "extensions=postman", wantFile: "camvault-prod-postman.json"},
		{name: "no aws CLI", noAWS: true, args: []string{"dev"}, wantCode: 1, wantErrIn: "AWS CLI (aws) is not installed"},
		{name: "no credentials", mode: "nocreds", args: []string{"dev"}, wantCode: 1, wantErrIn: "no usable AWS credentials"},
		{name: "no stack", mode: "nostack", args: []string{"qa"}, wantCode: 1, wantErrIn: "cannot read stack camvault-qa"},
		{name: "no output", mode: "nooutput", args: []string{"dev"}, wantCode: 1, wantErrIn: "stack camvault-dev has no output RestApiId"},
		{name: "export fails", mode: "exportfails", args: []string{"dev"}, wantCode: 1, wantErrIn: "get-export failed"},
		{name: "unknown format", args: []string{"dev", "raml"}, wantCode: 1, wantErrIn: "unknown format 'raml'"},
		{name: "unknown stage", args: []string{"staging"}, wantCode: 1, wantErrIn: "unknown stage 'staging'"},
		{name: "local is not in AWS", args: []string{"local"}, wantCode: 1, wantErrIn: "make openapi STAGE=local"},
		{name: "no stage", args: nil, wantCode: 2, wantErrIn: "usage:"},
		{name: "too many arguments", args: []string{"dev", "oas30", "x"}, wantCode: 2, wantErrIn: "usage:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, !tt.noAWS)
			r := h.run("export-api.sh", tt.args, "FAKE_AWS_MODE="+tt.mode)
			if r.code != tt.wantCode {
				t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", r.code, tt.wantCode, r.stdout, r.stderr)
			}
			if tt.wantErrIn != "" {
				if !strings.Contains(r.stderr, tt.wantErrIn) {
					t.Errorf("stderr = %q, want %q", r.stderr, tt.wantErrIn)
				}
				for _, call := range r.awsCalls {
					if call[0] == "apigateway" {
						if tt.mode != "exportfails" {
							t.Errorf("exported despite the error: %q", call)
						}
					}
				}
				return
			}
			if len(r.awsCalls) != 3 {
				t.Fatalf("aws calls = %q, want sts, cloudformation, apigateway", r.awsCalls)
			}
			if got := r.awsCalls[1]; got[0] != "cloudformation" || arg(got, "--stack-name") != "camvault-"+tt.args[0] || !strings.Contains(arg(got, "--query"), "'RestApiId'") {
				t.Errorf("describe-stacks call = %q", got)
			}
			call := r.awsCalls[2]
			out := filepath.Join(h.apiDir, tt.wantFile)
			for flag, want := range map[string]string{
				"--rest-api-id": "abc123defg", "--stage-name": tt.args[0],
				"--export-type": tt.wantExportType, "--parameters": tt.wantParameters,
			} {
				if got := arg(call, flag); got != want {
					t.Errorf("get-export %s = %q, want %q (call %q)", flag, got, want, call)
				}
			}
			if call[len(call)-1] != out {
				t.Errorf("get-export writes %q, want %q", call[len(call)-1], out)
			}
			if b, err := os.ReadFile(out); err != nil || !json.Valid(b) {
				t.Errorf("export file %s: %v", out, err)
			}
		})
	}
}

func TestOpenAPI(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the apidoc helper")
	}
	dir := t.TempDir()
	localJSON := filepath.Join(dir, "local.json")
	if err := os.WriteFile(localJSON, []byte(`{"apiUrl":"http://127.0.0.1:45678/dev","stage":"dev"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name       string
		noAWS      bool
		args       []string
		env        []string
		wantCode   int
		wantErrIn  string
		wantServer string
	}{
		{name: "local from --local-json", noAWS: true, args: []string{"local", "--local-json", localJSON}, wantServer: "http://127.0.0.1:45678/dev"},
		{name: "local from CAMVAULT_LOCAL_JSON", noAWS: true, args: []string{"local"}, env: []string{"CAMVAULT_LOCAL_JSON=" + localJSON}, wantServer: "http://127.0.0.1:45678/dev"},
		{name: "a deployed stage's ApiUrl output", args: []string{"qa"}, wantServer: "https://abc123defg.execute-api.eu-west-1.amazonaws.com/qa"},
		{name: "API_URL needs no AWS", noAWS: true, args: []string{"prod"}, env: []string{"API_URL=https://api.example.com/prod"}, wantServer: "https://api.example.com/prod"},
		{name: "no local stack", noAWS: true, args: []string{"local", "--local-json", filepath.Join(dir, "none.json")}, wantCode: 1, wantErrIn: "make dev"},
		{name: "deployed stage without aws", noAWS: true, args: []string{"dev"}, wantCode: 1, wantErrIn: "AWS CLI (aws) is not installed"},
		{name: "unknown stage", args: []string{"staging"}, wantCode: 1, wantErrIn: "unknown stage"},
		{name: "no stage", wantCode: 2, wantErrIn: "usage:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, !tt.noAWS)
			r := h.run("openapi.sh", tt.args, tt.env...)
			if r.code != tt.wantCode {
				t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", r.code, tt.wantCode, r.stdout, r.stderr)
			}
			if tt.wantErrIn != "" {
				if !strings.Contains(r.stderr, tt.wantErrIn) {
					t.Errorf("stderr = %q, want %q", r.stderr, tt.wantErrIn)
				}
				return
			}
			b, err := os.ReadFile(filepath.Join(h.apiDir, "openapi-"+tt.args[0]+".yaml"))
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(b), "servers:\n  - url: "+tt.wantServer+"\n") {
				t.Errorf("document's servers are not %s:\n%.600s", tt.wantServer, b)
			}
			if !strings.Contains(string(b), "operationId: deleteVideo") {
				t.Error("the document lost its operations")
			}
		})
	}
}

func TestPostman(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the apidoc helper and runs openapi2postmanv2")
	}
	h := newHarness(t, false)
	if _, err := os.Stat(filepath.Join(h.root, "node_modules/.bin/openapi2postmanv2")); err != nil {
		t.Skip("openapi2postmanv2 is not installed (make deps)")
	}
	env := filepath.Join(h.apiDir, "camvault-qa.postman_environment.json")
	r := h.run("postman.sh", []string{"qa"}, "API_URL=https://api.example.com/qa")
	if r.code != 0 {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	var coll struct {
		Info     struct{ Schema string }
		Auth     map[string]any
		Variable []struct{ Key, Value string }
	}
	b, err := os.ReadFile(filepath.Join(h.apiDir, "camvault.postman_collection.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &coll); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(coll.Info.Schema, "v2.1.0") {
		t.Errorf("schema = %q", coll.Info.Schema)
	}
	if a, _ := json.Marshal(coll.Auth); !strings.Contains(string(a), `"value":"{{token}}"`) {
		t.Errorf("auth = %s", a)
	}
	if strings.Contains(string(b), "contract checks") {
		t.Error("the checks folder is in a collection made without --checks")
	}
	// A token put in the environment survives the next generation.
	e := readEnv(t, env)
	if e["baseUrl"] != "https://api.example.com/qa" || e["token"] != "" {
		t.Errorf("environment = %v", e)
	}
	setEnv(t, env, "token", "kept")
	r = h.run("postman.sh", []string{"qa", "--checks"}, "API_URL=https://api2.example.com/qa")
	if r.code != 0 {
		t.Fatalf("second run: exit %d\n%s", r.code, r.stderr)
	}
	if e := readEnv(t, env); e["baseUrl"] != "https://api2.example.com/qa" || e["token"] != "kept" {
		t.Errorf("after regenerating, environment = %v, want the new baseUrl and the kept token", e)
	}
	if b, _ := os.ReadFile(filepath.Join(h.apiDir, "camvault.postman_collection.json")); !strings.Contains(string(b), "contract checks") {
		t.Error("--checks did not add the checks folder")
	}
}

func readEnv(t *testing.T, path string) map[string]string {
	t.Helper()
	var e struct{ Values []struct{ Key, Value string } }
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &e); err != nil {
		t.Fatal(err)
	}
	m := map[string]string{}
	for _, v := range e.Values {
		m[v.Key] = v.Value
	}
	return m
}

func setEnv(t *testing.T, path, key, value string) {
	t.Helper()
	var e map[string]any
	b, _ := os.ReadFile(path)
	if err := json.Unmarshal(b, &e); err != nil {
		t.Fatal(err)
	}
	for _, v := range e["values"].([]any) {
		if m := v.(map[string]any); m["key"] == key {
			m["value"] = value
		}
	}
	b, _ = json.Marshal(e)
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestNewmanStackFailures runs newman.sh with stand-ins for the local stack
// that never get ready, and checks that it fails clearly and stops them.
func TestNewmanStackFailures(t *testing.T) {
	h := newHarness(t, false)
	if _, err := os.Stat(filepath.Join(h.root, "node_modules/.bin/newman")); err != nil {
		t.Skip("newman is not installed (make deps)")
	}
	for _, tool := range []string{"token", "upload-clip"} {
		if _, err := os.Stat(filepath.Join(h.root, "build/bin", tool)); err != nil {
			t.Skip("build/bin/" + tool + " is not built (make tools)")
		}
	}
	tests := []struct {
		name      string
		stack     string // the stand-in's script body; $1.. are the flags
		timeout   string // NEWMAN_STACK_TIMEOUT
		wantErrIn string
	}{
		{name: "never ready", stack: "echo $$ > \"$PIDFILE\"\nexec sleep 300", timeout: "2", wantErrIn: "not ready within 2s"},
		// A generous timeout: the stand-in's exit must be noticed, not waited out.
		{name: "exits at once", stack: "echo $$ > \"$PIDFILE\"\necho 'port in use' >&2\nexit 3", timeout: "120", wantErrIn: "exited before it was ready"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			stack := filepath.Join(dir, "camvault-local")
			pidFile := filepath.Join(dir, "pid")
			if err := os.WriteFile(stack, []byte("#!/usr/bin/env bash\n"+tt.stack+"\n"), 0o755); err != nil {
				t.Fatal(err)
			}
			r := h.run("newman.sh", nil, "CAMVAULT_LOCAL_BIN="+stack, "NEWMAN_STACK_TIMEOUT="+tt.timeout, "PIDFILE="+pidFile)
			if r.code == 0 || !strings.Contains(r.stderr, tt.wantErrIn) {
				t.Fatalf("exit %d, stderr %q; want a failure saying %q", r.code, r.stderr, tt.wantErrIn)
			}
			if tt.name == "exits at once" && !strings.Contains(r.stderr, "port in use") {
				t.Errorf("the stack's log is not shown on failure: %q", r.stderr)
			}
			b, err := os.ReadFile(pidFile)
			if err != nil {
				t.Fatalf("the stand-in did not start: %v", err)
			}
			pid := strings.TrimSpace(string(b))
			if err := exec.Command("kill", "-0", pid).Run(); err == nil {
				exec.Command("kill", "-KILL", pid).Run()
				t.Errorf("newman.sh left the local stack (pid %s) running", pid)
			}
		})
	}
}

func TestProvisionCamera(t *testing.T) {
	tests := []struct {
		name      string
		mode      string
		args      []string
		wantCode  int
		wantErrIn string
	}{
		{name: "dev camera", args: []string{"dev", "driveway"}},
		{name: "prod camera", args: []string{"prod", "front-door-2"}},
		{name: "exists already", mode: "userexists", args: []string{"dev", "driveway"}, wantCode: 1, wantErrIn: "exists already"},
		{name: "no stack", mode: "nostack", args: []string{"qa", "driveway"}, wantCode: 1, wantErrIn: "cannot read stack camvault-qa"},
		{name: "bad camera id", args: []string{"dev", "Front Door"}, wantCode: 1, wantErrIn: "camera id 'Front Door'"},
		{name: "path in camera id", args: []string{"dev", "a/../b"}, wantCode: 1, wantErrIn: "camera id"},
		{name: "local", args: []string{"local", "driveway"}, wantCode: 1, wantErrIn: "local stack makes its camera keys"},
		{name: "unknown stage", args: []string{"staging", "driveway"}, wantCode: 1, wantErrIn: "unknown stage"},
		{name: "no camera", args: []string{"dev"}, wantCode: 2, wantErrIn: "usage:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, true)
			r := h.run("provision-camera.sh", tt.args, "FAKE_AWS_MODE="+tt.mode)
			if r.code != tt.wantCode {
				t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", r.code, tt.wantCode, r.stdout, r.stderr)
			}
			if tt.wantErrIn != "" {
				if !strings.Contains(r.stderr, tt.wantErrIn) {
					t.Errorf("stderr = %q, want %q", r.stderr, tt.wantErrIn)
				}
				if strings.Contains(r.stdout, "AWS_SECRET_ACCESS_KEY") {
					t.Errorf("printed a key despite the error: %q", r.stdout)
				}
				for _, call := range r.awsCalls {
					if call[0] == "iam" && call[1] != "get-user" {
						t.Errorf("changed IAM despite the error: %q", call)
					}
				}
				return
			}
			stage, camera := tt.args[0], tt.args[1]
			user := "camvault-" + stage + "-camera-" + camera
			var created, attached, keyed bool
			for _, call := range r.awsCalls {
				if call[0] != "iam" {
					continue
				}
				switch call[1] {
				case "create-user":
					created = arg(call, "--user-name") == user && arg(call, "--path") == "/camvault/"+stage+"/cameras/" &&
						arg(call, "--tags") == "Key=camvault-camera,Value="+camera
				case "attach-user-policy":
					attached = arg(call, "--user-name") == user && arg(call, "--policy-arn") == "arn:aws:iam::123456789012:policy/camvault-"+stage+"-CameraUploadPolicy"
				case "create-access-key":
					keyed = arg(call, "--user-name") == user
				}
			}
			if !created || !attached || !keyed {
				t.Errorf("IAM calls %q: user created %v, policy attached %v, key created %v", r.awsCalls, created, attached, keyed)
			}
			env := map[string]string{}
			for _, line := range strings.Split(r.stdout, "\n") {
				if k, v, ok := strings.Cut(line, "="); ok && !strings.HasPrefix(line, "#") {
					env[k] = v
				}
			}
			want := map[string]string{
				"CAMVAULT_CAMERA_ID": camera, "CAMVAULT_BUCKET": "camvault-" + stage + "-clips-123456789012-eu-west-1",
				"AWS_REGION": "eu-west-1", "AWS_ACCESS_KEY_ID": "AKIAFAKECAMERA000001",
				"AWS_SECRET_ACCESS_KEY": "fakeSecretForTests0000000000000000000000",
			}
			for k, v := range want {
				if env[k] != v {
					t.Errorf("%s = %q, want %q\nstdout:\n%s", k, env[k], v, r.stdout)
				}
			}
			if len(env) != len(want) {
				t.Errorf("printed %d settings, want exactly %d: %v", len(env), len(want), env)
			}
			if strings.Contains(r.stderr, "fakeSecret") {
				t.Errorf("the secret went to stderr: %q", r.stderr)
			}
		})
	}
}
