package media

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/camvault/camvault/videos-api/clip"
)

// SetRetention tags an object with clip.RetentionTag=value (replacing its
// tag set, which holds nothing else of ours), so the bucket's lifecycle rule
// expires it (clip.RetentionStandard) or spares it (clip.RetentionKept).
// A missing object is ErrNotFound.
func (b *Bucket) SetRetention(ctx context.Context, key, value string) error {
	_, err := b.s3.PutObjectTagging(ctx, &s3.PutObjectTaggingInput{
		Bucket: aws.String(b.name),
		Key:    aws.String(key),
		Tagging: &s3types.Tagging{TagSet: []s3types.Tag{
			{Key: aws.String(clip.RetentionTag), Value: aws.String(value)},
		}},
	})
	if err != nil {
		if isNotFound(err) {
			return ErrNotFound
		}
		return fmt.Errorf("media: tagging %s: %w", key, err)
	}
	return nil
}

// Retention returns an object's clip.RetentionTag value ("" when untagged),
// or ErrNotFound.
func (b *Bucket) Retention(ctx context.Context, key string) (string, error) {
	out, err := b.s3.GetObjectTagging(ctx, &s3.GetObjectTaggingInput{Bucket: aws.String(b.name), Key: aws.String(key)})
	if err != nil {
		if isNotFound(err) {
			return "", ErrNotFound
		}
		return "", fmt.Errorf("media: reading tags of %s: %w", key, err)
	}
	for _, t := range out.TagSet {
		if aws.ToString(t.Key) == clip.RetentionTag {
			return aws.ToString(t.Value), nil
		}
	}
	return "", nil
}
