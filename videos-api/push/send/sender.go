// Package send sends new-clip alerts by Web Push: for each clip it reads
// every subscription, applies the authorizer's access rules at send time,
// folds bursts and keeps quiet hours (package push keeps that state), and
// encrypts (RFC 8291), authenticates (RFC 8292, VAPID) and sends (RFC 8030)
// each alert with the webpush-go library. It is linked only by the
// push-sender Lambda and the local stack.
package send

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	webpush "github.com/SherClockHolmes/webpush-go"

	"github.com/camvault/camvault/authorizer/access"
	"github.com/camvault/camvault/videos-api/clip"
	"github.com/camvault/camvault/videos-api/push"
)

// Sending defaults.
const (
	// DefaultTTL is how long a push service keeps an undelivered alert.
	DefaultTTL = 6 * time.Hour
	// DefaultAttempts is how many times one push is tried (429 and 5xx
	// are retried).
	DefaultAttempts = 3
	// DefaultConcurrency bounds the people alerted at once.
	DefaultConcurrency = 16
	// maxPayload is what fits one aes128gcm record of 4096 bytes.
	maxPayload = 3900
)

// Rules decide what a person may see (authorizer/access.Rules).
type Rules interface {
	Decide(ctx context.Context, p access.Person) (access.Decision, error)
}

// Cameras names cameras (the clips store).
type Cameras interface {
	GetCamera(ctx context.Context, id string) (clip.Camera, error)
}

// Thumbnails reads a clip's thumbnail and shrinks it into a data: URL of
// at most maxBytes, or returns "" (the alert goes without an image).
type Thumbnails interface {
	DataURL(ctx context.Context, cameraID, videoID string, maxBytes int) string
}

// SenderConfig configures a Sender.
type SenderConfig struct {
	// Store holds the subscriptions, settings and fold state.
	Store *push.Store
	// Rules decide at send time whether a person may see the camera.
	Rules Rules
	// Cameras looks camera names up; nil uses the event's name or the id.
	Cameras Cameras
	// Thumbnails, when set, puts the clip's thumbnail into the payload.
	Thumbnails Thumbnails
	// Keys is the VAPID key pair.
	Keys push.VAPIDKeys
	// Subject is the VAPID sub claim: an https URL or a mailto: address.
	Subject string
	// WebOrigin is the web client's origin: alerts link into it.
	WebOrigin string
	// HTTPClient sends the pushes; nil means a client with a 10 s timeout.
	HTTPClient *http.Client
	// TTL of each push (default DefaultTTL); Urgency "high" unless set.
	TTL     time.Duration
	Urgency webpush.Urgency
	// Attempts per push (default DefaultAttempts).
	Attempts int
	// Backoff is the wait before retry n (1, 2, ...) given the push
	// service's Retry-After (0 if none); nil means 250ms·2^(n-1), or
	// Retry-After up to 5 s.
	Backoff func(n int, retryAfter time.Duration) time.Duration
	// Concurrency bounds the people alerted at once (default
	// DefaultConcurrency).
	Concurrency int
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Logger receives one line per push outcome; nil means slog.Default().
	Logger *slog.Logger
}

// Sender sends new-clip alerts.
type Sender struct {
	cfg SenderConfig
	log *slog.Logger
}

// NewSender checks cfg and returns a Sender.
func NewSender(cfg SenderConfig) (*Sender, error) {
	if cfg.Store == nil || cfg.Rules == nil {
		return nil, errors.New("push: sender needs a store and access rules")
	}
	if cfg.Keys.Public == "" || cfg.Keys.Private == "" {
		return nil, errors.New("push: sender needs VAPID keys")
	}
	if cfg.WebOrigin == "" {
		return nil, errors.New("push: sender needs the web origin")
	}
	if cfg.Subject == "" {
		cfg.Subject = DefaultSubject(cfg.WebOrigin)
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: 10 * time.Second}
	}
	if cfg.TTL <= 0 {
		cfg.TTL = DefaultTTL
	}
	if cfg.Urgency == "" {
		cfg.Urgency = webpush.UrgencyHigh
	}
	if cfg.Attempts <= 0 {
		cfg.Attempts = DefaultAttempts
	}
	if cfg.Backoff == nil {
		cfg.Backoff = defaultBackoff
	}
	if cfg.Concurrency <= 0 {
		cfg.Concurrency = DefaultConcurrency
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	log := cfg.Logger
	if log == nil {
		log = slog.Default()
	}
	return &Sender{cfg: cfg, log: log}, nil
}

// DefaultSubject is the VAPID subject for a web origin: the origin itself
// when it is https, else a mailto: address on a reserved domain.
func DefaultSubject(webOrigin string) string {
	if strings.HasPrefix(webOrigin, "https://") {
		return webOrigin
	}
	return "mailto:alerts@camvault.invalid"
}

func defaultBackoff(n int, retryAfter time.Duration) time.Duration {
	if retryAfter > 0 {
		return min(retryAfter, 5*time.Second)
	}
	return 250 * time.Millisecond << (n - 1)
}

