package main

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsdynamodb"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3notifications"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssecretsmanager"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssqs"
	"github.com/aws/jsii-runtime-go"

	"github.com/camvault/camvault/videos-api/clip"
	"github.com/camvault/camvault/videos-api/store"
)

// The clips table's keys, timeline index and TTL attribute come from
// videos-api/store, the code that reads and writes the table.
var schema = store.TableSchema

const (
	// AllowlistKey is the allowlist table's partition key: a lowercased email
	// address or domain.
	AllowlistKey = "subject"
	// ClipsPrefix is where cameras put clips and thumbnails; ingest hears of
	// every object created under it and the lifecycle rule expires it.
	ClipsPrefix = "clips/"
	// CameraTagKey is the IAM tag that names a camera's id on its IAM
	// user (scripts/provision-camera.sh sets it). The camera upload policy
	// and the clips bucket's policy read it as
	// ${aws:PrincipalTag/camvault-camera}: a principal with the tag may only
	// create objects under clips/{its id}/, never overwrite, read or delete.
	CameraTagKey = "camvault-camera"
	// IngestFailureRetentionDays is how long the ingest dead-letter queue
	// keeps a failed event: SQS's maximum, so a failure noticed after a
	// long weekend can still be replayed.
	IngestFailureRetentionDays = 14
)

// dataStores are the stage's stateful resources.
type dataStores struct {
	// logs receives S3 server access logs and CloudFront access logs.
	logs awss3.Bucket
	// clips holds clips/ (video and thumbnails) uploaded by cameras.
	clips awss3.Bucket
	// videos is the single table of cameras and clips.
	videos awsdynamodb.Table
	// allowlist is the authorizer's table of dynamic grants.
	allowlist awsdynamodb.Table
	// cursorSecret is the HMAC key that signs pagination cursors.
	cursorSecret awssecretsmanager.Secret
	// ingestFailures is ingest's on-failure destination: S3 events whose
	// asynchronous invocation failed every attempt (or grew too old) land
	// here, with the error, to be replayed (see README.md).
	ingestFailures awssqs.Queue
	// cameraUpload lets the IAM user of one camera (tagged
	// camvault-camera={id}, see CameraTagKey) create clips and thumbnails
	// under clips/{id}/, with If-None-Match: *, and do nothing else.
	cameraUpload awsiam.ManagedPolicy
}

