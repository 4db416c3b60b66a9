package uploadcli

import (
	"bytes"
	"context"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"

	"github.com/camvault/camvault/scripts/internal/s3local"
	"github.com/camvault/camvault/videos-api/clip"
)

const bucket = "camvault-dev-clips"

func TestRun(t *testing.T) {
	dir := t.TempDir()
	// The start of an MP4 (an ftyp box, then anything) and of a JPEG.
	mp4 := filepath.Join(dir, "motion.mp4")
	if err := os.WriteFile(mp4, []byte("\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2 moov and more"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "motion.jpg"), []byte("\xFF\xD8\xFF\xE0 jpeg"), 0o600); err != nil {
		t.Fatal(err)
	}
	files := map[string]string{
		"README.md":  "# camvault\n\nA serverless video vault.\n",
		"empty.mp4":  "",
		"photo.heic": "\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic",
		"short.mp4":  "\x00\x00\x00\x04ftypisom",
		"bad.jpg":    "not a jpeg",
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	now := time.Date(2026, 11, 25, 15, 30, 0, 0, time.UTC)

	tests := []struct {
		name       string
		args       []string
		env        map[string]string
		aws        bool // point the default AWS chain at the fake
		wantCode   int
		wantErrIn  string
		wantClips  int
		wantThumbs int
		wantTime   time.Time
	}{
		{name: "local.json, thumbnail found beside", args: []string{"--camera", "porch", "--file", mp4, "--captured-at", "2026-11-24T08:00:00+01:00", "--duration", "9"}, wantClips: 1, wantThumbs: 1, wantTime: time.Date(2026, 11, 24, 7, 0, 0, 0, time.UTC)},
		{name: "no thumbnail", args: []string{"--camera", "porch", "--file", mp4, "--no-thumbnail"}, wantClips: 1, wantTime: now},
		{name: "a stream", args: []string{"--camera", "porch", "--file", mp4, "--count", "3", "--every", "1ms"}, wantClips: 3, wantThumbs: 3},
		{name: "local.json from the environment", args: []string{"--camera", "yard", "--file", mp4}, env: map[string]string{"CAMVAULT_LOCAL_JSON": "LOCAL"}, wantClips: 1, wantThumbs: 1},
		{name: "deployed bucket through the AWS chain", args: []string{"--camera", "porch", "--file", mp4, "--bucket", bucket, "--region", "eu-west-1", "--path-style"}, aws: true, wantClips: 1, wantThumbs: 1},
		{name: "no camera", args: []string{"--file", mp4}, wantCode: 2, wantErrIn: "--camera"},
		{name: "no file", args: []string{"--camera", "porch"}, wantCode: 2, wantErrIn: "--file"},
		{name: "bad time", args: []string{"--camera", "porch", "--file", mp4, "--captured-at", "yesterday"}, wantCode: 2, wantErrIn: "RFC 3339"},
		{name: "bad count", args: []string{"--camera", "porch", "--file", mp4, "--count", "0"}, wantCode: 2, wantErrIn: "--count"},
		{name: "both targets", args: []string{"--camera", "porch", "--file", mp4, "--bucket", "b", "--local-json", "x"}, wantCode: 2, wantErrIn: "not both"},
		{name: "bad camera id", args: []string{"--camera", "Porch!", "--file", mp4}, wantCode: 2, wantErrIn: "--camera \"Porch!\""},
		{name: "no local stack", args: []string{"--camera", "porch", "--file", mp4, "--local-json", filepath.Join(dir, "none.json")}, wantCode: 1, wantErrIn: "make dev"},
		// The file is checked first: before any output, and before looking for a stack.
		{name: "missing file, no stack", args: []string{"--camera", "porch", "--file", filepath.Join(dir, "gone.mp4"), "--local-json", filepath.Join(dir, "none.json")}, wantCode: 1, wantErrIn: "--file " + filepath.Join(dir, "gone.mp4") + ": no such file"},
		{name: "README.md is no clip", args: []string{"--camera", "porch", "--file", filepath.Join(dir, "README.md")}, wantCode: 1, wantErrIn: "README.md is not an MP4 video"},
		{name: "empty file", args: []string{"--camera", "porch", "--file", filepath.Join(dir, "empty.mp4")}, wantCode: 1, wantErrIn: "empty.mp4 is empty"},
		{name: "a HEIC image", args: []string{"--camera", "porch", "--file", filepath.Join(dir, "photo.heic")}, wantCode: 1, wantErrIn: "is a HEIC image, not an MP4 video"},
		{name: "broken ftyp box", args: []string{"--camera", "porch", "--file", filepath.Join(dir, "short.mp4")}, wantCode: 1, wantErrIn: "ftyp box is 4 bytes long"},
		{name: "a directory", args: []string{"--camera", "porch", "--file", dir}, wantCode: 1, wantErrIn: "is not a file"},
		{name: "thumbnail not a JPEG", args: []string{"--camera", "porch", "--file", mp4, "--thumbnail", filepath.Join(dir, "bad.jpg")}, wantCode: 1, wantErrIn: "bad.jpg is not a JPEG image"},
		{name: "missing thumbnail", args: []string{"--camera", "porch", "--file", mp4, "--thumbnail", filepath.Join(dir, "gone.jpg")}, wantCode: 1, wantErrIn: "--thumbnail " + filepath.Join(dir, "gone.jpg") + ": no such file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(gofakes3.New(s3mem.New()).Server())
			defer srv.Close()
			c := s3local.New(srv.URL)
			if _, err := c.CreateBucket(context.Background(), &s3.CreateBucketInput{Bucket: aws.String(bucket)}); err != nil {
				t.Fatal(err)
			}
			localJSON := filepath.Join(t.TempDir(), "local.json")
			camerasFile := filepath.Join(filepath.Dir(localJSON), "cameras.json")
			if err := os.WriteFile(localJSON, []byte(`{"s3Url":"`+srv.URL+`","bucket":"`+bucket+`","camerasFile":"`+camerasFile+`"}`), 0o600); err != nil {
				t.Fatal(err)
			}
			args := tt.args
			env := map[string]string{}
			for k, v := range tt.env {
				env[k] = strings.ReplaceAll(v, "LOCAL", localJSON)
			}
			if tt.env == nil && !tt.aws && !contains(args, "--local-json") && !contains(args, "--bucket") {
				args = append(args, "--local-json", localJSON)
			}
			if tt.aws {
				t.Setenv("AWS_ENDPOINT_URL_S3", srv.URL)
				t.Setenv("AWS_ACCESS_KEY_ID", "test")
				t.Setenv("AWS_SECRET_ACCESS_KEY", "test")
				t.Setenv("AWS_CONFIG_FILE", filepath.Join(dir, "no-config"))
				t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(dir, "no-credentials"))
				t.Setenv("AWS_REQUEST_CHECKSUM_CALCULATION", "when_required")
			}
			var stdout, stderr bytes.Buffer
			code := Run(context.Background(), args, Env{
				Stdout: &stdout, Stderr: &stderr,
				Lookup: func(k string) (string, bool) { v, ok := env[k]; return v, ok },
				Now:    func() time.Time { return now },
			})
			if code != tt.wantCode {
				t.Fatalf("Run() = %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tt.wantCode, stdout.String(), stderr.String())
			}
			if tt.wantErrIn != "" && !strings.Contains(stderr.String(), tt.wantErrIn) {
				t.Errorf("stderr = %q, want %q", stderr.String(), tt.wantErrIn)
			}
			if tt.wantCode != 0 && (stdout.Len() > 0 || strings.Count(stderr.String(), "\n") != 1) {
				t.Errorf("a failure must be one line on stderr and nothing on stdout:\nstdout: %q\nstderr: %q", stdout.String(), stderr.String())
			}
			out, err := c.ListObjectsV2(context.Background(), &s3.ListObjectsV2Input{Bucket: aws.String(bucket)})
			if err != nil {
				t.Fatal(err)
			}
			var clips, thumbs int
			for _, o := range out.Contents {
				k, err := clip.ParseObjectKey(aws.ToString(o.Key))
				if err != nil {
					t.Fatalf("stored key: %v", err)
				}
				switch k.Kind {
				case clip.KindClip:
					clips++
					if !tt.wantTime.IsZero() && !k.CapturedAt.Equal(tt.wantTime) {
						t.Errorf("captured at %s, want %s", k.CapturedAt, tt.wantTime)
					}
				case clip.KindThumbnail:
					thumbs++
				}
			}
			if clips != tt.wantClips || thumbs != tt.wantThumbs {
				t.Errorf("stored %d clips and %d thumbnails, want %d and %d", clips, thumbs, tt.wantClips, tt.wantThumbs)
			}
			// Against the local stack the camera signs with its own key,
			// added to the stack's cameras file on its first upload.
			if b, err := os.ReadFile(camerasFile); tt.wantCode == 0 && !tt.aws && (err != nil || !strings.Contains(string(b), `"`+arg(args, "--camera")+`": {`)) {
				t.Errorf("cameras file after a local upload: %q %v, want the camera's key", b, err)
			}
			if tt.wantCode == 0 && strings.Count(stdout.String(), "/"+strconv.Itoa(tt.wantClips)+" clips/") != tt.wantClips {
				t.Errorf("progress lines missing:\n%s", stdout.String())
			}
		})
	}
}

func contains(args []string, s string) bool {
	for _, a := range args {
		if a == s {
			return true
		}
	}
	return false
}

// arg is the value after flag in args.
func arg(args []string, flag string) string {
	for i := 0; i+1 < len(args); i++ {
		if args[i] == flag {
			return args[i+1]
		}
	}
	return ""
}
