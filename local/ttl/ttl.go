// Package ttl is the local stack's stand-in for two DynamoDB features
// dynalite lacks: Time to Live and the table's stream. A Sweeper deletes
// the items whose TTL attribute (epoch seconds) has passed, as DynamoDB's
// TTL does, and delivers each deleted item to a handler as a stream REMOVE
// record with the OLD_IMAGE and the userIdentity TTL deletes carry
// (type "Service", principalId "dynamodb.amazonaws.com"), in batches, the
// way the Lambda event source mapping delivers them: a record the handler
// reports as failed is delivered again, with the rest of its batch.
package ttl

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// Handler receives stream batches; the videos-api's Expire fits it.
type Handler func(context.Context, events.DynamoDBEvent) (events.DynamoDBEventResponse, error)

// Config configures a Sweeper.
type Config struct {
	// DynamoDB and Table are the table to expire items of.
	DynamoDB *dynamodb.Client
	Table    string
	// Attribute is the TTL attribute (N, epoch seconds).
	Attribute string
	// Keys are the table's key attribute names (partition, sort).
	Keys []string
	// Handler receives the REMOVE records; nil deletes without delivering.
	Handler Handler
	// BatchSize is the most records per delivery (default 100, the event
	// source mapping's default).
	BatchSize int
	// Attempts is how often a failed batch is delivered before it is
	// dropped with an error log (default 3; AWS retries until the record
	// leaves the stream after 24 h).
	Attempts int
	// Log receives what was expired and delivery failures; nil discards.
	Log *slog.Logger
}

// Sweeper expires items and delivers their stream records.
type Sweeper struct {
	cfg Config
	mu  sync.Mutex // one sweep at a time, like one shard iterator
	seq int64
}

// New returns a Sweeper.
func New(cfg Config) *Sweeper {
	if cfg.BatchSize <= 0 {
		cfg.BatchSize = 100
	}
	if cfg.Attempts <= 0 {
		cfg.Attempts = 3
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	return &Sweeper{cfg: cfg}
}

// Sweep expires every item whose TTL is at or before now and delivers the
// records; it returns how many items it deleted. Each delete is
// conditional on the TTL value it saw, so an item whose TTL moved on
// meanwhile (a tombstone extended, say) is kept, as DynamoDB does.
func (s *Sweeper) Sweep(ctx context.Context, now time.Time) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	in := &dynamodb.ScanInput{
		TableName:                aws.String(s.cfg.Table),
		FilterExpression:         aws.String("#ttl <= :now"),
		ExpressionAttributeNames: map[string]string{"#ttl": s.cfg.Attribute},
		ExpressionAttributeValues: map[string]ddbtypes.AttributeValue{
			":now": &ddbtypes.AttributeValueMemberN{Value: strconv.FormatInt(now.Unix(), 10)},
		},
		ConsistentRead: aws.Bool(true),
	}
	var records []events.DynamoDBEventRecord
	for {
		res, err := s.cfg.DynamoDB.Scan(ctx, in)
		if err != nil {
			return 0, fmt.Errorf("ttl: scanning %s: %w", s.cfg.Table, err)
		}
		for _, item := range res.Items {
			rec, ok, err := s.expire(ctx, item)
			if err != nil {
				return len(records), err
			}
			if ok {
				records = append(records, rec)
			}
		}
		if len(res.LastEvaluatedKey) == 0 {
			break
		}
		in.ExclusiveStartKey = res.LastEvaluatedKey
	}
	var errs []error
	for i := 0; i < len(records); i += s.cfg.BatchSize {
		errs = append(errs, s.deliver(ctx, records[i:min(i+s.cfg.BatchSize, len(records))]))
	}
	return len(records), errors.Join(errs...)
}

