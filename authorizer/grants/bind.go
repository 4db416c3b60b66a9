package grants

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// Address bindings live in the allowlist table beside the grants:
//
//	subject  (S) BindPrefix + the address in access.Canonical form
//	sub      (S) Google's account id the address is bound to
//	boundAt  (S) RFC 3339 time of the first use
//
// The authorizer writes one on the first sign-in that an address rule
// admits (a conditional put, so two first sign-ins cannot both win) and
// only reads it afterwards. Deleting the item re-binds the address to the
// next account that signs in with it (cmd/camvault-grants unbind).
const (
	// BindPrefix starts the subject of a binding item. It holds upper-case
	// letters, which no canonical address or domain does, so a grant lookup
	// never reads a binding nor a binding a grant.
	BindPrefix = "BIND#"
	// AttrSub is a binding's Google account id.
	AttrSub = "sub"
	// AttrBoundAt is when the binding was made (RFC 3339).
	AttrBoundAt = "boundAt"
)

// BindKey is the subject of address's binding item; address must already
// be canonical.
func BindKey(address string) string { return BindPrefix + address }

type binding struct {
	sub     string
	expires time.Time
}

// Bind implements access.Binder: it returns the sub address is bound to,
// binding it to sub when it is bound to none. A known binding is trusted for
// the cache TTL without a read; when the table cannot be read, a binding
// this Store has seen before (of any age) still answers, because a binding
// only changes when an administrator deletes it; otherwise the error is
// returned and the caller fails closed.
func (s *Store) Bind(ctx context.Context, address, sub string) (string, error) {
	now := s.now()
	s.mu.Lock()
	b, known := s.bindings[address]
	s.mu.Unlock()
	if known && now.Before(b.expires) {
		return b.sub, nil
	}
	bound, err := s.bind(ctx, address, sub, now)
	if err != nil {
		if known {
			return b.sub, nil
		}
		return "", err
	}
	s.mu.Lock()
	if len(s.bindings) >= maxEntries {
		clear(s.bindings)
	}
	s.bindings[address] = binding{sub: bound, expires: now.Add(s.ttl)}
	s.mu.Unlock()
	return bound, nil
}

func (s *Store) bind(ctx context.Context, address, sub string, now time.Time) (string, error) {
	key := map[string]ddbtypes.AttributeValue{AttrSubject: &ddbtypes.AttributeValueMemberS{Value: BindKey(address)}}
	read := func() (string, bool, error) {
		out, err := s.client.GetItem(ctx, &dynamodb.GetItemInput{
			TableName:                aws.String(s.table),
			Key:                      key,
			ConsistentRead:           aws.Bool(true),
			ProjectionExpression:     aws.String("#s"),
			ExpressionAttributeNames: map[string]string{"#s": AttrSub},
		})
		if err != nil {
			return "", false, fmt.Errorf("grants: get binding: %w", err)
		}
		if len(out.Item) == 0 {
			return "", false, nil
		}
		v, ok := out.Item[AttrSub].(*ddbtypes.AttributeValueMemberS)
		if !ok || v.Value == "" {
			// A binding without a usable sub binds to nobody: refuse
			// rather than re-bind on a guess.
			return "(invalid binding item)", true, nil
		}
		return v.Value, true, nil
	}
	bound, found, err := read()
	if err != nil || found {
		return bound, err
	}
	_, err = s.client.PutItem(ctx, &dynamodb.PutItemInput{
		TableName: aws.String(s.table),
		Item: map[string]ddbtypes.AttributeValue{
			AttrSubject: key[AttrSubject],
			AttrSub:     &ddbtypes.AttributeValueMemberS{Value: sub},
			AttrBoundAt: &ddbtypes.AttributeValueMemberS{Value: now.UTC().Format(time.RFC3339)},
		},
		ConditionExpression:      aws.String("attribute_not_exists(#k)"),
		ExpressionAttributeNames: map[string]string{"#k": AttrSubject},
	})
	var lost *ddbtypes.ConditionalCheckFailedException
	if errors.As(err, &lost) {
		// Another first sign-in bound it meanwhile: that one holds.
		bound, found, err = read()
		if err == nil && !found {
			err = errors.New("grants: binding vanished after a conflicting write")
		}
		return bound, err
	}
	if err != nil {
		return "", fmt.Errorf("grants: put binding: %w", err)
	}
	return sub, nil
}
