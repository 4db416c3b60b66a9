package main

import (
	"strings"
	"testing"

	"github.com/camvault/camvault/videos-api/routes"
)

func TestAlarmsAndDashboard(t *testing.T) {
	allStages(t, func(t *testing.T, s *synthesized) {
		alarms := map[string]map[string]any{}
		for _, a := range s.resources("AWS::CloudWatch::Alarm") {
			p := props(a)
			alarms[p["AlarmName"].(string)] = p
		}
		prefix := "camvault-" + s.stage.Name + "-"
		api := alarms[prefix+"api-5xx-rate"]
		if api == nil || api["MetricName"] != "5XXError" || api["Statistic"] != "Average" || api["Threshold"] != API5xxRateThreshold {
			t.Errorf("API 5XX rate alarm %s", asJSON(api))
		}
		if !refersTo(api["Dimensions"], s.onlyID(t, "AWS::ApiGateway::Stage")) {
			t.Errorf("API alarm not scoped to the stage: %s", asJSON(api["Dimensions"]))
		}
		auth := alarms[prefix+"authorizer-failures"]
		if auth == nil || auth["MetricName"] != "AuthorizerFailures" || auth["Namespace"] != "camvault/"+s.stage.Name {
			t.Errorf("authorizer errors alarm %s", asJSON(auth))
		}
		var filter map[string]any
		for _, f := range s.resources("AWS::Logs::MetricFilter") {
			if get(props(f), "MetricTransformations", 0, "MetricName") == "AuthorizerFailures" {
				filter = props(f)
			}
		}
		if filter == nil {
			t.Fatal("no AuthorizerFailures metric filter")
		}
		if pat := filter["FilterPattern"].(string); !strings.Contains(pat, "AUTHORIZER_FAILURE") || !strings.Contains(pat, "AUTHORIZER_CONFIGURATION_ERROR") {
			t.Errorf("authorizer failure filter %q", pat)
		}
		fns := ourFunctions(t, s)
		for _, name := range append(routes.Functions(), AuthorizerFunction) {
			metrics := map[string]bool{"Throttles": true, "Errors": name != AuthorizerFunction}
			suffix := map[string]string{"Throttles": "-throttles", "Errors": "-errors"}
			for metric, want := range metrics {
				a := alarms[prefix+name+suffix[metric]]
				if !want {
					if a != nil {
						t.Errorf("%s has an Errors alarm, but its errors include every 401", name)
					}
					continue
				}
				if a == nil || a["MetricName"] != metric || !refersTo(a["Dimensions"], fns[name]) {
					t.Errorf("%s %s alarm %s", name, metric, asJSON(a))
				}
			}
		}
		dlq := alarms[prefix+"ingest-dead-letters"]
		if dlq == nil || dlq["Namespace"] != "AWS/SQS" || dlq["MetricName"] != "ApproximateNumberOfMessagesVisible" ||
			dlq["ComparisonOperator"] != "GreaterThanThreshold" || dlq["Threshold"] != 0.0 || dlq["EvaluationPeriods"] != 1.0 ||
			!refersTo(dlq["Dimensions"], s.idWithPrefix(t, "AWS::SQS::Queue", "IngestDeadLetterQueue")) ||
			!strings.Contains(asJSON(dlq["Dimensions"]), `"QueueName"`) {
			t.Errorf("ingest dead-letter alarm %s, want visible messages > 0 on the queue", asJSON(dlq))
		}
		age := alarms[prefix+"expire-iterator-age"]
		if age == nil || age["Namespace"] != "AWS/Lambda" || age["MetricName"] != "IteratorAge" || age["Statistic"] != "Maximum" ||
			age["Threshold"] != float64(ExpireIteratorAgeThresholdMs) || !refersTo(age["Dimensions"], ourFunctions(t, s)[routes.FunctionExpire]) {
			t.Errorf("expire iterator age alarm %s, want the expire Lambda's IteratorAge over an hour", asJSON(age))
		}
		topic := s.onlyID(t, "AWS::SNS::Topic")
		for name, a := range alarms {
			if !refersTo(a["AlarmActions"], topic) || !refersTo(a["OKActions"], topic) {
				t.Errorf("alarm %s does not notify the alarm topic", name)
			}
		}
		if n := len(s.resources("AWS::SNS::Subscription")); n != len(s.stage.AlarmEmails) {
			t.Errorf("%d subscriptions, want %d", n, len(s.stage.AlarmEmails))
		}
		tlsOnly := false
		for _, tp := range s.resources("AWS::SNS::TopicPolicy") {
			if refersTo(get(props(tp), "Topics"), topic) && strings.Contains(asJSON(props(tp)), `"aws:SecureTransport":"false"`) {
				tlsOnly = true
			}
		}
		if !tlsOnly {
			t.Error("the alarm topic accepts plain HTTP")
		}
		dash := props(s.resource(t, s.onlyID(t, "AWS::CloudWatch::Dashboard")))
		if dash["DashboardName"] != "camvault-"+s.stage.Name {
			t.Errorf("dashboard name %v", dash["DashboardName"])
		}
		body := asJSON(dash["DashboardBody"])
		for _, want := range []string{"5XXError", "AuthorizerFailures", "Throttles", "Errors", "Latency", "Ingest dead-letter queue", "ApproximateNumberOfMessagesVisible", "ApproximateAgeOfOldestMessage"} {
			if !strings.Contains(body, want) {
				t.Errorf("dashboard lacks %s", want)
			}
		}
	})
}

