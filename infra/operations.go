package main

import (
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsdynamodb"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/jsii-runtime-go"

	"github.com/camvault/camvault/videos-api/routes"
)

// Thresholds of the operations alarms (issue 13).
const (
	// APILatencyP99ThresholdMs is the API stage's p99 latency, over five
	// minutes, that raises the latency alarm.
	APILatencyP99ThresholdMs = 3000
)

// Log lines the operations alarms count (metric filters, not PutMetricData).
const (
	// GrantLookupFailuresFilter matches the authorizer's ERROR decision
	// lines: a person refused with a 500 because the allowlist table could
	// not be read (authorizer/README.md, "When the grants are unavailable").
	GrantLookupFailuresFilter = `{ $.decision = "error" }`
	// RefusedUploadsFilter matches ingest's WARN line for every upload it
	// refuses (message "upload refused", attributes key and reason). The
	// videos Lambdas log with slog's default text handler, so this is a
	// phrase match, which also matches the line in JSON.
	RefusedUploadsFilter = `"upload refused"`
)

// DeployStageContext is the CDK context key make deploy sets to the stage it
// deploys (-c deployStage=prod); the app then refuses a protected stage
// whose alarms would reach nobody. make synth leaves it unset and only warns.
const DeployStageContext = "deployStage"

// alarmsReachNobody reports whether the stage's alarm topic has no
// subscriber.
func (s Stage) alarmsReachNobody() bool { return len(s.AlarmEmails) == 0 }

// checkAlarmsReachSomeone refuses to deploy a protected stage whose alarms
// reach nobody; deploying is true when the CLI deploys this very stage.
func checkAlarmsReachSomeone(st Stage, deploying bool) error {
	if deploying && st.Protect && st.alarmsReachNobody() {
		return errors.New(alarmsNobodyMessage(st) + "; refusing to deploy a protected stage")
	}
	return nil
}

func alarmsNobodyMessage(st Stage) string {
	return fmt.Sprintf("stage %s: its alarms reach nobody (no alarm emails); set -c %s.alarmEmails=<addresses> or CAMVAULT_%s_ALARM_EMAILS",
		st.Name, st.Name, strings.ToUpper(st.Name))
}

// warnIfAlarmsReachNobody adds the one synth warning for a protected stage
// without alarm subscribers.
func warnIfAlarmsReachNobody(stack awscdk.Stack, st Stage) {
	if st.Protect && st.alarmsReachNobody() {
		awscdk.Annotations_Of(stack).AddWarningV2(jsii.String("camvault:alarmsReachNobody"),
			jsii.String(alarmsNobodyMessage(st)+"; make deploy will refuse it"), nil)
	}
}

// ownExecutionLogs makes the stack own the log group API Gateway writes its
// execution logs to (API-Gateway-Execution-Logs_{apiId}/{stage}), which
// API Gateway would otherwise create on its own, without retention, outliving
// the stack. The stage depends on it so the group exists before the first
// request is logged.
func ownExecutionLogs(stack awscdk.Stack, st Stage, api *restAPI) awslogs.LogGroup {
	name := awscdk.Fn_Join(jsii.String(""), &[]*string{
		jsii.String("API-Gateway-Execution-Logs_"), api.rest.RestApiId(), jsii.String("/" + st.Name),
	})
	logs := awslogs.NewLogGroup(stack, jsii.String("ApiExecutionLogs"), &awslogs.LogGroupProps{
		LogGroupName:  name,
		Retention:     st.LogRetention,
		RemovalPolicy: removalPolicy(st),
	})
	api.rest.DeploymentStage().Node().AddDependency(logs)
	return logs
}

// operationsAlarms adds issue 13's alarms: grant lookup failures and refused
// uploads (metric filters on the authorizer's and ingest's log groups), the
// API's p99 latency, and throttling of either DynamoDB table. alarm raises at
// or above its threshold; metrics go to the dashboard.
func operationsAlarms(stack awscdk.Stack, st Stage, api *restAPI, fns *functions, data *dataStores, period awscdk.Duration,
	alarm func(id, name, what string, metric awscloudwatch.IMetric, threshold float64)) []awscloudwatch.IMetric {
	count := func(id, metricName, pattern string, logs awslogs.ILogGroup) awscloudwatch.IMetric {
		return logLines(stack, st, id, metricName, logs, pattern, period)
	}
	grantFailures := count("GrantLookupFailuresFilter", "GrantLookupFailures", GrantLookupFailuresFilter, fns.logGroups[AuthorizerFunction])
	alarm("GrantLookupFailuresAlarm", "grant-lookup-failures",
		"The authorizer could not read the allowlist table and refused someone with a 500 (only ADMIN_EMAILS owners are answered): check the table, its throttling and the authorizer's IAM grant",
		grantFailures, 1)
	refused := count("RefusedUploadsFilter", "RefusedUploads", RefusedUploadsFilter, fns.logGroups[routes.FunctionIngest])
	alarm("RefusedUploadsAlarm", "refused-uploads",
		"ingest refused an upload (log line \"upload refused\" with its key and reason): a camera's clock or key naming is wrong, or someone writes what they should not",
		refused, 1)

	latency := api.rest.DeploymentStage().MetricLatency(&awscloudwatch.MetricOptions{Statistic: jsii.String("p99"), Period: period})
	alarm("ApiLatencyP99Alarm", "api-latency-p99",
		fmt.Sprintf("The API's p99 latency was %d ms or more over 5 minutes", APILatencyP99ThresholdMs), latency, APILatencyP99ThresholdMs)

	metrics := []awscloudwatch.IMetric{grantFailures, refused}
	for _, t := range []struct {
		id, name, short string
		table           awsdynamodb.Table
	}{{"VideosTable", "videos-table", "videos", data.videos}, {"AllowlistTable", "allowlist-table", "allowlist", data.allowlist}} {
		opts := &awscloudwatch.MetricOptions{Statistic: jsii.String("Sum"), Period: period}
		throttled := awscloudwatch.NewMathExpression(&awscloudwatch.MathExpressionProps{
			// Ids unique across the dashboard graph that shows both tables.
			Expression: jsii.String(t.short + "Reads + " + t.short + "Writes"),
			UsingMetrics: &map[string]awscloudwatch.IMetric{
				t.short + "Reads":  t.table.Metric(jsii.String("ReadThrottleEvents"), opts),
				t.short + "Writes": t.table.Metric(jsii.String("WriteThrottleEvents"), opts),
			},
			Label:  jsii.String(t.name + " throttle events"),
			Period: period,
		})
		alarm(t.id+"ThrottleAlarm", t.name+"-throttles", "DynamoDB throttled reads or writes of the "+t.name, throttled, 1)
		metrics = append(metrics, throttled)
	}
	return metrics
}
