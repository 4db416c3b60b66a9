// Command ingest is the Lambda that S3 ObjectCreated events on clips/
// invoke: it records each uploaded clip. It only wires: the App is built
// once per cold start.
package main

import (
	"context"
	"log"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/camvault/camvault/videos-api/lambdaapp"
)

func main() {
	a, err := lambdaapp.Load(context.Background(), false)
	if err != nil {
		log.Fatalf("ingest: %v", err)
	}
	lambda.Start(a.Ingest)
}
