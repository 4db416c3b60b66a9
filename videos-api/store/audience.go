package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/camvault/camvault/videos-api/clip"
	"github.com/camvault/camvault/videos-api/grant"
)

// The audience index: the timeline of a person restricted to more than
// MergeMaxCameras cameras, kept by fan-out on write so that a page is one
// Query plus one BatchGetItem however many cameras they see.
//
// An audience is the sorted, deduplicated camera set of a restricted
// grant. Its registry item (PK=AUDIENCE#, SK={audienceId}) holds the set
// and `since`: every clip captured at or after since is ingested after
// the registry item is durable, so from since on the index is complete.
// Ingest writes an index entry (PK=AUD#{audienceId}, SK={videoId}#{cameraId},
// the clip's key only, TTL as the clip record's) into every audience
// whose set holds the clip's camera; deletes remove them. When no grant
// has the set any more its registry item is deleted (RetireGrantAudience):
// ingest then writes no entries for it and its timeline is the merge.
const (
	audienceRegistryPK = "AUDIENCE#"
	audiencePrefix     = "AUD#"
	attrSince          = "since"
	attrCameras        = "cameras"
)

// MergeMaxCameras is the largest camera set whose timeline is the merge of
// per-camera Queries (as many requests as cameras); larger sets use their
// audience index once registered.
const MergeMaxCameras = 2

// maxBatchWrite and maxBatchGet are DynamoDB's per-request item limits.
const (
	maxBatchWrite = 25
	maxBatchGet   = 100
	// batchAttempts bounds the retries of unprocessed batch items.
	batchAttempts = 5
)

// Audience is a registered camera set.
type Audience struct {
	// ID is AudienceID(Cameras).
	ID string
	// Cameras are the set's cameras, sorted and unique.
	Cameras []string
	// Since is the capture time from which the index is complete.
	Since time.Time
}

// holds reports whether the audience's set holds camera.
func (a Audience) holds(camera string) bool {
	_, ok := slices.BinarySearch(a.Cameras, camera)
	return ok
}

// audienceSet returns cameras sorted and deduplicated.
func audienceSet(cameras []string) []string {
	set := slices.Clone(cameras)
	slices.Sort(set)
	return slices.Compact(set)
}

// AudienceID names a camera set: the hex of the first 16 bytes of the
// SHA-256 of its sorted, unique ids joined by "\n". Order and repeats in
// cameras do not matter.
func AudienceID(cameras []string) string {
	sum := sha256.Sum256([]byte(strings.Join(audienceSet(cameras), "\n")))
	return hex.EncodeToString(sum[:16])
}

func audienceKey(id string) map[string]ddbtypes.AttributeValue {
	return map[string]ddbtypes.AttributeValue{
		TableSchema.PartitionKey: str(audienceRegistryPK),
		TableSchema.SortKey:      str(id),
	}
}

// RegisterAudience registers the camera set of a restricted grant, if it
// has more than MergeMaxCameras cameras and is not registered yet (a
// create-only put: an existing registration, and its since, never
// changes). since is when the index starts being complete: the caller
// passes a time later than any capture time a clip ingested before now
// can carry. It reports whether this call registered it.
func (s *Store) RegisterAudience(ctx context.Context, cameras []string, since time.Time) (bool, error) {
	set := audienceSet(cameras)
	if len(set) <= MergeMaxCameras {
		return false, nil
	}
	id := AudienceID(set)
	item := audienceKey(id)
	item["type"] = str("audience")
	item[attrCameras] = &ddbtypes.AttributeValueMemberSS{Value: set}
	item[attrSince] = num(since.UnixMilli())
	err := s.putNew(ctx, item)
	var ccf *ddbtypes.ConditionalCheckFailedException
	switch {
	case errors.As(err, &ccf):
		return false, nil
	case err != nil:
		return false, fmt.Errorf("store: registering audience %s: %w", id, err)
	}
	return true, nil
}

// AudienceSinceMargin is how long after its registration an audience's
// index is trusted: a clip ingested before the registration can carry a
// capture time up to clip.MaxClockAhead ahead of its upload, and a minute
// more covers clock differences between S3 and the writer. Every clip
// captured from registration + margin on is ingested after the registry
// item is durable, so it has its index entry.
const AudienceSinceMargin = clip.MaxClockAhead + time.Minute

