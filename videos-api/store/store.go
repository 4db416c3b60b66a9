package store

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/camvault/camvault/videos-api/clip"
)

// ErrNotFound is returned when the camera or clip asked for has no record.
var ErrNotFound = errors.New("store: not found")

// ErrThumbnailLinked is returned by SetThumbnail when the clip already has
// another thumbnail: once linked, a thumbnail never changes.
var ErrThumbnailLinked = errors.New("store: clip already has another thumbnail")

// Item prefixes and attribute names of the single-table layout.
const (
	cameraPrefix  = "CAM#"
	videoPrefix   = "VID#"
	deletedPrefix = "DEL#"
	dayPrefix     = "DAY#"
	// timelinePK is every clip's timeline partition (GSI1PK). Clips written
	// before it had one partition per UTC day, DAY#{yyyy-mm-dd}:
	// MigrateTimeline moves them.
	timelinePK     = dayPrefix + "ALL"
	metaSK         = "META"
	camerasGSI1PK  = "CAMERAS"
	timeLayout     = "2006-01-02T15:04:05.000Z07:00"
	dayLayout      = "2006-01-02"
	attrCountState = "countPending"
)

// Store reads and writes clip and camera records in one table.
type Store struct {
	ddb   *dynamodb.Client
	table string
	auds  audienceCache // registry lookups (audience.go)
	now   func() time.Time
}

// New returns a Store over table, using ddb for every call.
func New(ddb *dynamodb.Client, table string) *Store {
	return &Store{ddb: ddb, table: table, now: time.Now}
}

// WithClock sets the clock the store's caches expire by (default
// time.Now) and returns s. Call it before the store is used.
func (s *Store) WithClock(now func() time.Time) *Store {
	s.now = now
	return s
}

func cameraPK(id string) string { return cameraPrefix + id }

// Day returns the UTC date of a time, as the legacy timeline partitions
// spelled it.
func Day(t time.Time) string { return t.UTC().Format(dayLayout) }

// timelineSK is a clip's timeline sort key, also its page position: ids sort
// by capture time, the camera id breaks ties.
func timelineSK(videoID, cameraID string) string { return videoID + "#" + cameraID }

// Position is where a page ended: the last clip returned. The next page
// starts strictly after it in newest-first order.
type Position struct {
	// VideoID is the last clip's id.
	VideoID string
	// CameraID is the last clip's camera.
	CameraID string
}

// IsZero reports whether p is the start of the list.
func (p Position) IsZero() bool { return p.VideoID == "" }

// before reports whether a clip comes after p in newest-first order.
func (p Position) before(videoID, cameraID string) bool {
	return p.IsZero() || timelineSK(videoID, cameraID) < timelineSK(p.VideoID, p.CameraID)
}

// PositionOf is the position of a clip in the newest-first order.
func PositionOf(v clip.Video) Position { return Position{VideoID: v.ID, CameraID: v.CameraID} }

// Query selects one page of clips, newest first.
type Query struct {
	// From is the earliest capture time included; zero means no bound.
	From time.Time
	// To is the capture time before which clips are included (exclusive);
	// zero means no bound.
	To time.Time
	// After is where the previous page ended; zero for the first page.
	After Position
	// Limit is the page size, at least 1.
	Limit int
}

// Page is one page of clips and whether more follow.
type Page struct {
	// Videos are at most Limit clips, newest first.
	Videos []clip.Video
	// More is true when clips follow the last one.
	More bool
	// Last, when not zero, is where the page ended, for the next page's
	// cursor: a page read through an audience index may end after keys
	// whose records are gone, so after its last clip, or hold none.
	// Zero means the last clip of Videos.
	Last Position
}

// End is where the page ended: Last, or the position of its last clip.
func (p Page) End() Position {
	if !p.Last.IsZero() || len(p.Videos) == 0 {
		return p.Last
	}
	return PositionOf(p.Videos[len(p.Videos)-1])
}

