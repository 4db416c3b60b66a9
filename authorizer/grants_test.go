package authorizer_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/camvault/camvault/authorizer/grants"
	"github.com/camvault/camvault/authorizer/grantstest"
	"github.com/camvault/camvault/dynalite/dynalitetest"
)

func TestGrantsFromDynamoDB(t *testing.T) {
	keyA, _, _, _ := testKeys(t)
	ctx := context.Background()
	client := grantstest.Client(dynalitetest.Start(t))
	const table = "camvault-allowlist"
	if err := grantstest.CreateTable(ctx, client, table); err != nil {
		t.Fatal(err)
	}
	for _, g := range []struct {
		subject, role string
		cameras       []string
	}{
		{"ann@example.com", "viewer", []string{"garage", "front-door", "Bad Id", "../x", "*"}},
		{"partner.com", "admin", nil},
		{"carol@partner.com", "viewer", []string{"yard"}},
		{"boss@example.com", "viewer", []string{"yard"}},
		{"dave@example.com", "admin", []string{"c1"}},
		{"eve@example.com", "owner", nil},
		{"frank@gmail.com", "viewer", nil},
		{"contractors.example.net", "viewer", []string{"lobby"}},
	} {
		if err := grantstest.Put(ctx, client, table, g.subject, g.role, g.cameras); err != nil {
			t.Fatal(err)
		}
	}
	cfg := baseConfig()
	cfg.AllowlistTable = table
	cfg.DynamoDB = client
	f := newFixture(t, cfg, keyA)

	cameraGETs := func(ids ...string) []string {
		r := []string{arnPrefix + "GET/me", arnPrefix + "GET/cameras", arnPrefix + "GET/videos", arnPrefix + "GET/shares", arnPrefix + "DELETE/shares/*"}
		for _, id := range ids {
			r = append(r, arnPrefix+"GET/cameras/"+id+"/videos", arnPrefix+"GET/cameras/"+id+"/videos/*",
				arnPrefix+"PUT/cameras/"+id+"/videos/*/keep", arnPrefix+"DELETE/cameras/"+id+"/videos/*/keep",
				arnPrefix+"POST/cameras/"+id+"/videos/*/shares")
		}
		return r
	}
	tests := []struct {
		name, email, hd string
		want            string
		role, cameras   string
		resources       []string
	}{
		{"email grant restricts, invalid ids ignored", "ann@example.com", "example.com", "allow", "viewer", "front-door,garage", cameraGETs("front-door", "garage")},
		{"domain grant", "zed@partner.com", "partner.com", "allow", "admin", "*", adminAll},
		{"email grant beats domain grant", "carol@partner.com", "partner.com", "allow", "viewer", "yard", cameraGETs("yard")},
		{"admin list beats grants", "boss@example.com", "example.com", "allow", "admin", "*", adminAll},
		{"restricted admin", "dave@example.com", "example.com", "allow", "admin", "c1", append(cameraGETs()[:5:5], arnPrefix+"GET/grants", arnPrefix+"GET/grants/*", arnPrefix+"PUT/grants/*", arnPrefix+"DELETE/grants/*", arnPrefix+"GET/audit",
			arnPrefix+"POST/jobs", arnPrefix+"GET/jobs/*", arnPrefix+"POST/jobs/*/run",
			arnPrefix+"GET/cameras/c1/videos", arnPrefix+"GET/cameras/c1/videos/*", arnPrefix+"PUT/cameras/c1/videos/*/keep", arnPrefix+"DELETE/cameras/c1/videos/*/keep",
			arnPrefix+"POST/cameras/c1/videos/*/shares", arnPrefix+"DELETE/cameras/c1/videos/*", arnPrefix+"PATCH/cameras/c1", arnPrefix+"DELETE/cameras/c1")},
		{"invalid role denies", "eve@example.com", "example.com", "deny", "", "", nil},
		{"consumer account by email grant", "frank@gmail.com", "", "allow", "viewer", "*", viewerAll},
		{"domain grant needs hd, not the address", "x@contractors.example.net", "", "deny", "", "", nil},
		{"domain grant by hd", "x@contractors.example.net", "contractors.example.net", "allow", "viewer", "lobby", cameraGETs("lobby")},
		{"no grant, static domain", "viewer@example.com", "example.com", "allow", "viewer", "*", viewerAll},
		{"no grant, nothing static", "x@other.com", "other.com", "deny", "", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, err := f.handle(t, "Bearer "+keyA.Sign(t, claims(tt.email, tt.hd)))
			if got := outcome(resp, err); got != tt.want {
				t.Fatalf("outcome %s, want %s", got, tt.want)
			}
			if tt.want != "allow" {
				return
			}
			if resp.Context["role"] != tt.role || resp.Context["cameras"] != tt.cameras {
				t.Errorf("context %v, want role %s cameras %s", resp.Context, tt.role, tt.cameras)
			}
			want := append(slices.Clone(tt.resources), alertResources...) // everyone's own alerts
			if got := resp.PolicyDocument.Statement[0].Resource; !slices.Equal(got, want) {
				t.Errorf("resources\n%v\nwant\n%v", got, want)
			}
		})
	}

	t.Run("grants table failing", func(t *testing.T) {
		cfg := baseConfig()
		cfg.AllowlistTable = "no-such-table"
		cfg.DynamoDB = client
		f := newFixture(t, cfg, keyA)
		for _, tt := range []struct{ email, hd, want string }{
			{"boss@example.com", "example.com", "error: authorizer unavailable"},   // no grant needed, but its binding is unknown
			{"viewer@example.com", "example.com", "error: authorizer unavailable"}, // a grant might restrict them
			{"friend@gmail.com", "", "error: authorizer unavailable"},              // likewise
			{"x@other.com", "other.com", "error: authorizer unavailable"},          // no guess: a 500, never cached
		} {
			if got := outcome(f.handle(t, keyA.Sign(t, claims(tt.email, tt.hd)))); got != tt.want {
				t.Errorf("%s: %s, want %s", tt.email, got, tt.want)
			}
		}
	})
}

