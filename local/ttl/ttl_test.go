package ttl_test

import (
	"context"
	"fmt"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/camvault/camvault/dynalite/dynalitetest"
	"github.com/camvault/camvault/local/ttl"
	"github.com/camvault/camvault/videos-api/store"
)

func TestMain(m *testing.M) {
	code := m.Run()
	dynalitetest.Stop()
	os.Exit(code)
}

// TestSweepExpiresAndDelivers: items whose TTL has passed go, each as a
// REMOVE record by TTL with its old image, in batches; items not yet
// expired or without the attribute stay; a record the handler reports
// failed is delivered again with the rest of its batch, and not the ones
// before it.
func TestSweepExpiresAndDelivers(t *testing.T) {
	ctx := context.Background()
	ddb := dynamodb.New(dynamodb.Options{Region: "us-east-1", BaseEndpoint: aws.String(dynalitetest.Shared(t)),
		Credentials: credentials.NewStaticCredentialsProvider("t", "t", "")})
	const table = "ttl-test"
	if err := store.CreateTable(ctx, ddb, table); err != nil {
		t.Fatal(err)
	}
	now := time.Unix(1_800_000_000, 0)
	put := func(sk string, exp int64) {
		item := map[string]ddbtypes.AttributeValue{
			"PK": &ddbtypes.AttributeValueMemberS{Value: "CAM#x"}, "SK": &ddbtypes.AttributeValueMemberS{Value: sk},
			"tags": &ddbtypes.AttributeValueMemberSS{Value: []string{"a"}},
		}
		if exp != 0 {
			item["expiresAt"] = &ddbtypes.AttributeValueMemberN{Value: fmt.Sprint(exp)}
		}
		if _, err := ddb.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(table), Item: item}); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 5 {
		put(fmt.Sprintf("VID#%d", i), now.Unix()-int64(i)) // expired
	}
	put("VID#future", now.Unix()+1)
	put("META", 0)

	var mu sync.Mutex
	var deliveries [][]string
	failOnce := map[string]bool{}
	s := ttl.New(ttl.Config{DynamoDB: ddb, Table: table, Attribute: "expiresAt", Keys: []string{"PK", "SK"}, BatchSize: 2,
		Handler: func(_ context.Context, ev events.DynamoDBEvent) (events.DynamoDBEventResponse, error) {
			mu.Lock()
			defer mu.Unlock()
			var got []string
			var resp events.DynamoDBEventResponse
			for _, r := range ev.Records {
				if r.EventName != "REMOVE" || r.UserIdentity == nil || r.UserIdentity.PrincipalID != "dynamodb.amazonaws.com" || r.UserIdentity.Type != "Service" {
					t.Errorf("record %+v is not TTL's REMOVE", r)
				}
				sk := r.Change.OldImage["SK"].String()
				if len(r.Change.OldImage["tags"].StringSet()) != 1 || r.Change.OldImage["expiresAt"].Number() == "" {
					t.Errorf("old image of %s incomplete: %v", sk, r.Change.OldImage)
				}
				got = append(got, sk)
				if len(resp.BatchItemFailures) == 0 && !failOnce[sk] && sk == "VID#1" {
					failOnce[sk] = true
					resp.BatchItemFailures = append(resp.BatchItemFailures, events.DynamoDBBatchItemFailure{ItemIdentifier: r.Change.SequenceNumber})
				}
			}
			deliveries = append(deliveries, got)
			return resp, nil
		}})
	n, err := s.Sweep(ctx, now)
	if err != nil || n != 5 {
		t.Fatalf("Sweep = %d, %v; want 5 items", n, err)
	}
	seen := map[string]int{}
	for _, d := range deliveries {
		if len(d) > 2 {
			t.Errorf("batch of %d > 2", len(d))
		}
		for _, sk := range d {
			seen[sk]++
		}
	}
	for i := range 5 {
		sk := fmt.Sprintf("VID#%d", i)
		want := 1
		if sk == "VID#1" {
			want = 2 // reported failed once: delivered again
		}
		if seen[sk] != want {
			t.Errorf("%s delivered %d times, want %d (deliveries %v)", sk, seen[sk], want, deliveries)
		}
	}
	res, err := ddb.Scan(ctx, &dynamodb.ScanInput{TableName: aws.String(table)})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Items) != 2 {
		t.Fatalf("%d items left, want the future one and META", len(res.Items))
	}
	if n, err := s.Sweep(ctx, now); err != nil || n != 0 {
		t.Fatalf("second sweep = %d, %v", n, err)
	}
}
