package s3server

import (
	"crypto/rand"
	"encoding/base32"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sync"
	"syscall"
)

// CameraKey is one camera's S3 key in a KeyFile.
type CameraKey struct {
	// AccessKeyID names the key.
	AccessKeyID string `json:"accessKeyId"`
	// SecretAccessKey signs the camera's requests.
	SecretAccessKey string `json:"secretAccessKey"`
}

// keyFileContent is the JSON of a KeyFile (docs/contracts.md, "Local
// stack command"): {"cameras": {"<camera id>": {"accessKeyId": ...,
// "secretAccessKey": ...}}}.
type keyFileContent struct {
	Cameras map[string]CameraKey `json:"cameras"`
}

// cameraID is the rule for camera ids (videos-api/clip.ValidCameraID).
var cameraID = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,62}$`)

// KeyFile is the local stack's file of per-camera S3 keys, in its data dir
// (mode 0600): the local stand-in for one IAM user per camera. The stack
// and upload-clip add a camera's key the first time it is needed (Ensure),
// each under an exclusive lock on Path+".lock", so concurrent writers never
// lose a key.
type KeyFile struct {
	// Path is the JSON file.
	Path string
	// Service is the Lambdas' own credential, held in memory only.
	Service Principal

	mu    sync.Mutex
	byKey map[string]Principal
}

// Lookup finds a key: the service's, or a camera's (reading the file again
// when the key is new, so cameras added since are found). It fits
// Config.Keys.
func (f *KeyFile) Lookup(accessKeyID string) (Principal, bool) {
	if accessKeyID == "" {
		return Principal{}, false
	}
	if accessKeyID == f.Service.AccessKeyID {
		return f.Service, true
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if p, ok := f.byKey[accessKeyID]; ok {
		return p, true
	}
	content, err := readKeyFile(f.Path)
	if err != nil {
		return Principal{}, false
	}
	f.byKey = map[string]Principal{}
	for cam, k := range content.Cameras {
		if cameraID.MatchString(cam) && k.AccessKeyID != "" && k.SecretAccessKey != "" {
			f.byKey[k.AccessKeyID] = Principal{AccessKeyID: k.AccessKeyID, SecretAccessKey: k.SecretAccessKey, Camera: cam}
		}
	}
	p, ok := f.byKey[accessKeyID]
	return p, ok
}

// Ensure returns the camera's key, creating it (and the file) if missing.
func (f *KeyFile) Ensure(camera string) (CameraKey, error) {
	if !cameraID.MatchString(camera) {
		return CameraKey{}, fmt.Errorf("s3server: camera id %q: use 1 to 63 lowercase letters, digits or hyphens", camera)
	}
	unlock, err := lockFile(f.Path + ".lock")
	if err != nil {
		return CameraKey{}, err
	}
	defer unlock()
	content, err := readKeyFile(f.Path)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return CameraKey{}, err
	}
	if k, ok := content.Cameras[camera]; ok && k.AccessKeyID != "" && k.SecretAccessKey != "" {
		return k, nil
	}
	k, err := NewCameraKey()
	if err != nil {
		return CameraKey{}, err
	}
	if content.Cameras == nil {
		content.Cameras = map[string]CameraKey{}
	}
	content.Cameras[camera] = k
	return k, writeKeyFile(f.Path, content)
}

// NewCameraKey makes a random access key id and secret.
func NewCameraKey() (CameraKey, error) {
	var id [10]byte
	var secret [30]byte
	if _, err := rand.Read(id[:]); err != nil {
		return CameraKey{}, err
	}
	if _, err := rand.Read(secret[:]); err != nil {
		return CameraKey{}, err
	}
	return CameraKey{
		AccessKeyID:     "CVLC" + base32.StdEncoding.EncodeToString(id[:]),
		SecretAccessKey: base64.RawURLEncoding.EncodeToString(secret[:]),
	}, nil
}

func readKeyFile(path string) (keyFileContent, error) {
	var c keyFileContent
	b, err := os.ReadFile(path)
	if err != nil {
		return c, err
	}
	if err := json.Unmarshal(b, &c); err != nil {
		return c, fmt.Errorf("s3server: %s: %w", path, err)
	}
	return c, nil
}

// writeKeyFile replaces the file atomically (temp file and rename).
func writeKeyFile(path string, c keyFileContent) error {
	b, err := json.MarshalIndent(c, "", "  ")
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".cameras-*.json")
	if err != nil {
		return fmt.Errorf("s3server: write camera keys: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(append(b, '\n')); err != nil {
		tmp.Close()
		return fmt.Errorf("s3server: write camera keys: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("s3server: write camera keys: %w", err)
	}
	// CreateTemp makes the file 0600.
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("s3server: write camera keys: %w", err)
	}
	return nil
}

// lockFile takes an exclusive lock on path (created 0600) and returns its
// release.
func lockFile(path string) (func(), error) {
	l, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, fmt.Errorf("s3server: camera keys lock: %w", err)
	}
	if err := syscall.Flock(int(l.Fd()), syscall.LOCK_EX); err != nil {
		l.Close()
		return nil, fmt.Errorf("s3server: camera keys lock: %w", err)
	}
	return func() { l.Close() }, nil
}
