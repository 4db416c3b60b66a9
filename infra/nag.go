package main

import (
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdklabs/cdk-nag-go/cdknag/v2"

	"github.com/camvault/camvault/videos-api/routes"
)

// nagRule is one cdk-nag finding accepted on purpose, with the reason a
// reviewer would need, optionally narrowed to some of the finding's
// resources or actions (cdk-nag's appliesTo; a string, or a /regex/).
type nagRule struct {
	id, reason string
	appliesTo  []string
}

// Suppressions shared by every Lambda role of ours.
var (
	xrayWildcard = nagRule{"AwsSolutions-IAM5",
		"X-Ray active tracing: xray:PutTraceSegments and xray:PutTelemetryRecords do not support resource-level permissions, so the only valid resource is *.",
		[]string{"Resource::*"}}
	timelineIndex = nagRule{"AwsSolutions-IAM5",
		"DynamoDB grant on the clips table's own indexes (<table>/index/*, which is only the timeline GSI): scoped to this one table.",
		[]string{"/^Resource::<VideosTable[0-9A-F]+\\.Arn>\\/index\\/\\*$/"}}
	clipObjects = nagRule{"AwsSolutions-IAM5",
		"Object-level permission (a single action, s3:GetObject or s3:DeleteObject) on the clips/ prefix of this stage's clips bucket: clips are addressed by camera, date and id, so the prefix is the narrowest stable scope.",
		[]string{"/^Resource::<ClipsBucket[0-9A-F]+\\.Arn>\\/clips\\/\\*$/"}}
)

