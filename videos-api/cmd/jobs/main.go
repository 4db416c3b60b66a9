// Command jobs is the Lambda behind the videos API's "jobs" routes (see
// videos-api/routes). It only wires: the App is built once per cold start.
package main

import (
	"context"
	"log"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/camvault/camvault/videos-api/lambdaapp"
	"github.com/camvault/camvault/videos-api/routes"
)

func main() {
	a, err := lambdaapp.Load(context.Background(), false)
	if err != nil {
		log.Fatalf("jobs: %v", err)
	}
	lambda.Start(a.Handlers()[routes.FunctionJobs])
}
