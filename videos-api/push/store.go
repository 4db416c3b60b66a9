package push

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/camvault/camvault/videos-api/store"
)

// Key layout in the clips table (prefixes PUSHSUB# and PUSHSTATE# are
// this package's):
//
//	PK=PUSHSUB#{sub}   SK=SUB#{id}      a subscription; GSI1PK=PUSHSUB#ALL, GSI1SK={sub}#{id}
//	PK=PUSHSUB#{sub}   SK=SETTINGS      the person's settings
//	PK=PUSHSTATE#{sub} SK=CAM#{camera}  fold state: lastSentAt (epoch ms), folded (count)
//
// The sender reads every subscription with one Query on the timeline
// index's PUSHSUB#ALL partition (paged), never a Scan.
const (
	subPrefix      = "PUSHSUB#"
	statePrefix    = "PUSHSTATE#"
	allSubsGSI1PK  = "PUSHSUB#ALL"
	subSKPrefix    = "SUB#"
	settingsSK     = "SETTINGS"
	stateSKPrefix  = "CAM#"
	stateRetention = 7 * 24 * time.Hour
)

// MaxSubscriptionsPerPerson bounds one person's browsers.
const MaxSubscriptionsPerPerson = 20

// ErrTooMany is returned when a person already has MaxSubscriptionsPerPerson.
var ErrTooMany = errors.New("push: too many subscriptions")

// Store keeps subscriptions, settings and fold state in the clips table.
type Store struct {
	ddb   *dynamodb.Client
	table string
}

// NewStore returns a Store over table.
func NewStore(ddb *dynamodb.Client, table string) *Store { return &Store{ddb: ddb, table: table} }

func s(v string) *ddbtypes.AttributeValueMemberS { return &ddbtypes.AttributeValueMemberS{Value: v} }
func n(v int64) *ddbtypes.AttributeValueMemberN {
	return &ddbtypes.AttributeValueMemberN{Value: strconv.FormatInt(v, 10)}
}

func key(pk, sk string) map[string]ddbtypes.AttributeValue {
	return map[string]ddbtypes.AttributeValue{store.TableSchema.PartitionKey: s(pk), store.TableSchema.SortKey: s(sk)}
}

// PutSubscription stores sub (replacing the same browser's earlier one).
// A person may keep at most MaxSubscriptionsPerPerson.
func (st *Store) PutSubscription(ctx context.Context, sub Subscription) error {
	existing, err := st.Subscriptions(ctx, sub.Sub)
	if err != nil {
		return err
	}
	replaces := false
	for _, e := range existing {
		replaces = replaces || e.ID == sub.ID
	}
	if !replaces && len(existing) >= MaxSubscriptionsPerPerson {
		return ErrTooMany
	}
	item := key(subPrefix+sub.Sub, subSKPrefix+sub.ID)
	item[store.TableSchema.TimelinePartitionKey] = s(allSubsGSI1PK)
	item[store.TableSchema.TimelineSortKey] = s(sub.Sub + "#" + sub.ID)
	item["type"] = s("pushSubscription")
	item["sub"] = s(sub.Sub)
	item["subscriptionId"] = s(sub.ID)
	item["email"] = s(sub.Email)
	if sub.Domain != "" {
		item["domain"] = s(sub.Domain)
	}
	item["endpoint"] = s(sub.Endpoint)
	item["p256dh"] = s(sub.P256DH)
	item["auth"] = s(sub.Auth)
	item["createdAt"] = n(sub.CreatedAt.UnixMilli())
	if sub.Cameras != nil {
		item["cameras"] = &ddbtypes.AttributeValueMemberL{Value: cameraList(sub.Cameras)}
	}
	if _, err := st.ddb.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(st.table), Item: item}); err != nil {
		return fmt.Errorf("push: put subscription: %w", err)
	}
	return nil
}

func cameraList(ids []string) []ddbtypes.AttributeValue {
	out := make([]ddbtypes.AttributeValue, len(ids))
	for i, id := range ids {
		out[i] = s(id)
	}
	return out
}

// DeleteSubscription removes the owner's subscription id; it reports
// whether there was one. Only the owner's partition is touched, so nobody
// can remove someone else's subscription.
func (st *Store) DeleteSubscription(ctx context.Context, owner, id string) (bool, error) {
	out, err := st.ddb.DeleteItem(ctx, &dynamodb.DeleteItemInput{
		TableName: aws.String(st.table), Key: key(subPrefix+owner, subSKPrefix+id),
		ReturnValues: ddbtypes.ReturnValueAllOld,
	})
	if err != nil {
		return false, fmt.Errorf("push: delete subscription: %w", err)
	}
	return len(out.Attributes) > 0, nil
}

// Subscriptions returns the owner's subscriptions.
func (st *Store) Subscriptions(ctx context.Context, owner string) ([]Subscription, error) {
	return st.query(ctx, &dynamodb.QueryInput{
		TableName:              aws.String(st.table),
		KeyConditionExpression: aws.String("#pk = :pk AND begins_with(#sk, :sk)"),
		ExpressionAttributeNames: map[string]string{
			"#pk": store.TableSchema.PartitionKey, "#sk": store.TableSchema.SortKey,
		},
		ExpressionAttributeValues: map[string]ddbtypes.AttributeValue{":pk": s(subPrefix + owner), ":sk": s(subSKPrefix)},
	})
}

// AllSubscriptions returns every subscription of every person: a paged
// Query on the index partition PUSHSUB#ALL.
func (st *Store) AllSubscriptions(ctx context.Context) ([]Subscription, error) {
	return st.query(ctx, &dynamodb.QueryInput{
		TableName:              aws.String(st.table),
		IndexName:              aws.String(store.TableSchema.TimelineIndex),
		KeyConditionExpression: aws.String("#pk = :pk"),
		ExpressionAttributeNames: map[string]string{
			"#pk": store.TableSchema.TimelinePartitionKey,
		},
		ExpressionAttributeValues: map[string]ddbtypes.AttributeValue{":pk": s(allSubsGSI1PK)},
	})
}

