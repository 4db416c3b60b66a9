package clip

import "time"

// Camera is a camera that has uploaded at least one clip.
type Camera struct {
	// ID is the camera's id, as in its object keys.
	ID string
	// Name is a display name; it defaults to the id.
	Name string
	// LastClipAt is the capture time of its newest clip.
	LastClipAt time.Time
	// ClipCount is how many clips it has on record.
	ClipCount int64
	// Disabled is true when an admin stopped accepting its uploads; its
	// clips stay.
	Disabled bool
	// Removing is true while an admin's removal of the camera and its
	// clips is under way: it is listed nowhere and accepts no uploads.
	Removing bool
	// RemovedClips counts the clips a removal has deleted so far.
	RemovedClips int64
}

// Video is one recorded clip's metadata.
type Video struct {
	// ID is the clip's ULID; its time is CapturedAt.
	ID string
	// CameraID is the camera that recorded it.
	CameraID string
	// CapturedAt is the device's capture time, to the millisecond, UTC.
	CapturedAt time.Time
	// DurationSeconds is the clip's length if the device said (0 = unknown).
	DurationSeconds float64
	// Size is the MP4 object's size in bytes.
	Size int64
	// ContentType is the MP4 object's content type.
	ContentType string
	// ObjectKey is the S3 key of the MP4.
	ObjectKey string
	// ThumbnailKey is the S3 key of the JPEG still, empty if none arrived.
	ThumbnailKey string
	// ExpiresAt is when retention removes it; zero while the clip is kept.
	ExpiresAt time.Time
	// SHA256 is the MP4's SHA-256 in lowercase hex, as S3 verified it at
	// upload; empty if the camera sent no checksum.
	SHA256 string
	// Kept clips are exempt from retention until someone un-keeps them.
	Kept bool
}

// Access is what a caller may see: every camera, or a fixed set.
type Access struct {
	// All is true for people who see every camera.
	All bool
	// Cameras are the cameras a restricted person may see, sorted.
	Cameras []string
}

// Allows reports whether the caller may see camera id.
func (a Access) Allows(id string) bool {
	if a.All {
		return true
	}
	for _, c := range a.Cameras {
		if c == id {
			return true
		}
	}
	return false
}