// RegisterGrantAudience registers the camera set of g, written at now,
// when g uses an audience (GrantAudience), with since
// now + AudienceSinceMargin (RegisterAudience: an existing registration is
// kept). Every writer of grants, the console and the grants CLI, calls it
// before it writes the grant's revocation record and then the grant.
func (s *Store) RegisterGrantAudience(ctx context.Context, g grant.Grant, now time.Time) (bool, error) {
	set := GrantAudience(&g)
	if set == nil {
		return false, nil
	}
	return s.RegisterAudience(ctx, set, now.Add(AudienceSinceMargin))
}

// GrantAudience returns the audience g uses: its sorted, unique camera set
// when g (nil: no grant) is restricted to more than MergeMaxCameras
// cameras and admits someone (not blocked), else nil. It is the one rule
// of which grants register a set and which keep one in use.
func GrantAudience(g *grant.Grant) []string {
	if g == nil || g.All || g.Role == grant.Blocked {
		return nil
	}
	set := audienceSet(g.Cameras)
	if len(set) <= MergeMaxCameras {
		return nil
	}
	return set
}

// RetireGrantAudience retires the audience of before, a grant that was
// just replaced by after (nil: deleted), once no grant uses its camera set
// any more: if before used an audience (GrantAudience) that after does
// not, it calls grants, which must list every grant as stored after the
// change, and deletes the set's registry item when none of them uses that
// exact set. It reports whether it deleted a registration. Ingest then
// writes no entries for the set; its holders' pages are the merge; the
// entries left behind expire with their clips.
//
// Call it after the grant change is written. A put of the same set racing
// with it (the put registers create-only before writing its grant, so
// the listing may miss that grant while the delete follows the put's
// register) can leave a grant in use without a registration: that set is
// then the merge, always complete, until its next put registers it again
// with a fresh since. A missing registration never makes a page wrong.
func (s *Store) RetireGrantAudience(ctx context.Context, before, after *grant.Grant, grants func(context.Context) ([]grant.Grant, error)) (bool, error) {
	set := GrantAudience(before)
	if set == nil || slices.Equal(set, GrantAudience(after)) {
		return false, nil
	}
	all, err := grants(ctx)
	if err != nil {
		return false, fmt.Errorf("store: listing grants to retire an audience: %w", err)
	}
	for i := range all {
		if slices.Equal(set, GrantAudience(&all[i])) {
			return false, nil
		}
	}
	id := AudienceID(set)
	if _, err := s.ddb.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: aws.String(s.table), Key: audienceKey(id)}); err != nil {
		return false, fmt.Errorf("store: retiring audience %s: %w", id, err)
	}
	return true, nil
}

func decodeAudience(item map[string]ddbtypes.AttributeValue) (Audience, error) {
	a := Audience{ID: StringAttr(item, TableSchema.SortKey)}
	if ss, ok := item[attrCameras].(*ddbtypes.AttributeValueMemberSS); ok {
		a.Cameras = audienceSet(ss.Value)
	}
	ms, err := strconv.ParseInt(NumberAttr(item, attrSince), 10, 64)
	if err != nil || a.ID == "" || len(a.Cameras) == 0 {
		return Audience{}, fmt.Errorf("store: bad audience item %q", a.ID)
	}
	a.Since = time.UnixMilli(ms).UTC()
	return a, nil
}

// Audiences returns every registered audience: one strongly consistent
// Query of the registry (one small item per distinct restricted camera
// set), so an audience registered before the call started is seen.
func (s *Store) Audiences(ctx context.Context) ([]Audience, error) {
	in := &dynamodb.QueryInput{
		TableName:                aws.String(s.table),
		KeyConditionExpression:   aws.String("#pk = :pk"),
		ExpressionAttributeNames: map[string]string{"#pk": TableSchema.PartitionKey},
		ExpressionAttributeValues: map[string]ddbtypes.AttributeValue{
			":pk": str(audienceRegistryPK),
		},
		ConsistentRead:         aws.Bool(true),
		ReturnConsumedCapacity: ddbtypes.ReturnConsumedCapacityTotal,
	}
	var out []Audience
	for {
		res, err := s.ddb.Query(ctx, in)
		if err != nil {
			return nil, fmt.Errorf("store: reading audiences: %w", err)
		}
		meterAdd(ctx, res.ConsumedCapacity)
		for _, item := range res.Items {
			// An item that is not a valid registration (written by hand)
			// is no audience: its set's timeline is the merge.
			if a, err := decodeAudience(item); err == nil {
				out = append(out, a)
			}
		}
		if len(res.LastEvaluatedKey) == 0 {
			return out, nil
		}
		in.ExclusiveStartKey = res.LastEvaluatedKey
	}
}