// maxVideoID is the largest possible ULID.
const maxVideoID = "7ZZZZZZZZZZZZZZZZZZZZZZZZZ"

// videoIDRange returns the inclusive id bounds of q for one camera, and
// false if the range is empty.
func (q Query) videoIDRange() (lo, hi string, ok bool) {
	lo, hi = clip.MinVideoID(time.UnixMilli(0)), maxVideoID
	if !q.From.IsZero() {
		lo = clip.MinVideoID(q.From)
	}
	if !q.To.IsZero() {
		if q.To.UnixMilli() <= 0 {
			return "", "", false
		}
		hi = clip.MaxVideoID(time.UnixMilli(q.To.UnixMilli() - 1))
	}
	if !q.After.IsZero() && q.After.VideoID < hi {
		hi = q.After.VideoID // inclusive; the clip at After itself is dropped after reading
	}
	return lo, hi, lo <= hi
}

// CameraVideos returns a page of one camera's clips, newest first: one
// Query on the camera's partition reading at most Limit+2 items.
func (s *Store) CameraVideos(ctx context.Context, cameraID string, q Query) (Page, error) {
	lo, hi, ok := q.videoIDRange()
	if !ok {
		return Page{}, nil
	}
	in := &dynamodb.QueryInput{
		TableName:              aws.String(s.table),
		KeyConditionExpression: aws.String("#pk = :pk AND #sk BETWEEN :lo AND :hi"),
		ExpressionAttributeNames: map[string]string{
			"#pk": TableSchema.PartitionKey, "#sk": TableSchema.SortKey,
		},
		ExpressionAttributeValues: map[string]ddbtypes.AttributeValue{
			":pk": str(cameraPK(cameraID)), ":lo": str(videoPrefix + lo), ":hi": str(videoPrefix + hi),
		},
		ScanIndexForward: aws.Bool(false),
	}
	return s.page(ctx, in, q)
}

// page runs a newest-first Query until it has Limit+1 clips after q.After
// (so it knows whether more follow) or the key range is exhausted.
func (s *Store) page(ctx context.Context, in *dynamodb.QueryInput, q Query) (Page, error) {
	var out []clip.Video
	if err := s.collect(ctx, in, q.After, q.Limit+1, &out); err != nil {
		return Page{}, err
	}
	return cut(out, q.Limit), nil
}

// collect appends the clips of a Query that come after `after` to out
// until out holds want clips or the Query is exhausted.
func (s *Store) collect(ctx context.Context, in *dynamodb.QueryInput, after Position, want int, out *[]clip.Video) error {
	in.ReturnConsumedCapacity = ddbtypes.ReturnConsumedCapacityTotal
	for len(*out) < want {
		// One more than needed: the clip at `after` itself may be read.
		in.Limit = aws.Int32(int32(want - len(*out) + 1))
		res, err := s.ddb.Query(ctx, in)
		if err != nil {
			return fmt.Errorf("store: querying %s: %w", s.table, err)
		}
		meterAdd(ctx, res.ConsumedCapacity)
		for _, item := range res.Items {
			v, err := decodeVideo(item)
			if err != nil {
				return err
			}
			if after.before(v.ID, v.CameraID) && len(*out) < want {
				*out = append(*out, v)
			}
		}
		if len(res.LastEvaluatedKey) == 0 {
			return nil
		}
		in.ExclusiveStartKey = res.LastEvaluatedKey
	}
	return nil
}

func cut(videos []clip.Video, limit int) Page {
	if len(videos) > limit {
		return Page{Videos: videos[:limit], More: true}
	}
	return Page{Videos: videos}
}

