// Package grantstest helps tests (here and in the local stack) use the
// allowlist table: a DynamoDB client for a local endpoint, table creation and
// grant items.
package grantstest

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/camvault/camvault/authorizer/access"
	"github.com/camvault/camvault/authorizer/grants"
)

// Client returns a DynamoDB client for a local endpoint (dynalite), with
// static dummy credentials and region us-east-1.
func Client(endpoint string) *dynamodb.Client {
	return dynamodb.New(dynamodb.Options{
		BaseEndpoint: aws.String(endpoint),
		Region:       "us-east-1",
		Credentials:  credentials.NewStaticCredentialsProvider("test", "test", ""),
	})
}

// CreateTable creates the allowlist table (partition key subject, on demand)
// and waits until it is active.
func CreateTable(ctx context.Context, client *dynamodb.Client, table string) error {
	_, err := client.CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName:            aws.String(table),
		AttributeDefinitions: []ddbtypes.AttributeDefinition{{AttributeName: aws.String(grants.AttrSubject), AttributeType: ddbtypes.ScalarAttributeTypeS}},
		KeySchema:            []ddbtypes.KeySchemaElement{{AttributeName: aws.String(grants.AttrSubject), KeyType: ddbtypes.KeyTypeHash}},
		BillingMode:          ddbtypes.BillingModePayPerRequest,
	})
	if err != nil {
		return fmt.Errorf("create table %s: %w", table, err)
	}
	w := dynamodb.NewTableExistsWaiter(client, func(o *dynamodb.TableExistsWaiterOptions) {
		o.MinDelay, o.MaxDelay = 10e6, 200e6 // 10 ms .. 200 ms: dynalite is fast
	})
	if err := w.Wait(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(table)}, 30e9); err != nil {
		return fmt.Errorf("wait for table %s: %w", table, err)
	}
	return nil
}

// Put writes a grant: subject (an address or domain, normalised with
// access.Canonical; refused when it is still not a valid subject), role, and
// cameras (nil for every camera).
func Put(ctx context.Context, client *dynamodb.Client, table, subject, role string, cameras []string) error {
	subject = access.Canonical(subject)
	if !access.ValidSubject(subject) {
		return fmt.Errorf("put grant: %q is not an address or domain", subject)
	}
	item := map[string]ddbtypes.AttributeValue{
		grants.AttrSubject: &ddbtypes.AttributeValueMemberS{Value: subject},
		grants.AttrRole:    &ddbtypes.AttributeValueMemberS{Value: role},
	}
	if cameras != nil {
		item[grants.AttrCameras] = &ddbtypes.AttributeValueMemberSS{Value: cameras}
	}
	if _, err := client.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(table), Item: item}); err != nil {
		return fmt.Errorf("put grant %s: %w", subject, err)
	}
	return nil
}
