package main

import (
	"encoding/json"
	"os"
	"path/filepath"
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
		st, err := StageNamed(testStages(), name)
		if err != nil {
			synthErrs[name] = err
			return
		}
		buildDir, webDir := fakeAssets(t)
		app := awscdk.NewApp(&awscdk.AppProps{Outdir: jsii.String(filepath.Join(filepath.Dir(buildDir), "cdk.out"))})
		stack, err := NewCamvaultStack(app, StackName(name), &CamvaultStackProps{Stage: st, BuildDir: buildDir, WebDir: webDir})
		if err != nil {
			synthErrs[name] = err
			return
		}
		awscdk.Aspects_Of(app).Add(cdknag.NewAwsSolutionsChecks(&cdknag.NagPackProps{Verbose: jsii.Bool(true)}), nil)
		s := &synthesized{stage: st, stack: stack}
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
