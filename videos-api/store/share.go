package store

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// Share links. A share is one item PK=SHARE#{id}, SK=SHARE holding the
// clip it names, who made it, the SHA-256 of its token's secret (never the
// token), its expiry, revocation and how often it was opened; each open
// adds an item SK=OPEN#{time}#{n} beside it. Share items sit in the timeline
// index under GSI1PK=SHARE#ALL (GSI1SK {createdAt}#{id}), so the list of
// shares is one Query, newest first. Both expire (TTL) ShareRecordFor after
// the share does, so an expired link answers 410 for a while, then 404.
const (
	sharePrefix   = "SHARE#"
	shareSK       = "SHARE"
	shareOpenSK   = "OPEN#"
	sharesGSI1PK  = "SHARE#ALL"
	maxShareLists = 500
)

// ShareRecordFor is how long a share's record (and its opens) outlive the
// share's expiry.
const ShareRecordFor = 30 * 24 * time.Hour

// Share is a share link's record.
type Share struct {
	// ID is the share's id (the token's public half).
	ID string
	// CameraID and VideoID name the one clip it shares.
	CameraID, VideoID string
	// CreatedBy is the creator's email.
	CreatedBy string
	// SecretHash is the SHA-256 (hex) of the token's secret.
	SecretHash string
	// CreatedAt, ExpiresAt: when it was made and stops working.
	CreatedAt, ExpiresAt time.Time
	// RevokedAt is when it was revoked; zero if not.
	RevokedAt time.Time
	// RevokedBy is who revoked it.
	RevokedBy string
	// Opens counts successful opens; LastOpenedAt and LastClient describe
	// the last one.
	Opens        int64
	LastOpenedAt time.Time
	LastClient   string
}

// ShareOpen is one recorded open of a share link.
type ShareOpen struct {
	// At is when it was opened.
	At time.Time
	// Client is coarse client info (browser family and OS), no address.
	Client string
}

func shareKey(id string) map[string]ddbtypes.AttributeValue {
	return map[string]ddbtypes.AttributeValue{
		TableSchema.PartitionKey: str(sharePrefix + id),
		TableSchema.SortKey:      str(shareSK),
	}
}

func millis(t time.Time) string { return fmt.Sprintf("%015d", t.UnixMilli()) }

// PutShare records a new share. An id already in use is an error.
func (s *Store) PutShare(ctx context.Context, sh Share) error {
	item := shareKey(sh.ID)
	item["type"] = str("share")
	item["shareId"] = str(sh.ID)
	item["cameraId"] = str(sh.CameraID)
	item["videoId"] = str(sh.VideoID)
	item["createdBy"] = str(sh.CreatedBy)
	item["secretHash"] = str(sh.SecretHash)
	item["createdAt"] = num(sh.CreatedAt.UnixMilli())
	item["shareExpiresAt"] = num(sh.ExpiresAt.UnixMilli())
	item[TableSchema.TTLAttribute] = num(sh.ExpiresAt.Add(ShareRecordFor).Unix())
	item[TableSchema.TimelinePartitionKey] = str(sharesGSI1PK)
	item[TableSchema.TimelineSortKey] = str(millis(sh.CreatedAt) + "#" + sh.ID)
	err := s.putNew(ctx, item)
	if err != nil {
		return fmt.Errorf("store: putting share %s: %w", sh.ID, err)
	}
	return nil
}

// GetShare returns a share's record (a strongly consistent read, so a
// revocation is seen at once), or ErrNotFound.
func (s *Store) GetShare(ctx context.Context, id string) (Share, error) {
	res, err := s.ddb.GetItem(ctx, &dynamodb.GetItemInput{
		TableName:      aws.String(s.table),
		Key:            shareKey(id),
		ConsistentRead: aws.Bool(true),
	})
	if err != nil {
		return Share{}, fmt.Errorf("store: getting share %s: %w", id, err)
	}
	if res.Item == nil {
		return Share{}, ErrNotFound
	}
	return decodeShare(res.Item), nil
}

func decodeShare(item map[string]ddbtypes.AttributeValue) Share {
	ms := func(name string) time.Time {
		n, err := strconv.ParseInt(NumberAttr(item, name), 10, 64)
		if err != nil || n == 0 {
			return time.Time{}
		}
		return time.UnixMilli(n).UTC()
	}
	sh := Share{
		ID: StringAttr(item, "shareId"), CameraID: StringAttr(item, "cameraId"), VideoID: StringAttr(item, "videoId"),
		CreatedBy: StringAttr(item, "createdBy"), SecretHash: StringAttr(item, "secretHash"),
		CreatedAt: ms("createdAt"), ExpiresAt: ms("shareExpiresAt"), RevokedAt: ms("revokedAt"),
		RevokedBy: StringAttr(item, "revokedBy"), LastOpenedAt: ms("lastOpenedAt"), LastClient: StringAttr(item, "lastClient"),
	}
	sh.Opens, _ = strconv.ParseInt(NumberAttr(item, "opens"), 10, 64)
	return sh
}

