// Package senderapp builds the push sender inside its Lambda at cold
// start, with no network call: configuration, AWS clients and the
// authorizer's access rules from the environment. Only cmd/push-sender
// links it (and with it webpush-go and the authorizer's rules), so the
// other functions' bootstraps stay small.
package senderapp

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/camvault/camvault/authorizer/access"
	"github.com/camvault/camvault/authorizer/grants"
	"github.com/camvault/camvault/videos-api/app"
	"github.com/camvault/camvault/videos-api/lambdaapp"
	"github.com/camvault/camvault/videos-api/media"
	"github.com/camvault/camvault/videos-api/push"
	"github.com/camvault/camvault/videos-api/push/send"
	"github.com/camvault/camvault/videos-api/store"
)

// Load builds the push sender Lambda's Sender at cold start, with
// no network call: the clips table, the VAPID secret (VAPID_SECRET,
// resolved by CloudFormation at deploy), and the authorizer's access rules
// (the same ALLOWED_DOMAINS, ALLOWED_EMAILS, ADMIN_EMAILS and
// ALLOWLIST_TABLE), so grants are respected at send time.
func Load(_ context.Context) (*send.Sender, error) {
	cfg, err := app.ConfigFromEnv(os.LookupEnv)
	if err != nil {
		return nil, err
	}
	keys, err := push.KeysFromSecret(cfg.VAPIDSecret)
	if err != nil {
		return nil, fmt.Errorf("senderapp: VAPID_SECRET: %w", err)
	}
	region, creds, err := lambdaapp.FromEnvironment()
	if err != nil {
		return nil, err
	}
	ddb := dynamodb.New(dynamodb.Options{Region: region, Credentials: creds, BaseEndpoint: lambdaapp.Endpoint("AWS_ENDPOINT_URL_DYNAMODB")})
	s3c := s3.New(s3.Options{Region: region, Credentials: creds, BaseEndpoint: lambdaapp.Endpoint("AWS_ENDPOINT_URL_S3")})
	rules, err := RulesFromEnv(os.LookupEnv, ddb, nil)
	if err != nil {
		return nil, err
	}
	clips := store.New(ddb, cfg.TableName)
	return send.NewSender(send.SenderConfig{
		Store: push.NewStore(ddb, cfg.TableName), Rules: rules, Cameras: clips,
		Thumbnails: send.NewThumbnails(clips, media.New(s3c, cfg.BucketName, cfg.URLTTL)),
		Keys:       keys, WebOrigin: cfg.WebOrigin, Logger: slog.New(slog.NewJSONHandler(os.Stderr, nil)),
	})
}

// RulesFromEnv builds the authorizer's access rules from its environment
// names (ALLOWED_DOMAINS, ALLOWED_EMAILS, ADMIN_EMAILS, ALLOWLIST_TABLE),
// with the address bindings read-only.
func RulesFromEnv(lookup func(string) (string, bool), ddb grants.API, log *slog.Logger) (*access.Rules, error) {
	list := func(name string) []string {
		v, _ := lookup(name)
		var out []string
		for _, s := range strings.Split(v, ",") {
			if s = strings.TrimSpace(s); s != "" {
				out = append(out, s)
			}
		}
		return out
	}
	var source access.GrantSource
	table, _ := lookup("ALLOWLIST_TABLE")
	table = strings.TrimSpace(table)
	if table != "" {
		g, err := grants.NewStore(ddb, table)
		if err != nil {
			return nil, fmt.Errorf("senderapp: grants: %w", err)
		}
		source = g
	}
	rules, err := access.NewRules(list("ALLOWED_DOMAINS"), list("ALLOWED_EMAILS"), list("ADMIN_EMAILS"), source, log)
	if err != nil {
		return nil, fmt.Errorf("senderapp: access rules: %w", err)
	}
	if table != "" {
		// Address rules hold for the account the address is bound to, as
		// in the authorizer; the sender reads bindings and never makes one.
		rules.BindAddresses(send.NewBindingReader(ddb, table))
	}
	return rules, nil
}
