package send_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/camvault/camvault/authorizer/access"
	authgrants "github.com/camvault/camvault/authorizer/grants"
	"github.com/camvault/camvault/authorizer/grantstest"
	"github.com/camvault/camvault/dynalite/dynalitetest"
	"github.com/camvault/camvault/videos-api/push/send"
)

// TestAddressBindingsAtSendTime: an address rule holds only for the Google
// account the address is bound to, at send time too; the sender reads the
// binding and never makes one.
func TestAddressBindingsAtSendTime(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	client := grantstest.Client(dynalitetest.Shared(t))
	table := fmt.Sprintf("allow-%d", seq.Add(1))
	if err := grantstest.CreateTable(ctx, client, table); err != nil {
		t.Fatal(err)
	}
	rules, err := access.NewRules(nil, []string{"pat@gmail.com"}, nil, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	rules.BindAddresses(send.NewBindingReader(client, table))
	sender, err := send.NewSender(send.SenderConfig{
		Store: f.store, Rules: rules, Keys: f.keys, WebOrigin: webOrigin, HTTPClient: http.DefaultClient,
		Now: func() time.Time { return f.now }, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	f.subscribe("pat", "sub-pat", "pat@gmail.com", "", nil)
	bind := func(sub string) {
		_, err := client.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(table), Item: map[string]ddbtypes.AttributeValue{
			authgrants.AttrSubject: &ddbtypes.AttributeValueMemberS{Value: authgrants.BindKey("pat@gmail.com")},
			authgrants.AttrSub:     &ddbtypes.AttributeValueMemberS{Value: sub},
		}})
		if err != nil {
			t.Fatal(err)
		}
	}
	sendOne := func() send.Outcome {
		f.now = f.now.Add(10 * time.Minute)
		out, err := sender.Send(ctx, f.clip("porch"))
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	// Bound to nobody (an administrator unbound it): not alerted, and the
	// sender binds nothing.
	if out := sendOne(); out.Sent != 0 || out.Denied != 1 {
		t.Errorf("unbound address: %+v, want denied", out)
	}
	got, err := client.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(table), Key: map[string]ddbtypes.AttributeValue{
		authgrants.AttrSubject: &ddbtypes.AttributeValueMemberS{Value: authgrants.BindKey("pat@gmail.com")},
	}})
	if err != nil || len(got.Item) != 0 {
		t.Errorf("the sender bound the address: %v %v", got.Item, err)
	}
	// Bound to another account (the address was reissued): not alerted.
	bind("sub-someone-else")
	if out := sendOne(); out.Sent != 0 || out.Denied != 1 {
		t.Errorf("address bound to another account: %+v, want denied", out)
	}
	// Bound to this account: alerted.
	bind("sub-pat")
	if out := sendOne(); out.Sent != 1 {
		t.Errorf("address bound to its subscriber: %+v, want sent", out)
	}
}
