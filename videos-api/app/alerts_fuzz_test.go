package app_test

import (
	"strings"
	"testing"

	"github.com/camvault/camvault/videos-api/app"
	"github.com/camvault/camvault/videos-api/clip"
	"github.com/camvault/camvault/videos-api/push"
)

// FuzzAlertSubscription: a POST /alerts/subscriptions body never panics;
// what is accepted is an https (or, locally, loopback http) endpoint with
// well-formed keys and cameras the caller may see; what is refused is a 400
// naming a field of the body.
func FuzzAlertSubscription(f *testing.F) {
	good := `{"endpoint":"https://push.example.net/a","keys":{"p256dh":"BE6yx5YujvLEPm4IE9_RvqPz6Ia7Z5WW9c61fERI1ktXjjoI0aLAd9qEHqnCTIVXkxeouSkzJmWZQZ5ZlaLnA8o","auth":"7XU5B3gMgmgu_5KKT75nYA"}`
	for _, s := range []string{
		good + `}`, good + `,"cameras":["*"]}`, good + `,"cameras":["porch"]}`, good + `,"cameras":["garage"]}`, good + `,"cameras":[]}`,
		`{"endpoint":"http://127.0.0.1:9/push/a","keys":{"p256dh":"x","auth":"y"}}`, `{"endpoint":1}`, `{"":1}`, `{"\u0000":1}`, ``, `[]`, `{}{}`,
	} {
		f.Add(s, false)
		f.Add(s, true)
	}
	access := clip.Access{Cameras: []string{"porch"}}
	fields := map[string]bool{"body": true, "endpoint": true, "keys.p256dh": true, "keys.auth": true, "cameras": true, "expirationTime": true, "keys": true}
	f.Fuzz(func(t *testing.T, body string, loopback bool) {
		sub, field, why, status := app.ParseSubscribe(body, access, loopback)
		if field != "" {
			if status != 400 || why == "" || !(fields[field] || len(field) <= 64 && !strings.ContainsAny(field, "\x00\n\r\"<>")) {
				t.Fatalf("refusal of %q: %d %q %q", body, status, field, why)
			}
			return
		}
		if err := push.CheckEndpoint(sub.Endpoint, loopback); err != nil {
			t.Fatalf("accepted endpoint %q: %v", sub.Endpoint, err)
		}
		if err := push.CheckKeys(sub.P256DH, sub.Auth); err != nil {
			t.Fatalf("accepted keys: %v", err)
		}
		for _, c := range sub.Cameras {
			if c != "porch" {
				t.Fatalf("accepted camera %q the caller may not see", c)
			}
		}
		if sub.ID != push.SubscriptionID(sub.Endpoint) {
			t.Fatalf("id %q not derived from the endpoint", sub.ID)
		}
	})
}