// suppressFindings records, next to the resources they concern, the
// cdk-nag AwsSolutions findings this stack accepts and why. Everything else
// is fixed in the construct itself.
func suppressFindings(stack awscdk.Stack, data *dataStores, api *restAPI, fns *functions, mon *monitoring) {
	suppress(mon.topic, nagRule{"AwsSolutions-SNS2",
		"The topic carries only CloudWatch alarm state changes (alarm name, metric, threshold), no clip, person or token data; encrypting it would need a customer-managed KMS key whose policy admits CloudWatch, for no confidentiality gain. Publishing is TLS-only (EnforceSSL).", nil})

	suppress(data.ingestFailures, nagRule{"AwsSolutions-SQS3",
		"This queue is itself a dead-letter queue: the on-failure destination of the ingest Lambda's asynchronous invocations (AWS::Lambda::EventInvokeConfig), which cdk-nag does not recognise as it only looks for SQS redrive policies. Nothing consumes it automatically; an operator replays its messages, so a further DLQ would have nothing to catch.", nil})

	suppress(data.cursorSecret, nagRule{"AwsSolutions-SMG4",
		"The secret is an HMAC key that signs opaque pagination cursors, not a credential to another system: rotating it would only invalidate outstanding cursors, and a rotation Lambda would add surface for no security gain. Replace it by redeploying if it leaks.", nil})

	for key, m := range api.methods {
		if key == "POST /shared" {
			suppress(m, nagRule{"AwsSolutions-APIG4",
				"The share-link route is public by design (the link's recipient has no account): the handler admits only a request whose body carries a share token of 256 random bits whose SHA-256 matches an unexpired, unrevoked share of one clip, and the stage throttles this method on its own.", nil},
				nagRule{"AwsSolutions-COG4", "Public by design, see APIG4: no user pool or authorizer can apply to someone without an account.", nil})
			continue
		}
		suppress(m, nagRule{"AwsSolutions-COG4",
			"camvault's people sign in with Google, not a Cognito user pool: every route method uses the Lambda TOKEN authorizer, which verifies the Google ID token (signature, issuer, audience, expiry) and the allowlist.", nil})
	}
	suppress(api.rest.Node().FindChild(jsii.String("CloudWatchRole")), nagRule{"AwsSolutions-IAM4",
		"API Gateway's account-level CloudWatch role must carry AmazonAPIGatewayPushToCloudWatchLogs (AWS's documented policy for execution and access logging); it is assumed only by apigateway.amazonaws.com.",
		[]string{"Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs"}})

	for _, name := range fns.names {
		rules := []nagRule{xrayWildcard}
		switch name {
		case routes.FunctionMe, routes.FunctionCameras, routes.FunctionVideos, routes.FunctionVideo, routes.FunctionDeleteVideo, routes.FunctionKeep, routes.FunctionShares, routes.FunctionShared, routes.FunctionJobs, routes.FunctionJobRunner, routes.FunctionIngest, routes.FunctionAdmin:
			rules = append(rules, timelineIndex, clipObjects)
		}
		suppress(fns.roles[name], rules...)
	}

	suppress(data.cameraUpload, nagRule{"AwsSolutions-IAM5",
		"A camera creates new objects under clips/<its id>/<date>/..., keys it chooses at capture time: s3:PutObject (one action, If-None-Match required, no read, list or delete) on its own prefix, named by its IAM user's camvault-camera tag, is the narrowest scope that works.",
		[]string{"/^Resource::<ClipsBucket[0-9A-F]+\\.Arn>\\/clips\\/<aws:PrincipalTag\\/camvault-camera>\\/\\*$/"}})
	suppress(stack.Node().TryFindChild(jsii.String("WebDistribution")),
		nagRule{"AwsSolutions-CFR4",
			"The web client is served on CloudFront's default *.cloudfront.net certificate (no custom domain), for which CloudFront fixes the viewer security policy and ignores a minimum protocol version; whoever adds a custom domain and ACM certificate sets MinimumProtocolVersion TLSv1.2_2021 with them (web.go).", nil},
		nagRule{"AwsSolutions-CFR1",
			"No geo restriction: people watch their own cameras from wherever they are, travel included, and a country list would lock them out. The distribution serves only the public static web client; every API call and clip URL is authenticated or signed.", nil},
		nagRule{"AwsSolutions-CFR2",
			"No WAF on the distribution: it serves only the public static web client (HTML, JS, CSS; no data, nothing processed server-side), so a web ACL, billed monthly per ACL and rule, would guard nothing that is not public. The data is behind the API, which has its own authorizer and throttling.", nil},
	)
	suppress(api.rest.DeploymentStage(), nagRule{"AwsSolutions-APIG3",
		"No WAFv2 web ACL on the stage: every route but the CORS preflight needs a Google ID token verified by the TOKEN authorizer (decisions cached per token), the stage throttles by rate and burst (stages.go), and handlers refuse bad input with a 400 before touching storage. A web ACL costs a fixed monthly fee per stage; add one (AWS managed rules plus a rate-based rule) if a stage sees abuse the throttle does not absorb.", nil})

	// Constructs CDK adds for us: the BucketDeployment's and the bucket
	// notifications' singleton Lambdas.
	for _, child := range *stack.Node().Children() {
		id := *child.Node().Id()
		switch {
		case strings.HasPrefix(id, "Custom::CDKBucketDeployment"):
			suppress(child,
				nagRule{"AwsSolutions-IAM4", "CDK's BucketDeployment provider Lambda (deploy-time only, not reachable from the API) logs with AWSLambdaBasicExecutionRole; CDK does not expose its role's policies.", []string{"Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"}},
				nagRule{"AwsSolutions-IAM5", "CDK's BucketDeployment provider copies the web build from the CDK assets bucket into the web bucket and invalidates CloudFront: CDK grants it object-level wildcards on exactly those two buckets, and X-Ray/CloudFront invalidation actions that have no resource-level scope.", nil},
				nagRule{"AwsSolutions-L1", "CDK's BucketDeployment provider Lambda runtime is pinned by the CDK library (a Python runtime bundled with the AWS CLI layer), not chosen by this app; it runs only during deployments.", nil},
			)
		case strings.HasPrefix(id, "BucketNotificationsHandler"):
			suppress(child,
				nagRule{"AwsSolutions-IAM4", "CDK's bucket-notifications handler (deploy-time only) logs with AWSLambdaBasicExecutionRole; CDK does not expose its role's policies.", []string{"Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"}},
				nagRule{"AwsSolutions-IAM5", "CDK's bucket-notifications handler needs s3:PutBucketNotification, which CDK grants on * because the bucket is configured through a custom resource.", []string{"Resource::*"}},
			)
		}
	}
}

// suppress attaches rules to construct and its children.
func suppress(construct any, rules ...nagRule) {
	if construct == nil || len(rules) == 0 {
		return
	}
	s := make([]*cdknag.NagPackSuppression, 0, len(rules))
	for _, r := range rules {
		sup := &cdknag.NagPackSuppression{Id: jsii.String(r.id), Reason: jsii.String(r.reason)}
		if len(r.appliesTo) > 0 {
			applies := make([]any, 0, len(r.appliesTo))
			for _, a := range r.appliesTo {
				if strings.HasPrefix(a, "/") {
					applies = append(applies, &cdknag.RegexAppliesTo{Regex: jsii.String(a)})
				} else {
					applies = append(applies, a)
				}
			}
			sup.AppliesTo = &applies
		}
		s = append(s, sup)
	}
	cdknag.NagSuppressions_AddResourceSuppressions(construct, &s, jsii.Bool(true))
}