func (st *Store) query(ctx context.Context, in *dynamodb.QueryInput) ([]Subscription, error) {
	var out []Subscription
	p := dynamodb.NewQueryPaginator(st.ddb, in)
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("push: query subscriptions: %w", err)
		}
		for _, item := range page.Items {
			out = append(out, decodeSubscription(item))
		}
	}
	return out, nil
}

func decodeSubscription(item map[string]ddbtypes.AttributeValue) Subscription {
	sub := Subscription{
		ID: store.StringAttr(item, "subscriptionId"), Sub: store.StringAttr(item, "sub"), Email: store.StringAttr(item, "email"), Domain: store.StringAttr(item, "domain"),
		Endpoint: store.StringAttr(item, "endpoint"), P256DH: store.StringAttr(item, "p256dh"), Auth: store.StringAttr(item, "auth"),
	}
	if ms, err := strconv.ParseInt(store.NumberAttr(item, "createdAt"), 10, 64); err == nil {
		sub.CreatedAt = time.UnixMilli(ms).UTC()
	}
	if l, ok := item["cameras"].(*ddbtypes.AttributeValueMemberL); ok {
		sub.Cameras = []string{}
		for _, v := range l.Value {
			if c, ok := v.(*ddbtypes.AttributeValueMemberS); ok {
				sub.Cameras = append(sub.Cameras, c.Value)
			}
		}
	}
	return sub
}

// Settings returns the person's settings, the defaults if none are saved.
func (st *Store) Settings(ctx context.Context, owner string) (Settings, error) {
	out, err := st.ddb.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(st.table), Key: key(subPrefix+owner, settingsSK)})
	if err != nil {
		return Settings{}, fmt.Errorf("push: get settings: %w", err)
	}
	set := DefaultSettings()
	if out.Item == nil {
		return set, nil
	}
	if v, err := strconv.Atoi(store.NumberAttr(out.Item, "foldMinutes")); err == nil {
		set.FoldMinutes = v
	}
	if tz := store.StringAttr(out.Item, "timeZone"); tz != "" {
		set.TimeZone = tz
	}
	if qs, qe := store.StringAttr(out.Item, "quietStart"), store.StringAttr(out.Item, "quietEnd"); qs != "" && qe != "" {
		set.QuietHours = &QuietHours{Start: qs, End: qe}
	}
	return set, nil
}

// PutSettings saves the person's settings (checked by the caller).
func (st *Store) PutSettings(ctx context.Context, owner string, set Settings) error {
	item := key(subPrefix+owner, settingsSK)
	item["type"] = s("pushSettings")
	item["foldMinutes"] = n(int64(set.FoldMinutes))
	if set.TimeZone != "" {
		item["timeZone"] = s(set.TimeZone)
	}
	if q := set.QuietHours; q != nil {
		item["quietStart"] = s(q.Start)
		item["quietEnd"] = s(q.End)
	}
	if _, err := st.ddb.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(st.table), Item: item}); err != nil {
		return fmt.Errorf("push: put settings: %w", err)
	}
	return nil
}

// Claim decides whether a clip of camera at now is alerted to owner: yes
// when no alert went out within window, and then it records now as the
// last alert and returns how many clips were folded since the previous
// one (resetting that count). Otherwise it counts the clip as folded. One
// conditional write decides, so concurrent senders alert once.
func (st *Store) Claim(ctx context.Context, owner, camera string, now time.Time, window time.Duration) (send bool, folded int, err error) {
	k := key(statePrefix+owner, stateSKPrefix+camera)
	out, err := st.ddb.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:                aws.String(st.table),
		Key:                      k,
		UpdateExpression:         aws.String("SET lastSentAt = :now, folded = :zero, #ttl = :exp"),
		ConditionExpression:      aws.String("attribute_not_exists(lastSentAt) OR lastSentAt <= :cutoff"),
		ExpressionAttributeNames: map[string]string{"#ttl": store.TableSchema.TTLAttribute},
		ExpressionAttributeValues: map[string]ddbtypes.AttributeValue{
			":now": n(now.UnixMilli()), ":zero": n(0), ":cutoff": n(now.Add(-window).UnixMilli()),
			":exp": n(now.Add(stateRetention).Unix()),
		},
		ReturnValues: ddbtypes.ReturnValueAllOld,
	})
	var failed *ddbtypes.ConditionalCheckFailedException
	if errors.As(err, &failed) {
		return false, 0, st.Fold(ctx, owner, camera, now)
	}
	if err != nil {
		return false, 0, fmt.Errorf("push: claim alert: %w", err)
	}
	folded, _ = strconv.Atoi(store.NumberAttr(out.Attributes, "folded"))
	return true, folded, nil
}

// Fold counts one clip of camera into owner's next alert.
func (st *Store) Fold(ctx context.Context, owner, camera string, now time.Time) error {
	_, err := st.ddb.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:                aws.String(st.table),
		Key:                      key(statePrefix+owner, stateSKPrefix+camera),
		UpdateExpression:         aws.String("ADD folded :one SET #ttl = :exp"),
		ExpressionAttributeNames: map[string]string{"#ttl": store.TableSchema.TTLAttribute},
		ExpressionAttributeValues: map[string]ddbtypes.AttributeValue{
			":one": n(1), ":exp": n(now.Add(stateRetention).Unix()),
		},
	})
	if err != nil {
		return fmt.Errorf("push: fold alert: %w", err)
	}
	return nil
}