func newDataStores(stack awscdk.Stack, st Stage) *dataStores {
	d := &dataStores{}
	rp := removalPolicy(st)

	d.logs = awss3.NewBucket(stack, jsii.String("LogsBucket"), &awss3.BucketProps{
		BlockPublicAccess: awss3.BlockPublicAccess_BLOCK_ALL(),
		EnforceSSL:        jsii.Bool(true),
		Encryption:        awss3.BucketEncryption_S3_MANAGED,
		// CloudFront's standard logs are written with an ACL grant, so this
		// one bucket keeps ACLs (owner preferred); every other bucket has
		// them disabled.
		ObjectOwnership: awss3.ObjectOwnership_BUCKET_OWNER_PREFERRED,
		Versioned:       jsii.Bool(false),
		LifecycleRules: &[]*awss3.LifecycleRule{{
			Id:         jsii.String("expire-logs"),
			Expiration: awscdk.Duration_Days(jsii.Number(logDays(st))),
		}},
		RemovalPolicy:     rp,
		AutoDeleteObjects: jsii.Bool(!st.Protect),
	})

	d.clips = awss3.NewBucket(stack, jsii.String("ClipsBucket"), &awss3.BucketProps{
		// A fixed name (no resource reference) lets the web client's CSP name
		// the bucket without a dependency cycle through CloudFront.
		BucketName:             jsii.String(clipsBucketName(stack, st)),
		BlockPublicAccess:      awss3.BlockPublicAccess_BLOCK_ALL(),
		EnforceSSL:             jsii.Bool(true),
		Encryption:             awss3.BucketEncryption_S3_MANAGED,
		ObjectOwnership:        awss3.ObjectOwnership_BUCKET_OWNER_ENFORCED,
		ServerAccessLogsBucket: d.logs,
		ServerAccessLogsPrefix: jsii.String("s3/clips/"),
		// Versioned, so nothing is lost to an overwrite or a mistaken
		// delete before retention ends: a replaced or deleted clip stays as
		// a noncurrent version for RetentionDays more.
		Versioned: jsii.Bool(true),
		// Only current objects tagged retention=standard expire: ingest
		// tags every clip and thumbnail so, keeping a clip tags its objects
		// kept. S3 lifecycle filters cannot say "not tagged kept", and a
		// tag filter cannot go with the multipart clean-up, hence separate
		// rules. Noncurrent versions (a deleted or renewed clip) expire
		// whatever their tag: none is a live kept clip.
		LifecycleRules: &[]*awss3.LifecycleRule{{
			Id:         jsii.String("expire-clips"),
			Prefix:     jsii.String(ClipsPrefix),
			TagFilters: &map[string]any{clip.RetentionTag: clip.RetentionStandard},
			Expiration: awscdk.Duration_Days(jsii.Number(float64(st.RetentionDays))),
		}, {
			Id:                                  jsii.String("expire-noncurrent"),
			Prefix:                              jsii.String(ClipsPrefix),
			NoncurrentVersionExpiration:         awscdk.Duration_Days(jsii.Number(float64(st.RetentionDays))),
			AbortIncompleteMultipartUploadAfter: awscdk.Duration_Days(jsii.Number(1)),
		}, {
			// Once its noncurrent versions are gone, a delete marker is
			// removed too (S3 takes this only in a rule without Expiration).
			Id:                        jsii.String("remove-delete-markers"),
			Prefix:                    jsii.String(ClipsPrefix),
			ExpiredObjectDeleteMarker: jsii.Bool(true),
		}},

		RemovalPolicy:     rp,
		AutoDeleteObjects: jsii.Bool(!st.Protect),
	})

	d.videos = awsdynamodb.NewTable(stack, jsii.String("VideosTable"), &awsdynamodb.TableProps{
		PartitionKey:        &awsdynamodb.Attribute{Name: jsii.String(schema.PartitionKey), Type: awsdynamodb.AttributeType_STRING},
		SortKey:             &awsdynamodb.Attribute{Name: jsii.String(schema.SortKey), Type: awsdynamodb.AttributeType_STRING},
		BillingMode:         awsdynamodb.BillingMode_PAY_PER_REQUEST,
		TimeToLiveAttribute: jsii.String(schema.TTLAttribute),
		// TTL's deletes reach the expire Lambda, which keeps camera counts
		// and last-clip times true (videos-api/README.md, "Counts").
		Stream: awsdynamodb.StreamViewType_OLD_IMAGE,
		PointInTimeRecoverySpecification: &awsdynamodb.PointInTimeRecoverySpecification{
			PointInTimeRecoveryEnabled: jsii.Bool(true),
		},
		DeletionProtection: jsii.Bool(st.Protect),
		RemovalPolicy:      rp,
	})
	d.videos.AddGlobalSecondaryIndex(&awsdynamodb.GlobalSecondaryIndexProps{
		IndexName:      jsii.String(schema.TimelineIndex),
		PartitionKey:   &awsdynamodb.Attribute{Name: jsii.String(schema.TimelinePartitionKey), Type: awsdynamodb.AttributeType_STRING},
		SortKey:        &awsdynamodb.Attribute{Name: jsii.String(schema.TimelineSortKey), Type: awsdynamodb.AttributeType_STRING},
		ProjectionType: awsdynamodb.ProjectionType_ALL,
	})

	d.allowlist = awsdynamodb.NewTable(stack, jsii.String("AllowlistTable"), &awsdynamodb.TableProps{
		PartitionKey: &awsdynamodb.Attribute{Name: jsii.String(AllowlistKey), Type: awsdynamodb.AttributeType_STRING},
		BillingMode:  awsdynamodb.BillingMode_PAY_PER_REQUEST,
		PointInTimeRecoverySpecification: &awsdynamodb.PointInTimeRecoverySpecification{
			PointInTimeRecoveryEnabled: jsii.Bool(true),
		},
		DeletionProtection: jsii.Bool(st.Protect),
		RemovalPolicy:      rp,
	})

	d.cursorSecret = awssecretsmanager.NewSecret(stack, jsii.String("CursorSecret"), &awssecretsmanager.SecretProps{
		Description: jsii.String("camvault " + st.Name + ": HMAC key that signs the API's pagination cursors"),
		GenerateSecretString: &awssecretsmanager.SecretStringGenerator{
			PasswordLength:     jsii.Number(64),
			ExcludePunctuation: jsii.Bool(true),
		},
		RemovalPolicy: rp,
	})

	// A failed ingest leaves a clip in S3 that no listing shows; its event
	// is kept here, so it is data like the table it was meant for.
	d.ingestFailures = awssqs.NewQueue(stack, jsii.String("IngestDeadLetterQueue"), &awssqs.QueueProps{
		Encryption:      awssqs.QueueEncryption_SQS_MANAGED,
		EnforceSSL:      jsii.Bool(true),
		RetentionPeriod: awscdk.Duration_Days(jsii.Number(IngestFailureRetentionDays)),
		RemovalPolicy:   rp,
	})

	d.cameraUpload = awsiam.NewManagedPolicy(stack, jsii.String("CameraUploadPolicy"), &awsiam.ManagedPolicyProps{
		Description: jsii.String("camvault " + st.Name + ": a camera may create clips and thumbnails under clips/{its " + CameraTagKey + " tag}/ (attach to the camera's IAM user; scripts/provision-camera.sh)"),
		Statements: &[]awsiam.PolicyStatement{awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
			Sid:        jsii.String("CreateOwnClipsOnly"),
			Actions:    jsii.Strings("s3:PutObject"),
			Resources:  jsii.Strings(*d.clips.ArnForObjects(jsii.String(cameraPrefix()))),
			Conditions: &map[string]any{"Null": map[string]any{"s3:if-none-match": "false"}},
		})},
	})
	d.lockClips()
	return d
}

