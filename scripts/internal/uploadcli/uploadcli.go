// Package uploadcli is the upload-clip command: a camera simulator that
// uploads MP4 clips (and thumbnails) to the local stack's S3 or a deployed
// stage's clips bucket, as a Raspberry Pi beside a camera would.
package uploadcli

import (
	"context"
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/camvault/camvault/scripts/internal/camera"
	"github.com/camvault/camvault/scripts/internal/localstack"
	"github.com/camvault/camvault/scripts/internal/s3local"
	"github.com/camvault/camvault/videos-api/clip"
)

// Env is what the command takes from its surroundings.
type Env struct {
	Stdout, Stderr io.Writer
	// Lookup reads environment variables (os.LookupEnv).
	Lookup func(string) (string, bool)
	// Now is the device's clock (time.Now).
	Now func() time.Time
}

const usage = `usage:
  upload-clip --camera ID --file clip.mp4 [--thumbnail still.jpg] [--captured-at RFC3339]
              [--duration SECONDS] [--count N --every 10s]
              [--local-json .camvault/local.json | --bucket NAME [--region R] [--path-style]]

Uploads the clip like a camera's Raspberry Pi: to
clips/{camera}/{yyyy}/{mm}/{dd}/{capturedAt}_{videoId}.mp4 with the metadata
x-amz-meta-captured-at and x-amz-meta-duration-seconds, and its thumbnail
beside it as .jpg (--thumbnail, or a .jpg of the same name beside the file).
Without --bucket it targets the running local stack (its local.json:
--local-json, $CAMVAULT_LOCAL_JSON or .camvault/local.json); with --bucket,
a deployed clips bucket with the default AWS credential chain.
Ctrl-C stops between or during uploads.
`

