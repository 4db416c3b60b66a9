package main

import (
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudfront"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudfrontorigins"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3deployment"
	"github.com/aws/jsii-runtime-go"
)

// googleSignIn is where Google Identity Services loads from (script, styles,
// the sign-in iframe and its XHRs).
const googleSignIn = "https://accounts.google.com/gsi/"

// webHosting is the web client: a private bucket behind CloudFront.
type webHosting struct {
	bucket       awss3.Bucket
	distribution awscloudfront.Distribution
	headers      awscloudfront.ResponseHeadersPolicy
	// origin is https://<distribution domain>: the API's and the clips
	// bucket's only CORS origin.
	origin string
	webDir string
	logs   awss3.Bucket
}

func newWebHosting(stack awscdk.Stack, st Stage, data *dataStores, api *restAPI, webDir string) *webHosting {
	w := &webHosting{webDir: webDir, logs: data.logs}
	w.bucket = awss3.NewBucket(stack, jsii.String("WebBucket"), &awss3.BucketProps{
		BlockPublicAccess:      awss3.BlockPublicAccess_BLOCK_ALL(),
		EnforceSSL:             jsii.Bool(true),
		Encryption:             awss3.BucketEncryption_S3_MANAGED,
		ObjectOwnership:        awss3.ObjectOwnership_BUCKET_OWNER_ENFORCED,
		ServerAccessLogsBucket: data.logs,
		ServerAccessLogsPrefix: jsii.String("s3/web/"),
		// The bucket only holds a build of web/dist; a redeploy recreates it.
		RemovalPolicy:     awscdk.RemovalPolicy_DESTROY,
		AutoDeleteObjects: jsii.Bool(true),
	})

	w.headers = awscloudfront.NewResponseHeadersPolicy(stack, jsii.String("WebSecurityHeaders"), &awscloudfront.ResponseHeadersPolicyProps{
		Comment: jsii.String("camvault " + st.Name + " web client security headers"),
		SecurityHeadersBehavior: &awscloudfront.ResponseSecurityHeadersBehavior{
			ContentSecurityPolicy: &awscloudfront.ResponseHeadersContentSecurityPolicy{
				ContentSecurityPolicy: jsii.String(contentSecurityPolicy(stack, st, api)),
				Override:              jsii.Bool(true),
			},
			StrictTransportSecurity: &awscloudfront.ResponseHeadersStrictTransportSecurity{
				AccessControlMaxAge: awscdk.Duration_Days(jsii.Number(365)),
				IncludeSubdomains:   jsii.Bool(true),
				Override:            jsii.Bool(true),
			},
			FrameOptions: &awscloudfront.ResponseHeadersFrameOptions{
				FrameOption: awscloudfront.HeadersFrameOption_DENY,
				Override:    jsii.Bool(true),
			},
			ContentTypeOptions: &awscloudfront.ResponseHeadersContentTypeOptions{Override: jsii.Bool(true)},
			// Google Identity Services needs the origin in the Referer of its
			// requests; no-referrer would break sign-in.
			ReferrerPolicy: &awscloudfront.ResponseHeadersReferrerPolicy{
				ReferrerPolicy: awscloudfront.HeadersReferrerPolicy_STRICT_ORIGIN_WHEN_CROSS_ORIGIN,
				Override:       jsii.Bool(true),
			},
		},
	})

	w.distribution = awscloudfront.NewDistribution(stack, jsii.String("WebDistribution"), &awscloudfront.DistributionProps{
		Comment:           jsii.String("camvault " + st.Name + " web client"),
		DefaultRootObject: jsii.String("index.html"),
		DefaultBehavior: &awscloudfront.BehaviorOptions{
			Origin:                awscloudfrontorigins.S3BucketOrigin_WithOriginAccessControl(w.bucket, nil),
			ViewerProtocolPolicy:  awscloudfront.ViewerProtocolPolicy_REDIRECT_TO_HTTPS,
			AllowedMethods:        awscloudfront.AllowedMethods_ALLOW_GET_HEAD(),
			CachePolicy:           awscloudfront.CachePolicy_CACHING_OPTIMIZED(),
			ResponseHeadersPolicy: w.headers,
			Compress:              jsii.Bool(true),
		},
		HttpVersion: awscloudfront.HttpVersion_HTTP2_AND_3,
		// No MinimumProtocolVersion: with CloudFront's default certificate
		// (no custom domain) the viewer security policy is fixed at TLSv1 and
		// CDK ignores the setting with a warning. A custom domain's
		// certificate should come with TLSv1.2_2021 (see nag.go, CFR4).
		PriceClass:    awscloudfront.PriceClass_PRICE_CLASS_100,
		EnableLogging: jsii.Bool(true),
		LogBucket:     data.logs,
		LogFilePrefix: jsii.String("cloudfront/"),
	})
	w.origin = "https://" + *w.distribution.DistributionDomainName()
	return w
}

// deploy uploads web/dist and a config.json that points the client at this
// stage's API and Google client id, then invalidates CloudFront's cache.
func (w *webHosting) deploy(stack awscdk.Stack, st Stage, api *restAPI) {
	config := map[string]any{
		"stage":    st.Name,
		"apiUrl":   api.url,
		"auth":     "google",
		"clientId": st.GoogleClientIDs[0],
	}
	awss3deployment.NewBucketDeployment(stack, jsii.String("WebDeployment"), &awss3deployment.BucketDeploymentProps{
		DestinationBucket: w.bucket,
		Sources: &[]awss3deployment.ISource{
			awss3deployment.Source_Asset(jsii.String(w.webDir), nil),
			awss3deployment.Source_JsonData(jsii.String("config.json"), config, nil),
		},
		Distribution:      w.distribution,
		DistributionPaths: jsii.Strings("/*"),
		Prune:             jsii.Bool(true),
		MemoryLimit:       jsii.Number(256),
		// Without it, the provider Lambda logs to a group it creates
		// itself, kept forever and left behind by the stack.
		LogGroup: awslogs.NewLogGroup(stack, jsii.String("WebDeploymentLogs"), &awslogs.LogGroupProps{
			Retention:     st.LogRetention,
			RemovalPolicy: removalPolicy(st),
		}),
	})
}

// contentSecurityPolicy lets the web client load only itself and Google's
// sign-in, call only this stage's API, and play media only from the clips
// bucket (signed URLs, virtual-hosted style, regional or global endpoint).
// It matches web/index.html's own policy, narrowed to this stage's origins
// (TestCSPMatchesWebClient compares the two).
func contentSecurityPolicy(stack awscdk.Stack, st Stage, api *restAPI) string {
	bucket := clipsBucketName(stack, st)
	clips := "https://" + bucket + ".s3." + *stack.Region() + "." + *stack.UrlSuffix() +
		" https://" + bucket + ".s3." + *stack.UrlSuffix()
	directives := []string{
		"default-src 'self'",
		"script-src 'self' " + googleSignIn + "client",
		"style-src 'self' " + googleSignIn + "style",
		"frame-src " + googleSignIn,
		"connect-src 'self' " + api.origin + " " + googleSignIn,
		"img-src 'self' data: " + clips + " https://*.googleusercontent.com",
		"media-src 'self' " + clips,
		"font-src 'self'",
		"object-src 'none'",
		"worker-src 'self'",
		"manifest-src 'self'",
		"base-uri 'self'",
		"form-action 'self'",
		"frame-ancestors 'none'",
		"upgrade-insecure-requests",
	}
	return strings.Join(directives, "; ")
}
