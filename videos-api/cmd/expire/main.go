// Command expire is the Lambda that the clips table's stream invokes: it
// keeps camera counts and last-clip times true as TTL removes clip
// records. It only wires: the App is built once per cold start.
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
		log.Fatalf("expire: %v", err)
	}
	lambda.Start(a.Expire)
}
