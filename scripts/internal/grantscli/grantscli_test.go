package grantscli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/camvault/camvault/authorizer/grants"
	"github.com/camvault/camvault/authorizer/grantstest"
	"github.com/camvault/camvault/dynalite/dynalitetest"
)

func TestRun(t *testing.T) {
	ctx := context.Background()
	endpoint := dynalitetest.Start(t)
	client := grantstest.Client(endpoint)
	const table = "camvault-allowlist"
	if err := grantstest.CreateTable(ctx, client, table); err != nil {
		t.Fatal(err)
	}
	localJSON := filepath.Join(t.TempDir(), "local.json")
	if err := os.WriteFile(localJSON, []byte(`{"dynamodbUrl":"`+endpoint+`","allowlistTable":"`+table+`"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	run := func(args ...string) (int, string, string) {
		var out, errOut bytes.Buffer
		code := Run(ctx, append([]string{"--local-json", localJSON}, args...), Env{Stdout: &out, Stderr: &errOut, Lookup: func(string) (string, bool) { return "", false }})
		return code, out.String(), errOut.String()
	}
	if code, out, stderr := run("put", " Restricted@Example.com", "viewer", "driveway"); code != 0 || !strings.Contains(out, `granted "restricted@example.com" viewer`) {
		t.Fatalf("put: %d %q %q", code, out, stderr)
	}
	if code, _, stderr := run("put", "blocked@example.com", "blocked"); code != 0 {
		t.Fatalf("put blocked: %d %q", code, stderr)
	}
	if code, _, stderr := run("put", "x@example.com", "owner"); code != 1 || !strings.Contains(stderr, "role") {
		t.Errorf("bad role: %d %q", code, stderr)
	}
	for _, bad := range [][]string{{}, {"nope"}, {"put", "x@example.com"}, {"unbind"}, {"list", "extra"}} {
		if code, _, _ := run(bad...); code != 2 {
			t.Errorf("%v: exit %d, want 2", bad, code)
		}
	}
	store, _ := grants.NewStore(client, table)
	if _, err := store.Bind(ctx, "boss@example.com", "111"); err != nil {
		t.Fatal(err)
	}
	code, out, _ := run("list")
	if code != 0 || !strings.Contains(out, `"restricted@example.com"`) || !strings.Contains(out, "cameras driveway") ||
		!strings.Contains(out, `bind   "boss@example.com"`) || !strings.Contains(out, "sub=111") {
		t.Errorf("list: %d\n%s", code, out)
	}
	// A grant written by hand with another case is flagged.
	if _, err := client.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(table), Item: map[string]ddbtypes.AttributeValue{
		"subject": &ddbtypes.AttributeValueMemberS{Value: "Ann@Example.com"}, "role": &ddbtypes.AttributeValueMemberS{Value: "viewer"}}}); err != nil {
		t.Fatal(err)
	}
	if code, out, _ := run("list"); code != 3 || !strings.Contains(out, "PROBLEM: non-canonical subject") || !strings.Contains(out, `"ann@example.com"`) {
		t.Errorf("list with a non-canonical grant: %d\n%s", code, out)
	}
	if code, _, _ := run("delete", "Ann@Example.com"); code != 0 {
		t.Error("delete failed")
	}
	if code, out, _ := run("unbind", "boss@example.com"); code != 0 || !strings.Contains(out, "from sub 111") {
		t.Errorf("unbind: %d %q", code, out)
	}
	if code, out, _ := run("bind", "boss@example.com", "222"); code != 0 || !strings.Contains(out, "sub 222") {
		t.Errorf("bind: %d %q", code, out)
	}
	if code, out, _ := run("list"); code != 0 || !strings.Contains(out, "sub=222") {
		t.Errorf("list after re-bind: %d\n%s", code, out)
	}
}
