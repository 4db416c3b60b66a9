package send

import (
	"bytes"
	"context"
	"encoding/base64"
	"image"
	"image/jpeg"

	"github.com/camvault/camvault/videos-api/clip"
	"github.com/camvault/camvault/videos-api/media"
)

// maxThumbnailObject bounds the thumbnail object read (cameras upload
// small JPEG stills).
const maxThumbnailObject = 2 << 20

// ClipReader finds a clip's record (the clips store).
type ClipReader interface {
	GetVideo(ctx context.Context, cameraID, videoID string) (clip.Video, error)
}

// ThumbnailReader reads objects (media.Bucket).
type ThumbnailReader interface {
	Read(ctx context.Context, key string, max int64) ([]byte, error)
}

// BucketThumbnails makes the inline thumbnail of an alert: the clip's
// JPEG still, shrunk until its data: URL fits the push payload. A push
// service never sees it (the payload is encrypted to the browser) and it
// grants nothing: it is a picture, not a link.
type BucketThumbnails struct {
	clips  ClipReader
	bucket ThumbnailReader
}

// NewThumbnails returns thumbnails read through clips and bucket.
func NewThumbnails(clips ClipReader, bucket *media.Bucket) *BucketThumbnails {
	return &BucketThumbnails{clips: clips, bucket: bucket}
}

// DataURL implements Thumbnails: "" when the clip has no thumbnail, it
// cannot be read or decoded, or no size fits maxBytes.
func (t *BucketThumbnails) DataURL(ctx context.Context, cameraID, videoID string, maxBytes int) string {
	v, err := t.clips.GetVideo(ctx, cameraID, videoID)
	if err != nil || v.ThumbnailKey == "" {
		return ""
	}
	data, err := t.bucket.Read(ctx, v.ThumbnailKey, maxThumbnailObject)
	if err != nil {
		return ""
	}
	return ShrinkJPEG(data, maxBytes)
}

// ShrinkJPEG returns a data:image/jpeg URL of img scaled down until the URL
// is at most maxBytes long, or "" if it cannot be.
func ShrinkJPEG(data []byte, maxBytes int) string {
	src, err := jpeg.Decode(bytes.NewReader(data))
	if err != nil {
		return ""
	}
	const prefix = "data:image/jpeg;base64,"
	for _, width := range []int{192, 144, 96, 64} {
		for _, q := range []int{60, 40} {
			var buf bytes.Buffer
			if err := jpeg.Encode(&buf, scale(src, width), &jpeg.Options{Quality: q}); err != nil {
				return ""
			}
			if len(prefix)+base64.StdEncoding.EncodedLen(buf.Len()) <= maxBytes {
				return prefix + base64.StdEncoding.EncodeToString(buf.Bytes())
			}
		}
	}
	return ""
}

// scale resizes src to width (keeping its aspect ratio) by averaging the
// source pixels under each target pixel.
func scale(src image.Image, width int) image.Image {
	b := src.Bounds()
	if b.Dx() <= width {
		return src
	}
	height := max(1, b.Dy()*width/b.Dx())
	dst := image.NewRGBA(image.Rect(0, 0, width, height))
	for y := range height {
		y0, y1 := b.Min.Y+y*b.Dy()/height, b.Min.Y+(y+1)*b.Dy()/height
		for x := range width {
			x0, x1 := b.Min.X+x*b.Dx()/width, b.Min.X+(x+1)*b.Dx()/width
			var r, g, bl, n uint64
			for sy := y0; sy < max(y1, y0+1); sy += 2 {
				for sx := x0; sx < max(x1, x0+1); sx += 2 {
					cr, cg, cb, _ := src.At(sx, sy).RGBA()
					r, g, bl, n = r+uint64(cr), g+uint64(cg), bl+uint64(cb), n+1
				}
			}
			i := dst.PixOffset(x, y)
			dst.Pix[i], dst.Pix[i+1], dst.Pix[i+2], dst.Pix[i+3] = uint8(r/n>>8), uint8(g/n>>8), uint8(bl/n>>8), 0xff
		}
	}
	return dst
}
