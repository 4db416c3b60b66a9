// Package activity is camvault's activity trail: who changed what in the
// owner's console, and who opened which clip. Entries are written once and
// never edited; they expire after the stage's retention (default a year).
package activity

import (
	"crypto/rand"
	"time"

	"github.com/camvault/camvault/videos-api/clip"
)

// Action names what happened.
type Action string

// The actions recorded.
const (
	// GrantPut: a grant was created or replaced.
	GrantPut Action = "grant.put"
	// GrantDelete: a grant was removed.
	GrantDelete Action = "grant.delete"
	// CameraRename: a camera's display name changed.
	CameraRename Action = "camera.rename"
	// CameraDisable and CameraEnable: a camera's uploads were refused or
	// accepted again.
	CameraDisable Action = "camera.disable"
	CameraEnable  Action = "camera.enable"
	// CameraRemove: a camera and its clips were removed.
	CameraRemove Action = "camera.remove"
	// ClipOpen: a person was handed a clip's signed play and download URLs.
	ClipOpen Action = "clip.open"
	// ClipDelete: an admin deleted a clip.
	ClipDelete Action = "clip.delete"
	// ClipKeep and ClipUnkeep: a clip was kept past retention, or given
	// back to it.
	ClipKeep   Action = "clip.keep"
	ClipUnkeep Action = "clip.unkeep"
	// ShareCreate and ShareRevoke: a share link was made or revoked
	// (Subject is the share's id).
	ShareCreate Action = "share.create"
	ShareRevoke Action = "share.revoke"
	// ShareOpen: someone opened a share link (Actor is ShareLinkActor,
	// Subject the share's id, After the coarse client).
	ShareOpen Action = "share.open"
	// JobCreate and JobDone: an admin started a bulk job (Subject is its
	// id, After its selection), and it finished (After: its counts).
	JobCreate Action = "job.create"
	JobDone   Action = "job.done"
)

// ShareLinkActor is the actor of a share link's opens: whoever holds the
// link, signed in or not.
const ShareLinkActor = "share-link"

// DefaultRetentionDays is how long entries are kept unless the stage says
// otherwise (AUDIT_RETENTION_DAYS).
const DefaultRetentionDays = 365

// Entry is one line of the trail.
type Entry struct {
	// ID orders entries by time (a ULID); set by NewEntry.
	ID string
	// At is when it happened.
	At time.Time
	// Actor is the address of the person who did it.
	Actor string
	// Action is what they did.
	Action Action
	// Subject is the grant's subject, for grant actions.
	Subject string
	// CameraID and VideoID name the camera and clip concerned, if any.
	CameraID, VideoID string
	// Before and After are the value changed, as JSON; empty when there was
	// none (a new grant has no Before, a removed one no After).
	Before, After string
}

// NewEntry returns an entry at time at with a fresh time-ordered id.
func NewEntry(at time.Time, actor string, action Action) Entry {
	id, err := clip.NewVideoID(at, rand.Reader)
	if err != nil {
		// crypto/rand does not fail on supported platforms; a zero-entropy
		// id still orders by time.
		id = clip.MinVideoID(at)
	}
	return Entry{ID: id, At: at.UTC(), Actor: actor, Action: action}
}