// Outcome counts what one Send did.
type Outcome struct {
	// Sent pushes accepted by the push service.
	Sent int
	// Failed pushes that failed every attempt.
	Failed int
	// Removed subscriptions the push service reported gone (404, 410).
	Removed int
	// Folded people whose alert was folded (burst or quiet hours).
	Folded int
	// Denied people skipped because they may not see the camera (or the
	// rules could not decide).
	Denied int
}

// person is one subscriber with all their browsers.
type person struct {
	sub, email, domain string
	subs               []push.Subscription
}

// Send alerts every subscriber who may see the clip's camera. Failures to
// push are logged and counted, not returned: an error means the
// subscriptions could not be read at all.
func (s *Sender) Send(ctx context.Context, ev push.ClipEvent) (Outcome, error) {
	if !clip.ValidCameraID(ev.CameraID) || !clip.ValidVideoID(ev.VideoID) {
		return Outcome{}, fmt.Errorf("push: bad clip event %q/%q", ev.CameraID, ev.VideoID)
	}
	all, err := s.cfg.Store.AllSubscriptions(ctx)
	if err != nil {
		return Outcome{}, err
	}
	people := group(all)
	if len(people) == 0 {
		return Outcome{}, nil
	}
	base := s.payload(ctx, ev)
	var (
		mu   sync.Mutex
		out  Outcome
		wg   sync.WaitGroup
		slot = make(chan struct{}, s.cfg.Concurrency)
	)
	add := func(o Outcome) {
		mu.Lock()
		defer mu.Unlock()
		out.Sent += o.Sent
		out.Failed += o.Failed
		out.Removed += o.Removed
		out.Folded += o.Folded
		out.Denied += o.Denied
	}
	for _, p := range people {
		wg.Add(1)
		go func() {
			defer wg.Done()
			slot <- struct{}{}
			defer func() { <-slot }()
			add(s.alert(ctx, p, ev, base))
		}()
	}
	wg.Wait()
	s.log.Info("alerts sent", "camera", ev.CameraID, "video", ev.VideoID,
		"sent", out.Sent, "failed", out.Failed, "removed", out.Removed, "folded", out.Folded, "denied", out.Denied)
	return out, nil
}

// group collects subscriptions by person. A browser subscribed by two
// people (one signed out, the other in) alerts only its newest owner.
func group(all []push.Subscription) []*person {
	newest := map[string]push.Subscription{}
	for _, sub := range all {
		if cur, ok := newest[sub.Endpoint]; !ok || sub.CreatedAt.After(cur.CreatedAt) {
			newest[sub.Endpoint] = sub
		}
	}
	byPerson := map[string]*person{}
	for _, sub := range newest {
		p := byPerson[sub.Sub]
		if p == nil {
			p = &person{sub: sub.Sub, email: sub.Email, domain: sub.Domain}
			byPerson[sub.Sub] = p
		}
		p.subs = append(p.subs, sub)
	}
	out := make([]*person, 0, len(byPerson))
	for _, p := range byPerson {
		sort.Slice(p.subs, func(i, j int) bool { return p.subs[i].ID < p.subs[j].ID })
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].sub < out[j].sub })
	return out
}

func (s *Sender) payload(ctx context.Context, ev push.ClipEvent) push.Payload {
	name := ev.CameraName
	if s.cfg.Cameras != nil {
		if c, err := s.cfg.Cameras.GetCamera(ctx, ev.CameraID); err == nil && c.Name != "" {
			name = c.Name
		}
	}
	if name == "" {
		name = ev.CameraID
	}
	p := push.Payload{
		V: 1, Title: name, CameraID: ev.CameraID, VideoID: ev.VideoID,
		CapturedAt: ev.CapturedAt.UTC().Format(time.RFC3339),
		URL:        ClipURL(s.cfg.WebOrigin, ev.CameraID, ev.VideoID),
	}
	if s.cfg.Thumbnails != nil {
		b, _ := json.Marshal(p)
		p.Image = s.cfg.Thumbnails.DataURL(ctx, ev.CameraID, ev.VideoID, maxPayload-len(b)-40)
	}
	return p
}

// ClipURL is the web client's link to a clip.
func ClipURL(webOrigin, cameraID, videoID string) string {
	return strings.TrimRight(webOrigin, "/") + "/#/?clip=" + url.QueryEscape(cameraID) + "/" + url.QueryEscape(videoID)
}

