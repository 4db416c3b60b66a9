package main

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatchactions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssns"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssnssubscriptions"
	"github.com/aws/aws-cdk-go/awscdk/v2/interfaces/interfacesawscloudwatch"
	"github.com/aws/jsii-runtime-go"

	"github.com/camvault/camvault/videos-api/routes"
)

// API5xxRateThreshold is the share of API requests answered 5XX, over five
// minutes, that raises the API alarm.
const API5xxRateThreshold = 0.05

// logLines is a metric of the log lines of group that match pattern (a
// CloudWatch Logs filter pattern), one per line, summed per period in the
// stage's camvault/<stage> namespace: every alarm on a Lambda's own log
// lines is fed this way, with no PutMetricData on a hot path.
func logLines(stack awscdk.Stack, st Stage, id, metric string, group awslogs.ILogGroup, pattern string, period awscdk.Duration) awscloudwatch.IMetric {
	f := awslogs.NewMetricFilter(stack, jsii.String(id), &awslogs.MetricFilterProps{
		LogGroup:        group,
		MetricNamespace: jsii.String("camvault/" + st.Name),
		MetricName:      jsii.String(metric),
		MetricValue:     jsii.String("1"),
		FilterPattern:   awslogs.FilterPattern_Literal(jsii.String(pattern)),
	})
	return f.Metric(&awscloudwatch.MetricOptions{Statistic: jsii.String("Sum"), Period: period})
}

// phrase is the filter pattern of the log lines that hold msg: a phrase
// match, which finds it in slog's text lines and in JSON lines alike.
func phrase(msg string) string { return `"` + msg + `"` }

// monitoring is the stage's alarms, their topic and the dashboard.
type monitoring struct {
	alarms []awscloudwatch.Alarm
	// topic receives every alarm's state change; the stage's AlarmEmails
	// are subscribed to it.
	topic awssns.Topic
}

// ExpireIteratorAgeThresholdMs is how far (ms) the expire Lambda may lag the
// clips table's stream before it alarms: an hour.
const ExpireIteratorAgeThresholdMs = 3600 * 1000

