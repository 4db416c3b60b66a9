package soak_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/camvault/camvault/local/stack"
	"github.com/camvault/camvault/soak"
	"github.com/camvault/camvault/videos-api/clip"
)

// TestCameraTriesToOverwrite: a camera (or someone holding its key, or no
// key at all) tries to replace, delete or forge footage: every clip's own
// key, every other camera's clips, a new clip under another camera's id,
// deletes, and anonymous writes. Every attempt is refused with S3's 412 or
// 403, and afterwards every clip is still listed and its download still
// matches the SHA-256 recorded at upload: 0 lost clips.
func TestCameraTriesToOverwrite(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the whole stack")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	s, _ := startStack(t, ctx)
	info := s.Info()
	client := newClient(8)
	people, cat, err := soak.Prepare(ctx, client, info)
	if err != nil {
		t.Fatal(err)
	}
	before := allClips(t, ctx, client, info.APIURL, people.Admin.Header)
	sums := map[string]string{} // camera/id -> sha256 of the download
	for cam, ids := range before {
		for _, id := range ids {
			sums[cam+"/"+id] = download(t, ctx, client, info.APIURL, people.Admin.Header, cam, id)
		}
	}

	status := func(err error) int {
		var re *smithyhttp.ResponseError
		if errors.As(err, &re) {
			return re.HTTPStatusCode()
		}
		if err != nil {
			return -1
		}
		return 200
	}
	attempts, refused := 0, map[int]int{}
	try := func(what string, want int, err error) {
		t.Helper()
		attempts++
		got := status(err)
		refused[got]++
		if got != want {
			t.Errorf("%s: %d (%v), want %d", what, got, err, want)
		}
	}
	put := func(c *s3.Client, key string, ifNoneMatch bool) error {
		in := &s3.PutObjectInput{Bucket: aws.String(stack.Bucket), Key: aws.String(key), Body: strings.NewReader("forged footage"), ContentType: aws.String("video/mp4")}
		if ifNoneMatch {
			in.IfNoneMatch = aws.String("*")
		}
		_, err := c.PutObject(ctx, in)
		return err
	}
	for _, attacker := range cat.Cameras {
		c, err := s.CameraS3(attacker)
		if err != nil {
			t.Fatal(err)
		}
		for cam, ids := range before {
			for _, id := range ids {
				clipKey, thumbKey, _ := clip.ObjectKeys(cam, id)
				if cam == attacker {
					try(attacker+" overwrites its clip "+id, 412, put(c, clipKey, true))
					try(attacker+" overwrites its thumbnail "+id, 412, put(c, thumbKey, true))
					try(attacker+" overwrites without If-None-Match "+id, 403, put(c, clipKey, false))
					_, err := c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(stack.Bucket), Key: aws.String(clipKey)})
					try(attacker+" deletes its clip "+id, 403, err)
				} else {
					try(attacker+" overwrites "+cam+"'s clip "+id, 403, put(c, clipKey, true))
				}
			}
		}
		// A new clip under another camera's id, to forge its footage.
		victim := cat.Cameras[0]
		if victim == attacker {
			victim = cat.Cameras[1]
		}
		id, _ := clip.NewVideoID(time.Now().Add(-time.Minute), strings.NewReader("0123456789"))
		forged, _, _ := clip.ObjectKeys(victim, id)
		try(attacker+" creates a clip as "+victim, 403, put(c, forged, true))
	}
	// The Lambdas' own key cannot overwrite either, and no key gets nothing.
	for cam, ids := range before {
		clipKey, _, _ := clip.ObjectKeys(cam, ids[0])
		try("the Lambdas' key overwrites "+cam+"'s clip", 403, put(s.S3(), clipKey, false))
		try("the Lambdas' key overwrites "+cam+"'s clip with If-None-Match", 412, put(s.S3(), clipKey, true))
		for _, method := range []string{"PUT", "DELETE"} {
			req, _ := http.NewRequestWithContext(ctx, method, info.S3URL+"/"+stack.Bucket+"/"+clipKey, strings.NewReader("anonymous"))
			resp, err := client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			attempts++
			refused[resp.StatusCode]++
			if resp.StatusCode != 403 {
				t.Errorf("anonymous %s of %s: %d, want 403", method, clipKey, resp.StatusCode)
			}
		}
	}
	s.WaitIngest()

	after := allClips(t, ctx, client, info.APIURL, people.Admin.Header)
	if !reflect.DeepEqual(after, before) {
		t.Errorf("clips after the attempts differ:\nbefore %v\nafter  %v", before, after)
	}
	lost := 0
	for key, sum := range sums {
		cam, id, _ := strings.Cut(key, "/")
		if got := download(t, ctx, client, info.APIURL, people.Admin.Header, cam, id); got != sum {
			lost++
			t.Errorf("clip %s changed: sha256 %s, was %s", key, got, sum)
		}
	}
	t.Logf("camera overwrite attempts: %d, answers by status %v; clips checked %d, lost %d", attempts, refused, len(sums), lost)
}

// download fetches a clip through its signed download URL and returns the
// SHA-256 of the bytes; it fails the test if the API's recorded sha256
// differs.
func download(t *testing.T, ctx context.Context, c *http.Client, apiURL, header, cam, id string) string {
	t.Helper()
	a, err := do(ctx, c, "GET", apiURL+"/cameras/"+cam+"/videos/"+id, header)
	if err != nil || a.status != 200 {
		t.Fatalf("GET clip %s/%s: %v %d %s", cam, id, err, a.status, a.body)
	}
	var v struct {
		DownloadURL string `json:"downloadUrl"`
		SHA256      string `json:"sha256"`
	}
	if err := json.Unmarshal([]byte(a.body), &v); err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequestWithContext(ctx, "GET", v.DownloadURL, nil)
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("download %s/%s: %d %v", cam, id, resp.StatusCode, err)
	}
	sum := sha256.Sum256(b)
	got := hex.EncodeToString(sum[:])
	if v.SHA256 != "" && v.SHA256 != got {
		t.Errorf("clip %s/%s: the API records sha256 %s, the download hashes to %s", cam, id, v.SHA256, got)
	}
	return got
}
