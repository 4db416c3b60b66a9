package grants_test

import (
	"context"
	"fmt"
	"sync"
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

func TestBind(t *testing.T) {
	ctx := context.Background()
	client := grantstest.Client(dynalitetest.Start(t))
	const table = "allowlist"
	if err := grantstest.CreateTable(ctx, client, table); err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var mu sync.Mutex
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	advance := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }
	newStore := func(table string) *grants.Store {
		s, err := grants.NewStore(client, table, grants.WithClock(clock))
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	var _ access.Binder = newStore(table)
	store := newStore(table)

	if got, err := store.Bind(ctx, "ann@example.com", "sub-1"); err != nil || got != "sub-1" {
		t.Fatalf("first use: %q, %v", got, err)
	}
	out, err := client.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(table),
		Key: map[string]ddbtypes.AttributeValue{"subject": &ddbtypes.AttributeValueMemberS{Value: "BIND#ann@example.com"}}})
	if err != nil || out.Item["sub"].(*ddbtypes.AttributeValueMemberS).Value != "sub-1" || out.Item["boundAt"].(*ddbtypes.AttributeValueMemberS).Value != "2026-01-01T00:00:00Z" {
		t.Fatalf("binding item %v, %v", out.Item, err)
	}
	// Another account with the same address, in this and in a fresh
	// instance (no cache): the first binding holds.
	for _, s := range []*grants.Store{store, newStore(table)} {
		if got, err := s.Bind(ctx, "ann@example.com", "sub-2"); err != nil || got != "sub-1" {
			t.Errorf("other account: %q, %v, want sub-1", got, err)
		}
	}
	// A binding item never reads as a grant, whatever its case.
	if _, found, err := store.Grant(ctx, "bind#ann@example.com"); found || err != nil {
		t.Errorf("a binding read as a grant: %v %v", found, err)
	}

	t.Run("concurrent first uses: one account wins everywhere", func(t *testing.T) {
		var wg sync.WaitGroup
		results := make([]string, 8)
		for i := range results {
			wg.Go(func() {
				got, err := newStore(table).Bind(ctx, "race@example.com", fmt.Sprintf("sub-%d", i))
				if err != nil {
					t.Error(err)
				}
				results[i] = got
			})
		}
		wg.Wait()
		for _, r := range results {
			if r == "" || r != results[0] {
				t.Fatalf("bound subs %v, want one and the same", results)
			}
		}
	})

	t.Run("unbind re-binds on the next use, after the cache", func(t *testing.T) {
		if _, err := client.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: aws.String(table),
			Key: map[string]ddbtypes.AttributeValue{"subject": &ddbtypes.AttributeValueMemberS{Value: grants.BindKey("ann@example.com")}}}); err != nil {
			t.Fatal(err)
		}
		if got, _ := store.Bind(ctx, "ann@example.com", "sub-2"); got != "sub-1" {
			t.Errorf("within the cache TTL: %q, want the cached sub-1", got)
		}
		advance(grants.DefaultTTL + time.Second)
		if got, err := store.Bind(ctx, "ann@example.com", "sub-2"); err != nil || got != "sub-2" {
			t.Errorf("after unbind: %q, %v, want sub-2", got, err)
		}
	})

	t.Run("table unreadable: a known binding answers, an unknown one errs", func(t *testing.T) {
		s := newStore("gone")
		if _, err := s.Bind(ctx, "ann@example.com", "sub-2"); err == nil {
			t.Error("no error for a missing table")
		}
		known := newStore(table)
		if got, _ := known.Bind(ctx, "bob@example.com", "sub-b"); got != "sub-b" {
			t.Fatal(got)
		}
		if _, err := client.DeleteTable(ctx, &dynamodb.DeleteTableInput{TableName: aws.String(table)}); err != nil {
			t.Fatal(err)
		}
		advance(10 * grants.DefaultTTL)
		if got, err := known.Bind(ctx, "bob@example.com", "sub-b"); err != nil || got != "sub-b" {
			t.Errorf("known binding during the outage: %q, %v", got, err)
		}
		if got, err := known.Bind(ctx, "bob@example.com", "sub-x"); err != nil || got != "sub-b" {
			t.Errorf("known binding, other account, during the outage: %q, %v", got, err)
		}
		if _, err := known.Bind(ctx, "carol@example.com", "sub-c"); err == nil {
			t.Error("an unknown binding answered during the outage")
		}
	})
}
