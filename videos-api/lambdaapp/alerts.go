package lambdaapp

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/camvault/camvault/videos-api/app"
	"github.com/camvault/camvault/videos-api/push"
)

// Invoker hands an event to another Lambda (a clip to the push sender, a
// job to the job runner) with one asynchronous Invoke (InvocationType
// Event): Lambda queues the event and answers 202 at once, so alerts never
// slow or fail ingest, nor a job's runner POST /jobs. It signs the one request
// itself (SigV4, the SDK's signer) rather than linking the Lambda client,
// which would add a megabyte to every bootstrap.
type Invoker struct {
	// Function is the invoked function's name or ARN.
	Function string
	// Region and Credentials sign the request.
	Region      string
	Credentials aws.CredentialsProvider
	// Endpoint overrides https://lambda.{Region}.amazonaws.com.
	Endpoint string
	// Client sends the request; nil means one with a 5 s timeout.
	Client *http.Client
	// Now is the signing clock; nil means time.Now.
	Now func() time.Time
}

// Notify implements app.Config.Notify.
func (i *Invoker) Notify(ctx context.Context, ev push.ClipEvent) error { return i.Invoke(ctx, ev) }

// StartJob implements app.Config.StartJob.
func (i *Invoker) StartJob(ctx context.Context, ev app.JobEvent) error { return i.Invoke(ctx, ev) }

// Invoke sends event (as JSON) to the function asynchronously.
func (i *Invoker) Invoke(ctx context.Context, event any) error {
	body, err := json.Marshal(event)
	if err != nil {
		return err
	}
	base := i.Endpoint
	if base == "" {
		base = "https://lambda." + i.Region + ".amazonaws.com"
	}
	u := strings.TrimRight(base, "/") + "/2015-03-31/functions/" + url.PathEscape(i.Function) + "/invocations"
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("lambdaapp: invoke %s: %w", i.Function, err)
	}
	req.Header.Set("X-Amz-Invocation-Type", "Event")
	req.Header.Set("Content-Type", "application/json")
	creds, err := i.Credentials.Retrieve(ctx)
	if err != nil {
		return fmt.Errorf("lambdaapp: invoke %s: credentials: %w", i.Function, err)
	}
	sum := sha256.Sum256(body)
	now := time.Now
	if i.Now != nil {
		now = i.Now
	}
	if err := v4.NewSigner().SignHTTP(ctx, creds, req, hex.EncodeToString(sum[:]), "lambda", i.Region, now()); err != nil {
		return fmt.Errorf("lambdaapp: invoke %s: signing: %w", i.Function, err)
	}
	client := i.Client
	if client == nil {
		client = &http.Client{Timeout: 5 * time.Second}
	}
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("lambdaapp: invoke %s: %w", i.Function, err)
	}
	defer resp.Body.Close()
	msg, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	if resp.StatusCode != http.StatusAccepted {
		return fmt.Errorf("lambdaapp: invoke %s: status %d: %s", i.Function, resp.StatusCode, bytes.TrimSpace(msg))
	}
	return nil
}
