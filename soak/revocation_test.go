package soak_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"github.com/camvault/camvault/soak"
)

// TestRevocationMidLoad: a person let in through the console and loaded on
// every route with one token (the gateway's authorizer cache holds their
// Allow) is refused on every route once the admin removes them mid-load,
// within the grace, while the admin's console traffic runs: 0 leaks.
func TestRevocationMidLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("runs for about 15 s")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	info, client, people, cat := startCatalogued(t, ctx)
	cam := cat.Cameras[0]
	clip := ""
	if ids := cat.Clips[cam]; len(ids) > 0 {
		clip = ids[0]
	}
	rep, err := soak.RunRevocation(ctx, soak.RevocationConfig{
		APIURL: info.APIURL, IssuerURL: info.IssuerURL, Admin: people.Admin,
		Camera: url.PathEscape(cam), Clip: clip, Clients: 6, Before: 2 * time.Second, After: 2 * time.Second, Pace: 10 * time.Millisecond, Client: client,
	})
	t.Log("\n" + rep.String())
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK() {
		t.Fatalf("revocation mid-load failed:\n%s", rep)
	}
}

// TestRevocationChecksCatchLeaks: against an API that never stops admitting
// the removed person, the phase reports leaks and fails.
func TestRevocationChecksCatchLeaks(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path == "/token":
			_, _ = w.Write([]byte(`{"id_token":"a.b.c"}`))
		case r.Method == "DELETE":
			w.WriteHeader(http.StatusNoContent)
		default:
			_, _ = w.Write([]byte(`{}`))
		}
	}))
	defer srv.Close()
	rep, err := soak.RunRevocation(context.Background(), soak.RevocationConfig{
		APIURL: srv.URL, IssuerURL: srv.URL, Admin: soak.Person{Header: "Bearer x"}, Camera: "porch",
		Clients: 2, Before: 50 * time.Millisecond, After: 100 * time.Millisecond, Grace: 50 * time.Millisecond, Pace: 5 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Leaks == 0 || rep.OK() {
		t.Fatalf("a leaking API passed:\n%s", rep)
	}
}
