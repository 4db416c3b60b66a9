package stack_test

import (
	"context"
	"crypto/rand"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/camvault/camvault/local/stack"
	"github.com/camvault/camvault/videos-api/clip"
	"github.com/camvault/camvault/videos-api/push"
	"github.com/camvault/camvault/videos-api/push/pushtest"
)

// BenchmarkIngestToPush is "ingest to push sent" with 100 subscribers:
// from a camera's PUT of a clip to each browser's alert arriving at the
// push service stand-in (S3 event, ingest, the handoff, the sender's
// subscription read, access rules, fold state, encryption, VAPID, the
// POST), over clips of one camera whose alerts nobody folds. It reports
// the p50 and p99 of every push's latency, and checks every subscriber got
// every alert. BENCHMARKS.md has a run's numbers:
//
//	go test -run '^$' -bench IngestToPush -benchtime 20x ./stack/
func BenchmarkIngestToPush(b *testing.B) {
	const subscribers = 100
	e := startBench(b)
	ctx := context.Background()
	info := e.Info()
	ddb := dynamodb.New(dynamodb.Options{Region: stack.Region, BaseEndpoint: aws.String(info.DynamoDBURL),
		Credentials: credentials.NewStaticCredentialsProvider("local", "local", "")})
	subs := push.NewStore(ddb, info.Table)
	for i := range subscribers {
		s, err := pushtest.NewSubscriber(e.Push().Endpoint(fmt.Sprintf("b%03d", i)))
		if err != nil {
			b.Fatal(err)
		}
		sub := fmt.Sprintf("bench-%03d", i)
		if err := subs.PutSubscription(ctx, push.Subscription{ID: push.SubscriptionID(s.Endpoint), Sub: sub, Email: fmt.Sprintf("p%03d@example.com", i),
			Domain: "example.com", Endpoint: s.Endpoint, P256DH: s.P256DH(), Auth: s.Auth(), CreatedAt: time.Now()}); err != nil {
			b.Fatal(err)
		}
		if err := subs.PutSettings(ctx, sub, push.Settings{FoldMinutes: 0, TimeZone: "UTC"}); err != nil {
			b.Fatal(err)
		}
	}
	cam, err := e.CameraS3("porch")
	if err != nil {
		b.Fatal(err)
	}
	var lat []time.Duration
	for b.Loop() {
		e.Push().Reset()
		id, _ := clip.NewVideoID(time.Now().UTC(), rand.Reader)
		key, _, _ := clip.ObjectKeys("porch", id)
		t0 := time.Now()
		putClip(b, cam, info.Bucket, key)
		e.WaitIngest()
		e.WaitAlerts()
		got := e.Push().Received()
		if len(got) != subscribers {
			b.Fatalf("%d alerts for clip %s, want %d", len(got), id, subscribers)
		}
		for _, m := range got {
			lat = append(lat, m.At.Sub(t0))
		}
	}
	slices.Sort(lat)
	pct := func(p float64) float64 { return float64(lat[int(p*float64(len(lat)-1))].Microseconds()) / 1000 }
	b.ReportMetric(pct(0.50), "ms-p50")
	b.ReportMetric(pct(0.99), "ms-p99")
	b.ReportMetric(float64(len(lat)), "pushes")
}

func startBench(b *testing.B) *stack.Stack {
	b.Helper()
	s, err := stack.Start(context.Background(), stack.Options{
		DataDir: b.TempDir(), NoSeed: true, AllowedDomains: []string{"example.com"}, AdminEmails: []string{"admin@example.com"},
		WebDir: b.TempDir(),
	})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(s.Close)
	return s
}

func putClip(b *testing.B, c *s3.Client, bucket, key string) {
	b.Helper()
	_, err := c.PutObject(context.Background(), &s3.PutObjectInput{
		Bucket: aws.String(bucket), Key: aws.String(key), Body: strings.NewReader("not really an mp4"),
		ContentType: aws.String("video/mp4"), IfNoneMatch: aws.String("*"),
	})
	if err != nil {
		b.Fatal(err)
	}
}
