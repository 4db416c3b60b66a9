// Package lambdaapp builds the videos App inside a Lambda at cold start:
// configuration and AWS clients from the environment Lambda sets. Each
// cmd/<function> main calls Load once, outside its handler.
//
// A cold start makes no network call. The clients are built from
// AWS_REGION and the execution role's credentials, which Lambda puts in
// the environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
// AWS_SESSION_TOKEN) for the life of the execution environment, as the
// SDK's default chain would find them, without linking that chain's
// SSO, STS and instance-metadata providers (about 1 MB of every
// bootstrap). AWS_ENDPOINT_URL_DYNAMODB, AWS_ENDPOINT_URL_S3 and
// AWS_ENDPOINT_URL override the endpoints, as in the SDK. The cursor key
// is an environment variable (CURSOR_SECRET), resolved by CloudFormation
// from the stage's Secrets Manager secret at deploy.
package lambdaapp

import (
	"context"
	"errors"
	"os"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/camvault/camvault/videos-api/app"
)

// Load reads the environment and returns the App. withCursorKey says
// whether the function serves paged lists and so needs the cursor key
// (only "videos" and "admin" do): then CURSOR_SECRET must be set.
func Load(_ context.Context, withCursorKey bool) (*app.App, error) {
	cfg, err := app.ConfigFromEnv(os.LookupEnv)
	if err != nil {
		return nil, err
	}
	if withCursorKey && len(cfg.CursorSecret) == 0 {
		return nil, errors.New("lambdaapp: CURSOR_SECRET is required by the function that serves lists")
	}
	region, creds, err := FromEnvironment()
	if err != nil {
		return nil, err
	}
	ddb := dynamodb.New(dynamodb.Options{Region: region, Credentials: creds, BaseEndpoint: Endpoint("AWS_ENDPOINT_URL_DYNAMODB")})
	s3c := s3.New(s3.Options{Region: region, Credentials: creds, BaseEndpoint: Endpoint("AWS_ENDPOINT_URL_S3")})
	if cfg.AlertsFunction != "" && cfg.Notify == nil {
		inv := &Invoker{Function: cfg.AlertsFunction, Region: region, Credentials: creds}
		if e := Endpoint("AWS_ENDPOINT_URL_LAMBDA"); e != nil {
			inv.Endpoint = *e
		}
		cfg.Notify = inv.Notify
	}
	if cfg.JobRunnerFunction != "" && cfg.StartJob == nil {
		inv := &Invoker{Function: cfg.JobRunnerFunction, Region: region, Credentials: creds}
		if e := Endpoint("AWS_ENDPOINT_URL_LAMBDA"); e != nil {
			inv.Endpoint = *e
		}
		cfg.StartJob = inv.StartJob
	}
	return app.New(cfg, ddb, s3c), nil
}

// FromEnvironment returns the region and the execution role's
// credentials Lambda puts in the environment.
func FromEnvironment() (string, aws.CredentialsProvider, error) {
	region := firstEnv("AWS_REGION", "AWS_DEFAULT_REGION")
	if region == "" {
		return "", nil, errors.New("lambdaapp: AWS_REGION is required")
	}
	id, secret := os.Getenv("AWS_ACCESS_KEY_ID"), os.Getenv("AWS_SECRET_ACCESS_KEY")
	if id == "" || secret == "" {
		return "", nil, errors.New("lambdaapp: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are required (Lambda sets them from the execution role)")
	}
	return region, aws.NewCredentialsCache(credentials.NewStaticCredentialsProvider(id, secret, os.Getenv("AWS_SESSION_TOKEN"))), nil
}

// Endpoint is a service's endpoint override (e.g.
// AWS_ENDPOINT_URL_DYNAMODB), or the general AWS_ENDPOINT_URL, or nil.
func Endpoint(service string) *string {
	if v := firstEnv(service, "AWS_ENDPOINT_URL"); v != "" {
		return aws.String(v)
	}
	return nil
}

func firstEnv(names ...string) string {
	for _, n := range names {
		if v := os.Getenv(n); v != "" {
			return v
		}
	}
	return ""
}
