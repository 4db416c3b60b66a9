package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/camvault/camvault/videos-api/routes"
)

// AuthorizerFunction is the name of the TOKEN authorizer's Lambda; its code
// is <BuildDir>/authorizer/bootstrap, like the route table's functions.
const AuthorizerFunction = "authorizer"

// Output keys of every stage's stack. Scripts read ApiUrl and RestApiId with
// the AWS CLI, so they are a contract (see docs/contracts.md).
const (
	OutputAPIURL             = "ApiUrl"
	OutputWebURL             = "WebUrl"
	OutputClipsBucketName    = "ClipsBucketName"
	OutputVideosTableName    = "VideosTableName"
	OutputAllowlistTableName = "AllowlistTableName"
	OutputRestAPIID          = "RestApiId"
	// OutputCameraUploadPolicyArn is the managed policy that
	// scripts/provision-camera.sh attaches to each camera's IAM user.
	OutputCameraUploadPolicyArn = "CameraUploadPolicyArn"
	// OutputAlarmTopicArn is the SNS topic every alarm notifies.
	OutputAlarmTopicArn = "AlarmTopicArn"
	// OutputIngestDeadLetterQueueURL is the queue of S3 events ingest
	// failed, and OutputIngestFunctionName the function to replay them
	// with (README.md, "Replaying failed ingest events").
	OutputIngestDeadLetterQueueURL = "IngestDeadLetterQueueUrl"
	OutputIngestFunctionName       = "IngestFunctionName"
)

// CamvaultStackProps configures one stage's stack.
type CamvaultStackProps struct {
	awscdk.StackProps
	// Stage holds what differs between stages; it must validate.
	Stage Stage
	// BuildDir holds <function>/bootstrap for every Lambda (make build).
	// Default ../build, relative to infra/ where the CDK CLI runs the app.
	BuildDir string
	// WebDir is the built web client (npm run build in web/). Default
	// ../web/dist.
	WebDir string
	// Deploying is true when the CDK CLI deploys this stage (make deploy):
	// a protected stage whose alarms reach nobody is then refused.
	Deploying bool
}

// StackName is the CloudFormation stack name of a stage: camvault-<stage>.
func StackName(stage string) string { return "camvault-" + stage }

// NewCamvaultStack defines one stage of camvault: the REST API and its
// authorizer, the Lambdas, the tables, the clips bucket, the web client behind
// CloudFront, alarms and a dashboard. It refuses a stage that does not
// validate and assets that are missing, before defining anything.
func NewCamvaultStack(scope constructs.Construct, id string, props *CamvaultStackProps) (awscdk.Stack, error) {
	if props == nil {
		return nil, errors.New("camvault stack: props are required")
	}
	st := props.Stage
	if err := st.Validate(); err != nil {
		return nil, fmt.Errorf("camvault stack %s: %w", id, err)
	}
	if err := checkAlarmsReachSomeone(st, props.Deploying); err != nil {
		return nil, fmt.Errorf("camvault stack %s: %w", id, err)
	}
	buildDir := orDefault(props.BuildDir, filepath.Join("..", "build"))
	webDir := orDefault(props.WebDir, filepath.Join("..", "web", "dist"))
	if err := checkAssets(buildDir, webDir); err != nil {
		return nil, fmt.Errorf("camvault stack %s: %w", id, err)
	}

	sp := props.StackProps
	if sp.StackName == nil {
		sp.StackName = jsii.String(StackName(st.Name))
	}
	if sp.Env == nil && (st.Account != "" || st.Region != "") {
		sp.Env = &awscdk.Environment{Account: nonEmpty(st.Account), Region: nonEmpty(st.Region)}
	}
	if sp.Description == nil {
		sp.Description = jsii.String(fmt.Sprintf("camvault %s: security-camera video vault (API, authorizer, clips, web client)", st.Name))
	}
	stack := awscdk.NewStack(scope, &id, &sp)
	for flag, on := range featureFlags {
		stack.Node().SetContext(jsii.String(flag), on)
	}
	awscdk.Tags_Of(stack).Add(jsii.String("app"), jsii.String("camvault"), nil)
	awscdk.Tags_Of(stack).Add(jsii.String("stage"), jsii.String(st.Name), nil)
	if st.HasPlaceholderClientID() {
		awscdk.Annotations_Of(stack).AddWarningV2(jsii.String("camvault:placeholderClientId"), jsii.String(fmt.Sprintf(
			"stage %s still uses a placeholder Google client id: nobody can sign in until you set -c %s.googleClientIds=<id>.apps.googleusercontent.com or CAMVAULT_%s_GOOGLE_CLIENT_IDS (see infra/README.md)",
			st.Name, st.Name, strings.ToUpper(st.Name))), nil)
	}

	data := newDataStores(stack, st)
	api := newRestAPI(stack, st)
	ownExecutionLogs(stack, st, api)
	warnIfAlarmsReachNobody(stack, st)
	web := newWebHosting(stack, st, data, api, webDir)
	fns := newFunctions(stack, st, buildDir, data, web.origin)
	newAlerting(stack, st, fns, data)
	api.addRoutes(stack, st, fns, web.origin)
	data.connectClips(fns.byName[routes.FunctionIngest], web.origin)
	web.deploy(stack, st, api)
	mon := newMonitoring(stack, st, api, fns, data)
	logHelperFunctions(stack, st)
	suppressFindings(stack, data, api, fns, mon)

	outputs := []struct{ key, value, what string }{
		{OutputAPIURL, api.url, "the API's invoke URL, stage included (no trailing slash)"},
		{OutputWebURL, web.origin, "the web client"},
		{OutputClipsBucketName, *data.clips.BucketName(), "the bucket cameras upload clips/ to"},
		{OutputVideosTableName, *data.videos.TableName(), "the clips and cameras table"},
		{OutputAllowlistTableName, *data.allowlist.TableName(), "the authorizer's table of dynamic grants"},
		{OutputRestAPIID, *api.rest.RestApiId(), "the REST API id (for aws apigateway get-export)"},
		{OutputAlarmTopicArn, *mon.topic.TopicArn(), "every alarm notifies this topic: subscribe to it for pages"},
		{OutputCameraUploadPolicyArn, *data.cameraUpload.ManagedPolicyArn(), "attached by scripts/provision-camera.sh to each camera's IAM user (tag camvault-camera): create-only under clips/{id}/"},
		{OutputIngestDeadLetterQueueURL, *data.ingestFailures.QueueUrl(), "S3 events ingest failed after its retries: replay them (infra/README.md)"},
		{OutputIngestFunctionName, *fns.byName[routes.FunctionIngest].FunctionName(), "the ingest Lambda, to replay failed events with aws lambda invoke"},
	}
	for _, o := range outputs {
		awscdk.NewCfnOutput(stack, jsii.String(o.key), &awscdk.CfnOutputProps{Value: jsii.String(o.value), Description: jsii.String(o.what)})
	}
	return stack, nil
}

