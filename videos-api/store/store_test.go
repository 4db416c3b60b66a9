package store_test

import (
	"context"
	"fmt"
	"os"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/camvault/camvault/dynalite/dynalitetest"
	"github.com/camvault/camvault/videos-api/store"
)

func TestMain(m *testing.M) {
	code := m.Run()
	dynalitetest.Stop()
	os.Exit(code)
}

var tableSeq atomic.Int64

// newTable returns a client of the package's shared dynalite and a fresh
// table in it.
func newTable(t testing.TB) (*dynamodb.Client, string) {
	t.Helper()
	endpoint := dynalitetest.Shared(t)
	ddb := dynamodb.New(dynamodb.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(endpoint),
		Credentials:  credentials.NewStaticCredentialsProvider("test", "test", ""),
	})
	name := fmt.Sprintf("clips-%d", tableSeq.Add(1))
	if err := store.CreateTable(context.Background(), ddb, name); err != nil {
		t.Fatal(err)
	}
	return ddb, name
}

func TestCreateTableIsIdempotent(t *testing.T) {
	ddb, name := newTable(t)
	if err := store.CreateTable(context.Background(), ddb, name); err != nil {
		t.Fatalf("second CreateTable: %v", err)
	}
	out, err := ddb.DescribeTable(context.Background(), &dynamodb.DescribeTableInput{TableName: aws.String(name)})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Table.GlobalSecondaryIndexes) != 1 || *out.Table.GlobalSecondaryIndexes[0].IndexName != store.TableSchema.TimelineIndex {
		t.Fatalf("indexes = %+v", out.Table.GlobalSecondaryIndexes)
	}
}
