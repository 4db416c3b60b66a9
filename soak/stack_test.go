package soak_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/camvault/camvault/local/stack"
	"github.com/camvault/camvault/soak"
	"github.com/camvault/camvault/videos-api/clip"
)

// startStack runs the whole local stack in process on free loopback ports
// with a temporary data dir, the authorizer cache on as in camvault-local.
// It returns the stack and its data dir.
func startStack(t *testing.T, ctx context.Context) (*stack.Stack, string) {
	t.Helper()
	dir := t.TempDir()
	s, err := stack.Start(ctx, stack.Options{
		DataDir: dir, CacheTTL: 300 * time.Second,
		AllowedDomains: []string{"example.com"}, AdminEmails: []string{"admin@example.com"},
		Log: slog.New(slog.NewTextHandler(errorLog(t), &slog.HandlerOptions{Level: slog.LevelError})),
	})
	if err != nil {
		t.Fatalf("start the local stack: %v", err)
	}
	t.Cleanup(s.Close)
	return s, dir
}

// startCatalogued starts the stack (startStack), mints its sample people
// and discovers up to 5 clips a camera as the admin: what a phase that
// drives the API as those people needs.
func startCatalogued(t *testing.T, ctx context.Context) (stack.Info, *http.Client, soak.People, soak.Catalog) {
	t.Helper()
	s, _ := startStack(t, ctx)
	info := s.Info()
	client := newClient(8)
	people, err := soak.MintPeople(ctx, soak.Issuer{URL: info.IssuerURL, Client: client})
	if err != nil {
		t.Fatal(err)
	}
	cat, err := soak.Discover(ctx, client, info.APIURL, people.Admin.Header, 5)
	if err != nil {
		t.Fatal(err)
	}
	return info, client, people, cat
}

// errorLog keeps the stack's last error lines and prints them if the test
// fails.
func errorLog(t *testing.T) io.Writer {
	l := &lastLines{}
	t.Cleanup(func() {
		if t.Failed() {
			l.mu.Lock()
			defer l.mu.Unlock()
			t.Logf("the stack's last error lines:\n%s", strings.Join(l.lines, ""))
		}
	})
	return l
}

type lastLines struct {
	mu    sync.Mutex
	lines []string
}

func (l *lastLines) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines = append(l.lines, string(p))
	if len(l.lines) > 20 {
		l.lines = l.lines[1:]
	}
	return len(p), nil
}

func newClient(clients int) *http.Client {
	return &http.Client{Timeout: 35 * time.Second, Transport: &http.Transport{MaxIdleConns: clients, MaxIdleConnsPerHost: clients}}
}

// answer is one API response.
type answer struct {
	status int
	header http.Header
	body   []byte
}

func (a answer) code() string {
	var e struct {
		Error struct {
			Code string `json:"code"`
		} `json:"error"`
	}
	_ = json.Unmarshal(a.body, &e)
	return e.Error.Code
}

func do(ctx context.Context, c *http.Client, method, u, header string) (answer, error) {
	req, err := http.NewRequestWithContext(ctx, method, u, nil)
	if err != nil {
		return answer{}, err
	}
	req.Header.Set("Authorization", header)
	resp, err := c.Do(req)
	if err != nil {
		return answer{}, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return answer{resp.StatusCode, resp.Header, b}, err
}

// allClips lists every clip of every camera, following cursors, as header.
func allClips(t *testing.T, ctx context.Context, c *http.Client, apiURL, header string) map[string][]string {
	t.Helper()
	var cams struct {
		Items []struct {
			ID string `json:"id"`
		} `json:"items"`
	}
	a, err := do(ctx, c, "GET", apiURL+"/cameras", header)
	if err != nil || a.status != 200 || json.Unmarshal(a.body, &cams) != nil {
		t.Fatalf("GET /cameras: %v %d %s", err, a.status, a.body)
	}
	out := map[string][]string{}
	for _, cam := range cams.Items {
		cursor := ""
		for {
			u := apiURL + "/cameras/" + cam.ID + "/videos?limit=200"
			if cursor != "" {
				u += "&cursor=" + url.QueryEscape(cursor)
			}
			var page struct {
				Items []struct {
					ID string `json:"id"`
				} `json:"items"`
				NextCursor string `json:"nextCursor"`
			}
			a, err := do(ctx, c, "GET", u, header)
			if err != nil || a.status != 200 || json.Unmarshal(a.body, &page) != nil {
				t.Fatalf("GET %s: %v %d %s", u, err, a.status, a.body)
			}
			for _, v := range page.Items {
				out[cam.ID] = append(out[cam.ID], v.ID)
			}
			if cursor = page.NextCursor; cursor == "" {
				break
			}
		}
		slices.Sort(out[cam.ID])
	}
	return out
}

// uploadClip puts a clip into the stack's bucket as a camera does (with its
// own key, create-only) and waits
// for its ingest; it returns the clip's id.
func uploadClip(t *testing.T, ctx context.Context, s *stack.Stack, camera string, at time.Time) string {
	t.Helper()
	id, err := clip.NewVideoID(at, rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	key, _, err := clip.ObjectKeys(camera, id)
	if err != nil {
		t.Fatal(err)
	}
	cam, err := s.CameraS3(camera)
	if err != nil {
		t.Fatal(err)
	}
	_, err = cam.PutObject(ctx, &s3.PutObjectInput{
		Bucket: aws.String(stack.Bucket), Key: aws.String(key), Body: bytes.NewReader([]byte(fmt.Sprintf("mp4 %s", id))),
		ContentType: aws.String("video/mp4"), Metadata: map[string]string{"duration-seconds": "3"},
		IfNoneMatch: aws.String("*"),
	})
	if err != nil {
		t.Fatalf("upload %s: %v", key, err)
	}
	s.WaitIngest()
	return id
}
