package store

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/camvault/camvault/videos-api/grant"
)

// Revocation records live in one small partition of the clips table (PK
// REVOKE#, SK the subject), one item per subject, each kept grant.Keep:
// the handlers read the whole partition with one Query and cache it.
const revokePK = "REVOKE#"

// PutRevocation records the state of a subject's grant as of a change,
// replacing the subject's previous record.
func (s *Store) PutRevocation(ctx context.Context, r grant.Revocation) error {
	item := map[string]ddbtypes.AttributeValue{
		TableSchema.PartitionKey: str(revokePK),
		TableSchema.SortKey:      str(r.Subject),
		"type":                   str("revocation"),
		"at":                     num(r.At.UnixMilli()),
		"removed":                &ddbtypes.AttributeValueMemberBOOL{Value: r.Removed},
		TableSchema.TTLAttribute: num(r.At.Add(grant.Keep).Unix()),
	}
	if !r.Removed {
		item["role"] = str(string(r.Role))
		if !r.All {
			// An empty set cannot be stored; a grant always names a camera.
			item["cameras"] = &ddbtypes.AttributeValueMemberSS{Value: slices.Clone(r.Cameras)}
		}
	}
	if _, err := s.ddb.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(s.table), Item: item}); err != nil {
		return fmt.Errorf("store: recording revocation of %s: %w", r.Subject, err)
	}
	return nil
}

// Revocations returns the records of changes made since since.
func (s *Store) Revocations(ctx context.Context, since time.Time) ([]grant.Revocation, error) {
	in := &dynamodb.QueryInput{
		TableName:                 aws.String(s.table),
		KeyConditionExpression:    aws.String("#pk = :pk"),
		FilterExpression:          aws.String("#at >= :since"),
		ExpressionAttributeNames:  map[string]string{"#pk": TableSchema.PartitionKey, "#at": "at"},
		ExpressionAttributeValues: map[string]ddbtypes.AttributeValue{":pk": str(revokePK), ":since": num(since.UnixMilli())},
		ConsistentRead:            aws.Bool(true),
		ReturnConsumedCapacity:    ddbtypes.ReturnConsumedCapacityTotal,
	}
	var out []grant.Revocation
	for {
		res, err := s.ddb.Query(ctx, in)
		if err != nil {
			return nil, fmt.Errorf("store: reading revocations: %w", err)
		}
		meterAdd(ctx, res.ConsumedCapacity)
		for _, item := range res.Items {
			ms, err := strconv.ParseInt(NumberAttr(item, "at"), 10, 64)
			if err != nil {
				return nil, fmt.Errorf("store: revocation of %s: bad at", StringAttr(item, TableSchema.SortKey))
			}
			r := grant.Revocation{Subject: StringAttr(item, TableSchema.SortKey), At: time.UnixMilli(ms).UTC(), Role: grant.Role(StringAttr(item, "role"))}
			if b, ok := item["removed"].(*ddbtypes.AttributeValueMemberBOOL); ok {
				r.Removed = b.Value
			}
			switch v := item["cameras"].(type) {
			case nil:
				r.All = true
			case *ddbtypes.AttributeValueMemberSS:
				r.Cameras = slices.Sorted(slices.Values(v.Value))
			}
			out = append(out, r)
		}
		if len(res.LastEvaluatedKey) == 0 {
			return out, nil
		}
		in.ExclusiveStartKey = res.LastEvaluatedKey
	}
}
