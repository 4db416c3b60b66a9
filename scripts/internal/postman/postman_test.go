package postman

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/camvault/camvault/scripts/internal/openapidoc"
)

const baseURL = "http://127.0.0.1:4000/dev"

func fixture(t *testing.T) ([]byte, []openapidoc.Operation) {
	t.Helper()
	coll, err := os.ReadFile("testdata/generated.postman_collection.json")
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile("testdata/openapi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := openapidoc.Parse(b)
	if err != nil {
		t.Fatal(err)
	}
	return coll, doc.Operations()
}

// request is what the tests need of a finished request.
type request struct {
	name, method, path string
	auth               map[string]any
	pathVars           map[string]string
	enabledQuery       []string
	script             string
}

// flatten lists the requests in run order, with their folder names.
func flatten(t *testing.T, items []any, folder string) []request {
	t.Helper()
	var out []request
	for _, it := range items {
		m := it.(map[string]any)
		if sub, ok := m["item"].([]any); ok {
			out = append(out, flatten(t, sub, folder+"/"+m["name"].(string))...)
			continue
		}
		req := m["request"].(map[string]any)
		url := req["url"].(map[string]any)
		r := request{name: folder + "/" + m["name"].(string), method: req["method"].(string), pathVars: map[string]string{}}
		var segs []string
		for _, s := range url["path"].([]any) {
			segs = append(segs, s.(string))
		}
		r.path = "/" + strings.Join(segs, "/")
		r.auth, _ = req["auth"].(map[string]any)
		for _, v := range asSlice(url["variable"]) {
			vm := v.(map[string]any)
			r.pathVars[vm["key"].(string)] = vm["value"].(string)
		}
		for _, q := range asSlice(url["query"]) {
			qm := q.(map[string]any)
			if d, _ := qm["disabled"].(bool); !d {
				r.enabledQuery = append(r.enabledQuery, qm["key"].(string))
			}
		}
		for _, e := range asSlice(m["event"]) {
			em := e.(map[string]any)
			if em["listen"] == "test" {
				for _, l := range em["script"].(map[string]any)["exec"].([]any) {
					r.script += l.(string) + "\n"
				}
			}
		}
		out = append(out, r)
	}
	return out
}

func TestProcess(t *testing.T) {
	coll, ops := fixture(t)
	for _, withChecks := range []bool{false, true} {
		name := "plain"
		if withChecks {
			name = "with checks"
		}
		t.Run(name, func(t *testing.T) {
			out, err := Process(coll, Options{BaseURL: baseURL, Operations: ops, Checks: withChecks})
			if err != nil {
				t.Fatal(err)
			}
			var c map[string]any
			if err := json.Unmarshal(out, &c); err != nil {
				t.Fatal(err)
			}
			if c["info"].(map[string]any)["schema"] != SchemaV21 {
				t.Error("not a v2.1 collection any more")
			}
			auth, _ := json.Marshal(c["auth"])
			if string(auth) != `{"bearer":[{"key":"token","type":"string","value":"{{token}}"}],"type":"bearer"}` {
				t.Errorf("collection auth = %s", auth)
			}
			vars := map[string]string{}
			for _, v := range c["variable"].([]any) {
				m := v.(map[string]any)
				vars[m["key"].(string)] = m["value"].(string)
			}
			for k, want := range map[string]string{"baseUrl": baseURL, "token": "", "cameraId": "front-door", "videoId": "01J0000000000000000000000"} {
				if got, ok := vars[k]; !ok || got != want {
					t.Errorf("variable %s = %q (%v), want %q", k, got, ok, want)
				}
			}
			if s, _ := json.Marshal(c["event"]); !strings.Contains(string(s), "below(500)") {
				t.Errorf("no collection-level 5xx test: %s", s)
			}

			reqs := flatten(t, c["item"].([]any), "")
			var generated, checked []request
			for _, r := range reqs {
				if strings.HasPrefix(r.name, "/contract checks/") {
					checked = append(checked, r)
				} else {
					generated = append(generated, r)
				}
			}
			if len(generated) != len(ops) {
				t.Fatalf("%d generated requests, want %d", len(generated), len(ops))
			}
			if wantN := map[bool]int{false: 0, true: len(checks) + len(consoleChecks) + len(alertChecks)}[withChecks]; len(checked) != wantN {
				t.Errorf("%d checks in the collection, want %d", len(checked), wantN)
			}
			order := map[string]int{}
			for i, r := range generated {
				order[r.method+" "+r.path] = i
				if r.auth != nil {
					t.Errorf("%s: own auth %v, want it inherited", r.name, r.auth)
				}
				for k, v := range r.pathVars {
					if v != "{{"+k+"}}" {
						t.Errorf("%s: path variable %s = %q, want {{%s}}", r.name, k, v, k)
					}
				}
				if len(r.enabledQuery) != 0 {
					t.Errorf("%s: optional query parameters enabled: %v", r.name, r.enabledQuery)
				}
				if !strings.Contains(r.script, "status is documented") {
					t.Errorf("%s: no documented-status test", r.name)
				}
			}
			if !strings.Contains(generated[order["GET /cameras"]].script, "pm.collectionVariables.set('cameraId'") {
				t.Error("GET /cameras does not remember a camera")
			}
			for _, p := range []string{"GET /videos", "GET /cameras/:cameraId/videos"} {
				if !strings.Contains(generated[order[p]].script, "pm.collectionVariables.set('videoId'") {
					t.Errorf("%s does not remember a clip", p)
				}
			}
			if !strings.Contains(generated[order["GET /cameras/:cameraId/videos"]].script, "var codes = [200,400,401,403,404]") {
				t.Errorf("documented codes of the camera's videos: %s", generated[order["GET /cameras/:cameraId/videos"]].script)
			}
			for _, before := range [][2]string{
				{"GET /cameras", "GET /cameras/:cameraId/videos"},
				{"GET /cameras/:cameraId/videos", "GET /cameras/:cameraId/videos/:videoId"},
				{"GET /cameras/:cameraId/videos/:videoId", "DELETE /cameras/:cameraId/videos/:videoId"},
			} {
				if order[before[0]] > order[before[1]] {
					t.Errorf("%s runs after %s", before[0], before[1])
				}
			}
			if withChecks {
				byName := map[string]request{}
				for _, r := range checked {
					byName[strings.TrimPrefix(r.name, "/contract checks/")] = r
				}
				for name, wantAuth := range map[string]string{
					"401 without a token":           `{"type":"noauth"}`,
					"403 for a stranger":            `{"bearer":[{"key":"token","type":"string","value":"{{strangerToken}}"}],"type":"bearer"}`,
					"an admin deletes the clip":     `{"bearer":[{"key":"token","type":"string","value":"{{adminToken}}"}],"type":"bearer"}`,
					"400 for a bad limit":           `null`,
					"CORS preflight needs no token": `{"type":"noauth"}`,
				} {
					r, ok := byName[name]
					if !ok {
						t.Errorf("no check %q", name)
						continue
					}
					if got, _ := json.Marshal(r.auth); string(got) != wantAuth {
						t.Errorf("%s: auth %s, want %s", name, got, wantAuth)
					}
				}
				if i, j := indexOf(checked, "an admin deletes the clip"), indexOf(checked, "404 for the deleted clip"); i < 0 || j != i+1 {
					t.Errorf("the deleted clip is not looked up right after the delete (%d, %d)", i, j)
				}
			}
			collectionScript := ""
			for _, l := range c["event"].([]any)[0].(map[string]any)["script"].(map[string]any)["exec"].([]any) {
				collectionScript += l.(string) + "\n"
			}
			checkScriptsParse(t, append(reqs, request{name: "collection", script: collectionScript}))
		})
	}
}

func indexOf(rs []request, name string) int {
	for i, r := range rs {
		if strings.HasSuffix(r.name, "/"+name) {
			return i
		}
	}
	return -1
}

// checkScriptsParse compiles every test script with node, when node is
// installed, so a typo in a script fails here and not in newman.
func checkScriptsParse(t *testing.T, reqs []request) {
	t.Helper()
	node, err := exec.LookPath("node")
	if err != nil {
		t.Log("node not installed: scripts not compiled")
		return
	}
	var src strings.Builder
	for i, r := range reqs {
		fmt.Fprintf(&src, "// %s\nfunction script%d(pm) {\n%s}\n", r.name, i, r.script)
	}
	f := filepath.Join(t.TempDir(), "scripts.js")
	if err := os.WriteFile(f, []byte(src.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(node, "--check", f).CombinedOutput(); err != nil {
		t.Errorf("a test script does not parse: %v\n%s", err, out)
	}
}

func TestProcessRefuses(t *testing.T) {
	coll, ops := fixture(t)
	extra := append(append([]openapidoc.Operation(nil), ops...), openapidoc.Operation{Method: "POST", Path: "/cameras"})
	tests := []struct {
		name      string
		coll      []byte
		opts      Options
		wantErrIn string
	}{
		{name: "not json", coll: []byte("{"), opts: Options{BaseURL: baseURL, Operations: ops}, wantErrIn: "postman collection"},
		{name: "v2.0", coll: []byte(`{"info":{"schema":"https://schema.getpostman.com/json/collection/v2.0.0/collection.json"},"item":[]}`), opts: Options{BaseURL: baseURL, Operations: ops}, wantErrIn: "v2.1"},
		{name: "no base url", coll: coll, opts: Options{Operations: ops}, wantErrIn: "base URL"},
		{name: "operation without a request", coll: coll, opts: Options{BaseURL: baseURL, Operations: extra}, wantErrIn: "no request for POST /cameras"},
		{name: "request without an operation", coll: coll, opts: Options{BaseURL: baseURL, Operations: ops[1:]}, wantErrIn: "not an operation"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := Process(tt.coll, tt.opts); err == nil || !strings.Contains(err.Error(), tt.wantErrIn) {
				t.Fatalf("Process() error = %v, want %q", err, tt.wantErrIn)
			}
		})
	}
}
