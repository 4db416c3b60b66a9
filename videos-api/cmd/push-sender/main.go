// Command push-sender is the Lambda ingest invokes asynchronously for each
// new clip: it sends the Web Push alerts. It only wires: the Sender is
// built once per cold start.
package main

import (
	"context"
	"log"
	// Quiet hours are in each person's time zone; provided.al2023 has no
	// zone database.
	_ "time/tzdata"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/camvault/camvault/videos-api/lambdaapp/senderapp"
	"github.com/camvault/camvault/videos-api/push"
)

func main() {
	s, err := senderapp.Load(context.Background())
	if err != nil {
		log.Fatalf("push-sender: %v", err)
	}
	lambda.Start(func(ctx context.Context, ev push.ClipEvent) error {
		_, err := s.Send(ctx, ev)
		return err
	})
}