// cameraPrefix is the object pattern of the calling camera's own clips.
func cameraPrefix() string { return ClipsPrefix + "${aws:PrincipalTag/" + CameraTagKey + "}/*" }

// lockClips adds the clips bucket's rules that hold whatever IAM policy a
// principal has: nobody creates under clips/ (PutObject or
// CompleteMultipartUpload, s3:ObjectCreationOperation true) without
// If-None-Match: *, so no credential overwrites footage (CopyObject into
// clips/ is refused too); the parts of a multipart upload, which take no
// conditional header, are exempt. A camera principal (one with the
// CameraTagKey tag) may only PutObject under clips/{its id}/: no read,
// list, delete or other call.
func (d *dataStores) lockClips() {
	cameraTag := "aws:PrincipalTag/" + CameraTagKey
	for _, st := range []*awsiam.PolicyStatementProps{{
		Sid:        jsii.String("DenyOverwritingClips"),
		Effect:     awsiam.Effect_DENY,
		Principals: &[]awsiam.IPrincipal{awsiam.NewAnyPrincipal()},
		Actions:    jsii.Strings("s3:PutObject"),
		Resources:  jsii.Strings(*d.clips.ArnForObjects(jsii.String(ClipsPrefix + "*"))),
		Conditions: &map[string]any{
			"Null": map[string]any{"s3:if-none-match": "true"},
			"Bool": map[string]any{"s3:ObjectCreationOperation": "true"},
		},
	}, {
		Sid:          jsii.String("DenyCamerasOtherPrefixes"),
		Effect:       awsiam.Effect_DENY,
		Principals:   &[]awsiam.IPrincipal{awsiam.NewAnyPrincipal()},
		Actions:      jsii.Strings("s3:PutObject"),
		NotResources: jsii.Strings(*d.clips.ArnForObjects(jsii.String(cameraPrefix()))),
		Conditions:   &map[string]any{"Null": map[string]any{cameraTag: "false"}},
	}, {
		Sid:        jsii.String("DenyCamerasAllButCreate"),
		Effect:     awsiam.Effect_DENY,
		Principals: &[]awsiam.IPrincipal{awsiam.NewAnyPrincipal()},
		NotActions: jsii.Strings("s3:PutObject"),
		Resources:  jsii.Strings(*d.clips.BucketArn(), *d.clips.ArnForObjects(jsii.String("*"))),
		Conditions: &map[string]any{"Null": map[string]any{cameraTag: "false"}},
	}} {
		d.clips.AddToResourcePolicy(awsiam.NewPolicyStatement(st))
	}
}

// connectClips lets the web origin GET clips with signed URLs and sends every
// clip object created to ingest.
func (d *dataStores) connectClips(ingest awslambda.Function, webOrigin string) {
	d.clips.AddCorsRule(&awss3.CorsRule{
		AllowedMethods: &[]awss3.HttpMethods{awss3.HttpMethods_GET, awss3.HttpMethods_HEAD},
		AllowedOrigins: jsii.Strings(webOrigin),
		AllowedHeaders: jsii.Strings("Range"),
		ExposedHeaders: jsii.Strings("Content-Length", "Content-Range", "Content-Type", "Accept-Ranges", "ETag"),
		MaxAge:         jsii.Number(3000),
	})
	d.clips.AddEventNotification(awss3.EventType_OBJECT_CREATED,
		awss3notifications.NewLambdaDestination(ingest),
		&awss3.NotificationKeyFilter{Prefix: jsii.String(ClipsPrefix)})
}

// clipsBucketName is camvault-<stage>-clips-<account>-<region>: globally
// unique per account and region, and free of resource references.
func clipsBucketName(stack awscdk.Stack, st Stage) string {
	return "camvault-" + st.Name + "-clips-" + *stack.Account() + "-" + *stack.Region()
}

// logDays is how long the logs bucket keeps S3 and CloudFront access logs:
// a year where data is protected, 90 days elsewhere.
func logDays(st Stage) float64 {
	if st.Protect {
		return 365
	}
	return 90
}
