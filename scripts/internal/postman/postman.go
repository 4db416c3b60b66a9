// Package postman finishes the Postman v2.1 collection that openapi2postmanv2
// makes from camvault's OpenAPI document: the collection's auth becomes
// Bearer {{token}}, {{baseUrl}} and the path ids become collection variables
// that the list requests fill in from their answers, and every request gets
// a test that its status is one the document lists (and never a 5xx). With
// Checks, it adds a folder of contract checks (401, 403, 400, 404, admin
// DELETE, CORS preflight, a signed URL's Range request) for newman.
package postman

import (
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/camvault/camvault/scripts/internal/openapidoc"
)

// SchemaV21 is the schema URL of a Postman v2.1 collection.
const SchemaV21 = "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"

// Options says how to finish a collection.
type Options struct {
	// BaseURL is the stage's invoke URL, the default of {{baseUrl}}.
	BaseURL string
	// Operations are the OpenAPI document's operations; every request of
	// the collection must be one of them.
	Operations []openapidoc.Operation
	// Checks adds the contract-checks folder, which uses the variables
	// adminToken and strangerToken besides token.
	Checks bool
}

// Process returns the finished collection.
func Process(collection []byte, opts Options) ([]byte, error) {
	var c map[string]any
	if err := json.Unmarshal(collection, &c); err != nil {
		return nil, fmt.Errorf("postman collection: %w", err)
	}
	info, _ := c["info"].(map[string]any)
	if info == nil || info["schema"] != SchemaV21 {
		return nil, errors.New("postman collection: not a v2.1 collection (info.schema)")
	}
	if opts.BaseURL == "" {
		return nil, errors.New("postman collection: empty base URL")
	}
	items, _ := c["item"].([]any)
	if len(items) == 0 {
		return nil, errors.New("postman collection: no requests")
	}

	c["auth"] = bearer("{{token}}")
	vars := newVariables(c["variable"])
	vars.set("baseUrl", opts.BaseURL)
	vars.setDefault("token", "")

	seen := map[string]bool{}
	if err := walk(items, func(item map[string]any) error {
		return finishRequest(item, opts.Operations, vars, seen)
	}); err != nil {
		return nil, err
	}
	sortItems(items)
	for _, op := range opts.Operations {
		if !seen[op.Method+" "+op.Path] {
			return nil, fmt.Errorf("postman collection: no request for %s %s", op.Method, op.Path)
		}
	}
	if opts.Checks {
		items = append(items, checksFolder())
	}
	c["item"] = items
	c["variable"] = vars.list
	c["event"] = []any{event("test", collectionTest)}
	out, err := json.MarshalIndent(c, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("postman collection: %w", err)
	}
	return append(out, '\n'), nil
}

// walk calls f on every request item (folders have "item", requests have
// "request").
func walk(items []any, f func(map[string]any) error) error {
	for _, it := range items {
		m, ok := it.(map[string]any)
		if !ok {
			continue
		}
		if sub, ok := m["item"].([]any); ok {
			if err := walk(sub, f); err != nil {
				return err
			}
			continue
		}
		if _, ok := m["request"].(map[string]any); ok {
			if err := f(m); err != nil {
				return err
			}
		}
	}
	return nil
}

// sortItems puts, in every folder, requests before folders and GETs before
// other methods, keeping the order otherwise: lists run first and fill in the
// ids, DELETE runs after the GET of the same clip.
func sortItems(items []any) {
	rank := func(it any) int {
		m, _ := it.(map[string]any)
		if _, ok := m["item"].([]any); ok {
			return 2
		}
		if req, _ := m["request"].(map[string]any); req != nil && req["method"] == "GET" {
			return 0
		}
		return 1
	}
	for _, it := range items {
		if m, _ := it.(map[string]any); m != nil {
			if sub, ok := m["item"].([]any); ok {
				sortItems(sub)
			}
		}
	}
	sort.SliceStable(items, func(a, b int) bool { return rank(items[a]) < rank(items[b]) })
}

// finishRequest wires one generated request to the variables and adds its
// tests.
func finishRequest(item map[string]any, ops []openapidoc.Operation, vars *variables, seen map[string]bool) error {
	req := item["request"].(map[string]any)
	delete(req, "auth") // inherit the collection's Bearer {{token}}
	method, _ := req["method"].(string)
	url, _ := req["url"].(map[string]any)
	if url == nil {
		return fmt.Errorf("postman collection: request %q has no structured url", item["name"])
	}
	var segs []string
	for _, p := range asSlice(url["path"]) {
		s, _ := p.(string)
		if strings.HasPrefix(s, ":") {
			s = "{" + s[1:] + "}"
		}
		segs = append(segs, s)
	}
	path := "/" + strings.Join(segs, "/")
	for _, v := range asSlice(url["variable"]) {
		m, _ := v.(map[string]any)
		key, _ := m["key"].(string)
		if key == "" {
			continue
		}
		if example, _ := m["value"].(string); example != "" && !strings.HasPrefix(example, "{{") {
			vars.setDefault(key, example)
		} else {
			vars.setDefault(key, "")
		}
		m["value"] = "{{" + key + "}}"
	}
	for _, q := range asSlice(url["query"]) {
		m, _ := q.(map[string]any)
		desc, _ := m["description"].(map[string]any)
		content, _ := desc["content"].(string)
		if !strings.Contains(content, "(Required)") {
			m["disabled"] = true // optional filters stay off until someone turns them on
		}
	}
	var op *openapidoc.Operation
	for i := range ops {
		if ops[i].Method == method && ops[i].Path == path {
			op = &ops[i]
		}
	}
	if op == nil {
		return fmt.Errorf("postman collection: %s %s is not an operation of the OpenAPI document", method, path)
	}
	seen[method+" "+path] = true
	script := documentedTest(*op)
	switch {
	case method == "GET" && path == "/cameras":
		script = append(script, rememberCamera...)
	case method == "GET" && (path == "/videos" || path == "/cameras/{cameraId}/videos"):
		script = append(script, rememberVideo...)
	}
	item["event"] = []any{event("test", script)}
	return nil
}

