package send

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/camvault/camvault/authorizer/access"
	"github.com/camvault/camvault/authorizer/grants"
)

// GetItemAPI reads one item (*dynamodb.Client satisfies it).
type GetItemAPI interface {
	GetItem(ctx context.Context, in *dynamodb.GetItemInput, opts ...func(*dynamodb.Options)) (*dynamodb.GetItemOutput, error)
}

// BindingReader is an access.Binder that only reads the authorizer's
// address bindings (allowlist items BIND#{address}). The authorizer binds
// an address to a Google account on first sign-in; every subscriber signed
// in to subscribe, so the sender only checks the binding and never makes
// one: an address bound to nobody (an administrator unbound it) or to
// another account is not alerted until its person signs in again.
type BindingReader struct {
	ddb   GetItemAPI
	table string
}

var _ access.Binder = (*BindingReader)(nil)

// NewBindingReader reads bindings from the allowlist table.
func NewBindingReader(ddb GetItemAPI, table string) *BindingReader {
	return &BindingReader{ddb: ddb, table: table}
}

// Bind returns the sub address is bound to, "" when none; it never binds.
func (b *BindingReader) Bind(ctx context.Context, address, _ string) (string, error) {
	out, err := b.ddb.GetItem(ctx, &dynamodb.GetItemInput{
		TableName:      aws.String(b.table),
		Key:            map[string]ddbtypes.AttributeValue{grants.AttrSubject: &ddbtypes.AttributeValueMemberS{Value: grants.BindKey(address)}},
		ConsistentRead: aws.Bool(true),
	})
	if err != nil {
		return "", fmt.Errorf("push: read address binding: %w", err)
	}
	if v, ok := out.Item[grants.AttrSub].(*ddbtypes.AttributeValueMemberS); ok {
		return v.Value, nil
	}
	return "", nil
}
