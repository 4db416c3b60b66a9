package store

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// MigrateTimeline moves clips recorded before the single timeline
// partition (whose timeline key was their UTC day, DAY#{yyyy-mm-dd}) to
// it, so the timeline lists them again. It reads the legacy day partitions
// from the day of `from` to the day of `to` (a Query each, keys only) and
// rewrites each clip's timeline key with a conditional update; it is
// idempotent and may run beside ingest. It returns how many clips it
// moved. Retention bounds the days worth reading: no older clip survives
// TTL.
func (s *Store) MigrateTimeline(ctx context.Context, from, to time.Time) (int, error) {
	moved := 0
	for day := dayStartUTC(to); !day.Before(dayStartUTC(from)); day = day.AddDate(0, 0, -1) {
		in := &dynamodb.QueryInput{
			TableName:                aws.String(s.table),
			IndexName:                aws.String(TableSchema.TimelineIndex),
			KeyConditionExpression:   aws.String("#gpk = :day"),
			ProjectionExpression:     aws.String("#pk, #sk"),
			ExpressionAttributeNames: map[string]string{"#gpk": TableSchema.TimelinePartitionKey, "#pk": TableSchema.PartitionKey, "#sk": TableSchema.SortKey},
			ExpressionAttributeValues: map[string]ddbtypes.AttributeValue{
				":day": str(dayPrefix + Day(day)),
			},
		}
		for {
			res, err := s.ddb.Query(ctx, in)
			if err != nil {
				return moved, fmt.Errorf("store: migrating timeline day %s: %w", Day(day), err)
			}
			for _, item := range res.Items {
				_, err := s.ddb.UpdateItem(ctx, &dynamodb.UpdateItemInput{
					TableName:                aws.String(s.table),
					Key:                      map[string]ddbtypes.AttributeValue{TableSchema.PartitionKey: item[TableSchema.PartitionKey], TableSchema.SortKey: item[TableSchema.SortKey]},
					UpdateExpression:         aws.String("SET #gpk = :all"),
					ConditionExpression:      aws.String("#gpk = :day"),
					ExpressionAttributeNames: map[string]string{"#gpk": TableSchema.TimelinePartitionKey},
					ExpressionAttributeValues: map[string]ddbtypes.AttributeValue{
						":all": str(timelinePK), ":day": str(dayPrefix + Day(day)),
					},
				})
				if err := ignoreConditionFailed(err); err != nil {
					return moved, fmt.Errorf("store: migrating timeline day %s: %w", Day(day), err)
				}
				if err == nil {
					moved++
				}
			}
			if len(res.LastEvaluatedKey) == 0 {
				break
			}
			in.ExclusiveStartKey = res.LastEvaluatedKey
		}
	}
	return moved, nil
}

func dayStartUTC(t time.Time) time.Time {
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}
