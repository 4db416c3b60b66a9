package main

import (
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambdaeventsources"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/camvault/camvault/videos-api/routes"
)

// functionSize is the memory and timeout of one Lambda.
type functionSize struct {
	memoryMB int
	timeout  time.Duration
}

// sizes of the Lambdas: Go on arm64 needs little memory; ingest and delete
// touch S3 and DynamoDB more than once, and the authorizer may fetch Google's
// keys on a cold start.
var sizes = map[string]functionSize{
	routes.FunctionMe:          {128, 5 * time.Second},
	routes.FunctionCameras:     {256, 10 * time.Second},
	routes.FunctionVideos:      {256, 10 * time.Second},
	routes.FunctionVideo:       {256, 10 * time.Second},
	routes.FunctionDeleteVideo: {256, 15 * time.Second},
	routes.FunctionKeep:        {256, 15 * time.Second},
	routes.FunctionShares:      {256, 10 * time.Second},
	routes.FunctionShared:      {256, 10 * time.Second},
	// jobs processes a bounded batch of clips per call.
	routes.FunctionJobs: {256, 30 * time.Second},
	// admin removes a camera's clips in batches of bounded size per call.
	routes.FunctionAdmin:      {256, 30 * time.Second},
	routes.FunctionIngest:     {256, 30 * time.Second},
	routes.FunctionExpire:     {128, 30 * time.Second},
	routes.FunctionAlerts:     {256, 10 * time.Second},
	routes.FunctionPushSender: {256, 30 * time.Second},
	// job-runner runs a bulk job for minutes, handing it on before its
	// timeout (videos-api/app.JobRunnerMargin).
	routes.FunctionJobRunner: {256, 5 * time.Minute},
	AuthorizerFunction:       {256, 10 * time.Second},
}

// Ingest is invoked asynchronously by S3. Lambda retries a failed event
// IngestRetryAttempts times (about one and then two minutes apart) and keeps
// an event that cannot run yet (throttled) for up to IngestMaxEventAge; an
// event that fails every attempt or grows older goes to the ingest
// dead-letter queue instead of being dropped. Ingest is idempotent, so a
// retry or a replay of an event already recorded changes nothing.
const (
	IngestRetryAttempts = 2
	// IngestMaxEventAge: an hour of backlog is an incident worth the
	// dead-letter alarm, rather than six hours of silent waiting.
	IngestMaxEventAge = time.Hour
)

// functions are the stage's Lambdas, by function name (the route table's
// names plus AuthorizerFunction).
type functions struct {
	// names lists every function, route table order, the authorizer last.
	names     []string
	byName    map[string]awslambda.Function
	roles     map[string]awsiam.Role
	logGroups map[string]awslogs.LogGroup
}

// authorizer is the TOKEN authorizer's Lambda.
func (f *functions) authorizer() awslambda.Function { return f.byName[AuthorizerFunction] }