// indexKey is a clip's entry in an audience's index.
func indexKey(audienceID, cameraID, videoID string) map[string]ddbtypes.AttributeValue {
	return map[string]ddbtypes.AttributeValue{
		TableSchema.PartitionKey: str(audiencePrefix + audienceID),
		TableSchema.SortKey:      str(timelineSK(videoID, cameraID)),
	}
}

// IndexVideo writes a recorded clip's entry into every registered
// audience whose set holds its camera: one registry read, then
// BatchWriteItem puts (idempotent, so a redelivered event just writes
// again). An entry holds only the clip's key and expires with the clip's
// record (its expiresAt). Call it after PutVideo created the record (or
// found it there).
func (s *Store) IndexVideo(ctx context.Context, v clip.Video) error {
	return s.IndexVideos(ctx, []clip.Video{v})
}

// IndexVideos is IndexVideo for several clips, with one registry read:
// seeders use it to write the entries ingest would.
func (s *Store) IndexVideos(ctx context.Context, videos []clip.Video) error {
	auds, err := s.Audiences(ctx)
	if err != nil {
		return err
	}
	var puts []ddbtypes.WriteRequest
	for _, a := range auds {
		for _, v := range videos {
			if !a.holds(v.CameraID) {
				continue
			}
			item := indexKey(a.ID, v.CameraID, v.ID)
			item["cameraId"] = str(v.CameraID)
			item["videoId"] = str(v.ID)
			if !v.ExpiresAt.IsZero() {
				item[TableSchema.TTLAttribute] = num(v.ExpiresAt.Unix())
			}
			puts = append(puts, ddbtypes.WriteRequest{PutRequest: &ddbtypes.PutRequest{Item: item}})
		}
	}
	if err := s.batchWrite(ctx, puts); err != nil {
		return fmt.Errorf("store: indexing %d videos: %w", len(videos), err)
	}
	return nil
}

// unindexVideos removes clips' entries from every audience whose set
// holds their camera (one registry read for all of them).
func (s *Store) unindexVideos(ctx context.Context, videos []clip.Video) error {
	if len(videos) == 0 {
		return nil
	}
	auds, err := s.Audiences(ctx)
	if err != nil {
		return err
	}
	var dels []ddbtypes.WriteRequest
	for _, a := range auds {
		for _, v := range videos {
			if a.holds(v.CameraID) {
				dels = append(dels, ddbtypes.WriteRequest{DeleteRequest: &ddbtypes.DeleteRequest{Key: indexKey(a.ID, v.CameraID, v.ID)}})
			}
		}
	}
	if err := s.batchWrite(ctx, dels); err != nil {
		return fmt.Errorf("store: removing index entries: %w", err)
	}
	return nil
}

// batchWrite sends writes in BatchWriteItem requests of at most 25,
// retrying unprocessed items a bounded number of times.
func (s *Store) batchWrite(ctx context.Context, writes []ddbtypes.WriteRequest) error {
	for len(writes) > 0 {
		n := min(len(writes), maxBatchWrite)
		pending := map[string][]ddbtypes.WriteRequest{s.table: writes[:n]}
		writes = writes[n:]
		for attempt := 0; len(pending[s.table]) > 0; attempt++ {
			if attempt == batchAttempts {
				return errors.New("batch not fully processed")
			}
			out, err := s.ddb.BatchWriteItem(ctx, &dynamodb.BatchWriteItemInput{RequestItems: pending})
			if err != nil {
				return err
			}
			pending = out.UnprocessedItems
		}
	}
	return nil
}

// audienceCacheSize bounds the registry lookups a container keeps.
const audienceCacheSize = 1024

// AudienceCacheTTL is how long a registry lookup, found or not, is
// believed. A registration is retired (RetireGrantAudience) when no grant
// uses its set any more, and ingest stops maintaining its index from then
// on; so a found registration is kept no longer than this (a reader that
// kept it would miss newer clips), which bounds how long after a
// retirement a reader may still list through the index.
const AudienceCacheTTL = time.Minute

// audienceCache keeps registry lookups for AudienceCacheTTL.
type audienceCache struct {
	mu      sync.Mutex
	entries map[string]audienceLookup
}