// Timeline returns a page of every camera's clips, newest first: one
// Query on the timeline index's single timeline partition (timelinePK),
// whose sort key {videoId}#{cameraId} orders every clip by capture time, so
// a page reads at most Limit+2 items however sparse or dense the clips are.
// Zero From or To leave that side unbounded.
func (s *Store) Timeline(ctx context.Context, q Query) (Page, error) {
	lo, hi, ok := q.videoIDRange()
	if !ok {
		return Page{}, nil
	}
	// "~" sorts after every camera id character: hi's clips of every camera.
	hiSK := hi + "#~"
	if !q.After.IsZero() {
		// The clip at After itself is the only one read and dropped.
		hiSK = min(hiSK, timelineSK(q.After.VideoID, q.After.CameraID))
	}
	return s.page(ctx, s.timelineQuery(lo, hiSK), q)
}

// timelineQuery is the newest-first Query of the timeline partition, sort
// keys from the id lo up to hiSK (inclusive).
func (s *Store) timelineQuery(lo, hiSK string) *dynamodb.QueryInput {
	return &dynamodb.QueryInput{
		TableName:              aws.String(s.table),
		IndexName:              aws.String(TableSchema.TimelineIndex),
		KeyConditionExpression: aws.String("#pk = :pk AND #sk BETWEEN :lo AND :hi"),
		ExpressionAttributeNames: map[string]string{
			"#pk": TableSchema.TimelinePartitionKey, "#sk": TableSchema.TimelineSortKey,
		},
		ExpressionAttributeValues: map[string]ddbtypes.AttributeValue{
			":pk": str(timelinePK),
			":lo": str(lo),
			":hi": str(hiSK),
		},
		ScanIndexForward: aws.Bool(false),
	}
}

// maxConcurrentQueries bounds the per-camera Queries of one merged page
// that run at once.
const maxConcurrentQueries = 8

// CamerasVideos returns a page of the clips of several cameras, newest
// first: one Query per camera (each reading at most Limit+2 items), merged.
// A page's cost grows with the number of cameras and the page size, never
// with the number of clips.
func (s *Store) CamerasVideos(ctx context.Context, cameraIDs []string, q Query) (Page, error) {
	pages := make([]Page, len(cameraIDs))
	errs := make([]error, len(cameraIDs))
	var wg sync.WaitGroup
	slots := make(chan struct{}, maxConcurrentQueries)
	for i, id := range cameraIDs {
		wg.Add(1)
		slots <- struct{}{}
		go func() {
			defer func() {
				// A panic here would escape the handler's recover.
				if p := recover(); p != nil {
					errs[i] = fmt.Errorf("store: listing camera %s: panic: %v", id, p)
				}
				<-slots
				wg.Done()
			}()
			pages[i], errs[i] = s.CameraVideos(ctx, id, q)
		}()
	}
	wg.Wait()
	var all []clip.Video
	more := false
	for i := range pages {
		if errs[i] != nil {
			return Page{}, errs[i]
		}
		all = append(all, pages[i].Videos...)
		more = more || pages[i].More
	}
	sortNewestFirst(all)
	p := cut(all, q.Limit)
	p.More = p.More || more
	return p, nil
}

func sortNewestFirst(v []clip.Video) {
	for i := 1; i < len(v); i++ {
		for j := i; j > 0 && timelineSK(v[j].ID, v[j].CameraID) > timelineSK(v[j-1].ID, v[j-1].CameraID); j-- {
			v[j], v[j-1] = v[j-1], v[j]
		}
	}
}

// GetVideo returns one clip's record, or ErrNotFound.
func (s *Store) GetVideo(ctx context.Context, cameraID, videoID string) (clip.Video, error) {
	res, err := s.ddb.GetItem(ctx, &dynamodb.GetItemInput{
		TableName:              aws.String(s.table),
		Key:                    videoKey(cameraID, videoID),
		ReturnConsumedCapacity: ddbtypes.ReturnConsumedCapacityTotal,
	})
	if err != nil {
		return clip.Video{}, fmt.Errorf("store: getting video %s/%s: %w", cameraID, videoID, err)
	}
	meterAdd(ctx, res.ConsumedCapacity)
	if res.Item == nil {
		return clip.Video{}, ErrNotFound
	}
	return decodeVideo(res.Item)
}

