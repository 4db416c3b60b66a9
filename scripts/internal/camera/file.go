package camera

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
)

// nonVideoBrands are ftyp major brands of ISO base media files that are not
// video clips: HEIF/AVIF still images and MPEG-4 audio.
var nonVideoBrands = map[string]string{
	"heic": "a HEIC image", "heix": "a HEIC image", "mif1": "a HEIF image", "msf1": "a HEIF image sequence",
	"avif": "an AVIF image", "avis": "an AVIF image sequence",
	"M4A ": "an MPEG-4 audio file", "M4B ": "an MPEG-4 audio book", "M4P ": "an MPEG-4 audio file",
}

// CheckClipFile reports why path cannot be uploaded as a clip, or nil: it
// must be a readable, non-empty regular file that starts with an ISO base
// media ftyp box (MP4, M4V, MOV and the like), and not one of an image or
// audio brand. The errors read well after "upload-clip: ".
func CheckClipFile(path string) error {
	f, err := openRegular(path, "--file")
	if err != nil {
		return err
	}
	defer f.Close()
	var head [12]byte
	n, err := io.ReadFull(f, head[:])
	if n == 0 {
		return fmt.Errorf("--file %s is empty", path)
	}
	if err != nil || string(head[4:8]) != "ftyp" {
		return fmt.Errorf("--file %s is not an MP4 video (it does not start with an MP4 ftyp box)", path)
	}
	if size := binary.BigEndian.Uint32(head[:4]); size != 1 && size < 12 {
		return fmt.Errorf("--file %s is not an MP4 video (its ftyp box is %d bytes long)", path, size)
	}
	if what, ok := nonVideoBrands[string(head[8:12])]; ok {
		return fmt.Errorf("--file %s is %s, not an MP4 video", path, what)
	}
	return nil
}

// CheckThumbnailFile reports why path cannot be uploaded as a clip's
// thumbnail, or nil: it must be a readable regular file holding a JPEG.
func CheckThumbnailFile(path string) error {
	f, err := openRegular(path, "--thumbnail")
	if err != nil {
		return err
	}
	defer f.Close()
	var head [3]byte
	if _, err := io.ReadFull(f, head[:]); err != nil || head != [3]byte{0xFF, 0xD8, 0xFF} {
		return fmt.Errorf("--thumbnail %s is not a JPEG image", path)
	}
	return nil
}

// openRegular opens path for reading if it is a regular file; flag names the
// option in the error.
func openRegular(path, flag string) (*os.File, error) {
	f, err := os.Open(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("%s %s: no such file", flag, path)
	case errors.Is(err, fs.ErrPermission):
		return nil, fmt.Errorf("%s %s: permission denied", flag, path)
	case err != nil:
		return nil, fmt.Errorf("%s %s: %w", flag, path, err)
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("%s %s: %w", flag, path, err)
	}
	if !fi.Mode().IsRegular() {
		f.Close()
		return nil, fmt.Errorf("%s %s is not a file", flag, path)
	}
	return f, nil
}
