package authorizer_test

import (
	"context"
	"slices"
	"testing"

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
		r := []string{arnPrefix + "GET/me", arnPrefix + "GET/cameras", arnPrefix + "GET/videos"}
		for _, id := range ids {
			r = append(r, arnPrefix+"GET/cameras/"+id+"/videos", arnPrefix+"GET/cameras/"+id+"/videos/*")
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
		{"domain grant", "zed@partner.com", "partner.com", "allow", "admin", "*", []string{arnPrefix + "GET/*", arnPrefix + "DELETE/cameras/*/videos/*"}},
		{"email grant beats domain grant", "carol@partner.com", "partner.com", "allow", "viewer", "yard", cameraGETs("yard")},
		{"admin list beats grants", "boss@example.com", "example.com", "allow", "admin", "*", []string{arnPrefix + "GET/*", arnPrefix + "DELETE/cameras/*/videos/*"}},
		{"restricted admin", "dave@example.com", "example.com", "allow", "admin", "c1", append(cameraGETs()[:3:3], arnPrefix+"GET/cameras/c1/videos", arnPrefix+"GET/cameras/c1/videos/*", arnPrefix+"DELETE/cameras/c1/videos/*")},
		{"invalid role denies", "eve@example.com", "example.com", "deny", "", "", nil},
		{"consumer account by email grant", "frank@gmail.com", "", "allow", "viewer", "*", []string{arnPrefix + "GET/*"}},
		{"domain grant needs hd, not the address", "x@contractors.example.net", "", "deny", "", "", nil},
		{"domain grant by hd", "x@contractors.example.net", "contractors.example.net", "allow", "viewer", "lobby", cameraGETs("lobby")},
		{"no grant, static domain", "viewer@example.com", "example.com", "allow", "viewer", "*", []string{arnPrefix + "GET/*"}},
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
			if got := resp.PolicyDocument.Statement[0].Resource; !slices.Equal(got, tt.resources) {
				t.Errorf("resources\n%v\nwant\n%v", got, tt.resources)
			}
		})
	}

	t.Run("grants table failing", func(t *testing.T) {
		cfg := baseConfig()
		cfg.AllowlistTable = "no-such-table"
		cfg.DynamoDB = client
		f := newFixture(t, cfg, keyA)
		for _, tt := range []struct{ email, hd, want string }{
			{"viewer@example.com", "example.com", "allow"},                // static rules allow
			{"boss@example.com", "example.com", "allow"},                  // admin list needs no table
			{"friend@gmail.com", "", "allow"},                             // allowed email
			{"x@other.com", "other.com", "error: authorizer unavailable"}, // no guess: a 500, never cached
		} {
			if got := outcome(f.handle(t, keyA.Sign(t, claims(tt.email, tt.hd)))); got != tt.want {
				t.Errorf("%s: %s, want %s", tt.email, got, tt.want)
			}
		}
	})
}
