package soak_test

import (
	"context"
	"testing"
	"time"

	"github.com/camvault/camvault/soak"
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
	for _, kind := range []string{"viewer", "admin", "restricted", "stranger", "junk"} {
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
}
