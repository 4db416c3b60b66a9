package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdklabs/cdk-nag-go/cdknag/v2"

	"github.com/camvault/camvault/videos-api/routes"
)

// synthesized is one stage's stack, synthesized once per test binary with
// cdk-nag's AWS Solutions checks applied, and shared by every test.
type synthesized struct {
	stage       Stage
	stack       awscdk.Stack
	template    assertions.Template
	annotations assertions.Annotations
	// doc is the template as plain JSON values, for walking.
	doc map[string]any
	// outdir is the cloud assembly directory (staged assets included).
	outdir string
}

var (
	fixtureMu   sync.Mutex
	fixtureDirs []string
	synthOnce   = map[string]*sync.Once{"dev": {}, "qa": {}, "prod": {}}
	synthCache  = map[string]*synthesized{}
	synthErrs   = map[string]error{}
)

// testStages are the stages as the app builds them, with no context
// overrides and no AWS environment.
func testStages() []Stage {
	return Stages(func(string) (string, bool) { return "", false }, func(string) string { return "" })
}

// fakeAssets writes a build dir with a fake bootstrap for every Lambda and a
// web dist with an index.html, in a fresh temp dir.
func fakeAssets(t testing.TB) (buildDir, webDir string) {
	t.Helper()
	root, err := os.MkdirTemp("", "camvault-infra-")
	if err != nil {
		t.Fatal(err)
	}
	fixtureMu.Lock()
	fixtureDirs = append(fixtureDirs, root)
	fixtureMu.Unlock()
	buildDir, webDir = filepath.Join(root, "build"), filepath.Join(root, "dist")
	for _, fn := range append(routes.Functions(), AuthorizerFunction) {
		mustWrite(t, filepath.Join(buildDir, fn, "bootstrap"), "fake "+fn+" binary")
	}
	mustWrite(t, filepath.Join(webDir, "index.html"), "<!doctype html><title>camvault</title>")
	return buildDir, webDir
}

func mustWrite(t testing.TB, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o755); err != nil {
		t.Fatal(err)
	}
}

func cleanupFixtures() {
	fixtureMu.Lock()
	defer fixtureMu.Unlock()
	for _, d := range fixtureDirs {
		os.RemoveAll(d)
	}
}

// synth returns the named stage's synthesized stack, building it on first use.
func synth(t *testing.T, name string) *synthesized {
	t.Helper()
	once, ok := synthOnce[name]
	if !ok {
		t.Fatalf("no stage %q", name)
	}
	once.Do(func() {
		// jsii reports CDK errors (an undeployable template, a failed
		// assertion) as panics: record them as the stage's synth error.
		defer func() {
			if r := recover(); r != nil {
				synthErrs[name] = fmt.Errorf("panic: %v", r)
			}
		}()
		st, err := StageNamed(testStages(), name)
		if err != nil {
			synthErrs[name] = err
			return
		}
		buildDir, webDir := fakeAssets(t)
		outdir := filepath.Join(filepath.Dir(buildDir), "cdk.out")
		app := awscdk.NewApp(&awscdk.AppProps{Outdir: jsii.String(outdir)})
		stack, err := NewCamvaultStack(app, StackName(name), &CamvaultStackProps{Stage: st, BuildDir: buildDir, WebDir: webDir})
		if err != nil {
			synthErrs[name] = err
			return
		}
		awscdk.Aspects_Of(app).Add(cdknag.NewAwsSolutionsChecks(&cdknag.NagPackProps{Verbose: jsii.Bool(true)}), nil)
		s := &synthesized{stage: st, stack: stack, outdir: outdir}
		s.template = assertions.Template_FromStack(stack, nil)
		s.annotations = assertions.Annotations_FromStack(stack)
		raw, err := json.Marshal(s.template.ToJSON())
		if err == nil {
			err = json.Unmarshal(raw, &s.doc)
		}
		if err != nil {
			synthErrs[name] = err
			return
		}
		synthCache[name] = s
	})
	if err := synthErrs[name]; err != nil {
		t.Fatalf("synth %s: %v", name, err)
	}
	return synthCache[name]
}

