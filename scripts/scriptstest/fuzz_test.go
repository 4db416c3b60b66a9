package scriptstest

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// fuzzTree writes a tiny module with two fuzz targets in two packages and
// returns its root, for fuzz.sh's FUZZ_ROOT.
func fuzzTree(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	files := map[string]string{
		"mod/go.mod":               "module example\n",
		"mod/a/a_test.go":          "package a\n\nfunc FuzzAlpha(f *testing.F) {}\n",
		"mod/b/c/c_test.go":        "package c\n\nfunc FuzzBeta(f *testing.F) {}\n",
		"mod/b/c/not_fuzz_test.go": "package c\n\nfunc TestGamma(t *testing.T) {}\n",
	}
	for name, body := range files {
		p := filepath.Join(root, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

// TestFuzzBudgets runs fuzz.sh with a stand-in for go (testdata/go) that ends
// each target the way FAKE_GO_MODE says: an execution count (make test) fails
// on anything, a duration (make fuzz) only on a reproducer, a panic or a
// build failure, and never on Go 1.26's deadline race alone.
func TestFuzzBudgets(t *testing.T) {
	tests := []struct {
		name      string
		budget    string
		mode      string
		wantCode  int
		wantOutIn string
	}{
		{name: "count, all pass", budget: "5000x", mode: "ok", wantOutIn: "fuzz: 2 targets ran for 5000x each"},
		{name: "count, deadline error fails", budget: "5000x", mode: "deadline", wantCode: 1, wantOutIn: "2 of 2 targets failed"},
		{name: "count, reproducer fails", budget: "100x", mode: "reproducer", wantCode: 1, wantOutIn: "FuzzAlpha"},
		{name: "duration, all pass", budget: "2m", mode: "ok", wantOutIn: "fuzz: 2 targets ran for 2m each"},
		{name: "duration, deadline race is not a failure", budget: "2m", mode: "deadline", wantOutIn: "not counted as a failure"},
		{name: "duration, reproducer fails", budget: "10s", mode: "reproducer", wantCode: 1, wantOutIn: "reproducer written to ./mod/b/c/testdata/fuzz/FuzzBeta/"},
		{name: "duration, panic fails", budget: "1h", mode: "panic", wantCode: 1, wantOutIn: "FuzzAlpha (mod/a): panic"},
		{name: "duration, build failure fails", budget: "30s", mode: "build", wantCode: 1, wantOutIn: "build failed"},
		{name: "no budget", wantCode: 2, wantOutIn: "usage:"},
		{name: "not a budget", budget: "soon", wantCode: 2, wantOutIn: "usage:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, false)
			b, err := os.ReadFile("testdata/go")
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(h.bin, "go"), b, 0o755); err != nil {
				t.Fatal(err)
			}
			root := fuzzTree(t)
			goLog := filepath.Join(t.TempDir(), "go.log")
			var args []string
			if tt.budget != "" {
				args = []string{tt.budget}
			}
			r := h.run("fuzz.sh", args, "FUZZ_ROOT="+root, "FAKE_GO_MODE="+tt.mode, "FAKE_GO_LOG="+goLog)
			out := r.stdout + r.stderr
			if r.code != tt.wantCode {
				t.Fatalf("exit %d, want %d\n%s", r.code, tt.wantCode, out)
			}
			if !strings.Contains(out, tt.wantOutIn) {
				t.Errorf("output lacks %q:\n%s", tt.wantOutIn, out)
			}
			if tt.wantCode == 2 {
				return
			}
			// Every target runs, even after a failure.
			calls, _ := os.ReadFile(goLog)
			if got, want := string(calls), "FuzzAlpha ./a\nFuzzBeta ./b/c\n"; got != want {
				t.Errorf("go test calls:\n%s\nwant:\n%s", got, want)
			}
		})
	}
}

// TestMakeTestFuzzesByCount checks that make test's fuzz step uses an
// execution count and make fuzz a duration.
func TestMakeTestFuzzesByCount(t *testing.T) {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	for target, want := range map[string]string{"test-fuzz-short": "scripts/fuzz.sh 5000x", "fuzz": "scripts/fuzz.sh 2m"} {
		out, err := exec.Command("make", "-s", "-n", "-C", root, target).CombinedOutput()
		if err != nil {
			t.Fatalf("make -n %s: %v\n%s", target, err, out)
		}
		if !strings.Contains(string(out), want) {
			t.Errorf("make -n %s = %q, want %q", target, out, want)
		}
	}
}

// TestTreeCheck runs tree-check.sh in a scratch git repository: a tree left
// as it was passes, a changed, rewritten or new file fails naming the path,
// and files under ignored paths (build/) do not count.
func TestTreeCheck(t *testing.T) {
	h := newHarness(t, false)
	root := t.TempDir()
	git := func(args ...string) {
		t.Helper()
		cmd := exec.Command("git", append([]string{"-c", "user.email=t@example.com", "-c", "user.name=t"}, args...)...)
		cmd.Dir = root
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %q: %v\n%s", args, err, out)
		}
	}
	write := func(name, body string) {
		t.Helper()
		p := filepath.Join(root, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	git("init", "-q")
	write(".gitignore", "/build/\n")
	write("docs/screenshots/timeline.png", "old picture")
	write("edited.txt", "one")
	git("add", ".")
	git("commit", "-qm", "init")
	write("edited.txt", "two") // a change the developer made before make test

	env := "TREE_CHECK_ROOT=" + root
	if r := h.run("tree-check.sh", []string{"snapshot"}, env); r.code != 0 {
		t.Fatalf("snapshot: exit %d\n%s", r.code, r.stderr)
	}
	write("build/out.txt", "anything")
	if r := h.run("tree-check.sh", []string{"compare"}, env); r.code != 0 {
		t.Fatalf("an unchanged tree (and build/ output) fails: exit %d\n%s", r.code, r.stderr)
	}
	for _, tt := range []struct{ name, file, body string }{
		{"tracked file overwritten", "docs/screenshots/timeline.png", "new picture"},
		{"changed file rewritten", "edited.txt", "three"},
		{"new file", "stray.log", "x"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			old, _ := os.ReadFile(filepath.Join(root, tt.file))
			write(tt.file, tt.body)
			r := h.run("tree-check.sh", []string{"compare"}, env)
			if r.code != 1 || !strings.Contains(r.stderr, "  "+tt.file+"\n") {
				t.Errorf("exit %d, stderr %q; want a failure naming %s", r.code, r.stderr, tt.file)
			}
			if old == nil {
				os.Remove(filepath.Join(root, tt.file))
			} else {
				write(tt.file, string(old))
			}
		})
	}
}