func newFunctions(stack awscdk.Stack, st Stage, buildDir string, data *dataStores, webOrigin string) *functions {
	f := &functions{
		byName:    map[string]awslambda.Function{},
		roles:     map[string]awsiam.Role{},
		logGroups: map[string]awslogs.LogGroup{},
	}
	videosEnv := map[string]string{
		"TABLE_NAME":     *data.videos.TableName(),
		"BUCKET_NAME":    *data.clips.BucketName(),
		"WEB_ORIGIN":     webOrigin,
		"RETENTION_DAYS": strconv.Itoa(st.RetentionDays),
		"URL_TTL":        st.URLTTL.String(),
	}
	// Only videos and admin page, so only they get the cursor key:
	// CloudFormation resolves the secret into their environment at deploy
	// (a dynamic reference), so no cold start reads Secrets Manager (see
	// videos-api/README.md for why that is safe for this key).
	cursorKey := *data.cursorSecret.SecretValue().UnsafeUnwrap()
	auditDays := st.AuditRetentionDays
	if auditDays <= 0 {
		auditDays = 365
	}
	for _, name := range routes.FunctionsIn(st.Features()) {
		env := videosEnv
		if name == routes.FunctionAdmin {
			// The console writes the authorizer's grants and must know the
			// owners (ADMIN_EMAILS), whom it never changes.
			env = map[string]string{
				"ALLOWLIST_TABLE":      *data.allowlist.TableName(),
				"ADMIN_EMAILS":         strings.Join(st.AdminEmails, ","),
				"AUDIT_RETENTION_DAYS": strconv.Itoa(auditDays),
			}
			for k, v := range videosEnv {
				env[k] = v
			}
		}
		if name == routes.FunctionVideo {
			env = map[string]string{"AUDIT_RETENTION_DAYS": strconv.Itoa(auditDays)}
			for k, v := range videosEnv {
				env[k] = v
			}
		}
		if name == routes.FunctionVideos || name == routes.FunctionAdmin {
			paging := map[string]string{"CURSOR_SECRET": cursorKey}
			for k, v := range env {
				paging[k] = v
			}
			env = paging
		}
		f.add(stack, st, buildDir, name, env)
	}
	f.add(stack, st, buildDir, AuthorizerFunction, map[string]string{
		"GOOGLE_CLIENT_IDS": strings.Join(st.GoogleClientIDs, ","),
		"ALLOWED_DOMAINS":   strings.Join(st.AllowedDomains, ","),
		"ALLOWED_EMAILS":    strings.Join(st.AllowedEmails, ","),
		"ADMIN_EMAILS":      strings.Join(st.AdminEmails, ","),
		"ALLOWLIST_TABLE":   *data.allowlist.TableName(),
	})

	// Least privilege, per function. Signing a URL needs the signer to be
	// allowed the signed request, hence s3:GetObject for the readers.
	// Only the functions that hand out URLs (videos for thumbnails, video)
	// sign S3 GETs. No function reads the cursor secret at run time.
	getClips := clipsStatement(data, "s3:GetObject")
	// Every API function reads the clips table: at least the revocation
	// records that narrow a cached Allow (see videos-api/grant).
	for _, name := range []string{routes.FunctionMe, routes.FunctionCameras, routes.FunctionVideos, routes.FunctionVideo} {
		data.videos.GrantReadData(f.byName[name])
	}
	for _, name := range []string{routes.FunctionVideos, routes.FunctionVideo} {
		f.byName[name].AddToRolePolicy(getClips)
	}
	// Retention is an object tag (clip.RetentionTag): ingest sets it,
	// keep changes it, delete gives a kept clip's objects back before
	// removing them.
	tagClips := clipsStatement(data, "s3:PutObjectTagging")
	// video records each clip it hands out in the activity trail:
	// PutItem only, so it can add entries but change nothing.
	f.byName[routes.FunctionVideo].AddToRolePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Actions:   jsii.Strings("dynamodb:PutItem"),
		Resources: jsii.Strings(*data.videos.TableArn()),
	}))
	adm := f.byName[routes.FunctionAdmin]
	data.videos.GrantReadWriteData(adm)
	adm.AddToRolePolicy(clipsStatement(data, "s3:DeleteObject"))
	adm.AddToRolePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Actions:   jsii.Strings("dynamodb:GetItem", "dynamodb:Scan", "dynamodb:PutItem", "dynamodb:DeleteItem"),
		Resources: jsii.Strings(*data.allowlist.TableArn()),
	}))
	del := f.byName[routes.FunctionDeleteVideo]
	data.videos.GrantReadWriteData(del)
	del.AddToRolePolicy(clipsStatement(data, "s3:DeleteObject"))
	del.AddToRolePolicy(tagClips)
	// jobs deletes (as delete-video does) and keeps (as keep does) in bulk.
	jobs := f.byName[routes.FunctionJobs]
	data.videos.GrantReadWriteData(jobs)
	jobs.AddToRolePolicy(clipsStatement(data, "s3:DeleteObject"))
	jobs.AddToRolePolicy(tagClips)
	keep := f.byName[routes.FunctionKeep]
	data.videos.GrantReadWriteData(keep)
	keep.AddToRolePolicy(tagClips)
	if st.Sharing {
		// shares makes, lists (a Query of the index) and revokes share
		// records; shared reads one, records opens and signs the clip's
		// URLs.
		data.videos.GrantReadWriteData(f.byName[routes.FunctionShares])
		data.videos.GrantReadWriteData(f.byName[routes.FunctionShared])
		f.byName[routes.FunctionShared].AddToRolePolicy(getClips)
	}
	ingest := f.byName[routes.FunctionIngest]
	data.videos.GrantReadWriteData(ingest)
	ingest.AddToRolePolicy(getClips)
	ingest.AddToRolePolicy(tagClips)
	f.ingestFailuresTo(stack, data)
	f.expireFromStream(data)
	f.jobRunner(stack, st, data)
	data.allowlist.GrantReadData(f.authorizer())
	grantAddressBinding(f, data)
	return f
}

