package localstack

import (
	"crypto/rand"
	"encoding/base32"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"

	"github.com/camvault/camvault/videos-api/clip"
)

// CameraKey is one camera's S3 key for the local stack.
type CameraKey struct {
	AccessKeyID     string `json:"accessKeyId"`
	SecretAccessKey string `json:"secretAccessKey"`
}

// camerasContent is the stack's cameras file (docs/contracts.md, "Local
// stack command"); local/s3server.KeyFile reads and writes the same.
type camerasContent struct {
	Cameras map[string]CameraKey `json:"cameras"`
}

// EnsureCameraKey returns camera's key from the stack's cameras file at
// path, adding one first if the camera has none, as provisioning a camera's
// IAM user does in AWS. The file is changed under an exclusive lock on
// path+".lock", the stack's lock too, and replaced atomically (mode 0600).
func EnsureCameraKey(path, camera string) (CameraKey, error) {
	if !clip.ValidCameraID(camera) {
		return CameraKey{}, fmt.Errorf("camera id %q: use 1 to 63 lowercase letters, digits or hyphens", camera)
	}
	if path == "" {
		return CameraKey{}, errors.New("the local stack names no camerasFile in its local.json (restart it with the current camvault-local)")
	}
	l, err := os.OpenFile(path+".lock", os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return CameraKey{}, fmt.Errorf("camera keys: %w", err)
	}
	defer l.Close()
	if err := syscall.Flock(int(l.Fd()), syscall.LOCK_EX); err != nil {
		return CameraKey{}, fmt.Errorf("camera keys: %w", err)
	}
	var c camerasContent
	b, err := os.ReadFile(path)
	switch {
	case err == nil:
		if err := json.Unmarshal(b, &c); err != nil {
			return CameraKey{}, fmt.Errorf("camera keys %s: %w", path, err)
		}
	case !errors.Is(err, os.ErrNotExist):
		return CameraKey{}, fmt.Errorf("camera keys: %w", err)
	}
	if k, ok := c.Cameras[camera]; ok && k.AccessKeyID != "" && k.SecretAccessKey != "" {
		return k, nil
	}
	var id [10]byte
	var secret [30]byte
	if _, err := rand.Read(id[:]); err != nil {
		return CameraKey{}, err
	}
	if _, err := rand.Read(secret[:]); err != nil {
		return CameraKey{}, err
	}
	k := CameraKey{AccessKeyID: "CVLC" + base32.StdEncoding.EncodeToString(id[:]), SecretAccessKey: base64.RawURLEncoding.EncodeToString(secret[:])}
	if c.Cameras == nil {
		c.Cameras = map[string]CameraKey{}
	}
	c.Cameras[camera] = k
	out, err := json.MarshalIndent(c, "", "  ")
	if err != nil {
		return CameraKey{}, err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".cameras-*.json")
	if err != nil {
		return CameraKey{}, fmt.Errorf("camera keys: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(append(out, '\n')); err != nil {
		tmp.Close()
		return CameraKey{}, fmt.Errorf("camera keys: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return CameraKey{}, fmt.Errorf("camera keys: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return CameraKey{}, fmt.Errorf("camera keys: %w", err)
	}
	return k, nil
}