// allStages runs f for every stage as a subtest.
func allStages(t *testing.T, f func(t *testing.T, s *synthesized)) {
	for _, name := range []string{"dev", "qa", "prod"} {
		t.Run(name, func(t *testing.T) { f(t, synth(t, name)) })
	}
}

// resources returns the template's resources of a CloudFormation type, by
// logical id.
func (s *synthesized) resources(cfnType string) map[string]map[string]any {
	out := map[string]map[string]any{}
	res, _ := s.doc["Resources"].(map[string]any)
	for id, r := range res {
		m, _ := r.(map[string]any)
		if m["Type"] == cfnType {
			out[id] = m
		}
	}
	return out
}

// props returns a resource's Properties.
func props(r map[string]any) map[string]any {
	p, _ := r["Properties"].(map[string]any)
	return p
}

// refs returns the logical ids a template value refers to: Ref, Fn::GetAtt
// and ${...} in Fn::Sub; pseudo parameters (AWS::...) are left out.
func refs(v any) map[string]bool {
	out := map[string]bool{}
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, val := range x {
				switch k {
				case "Ref":
					if s, ok := val.(string); ok && !strings.HasPrefix(s, "AWS::") {
						out[s] = true
					}
				case "Fn::GetAtt":
					if a, ok := val.([]any); ok && len(a) > 0 {
						out[fmt.Sprint(a[0])] = true
					}
				case "Fn::Sub":
					s, _ := val.(string)
					if a, ok := val.([]any); ok && len(a) > 0 {
						s, _ = a[0].(string)
						walk(a[1:])
					}
					for _, m := range subRef.FindAllStringSubmatch(s, -1) {
						if !strings.HasPrefix(m[1], "AWS::") {
							out[strings.SplitN(m[1], ".", 2)[0]] = true
						}
					}
				}
				walk(val)
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		}
	}
	walk(v)
	return out
}

var subRef = regexp.MustCompile(`\$\{([^}!]+)\}`)

// refersTo reports whether a template value refers to the logical id.
func refersTo(v any, logicalID string) bool { return refs(v)[logicalID] }

// onlyID returns the logical id of the one resource of cfnType.
func (s *synthesized) onlyID(t *testing.T, cfnType string) string {
	t.Helper()
	res := s.resources(cfnType)
	if len(res) != 1 {
		t.Fatalf("%d resources of type %s, want 1", len(res), cfnType)
	}
	for id := range res {
		return id
	}
	return ""
}

// idWithPrefix returns the logical id of the resource of cfnType whose id
// starts with prefix (CDK ids are the construct path plus a hash).
func (s *synthesized) idWithPrefix(t *testing.T, cfnType, prefix string) string {
	t.Helper()
	var found []string
	for id := range s.resources(cfnType) {
		if strings.HasPrefix(id, prefix) {
			found = append(found, id)
		}
	}
	if len(found) != 1 {
		t.Fatalf("resources of type %s with id prefix %s: %v, want exactly one", cfnType, prefix, found)
	}
	return found[0]
}

// resource returns one resource by logical id.
func (s *synthesized) resource(t *testing.T, id string) map[string]any {
	t.Helper()
	res, _ := s.doc["Resources"].(map[string]any)
	r, ok := res[id].(map[string]any)
	if !ok {
		t.Fatalf("no resource %s", id)
	}
	return r
}

// get walks a path of map keys and list indexes in a template value.
func get(v any, path ...any) any {
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, ok := v.(map[string]any)
			if !ok {
				return nil
			}
			v = m[k]
		case int:
			a, ok := v.([]any)
			if !ok || k >= len(a) {
				return nil
			}
			v = a[k]
		}
	}
	return v
}

// strs turns a template value that is a string or a list of strings into a
// list of strings.
func strs(v any) []string {
	switch x := v.(type) {
	case string:
		return []string{x}
	case []any:
		var out []string
		for _, e := range x {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// asJSON renders a template value as JSON text, for substring checks.
func asJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