func newMonitoring(stack awscdk.Stack, st Stage, api *restAPI, fns *functions, data *dataStores) *monitoring {
	m := &monitoring{}
	m.topic = awssns.NewTopic(stack, jsii.String("AlarmTopic"), &awssns.TopicProps{
		DisplayName: jsii.String(StackName(st.Name) + " alarms"),
		EnforceSSL:  jsii.Bool(true),
	})
	for _, email := range st.AlarmEmails {
		m.topic.AddSubscription(awssnssubscriptions.NewEmailSubscription(jsii.String(email), nil))
	}
	notify := awscloudwatchactions.NewSnsAction(m.topic)
	period := awscdk.Duration_Minutes(jsii.Number(5))
	prefix := StackName(st.Name) + "-"
	alarmWhen := func(op awscloudwatch.ComparisonOperator, id, name, what string, metric awscloudwatch.IMetric, threshold float64) {
		a := awscloudwatch.NewAlarm(stack, jsii.String(id), &awscloudwatch.AlarmProps{
			AlarmName:          jsii.String(prefix + name),
			AlarmDescription:   jsii.String(what),
			Metric:             metric,
			Threshold:          jsii.Number(threshold),
			EvaluationPeriods:  jsii.Number(1),
			ComparisonOperator: op,
			TreatMissingData:   awscloudwatch.TreatMissingData_NOT_BREACHING,
		})
		a.AddAlarmAction(notify)
		a.AddOkAction(notify)
		m.alarms = append(m.alarms, a)
	}
	alarm := func(id, name, what string, metric awscloudwatch.IMetric, threshold float64) {
		alarmWhen(awscloudwatch.ComparisonOperator_GREATER_THAN_OR_EQUAL_TO_THRESHOLD, id, name, what, metric, threshold)
	}

	stage := api.rest.DeploymentStage()
	api5xx := stage.MetricServerError(&awscloudwatch.MetricOptions{Statistic: jsii.String("Average"), Period: period})
	alarm("Api5xxRateAlarm", "api-5xx-rate", "More than 5% of API requests answered 5XX over 5 minutes", api5xx, API5xxRateThreshold)

	// The authorizer's Lambda "errors" include every deliberate 401 (it
	// returns the error Unauthorized), so its failures are counted from the
	// access log instead: API Gateway marks a crashed, timed-out or malformed
	// authorizer answer AUTHORIZER_FAILURE / AUTHORIZER_CONFIGURATION_ERROR.
	failures := awslogs.NewMetricFilter(stack, jsii.String("AuthorizerFailuresFilter"), &awslogs.MetricFilterProps{
		LogGroup:        api.accessLogs,
		MetricNamespace: jsii.String("camvault/" + st.Name),
		MetricName:      jsii.String("AuthorizerFailures"),
		MetricValue:     jsii.String("1"),
		FilterPattern: awslogs.FilterPattern_Any(
			awslogs.FilterPattern_StringValue(jsii.String("$.responseType"), jsii.String("="), jsii.String("AUTHORIZER_FAILURE")),
			awslogs.FilterPattern_StringValue(jsii.String("$.responseType"), jsii.String("="), jsii.String("AUTHORIZER_CONFIGURATION_ERROR")),
		),
	})
	authFailures := failures.Metric(&awscloudwatch.MetricOptions{Statistic: jsii.String("Sum"), Period: period})
	alarm("AuthorizerFailuresAlarm", "authorizer-failures", "The TOKEN authorizer failed (crash, timeout or bad answer): callers got 500s", authFailures, 1)

	pushM := pushAlarms(stack, st, fns, alarm)
	keepShareMetrics(stack, st, fns, alarm)
	jobsM := jobRunnerAlarms(stack, st, fns, alarm)

	var errorsM, throttlesM, durationM []awscloudwatch.IMetric
	for _, name := range fns.names {
		fn := fns.byName[name]
		id := constructID(name)
		opts := &awscloudwatch.MetricOptions{Statistic: jsii.String("Sum"), Period: period}
		labelled := &awscloudwatch.MetricOptions{Label: jsii.String(name)}
		throttles := fn.MetricThrottles(opts)
		alarm(id+"ThrottlesAlarm", name+"-throttles", "Lambda "+name+" was throttled", throttles, 1)
		throttlesM = append(throttlesM, throttles.With(labelled))
		errs := fn.MetricErrors(opts)
		if name != AuthorizerFunction {
			alarm(id+"ErrorsAlarm", name+"-errors", "Lambda "+name+" failed (error or panic)", errs, 1)
		}
		errorsM = append(errorsM, errs.With(labelled))
		durationM = append(durationM, fn.MetricDuration(&awscloudwatch.MetricOptions{Statistic: jsii.String("p99"), Period: period, Label: jsii.String(name)}))
	}

	// Any message in ingest's dead-letter queue is a clip in S3 that no
	// listing shows until its event is replayed (README.md).
	dlq := data.ingestFailures
	dlqVisible := dlq.MetricApproximateNumberOfMessagesVisible(&awscloudwatch.MetricOptions{Statistic: jsii.String("Maximum"), Period: period})
	alarmWhen(awscloudwatch.ComparisonOperator_GREATER_THAN_THRESHOLD, "IngestDeadLetterAlarm", "ingest-dead-letters",
		"ingest failed an S3 event after every retry (or it aged out): a clip is stored but not recorded; replay the dead-letter queue (infra/README.md)", dlqVisible, 0)
	// expire reports a failed stream record as a batch item failure, not
	// an error, and Lambda retries from it: a record that keeps failing
	// shows as the stream's iterator age growing (counts no longer follow
	// expiries), not in the errors alarm.
	iteratorAge := fns.byName[routes.FunctionExpire].Metric(jsii.String("IteratorAge"), &awscloudwatch.MetricOptions{Statistic: jsii.String("Maximum"), Period: period})
	alarm("ExpireIteratorAgeAlarm", "expire-iterator-age",
		"The expire Lambda is more than an hour behind the clips table's stream (a record keeps failing): camera counts stop following expiries until it catches up", iteratorAge, ExpireIteratorAgeThresholdMs)
	ops := operationsAlarms(stack, st, api, fns, data, period, alarm)
	dlqAge := dlq.MetricApproximateAgeOfOldestMessage(&awscloudwatch.MetricOptions{Statistic: jsii.String("Maximum"), Period: period, Label: jsii.String("oldest (s)")})

	graph := func(title string, left []awscloudwatch.IMetric) awscloudwatch.IWidget {
		return awscloudwatch.NewGraphWidget(&awscloudwatch.GraphWidgetProps{Title: jsii.String(title), Left: &left, Width: jsii.Number(12)})
	}
	dash := awscloudwatch.NewDashboard(stack, jsii.String("Dashboard"), &awscloudwatch.DashboardProps{
		DashboardName: jsii.String(StackName(st.Name)),
	})
	dash.AddWidgets(
		graph("API requests", []awscloudwatch.IMetric{stage.MetricCount(&awscloudwatch.MetricOptions{Statistic: jsii.String("Sum"), Period: period})}),
		graph("API 4XX / 5XX rate", []awscloudwatch.IMetric{
			stage.MetricClientError(&awscloudwatch.MetricOptions{Statistic: jsii.String("Average"), Period: period}),
			api5xx,
		}),
	)
	dash.AddWidgets(
		graph("API latency p99 (ms)", []awscloudwatch.IMetric{
			stage.MetricLatency(&awscloudwatch.MetricOptions{Statistic: jsii.String("p99"), Period: period}),
			stage.MetricIntegrationLatency(&awscloudwatch.MetricOptions{Statistic: jsii.String("p99"), Period: period}),
		}),
		graph("Authorizer failures", []awscloudwatch.IMetric{authFailures}),
	)
	dash.AddWidgets(graph("Lambda errors", errorsM), graph("Lambda throttles", throttlesM))
	dash.AddWidgets(graph("Lambda duration p99 (ms)", durationM),
		awscloudwatch.NewGraphWidget(&awscloudwatch.GraphWidgetProps{
			Title: jsii.String("Ingest dead-letter queue"),
			Left:  &[]awscloudwatch.IMetric{dlqVisible.With(&awscloudwatch.MetricOptions{Label: jsii.String("failed ingest events")})},
			Right: &[]awscloudwatch.IMetric{dlqAge},
			Width: jsii.Number(12),
		}))
	dash.AddWidgets(graph("Grant lookup failures, refused uploads, DynamoDB throttles", ops))
	dash.AddWidgets(graph("Web Push alerts failed", pushM), graph("Bulk job runner errors, runners not started, runners stopped", jobsM))
	dash.AddWidgets(graph("Console: revoked requests, uploads of disabled cameras", consoleMetrics(stack, st, fns, period)))
	dash.AddWidgets(awscloudwatch.NewAlarmStatusWidget(&awscloudwatch.AlarmStatusWidgetProps{
		Title:  jsii.String("Alarms"),
		Alarms: alarmsOf(m.alarms),
		Width:  jsii.Number(24),
	}))
	return m
}

func alarmsOf(alarms []awscloudwatch.Alarm) *[]interfacesawscloudwatch.IAlarmRef {
	out := make([]interfacesawscloudwatch.IAlarmRef, len(alarms))
	for i, a := range alarms {
		out[i] = a
	}
	return &out
}