type audienceLookup struct {
	aud   Audience
	found bool
	until time.Time
}

func (c *audienceCache) get(id string, now time.Time) (audienceLookup, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[id]
	if !ok || !now.Before(e.until) {
		return audienceLookup{}, false
	}
	return e, true
}

func (c *audienceCache) put(id string, e audienceLookup) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries == nil || len(c.entries) >= audienceCacheSize {
		c.entries = map[string]audienceLookup{} // bounded: start over
	}
	c.entries[id] = e
}

// audience returns the registration of a camera set (found false if none),
// from the container's cache or one GetItem.
func (s *Store) audience(ctx context.Context, set []string) (Audience, bool, error) {
	id := AudienceID(set)
	now := s.now()
	if e, ok := s.auds.get(id, now); ok {
		return e.aud, e.found, nil
	}
	res, err := s.ddb.GetItem(ctx, &dynamodb.GetItemInput{
		TableName:              aws.String(s.table),
		Key:                    audienceKey(id),
		ReturnConsumedCapacity: ddbtypes.ReturnConsumedCapacityTotal,
	})
	if err != nil {
		return Audience{}, false, fmt.Errorf("store: getting audience %s: %w", id, err)
	}
	meterAdd(ctx, res.ConsumedCapacity)
	if res.Item == nil {
		s.auds.put(id, audienceLookup{until: now.Add(AudienceCacheTTL)})
		return Audience{}, false, nil
	}
	a, err := decodeAudience(res.Item)
	if err != nil || !slices.Equal(a.Cameras, set) {
		// Not a valid registration, or not this set (short of a hash
		// collision, only by hand): never serve another set's index;
		// the merge is always right.
		s.auds.put(id, audienceLookup{until: now.Add(AudienceCacheTTL)})
		return Audience{}, false, nil
	}
	s.auds.put(id, audienceLookup{aud: a, found: true, until: now.Add(AudienceCacheTTL)})
	return a, true, nil
}

// AudienceVideos returns a page of the clips of cameras (a restricted
// person's set), newest first. Sets of at most MergeMaxCameras cameras, and
// sets not registered, are the merge (CamerasVideos). A registered set's
// page range from its since on is one Query of its index (the keys of at
// most Limit+2 clips) plus one BatchGetItem of their records (two when
// Limit exceeds 100); the part of the range older than since is the
// merge, so only a page that straddles since costs both.
//
// Keys whose record is gone (a clip deleted moments ago, an entry a racing
// delete left behind) are dropped: a page may then hold fewer than Limit
// clips, with More set and Page.Last after the last key read. Records of
// a camera outside cameras are dropped too (defence in depth).
func (s *Store) AudienceVideos(ctx context.Context, cameras []string, q Query) (Page, error) {
	set := audienceSet(cameras)
	if len(set) <= MergeMaxCameras {
		return s.CamerasVideos(ctx, set, q)
	}
	aud, found, err := s.audience(ctx, set)
	if err != nil {
		return Page{}, err
	}
	if !found {
		return s.CamerasVideos(ctx, set, q)
	}
	lo, hi, ok := q.videoIDRange()
	if !ok {
		return Page{}, nil
	}
	if sinceID := clip.MinVideoID(aud.Since); sinceID > lo {
		lo = sinceID
	}
	hiSK := hi + "#~"
	if !q.After.IsZero() {
		hiSK = min(hiSK, timelineSK(q.After.VideoID, q.After.CameraID))
	}
	if lo > hiSK {
		// The whole range is older than since.
		return s.CamerasVideos(ctx, set, q)
	}
	keys, more, err := s.indexKeys(ctx, aud, lo, hiSK, q.After, q.Limit)
	if err != nil {
		return Page{}, err
	}
	videos, err := s.getVideos(ctx, keys, aud)
	if err != nil {
		return Page{}, err
	}
	if more {
		last := keys[len(keys)-1]
		return Page{Videos: videos, More: true, Last: last}, nil
	}
	// The index part is exhausted: the rest of the page, if the range goes
	// below since, is the merge's.
	if q.From.IsZero() || q.From.Before(aud.Since) {
		rest := Query{From: q.From, To: aud.Since, Limit: q.Limit - len(videos)}
		if !q.After.IsZero() && q.After.VideoID < clip.MinVideoID(aud.Since) {
			rest.After = q.After
		}
		older, err := s.CamerasVideos(ctx, set, rest)
		if err != nil {
			return Page{}, err
		}
		p := Page{Videos: append(videos, older.Videos...), More: older.More}
		if p.More && len(older.Videos) == 0 && len(keys) > 0 {
			p.Last = keys[len(keys)-1]
		}
		return p, nil
	}
	return Page{Videos: videos}, nil
}

