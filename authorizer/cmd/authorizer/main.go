// Command authorizer is camvault's API Gateway TOKEN authorizer Lambda. It
// only wires: configuration from the environment, clients built once at init,
// then lambda.Start. See the authorizer package for what it checks.
package main

import (
	"context"
	"log/slog"
	"os"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/camvault/camvault/authorizer"
)

func main() {
	log := slog.New(slog.NewJSONHandler(os.Stdout, nil))
	// Init outlives every invocation; key fetches run on their own context.
	ctx := context.Background()
	cfg, err := authorizer.ConfigFromEnv(os.LookupEnv)
	if err != nil {
		fail(log, err)
	}
	cfg.Logger = log
	if cfg.AllowlistTable != "" {
		cfg.DynamoDB = dynamoDBFromLambdaEnv()
	}
	a, err := authorizer.New(ctx, cfg)
	if err != nil {
		fail(log, err)
	}
	lambda.Start(a.Handle)
}

// dynamoDBFromLambdaEnv builds a DynamoDB client from what Lambda puts in
// the environment (AWS_REGION and the execution role's credentials), which
// is where config.LoadDefaultConfig would find them too; not linking the
// config package keeps the binary 2 MB smaller and the cold start free of
// shared-config file reads. AWS_ENDPOINT_URL_DYNAMODB (or AWS_ENDPOINT_URL)
// points it elsewhere, as the SDK's own config would.
func dynamoDBFromLambdaEnv() *dynamodb.Client {
	opts := dynamodb.Options{
		Region: os.Getenv("AWS_REGION"),
		Credentials: aws.NewCredentialsCache(credentials.NewStaticCredentialsProvider(
			os.Getenv("AWS_ACCESS_KEY_ID"), os.Getenv("AWS_SECRET_ACCESS_KEY"), os.Getenv("AWS_SESSION_TOKEN"))),
	}
	for _, name := range []string{"AWS_ENDPOINT_URL_DYNAMODB", "AWS_ENDPOINT_URL"} {
		if v := os.Getenv(name); v != "" {
			opts.BaseEndpoint = aws.String(v)
			break
		}
	}
	return dynamodb.New(opts)
}

// fail reports an init error and exits; Lambda records it as an init error.
func fail(log *slog.Logger, err error) {
	log.Error("authorizer init failed", "error", err.Error())
	os.Exit(1)
}
