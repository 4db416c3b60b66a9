package clip_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/camvault/camvault/videos-api/clip"
)

const id = "01M89KGYH860R30C1G60R30C1H" // 2026-11-25T14:59:58.120Z

func TestParseObjectKey(t *testing.T) {
	captured := time.Date(2026, 11, 25, 14, 59, 58, 120e6, time.UTC)
	tests := []struct {
		key       string
		kind      clip.Kind
		videoID   string
		at        time.Time
		canonical bool
	}{
		{"clips/front-door/2026/11/25/20261125T145958.120Z_" + id + ".mp4", clip.KindClip, id, captured, true},
		{"clips/front-door/2026/11/25/20261125T145958.120Z_" + id + ".jpg", clip.KindThumbnail, id, captured, true},
		{"clips/front-door/2026/11/25/20261125T145958Z_" + id + ".mp4", clip.KindClip, id, captured, false},
		{"clips/front-door/2026/11/25/2026-11-25T14:59:58Z_" + id + ".mp4", clip.KindClip, id, captured, false},
		{"clips/front-door/2026/11/25/2026-11-25T14:59:58.120Z_" + id + ".jpg", clip.KindThumbnail, id, captured, false},
		{"clips/front-door/2026/11/25/2026-11-25T15:59:58+01:00_" + id + ".mp4", clip.KindClip, id, captured, false},
		// The key's time wins over a ULID from another time: restamped.
		{"clips/front-door/2026/11/25/20261125T100000Z_" + id + ".mp4", clip.KindClip,
			clip.WithTime(id, time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)), time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC), false},
		{"clips/front-door/2026/11/25/20261125T100000.000Z_" + id + ".mp4", clip.KindClip,
			clip.WithTime(id, time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)), time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC), false},
	}
	for _, tt := range tests {
		t.Run(tt.key, func(t *testing.T) {
			k, err := clip.ParseObjectKey(tt.key)
			if err != nil {
				t.Fatal(err)
			}
			if k.Kind != tt.kind || k.VideoID != tt.videoID || !k.CapturedAt.Equal(tt.at) || k.CameraID != "front-door" || k.Canonical != tt.canonical {
				t.Fatalf("= %+v", k)
			}
			if vt, _ := clip.VideoTime(k.VideoID); !vt.Equal(k.CapturedAt) {
				t.Fatalf("id time %v != capture time %v", vt, k.CapturedAt)
			}
			base := strings.TrimSuffix(strings.TrimSuffix(tt.key, ".mp4"), ".jpg")
			if k.ClipKey != base+".mp4" || k.ThumbnailKey != base+".jpg" {
				t.Fatalf("keys = %s %s", k.ClipKey, k.ThumbnailKey)
			}
		})
	}
	for _, bad := range []string{
		"", "clips/", "uploads/front-door/2026/11/25/20261125T145958Z_" + id + ".mp4",
		"clips/Front/2026/11/25/20261125T145958Z_" + id + ".mp4",
		"clips/front-door/2026/11/24/20261125T145958Z_" + id + ".mp4",
		"clips/front-door/2026/11/25/20261125T145958Z_" + strings.ToLower(id) + ".mp4",
		"clips/front-door/2026/11/25/20261125T145958Z" + id + ".mp4",
		"clips/front-door/2026/11/25/x/20261125T145958Z_" + id + ".mp4",
		"clips/front-door/2026/11/25/20261125T145958Z_" + id + ".mov",
		"clips/front-door/2026/11/25/yesterday_" + id + ".mp4",
	} {
		if _, err := clip.ParseObjectKey(bad); !errors.Is(err, clip.ErrNotClipKey) {
			t.Errorf("ParseObjectKey(%q) = %v, want ErrNotClipKey", bad, err)
		}
	}
}

func TestVideoIDs(t *testing.T) {
	at := time.Date(2026, 11, 25, 14, 59, 58, 120e6, time.UTC)
	got, err := clip.NewVideoID(at, strings.NewReader("0000000001"))
	if err != nil || got != id {
		t.Fatalf("NewVideoID = %q, %v; want %q", got, err, id)
	}
	if vt, _ := clip.VideoTime(id); !vt.Equal(at) {
		t.Fatalf("VideoTime = %v", vt)
	}
	if !(clip.MinVideoID(at) <= id && id <= clip.MaxVideoID(at)) {
		t.Fatal("id outside its millisecond's bounds")
	}
	if clip.MaxVideoID(at.Add(-time.Millisecond)) >= id || clip.MinVideoID(at.Add(time.Millisecond)) <= id {
		t.Fatal("neighbouring milliseconds overlap")
	}
	for _, bad := range []string{"", id[:25], id + "0", "8" + id[1:], "01M89KGYH860R30C1G60R30C1I", "01m89kgyh860r30c1g60r30c1h"} {
		if clip.ValidVideoID(bad) {
			t.Errorf("ValidVideoID(%q) = true", bad)
		}
	}
	for id, ok := range map[string]bool{"a": true, "front-door": true, "-a": false, "A": false, "a_b": false, strings.Repeat("a", 63): true, strings.Repeat("a", 64): false} {
		if clip.ValidCameraID(id) != ok {
			t.Errorf("ValidCameraID(%q) != %v", id, ok)
		}
	}
}

func FuzzParseObjectKey(f *testing.F) {
	f.Add("clips/front-door/2026/11/25/20261125T145958.120Z_" + id + ".mp4")
	f.Add("clips/a/2026/11/25/2026-11-25T14:59:58Z_" + id + ".jpg")
	f.Add("clips/////_.mp4")
	f.Fuzz(func(t *testing.T, key string) {
		k, err := clip.ParseObjectKey(key)
		if err != nil {
			return
		}
		if !clip.ValidCameraID(k.CameraID) || !clip.ValidVideoID(k.VideoID) {
			t.Fatalf("accepted %q with bad ids %+v", key, k)
		}
		if vt, _ := clip.VideoTime(k.VideoID); !vt.Equal(k.CapturedAt) {
			t.Fatalf("%q: id time %v != capture time %v", key, vt, k.CapturedAt)
		}
		if k.ClipKey != key && k.ThumbnailKey != key {
			t.Fatalf("%q: neither derived key is the input", key)
		}
	})
}
