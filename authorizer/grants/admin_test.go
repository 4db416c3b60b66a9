package grants_test

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/camvault/camvault/authorizer/grants"
	"github.com/camvault/camvault/authorizer/grantstest"
	"github.com/camvault/camvault/dynalite/dynalitetest"
)

func TestAdmin(t *testing.T) {
	ctx := context.Background()
	client := grantstest.Client(dynalitetest.Start(t))
	const table = "allowlist"
	if err := grantstest.CreateTable(ctx, client, table); err != nil {
		t.Fatal(err)
	}
	admin, err := grants.NewAdmin(client, table)
	if err != nil {
		t.Fatal(err)
	}
	// Writes are normalised, or refused naming what is wrong.
	if got, err := admin.Put(ctx, " Restricted@Example.COM ", "viewer", []string{"driveway", "driveway"}); err != nil || got != "restricted@example.com" {
		t.Fatalf("put: %q, %v", got, err)
	}
	if _, err := admin.Put(ctx, "blocked@example.com", "blocked", nil); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []struct{ subject, role, camera, want string }{
		{"not an address", "viewer", "", "subject"},
		{"x@example.com", "owner", "", "role"},
		{"x@example.com", "viewer", "Bad Id", "camera"},
		{"\u212Aarl@example.com", "viewer", "", "subject"},
	} {
		var cams []string
		if bad.camera != "" {
			cams = []string{bad.camera}
		}
		if _, err := admin.Put(ctx, bad.subject, bad.role, cams); err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("put %q %q %q: %v, want an error about the %s", bad.subject, bad.role, bad.camera, err, bad.want)
		}
	}
	store, _ := grants.NewStore(client, table)
	if g, found, err := store.Grant(ctx, "restricted@example.com"); err != nil || !found || strings.Join(g.Cameras, ",") != "driveway" {
		t.Fatalf("the authorizer reads %+v %v %v", g, found, err)
	}
	if _, err := store.Bind(ctx, "boss@example.com", "111"); err != nil {
		t.Fatal(err)
	}
	// What another writer may have put by hand: flagged on read.
	raw := func(subject, role string) {
		if _, err := client.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(table), Item: map[string]ddbtypes.AttributeValue{
			"subject": &ddbtypes.AttributeValueMemberS{Value: subject}, "role": &ddbtypes.AttributeValueMemberS{Value: role}}}); err != nil {
			t.Fatal(err)
		}
	}
	raw("Ann@Example.com", "viewer")
	raw("\u212Aarl@example.com", "viewer")
	raw("odd@example.com", "root")

	entries, err := admin.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]grants.Entry{}
	for _, e := range entries {
		got[e.Subject] = e
	}
	for subject, want := range map[string]string{
		"restricted@example.com": "",
		"blocked@example.com":    "",
		"BIND#boss@example.com":  "",
		"Ann@Example.com":        `non-canonical subject: never looked up, so static rules decide for this person (write it as "ann@example.com")`,
		"\u212Aarl@example.com":  "non-canonical subject: never looked up",
		"odd@example.com":        `role "root" denies`,
	} {
		e, ok := got[subject]
		if !ok {
			t.Errorf("%q not listed", subject)
			continue
		}
		if want == "" && e.Problem != "" || want != "" && !strings.Contains(e.Problem, want) {
			t.Errorf("%q: problem %q, want %q", subject, e.Problem, want)
		}
	}
	if b := got["BIND#boss@example.com"]; !b.Binding || b.Sub != "111" {
		t.Errorf("binding entry %+v", b)
	}

	// Unbind returns the old account; Bind hands the address to another.
	if old, err := admin.Unbind(ctx, "Boss@example.com"); err != nil || old != "111" {
		t.Errorf("unbind: %q, %v", old, err)
	}
	if old, err := admin.Unbind(ctx, "boss@example.com"); err != nil || old != "" {
		t.Errorf("unbind again: %q, %v", old, err)
	}
	if err := admin.Bind(ctx, "boss@example.com", "222"); err != nil {
		t.Fatal(err)
	}
	fresh, _ := grants.NewStore(client, table)
	if sub, err := fresh.Bind(ctx, "boss@example.com", "111"); err != nil || sub != "222" {
		t.Errorf("after an operator bind: %q, %v", sub, err)
	}
	if err := admin.Delete(ctx, "Ann@Example.com"); err != nil {
		t.Fatal(err)
	}
	if err := admin.Delete(ctx, "BIND#boss@example.com"); err == nil {
		t.Error("Delete removed a binding")
	}
	entries, _ = admin.List(ctx)
	for _, e := range entries {
		if e.Subject == "Ann@Example.com" {
			t.Error("delete left the non-canonical grant")
		}
	}
}
