package pushtest_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	webpush "github.com/SherClockHolmes/webpush-go"

	"github.com/camvault/camvault/videos-api/push/pushtest"
)

// The stand-in must refuse what a real push service refuses, or tests of
// the sender could pass against it while failing against Google's.
func TestServiceChecksVAPID(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	defer srv.Close()
	svc := pushtest.NewService(srv.URL)
	srv.Config.Handler = svc
	sub, err := pushtest.NewSubscriber(svc.Endpoint("b1"))
	if err != nil {
		t.Fatal(err)
	}
	priv, pub, err := webpush.GenerateVAPIDKeys()
	if err != nil {
		t.Fatal(err)
	}
	_, otherPub, _ := webpush.GenerateVAPIDKeys()
	send := func(pubKey string) int {
		resp, err := webpush.SendNotification([]byte(`{"hello":1}`), &webpush.Subscription{
			Endpoint: sub.Endpoint, Keys: webpush.Keys{P256dh: sub.P256DH(), Auth: sub.Auth()},
		}, &webpush.Options{Subscriber: "ops@example.com", TTL: 60, VAPIDPublicKey: pubKey, VAPIDPrivateKey: priv})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if got := send(pub); got != http.StatusCreated {
		t.Fatalf("good push: %d", got)
	}
	if got := send(otherPub); got != http.StatusUnauthorized {
		t.Errorf("JWT signed by another key than k: %d, want 401", got)
	}
	msgs := svc.Received()
	if len(msgs) != 1 {
		t.Fatalf("kept %d messages, want 1", len(msgs))
	}
	plain, err := sub.Decrypt(msgs[0].Body)
	if err != nil || string(plain) != `{"hello":1}` {
		t.Errorf("decrypted %q, %v", plain, err)
	}
	if msgs[0].Subject != "mailto:ops@example.com" || msgs[0].TTL != 60 {
		t.Errorf("message %+v", msgs[0])
	}
	req, _ := http.NewRequest(http.MethodPost, sub.Endpoint, strings.NewReader("x"))
	req.Header.Set("TTL", "60")
	req.Header.Set("Content-Encoding", "aes128gcm")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("push without VAPID: %d, want 401", resp.StatusCode)
	}
}
