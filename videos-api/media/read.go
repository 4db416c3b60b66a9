package media

import (
	"context"
	"fmt"
	"io"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// Read returns an object's bytes if it is at most max bytes long, or
// ErrNotFound. The push sender reads thumbnails with it.
func (b *Bucket) Read(ctx context.Context, key string, max int64) ([]byte, error) {
	out, err := b.s3.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(b.name), Key: aws.String(key)})
	if err != nil {
		if isNotFound(err) {
			return nil, ErrNotFound
		}
		return nil, fmt.Errorf("media: get %s: %w", key, err)
	}
	defer out.Body.Close()
	data, err := io.ReadAll(io.LimitReader(out.Body, max+1))
	if err != nil {
		return nil, fmt.Errorf("media: get %s: %w", key, err)
	}
	if int64(len(data)) > max {
		return nil, fmt.Errorf("media: get %s: larger than %d bytes", key, max)
	}
	return data, nil
}
