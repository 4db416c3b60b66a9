// Package lambdaapp builds the videos App inside a Lambda at cold start:
// configuration from the environment, AWS clients from the execution role,
// and the cursor key from Secrets Manager. Each cmd/<function> main calls
// Load once, outside its handler.
package lambdaapp

import (
	"context"
	"fmt"
	"os"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"

	"github.com/camvault/camvault/videos-api/app"
)

// Load reads the environment and returns the App. withCursorKey says
// whether the function serves paged lists and so needs the cursor key:
// only "videos" and "admin" do, and only they are granted the secret, so
// the others skip that Secrets Manager call at cold start.
func Load(ctx context.Context, withCursorKey bool) (*app.App, error) {
	cfg, err := app.ConfigFromEnv(os.LookupEnv)
	if err != nil {
		return nil, err
	}
	awsCfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		return nil, fmt.Errorf("lambdaapp: loading AWS config: %w", err)
	}
	if withCursorKey && len(cfg.CursorSecret) == 0 {
		sm := secretsmanager.NewFromConfig(awsCfg)
		out, err := sm.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String(cfg.CursorSecretARN)})
		if err != nil {
			return nil, fmt.Errorf("lambdaapp: reading cursor secret: %w", err)
		}
		cfg.CursorSecret = []byte(aws.ToString(out.SecretString))
		if len(cfg.CursorSecret) == 0 {
			cfg.CursorSecret = out.SecretBinary
		}
		if err := cfg.Validate(); err != nil {
			return nil, fmt.Errorf("lambdaapp: cursor secret: %w", err)
		}
		if len(cfg.CursorSecret) == 0 {
			return nil, fmt.Errorf("lambdaapp: cursor secret is empty")
		}
	}
	return app.New(cfg, dynamodb.NewFromConfig(awsCfg), s3.NewFromConfig(awsCfg)), nil
}