// ingestFailuresTo sets ingest's asynchronous invocation explicitly: the
// retries and event age above, and the dead-letter queue as its on-failure
// destination. Lambda sends the failure record (the original S3 event as
// requestPayload, the error as responsePayload) with the function's role, which
// needs only sqs:SendMessage on that queue; CDK's SqsDestination would also
// grant GetQueueAttributes and GetQueueUrl, hence the L1 resource.
func (f *functions) ingestFailuresTo(stack awscdk.Stack, data *dataStores) {
	ingest, role := f.byName[routes.FunctionIngest], f.roles[routes.FunctionIngest]
	ingest.AddToRolePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Actions:   jsii.Strings("sqs:SendMessage"),
		Resources: jsii.Strings(*data.ingestFailures.QueueArn()),
	}))
	cfg := awslambda.NewCfnEventInvokeConfig(stack, jsii.String("IngestAsyncInvokeConfig"), &awslambda.CfnEventInvokeConfigProps{
		FunctionName:             ingest.FunctionName(),
		Qualifier:                jsii.String("$LATEST"), // S3 invokes the unqualified function
		MaximumRetryAttempts:     jsii.Number(IngestRetryAttempts),
		MaximumEventAgeInSeconds: jsii.Number(IngestMaxEventAge.Seconds()),
		DestinationConfig: &awslambda.CfnEventInvokeConfig_DestinationConfigProperty{
			OnFailure: &awslambda.CfnEventInvokeConfig_OnFailureProperty{
				Destination: data.ingestFailures.QueueArn(),
			},
		},
	})
	// Lambda checks that the role may send to the destination when the
	// config is created: the role's policy must exist first.
	cfg.Node().AddDependency(role)
}

// expireFromStream feeds the clips table's stream to the expire Lambda,
// filtered to the removes TTL makes (userIdentity dynamodb.amazonaws.com)
// of camera partitions' items (PK CAM#...),
// so API deletes and every write cost no invocation. It may update and
// query the table's items (a camera's count, its newest clip), nothing
// else; the event source grants the stream reads. Failed records are
// reported one by one (ReportBatchItemFailures) and retried from there
// until they leave the stream (24 h).
func (f *functions) expireFromStream(data *dataStores) {
	fn := f.byName[routes.FunctionExpire]
	fn.AddToRolePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Actions:   jsii.Strings("dynamodb:UpdateItem", "dynamodb:Query"),
		Resources: jsii.Strings(*data.videos.TableArn()),
	}))
	fn.AddEventSource(awslambdaeventsources.NewDynamoEventSource(data.videos, &awslambdaeventsources.DynamoEventSourceProps{
		StartingPosition:        awslambda.StartingPosition_TRIM_HORIZON,
		BatchSize:               jsii.Number(100),
		ReportBatchItemFailures: jsii.Bool(true),
		Filters: &[]*map[string]interface{}{awslambda.FilterCriteria_Filter(&map[string]interface{}{
			"eventName": awslambda.FilterRule_IsEqual("REMOVE"),
			"userIdentity": map[string]interface{}{
				"type":        awslambda.FilterRule_IsEqual("Service"),
				"principalId": awslambda.FilterRule_IsEqual("dynamodb.amazonaws.com"),
			},
			// Only the items of cameras (clip records): the TTL removes of
			// other items (audience index entries, activity, revocations,
			// ...) need no work and cost no invocation.
			"dynamodb": map[string]interface{}{
				"Keys": map[string]interface{}{
					schema.PartitionKey: map[string]interface{}{"S": awslambda.FilterRule_BeginsWith(jsii.String("CAM#"))},
				},
			},
		})},
	}))
}