// GetCamera returns one camera's record, or ErrNotFound.
func (s *Store) GetCamera(ctx context.Context, id string) (clip.Camera, error) {
	res, err := s.ddb.GetItem(ctx, &dynamodb.GetItemInput{
		TableName:              aws.String(s.table),
		Key:                    cameraKey(id),
		ReturnConsumedCapacity: ddbtypes.ReturnConsumedCapacityTotal,
	})
	if err != nil {
		return clip.Camera{}, fmt.Errorf("store: getting camera %s: %w", id, err)
	}
	meterAdd(ctx, res.ConsumedCapacity)
	if res.Item == nil {
		return clip.Camera{}, ErrNotFound
	}
	return decodeCamera(res.Item)
}

// ListCameras returns every camera, sorted by id: a Query on the CAMERAS
// partition of the timeline index (one small item per camera).
func (s *Store) ListCameras(ctx context.Context) ([]clip.Camera, error) {
	in := &dynamodb.QueryInput{
		TableName:                aws.String(s.table),
		IndexName:                aws.String(TableSchema.TimelineIndex),
		KeyConditionExpression:   aws.String("#pk = :pk"),
		ExpressionAttributeNames: map[string]string{"#pk": TableSchema.TimelinePartitionKey},
		ExpressionAttributeValues: map[string]ddbtypes.AttributeValue{
			":pk": str(camerasGSI1PK),
		},
		ReturnConsumedCapacity: ddbtypes.ReturnConsumedCapacityTotal,
	}
	var out []clip.Camera
	for {
		res, err := s.ddb.Query(ctx, in)
		if err != nil {
			return nil, fmt.Errorf("store: listing cameras: %w", err)
		}
		meterAdd(ctx, res.ConsumedCapacity)
		for _, item := range res.Items {
			c, err := decodeCamera(item)
			if err != nil {
				return nil, err
			}
			out = append(out, c)
		}
		if len(res.LastEvaluatedKey) == 0 {
			return out, nil
		}
		in.ExclusiveStartKey = res.LastEvaluatedKey
	}
}

// putNew writes item only if no item has its key yet (a create-only
// PutItem); a refusal is a *ddbtypes.ConditionalCheckFailedException.
func (s *Store) putNew(ctx context.Context, item map[string]ddbtypes.AttributeValue) error {
	_, err := s.ddb.PutItem(ctx, &dynamodb.PutItemInput{
		TableName:                aws.String(s.table),
		Item:                     item,
		ConditionExpression:      aws.String("attribute_not_exists(#pk)"),
		ExpressionAttributeNames: map[string]string{"#pk": TableSchema.PartitionKey},
	})
	return err
}

// PutVideo records a new clip if it has no record yet (a conditional put),
// marked as not yet counted in its camera's clip count. It reports whether
// it created the record; false means a record already existed.
func (s *Store) PutVideo(ctx context.Context, v clip.Video) (bool, error) {
	item := encodeVideo(v)
	item[attrCountState] = &ddbtypes.AttributeValueMemberBOOL{Value: true}
	err := s.putNew(ctx, item)
	var ccf *ddbtypes.ConditionalCheckFailedException
	switch {
	case errors.As(err, &ccf):
		return false, nil
	case err != nil:
		return false, fmt.Errorf("store: putting video %s/%s: %w", v.CameraID, v.ID, err)
	}
	return true, nil
}

