// Command admin is the Lambda behind the owner's console routes (grants,
// the activity trail, camera administration; see videos-api/routes). It
// only wires: the App is built once per cold start.
package main

import (
	"context"
	"log"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/camvault/camvault/videos-api/lambdaapp"
	"github.com/camvault/camvault/videos-api/routes"
)

func main() {
	a, err := lambdaapp.Load(context.Background(), true)
	if err != nil {
		log.Fatalf("admin: %v", err)
	}
	lambda.Start(a.Handlers()[routes.FunctionAdmin])
}
