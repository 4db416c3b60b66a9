package main

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/jsii-runtime-go"

	"github.com/camvault/camvault/videos-api/routes"
)

// keepShareMetrics counts, from the Lambdas' own log lines (no
// PutMetricData on the hot path), the share links opened (ShareOpens, a
// usage metric) and the clips a bulk job could not delete or keep
// (BulkJobFailedClips, alarmed: a job ended with failed clips to look at).
func keepShareMetrics(stack awscdk.Stack, st Stage, fns *functions, alarm func(id, name, what string, metric awscloudwatch.IMetric, threshold float64)) {
	period := awscdk.Duration_Minutes(jsii.Number(5))
	count := func(id, metric string, group awslogs.ILogGroup, msg string) awscloudwatch.IMetric {
		return logLines(stack, st, id, metric, group, phrase(msg), period)
	}
	if st.Sharing {
		count("ShareOpensFilter", "ShareOpens", fns.logGroups[routes.FunctionShared], "opened share link")
	}
	failed := count("BulkJobFailedClipsFilter", "BulkJobFailedClips", fns.logGroups[routes.FunctionJobs], "bulk job could not")
	alarm("BulkJobFailedClipsAlarm", "bulk-job-failed-clips", "A bulk job could not delete or keep some clips: they are counted as failed in the job", failed, 1)
}