// alert applies one person's rules and pushes to their browsers.
func (s *Sender) alert(ctx context.Context, p *person, ev push.ClipEvent, base push.Payload) Outcome {
	log := s.log.With("camera", ev.CameraID, "video", ev.VideoID, "sub", p.sub)
	var subs []push.Subscription
	for _, sub := range p.subs {
		if sub.Covers(ev.CameraID) {
			subs = append(subs, sub)
		}
	}
	if len(subs) == 0 {
		return Outcome{}
	}
	d, err := s.cfg.Rules.Decide(ctx, access.Person{Email: p.email, Domain: p.domain, Subject: p.sub})
	if err != nil {
		log.Warn("alert skipped: access rules unavailable", "error", err)
		return Outcome{Denied: 1}
	}
	if !d.Allowed || !(d.Access.AllCameras || contains(d.Access.Cameras, ev.CameraID)) {
		log.Info("alert skipped: may not see the camera")
		return Outcome{Denied: 1}
	}
	set, err := s.cfg.Store.Settings(ctx, p.sub)
	if err != nil {
		log.Warn("alert skipped: settings unavailable", "error", err)
		return Outcome{Failed: len(subs)}
	}
	now := s.cfg.Now()
	if set.Quiet(now) {
		if err := s.cfg.Store.Fold(ctx, p.sub, ev.CameraID, now); err != nil {
			log.Warn("quiet hours: fold not recorded", "error", err)
		}
		return Outcome{Folded: 1}
	}
	send, folded, err := s.cfg.Store.Claim(ctx, p.sub, ev.CameraID, now, set.Fold())
	if err != nil {
		log.Warn("alert skipped: fold state unavailable", "error", err)
		return Outcome{Failed: len(subs)}
	}
	if !send {
		return Outcome{Folded: 1}
	}
	msg := base
	msg.Folded = folded
	body, err := json.Marshal(msg)
	if err != nil || len(body) > maxPayload {
		msg.Image = ""
		body, _ = json.Marshal(msg)
	}
	var out Outcome
	for _, sub := range subs {
		switch s.deliver(ctx, log, sub, body) {
		case pushSent:
			out.Sent++
		case pushGone:
			out.Removed++
		default:
			out.Failed++
		}
	}
	return out
}

func contains(list []string, id string) bool {
	for _, c := range list {
		if c == id {
			return true
		}
	}
	return false
}

type pushResult int

const (
	pushSent pushResult = iota
	pushGone
	pushFailed
)

// deliver sends body to one subscription, retrying 429 and 5xx with backoff
// and removing subscriptions the push service reports gone. Its log lines
// never carry the endpoint (a capability URL) or keys: only the
// subscription id and the push service's host.
func (s *Sender) deliver(ctx context.Context, log *slog.Logger, sub push.Subscription, body []byte) pushResult {
	host := ""
	if u, err := url.Parse(sub.Endpoint); err == nil {
		host = u.Host
	}
	log = log.With("subscription", sub.ID, "pushService", host)
	ws := &webpush.Subscription{Endpoint: sub.Endpoint, Keys: webpush.Keys{P256dh: sub.P256DH, Auth: sub.Auth}}
	opts := &webpush.Options{
		HTTPClient: s.cfg.HTTPClient, Subscriber: strings.TrimPrefix(s.cfg.Subject, "mailto:"),
		TTL: int(s.cfg.TTL.Seconds()), Urgency: s.cfg.Urgency,
		VAPIDPublicKey: s.cfg.Keys.Public, VAPIDPrivateKey: s.cfg.Keys.Private,
	}
	var status int
	for attempt := 1; attempt <= s.cfg.Attempts; attempt++ {
		start := s.cfg.Now()
		resp, err := webpush.SendNotificationWithContext(ctx, body, ws, opts)
		var retryAfter time.Duration
		if err != nil {
			status = 0
			log.Warn("push attempt failed", "attempt", attempt, "error", redact(err, sub.Endpoint))
		} else {
			status = resp.StatusCode
			retryAfter = parseRetryAfter(resp.Header.Get("Retry-After"))
			_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
			resp.Body.Close()
			switch {
			case status >= 200 && status < 300:
				log.Info("push sent", "status", status, "attempt", attempt, "ms", s.cfg.Now().Sub(start).Milliseconds())
				return pushSent
			case status == http.StatusNotFound || status == http.StatusGone:
				if _, err := s.cfg.Store.DeleteSubscription(ctx, sub.Sub, sub.ID); err != nil {
					log.Warn("subscription gone but not removed", "status", status, "error", err)
				} else {
					log.Info("subscription removed: push service says gone", "status", status)
				}
				return pushGone
			case status == http.StatusTooManyRequests || status >= 500:
				log.Warn("push attempt failed", "attempt", attempt, "status", status)
			default:
				// 400, 401, 403, 413: retrying the same request cannot help.
				attempt = s.cfg.Attempts
			}
		}
		if attempt < s.cfg.Attempts {
			if !sleep(ctx, s.cfg.Backoff(attempt, retryAfter)) {
				break
			}
		}
	}
	// The metric filter counts these lines (PushFailures) for the alarm.
	log.Error("push failed", "status", status, "attempts", s.cfg.Attempts)
	return pushFailed
}

// redact removes the endpoint from an error message (url.Error quotes it).
func redact(err error, endpoint string) string {
	return strings.ReplaceAll(err.Error(), endpoint, "<endpoint>")
}

func parseRetryAfter(v string) time.Duration {
	if v == "" {
		return 0
	}
	if secs, err := strconv.Atoi(v); err == nil && secs >= 0 {
		return time.Duration(secs) * time.Second
	}
	return 0
}

func sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
