package push_test

import (
	"encoding/base64"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/camvault/camvault/videos-api/clip"
	"github.com/camvault/camvault/videos-api/push"
	"github.com/camvault/camvault/videos-api/push/pushtest"
)

func field(err error) string {
	var fe *push.FieldError
	if errors.As(err, &fe) {
		return fe.Field
	}
	if err != nil {
		return "?" + err.Error()
	}
	return ""
}

func TestCheckEndpoint(t *testing.T) {
	for _, tc := range []struct {
		endpoint string
		loopback bool
		ok       bool
	}{
		{"https://fcm.googleapis.com/fcm/send/abc", false, true},
		{"http://fcm.googleapis.com/fcm/send/abc", false, false},
		{"http://127.0.0.1:4005/push/x", false, false},
		{"http://127.0.0.1:4005/push/x", true, true},
		{"http://localhost:4005/push/x", true, true},
		{"http://push.example.com/x", true, false},
		{"https://user:pw@push.example.com/x", false, false},
		{"/relative", false, false},
		{"", false, false},
		{"https://push.example.com/" + strings.Repeat("a", push.MaxEndpointBytes), false, false},
		{"javascript:alert(1)", true, false},
	} {
		err := push.CheckEndpoint(tc.endpoint, tc.loopback)
		if (err == nil) != tc.ok || (err != nil && field(err) != "endpoint") {
			t.Errorf("CheckEndpoint(%.60q, %v) = %v, want ok=%v", tc.endpoint, tc.loopback, err, tc.ok)
		}
	}
}

func TestCheckKeys(t *testing.T) {
	s, err := pushtest.NewSubscriber("https://push.example.com/x")
	if err != nil {
		t.Fatal(err)
	}
	notOnCurve := make([]byte, 65)
	notOnCurve[0] = 4
	for _, tc := range []struct {
		name, p256dh, auth, field string
	}{
		{"good", s.P256DH(), s.Auth(), ""},
		{"padded", s.P256DH() + "=", s.Auth() + "==", ""},
		{"no p256dh", "", s.Auth(), "keys.p256dh"},
		{"short p256dh", base64.RawURLEncoding.EncodeToString(make([]byte, 33)), s.Auth(), "keys.p256dh"},
		{"not on curve", base64.RawURLEncoding.EncodeToString(notOnCurve), s.Auth(), "keys.p256dh"},
		{"not base64", "!!!", s.Auth(), "keys.p256dh"},
		{"no auth", s.P256DH(), "", "keys.auth"},
		{"long auth", s.P256DH(), base64.RawURLEncoding.EncodeToString(make([]byte, 32)), "keys.auth"},
	} {
		if got := field(push.CheckKeys(tc.p256dh, tc.auth)); got != tc.field {
			t.Errorf("%s: field %q, want %q", tc.name, got, tc.field)
		}
	}
}

func TestCheckCameras(t *testing.T) {
	some := clip.Access{Cameras: []string{"garden", "porch"}}
	for _, tc := range []struct {
		cameras []string
		access  clip.Access
		ok      bool
	}{
		{nil, some, true},
		{[]string{"porch"}, some, true},
		{[]string{"garage"}, some, false},
		{[]string{"garage"}, clip.Access{All: true}, true},
		{[]string{}, some, false},
		{[]string{"Bad Id"}, clip.Access{All: true}, false},
	} {
		if err := push.CheckCameras(tc.cameras, tc.access); (err == nil) != tc.ok {
			t.Errorf("CheckCameras(%q) = %v, want ok=%v", tc.cameras, err, tc.ok)
		}
	}
}

func TestSettings(t *testing.T) {
	for _, tc := range []struct {
		s     push.Settings
		field string
	}{
		{push.DefaultSettings(), ""},
		{push.Settings{FoldMinutes: 0, TimeZone: "America/New_York", QuietHours: &push.QuietHours{Start: "22:00", End: "07:00"}}, ""},
		{push.Settings{FoldMinutes: -1}, "foldMinutes"},
		{push.Settings{FoldMinutes: push.MaxFoldMinutes + 1}, "foldMinutes"},
		{push.Settings{TimeZone: "Mars/Olympus"}, "timeZone"},
		{push.Settings{TimeZone: "Local"}, "timeZone"},
		{push.Settings{QuietHours: &push.QuietHours{Start: "25:00", End: "07:00"}}, "quietHours.start"},
		{push.Settings{QuietHours: &push.QuietHours{Start: "22:00", End: "7"}}, "quietHours.end"},
		{push.Settings{QuietHours: &push.QuietHours{Start: "22:00", End: "22:00"}}, "quietHours.end"},
	} {
		if got := field(tc.s.Check()); got != tc.field {
			t.Errorf("%+v: field %q, want %q", tc.s, got, tc.field)
		}
	}
	overnight := push.Settings{TimeZone: "Asia/Tokyo", QuietHours: &push.QuietHours{Start: "22:00", End: "07:00"}}
	for hourUTC, want := range map[int]bool{12: false, 13: true, 21: true, 22: false, 3: false} {
		// Tokyo is UTC+9: 13:00 UTC is 22:00 there, 21:00 UTC is 06:00.
		at := time.Date(2026, 11, 25, hourUTC, 0, 0, 0, time.UTC)
		if got := overnight.Quiet(at); got != want {
			t.Errorf("quiet at %02d:00 UTC = %v, want %v", hourUTC, got, want)
		}
	}
}

func TestKeysFromSecret(t *testing.T) {
	a, err := push.KeysFromSecret([]byte(strings.Repeat("s", 40)))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := push.KeysFromSecret([]byte(strings.Repeat("s", 40)))
	c, _ := push.KeysFromSecret([]byte(strings.Repeat("t", 40)))
	if a != b || a == c {
		t.Errorf("keys must be stable per secret and differ across secrets")
	}
	if pub, _ := base64.RawURLEncoding.DecodeString(a.Public); len(pub) != 65 || pub[0] != 4 {
		t.Errorf("public key is not an uncompressed point")
	}
	if strings.Contains(a.String(), a.Private) {
		t.Errorf("String() shows the private key")
	}
	if _, err := push.KeysFromSecret([]byte("short")); err == nil {
		t.Errorf("a short secret was accepted")
	}
}