// CountPending reports whether a clip's record exists but has not yet been
// added to its camera's count (an ingest that failed part way).
func (s *Store) CountPending(ctx context.Context, cameraID, videoID string) (bool, error) {
	res, err := s.ddb.GetItem(ctx, &dynamodb.GetItemInput{
		TableName:      aws.String(s.table),
		Key:            videoKey(cameraID, videoID),
		ConsistentRead: aws.Bool(true),
	})
	if err != nil {
		return false, fmt.Errorf("store: getting video %s/%s: %w", cameraID, videoID, err)
	}
	_, pending := res.Item[attrCountState]
	return pending, nil
}

// SetThumbnail links a thumbnail object to a clip's record. It returns
// ErrNotFound when the clip has no record (yet), and ErrThumbnailLinked
// when the record already links another key; linking the same key again
// succeeds (a redelivery).
func (s *Store) SetThumbnail(ctx context.Context, cameraID, videoID, key string) error {
	_, err := s.ddb.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:                 aws.String(s.table),
		Key:                       videoKey(cameraID, videoID),
		UpdateExpression:          aws.String("SET thumbnailKey = :k"),
		ConditionExpression:       aws.String("attribute_exists(#pk) AND (attribute_not_exists(thumbnailKey) OR thumbnailKey = :k)"),
		ExpressionAttributeNames:  map[string]string{"#pk": TableSchema.PartitionKey},
		ExpressionAttributeValues: map[string]ddbtypes.AttributeValue{":k": str(key)},
	})
	var ccf *ddbtypes.ConditionalCheckFailedException
	switch {
	case errors.As(err, &ccf):
		// Which half of the condition failed: no record, or another key.
		got, err := s.ddb.GetItem(ctx, &dynamodb.GetItemInput{
			TableName:            aws.String(s.table),
			Key:                  videoKey(cameraID, videoID),
			ConsistentRead:       aws.Bool(true),
			ProjectionExpression: aws.String("thumbnailKey"),
		})
		switch {
		case err != nil:
			return fmt.Errorf("store: linking thumbnail of %s/%s: %w", cameraID, videoID, err)
		case got.Item == nil:
			return ErrNotFound
		}
		return ErrThumbnailLinked
	case err != nil:
		return fmt.Errorf("store: linking thumbnail of %s/%s: %w", cameraID, videoID, err)
	}
	return nil
}

// DeleteVideo deletes a clip in this order: it reads the record
// (consistently; none: ErrNotFound, and nothing is written), writes the
// clip's tombstone, removes the record with a conditional delete (so two
// concurrent deletes decrement the count once; the loser gets ErrNotFound),
// then takes it off its camera's count and, if it was the newest clip,
// moves the camera's last clip time back. It returns the deleted record,
// whose object keys the caller deletes next.
//
// The tombstone (PK=CAM#{cameraId}, SK=DEL#{videoId}, no timeline keys, so
// no list, timeline or camera query ever reads it) tells ingest that the
// clip was deleted, so a late or redelivered event for objects that
// survived the delete cannot record it again. It expires (TTL) at the later
// of the record's own expiry and tombstoneUntil: the caller passes a time
// by which the bucket's lifecycle rule has removed the objects.
func (s *Store) DeleteVideo(ctx context.Context, cameraID, videoID string, tombstoneUntil time.Time) (clip.Video, error) {
	got, err := s.ddb.GetItem(ctx, &dynamodb.GetItemInput{
		TableName:              aws.String(s.table),
		Key:                    videoKey(cameraID, videoID),
		ConsistentRead:         aws.Bool(true),
		ReturnConsumedCapacity: ddbtypes.ReturnConsumedCapacityTotal,
	})
	if err != nil {
		return clip.Video{}, fmt.Errorf("store: getting video %s/%s: %w", cameraID, videoID, err)
	}
	meterAdd(ctx, got.ConsumedCapacity)
	if got.Item == nil {
		return clip.Video{}, ErrNotFound
	}
	old, derr := decodeVideo(got.Item)
	if derr == nil && old.ExpiresAt.After(tombstoneUntil) {
		tombstoneUntil = old.ExpiresAt
	}
	if err := s.putTombstone(ctx, cameraID, videoID, tombstoneUntil); err != nil {
		return clip.Video{}, err
	}
	if derr == nil && old.Kept {
		// Off the kept lists before the record goes: no list shows a
		// clip whose record is gone.
		if err := s.dropKeepMarker(ctx, cameraID, videoID); err != nil {
			return clip.Video{}, err
		}
	}
	res, err := s.ddb.DeleteItem(ctx, &dynamodb.DeleteItemInput{
		TableName:                aws.String(s.table),
		Key:                      videoKey(cameraID, videoID),
		ConditionExpression:      aws.String("attribute_exists(#pk)"),
		ExpressionAttributeNames: map[string]string{"#pk": TableSchema.PartitionKey},
		ReturnValues:             ddbtypes.ReturnValueAllOld,
	})
	var ccf *ddbtypes.ConditionalCheckFailedException
	switch {
	case errors.As(err, &ccf):
		return clip.Video{}, ErrNotFound
	case err != nil:
		return clip.Video{}, fmt.Errorf("store: deleting video %s/%s: %w", cameraID, videoID, err)
	}
	v, err := decodeVideo(res.Attributes)
	if err != nil {
		return clip.Video{}, err
	}
	err = s.uncount(ctx, v, pending(res.Attributes))
	if err == nil {
		err = s.rewindLastClip(ctx, v)
	}
	// Off the audience indexes last: a failure leaves an entry whose
	// record is gone, which the index's readers drop.
	return v, errors.Join(err, s.unindexVideos(ctx, []clip.Video{v}))
}