// ListShares returns the newest shares first, at most limit (up to 500):
// every share when createdBy is empty, else only that person's.
func (s *Store) ListShares(ctx context.Context, createdBy string, limit int) ([]Share, error) {
	limit = min(max(limit, 1), maxShareLists)
	in := &dynamodb.QueryInput{
		TableName:                aws.String(s.table),
		IndexName:                aws.String(TableSchema.TimelineIndex),
		KeyConditionExpression:   aws.String("#pk = :pk"),
		ExpressionAttributeNames: map[string]string{"#pk": TableSchema.TimelinePartitionKey},
		ExpressionAttributeValues: map[string]ddbtypes.AttributeValue{
			":pk": str(sharesGSI1PK),
		},
		ScanIndexForward: aws.Bool(false),
	}
	if createdBy != "" {
		in.FilterExpression = aws.String("createdBy = :me")
		in.ExpressionAttributeValues[":me"] = str(createdBy)
	}
	var out []Share
	for {
		res, err := s.ddb.Query(ctx, in)
		if err != nil {
			return nil, fmt.Errorf("store: listing shares: %w", err)
		}
		for _, item := range res.Items {
			if len(out) < limit {
				out = append(out, decodeShare(item))
			}
		}
		if len(out) >= limit || len(res.LastEvaluatedKey) == 0 {
			return out, nil
		}
		in.ExclusiveStartKey = res.LastEvaluatedKey
	}
}

// RevokeShare marks a share revoked (the first revocation stands) and
// returns its record, or ErrNotFound.
func (s *Store) RevokeShare(ctx context.Context, id, by string, at time.Time) (Share, error) {
	res, err := s.ddb.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:                aws.String(s.table),
		Key:                      shareKey(id),
		UpdateExpression:         aws.String("SET revokedAt = if_not_exists(revokedAt, :at), revokedBy = if_not_exists(revokedBy, :by)"),
		ConditionExpression:      aws.String("attribute_exists(#pk)"),
		ExpressionAttributeNames: map[string]string{"#pk": TableSchema.PartitionKey},
		ExpressionAttributeValues: map[string]ddbtypes.AttributeValue{
			":at": num(at.UnixMilli()), ":by": str(by),
		},
		ReturnValues: ddbtypes.ReturnValueAllNew,
	})
	var ccf *ddbtypes.ConditionalCheckFailedException
	switch {
	case errors.As(err, &ccf):
		return Share{}, ErrNotFound
	case err != nil:
		return Share{}, fmt.Errorf("store: revoking share %s: %w", id, err)
	}
	return decodeShare(res.Attributes), nil
}

// RecordOpen records one open of a share: an OPEN# item beside it (n tells
// opens in the same millisecond apart) and the count and last open on the
// share.
func (s *Store) RecordOpen(ctx context.Context, sh Share, o ShareOpen, n string) error {
	_, err := s.ddb.PutItem(ctx, &dynamodb.PutItemInput{
		TableName: aws.String(s.table),
		Item: map[string]ddbtypes.AttributeValue{
			TableSchema.PartitionKey: str(sharePrefix + sh.ID),
			TableSchema.SortKey:      str(shareOpenSK + millis(o.At) + "#" + n),
			"type":                   str("share-open"),
			"openedAt":               num(o.At.UnixMilli()),
			"client":                 str(o.Client),
			TableSchema.TTLAttribute: num(sh.ExpiresAt.Add(ShareRecordFor).Unix()),
		},
	})
	if err != nil {
		return fmt.Errorf("store: recording an open of share %s: %w", sh.ID, err)
	}
	_, err = s.ddb.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:                aws.String(s.table),
		Key:                      shareKey(sh.ID),
		UpdateExpression:         aws.String("SET lastOpenedAt = :at, lastClient = :c ADD opens :one"),
		ConditionExpression:      aws.String("attribute_exists(#pk)"),
		ExpressionAttributeNames: map[string]string{"#pk": TableSchema.PartitionKey},
		ExpressionAttributeValues: map[string]ddbtypes.AttributeValue{
			":at": num(o.At.UnixMilli()), ":c": str(o.Client), ":one": num(1),
		},
	})
	if err := ignoreConditionFailed(err); err != nil {
		return fmt.Errorf("store: counting an open of share %s: %w", sh.ID, err)
	}
	return nil
}

// ShareOpens returns a share's recorded opens, newest first, at most limit.
func (s *Store) ShareOpens(ctx context.Context, id string, limit int) ([]ShareOpen, error) {
	res, err := s.ddb.Query(ctx, &dynamodb.QueryInput{
		TableName:              aws.String(s.table),
		KeyConditionExpression: aws.String("#pk = :pk AND begins_with(#sk, :open)"),
		ExpressionAttributeNames: map[string]string{
			"#pk": TableSchema.PartitionKey, "#sk": TableSchema.SortKey,
		},
		ExpressionAttributeValues: map[string]ddbtypes.AttributeValue{
			":pk": str(sharePrefix + id), ":open": str(shareOpenSK),
		},
		ScanIndexForward: aws.Bool(false),
		Limit:            aws.Int32(int32(min(max(limit, 1), 100))),
	})
	if err != nil {
		return nil, fmt.Errorf("store: listing opens of share %s: %w", id, err)
	}
	out := make([]ShareOpen, 0, len(res.Items))
	for _, item := range res.Items {
		n, _ := strconv.ParseInt(NumberAttr(item, "openedAt"), 10, 64)
		out = append(out, ShareOpen{At: time.UnixMilli(n).UTC(), Client: StringAttr(item, "client")})
	}
	return out, nil
}