// indexKeys reads, newest first, the index entries of aud with sort keys
// from lo to hiSK (inclusive) that come after `after` and name a camera of
// aud's set: at most limit of them, and whether more follow. One Query
// (more only if entries naming other cameras were skipped, or the Query's
// 1 MB page ended early).
func (s *Store) indexKeys(ctx context.Context, aud Audience, lo, hiSK string, after Position, limit int) ([]Position, bool, error) {
	id := aud.ID
	in := &dynamodb.QueryInput{
		TableName:              aws.String(s.table),
		KeyConditionExpression: aws.String("#pk = :pk AND #sk BETWEEN :lo AND :hi"),
		ExpressionAttributeNames: map[string]string{
			"#pk": TableSchema.PartitionKey, "#sk": TableSchema.SortKey,
		},
		ExpressionAttributeValues: map[string]ddbtypes.AttributeValue{
			":pk": str(audiencePrefix + id), ":lo": str(lo), ":hi": str(hiSK),
		},
		ScanIndexForward:       aws.Bool(false),
		ReturnConsumedCapacity: ddbtypes.ReturnConsumedCapacityTotal,
	}
	var keys []Position
	for {
		// limit+1 to know whether more follow, +1 for the entry at `after`.
		in.Limit = aws.Int32(int32(limit + 2 - len(keys)))
		res, err := s.ddb.Query(ctx, in)
		if err != nil {
			return nil, false, fmt.Errorf("store: querying audience %s: %w", id, err)
		}
		meterAdd(ctx, res.ConsumedCapacity)
		for _, item := range res.Items {
			p := Position{VideoID: StringAttr(item, "videoId"), CameraID: StringAttr(item, "cameraId")}
			if p.VideoID == "" || !aud.holds(p.CameraID) || !after.before(p.VideoID, p.CameraID) {
				continue
			}
			keys = append(keys, p)
		}
		if len(keys) > limit {
			return keys[:limit], true, nil
		}
		if len(res.LastEvaluatedKey) == 0 {
			return keys, false, nil
		}
		in.ExclusiveStartKey = res.LastEvaluatedKey
	}
}

// getVideos reads the records of keys with BatchGetItem (at most 100 keys
// a request), in the keys' order, dropping keys whose record is gone and
// records outside aud's set.
func (s *Store) getVideos(ctx context.Context, keys []Position, aud Audience) ([]clip.Video, error) {
	found := map[Position]clip.Video{}
	for start := 0; start < len(keys); start += maxBatchGet {
		var req []map[string]ddbtypes.AttributeValue
		for _, k := range keys[start:min(len(keys), start+maxBatchGet)] {
			if aud.holds(k.CameraID) {
				req = append(req, videoKey(k.CameraID, k.VideoID))
			}
		}
		pending := map[string]ddbtypes.KeysAndAttributes{s.table: {Keys: req}}
		for attempt := 0; len(pending[s.table].Keys) > 0; attempt++ {
			if attempt == batchAttempts {
				return nil, fmt.Errorf("store: reading clips of audience %s: batch not fully processed", aud.ID)
			}
			res, err := s.ddb.BatchGetItem(ctx, &dynamodb.BatchGetItemInput{
				RequestItems:           pending,
				ReturnConsumedCapacity: ddbtypes.ReturnConsumedCapacityTotal,
			})
			if err != nil {
				return nil, fmt.Errorf("store: reading clips of audience %s: %w", aud.ID, err)
			}
			var cc *ddbtypes.ConsumedCapacity
			for i := range res.ConsumedCapacity {
				cc = &res.ConsumedCapacity[i]
			}
			meterAdd(ctx, cc)
			for _, item := range res.Responses[s.table] {
				v, err := decodeVideo(item)
				if err != nil {
					return nil, err
				}
				found[PositionOf(v)] = v
			}
			pending = res.UnprocessedKeys
		}
	}
	out := make([]clip.Video, 0, len(keys))
	for _, k := range keys {
		if v, ok := found[k]; ok && aud.holds(v.CameraID) {
			out = append(out, v)
		}
	}
	return out, nil
}
