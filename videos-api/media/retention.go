package media

import (
	"context"
	"errors"
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

// TagUntagged gives every object under prefix that has no clip.RetentionTag
// the tag clip.RetentionStandard, and leaves tagged ones alone: the one-off
// backfill for objects uploaded before retention was a tag (the expiring
// lifecycle rule takes only tagged objects, so untagged ones would never
// expire). Nothing was kept before the tag existed, so standard is right
// for all of them. It is idempotent; dryRun only counts. It returns how
// many objects it tagged (or would tag) and how many already had a tag.
func (b *Bucket) TagUntagged(ctx context.Context, prefix string, dryRun bool) (tagged, already int, err error) {
	p := s3.NewListObjectsV2Paginator(b.s3, &s3.ListObjectsV2Input{Bucket: aws.String(b.name), Prefix: aws.String(prefix)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return tagged, already, fmt.Errorf("media: listing %s: %w", prefix, err)
		}
		for _, o := range page.Contents {
			key := aws.ToString(o.Key)
			v, err := b.Retention(ctx, key)
			if errors.Is(err, ErrNotFound) {
				continue // deleted since the listing
			}
			if err != nil {
				return tagged, already, err
			}
			if v != "" {
				already++
				continue
			}
			if !dryRun {
				if err := b.SetRetention(ctx, key, clip.RetentionStandard); err != nil && !errors.Is(err, ErrNotFound) {
					return tagged, already, err
				}
			}
			tagged++
		}
	}
	return tagged, already, nil
}