// putTombstone writes (or extends) a deleted clip's tombstone. Its expiry
// only moves forward.
func (s *Store) putTombstone(ctx context.Context, cameraID, videoID string, until time.Time) error {
	_, err := s.ddb.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:                aws.String(s.table),
		Key:                      tombstoneKey(cameraID, videoID),
		UpdateExpression:         aws.String("SET #type = :type, cameraId = :cam, videoId = :vid, #ttl = :ttl"),
		ConditionExpression:      aws.String("attribute_not_exists(#ttl) OR #ttl < :ttl"),
		ExpressionAttributeNames: map[string]string{"#type": "type", "#ttl": TableSchema.TTLAttribute},
		ExpressionAttributeValues: map[string]ddbtypes.AttributeValue{
			":type": str("deleted"), ":cam": str(cameraID), ":vid": str(videoID), ":ttl": num(until.Unix()),
		},
	})
	if err := ignoreConditionFailed(err); err != nil {
		return fmt.Errorf("store: writing tombstone of %s/%s: %w", cameraID, videoID, err)
	}
	return nil
}

// Deleted reports whether a clip has a tombstone: it was deleted, and its
// objects may still be in the bucket. A strongly consistent read, so a
// tombstone written before the call started is seen.
func (s *Store) Deleted(ctx context.Context, cameraID, videoID string) (bool, error) {
	res, err := s.ddb.GetItem(ctx, &dynamodb.GetItemInput{
		TableName:                aws.String(s.table),
		Key:                      tombstoneKey(cameraID, videoID),
		ConsistentRead:           aws.Bool(true),
		ProjectionExpression:     aws.String("#pk"),
		ExpressionAttributeNames: map[string]string{"#pk": TableSchema.PartitionKey},
		ReturnConsumedCapacity:   ddbtypes.ReturnConsumedCapacityTotal,
	})
	if err != nil {
		return false, fmt.Errorf("store: getting tombstone of %s/%s: %w", cameraID, videoID, err)
	}
	meterAdd(ctx, res.ConsumedCapacity)
	return res.Item != nil, nil
}

