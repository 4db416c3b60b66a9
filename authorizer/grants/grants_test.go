package grants_test

import (
	"context"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/camvault/camvault/authorizer/access"
	"github.com/camvault/camvault/authorizer/grants"
	"github.com/camvault/camvault/authorizer/grantstest"
	"github.com/camvault/camvault/dynalite/dynalitetest"
)

// countingClient counts GetItem calls on the way to a real DynamoDB API.
type countingClient struct {
	grants.API
	calls atomic.Int64
}

func (c *countingClient) GetItem(ctx context.Context, in *dynamodb.GetItemInput, opts ...func(*dynamodb.Options)) (*dynamodb.GetItemOutput, error) {
	c.calls.Add(1)
	return c.API.GetItem(ctx, in, opts...)
}

func TestStore(t *testing.T) {
	ctx := context.Background()
	client := grantstest.Client(dynalitetest.Start(t))
	const table = "allowlist"
	if err := grantstest.CreateTable(ctx, client, table); err != nil {
		t.Fatal(err)
	}
	put := func(subject string, item map[string]ddbtypes.AttributeValue) {
		t.Helper()
		item["subject"] = &ddbtypes.AttributeValueMemberS{Value: subject}
		if _, err := client.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(table), Item: item}); err != nil {
			t.Fatal(err)
		}
	}
	put("ann@example.com", map[string]ddbtypes.AttributeValue{"role": &ddbtypes.AttributeValueMemberS{Value: "viewer"}, "cameras": &ddbtypes.AttributeValueMemberSS{Value: []string{"front-door", "garage"}}})
	put("partner.com", map[string]ddbtypes.AttributeValue{"role": &ddbtypes.AttributeValueMemberS{Value: "admin"}})
	put("list@example.com", map[string]ddbtypes.AttributeValue{"role": &ddbtypes.AttributeValueMemberS{Value: "viewer"}, "cameras": &ddbtypes.AttributeValueMemberL{Value: []ddbtypes.AttributeValue{&ddbtypes.AttributeValueMemberS{Value: "yard"}}}})
	put("odd@example.com", map[string]ddbtypes.AttributeValue{"role": &ddbtypes.AttributeValueMemberS{Value: "viewer"}, "cameras": &ddbtypes.AttributeValueMemberS{Value: "yard"}})

	counting := &countingClient{API: client}
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	store, err := grants.NewStore(counting, table, grants.WithTTL(time.Minute), grants.WithClock(func() time.Time { return now }))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		subject string
		found   bool
		role    access.Role
		cameras []string
	}{
		{"ann@example.com", true, access.Viewer, []string{"front-door", "garage"}},
		{"partner.com", true, access.Admin, nil},
		{"list@example.com", true, access.Viewer, []string{"yard"}},
		{"odd@example.com", true, access.Viewer, []string{}},
		{"nobody@example.com", false, "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.subject, func(t *testing.T) {
			g, found, err := store.Grant(ctx, tt.subject)
			if err != nil {
				t.Fatal(err)
			}
			slices.Sort(g.Cameras)
			if found != tt.found || g.Role != tt.role || !slices.Equal(g.Cameras, tt.cameras) || (tt.cameras == nil) != (g.Cameras == nil) {
				t.Fatalf("got %+v found=%v, want role %q cameras %v found=%v", g, found, tt.role, tt.cameras, tt.found)
			}
		})
	}

	t.Run("cached, found or not, until the ttl", func(t *testing.T) {
		before := counting.calls.Load()
		for _, tt := range tests {
			store.Grant(ctx, tt.subject)
		}
		if got := counting.calls.Load() - before; got != 0 {
			t.Fatalf("%d reads within the ttl, want 0", got)
		}
		// A change in the table shows after the ttl.
		put("nobody@example.com", map[string]ddbtypes.AttributeValue{"role": &ddbtypes.AttributeValueMemberS{Value: "viewer"}})
		if _, found, _ := store.Grant(ctx, "nobody@example.com"); found {
			t.Fatal("negative result not cached")
		}
		now = now.Add(61 * time.Second)
		if _, found, _ := store.Grant(ctx, "nobody@example.com"); !found {
			t.Fatal("new grant not seen after the ttl")
		}
		if got := counting.calls.Load() - before; got != 1 {
			t.Fatalf("%d reads, want 1", got)
		}
	})

	t.Run("errors are not cached", func(t *testing.T) {
		missing, err := grants.NewStore(counting, "no-such-table")
		if err != nil {
			t.Fatal(err)
		}
		before := counting.calls.Load()
		for i := 0; i < 2; i++ {
			if _, _, err := missing.Grant(ctx, "ann@example.com"); err == nil {
				t.Fatal("no error for a missing table")
			}
		}
		if got := counting.calls.Load() - before; got != 2 {
			t.Fatalf("%d reads, want 2 (errors must not be cached)", got)
		}
	})
}

func TestNewStoreChecks(t *testing.T) {
	if _, err := grants.NewStore(nil, "t"); err == nil {
		t.Error("nil client accepted")
	}
	if _, err := grants.NewStore(&countingClient{}, ""); err == nil {
		t.Error("empty table accepted")
	}
}
