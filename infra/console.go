package main

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/jsii-runtime-go"

	"github.com/camvault/camvault/videos-api/routes"
)

// Log lines the owner's console metrics count (metric filters, no alarm:
// both are the console working as asked). The videos Lambdas log with
// slog's default text handler, so these are phrase matches.
const (
	// RevokedRequestsFilter matches the handlers' WARN line for a request
	// refused because the grant that admitted it was removed after the
	// authorizer's (cached) decision.
	RevokedRequestsFilter = `"refused: grant removed since the authorizer's decision"`
	// DisabledCameraUploadsFilter matches ingest's WARN line for an upload
	// of a camera an admin turned off (or is removing).
	DisabledCameraUploadsFilter = `"refused: camera disabled or being removed"`
)

// consoleMetrics counts the console's effects in the log groups: requests
// refused by a revocation (every API function) and uploads of disabled
// cameras (ingest). It returns the metrics for the dashboard.
func consoleMetrics(stack awscdk.Stack, st Stage, fns *functions, period awscdk.Duration) []awscloudwatch.IMetric {
	namespace := jsii.String("camvault/" + st.Name)
	var revoked []awscloudwatch.IMetric
	using := map[string]awscloudwatch.IMetric{}
	expr := ""
	seen := map[string]bool{}
	for _, r := range routes.All() {
		name := r.Function
		if r.Public || seen[name] {
			continue // no authorizer: no cached decision to revoke
		}
		seen[name] = true
		lg, ok := fns.logGroups[name]
		if !ok {
			continue // a feature this stage leaves out
		}
		id := constructID(name)
		f := awslogs.NewMetricFilter(stack, jsii.String(id+"RevokedRequestsFilter"), &awslogs.MetricFilterProps{
			LogGroup:        lg,
			MetricNamespace: namespace,
			MetricName:      jsii.String("RevokedRequests"),
			MetricValue:     jsii.String("1"),
			FilterPattern:   awslogs.FilterPattern_Literal(jsii.String(RevokedRequestsFilter)),
		})
		m := f.Metric(&awscloudwatch.MetricOptions{Statistic: jsii.String("Sum"), Period: period})
		revoked = append(revoked, m)
		key := "r" + nonAlnum.ReplaceAllString(id, "")
		using[key] = m
		if expr != "" {
			expr += " + "
		}
		expr += key
	}
	disabled := awslogs.NewMetricFilter(stack, jsii.String("DisabledCameraUploadsFilter"), &awslogs.MetricFilterProps{
		LogGroup:        fns.logGroups[routes.FunctionIngest],
		MetricNamespace: namespace,
		MetricName:      jsii.String("DisabledCameraUploads"),
		MetricValue:     jsii.String("1"),
		FilterPattern:   awslogs.FilterPattern_Literal(jsii.String(DisabledCameraUploadsFilter)),
	}).Metric(&awscloudwatch.MetricOptions{Statistic: jsii.String("Sum"), Period: period, Label: jsii.String("uploads of disabled cameras")})
	if len(revoked) == 0 {
		return []awscloudwatch.IMetric{disabled}
	}
	// All the functions' filters publish one metric name; the sum of the
	// filters is the graph's one line.
	total := awscloudwatch.NewMathExpression(&awscloudwatch.MathExpressionProps{
		Expression: jsii.String(expr), UsingMetrics: &using, Period: period,
		Label: jsii.String("requests refused by a revoked grant"),
	})
	return []awscloudwatch.IMetric{total, disabled}
}
