// Package clip is camvault's domain: cameras, their clips (videos), the ids
// that name them and the S3 object layout clips are uploaded under. It knows
// nothing of DynamoDB, S3 clients or API Gateway.
package clip

import (
	"fmt"
	"regexp"
	"strings"
	"time"
)

// cameraIDPattern is the alphabet and length of a camera id.
var cameraIDPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,62}$`)

// ValidCameraID reports whether id is a well-formed camera id: 1 to 63
// lowercase letters, digits or hyphens, not starting with a hyphen.
func ValidCameraID(id string) bool {
	return cameraIDPattern.MatchString(id)
}

// crockford is the Crockford base32 alphabet ULIDs are written in.
const crockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

// VideoIDLength is the length of a video id: a ULID, 26 characters.
const VideoIDLength = 26

// timeChars is how many leading characters of a ULID hold its 48-bit
// millisecond timestamp.
const timeChars = 10

// ValidVideoID reports whether id is a ULID in canonical form: 26 uppercase
// Crockford base32 characters whose first is at most 7 (so it fits 128 bits).
func ValidVideoID(id string) bool {
	if len(id) != VideoIDLength || id[0] > '7' {
		return false
	}
	for i := 0; i < len(id); i++ {
		if strings.IndexByte(crockford, id[i]) < 0 {
			return false
		}
	}
	return true
}

// VideoTime returns the capture time encoded in a valid video id, to the
// millisecond, in UTC.
func VideoTime(id string) (time.Time, error) {
	if !ValidVideoID(id) {
		return time.Time{}, fmt.Errorf("clip: malformed video id %q", id)
	}
	var ms uint64
	for i := 0; i < timeChars; i++ {
		ms = ms<<5 | uint64(strings.IndexByte(crockford, id[i]))
	}
	return time.UnixMilli(int64(ms)).UTC(), nil
}

// encodeTime writes t's Unix milliseconds as the 10-character ULID time
// prefix. Times before 1970 encode as zero.
func encodeTime(t time.Time) string {
	ms := t.UnixMilli()
	if ms < 0 {
		ms = 0
	}
	var b [timeChars]byte
	for i := timeChars - 1; i >= 0; i-- {
		b[i] = crockford[ms&31]
		ms >>= 5
	}
	return string(b[:])
}

// WithTime returns id with its timestamp replaced by t (milliseconds) and
// its 80 random bits kept: the same inputs always give the same id.
func WithTime(id string, t time.Time) string {
	return encodeTime(t) + id[timeChars:]
}

// MinVideoID is the smallest video id at time t (to the millisecond): every
// clip captured at or after t has an id >= it.
func MinVideoID(t time.Time) string {
	return encodeTime(t) + strings.Repeat("0", VideoIDLength-timeChars)
}

// MaxVideoID is the largest video id at time t (to the millisecond): every
// clip captured at or before t's millisecond has an id <= it.
func MaxVideoID(t time.Time) string {
	return encodeTime(t) + strings.Repeat("Z", VideoIDLength-timeChars)
}
