package seed

import (
	"bytes"
	"fmt"
	"testing"
	"time"

	"github.com/camvault/camvault/videos-api/clip"
)

func TestPlan(t *testing.T) {
	now := time.Date(2026, 3, 10, 0, 30, 0, 0, time.UTC)
	clips, err := Plan(now, nil)
	if err != nil {
		t.Fatal(err)
	}
	days := map[string]bool{}
	ids := map[string]bool{}
	perCamera := map[string]int{}
	for _, c := range clips {
		k, err := clip.ParseObjectKey(c.ClipKey)
		if err != nil {
			t.Fatalf("%s: %v", c.ClipKey, err)
		}
		if k.VideoID != c.VideoID || !k.CapturedAt.Equal(c.CapturedAt) || k.ThumbnailKey != c.ThumbnailKey {
			t.Errorf("key %s parses to %+v, planned %+v", c.ClipKey, k, c)
		}
		if !c.CapturedAt.Before(now) {
			t.Errorf("clip in the future: %v", c.CapturedAt)
		}
		if c.Media < 1 || c.Media > MediaCount {
			t.Errorf("media %d", c.Media)
		}
		if ids[c.VideoID] {
			t.Errorf("duplicate id %s", c.VideoID)
		}
		ids[c.VideoID] = true
		days[c.CapturedAt.Format(time.DateOnly)] = true
		perCamera[c.Camera.ID]++
	}
	if len(days) < 3 || len(perCamera) != len(Cameras) || len(clips) < 30 {
		t.Fatalf("days %v, cameras %v, %d clips", days, perCamera, len(clips))
	}
	// Both sides of the last midnight.
	midnight := now.Truncate(24 * time.Hour)
	var before, after bool
	for _, c := range clips {
		d := c.CapturedAt.Sub(midnight)
		before = before || (d < 0 && d > -10*time.Minute)
		after = after || (d > 0 && d < 10*time.Minute)
	}
	if !before || !after {
		t.Fatalf("no clips either side of midnight: before %v after %v", before, after)
	}
}

func TestMediaIsSmallMP4AndJPEG(t *testing.T) {
	for i := 1; i <= MediaCount; i++ {
		v, err := media.ReadFile(fmt.Sprintf("media/clip%d.mp4", i))
		if err != nil {
			t.Fatal(err)
		}
		if len(v) > 200<<10 || !bytes.Equal(v[4:8], []byte("ftyp")) {
			t.Errorf("clip%d.mp4: %d bytes, header %q", i, len(v), v[4:8])
		}
		j, err := media.ReadFile(fmt.Sprintf("media/clip%d.jpg", i))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(j, []byte{0xff, 0xd8, 0xff}) {
			t.Errorf("clip%d.jpg is not a JPEG", i)
		}
	}
}
