package s3server

import (
	"bytes"
	"fmt"
	"io"
	"time"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3bolt"
	bolt "go.etcd.io/bbolt"
	"gopkg.in/mgo.v2/bson"
)

// boltBackend is gofakes3's bbolt backend with object reads that own their
// bytes. s3bolt decodes an object with bson inside a read transaction, and
// bson's []byte fields (the object's contents and MD5) point into bbolt's
// memory map. Once the transaction ends, a write that grows the file makes
// bbolt unmap and remap it, and reading those slices then faults: Go's
// "unexpected fault address ... fatal error: fault", which killed
// camvault-local now and then while the first start's seeding grew the file
// and notifications read each new object's MD5. Here the stored record is
// copied inside the transaction and decoded from the copy.
type boltBackend struct {
	*s3bolt.Backend
	db *bolt.DB
}

// storedObject is s3bolt's record of an object (its boltObject, stored as
// bson with the default lowercased field names).
type storedObject struct {
	Name         string
	Metadata     map[string]string
	LastModified time.Time
	Size         int64
	Contents     []byte
	Hash         []byte
}

func newBoltBackend(db *bolt.DB) *boltBackend {
	return &boltBackend{Backend: s3bolt.New(db), db: db}
}

// GetObject reads an object (a range of it, if asked) into memory that the
// bolt file's mapping does not back.
func (b *boltBackend) GetObject(bucketName, objectName string, rangeRequest *gofakes3.ObjectRangeRequest) (*gofakes3.Object, error) {
	var record []byte
	err := b.db.View(func(tx *bolt.Tx) error {
		bk := tx.Bucket([]byte(bucketName))
		if bk == nil {
			return gofakes3.BucketNotFound(bucketName)
		}
		v := bk.Get([]byte(objectName))
		if v == nil {
			return gofakes3.KeyNotFound(objectName)
		}
		record = bytes.Clone(v) // v is valid only inside the transaction
		return nil
	})
	if err != nil {
		return nil, err
	}
	var o storedObject
	if err := bson.Unmarshal(record, &o); err != nil {
		return nil, fmt.Errorf("s3server: could not decode object %q/%q: %w", bucketName, objectName, err)
	}
	rng, err := rangeRequest.Range(o.Size)
	if err != nil {
		return nil, err
	}
	data := o.Contents
	if rng != nil {
		data = data[rng.Start : rng.Start+rng.Length]
	}
	return &gofakes3.Object{
		Name: objectName, Metadata: o.Metadata, Size: o.Size, Hash: o.Hash, Range: rng,
		Contents: io.NopCloser(bytes.NewReader(data)),
	}, nil
}

// HeadObject is GetObject without the contents.
func (b *boltBackend) HeadObject(bucketName, objectName string) (*gofakes3.Object, error) {
	obj, err := b.GetObject(bucketName, objectName, nil)
	if err != nil {
		return nil, err
	}
	obj.Contents = io.NopCloser(bytes.NewReader(nil))
	return obj, nil
}

// CopyObject copies through this backend's GetObject (s3bolt's own would
// read through its unsafe one).
func (b *boltBackend) CopyObject(srcBucket, srcKey, dstBucket, dstKey string, meta map[string]string) (gofakes3.CopyObjectResult, error) {
	return gofakes3.CopyObject(b, srcBucket, srcKey, dstBucket, dstKey, meta)
}
