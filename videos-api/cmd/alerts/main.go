// Command alerts is the Lambda behind the videos API's "alerts" routes (a person's Web Push subscriptions and settings) (see
// videos-api/routes). It only wires: the App is built once per cold start.
package main

import (
	"context"
	"log"
	// Quiet hours are in each person's time zone; provided.al2023 has no
	// zone database.
	_ "time/tzdata"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/camvault/camvault/videos-api/lambdaapp"
	"github.com/camvault/camvault/videos-api/routes"
)

func main() {
	a, err := lambdaapp.Load(context.Background(), false)
	if err != nil {
		log.Fatalf("alerts: %v", err)
	}
	lambda.Start(a.Handlers()[routes.FunctionAlerts])
}
