package soak_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/camvault/camvault/soak"
)

// TestSharingMidLoad: share links opened from many clients with no sign-in
// (and bent tokens: one link's id with another's secret) while a bulk job
// deletes a camera's clips, a shared one among them: every answer shows the
// link's own clip, no bent token is answered, the deleted clip's link
// answers 410, and the job finishes with no failed clip.
func TestSharingMidLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("runs for about 5 s")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	info, client, people, cat := startCatalogued(t, ctx)
	rep, err := soak.RunSharing(ctx, soak.SharingConfig{
		APIURL: info.APIURL, Admin: people.Admin, Catalog: cat, Clients: 6, Duration: 4 * time.Second, Pace: 20 * time.Millisecond, Client: client,
	})
	t.Log("\n" + rep.String())
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK() {
		t.Fatalf("sharing mid-load failed:\n%s", rep)
	}
}

// TestSharingChecksCatchLeaks: against an API whose share route answers
// every token with the same clip, the phase reports leaks and fails.
func TestSharingChecksCatchLeaks(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path == "/shared":
			_, _ = w.Write([]byte(`{"playUrl":"http://s3/clips/cam-a/2026/11/25/x_01M892BP8060R30C1G60R30C1A.mp4"}`))
		case strings.HasSuffix(r.URL.Path, "/shares"):
			w.WriteHeader(http.StatusCreated)
			_, _ = w.Write([]byte(`{"token":"0123456789abcdef0123456789abcdef.AAAA"}`))
		case r.URL.Path == "/jobs":
			w.WriteHeader(http.StatusCreated)
			_, _ = w.Write([]byte(`{"id":"J"}`))
		default:
			_, _ = w.Write([]byte(`{"status":"done","failed":0}`))
		}
	}))
	defer srv.Close()
	cat := soak.Catalog{Cameras: []string{"cam-a", "cam-b"}, Clips: map[string][]string{
		"cam-a": {"01M892BP8060R30C1G60R30C1A", "01M892BP8060R30C1G60R30C1B"}, "cam-b": {"01M892BP8060R30C1G60R30C1C"},
	}}
	rep, err := soak.RunSharing(context.Background(), soak.SharingConfig{
		APIURL: srv.URL, Admin: soak.Person{Header: "Bearer a.b.c"}, Catalog: cat, Clients: 2, Duration: 200 * time.Millisecond, Pace: time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Leaks == 0 || rep.OK() {
		t.Fatalf("a route answering one clip for every link passed:\n%s", rep)
	}
}
