package stack_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/camvault/camvault/videos-api/clip"
	"github.com/camvault/camvault/videos-api/push"
	"github.com/camvault/camvault/videos-api/push/pushtest"
)

func (e *env) send(t *testing.T, method, path, auth, body string) reply {
	t.Helper()
	req, err := http.NewRequest(method, e.s.Info().APIURL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", auth)
	req.Header.Set("Origin", e.s.Info().WebURL)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return reply{resp.StatusCode, resp.Header, b}
}

// put uploads as the camera does: with its own key, create-only.
func (e *env) put(t *testing.T, camera, key, contentType string, body []byte) {
	t.Helper()
	c, err := e.s.CameraS3(camera)
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.PutObject(context.Background(), &s3.PutObjectInput{
		Bucket: aws.String(e.s.Info().Bucket), Key: aws.String(key), Body: bytes.NewReader(body),
		ContentType: aws.String(contentType), Metadata: map[string]string{"camera-name": "Front porch"},
		IfNoneMatch: aws.String("*"),
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestAlertsEndToEnd: a browser subscribes through the API, a camera
// uploads a clip, ingest hands it to the sender, and the push service
// stand-in receives an alert the browser can decrypt.
func TestAlertsEndToEnd(t *testing.T) {
	e := start(t, t.TempDir(), true)
	viewer := e.token(t, "viewer@example.com")
	svc := e.s.Push()

	phone, err := pushtest.NewSubscriber(svc.Endpoint("phone"))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := json.Marshal(map[string]any{"endpoint": phone.Endpoint, "keys": map[string]string{"p256dh": phone.P256DH(), "auth": phone.Auth()}})
	if r := e.send(t, "POST", "/alerts/subscriptions", viewer, string(body)); r.status != http.StatusCreated {
		t.Fatalf("subscribe: %d %s", r.status, r.body)
	}
	var alerts struct {
		PublicKey string `json:"publicKey"`
	}
	r := e.do(t, "GET", "/alerts", viewer)
	r.json(t, &alerts)

	captured := time.Now().UTC().Add(-time.Minute).Truncate(time.Millisecond)
	id, _ := clip.NewVideoID(captured, rand.Reader)
	clipKey, thumbKey, _ := clip.ObjectKeys("porch", id)
	jpg, err := os.ReadFile("../seed/media/clip1.jpg")
	if err != nil {
		t.Fatal(err)
	}
	e.put(t, "porch", thumbKey, "image/jpeg", jpg)
	e.put(t, "porch", clipKey, "video/mp4", []byte("not really an mp4"))
	e.s.WaitIngest()
	e.s.WaitAlerts()

	got := svc.Received()
	if len(got) != 1 || got[0].Name != "phone" {
		t.Fatalf("push service got %+v, want one alert to phone", got)
	}
	if got[0].Key != alerts.PublicKey {
		t.Errorf("signed with k=%s, GET /alerts says %s", got[0].Key, alerts.PublicKey)
	}
	plain, err := phone.Decrypt(got[0].Body)
	if err != nil {
		t.Fatal(err)
	}
	var p push.Payload
	if err := json.Unmarshal(plain, &p); err != nil {
		t.Fatal(err)
	}
	if p.Title != "Front porch" || p.CameraID != "porch" || p.VideoID != id || p.URL != e.s.Info().WebURL+"/#/?clip=porch/"+id {
		t.Errorf("payload %+v", p)
	}
	if !strings.HasPrefix(p.Image, "data:image/jpeg;base64,") {
		t.Errorf("no inline thumbnail: %.60q", p.Image)
	}
	if strings.Contains(string(plain), "X-Amz") || strings.Contains(string(plain), e.s.Info().S3URL) {
		t.Errorf("payload carries a signed or S3 URL")
	}

	// The browser's subscription is gone at the push service: the next
	// alert removes it.
	svc.SetStatus("phone", http.StatusGone)
	id2, _ := clip.NewVideoID(captured.Add(10*time.Minute), rand.Reader)
	clipKey2, _, _ := clip.ObjectKeys("garden", id2)
	e.put(t, "garden", clipKey2, "video/mp4", []byte("x"))
	e.s.WaitIngest()
	e.s.WaitAlerts()
	var after struct {
		Subscriptions []any `json:"subscriptions"`
	}
	e.do(t, "GET", "/alerts", viewer).json(t, &after)
	if len(after.Subscriptions) != 0 {
		t.Errorf("a gone subscription was kept: %v", after.Subscriptions)
	}
}
