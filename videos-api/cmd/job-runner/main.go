// Command job-runner is the Lambda POST /jobs invokes asynchronously for
// each new bulk job: it runs the job to the end, handing it on to a fresh
// invocation of itself when the invocation's time runs short. It only
// wires: the App is built once per cold start.
package main

import (
	"context"
	"log"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/camvault/camvault/videos-api/app"
	"github.com/camvault/camvault/videos-api/lambdaapp"
)

func main() {
	a, err := lambdaapp.Load(context.Background(), false)
	if err != nil {
		log.Fatalf("job-runner: %v", err)
	}
	lambda.Start(func(ctx context.Context, ev app.JobEvent) error { return a.RunJob(ctx, ev) })
}
