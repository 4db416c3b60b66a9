package soak_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/camvault/camvault/authorizer/grantstest"
	"github.com/camvault/camvault/local/stack"
	"github.com/camvault/camvault/soak"
)

// TestGrantsTableOutage makes the allowlist table unreadable (deleted in
// dynalite, as an outage, a throttle or a broken IAM grant would) under
// load, with the gateway's policy cache and the grant cache both off so
// every request is decided afresh. A restricted viewer and a blocked person
// must never get more than their grants (0 leaks): while the table is gone
// they, and the domain's viewers, get 500s; the admin (whose address binding
// the authorizer has confirmed) still gets in. Once the table is back, the
// grants hold again.
func TestGrantsTableOutage(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the whole stack")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	s, err := stack.Start(ctx, stack.Options{
		DataDir: t.TempDir(), CacheTTL: 0, GrantCacheTTL: time.Nanosecond,
		AllowedDomains: []string{"example.com"}, AdminEmails: []string{soak.AdminEmail},
		Log: slog.New(slog.NewTextHandler(errorLog(t), &slog.HandlerOptions{Level: slog.LevelError})),
	})
	if err != nil {
		t.Fatalf("start the local stack: %v", err)
	}
	t.Cleanup(s.Close)
	info := s.Info()
	client := newClient(6)
	people, cat, err := soak.Prepare(ctx, client, info)
	if err != nil {
		t.Fatal(err)
	}
	const blockedEmail = "blocked@example.com"
	ddb := grantstest.Client(info.DynamoDBURL)
	putGrants := func() {
		t.Helper()
		if err := soak.Grant(ctx, info, cat.Granted); err != nil {
			t.Fatal(err)
		}
		if err := grantstest.Put(ctx, ddb, info.AllowlistTable, blockedEmail, "blocked", nil); err != nil {
			t.Fatal(err)
		}
	}
	putGrants()
	tok, err := soak.Issuer{URL: info.IssuerURL, Client: client}.Token(ctx, url.Values{"email": {blockedEmail}})
	if err != nil {
		t.Fatal(err)
	}
	blocked := soak.Person{Name: "blocked", Header: "Bearer " + tok, Kind: soak.Stranger}
	granted := cat.Granted[0]
	var other string
	for _, c := range cat.Cameras {
		if c != granted {
			other = c
			break
		}
	}
	if other == "" {
		t.Fatal("the seed has a single camera; the test needs two")
	}

	type call struct {
		who  soak.Person
		path string
	}
	calls := []call{
		{people.Restricted, "/cameras/" + granted + "/videos?limit=5"},
		{people.Restricted, "/cameras/" + other + "/videos?limit=5"},
		{people.Restricted, "/cameras/" + other + "/videos/" + cat.Clips[other][0]},
		{people.Restricted, "/videos?limit=20"},
		{people.Restricted, "/cameras"},
		{blocked, "/cameras"},
		{blocked, "/cameras/" + granted + "/videos?limit=5"},
		{blocked, "/videos?limit=20"},
		{people.Viewer, "/cameras"},
		{people.Admin, "/cameras"},
	}
	// leak says whether an answer gives the caller more than their grant:
	// anything for the blocked person, another camera's clips or a listing
	// beyond the granted camera for the restricted one.
	leak := func(c call, a answer) string {
		if a.status != 200 {
			return ""
		}
		switch {
		case c.who.Name == "blocked":
			return "the blocked person got a 200"
		case c.who.Kind == soak.Restricted && strings.Contains(c.path, "/cameras/"+other+"/"):
			return "the restricted viewer got another camera"
		case c.who.Kind == soak.Restricted:
			var body struct {
				Items []struct {
					ID       string `json:"id"`
					CameraID string `json:"cameraId"`
				} `json:"items"`
			}
			_ = json.Unmarshal(a.body, &body)
			for _, it := range body.Items {
				cam := it.CameraID
				if strings.HasSuffix(c.path, "/cameras") {
					cam = it.ID
				}
				if cam != granted {
					return "the restricted viewer was listed camera " + cam
				}
			}
		}
		return ""
	}
	// want is the status each call must get in each phase.
	want := func(c call, tableUp bool) int {
		switch {
		case c.who.Kind == soak.Admin:
			return 200
		case !tableUp:
			return 500 // no guess: API Gateway's 500, nothing cached
		case c.who.Name == "blocked", strings.Contains(c.path, "/cameras/"+other+"/"):
			return 403
		}
		return 200
	}

	var (
		mu     sync.Mutex
		counts = map[string]int{}
		leaks  []string
		wrong  []string
	)
	load := func(phase string, tableUp bool, rounds int) {
		var wg sync.WaitGroup
		for w := range 6 {
			wg.Go(func() {
				for i := w; i < rounds*len(calls); i += 6 {
					c := calls[i%len(calls)]
					a, err := do(ctx, client, "GET", info.APIURL+c.path, c.who.Header)
					mu.Lock()
					switch {
					case err != nil:
						wrong = append(wrong, fmt.Sprintf("%s %s %s: %v", phase, c.who.Name, c.path, err))
					default:
						counts[fmt.Sprintf("%s/%d", phase, a.status)]++
						if l := leak(c, a); l != "" {
							leaks = append(leaks, fmt.Sprintf("%s %s %s: %s", phase, c.who.Name, c.path, l))
						}
						if w := want(c, tableUp); a.status != w {
							wrong = append(wrong, fmt.Sprintf("%s %s %s: %d, want %d: %.200s", phase, c.who.Name, c.path, a.status, w, a.body))
						}
					}
					mu.Unlock()
				}
			})
		}
		wg.Wait()
	}

	load("before", true, 10)
	if _, err := ddb.DeleteTable(ctx, &dynamodb.DeleteTableInput{TableName: aws.String(info.AllowlistTable)}); err != nil {
		t.Fatal(err)
	}
	load("outage", false, 30)
	if err := grantstest.CreateTable(ctx, ddb, info.AllowlistTable); err != nil {
		t.Fatal(err)
	}
	putGrants()
	load("after", true, 10)

	t.Logf("answers by phase/status: %v; %d leaks", counts, len(leaks))
	if len(leaks) > 0 {
		t.Errorf("%d leaks, e.g.:\n%s", len(leaks), strings.Join(leaks[:min(5, len(leaks))], "\n"))
	}
	if len(wrong) > 0 {
		t.Errorf("%d unexpected answers, e.g.:\n%s", len(wrong), strings.Join(wrong[:min(5, len(wrong))], "\n"))
	}
	if counts["outage/500"] == 0 || counts["outage/200"] == 0 {
		t.Errorf("the outage was not exercised: %v", counts)
	}
}
