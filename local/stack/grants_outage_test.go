package stack_test

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/camvault/camvault/authorizer/grantstest"
)

// TestGrantsOutageIsNotCached: with the allowlist table gone, a person the
// domain rule would admit gets API Gateway's 500 (AUTHORIZER_FAILURE), not
// a guess; the gateway caches nothing, so once the table is back the same
// token is decided again, from the grant.
func TestGrantsOutageIsNotCached(t *testing.T) {
	e := start(t, t.TempDir(), true)
	ctx := context.Background()
	info := e.s.Info()
	ddb := grantstest.Client(info.DynamoDBURL)
	if _, err := ddb.DeleteTable(ctx, &dynamodb.DeleteTableInput{TableName: aws.String(info.AllowlistTable)}); err != nil {
		t.Fatal(err)
	}
	tok := e.token(t, "restricted@example.com")
	r := e.do(t, "GET", "/cameras", tok)
	if r.status != 500 || r.header.Get("X-Amzn-Errortype") != "AuthorizerFailureException" {
		t.Fatalf("during the outage: %d %s %s, want 500 AuthorizerFailureException", r.status, r.header.Get("X-Amzn-Errortype"), r.body)
	}
	if err := grantstest.CreateTable(ctx, ddb, info.AllowlistTable); err != nil {
		t.Fatal(err)
	}
	if err := grantstest.Put(ctx, ddb, info.AllowlistTable, "restricted@example.com", "viewer", []string{"driveway"}); err != nil {
		t.Fatal(err)
	}
	r = e.do(t, "GET", "/me", tok)
	var me struct {
		Role    string   `json:"role"`
		Cameras []string `json:"cameras"`
	}
	r.json(t, &me)
	if r.status != 200 || e.auth.count(tok) != 2 {
		t.Fatalf("after the outage: %d %s, authorizer invoked %d times (want 200 and 2: the 500 was not cached)", r.status, r.body, e.auth.count(tok))
	}
	if me.Role != "viewer" || len(me.Cameras) != 1 || me.Cameras[0] != "driveway" {
		t.Errorf("after the outage: %s, want the grant (viewer of driveway)", r.body)
	}
}
