package main

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"
)

func TestNewStackRefuses(t *testing.T) {
	dev, _ := StageNamed(testStages(), "dev")
	lowTTL := dev
	lowTTL.CacheTTL = 299 * time.Second
	tests := []struct {
		name   string
		stage  Stage
		assets func(buildDir, webDir string)
		want   []string
	}{
		{"cache TTL below 300s", lowTTL, nil, []string{"cache TTL 4m59s"}},
		{"missing Lambda binary", dev, func(b, _ string) { os.Remove(filepath.Join(b, "delete-video", "bootstrap")) },
			[]string{"make build", filepath.Join("delete-video", "bootstrap")}},
		{"missing authorizer binary", dev, func(b, _ string) { os.RemoveAll(filepath.Join(b, "authorizer")) },
			[]string{"make build", filepath.Join("authorizer", "bootstrap")}},
		{"missing web build", dev, func(_, w string) { os.Remove(filepath.Join(w, "index.html")) },
			[]string{"make web-build", "index.html"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			buildDir, webDir := fakeAssets(t)
			if tt.assets != nil {
				tt.assets(buildDir, webDir)
			}
			app := awscdk.NewApp(nil)
			stack, err := NewCamvaultStack(app, "camvault-dev", &CamvaultStackProps{Stage: tt.stage, BuildDir: buildDir, WebDir: webDir})
			if err == nil {
				t.Fatal("NewCamvaultStack succeeded")
			}
			if stack != nil {
				t.Error("a stack was returned with the error")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
			if n := len(*app.Node().Children()); n != 0 {
				t.Errorf("app has %d constructs after a refused stack", n)
			}
		})
	}
	if _, err := NewCamvaultStack(awscdk.NewApp(nil), "x", nil); err == nil {
		t.Error("nil props accepted")
	}
}

func TestStackNameAndOutputs(t *testing.T) {
	want := []string{OutputAlarmTopicArn, OutputAllowlistTableName, OutputAPIURL, OutputCameraUploadPolicyArn, OutputClipsBucketName, OutputIngestDeadLetterQueueURL, OutputIngestFunctionName, OutputRestAPIID, OutputVideosTableName, OutputWebURL}
	allStages(t, func(t *testing.T, s *synthesized) {
		if got := *s.stack.StackName(); got != "camvault-"+s.stage.Name {
			t.Errorf("stack name %s", got)
		}
		outputs, _ := s.doc["Outputs"].(map[string]any)
		var keys []string
		for k := range outputs {
			if !strings.HasPrefix(k, "ApiEndpoint") { // CDK's own output of the RestApi
				keys = append(keys, k)
			}
		}
		sort.Strings(keys)
		if strings.Join(keys, ",") != strings.Join(want, ",") {
			t.Fatalf("outputs %v, want %v", keys, want)
		}
		api := s.onlyID(t, "AWS::ApiGateway::RestApi")
		if !refersTo(outputs[OutputRestAPIID], api) || !refersTo(outputs[OutputAPIURL], api) {
			t.Errorf("RestApiId/ApiUrl do not name the REST API")
		}
		url := asJSON(get(outputs, OutputAPIURL, "Value"))
		if !strings.Contains(url, `"https://"`) || !strings.HasSuffix(url, `"/`+s.stage.Name+`"]]}`) {
			t.Errorf("ApiUrl %s is not https://<id>.execute-api.<region>.<suffix>/%s", url, s.stage.Name)
		}
		if !refersTo(outputs[OutputAlarmTopicArn], s.onlyID(t, "AWS::SNS::Topic")) {
			t.Error("AlarmTopicArn does not name the alarm topic")
		}
		if !refersTo(outputs[OutputCameraUploadPolicyArn], s.onlyID(t, "AWS::IAM::ManagedPolicy")) {
			t.Error("CameraUploadPolicyArn does not name the camera policy")
		}
		if !refersTo(outputs[OutputWebURL], s.onlyID(t, "AWS::CloudFront::Distribution")) {
			t.Error("WebUrl does not name the distribution")
		}
		if !refersTo(outputs[OutputVideosTableName], s.idWithPrefix(t, "AWS::DynamoDB::Table", "VideosTable")) ||
			!refersTo(outputs[OutputAllowlistTableName], s.idWithPrefix(t, "AWS::DynamoDB::Table", "AllowlistTable")) ||
			!refersTo(outputs[OutputClipsBucketName], s.idWithPrefix(t, "AWS::S3::Bucket", "ClipsBucket")) {
			t.Error("table/bucket outputs do not name their resources")
		}
		if asJSON(get(outputs, OutputIngestDeadLetterQueueURL, "Value")) != `{"Ref":"`+s.idWithPrefix(t, "AWS::SQS::Queue", "IngestDeadLetterQueue")+`"}` {
			t.Errorf("IngestDeadLetterQueueUrl %s is not the queue's URL", asJSON(outputs[OutputIngestDeadLetterQueueURL]))
		}
		if asJSON(get(outputs, OutputIngestFunctionName, "Value")) != `{"Ref":"`+s.idWithPrefix(t, "AWS::Lambda::Function", "IngestFunction")+`"}` {
			t.Errorf("IngestFunctionName %s is not the ingest Lambda", asJSON(outputs[OutputIngestFunctionName]))
		}
	})
}

// TestNoDependencyCycles walks every reference between resources: a cycle
// synthesizes fine and only fails at deploy time.
func TestNoDependencyCycles(t *testing.T) {
	allStages(t, func(t *testing.T, s *synthesized) {
		res, _ := s.doc["Resources"].(map[string]any)
		deps := map[string][]string{}
		for id, r := range res {
			m := r.(map[string]any)
			seen := refs(m["Properties"])
			for _, d := range strs(m["DependsOn"]) {
				seen[d] = true
			}
			for d := range seen {
				if _, ok := res[d]; ok {
					deps[id] = append(deps[id], d)
				}
			}
		}
		const (
			unvisited = iota
			visiting
			done
		)
		state := map[string]int{}
		var path []string
		var visit func(id string) bool
		visit = func(id string) bool {
			switch state[id] {
			case visiting:
				t.Errorf("dependency cycle: %s -> %s", strings.Join(path, " -> "), id)
				return false
			case done:
				return true
			}
			state[id] = visiting
			path = append(path, id)
			for _, d := range deps[id] {
				if !visit(d) {
					return false
				}
			}
			path = path[:len(path)-1]
			state[id] = done
			return true
		}
		for id := range res {
			if !visit(id) {
				return
			}
		}
	})
}

func TestPlaceholderClientIDWarns(t *testing.T) {
	s := synth(t, "dev")
	warnings := s.annotations.FindWarning(jsii.String("*"), assertions.Match_StringLikeRegexp(jsii.String(".*placeholder Google client id.*")))
	if len(*warnings) == 0 {
		t.Fatal("no warning for the placeholder Google client id")
	}
}