// TestStagesDiffer pins the differences that matter between stages.
func TestStagesDiffer(t *testing.T) {
	dev, qa, prod := synth(t, "dev"), synth(t, "qa"), synth(t, "prod")
	dataTrace := func(s *synthesized) any {
		return get(props(s.resource(t, s.onlyID(t, "AWS::ApiGateway::Stage"))), "MethodSettings", 0, "DataTraceEnabled")
	}
	if dataTrace(dev) != true || dataTrace(qa) != false || dataTrace(prod) != false {
		t.Errorf("data trace dev=%v qa=%v prod=%v, want only dev", dataTrace(dev), dataTrace(qa), dataTrace(prod))
	}
	retained := func(s *synthesized) (n int) {
		for _, typ := range []string{"AWS::DynamoDB::Table", "AWS::S3::Bucket", "AWS::SecretsManager::Secret", "AWS::Logs::LogGroup", "AWS::SQS::Queue"} {
			for _, r := range s.resources(typ) {
				if r["DeletionPolicy"] == "Retain" {
					n++
				}
			}
		}
		return n
	}
	// prod keeps both tables, the clips and logs buckets, the cursor and VAPID secrets, the
	// ingest dead-letter queue and every log group (each Lambda's, the
	// API's access and execution logs, CDK's helper Lambdas'); the web
	// bucket is rebuilt from web/dist. dev and qa keep nothing. Counted from
	// the template, so that a new Lambda does not break the count.
	if want := 7 + len(prod.resources("AWS::Logs::LogGroup")); retained(dev) != 0 || retained(qa) != 0 || retained(prod) != want {
		t.Errorf("retained resources dev=%d qa=%d prod=%d, want 0/0/%d", retained(dev), retained(qa), retained(prod), want)
	}
	autoDelete := func(s *synthesized) int { return len(s.resources("Custom::S3AutoDeleteObjects")) }
	if autoDelete(prod) != 1 || autoDelete(dev) != 3 {
		t.Errorf("auto-deleted buckets dev=%d prod=%d, want 3 and only the web bucket", autoDelete(dev), autoDelete(prod))
	}
	retention := func(s *synthesized) any {
		return props(s.resource(t, s.idWithPrefix(t, "AWS::Logs::LogGroup", "ApiAccessLogs")))["RetentionInDays"]
	}
	if retention(dev) != 7.0 || retention(qa) != 30.0 || retention(prod) != 90.0 {
		t.Errorf("log retention dev=%v qa=%v prod=%v", retention(dev), retention(qa), retention(prod))
	}
}
