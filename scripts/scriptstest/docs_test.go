package scriptstest

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/camvault/camvault/videos-api/routes"
)

// TestDocsListEveryRoute checks that docs/api.md's route table names every
// route of the route table, and no other.
func TestDocsListEveryRoute(t *testing.T) {
	b, err := os.ReadFile("../../docs/api.md")
	if err != nil {
		t.Fatal(err)
	}
	documented := map[string]bool{}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "| `"); ok {
			if route, _, ok := strings.Cut(rest, "` |"); ok && strings.Contains(route, " /") {
				documented[route] = true
			}
		}
	}
	for _, r := range routes.All() {
		key := r.Method + " " + r.Path
		if !documented[key] {
			t.Errorf("docs/api.md's Routes table lacks `%s`: add a row for it", key)
		}
		delete(documented, key)
	}
	for route := range documented {
		t.Errorf("docs/api.md lists `%s`, which is not in videos-api/routes", route)
	}
}

// TestRepoStandsAlone checks that no tracked file refers to documents
// outside the repository (a clone has only the repository).
func TestRepoStandsAlone(t *testing.T) {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("git", "-C", root, "ls-files", "-z").Output()
	if err != nil {
		t.Skipf("not a git checkout: %v", err)
	}
	for _, name := range strings.Split(strings.TrimRight(string(out), "\x00"), "\x00") {
		if name == "" || strings.HasSuffix(name, ".png") || strings.HasPrefix(name, "scripts/scriptstest/docs_test.go") {
			continue
		}
		b, err := os.ReadFile(filepath.Join(root, name))
		if err != nil {
			continue // deleted in the work tree
		}
		for _, ref := range []string{"../shared", "DESIGN.md"} {
			if strings.Contains(string(b), ref) {
				t.Errorf("%s refers to %q, outside the repository; say it in docs/ instead", name, ref)
			}
		}
	}
}