// TestGrantsOutageFailsClosed is issue 13's case: a restricted viewer and a
// blocked person behave; then the allowlist table becomes unreadable (deleted
// in dynalite, as an outage, a throttle or a broken IAM grant would make it)
// and, once the grant cache has expired, neither of them nor anyone else the
// domain rule admits is let in on a guess: only the admin list answers, and
// the cause is logged at ERROR.
func TestGrantsOutageFailsClosed(t *testing.T) {
	keyA, _, _, _ := testKeys(t)
	ctx := context.Background()
	client := grantstest.Client(dynalitetest.Start(t))
	const table = "camvault-allowlist"
	if err := grantstest.CreateTable(ctx, client, table); err != nil {
		t.Fatal(err)
	}
	if err := grantstest.Put(ctx, client, table, "restricted@example.com", "viewer", []string{"driveway"}); err != nil {
		t.Fatal(err)
	}
	if err := grantstest.Put(ctx, client, table, "blocked@example.com", "blocked", nil); err != nil {
		t.Fatal(err)
	}
	cfg := baseConfig()
	cfg.AllowlistTable = table
	cfg.DynamoDB = client
	f := newFixture(t, cfg, keyA)
	check := func(email, want, cameras string) {
		t.Helper()
		resp, err := f.handle(t, "Bearer "+keyA.Sign(t, claims(email, "example.com")))
		if got := outcome(resp, err); got != want {
			t.Fatalf("%s: %s, want %s", email, got, want)
		}
		if want == "allow" && resp.Context["cameras"] != cameras {
			t.Fatalf("%s: cameras %v, want %s", email, resp.Context["cameras"], cameras)
		}
	}
	check("restricted@example.com", "allow", "driveway")
	check("blocked@example.com", "deny", "")
	check("viewer@example.com", "allow", "*")
	check("boss@example.com", "allow", "*")

	if _, err := client.DeleteTable(ctx, &dynamodb.DeleteTableInput{TableName: aws.String(table)}); err != nil {
		t.Fatal(err)
	}
	// Within the cache TTL the cached grants still answer.
	check("restricted@example.com", "allow", "driveway")
	check("blocked@example.com", "deny", "")
	f.clock.Advance(grants.DefaultTTL + time.Second)
	before := strings.Count(f.logs.String(), `"level":"ERROR"`)
	check("restricted@example.com", "error: authorizer unavailable", "")
	check("blocked@example.com", "error: authorizer unavailable", "")
	check("viewer@example.com", "error: authorizer unavailable", "")
	check("boss@example.com", "allow", "*") // the admin list needs no table
	logs := f.logs.String()
	if n := strings.Count(logs, `"level":"ERROR"`) - before; n != 3 {
		t.Errorf("%d ERROR lines after the outage, want 3 (one per refused decision):\n%s", n, logs)
	}
	if !strings.Contains(logs, `"decision":"error"`) || !strings.Contains(logs, "grants unavailable") {
		t.Errorf("no ERROR decision naming the cause:\n%s", logs)
	}
	if strings.Contains(logs, "(grants unavailable)\"") {
		t.Errorf("a static rule still answered during the outage:\n%s", logs)
	}
}

