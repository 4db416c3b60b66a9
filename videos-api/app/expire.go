package app

import (
	"context"
	"fmt"

	"github.com/aws/aws-lambda-go/events"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// TTLPrincipal is the stream userIdentity of a delete made by DynamoDB's
// Time to Live (type "Service"): only those removes are expiries.
const TTLPrincipal = "dynamodb.amazonaws.com"

// Expire receives the clips table's stream (OLD_IMAGE) and keeps camera
// counts and last-clip times true as TTL removes clip records: for each
// REMOVE made by TTL, store.Expired takes the clip off its camera. Removes
// by the API (DELETE does its own counting) and other events are skipped.
// Records are handled in order; at the first failure the rest of the
// batch is reported as failed from that record on (Lambda's
// ReportBatchItemFailures), so Lambda retries from there and no record is
// handled twice unless a write's answer was lost.
func (a *App) Expire(ctx context.Context, ev events.DynamoDBEvent) (resp events.DynamoDBEventResponse, err error) {
	defer func() {
		if p := recover(); p != nil {
			a.log.Error("panic handling expiries", "panic", fmt.Sprint(p))
			err = fmt.Errorf("app: expire: panic: %v", p)
		}
	}()
	for i, rec := range ev.Records {
		if rec.EventName != "REMOVE" || rec.UserIdentity == nil || rec.UserIdentity.Type != "Service" || rec.UserIdentity.PrincipalID != TTLPrincipal {
			continue
		}
		old := attributeValues(rec.Change.OldImage)
		clipItem, err := a.store.Expired(ctx, old)
		if err != nil {
			a.log.Error("expiry not counted; retried", "sequenceNumber", rec.Change.SequenceNumber, "error", err)
			for _, r := range ev.Records[i:] {
				resp.BatchItemFailures = append(resp.BatchItemFailures, events.DynamoDBBatchItemFailure{ItemIdentifier: r.Change.SequenceNumber})
			}
			return resp, nil
		}
		if clipItem {
			a.log.Info("clip expired", "camera", stringOf(old["cameraId"]), "video", stringOf(old["videoId"]))
		}
	}
	return resp, nil
}

// attributeValues converts a stream image to the SDK's attribute values.
func attributeValues(img map[string]events.DynamoDBAttributeValue) map[string]ddbtypes.AttributeValue {
	out := make(map[string]ddbtypes.AttributeValue, len(img))
	for k, v := range img {
		if av := attributeValue(v); av != nil {
			out[k] = av
		}
	}
	return out
}

func attributeValue(v events.DynamoDBAttributeValue) ddbtypes.AttributeValue {
	switch v.DataType() {
	case events.DataTypeString:
		return &ddbtypes.AttributeValueMemberS{Value: v.String()}
	case events.DataTypeNumber:
		return &ddbtypes.AttributeValueMemberN{Value: v.Number()}
	case events.DataTypeBoolean:
		return &ddbtypes.AttributeValueMemberBOOL{Value: v.Boolean()}
	case events.DataTypeBinary:
		return &ddbtypes.AttributeValueMemberB{Value: v.Binary()}
	case events.DataTypeStringSet:
		return &ddbtypes.AttributeValueMemberSS{Value: v.StringSet()}
	case events.DataTypeNumberSet:
		return &ddbtypes.AttributeValueMemberNS{Value: v.NumberSet()}
	case events.DataTypeBinarySet:
		return &ddbtypes.AttributeValueMemberBS{Value: v.BinarySet()}
	case events.DataTypeNull:
		return &ddbtypes.AttributeValueMemberNULL{Value: true}
	case events.DataTypeList:
		var l []ddbtypes.AttributeValue
		for _, e := range v.List() {
			if av := attributeValue(e); av != nil {
				l = append(l, av)
			}
		}
		return &ddbtypes.AttributeValueMemberL{Value: l}
	case events.DataTypeMap:
		return &ddbtypes.AttributeValueMemberM{Value: attributeValues(v.Map())}
	}
	return nil
}

func stringOf(v ddbtypes.AttributeValue) string {
	if s, ok := v.(*ddbtypes.AttributeValueMemberS); ok {
		return s.Value
	}
	return ""
}