// add defines one Lambda with its own role, which may write only to the
// function's own log group (no managed policy).
func (f *functions) add(stack awscdk.Stack, st Stage, buildDir, name string, env map[string]string) {
	id := constructID(name)
	logs := awslogs.NewLogGroup(stack, jsii.String(id+"Logs"), &awslogs.LogGroupProps{
		Retention:     st.LogRetention,
		RemovalPolicy: removalPolicy(st),
	})
	role := awsiam.NewRole(stack, jsii.String(id+"Role"), &awsiam.RoleProps{
		AssumedBy:   awsiam.NewServicePrincipal(jsii.String("lambda.amazonaws.com"), nil),
		Description: jsii.String("camvault " + st.Name + " " + name + " Lambda"),
	})
	logs.GrantWrite(role)
	vars := map[string]*string{}
	for k, v := range env {
		vars[k] = jsii.String(v)
	}
	size, ok := sizes[name]
	if !ok { // a function added to the route table since
		size = functionSize{256, 10 * time.Second}
	}
	var physical *string
	if name == routes.FunctionJobRunner {
		physical = jsii.String(JobRunnerFunctionName(st.Name)) // see jobRunnerArn
	}
	fn := awslambda.NewFunction(stack, jsii.String(id+"Function"), &awslambda.FunctionProps{
		FunctionName: physical,
		Description:  jsii.String("camvault " + st.Name + ": " + name),
		Runtime:      awslambda.Runtime_PROVIDED_AL2023(),
		Architecture: awslambda.Architecture_ARM_64(),
		Handler:      jsii.String("bootstrap"),
		Code:         awslambda.Code_FromAsset(jsii.String(filepath.Join(buildDir, name)), nil),
		MemorySize:   jsii.Number(float64(size.memoryMB)),
		Timeout:      awscdk.Duration_Seconds(jsii.Number(size.timeout.Seconds())),
		Environment:  &vars,
		Role:         role,
		LogGroup:     logs,
		Tracing:      awslambda.Tracing_ACTIVE,
	})
	f.names = append(f.names, name)
	f.byName[name] = fn
	f.roles[name] = role
	f.logGroups[name] = logs
}

// clipsStatement allows action on the objects under clips/ and nothing else.
func clipsStatement(data *dataStores, action string) awsiam.PolicyStatement {
	return awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Actions:   jsii.Strings(action),
		Resources: jsii.Strings(*data.clips.ArnForObjects(jsii.String(ClipsPrefix + "*"))),
	})
}

var nonAlnum = regexp.MustCompile(`[^A-Za-z0-9]`)

// logHelperFunctions gives every Lambda CDK adds for itself (the bucket
// notifications handler, the auto-delete-objects provider) a log group with
// the stage's retention, like ours: left alone, each would log to a
// /aws/lambda/... group it creates on first run, kept forever and orphaned
// when the stack goes. Their roles carry AWSLambdaBasicExecutionRole, which
// may write to any log group, so no grant is needed. Call it once every
// construct is defined.
func logHelperFunctions(stack awscdk.Stack, st Stage) {
	for _, c := range *stack.Node().FindAll(constructs.ConstructOrder_PREORDER) {
		if _, l1 := c.(awslambda.CfnFunction); l1 {
			continue // an L2 Function: ours, or one that takes a LogGroup prop
		}
		res, ok := c.(awscdk.CfnResource)
		if !ok || *res.CfnResourceType() != "AWS::Lambda::Function" {
			continue
		}
		id := nonAlnum.ReplaceAllString(*res.Node().Scope().Node().Id(), "") + "Logs"
		logs := awslogs.NewLogGroup(stack, jsii.String(id), &awslogs.LogGroupProps{
			Retention:     st.LogRetention,
			RemovalPolicy: removalPolicy(st),
		})
		res.AddPropertyOverride(jsii.String("LoggingConfig.LogGroup"), logs.LogGroupName())
	}
}