// TestAddressBinding: an address rule holds for the Google account that
// first used the address; a later token with the same address and another
// sub is refused with a clear log line until an operator removes the
// binding. Kelvin-sign look-alikes never match an address rule.
func TestAddressBinding(t *testing.T) {
	keyA, _, _, _ := testKeys(t)
	ctx := context.Background()
	client := grantstest.Client(dynalitetest.Start(t))
	const table = "camvault-allowlist"
	if err := grantstest.CreateTable(ctx, client, table); err != nil {
		t.Fatal(err)
	}
	if err := grantstest.Put(ctx, client, table, "  Karl@Example.ORG ", "viewer", []string{"driveway"}); err != nil {
		t.Fatal(err)
	}
	cfg := baseConfig()
	cfg.AllowlistTable = table
	cfg.DynamoDB = client
	f := newFixture(t, cfg, keyA)
	token := func(email, hd, sub string) string {
		c := claims(email, hd)
		c["sub"] = sub
		return "Bearer " + keyA.Sign(t, c)
	}
	for _, tt := range []struct {
		name, email, hd, sub, want string
	}{
		{"admin, first use binds", "boss@example.com", "example.com", "111", "allow"},
		{"admin, same account", "boss@example.com", "example.com", "111", "allow"},
		{"admin address, another account", "boss@example.com", "example.com", "222", "deny"},
		{"email grant, written non-canonical, first use", "karl@example.org", "", "333", "allow"},
		{"email grant, another account", "karl@example.org", "", "444", "deny"},
		{"allowed email, first use", "friend@gmail.com", "", "555", "allow"},
		{"allowed email, another account", "friend@gmail.com", "", "666", "deny"},
		{"domain rule binds nothing", "someone@example.com", "example.com", "777", "allow"},
		{"domain rule, another account", "someone@example.com", "example.com", "888", "allow"},
		{"kelvin sign is not k", "\u212Aarl@example.org", "", "999", "deny"},
	} {
		if got := outcome(f.handle(t, token(tt.email, tt.hd, tt.sub))); got != tt.want {
			t.Errorf("%s: %s, want %s", tt.name, got, tt.want)
		}
	}
	logs := f.logs.String()
	if n := strings.Count(logs, "identity binding refused"); n != 3 {
		t.Errorf("%d binding refusals logged, want 3:\n%s", n, logs)
	}
	if !strings.Contains(logs, `"bound_sub":"111"`) || !strings.Contains(logs, `"sub":"222"`) {
		t.Errorf("the refusal does not name both accounts:\n%s", logs)
	}

	// Re-bind: the operator deletes the binding; after the cache the next
	// account to sign in with the address holds it.
	if _, err := client.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: aws.String(table),
		Key: map[string]ddbtypes.AttributeValue{"subject": &ddbtypes.AttributeValueMemberS{Value: grants.BindKey("boss@example.com")}}}); err != nil {
		t.Fatal(err)
	}
	f.clock.Advance(grants.DefaultTTL + time.Second)
	if got := outcome(f.handle(t, token("boss@example.com", "example.com", "222"))); got != "allow" {
		t.Errorf("after re-bind, the new account: %s", got)
	}
	if got := outcome(f.handle(t, token("boss@example.com", "example.com", "111"))); got != "deny" {
		t.Errorf("after re-bind, the old account: %s", got)
	}
}
