package soak_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/camvault/camvault/authorizer/grantstest"
	"github.com/camvault/camvault/soak"
	"github.com/camvault/camvault/videos-api/store"
)

// TestLoad is make soak in small: 2,000 requests from 16 clients against
// the in-process stack, every answer checked.
func TestLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the whole stack")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	s, _ := startStack(t, ctx)
	client := newClient(16)
	people, cat, err := soak.Prepare(ctx, client, s.Info())
	if err != nil {
		t.Fatal(err)
	}
	const requests = 2000
	rep := soak.Run(ctx, soak.Config{APIURL: s.Info().APIURL, People: people, Catalog: cat, Requests: requests, Clients: 16, Seed: 1, Client: client})
	t.Logf("\n%s", rep)
	if rep.Requests != requests {
		t.Errorf("%d of %d requests answered", rep.Requests, requests)
	}
	if !rep.OK() {
		t.Errorf("violations: %v", rep.Violations)
	}
	// The restricted3 timeline, paged in full during the load and after
	// it, is exactly their cameras' clips (from the audience index).
	if len(cat.Granted3) != 3 || len(cat.Timeline3) != 30 {
		t.Fatalf("restricted3 granted %v with %d clips, want 3 cameras and 30 clips", cat.Granted3, len(cat.Timeline3))
	}
	if len(rep.Audience) != 2 {
		t.Errorf("%d full pagings of the restricted3 timeline, want 2", len(rep.Audience))
	}
	for _, tc := range rep.Audience {
		if !tc.OK() || tc.Clips != len(cat.Timeline3) || tc.Pages < 2 {
			t.Errorf("restricted3 timeline: %s, want %d clips on several pages", tc, len(cat.Timeline3))
		}
	}
	for _, kind := range []string{"viewer", "admin", "restricted", "restricted3", "stranger", "junk"} {
		if rep.ByKind[kind] == 0 {
			t.Errorf("the mix sent nothing as %s", kind)
		}
	}
	for _, status := range []int{200, 401, 403, 404} {
		if rep.ByStatus[status] == 0 {
			t.Errorf("no %d answer in the mix", status)
		}
	}
}

// TestChecksCatchViolations proves the checks are not vacuous: a run
// against a stack where the restricted person has no grant (so is a
// stranger) and the stranger is admitted must report both.
func TestChecksCatchViolations(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the whole stack")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	s, _ := startStack(t, ctx)
	client := newClient(4)
	people, cat, err := soak.Prepare(ctx, client, s.Info())
	if err != nil {
		t.Fatal(err)
	}
	orig := people
	// Swap the roles: the admin's token presented as a stranger's, a
	// viewer's as junk, and the restricted person told it sees everything
	// but granted one camera.
	people.Stranger.Header = people.Admin.Header
	people.Junk = []soak.Person{{Name: "junk that is not", Header: people.Viewer.Header, Kind: soak.Junk}}
	people.Viewer.Header = people.Admin.Header
	rep := soak.Run(ctx, soak.Config{APIURL: s.Info().APIURL, People: people, Catalog: cat, Requests: 300, Clients: 4, Seed: 2, Client: client})
	for _, v := range []string{soak.StrangerIn, soak.BadTokenIn, soak.ViewerDeleted} {
		if rep.Violations[v] == 0 {
			t.Errorf("no %q reported: %v", v, rep.Violations)
		}
	}
	// A catalog that claims fewer granted cameras than the grant has.
	cat2 := cat
	cat2.Granted = nil
	rep = soak.Run(ctx, soak.Config{APIURL: s.Info().APIURL, People: people, Catalog: cat2, Requests: 300, Clients: 4, Seed: 3, Client: client})
	if rep.Violations[soak.RestrictedLeak] == 0 {
		t.Errorf("no leak reported with an empty grant list: %v", rep.Violations)
	}

	// The restricted3 person shown a camera outside the set: a catalog
	// that claims 2 of their 3 cameras. The per-answer checks must catch
	// it, not only the full timeline paging.
	cat3 := cat
	cat3.Granted3 = cat.Granted3[:2]
	rep = soak.Run(ctx, soak.Config{APIURL: s.Info().APIURL, People: orig, Catalog: cat3, Requests: 300, Clients: 4, Seed: 4, Client: client})
	perAnswer := false
	for _, e := range rep.Examples {
		perAnswer = perAnswer || strings.HasPrefix(e, "restricted3 ") && !strings.Contains(e, "full paging")
	}
	if rep.Violations[soak.RestrictedLeak] == 0 || !perAnswer {
		t.Errorf("no restricted3 leak reported per answer with 2 of 3 cameras listed: %v %q", rep.Violations, rep.Examples)
	}

	// An index entry lost: the timeline, all of it from the index (its
	// since predates every clip), misses that clip, and the run says so.
	// The per-camera merge would still show it, so this also proves the
	// pages come from the index.
	// The swapped runs above deleted clips as the "viewer" (an admin's
	// token): what the timeline must show now is what the admin's
	// per-camera lists show.
	all := allClips(t, ctx, client, s.Info().APIURL, orig.Admin.Header)
	var want []string
	for _, cam := range cat.Granted3 {
		want = append(want, all[cam]...)
	}
	if tc, err := soak.CheckAudienceTimeline(ctx, client, s.Info().APIURL, orig.Restricted3, cat.Granted3, want); err != nil || !tc.OK() || len(want) < 2 {
		t.Fatalf("restricted3 timeline before the fault: %s, %v; want %d clips", tc, err, len(want))
	}
	lost := want[len(want)/2]
	lostCam := ""
	for _, cam := range cat.Granted3 {
		if slices.Contains(all[cam], lost) {
			lostCam = cam
		}
	}
	ddb := grantstest.Client(s.Info().DynamoDBURL)
	if _, err := ddb.DeleteItem(ctx, &dynamodb.DeleteItemInput{
		TableName: aws.String(s.Info().Table),
		Key: map[string]ddbtypes.AttributeValue{
			"PK": &ddbtypes.AttributeValueMemberS{Value: "AUD#" + store.AudienceID(cat.Granted3)},
			"SK": &ddbtypes.AttributeValueMemberS{Value: lost + "#" + lostCam},
		},
		ReturnValues: ddbtypes.ReturnValueAllOld,
	}); err != nil || lostCam == "" {
		t.Fatalf("delete the index entry of %s/%s: %v", lostCam, lost, err)
	}
	tc, err := soak.CheckAudienceTimeline(ctx, client, s.Info().APIURL, orig.Restricted3, cat.Granted3, want)
	if err != nil || tc.Missing != 1 || tc.Extra != 0 || tc.Clips != len(want)-1 {
		t.Errorf("timeline with an index entry lost: %s, %v; want 1 missing", tc, err)
	}
	cat.Timeline3 = want
	rep = soak.Run(ctx, soak.Config{APIURL: s.Info().APIURL, People: orig, Catalog: cat, Requests: 100, Clients: 4, Seed: 5, Client: client})
	if rep.Violations[soak.IndexMismatch] == 0 {
		t.Errorf("no %q reported with an index entry lost: %v", soak.IndexMismatch, rep.Violations)
	}
}
