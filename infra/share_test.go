package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"

	"github.com/camvault/camvault/videos-api/routes"
)

// TestShareRouteIsPublicAndThrottled: POST /shared has no authorizer (the
// route table test checks every method), and the stage gives it its own
// method throttle, below the stage's, with data trace off (its body holds a
// share token).
func TestShareRouteIsPublicAndThrottled(t *testing.T) {
	allStages(t, func(t *testing.T, s *synthesized) {
		if !s.stage.Sharing {
			t.Skip("sharing off")
		}
		stage := props(s.resource(t, s.onlyID(t, "AWS::ApiGateway::Stage")))
		var found bool
		for _, m := range get(stage, "MethodSettings").([]any) {
			if get(m, "ResourcePath") != "/~1shared" {
				continue
			}
			found = true
			if get(m, "HttpMethod") != "POST" || get(m, "ThrottlingRateLimit") != s.stage.ShareThrottleRate ||
				get(m, "ThrottlingBurstLimit") != float64(s.stage.ShareThrottleBurst) || get(m, "DataTraceEnabled") != false {
				t.Errorf("share route settings %s", asJSON(m))
			}
		}
		if !found {
			t.Fatalf("no method settings for POST /shared: %s", asJSON(stage["MethodSettings"]))
		}
		if s.stage.ShareThrottleRate >= s.stage.ThrottleRate {
			t.Errorf("share throttle %v not below the stage's %v", s.stage.ShareThrottleRate, s.stage.ThrottleRate)
		}
		paths := resourcePaths(t, s)
		var public []string
		for _, m := range s.resources("AWS::ApiGateway::Method") {
			if p := props(m); p["HttpMethod"] != "OPTIONS" && p["AuthorizationType"] == "NONE" {
				public = append(public, methodPath(paths, m))
			}
		}
		if strings.Join(public, ",") != "POST /shared" {
			t.Errorf("methods without an authorizer: %v, want only POST /shared", public)
		}
	})
}

// TestSharingOffLeavesNoShareRoute: a stage with sharing off has no share
// resource, method or Lambda in its template at all.
func TestSharingOffLeavesNoShareRoute(t *testing.T) {
	st := synth(t, "qa").stage
	st.Sharing = false
	buildDir, webDir := fakeAssets(t)
	app := awscdk.NewApp(&awscdk.AppProps{Outdir: jsii.String(filepath.Join(filepath.Dir(buildDir), "cdk.out"))})
	stack, err := NewCamvaultStack(app, "camvault-qa", &CamvaultStackProps{Stage: st, BuildDir: buildDir, WebDir: webDir})
	if err != nil {
		t.Fatal(err)
	}
	off := &synthesized{stage: st}
	raw, _ := json.Marshal(assertions.Template_FromStack(stack, nil).ToJSON())
	if err := json.Unmarshal(raw, &off.doc); err != nil {
		t.Fatal(err)
	}
	for _, r := range off.resources("AWS::ApiGateway::Resource") {
		if part, _ := props(r)["PathPart"].(string); strings.Contains(part, "share") {
			t.Errorf("resource %s with sharing off", part)
		}
	}
	for _, m := range off.resources("AWS::ApiGateway::Method") {
		if p := props(m); p["HttpMethod"] != "OPTIONS" && p["AuthorizationType"] != "CUSTOM" {
			t.Errorf("a method without the authorizer with sharing off: %s", asJSON(p))
		}
	}
	for id := range off.resources("AWS::Lambda::Function") {
		for _, fn := range []string{routes.FunctionShares, routes.FunctionShared} {
			if strings.HasPrefix(id, constructID(fn)+"Function") {
				t.Errorf("Lambda %s with sharing off", id)
			}
		}
	}
	if n := len(off.resources("AWS::ApiGateway::Method")); n == 0 {
		t.Fatal("no methods at all")
	}
}

// TestKeepShareMetrics: share opens and a bulk job's failed clips are
// counted from log lines by metric filters, and failed clips alarm.
func TestKeepShareMetrics(t *testing.T) {
	s := synth(t, "qa")
	want := map[string]string{"ShareOpens": `"opened share link"`, "BulkJobFailedClips": `"bulk job could not"`}
	for _, f := range s.resources("AWS::Logs::MetricFilter") {
		p := props(f)
		name, _ := get(p, "MetricTransformations", 0, "MetricName").(string)
		if pattern, ok := want[name]; ok {
			if p["FilterPattern"] != pattern {
				t.Errorf("%s pattern %v, want %s", name, p["FilterPattern"], pattern)
			}
			delete(want, name)
		}
	}
	if len(want) > 0 {
		t.Errorf("no metric filter for %v", want)
	}
	var alarmed bool
	for _, a := range s.resources("AWS::CloudWatch::Alarm") {
		if get(props(a), "MetricName") == "BulkJobFailedClips" {
			alarmed = true
		}
	}
	if !alarmed {
		t.Error("no alarm on BulkJobFailedClips")
	}
}
