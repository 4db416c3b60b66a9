package stack

import (
	"context"
	"time"

	"github.com/camvault/camvault/authorizer/access"
	"github.com/camvault/camvault/authorizer/grants"
	"github.com/camvault/camvault/videos-api/media"
	"github.com/camvault/camvault/videos-api/push"
	"github.com/camvault/camvault/videos-api/push/pushtest"
	"github.com/camvault/camvault/videos-api/push/send"
	"github.com/camvault/camvault/videos-api/store"
)

// startAlerts builds the push sender as the push-sender Lambda does (same
// access rules as the authorizer, the clips table, the VAPID secret) and
// the push service stand-in, and returns the Notify ingest calls: like
// Lambda's asynchronous invoke, it hands the clip over and returns at once,
// and the sender runs on its own.
func (s *Stack) startAlerts(vapidSecret []byte) (func(context.Context, push.ClipEvent) error, error) {
	s.push = pushtest.NewService(s.info.PushURL)
	keys, err := push.KeysFromSecret(vapidSecret)
	if err != nil {
		return nil, err
	}
	g, err := grants.NewStore(s.ddb, AllowlistTable)
	if err != nil {
		return nil, err
	}
	rules, err := access.NewRules(s.opts.AllowedDomains, s.opts.AllowedEmails, s.opts.AdminEmails, g, s.log)
	if err != nil {
		return nil, err
	}
	rules.BindAddresses(send.NewBindingReader(s.ddb, AllowlistTable))
	clips := store.New(s.ddb, Table)
	sender, err := send.NewSender(send.SenderConfig{
		Store: push.NewStore(s.ddb, Table), Rules: rules, Cameras: clips,
		Thumbnails: send.NewThumbnails(clips, media.New(s.s3Client, Bucket, time.Minute)),
		Keys:       keys, WebOrigin: s.info.WebURL, Logger: s.log.With("function", "push-sender"),
	})
	if err != nil {
		return nil, err
	}
	return func(_ context.Context, ev push.ClipEvent) error {
		s.alerts.Add(1)
		go func() {
			defer s.alerts.Done()
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			if _, err := sender.Send(ctx, ev); err != nil {
				s.log.Error("push sender failed", "error", err)
			}
		}()
		return nil
	}, nil
}