// featureFlags are the CDK feature flags the stack depends on, set on the
// stack itself so that the app and its tests build the same thing whatever
// cdk.json says.
var featureFlags = map[string]bool{
	// S3 server access logs are delivered by bucket policy, not by the
	// deprecated LogDeliveryWrite canned ACL.
	"@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy": true,
	// A change to the authorizer (cache TTL, validation regex) creates a new
	// API deployment, so that it reaches the stage.
	"@aws-cdk/aws-apigateway:authorizerChangeDeploymentLogicalId": true,
	// Request validators get ids unique to their API.
	"@aws-cdk/aws-apigateway:requestValidatorUniqueId": true,
}

// checkAssets fails with what to run when a Lambda binary or the web build is
// missing, instead of a deep CDK asset error.
func checkAssets(buildDir, webDir string) error {
	var missing []string
	for _, fn := range append(routes.Functions(), AuthorizerFunction) {
		p := filepath.Join(buildDir, fn, "bootstrap")
		if fi, err := os.Stat(p); err != nil || !fi.Mode().IsRegular() {
			missing = append(missing, p)
		}
	}
	var errs []error
	if len(missing) > 0 {
		errs = append(errs, fmt.Errorf("missing Lambda code %s: run `make build` first", strings.Join(missing, ", ")))
	}
	if fi, err := os.Stat(filepath.Join(webDir, "index.html")); err != nil || !fi.Mode().IsRegular() {
		errs = append(errs, fmt.Errorf("missing web client %s: run `make web-build` first", filepath.Join(webDir, "index.html")))
	}
	return errors.Join(errs...)
}

func orDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

func nonEmpty(v string) *string {
	if v == "" {
		return nil
	}
	return jsii.String(v)
}

// removalPolicy keeps data in protected stages and lets the others be torn
// down with their stack.
func removalPolicy(st Stage) awscdk.RemovalPolicy {
	if st.Protect {
		return awscdk.RemovalPolicy_RETAIN
	}
	return awscdk.RemovalPolicy_DESTROY
}

// constructID turns a function name like delete-video into a construct id
// like DeleteVideo.
func constructID(name string) string {
	var b strings.Builder
	for _, part := range strings.Split(name, "-") {
		if part != "" {
			b.WriteString(strings.ToUpper(part[:1]) + part[1:])
		}
	}
	return b.String()
}
