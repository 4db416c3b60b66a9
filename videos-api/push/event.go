package push

import "time"

// ClipEvent is what ingest hands the sender (the payload of its
// asynchronous invocation): a new clip was recorded.
type ClipEvent struct {
	// CameraID and VideoID name the clip.
	CameraID string `json:"cameraId"`
	VideoID  string `json:"videoId"`
	// CapturedAt is the clip's capture time.
	CapturedAt time.Time `json:"capturedAt"`
	// CameraName is the camera's display name, when ingest knows it.
	CameraName string `json:"cameraName,omitempty"`
}

// Payload is the JSON the service worker receives, encrypted to the
// browser. It carries no signed URL and no token: the link opens the clip
// in the web client, which asks for sign-in first.
type Payload struct {
	// V is the payload version (1).
	V int `json:"v"`
	// Title is the notification title: the camera's name.
	Title string `json:"title"`
	// CameraID, VideoID and CapturedAt (RFC 3339) name the clip.
	CameraID   string `json:"cameraId"`
	VideoID    string `json:"videoId"`
	CapturedAt string `json:"capturedAt"`
	// Folded is how many clips of the camera were folded into this alert
	// (burst or quiet hours) since the previous one.
	Folded int `json:"folded"`
	// URL opens the clip in the web client.
	URL string `json:"url"`
	// Image is the clip's thumbnail as a small data: URL, when it fits.
	Image string `json:"image,omitempty"`
}
