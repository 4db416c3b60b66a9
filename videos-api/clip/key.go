package clip

import (
	"errors"
	"fmt"
	"io"
	"path"
	"strings"
	"time"
)

// KeyPrefix is the prefix of every clip and thumbnail object key.
const KeyPrefix = "clips/"

// KeyTimeLayout is how ObjectKey writes the capture time into a key (UTC, to
// the millisecond, no colons). ParseObjectKey also reads the same layout
// without milliseconds and RFC 3339 times.
const KeyTimeLayout = "20060102T150405.000Z"

// MaxClockAhead is how far a camera's capture time may run ahead of the
// upload (S3's event time) before ingest refuses the clip as a broken
// clock. What relies on every new clip being ingested after some moment
// (an audience's since) adds it as a margin.
const MaxClockAhead = 24 * time.Hour

// keyTimeLayouts are the capture-time spellings a key may use.
var keyTimeLayouts = []string{KeyTimeLayout, "20060102T150405Z", time.RFC3339Nano}

// Kind says what an object under clips/ is.
type Kind string

// The kinds of object a camera uploads.
const (
	// KindClip is the MP4 video itself.
	KindClip Kind = "clip"
	// KindThumbnail is the JPEG still beside it.
	KindThumbnail Kind = "thumbnail"
)

// ErrNotClipKey is returned (wrapped) by ParseObjectKey for keys outside the
// clip layout; callers skip such objects.
var ErrNotClipKey = errors.New("not a clip object key")

// ObjectKey is a parsed clip or thumbnail key:
// clips/{cameraId}/{yyyy}/{mm}/{dd}/{capturedAt}_{videoId}.mp4 (or .jpg).
type ObjectKey struct {
	// Kind is a clip (.mp4) or its thumbnail (.jpg).
	Kind Kind
	// CameraID is the camera that recorded the clip.
	CameraID string
	// VideoID is the clip's canonical id: the key's ULID, restamped with
	// the key's capture time if the two disagree, so VideoTime(VideoID)
	// always equals CapturedAt.
	VideoID string
	// CapturedAt is when the camera recorded the clip, to the millisecond.
	CapturedAt time.Time
	// ClipKey is the key of the .mp4 object.
	ClipKey string
	// ThumbnailKey is the key of the .jpg beside it.
	ThumbnailKey string
	// Canonical is true when the parsed key is spelled exactly as
	// ObjectKeys writes it: KeyTimeLayout, and a video id whose time is the
	// capture time. Only canonical keys are ingested, so one clip has one
	// spelling.
	Canonical bool
}

// ParseObjectKey reads a clip or thumbnail key. The date folders must be the
// capture time's UTC date. The result depends on the key alone, so every
// delivery of the same object, and the clip and its thumbnail, agree on the
// video id.
func ParseObjectKey(key string) (ObjectKey, error) {
	fail := func(why string) (ObjectKey, error) {
		return ObjectKey{}, fmt.Errorf("clip: key %q: %s: %w", key, why, ErrNotClipKey)
	}
	rest, ok := strings.CutPrefix(key, KeyPrefix)
	if !ok {
		return fail("not under " + KeyPrefix)
	}
	parts := strings.Split(rest, "/")
	if len(parts) != 5 {
		return fail("want clips/{camera}/{yyyy}/{mm}/{dd}/{file}")
	}
	camera, yyyy, mm, dd, file := parts[0], parts[1], parts[2], parts[3], parts[4]
	if !ValidCameraID(camera) {
		return fail("bad camera id")
	}
	var k ObjectKey
	ext := path.Ext(file)
	switch ext {
	case ".mp4":
		k.Kind = KindClip
	case ".jpg":
		k.Kind = KindThumbnail
	default:
		return fail("not .mp4 or .jpg")
	}
	stamp, id, ok := strings.Cut(strings.TrimSuffix(file, ext), "_")
	if !ok || !ValidVideoID(id) {
		return fail("want {capturedAt}_{videoId}")
	}
	captured, err := parseKeyTime(stamp)
	if err != nil {
		return fail("bad capture time")
	}
	if captured.Format("2006/01/02") != yyyy+"/"+mm+"/"+dd {
		return fail("date folders do not match the capture time")
	}
	idTime, _ := VideoTime(id)
	precise := captured.Nanosecond() != 0
	switch {
	case precise && idTime.Equal(captured), !precise && idTime.Truncate(time.Second).Equal(captured):
		captured = idTime
	default:
		id = WithTime(id, captured)
	}
	base := strings.TrimSuffix(key, ext)
	k.CameraID, k.VideoID, k.CapturedAt = camera, id, captured
	k.ClipKey, k.ThumbnailKey = base+".mp4", base+".jpg"
	if canon, _, err := ObjectKeys(camera, id); err == nil {
		k.Canonical = strings.TrimSuffix(canon, ".mp4")+ext == key
	}
	return k, nil
}

// parseKeyTime reads a capture time in any of keyTimeLayouts, truncated to
// the millisecond, in UTC.
func parseKeyTime(s string) (time.Time, error) {
	for _, layout := range keyTimeLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC().Truncate(time.Millisecond), nil
		}
	}
	return time.Time{}, fmt.Errorf("clip: unparseable capture time %q", s)
}

// ObjectKeys returns the clip and thumbnail keys a camera uploads for a clip
// captured at the time in videoID (see NewVideoID).
func ObjectKeys(cameraID, videoID string) (clipKey, thumbnailKey string, err error) {
	if !ValidCameraID(cameraID) {
		return "", "", fmt.Errorf("clip: malformed camera id %q", cameraID)
	}
	t, err := VideoTime(videoID)
	if err != nil {
		return "", "", err
	}
	base := fmt.Sprintf("%s%s/%s/%s_%s", KeyPrefix, cameraID, t.Format("2006/01/02"), t.Format(KeyTimeLayout), videoID)
	return base + ".mp4", base + ".jpg", nil
}

// NewVideoID returns a ULID for a clip captured at t, its 80 random bits
// read from entropy (crypto/rand.Reader in production).
func NewVideoID(t time.Time, entropy io.Reader) (string, error) {
	var r [10]byte
	if _, err := io.ReadFull(entropy, r[:]); err != nil {
		return "", fmt.Errorf("clip: reading entropy: %w", err)
	}
	var b [VideoIDLength - timeChars]byte
	// 80 bits as 16 groups of 5, most significant first.
	var acc uint64
	bits, j := 0, 0
	for _, c := range r {
		acc = acc<<8 | uint64(c)
		bits += 8
		for bits >= 5 {
			bits -= 5
			b[j] = crockford[(acc>>uint(bits))&31]
			j++
		}
	}
	return encodeTime(t) + string(b[:]), nil
}