// documentedTest asserts that the status is one the operation documents
// below 500.
func documentedTest(op openapidoc.Operation) []string {
	// 5xx is never a pass, documented or not.
	statuses, hundreds := []int{}, []int{}
	for _, s := range op.Statuses {
		if s < 500 {
			statuses = append(statuses, s)
		}
	}
	for _, r := range op.Ranges {
		if r < 5 {
			hundreds = append(hundreds, r)
		}
	}
	codes, _ := json.Marshal(statuses)
	ranges, _ := json.Marshal(hundreds)
	return []string{
		fmt.Sprintf("pm.test(%q, function () {", fmt.Sprintf("status is documented for %s %s", op.Method, op.Path)),
		fmt.Sprintf("  var codes = %s, ranges = %s, code = pm.response.code;", codes, ranges),
		"  pm.expect(codes.indexOf(code) >= 0 || ranges.indexOf(Math.floor(code / 100)) >= 0, 'status ' + code + ' is not in ' + JSON.stringify(codes)).to.be.true;",
		"});",
	}
}

// collectionTest runs after every request of the collection.
var collectionTest = []string{
	"pm.test('no 5xx', function () {",
	"  pm.expect(pm.response.code, pm.info.requestName).to.be.below(500);",
	"});",
}

// rememberCamera picks a camera with clips (else the first) for the
// requests that take {{cameraId}}.
var rememberCamera = []string{
	"if (pm.response.code === 200) {",
	"  var cams = (pm.response.json().items || []);",
	"  var withClips = cams.filter(function (c) { return (c.clipCount || c.count || 0) > 0; });",
	"  var cam = withClips[0] || cams[0];",
	"  if (cam) { pm.collectionVariables.set('cameraId', cam.id); }",
	"  pm.test('cameras have id and name', function () {",
	"    cams.forEach(function (c) { pm.expect(c).to.have.property('id'); pm.expect(c).to.have.property('name'); });",
	"  });",
	"}",
}

// rememberVideo keeps the newest clip of a list for the requests that take
// {{cameraId}} and {{videoId}}.
var rememberVideo = []string{
	"if (pm.response.code === 200) {",
	"  var clips = (pm.response.json().items || []);",
	"  if (clips[0]) {",
	"    pm.collectionVariables.set('videoId', clips[0].id);",
	"    pm.collectionVariables.set('cameraId', clips[0].cameraId);",
	"  }",
	"  pm.test('clips have id, cameraId and capturedAt, newest first', function () {",
	"    clips.forEach(function (v) { pm.expect(v).to.include.all.keys('id', 'cameraId', 'capturedAt'); });",
	"    for (var i = 1; i < clips.length; i++) { pm.expect(clips[i - 1].capturedAt >= clips[i].capturedAt, 'order').to.be.true; }",
	"  });",
	"}",
}

// variables is the collection's variable list, kept in order.
type variables struct{ list []any }

func newVariables(v any) *variables {
	return &variables{list: asSlice(v)}
}

func (vs *variables) find(key string) map[string]any {
	for _, v := range vs.list {
		if m, ok := v.(map[string]any); ok && m["key"] == key {
			return m
		}
	}
	return nil
}

func (vs *variables) set(key, value string) {
	if m := vs.find(key); m != nil {
		m["value"] = value
		return
	}
	vs.list = append(vs.list, map[string]any{"key": key, "value": value, "type": "string"})
}

func (vs *variables) setDefault(key, value string) {
	if vs.find(key) == nil {
		vs.set(key, value)
	}
}

func asSlice(v any) []any {
	s, _ := v.([]any)
	return s
}

func bearer(token string) map[string]any {
	return map[string]any{"type": "bearer", "bearer": []any{map[string]any{"key": "token", "value": token, "type": "string"}}}
}

func event(listen string, exec []string) map[string]any {
	lines := make([]any, len(exec))
	for i, l := range exec {
		lines[i] = l
	}
	return map[string]any{"listen": listen, "script": map[string]any{"type": "text/javascript", "exec": lines}}
}