// Run runs the command with args (without the program name) and returns its
// exit status: 0 on success, 2 for bad usage, 130 when interrupted, 1 for any
// other failure.
func Run(ctx context.Context, args []string, env Env) int {
	if env.Now == nil {
		env.Now = time.Now
	}
	fs := flag.NewFlagSet("upload-clip", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	fs.Usage = func() { fmt.Fprint(env.Stderr, usage, "\nflags:\n"); fs.PrintDefaults() }
	cameraID := fs.String("camera", "", "camera id (lowercase letters, digits, hyphens)")
	file := fs.String("file", "", "the MP4 to upload")
	thumbnail := fs.String("thumbnail", "", "the JPEG thumbnail (default: a .jpg beside --file with the same name, if any)")
	noThumbnail := fs.Bool("no-thumbnail", false, "upload no thumbnail even if one is beside the file")
	capturedAt := fs.String("captured-at", "", "capture time of the first clip, RFC 3339 (default: now, for each clip)")
	duration := fs.Float64("duration", 0, "clip length in seconds (0: leave the metadata out)")
	count := fs.Int("count", 1, "how many clips to upload")
	every := fs.Duration("every", 10*time.Second, "pause between clips when --count > 1")
	localJSON := fs.String("local-json", "", "the local stack's local.json (default $CAMVAULT_LOCAL_JSON or .camvault/local.json)")
	bucket := fs.String("bucket", "", "a deployed clips bucket (uses the default AWS credential chain)")
	region := fs.String("region", "", "AWS region of --bucket (default from AWS_REGION or the AWS config)")
	pathStyle := fs.Bool("path-style", false, "path-style S3 addressing for --bucket (S3-compatible endpoints)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	bad := func(format string, a ...any) int {
		fmt.Fprintf(env.Stderr, "upload-clip: "+format+"\n", a...)
		return 2
	}
	switch {
	case fs.NArg() > 0:
		return bad("unexpected arguments %q", fs.Args())
	case *cameraID == "":
		return bad("--camera is required")
	case *file == "":
		return bad("--file is required")
	case *count < 1:
		return bad("--count must be at least 1")
	case *count > 1 && *every <= 0:
		return bad("--every must be positive")
	case *duration < 0:
		return bad("--duration must not be negative")
	case *bucket != "" && *localJSON != "":
		return bad("give --bucket or --local-json, not both")
	case *thumbnail != "" && *noThumbnail:
		return bad("give --thumbnail or --no-thumbnail, not both")
	}
	var first time.Time
	if *capturedAt != "" {
		t, err := time.Parse(time.RFC3339Nano, *capturedAt)
		if err != nil {
			return bad("--captured-at %q is not an RFC 3339 time (like 2026-11-25T15:04:05Z)", *capturedAt)
		}
		first = t
	}
	// The camera and the files first: nothing is printed or contacted for a
	// clip that cannot be uploaded.
	if !clip.ValidCameraID(*cameraID) {
		fmt.Fprintf(env.Stderr, "upload-clip: --camera %q: use 1 to 63 lowercase letters, digits or hyphens\n", *cameraID)
		return 2
	}
	if err := camera.CheckClipFile(*file); err != nil {
		fmt.Fprintf(env.Stderr, "upload-clip: %v\n", err)
		return 1
	}
	thumb := *thumbnail
	if thumb == "" && !*noThumbnail {
		thumb = camera.ThumbnailBeside(*file)
	}
	if thumb != "" {
		if err := camera.CheckThumbnailFile(thumb); err != nil {
			fmt.Fprintf(env.Stderr, "upload-clip: %v\n", err)
			return 1
		}
	}

	client, target, err := s3Target(ctx, *bucket, *region, *pathStyle, localstack.Path(*localJSON, env.Lookup), *cameraID)
	if err != nil {
		fmt.Fprintf(env.Stderr, "upload-clip: %v\n", err)
		return 1
	}
	fmt.Fprintf(env.Stdout, "uploading %d clip(s) of camera %s to %s\n", *count, *cameraID, target.describe)
	u := &camera.Uploader{S3: client, Bucket: target.bucket, Entropy: rand.Reader}
	n, err := u.Run(ctx, camera.Stream{
		Clip:     camera.Clip{CameraID: *cameraID, File: *file, Thumbnail: thumb, CapturedAt: first, DurationSeconds: *duration},
		Count:    *count,
		Every:    *every,
		Now:      env.Now,
		Progress: env.Stdout,
	})
	if errors.Is(err, context.Canceled) {
		fmt.Fprintf(env.Stderr, "upload-clip: stopped after %d of %d clip(s)\n", n, *count)
		return 130
	}
	if err != nil {
		fmt.Fprintf(env.Stderr, "upload-clip: %v (after %d of %d clip(s))\n", err, n, *count)
		return 1
	}
	fmt.Fprintf(env.Stdout, "done: %s clip(s) uploaded\n", strconv.Itoa(n))
	return 0
}

// target names the bucket and says where it is, for the first line of output.
type target struct {
	bucket, describe string
}

// s3Target builds the S3 client: for a deployed bucket from the default AWS
// configuration, else for the local stack described at localJSON.
// The local stack's client signs with the camera's own key.
func s3Target(ctx context.Context, bucket, region string, pathStyle bool, localJSON, cameraID string) (*s3.Client, target, error) {
	if bucket != "" {
		var opts []func(*config.LoadOptions) error
		if region != "" {
			opts = append(opts, config.WithRegion(region))
		}
		cfg, err := config.LoadDefaultConfig(ctx, opts...)
		if err != nil {
			return nil, target{}, fmt.Errorf("load AWS configuration: %w", err)
		}
		if cfg.Region == "" {
			return nil, target{}, errors.New("no AWS region: pass --region or set AWS_REGION")
		}
		client := s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = pathStyle })
		return client, target{bucket: bucket, describe: fmt.Sprintf("s3://%s (%s)", bucket, cfg.Region)}, nil
	}
	st, err := localstack.Load(localJSON)
	if err != nil {
		return nil, target{}, err
	}
	if st.S3URL == "" || st.Bucket == "" {
		return nil, target{}, fmt.Errorf("%s has no s3Url or bucket", localJSON)
	}
	key, err := localstack.EnsureCameraKey(st.CamerasFile, cameraID)
	if err != nil {
		return nil, target{}, fmt.Errorf("camera %s's key for the local stack: %w", cameraID, err)
	}
	return s3local.WithKey(st.S3URL, key.AccessKeyID, key.SecretAccessKey), target{bucket: st.Bucket, describe: fmt.Sprintf("the local stack's s3://%s at %s", st.Bucket, st.S3URL)}, nil
}
