package main

import (
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"

	"github.com/camvault/camvault/videos-api/routes"
)

// TestOperationsAlarms: issue 13's alarms exist in every stage, count the
// right log lines in the right log groups, and notify the alarm topic.
func TestOperationsAlarms(t *testing.T) {
	allStages(t, func(t *testing.T, s *synthesized) {
		alarms := map[string]map[string]any{}
		for _, a := range s.resources("AWS::CloudWatch::Alarm") {
			p := props(a)
			alarms[p["AlarmName"].(string)] = p
		}
		prefix := "camvault-" + s.stage.Name + "-"
		topic := s.onlyID(t, "AWS::SNS::Topic")
		filters := map[string]map[string]any{}
		for _, f := range s.resources("AWS::Logs::MetricFilter") {
			p := props(f)
			filters[get(p, "MetricTransformations", 0, "MetricName").(string)] = p
		}
		fnLogs := func(name string) string {
			return s.idWithPrefix(t, "AWS::Logs::LogGroup", constructID(name)+"Logs")
		}
		for _, c := range []struct {
			alarm, metric, pattern, logGroup string
		}{
			{"grant-lookup-failures", "GrantLookupFailures", `{ $.decision = "error" }`, fnLogs(AuthorizerFunction)},
			{"refused-uploads", "RefusedUploads", `"upload refused"`, fnLogs(routes.FunctionIngest)},
		} {
			f := filters[c.metric]
			if f == nil || f["FilterPattern"] != c.pattern || !refersTo(f["LogGroupName"], c.logGroup) ||
				get(f, "MetricTransformations", 0, "MetricNamespace") != "camvault/"+s.stage.Name {
				t.Errorf("%s metric filter %s, want pattern %s on %s", c.metric, asJSON(f), c.pattern, c.logGroup)
			}
			a := alarms[prefix+c.alarm]
			if a == nil || a["MetricName"] != c.metric || a["Namespace"] != "camvault/"+s.stage.Name ||
				a["Threshold"] != 1.0 || a["ComparisonOperator"] != "GreaterThanOrEqualToThreshold" ||
				!refersTo(a["AlarmActions"], topic) {
				t.Errorf("%s alarm %s", c.alarm, asJSON(a))
			}
		}
		lat := alarms[prefix+"api-latency-p99"]
		if lat == nil || lat["MetricName"] != "Latency" || lat["ExtendedStatistic"] != "p99" ||
			lat["Threshold"] != float64(APILatencyP99ThresholdMs) || !refersTo(lat["Dimensions"], s.onlyID(t, "AWS::ApiGateway::Stage")) {
			t.Errorf("API p99 latency alarm %s", asJSON(lat))
		}
		for name, table := range map[string]string{"videos-table": "VideosTable", "allowlist-table": "AllowlistTable"} {
			a := alarms[prefix+name+"-throttles"]
			body := asJSON(a["Metrics"])
			if a == nil || !strings.Contains(body, "ReadThrottleEvents") || !strings.Contains(body, "WriteThrottleEvents") ||
				!refersTo(a["Metrics"], s.idWithPrefix(t, "AWS::DynamoDB::Table", table)) || !refersTo(a["AlarmActions"], topic) {
				t.Errorf("%s throttle alarm %s", name, asJSON(a))
			}
		}
	})
}

// TestExecutionLogGroupOwned: the stack owns API Gateway's execution log
// group, with the stage's retention, before the stage exists.
func TestExecutionLogGroupOwned(t *testing.T) {
	allStages(t, func(t *testing.T, s *synthesized) {
		id := s.idWithPrefix(t, "AWS::Logs::LogGroup", "ApiExecutionLogs")
		lg := s.resource(t, id)
		p := props(lg)
		name := asJSON(p["LogGroupName"])
		if !strings.Contains(name, `"API-Gateway-Execution-Logs_"`) || !strings.Contains(name, `"/`+s.stage.Name+`"`) ||
			!refersTo(p["LogGroupName"], s.onlyID(t, "AWS::ApiGateway::RestApi")) {
			t.Errorf("execution log group name %s, want API-Gateway-Execution-Logs_{apiId}/%s", name, s.stage.Name)
		}
		access := props(s.resource(t, s.idWithPrefix(t, "AWS::Logs::LogGroup", "ApiAccessLogs")))
		if p["RetentionInDays"] == nil || p["RetentionInDays"] != access["RetentionInDays"] {
			t.Errorf("execution logs retention %v, want the stage's %v", p["RetentionInDays"], access["RetentionInDays"])
		}
		wantPolicy := "Delete"
		if s.stage.Protect {
			wantPolicy = "Retain"
		}
		if lg["DeletionPolicy"] != wantPolicy {
			t.Errorf("deletion policy %v, want %s", lg["DeletionPolicy"], wantPolicy)
		}
		stage := s.resource(t, s.onlyID(t, "AWS::ApiGateway::Stage"))
		if !slices.Contains(strs(stage["DependsOn"]), id) {
			t.Errorf("the stage does not depend on the execution log group: %s", asJSON(stage["DependsOn"]))
		}
	})
}

// TestAlarmsReachNobody: synth warns once for a protected stage without
// alarm emails; deploying it is refused; other stages and a prod with a
// subscriber deploy.
func TestAlarmsReachNobody(t *testing.T) {
	allStages(t, func(t *testing.T, s *synthesized) {
		warnings := s.annotations.FindWarning(jsii.String("*"), assertions.Match_StringLikeRegexp(jsii.String(".*alarms reach nobody.*")))
		want := 0
		if s.stage.Protect && len(s.stage.AlarmEmails) == 0 {
			want = 1
		}
		if n := len(*warnings); n != want {
			t.Errorf("%d alarm warnings, want %d", n, want)
		}
	})
	prod, err := StageNamed(testStages(), "prod")
	if err != nil {
		t.Fatal(err)
	}
	if !prod.Protect {
		t.Fatal("prod is not protected")
	}
	app := awscdk.NewApp(nil)
	_, err = NewCamvaultStack(app, "refused", &CamvaultStackProps{Stage: prod, Deploying: true})
	if err == nil || !strings.Contains(err.Error(), "alarms reach nobody") || !strings.Contains(err.Error(), "refusing to deploy") {
		t.Errorf("deploying prod without alarm emails: %v, want a refusal", err)
	}
	for _, c := range []struct {
		name      string
		st        Stage
		deploying bool
	}{
		{"synth only", prod, false},
		{"with a subscriber", func() Stage { p := prod; p.AlarmEmails = []string{"ops@example.com"}; return p }(), true},
		{"unprotected", func() Stage { p := prod; p.Protect = false; return p }(), true},
	} {
		if err := checkAlarmsReachSomeone(c.st, c.deploying); err != nil {
			t.Errorf("%s: %v", c.name, err)
		}
	}
}
