package s3server

import (
	"bytes"
	"crypto/md5"
	"fmt"
	"io"
	"path/filepath"
	"runtime/debug"
	"testing"

	"github.com/johannesboyne/gofakes3"
	bolt "go.etcd.io/bbolt"
)

// TestObjectReadsSurviveRemap reads objects after writes that grow the bolt
// file past its memory map, which makes bbolt unmap and remap it. With
// s3bolt's own reads the contents and MD5 still point into the old mapping:
// reading them faults (a fatal error outside this test, a panic here with
// SetPanicOnFault) or sees other bytes. That is how camvault-local died
// during the first start's seeding.
func TestObjectReadsSurviveRemap(t *testing.T) {
	db, err := bolt.Open(filepath.Join(t.TempDir(), "s3.db"), 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	b := newBoltBackend(db)
	if err := b.CreateBucket("b"); err != nil {
		t.Fatal(err)
	}
	put := func(key string, body []byte) {
		t.Helper()
		if _, err := b.PutObject("b", key, map[string]string{"X-Amz-Meta-N": key}, bytes.NewReader(body), int64(len(body)), nil); err != nil {
			t.Fatal(err)
		}
	}
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if p := recover(); p != nil {
			t.Fatalf("reading an object after the file grew faulted: %v", p)
		}
	}()

	size := 4 << 10
	for round := range 5 {
		key := fmt.Sprintf("small-%d", round)
		small := bytes.Repeat([]byte{byte('a' + round)}, 3000)
		put(key, small)
		got, err := b.GetObject("b", key, nil)
		if err != nil {
			t.Fatal(err)
		}
		head, err := b.HeadObject("b", key)
		if err != nil {
			t.Fatal(err)
		}
		ranged, err := b.GetObject("b", key, &gofakes3.ObjectRangeRequest{Start: 10, End: 19})
		if err != nil {
			t.Fatal(err)
		}
		// Grow the file well past its current map: bbolt remaps.
		size *= 4
		put(fmt.Sprintf("big-%d", round), bytes.Repeat([]byte("z"), size))

		sum := md5.Sum(small)
		body, _ := io.ReadAll(got.Contents)
		part, _ := io.ReadAll(ranged.Contents)
		switch {
		case !bytes.Equal(body, small):
			t.Fatalf("round %d: contents changed after the remap", round)
		case !bytes.Equal(got.Hash, sum[:]) || !bytes.Equal(head.Hash, sum[:]):
			t.Fatalf("round %d: MD5 changed after the remap", round)
		case !bytes.Equal(part, small[10:20]):
			t.Fatalf("round %d: range = %q", round, part)
		case head.Metadata["X-Amz-Meta-N"] != key || head.Size != int64(len(small)):
			t.Fatalf("round %d: head = %+v", round, head)
		}
	}
	if _, err := b.GetObject("b", "none", nil); !gofakes3.HasErrorCode(err, gofakes3.ErrNoSuchKey) {
		t.Errorf("missing key: %v", err)
	}
	if _, err := b.GetObject("nobucket", "k", nil); !gofakes3.HasErrorCode(err, gofakes3.ErrNoSuchBucket) {
		t.Errorf("missing bucket: %v", err)
	}
	if _, err := b.CopyObject("b", "small-0", "b", "copy", nil); err != nil {
		t.Fatal(err)
	}
	if c, err := b.GetObject("b", "copy", nil); err != nil || c.Size != 3000 {
		t.Fatalf("copy: %v %+v", err, c)
	}
}
