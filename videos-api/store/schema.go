// Package store keeps camvault's clip and camera metadata in one DynamoDB
// table. Every read is a GetItem or a Query, never a Scan, so a page costs
// the same at a hundred clips as at millions.
package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// Schema names the keys, index and TTL attribute of the clips table. The CDK
// app and the local stack build the table from TableSchema.
type Schema struct {
	// PartitionKey is the table's partition key (S): CAM#{cameraId}.
	PartitionKey string
	// SortKey is the table's sort key (S): META or VID#{videoId}.
	SortKey string
	// TimelineIndex is the global secondary index of the cross-camera
	// timeline (projection ALL).
	TimelineIndex string
	// TimelinePartitionKey is the index's partition key (S): DAY#{yyyy-mm-dd}
	// for clips, CAMERAS for camera items.
	TimelinePartitionKey string
	// TimelineSortKey is the index's sort key (S): {videoId}#{cameraId} for
	// clips, {cameraId} for camera items.
	TimelineSortKey string
	// TTLAttribute holds each clip's expiry in epoch seconds (N).
	TTLAttribute string
}

// TableSchema is the clips table's schema.
var TableSchema = Schema{
	PartitionKey:         "PK",
	SortKey:              "SK",
	TimelineIndex:        "timeline",
	TimelinePartitionKey: "GSI1PK",
	TimelineSortKey:      "GSI1SK",
	TTLAttribute:         "expiresAt",
}

// CreateTable creates the clips table (on-demand billing, the timeline
// index) and waits until it is active. A table that already exists is not
// an error. TTL is enabled by the CDK app, not here (dynalite lacks it).
func CreateTable(ctx context.Context, ddb *dynamodb.Client, name string) error {
	s := TableSchema
	_, err := ddb.CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName:   aws.String(name),
		BillingMode: ddbtypes.BillingModePayPerRequest,
		AttributeDefinitions: []ddbtypes.AttributeDefinition{
			{AttributeName: aws.String(s.PartitionKey), AttributeType: ddbtypes.ScalarAttributeTypeS},
			{AttributeName: aws.String(s.SortKey), AttributeType: ddbtypes.ScalarAttributeTypeS},
			{AttributeName: aws.String(s.TimelinePartitionKey), AttributeType: ddbtypes.ScalarAttributeTypeS},
			{AttributeName: aws.String(s.TimelineSortKey), AttributeType: ddbtypes.ScalarAttributeTypeS},
		},
		KeySchema: []ddbtypes.KeySchemaElement{
			{AttributeName: aws.String(s.PartitionKey), KeyType: ddbtypes.KeyTypeHash},
			{AttributeName: aws.String(s.SortKey), KeyType: ddbtypes.KeyTypeRange},
		},
		GlobalSecondaryIndexes: []ddbtypes.GlobalSecondaryIndex{{
			IndexName: aws.String(s.TimelineIndex),
			KeySchema: []ddbtypes.KeySchemaElement{
				{AttributeName: aws.String(s.TimelinePartitionKey), KeyType: ddbtypes.KeyTypeHash},
				{AttributeName: aws.String(s.TimelineSortKey), KeyType: ddbtypes.KeyTypeRange},
			},
			Projection: &ddbtypes.Projection{ProjectionType: ddbtypes.ProjectionTypeAll},
		}},
	})
	var inUse *ddbtypes.ResourceInUseException
	if err != nil && !errors.As(err, &inUse) {
		return fmt.Errorf("store: creating table %s: %w", name, err)
	}
	w := dynamodb.NewTableExistsWaiter(ddb, func(o *dynamodb.TableExistsWaiterOptions) {
		o.MinDelay = 50 * time.Millisecond
		o.MaxDelay = 500 * time.Millisecond
	})
	if err := w.Wait(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(name)}, 2*time.Minute); err != nil {
		return fmt.Errorf("store: waiting for table %s: %w", name, err)
	}
	return nil
}
