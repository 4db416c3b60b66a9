package main

import (
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/jsii-runtime-go"

	"github.com/camvault/camvault/videos-api/routes"
)

// The job runner's asynchronous invocations: POST /jobs starts it, and it
// hands a job on to a fresh invocation of itself. A failed invocation is
// retried JobRunnerRetryAttempts times (a retry resumes the job from its
// last step), and an event that waits longer than JobRunnerMaxEventAge is
// dropped; a job left part way is still resumed by a client's /run.
const (
	JobRunnerRetryAttempts = 2
	JobRunnerMaxEventAge   = time.Hour
)

// JobRunnerFunctionName is the job runner's fixed name in a stage. The
// runner may invoke itself, so its role's policy names its own ARN: built
// from this name (not the function's Arn attribute, which would make the
// policy, which the function depends on, depend on the function).
func JobRunnerFunctionName(stage string) string {
	return StackName(stage) + "-" + routes.FunctionJobRunner
}

// jobRunnerArn is the runner's ARN, formatted in the stack's partition,
// region and account.
func jobRunnerArn(stack awscdk.Stack, st Stage) string {
	return *stack.FormatArn(&awscdk.ArnComponents{
		Service:      jsii.String("lambda"),
		Resource:     jsii.String("function"),
		ResourceName: jsii.String(JobRunnerFunctionName(st.Name)),
		ArnFormat:    awscdk.ArnFormat_COLON_RESOURCE_NAME,
	})
}

// jobRunner grants the runner what the jobs function's steps need (it
// takes the same steps: the clips table, deletes and retention tags under
// clips/), lets it invoke itself and nothing else, lets jobs invoke only
// the runner, and sets its asynchronous invocations.
func (f *functions) jobRunner(stack awscdk.Stack, st Stage, data *dataStores) {
	runner, jobs := f.byName[routes.FunctionJobRunner], f.byName[routes.FunctionJobs]
	data.videos.GrantReadWriteData(runner)
	runner.AddToRolePolicy(clipsStatement(data, "s3:DeleteObject"))
	runner.AddToRolePolicy(clipsStatement(data, "s3:PutObjectTagging"))
	runner.AddToRolePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Actions:   jsii.Strings("lambda:InvokeFunction"),
		Resources: jsii.Strings(jobRunnerArn(stack, st)),
	}))
	jobs.AddToRolePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Actions:   jsii.Strings("lambda:InvokeFunction"),
		Resources: jsii.Strings(*runner.FunctionArn()),
	}))
	for _, fn := range []awslambda.Function{runner, jobs} {
		fn.AddEnvironment(jsii.String("JOB_RUNNER_FUNCTION_NAME"), jsii.String(JobRunnerFunctionName(st.Name)), nil)
	}
	awslambda.NewCfnEventInvokeConfig(stack, jsii.String("JobRunnerAsyncInvokeConfig"), &awslambda.CfnEventInvokeConfigProps{
		FunctionName:             runner.FunctionName(),
		Qualifier:                jsii.String("$LATEST"),
		MaximumRetryAttempts:     jsii.Number(JobRunnerRetryAttempts),
		MaximumEventAgeInSeconds: jsii.Number(JobRunnerMaxEventAge.Seconds()),
	})
}

// jobRunnerAlarms counts the runner's ERROR lines (a runner that failed,
// or a clip it could not delete or keep), its "job runner stopped" lines
// (a job stopped because its creator's access changed: only /run can
// finish it) and the jobs function's "job runner not started" lines (a job
// only /run can drive), and alarms on them.
func jobRunnerAlarms(stack awscdk.Stack, st Stage, fns *functions, alarm func(id, name, what string, metric awscloudwatch.IMetric, threshold float64)) []awscloudwatch.IMetric {
	period := awscdk.Duration_Minutes(jsii.Number(5))
	count := func(id, metric string, group awslogs.ILogGroup, msg string) awscloudwatch.IMetric {
		return logLines(stack, st, id, metric, group, phrase(msg), period)
	}
	errs := count("JobRunnerErrorLinesFilter", "JobRunnerErrorLines", fns.logGroups[routes.FunctionJobRunner], "ERROR")
	alarm("JobRunnerErrorLinesAlarm", "job-runner-error-lines", "The bulk job runner logged an error (a failed invocation, a clip it could not delete or keep): Lambda retries a failed invocation twice; a job left part way resumes when a client opens it", errs, 1)
	start := count("JobRunnerNotStartedFilter", "JobRunnerNotStarted", fns.logGroups[routes.FunctionJobs], "job runner not started")
	alarm("JobRunnerNotStartedAlarm", "job-runner-not-started", "POST /jobs could not invoke the job runner: the job is recorded but runs only while a client drives it", start, 1)
	stopped := count("JobRunnerStoppedFilter", "JobRunnerStopped", fns.logGroups[routes.FunctionJobRunner], "job runner stopped")
	alarm("JobRunnerStoppedAlarm", "job-runner-stopped", "The bulk job runner stopped a job because its creator's access changed since the job was made: the job stays part way until an admin resumes it (the bulk panel does when the job stalls, or POST /jobs/{jobId}/run)", stopped, 1)
	return []awscloudwatch.IMetric{errs, start, stopped}
}