// DropUncounted removes a clip's record if it is still marked as not yet
// counted: ingest's undo of a record it wrote for a clip deleted
// meanwhile. A counted record (one a DELETE is responsible for) is left
// alone. If an earlier attempt had already added the clip to its camera's
// count, that is taken back too. It reports whether it removed a record.
func (s *Store) DropUncounted(ctx context.Context, cameraID, videoID string) (bool, error) {
	res, err := s.ddb.DeleteItem(ctx, &dynamodb.DeleteItemInput{
		TableName:           aws.String(s.table),
		Key:                 videoKey(cameraID, videoID),
		ConditionExpression: aws.String("attribute_exists(" + attrCountState + ")"),
		ReturnValues:        ddbtypes.ReturnValueAllOld,
	})
	var ccf *ddbtypes.ConditionalCheckFailedException
	switch {
	case errors.As(err, &ccf):
		return false, nil
	case err != nil:
		return false, fmt.Errorf("store: dropping video %s/%s: %w", cameraID, videoID, err)
	}
	if v, err := decodeVideo(res.Attributes); err == nil {
		if err := s.uncount(ctx, v, true); err != nil {
			return true, err
		}
		if err := s.rewindLastClip(ctx, v); err != nil {
			return true, err
		}
	}
	return true, nil
}

// rewindLastClip sets a camera's last clip to its newest remaining clip if
// the deleted clip v was the last one (and no newer clip arrived since).
func (s *Store) rewindLastClip(ctx context.Context, v clip.Video) error {
	p, err := s.CameraVideos(ctx, v.CameraID, Query{Limit: 1})
	if err != nil {
		return err
	}
	in := &dynamodb.UpdateItemInput{
		TableName:                 aws.String(s.table),
		Key:                       cameraKey(v.CameraID),
		UpdateExpression:          aws.String("REMOVE lastClipAt, lastClipId"),
		ConditionExpression:       aws.String("lastClipId = :old"),
		ExpressionAttributeValues: map[string]ddbtypes.AttributeValue{":old": str(v.ID)},
	}
	if len(p.Videos) == 1 {
		newest := p.Videos[0]
		in.UpdateExpression = aws.String("SET lastClipAt = :at, lastClipId = :vid")
		in.ExpressionAttributeValues[":at"] = str(newest.CapturedAt.UTC().Format(timeLayout))
		in.ExpressionAttributeValues[":vid"] = str(newest.ID)
	}
	_, err = s.ddb.UpdateItem(ctx, in)
	if err := ignoreConditionFailed(err); err != nil {
		return fmt.Errorf("store: rewinding last clip of %s: %w", v.CameraID, err)
	}
	return nil
}

func ignoreConditionFailed(err error) error {
	var ccf *ddbtypes.ConditionalCheckFailedException
	if errors.As(err, &ccf) {
		return nil
	}
	return err
}

func str(s string) ddbtypes.AttributeValue { return &ddbtypes.AttributeValueMemberS{Value: s} }

func num(n int64) ddbtypes.AttributeValue {
	return &ddbtypes.AttributeValueMemberN{Value: strconv.FormatInt(n, 10)}
}

func videoKey(cameraID, videoID string) map[string]ddbtypes.AttributeValue {
	return map[string]ddbtypes.AttributeValue{
		TableSchema.PartitionKey: str(cameraPK(cameraID)),
		TableSchema.SortKey:      str(videoPrefix + videoID),
	}
}

// tombstoneKey is a deleted clip's tombstone: in its camera's partition,
// outside the VID# range that camera lists read.
func tombstoneKey(cameraID, videoID string) map[string]ddbtypes.AttributeValue {
	return map[string]ddbtypes.AttributeValue{
		TableSchema.PartitionKey: str(cameraPK(cameraID)),
		TableSchema.SortKey:      str(deletedPrefix + videoID),
	}
}

func cameraKey(id string) map[string]ddbtypes.AttributeValue {
	return map[string]ddbtypes.AttributeValue{
		TableSchema.PartitionKey: str(cameraPK(id)),
		TableSchema.SortKey:      str(metaSK),
	}
}