// expire deletes one item if its TTL is unchanged and returns its record.
func (s *Sweeper) expire(ctx context.Context, item map[string]ddbtypes.AttributeValue) (events.DynamoDBEventRecord, bool, error) {
	key := map[string]ddbtypes.AttributeValue{}
	for _, k := range s.cfg.Keys {
		key[k] = item[k]
	}
	res, err := s.cfg.DynamoDB.DeleteItem(ctx, &dynamodb.DeleteItemInput{
		TableName:                 aws.String(s.cfg.Table),
		Key:                       key,
		ConditionExpression:       aws.String("#ttl = :old"),
		ExpressionAttributeNames:  map[string]string{"#ttl": s.cfg.Attribute},
		ExpressionAttributeValues: map[string]ddbtypes.AttributeValue{":old": item[s.cfg.Attribute]},
		ReturnValues:              ddbtypes.ReturnValueAllOld,
	})
	var ccf *ddbtypes.ConditionalCheckFailedException
	if errors.As(err, &ccf) {
		return events.DynamoDBEventRecord{}, false, nil
	}
	if err != nil {
		return events.DynamoDBEventRecord{}, false, fmt.Errorf("ttl: deleting from %s: %w", s.cfg.Table, err)
	}
	s.seq++
	seq := fmt.Sprintf("%021d", s.seq)
	return events.DynamoDBEventRecord{
		EventID:      seq,
		EventName:    "REMOVE",
		EventSource:  "aws:dynamodb",
		EventVersion: "1.1",
		AWSRegion:    "us-east-1",
		UserIdentity: &events.DynamoDBUserIdentity{Type: "Service", PrincipalID: "dynamodb.amazonaws.com"},
		Change: events.DynamoDBStreamRecord{
			ApproximateCreationDateTime: events.SecondsEpochTime{Time: time.Now()},
			Keys:                        streamImage(key),
			OldImage:                    streamImage(res.Attributes),
			SequenceNumber:              seq,
			StreamViewType:              "OLD_IMAGE",
		},
	}, true, nil
}

// deliver hands a batch to the handler, and again from the first record it
// reports failed (or all of it, on an error), up to Attempts times.
func (s *Sweeper) deliver(ctx context.Context, batch []events.DynamoDBEventRecord) error {
	if s.cfg.Handler == nil {
		return nil
	}
	for attempt := 1; len(batch) > 0; attempt++ {
		resp, err := s.cfg.Handler(ctx, events.DynamoDBEvent{Records: batch})
		if err == nil && len(resp.BatchItemFailures) == 0 {
			return nil
		}
		if err == nil {
			first := len(batch)
			for _, f := range resp.BatchItemFailures {
				for i, r := range batch {
					if r.Change.SequenceNumber == f.ItemIdentifier && i < first {
						first = i
					}
				}
			}
			batch = batch[first:]
		}
		if attempt >= s.cfg.Attempts {
			s.cfg.Log.Error("ttl: stream records dropped after failed deliveries", "records", len(batch), "attempts", attempt, "error", err)
			return fmt.Errorf("ttl: %d stream records not handled after %d attempts", len(batch), attempt)
		}
	}
	return nil
}

// Run sweeps every interval until ctx ends, as of the wall clock.
func (s *Sweeper) Run(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if n, err := s.Sweep(ctx, time.Now()); err != nil && ctx.Err() == nil {
				s.cfg.Log.Error("ttl sweep failed", "error", err)
			} else if n > 0 {
				s.cfg.Log.Info("ttl expired items", "items", n)
			}
		}
	}
}

// streamImage converts SDK attribute values to a stream image.
func streamImage(item map[string]ddbtypes.AttributeValue) map[string]events.DynamoDBAttributeValue {
	out := make(map[string]events.DynamoDBAttributeValue, len(item))
	for k, v := range item {
		if av, ok := streamValue(v); ok {
			out[k] = av
		}
	}
	return out
}

func streamValue(v ddbtypes.AttributeValue) (events.DynamoDBAttributeValue, bool) {
	switch v := v.(type) {
	case *ddbtypes.AttributeValueMemberS:
		return events.NewStringAttribute(v.Value), true
	case *ddbtypes.AttributeValueMemberN:
		return events.NewNumberAttribute(v.Value), true
	case *ddbtypes.AttributeValueMemberBOOL:
		return events.NewBooleanAttribute(v.Value), true
	case *ddbtypes.AttributeValueMemberB:
		return events.NewBinaryAttribute(v.Value), true
	case *ddbtypes.AttributeValueMemberSS:
		return events.NewStringSetAttribute(v.Value), true
	case *ddbtypes.AttributeValueMemberNS:
		return events.NewNumberSetAttribute(v.Value), true
	case *ddbtypes.AttributeValueMemberBS:
		return events.NewBinarySetAttribute(v.Value), true
	case *ddbtypes.AttributeValueMemberNULL:
		return events.NewNullAttribute(), true
	case *ddbtypes.AttributeValueMemberL:
		var l []events.DynamoDBAttributeValue
		for _, e := range v.Value {
			if av, ok := streamValue(e); ok {
				l = append(l, av)
			}
		}
		return events.NewListAttribute(l), true
	case *ddbtypes.AttributeValueMemberM:
		return events.NewMapAttribute(streamImage(v.Value)), true
	}
	return events.DynamoDBAttributeValue{}, false
}
