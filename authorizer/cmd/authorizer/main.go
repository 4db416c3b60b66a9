// Command authorizer is camvault's API Gateway TOKEN authorizer Lambda. It
// only wires: configuration from the environment, clients built once at init,
// then lambda.Start. See the authorizer package for what it checks.
package main

import (
	"context"
	"log/slog"
	"os"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/camvault/camvault/authorizer"
)

func main() {
	log := slog.New(slog.NewJSONHandler(os.Stdout, nil))
	// Init outlives every invocation: key fetches run on their own context.
	ctx := context.Background()
	cfg, err := authorizer.ConfigFromEnv(os.LookupEnv)
	if err != nil {
		fail(log, err)
	}
	cfg.Logger = log
	if cfg.AllowlistTable != "" {
		awsCfg, err := config.LoadDefaultConfig(ctx)
		if err != nil {
			fail(log, err)
		}
		cfg.DynamoDB = dynamodb.NewFromConfig(awsCfg)
	}
	a, err := authorizer.New(ctx, cfg)
	if err != nil {
		fail(log, err)
	}
	lambda.Start(a.Handle)
}

// fail reports an init error; Lambda reports it and retries init later.
func fail(log *slog.Logger, err error) {
	log.Error("authorizer init failed", "error", err.Error())
	os.Exit(1)
}
