// Package media reads, deletes and signs short-lived URLs for the clip and
// thumbnail objects in the clips bucket.
package media

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// ErrNotFound is returned when an object does not exist (any more).
var ErrNotFound = errors.New("media: object not found")

// Bucket is the clips bucket.
type Bucket struct {
	s3      *s3.Client
	presign *s3.PresignClient
	name    string
	ttl     time.Duration
}

// New returns the bucket name served through c; signed URLs are valid for
// ttl. Path-style or virtual-hosted addressing follows c's options.
func New(c *s3.Client, name string, ttl time.Duration) *Bucket {
	return &Bucket{
		s3:      c,
		presign: s3.NewPresignClient(c, s3.WithPresignExpires(ttl)),
		name:    name,
		ttl:     ttl,
	}
}

// Object is what HeadObject says of an object.
type Object struct {
	// Size in bytes.
	Size int64
	// ContentType as uploaded.
	ContentType string
	// Metadata are the x-amz-meta-* headers, keys lowercased without the prefix.
	Metadata map[string]string
	// SHA256 is the object's SHA-256 in lowercase hex, from the checksum
	// S3 verified at upload (x-amz-checksum-sha256); empty if the upload
	// sent none, or sent a multipart composite that is not the file's hash.
	SHA256 string
}

// Head returns an object's size, type, metadata and SHA-256 checksum, or
// ErrNotFound.
func (b *Bucket) Head(ctx context.Context, key string) (Object, error) {
	out, err := b.s3.HeadObject(ctx, &s3.HeadObjectInput{
		Bucket: aws.String(b.name), Key: aws.String(key), ChecksumMode: s3types.ChecksumModeEnabled,
	})
	if err != nil {
		if isNotFound(err) {
			return Object{}, ErrNotFound
		}
		return Object{}, fmt.Errorf("media: head %s: %w", key, err)
	}
	return Object{
		Size: aws.ToInt64(out.ContentLength), ContentType: aws.ToString(out.ContentType), Metadata: out.Metadata,
		SHA256: sha256Hex(aws.ToString(out.ChecksumSHA256)),
	}, nil
}

// sha256Hex turns S3's base64 SHA-256 checksum into hex; "" unless it is
// exactly one 32-byte digest (a multipart upload's "checksum of checksums"
// ends in -N and is not the file's hash).
func sha256Hex(b64 string) string {
	raw, err := base64.StdEncoding.DecodeString(b64)
	if err != nil || len(raw) != sha256.Size {
		return ""
	}
	return hex.EncodeToString(raw)
}

func isNotFound(err error) bool {
	var nf *s3types.NotFound
	var nsk *s3types.NoSuchKey
	var re *smithyhttp.ResponseError
	return errors.As(err, &nf) || errors.As(err, &nsk) || errors.As(err, &re) && re.HTTPStatusCode() == http.StatusNotFound
}

// Delete removes objects; keys that do not exist are not an error.
func (b *Bucket) Delete(ctx context.Context, keys ...string) error {
	for _, key := range keys {
		if key == "" {
			continue
		}
		_, err := b.s3.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(b.name), Key: aws.String(key)})
		if err != nil && !isNotFound(err) {
			return fmt.Errorf("media: delete %s: %w", key, err)
		}
	}
	return nil
}

// TTL is how long the URLs it signs stay valid.
func (b *Bucket) TTL() time.Duration { return b.ttl }

// PlayURL signs a GET of a clip for inline playback (served as video/mp4;
// Range requests work, so players can seek).
func (b *Bucket) PlayURL(ctx context.Context, key string) (string, error) {
	return b.sign(ctx, &s3.GetObjectInput{Key: aws.String(key), ResponseContentType: aws.String("video/mp4")})
}

// DownloadURL signs a GET of a clip that browsers save as filename.
func (b *Bucket) DownloadURL(ctx context.Context, key, filename string) (string, error) {
	return b.sign(ctx, &s3.GetObjectInput{
		Key:                        aws.String(key),
		ResponseContentType:        aws.String("video/mp4"),
		ResponseContentDisposition: aws.String(fmt.Sprintf("attachment; filename=%q", filename)),
	})
}

// ThumbnailURL signs a GET of a clip's JPEG still.
func (b *Bucket) ThumbnailURL(ctx context.Context, key string) (string, error) {
	return b.sign(ctx, &s3.GetObjectInput{Key: aws.String(key), ResponseContentType: aws.String("image/jpeg")})
}

func (b *Bucket) sign(ctx context.Context, in *s3.GetObjectInput) (string, error) {
	in.Bucket = aws.String(b.name)
	req, err := b.presign.PresignGetObject(ctx, in)
	if err != nil {
		return "", fmt.Errorf("media: signing %s: %w", aws.ToString(in.Key), err)
	}
	return req.URL, nil
}
