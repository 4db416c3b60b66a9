package store

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/camvault/camvault/videos-api/grant"
)

// Attribute names of the authorizer's allowlist table (ALLOWLIST_TABLE):
// partition key subject (S), role (S), cameras (SS, absent = every camera).
const (
	grantSubject = "subject"
	grantRole    = "role"
	grantCameras = "cameras"
	// bindPrefix starts the subject of the authorizer's address bindings,
	// which share the table (authorizer/grants.BindPrefix): not grants.
	bindPrefix = "BIND#"
)

// Grants reads and writes the authorizer's allowlist table, which the
// authorizer reads with a 60-second cache.
type Grants struct {
	ddb   *dynamodb.Client
	table string
}

// NewGrants returns the grants of table, reached through ddb.
func NewGrants(ddb *dynamodb.Client, table string) *Grants {
	return &Grants{ddb: ddb, table: table}
}

func grantKey(subject string) map[string]ddbtypes.AttributeValue {
	return map[string]ddbtypes.AttributeValue{grantSubject: str(subject)}
}

// Get returns subject's grant, or grant.ErrNoGrant.
func (g *Grants) Get(ctx context.Context, subject string) (grant.Grant, error) {
	res, err := g.ddb.GetItem(ctx, &dynamodb.GetItemInput{
		TableName: aws.String(g.table), Key: grantKey(subject), ConsistentRead: aws.Bool(true),
	})
	if err != nil {
		return grant.Grant{}, fmt.Errorf("store: getting grant of %s: %w", subject, err)
	}
	if res.Item == nil {
		return grant.Grant{}, grant.ErrNoGrant
	}
	return decodeGrant(res.Item), nil
}

// Put writes subject's grant, replacing any, and returns the one it
// replaced (nil when none).
func (g *Grants) Put(ctx context.Context, gr grant.Grant) (*grant.Grant, error) {
	item := grantKey(gr.Subject)
	item[grantRole] = str(string(gr.Role))
	if !gr.All {
		item[grantCameras] = &ddbtypes.AttributeValueMemberSS{Value: slices.Clone(gr.Cameras)}
	}
	res, err := g.ddb.PutItem(ctx, &dynamodb.PutItemInput{
		TableName: aws.String(g.table), Item: item, ReturnValues: ddbtypes.ReturnValueAllOld,
	})
	if err != nil {
		return nil, fmt.Errorf("store: putting grant of %s: %w", gr.Subject, err)
	}
	if len(res.Attributes) == 0 {
		return nil, nil
	}
	old := decodeGrant(res.Attributes)
	return &old, nil
}

// Delete removes subject's grant and returns it, or grant.ErrNoGrant.
func (g *Grants) Delete(ctx context.Context, subject string) (grant.Grant, error) {
	res, err := g.ddb.DeleteItem(ctx, &dynamodb.DeleteItemInput{
		TableName: aws.String(g.table), Key: grantKey(subject), ReturnValues: ddbtypes.ReturnValueAllOld,
	})
	if err != nil {
		return grant.Grant{}, fmt.Errorf("store: deleting grant of %s: %w", subject, err)
	}
	if len(res.Attributes) == 0 {
		return grant.Grant{}, grant.ErrNoGrant
	}
	return decodeGrant(res.Attributes), nil
}

// List returns a page of at most limit grants after the subject after
// ("" for the first page), and the subject to continue after ("" on the
// last page). The allowlist table is keyed by subject alone, as the
// authorizer needs, so this is a paged Scan: a page reads at most limit
// items, however many grants there are. Pages are in the table's order.
func (g *Grants) List(ctx context.Context, after string, limit int) ([]grant.Grant, string, error) {
	in := &dynamodb.ScanInput{TableName: aws.String(g.table), Limit: aws.Int32(int32(limit))}
	if after != "" {
		in.ExclusiveStartKey = grantKey(after)
	}
	res, err := g.ddb.Scan(ctx, in)
	if err != nil {
		return nil, "", fmt.Errorf("store: listing grants: %w", err)
	}
	out := make([]grant.Grant, 0, len(res.Items))
	for _, item := range res.Items {
		if strings.HasPrefix(StringAttr(item, grantSubject), bindPrefix) {
			continue
		}
		out = append(out, decodeGrant(item))
	}
	next := ""
	if len(res.LastEvaluatedKey) > 0 {
		next = StringAttr(res.LastEvaluatedKey, grantSubject)
	}
	return out, next, nil
}

// decodeGrant reads an item as the authorizer would: a cameras attribute
// that is not a set of valid ids restricts rather than widens.
func decodeGrant(item map[string]ddbtypes.AttributeValue) grant.Grant {
	gr := grant.Grant{Subject: StringAttr(item, grantSubject), Role: grant.Role(StringAttr(item, grantRole))}
	if gr.Role != grant.Viewer && gr.Role != grant.Admin {
		gr.Role = grant.Blocked // the authorizer denies any other role
	}
	switch v := item[grantCameras].(type) {
	case nil:
		gr.All = true
	case *ddbtypes.AttributeValueMemberSS:
		gr.Cameras = slices.Clone(v.Value)
	case *ddbtypes.AttributeValueMemberL:
		for _, e := range v.Value {
			if s, ok := e.(*ddbtypes.AttributeValueMemberS); ok {
				gr.Cameras = append(gr.Cameras, s.Value)
			}
		}
	}
	slices.Sort(gr.Cameras)
	return gr
}
