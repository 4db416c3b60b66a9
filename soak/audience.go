package soak

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/camvault/camvault/authorizer/grantstest"
	"github.com/camvault/camvault/local/s3server"
	"github.com/camvault/camvault/local/seed"
	"github.com/camvault/camvault/local/stack"
	"github.com/camvault/camvault/videos-api/clip"
	"github.com/camvault/camvault/videos-api/store"
)

// The audience person: restricted by a grant to more than
// store.MergeMaxCameras cameras, so their timeline is served from the
// audience index (videos-api/store/audience.go) rather than the
// per-camera merge. The soak gives them cameras of their own, which only
// the soak uploads to, so that every clip of the set is ingested after the
// audience is registered.
const (
	// Restricted3Email is admitted only by its grant (its domain is not
	// allowed).
	Restricted3Email = "guest3@example.net"
	// audienceClipsPerCamera is how many clips the soak uploads to each of
	// the audience's cameras: several timeline pages at the check's limit.
	audienceClipsPerCamera = 10
	// audiencePageLimit is the page size of the full timeline paging.
	audiencePageLimit = 7
)

// AudienceCameras are the restricted3 person's cameras. The seeded cameras
// (front-door, driveway, backyard) stay outside the set and have clips.
var AudienceCameras = []seed.Camera{
	{ID: "soak-gate", Name: "Soak gate"},
	{ID: "soak-garage", Name: "Soak garage"},
	{ID: "soak-porch", Name: "Soak porch"},
}

// IndexMismatch is the violation of a restricted3 timeline that is not
// exactly the clips of their cameras (from the audience index).
const IndexMismatch = "audience timeline mismatch"

// PrepareAudience makes the restricted3 person's timeline come from the
// audience index for all of the soak's data, then grants them their
// cameras through the admin API. It returns the cameras and the ids of the
// clips it uploaded (the timeline's expected content, newest first).
//
// Order matters. The registry item is written straight into the stack's
// DynamoDB BEFORE any clip of the set is uploaded, with a since in the
// past (a week ago, before every clip the soak captures): ingest then
// writes an index entry for every clip of the set, and the index is
// complete for the whole timeline, so every page of it is the index's (one
// Query and one BatchGetItem), none the merge's. Registration is
// create-only, so the admin's PUT /grants afterwards keeps this since
// instead of registering a since a day in the future (which, on a fresh
// stack, would leave the soak's whole timeline to the merge and the index
// untested).
func PrepareAudience(ctx context.Context, client *http.Client, info stack.Info, admin Person) ([]string, []string, error) {
	cams := make([]string, len(AudienceCameras))
	for i, c := range AudienceCameras {
		cams[i] = c.ID
	}
	now := time.Now().UTC().Truncate(time.Millisecond)
	st := store.New(grantstest.Client(info.DynamoDBURL), info.Table)
	ok, err := st.RegisterAudience(ctx, cams, now.AddDate(0, 0, -7))
	if err != nil {
		return nil, nil, err
	}
	if !ok {
		return nil, nil, fmt.Errorf("soak: the audience of %v is registered already (not a fresh stack?); its since may not cover the soak's clips", cams)
	}
	var clips []seed.Clip
	for ci, cam := range AudienceCameras {
		for k := range audienceClipsPerCamera {
			// Spread over the last two days, distinct instants.
			t := now.Add(-time.Duration(k)*4*time.Hour - time.Duration(ci)*17*time.Minute - time.Duration(k*k)*3*time.Minute - time.Minute)
			id, err := clip.NewVideoID(t, rand.Reader)
			if err != nil {
				return nil, nil, err
			}
			clipKey, thumbKey, err := clip.ObjectKeys(cam.ID, id)
			if err != nil {
				return nil, nil, err
			}
			clips = append(clips, seed.Clip{Camera: cam, VideoID: id, CapturedAt: t, ClipKey: clipKey, ThumbnailKey: thumbKey, Media: (ci+k)%seed.MediaCount + 1})
		}
	}
	keys := &s3server.KeyFile{Path: info.CamerasFile}
	clientFor := func(camera string) (*s3.Client, error) {
		k, err := keys.Ensure(camera)
		if err != nil {
			return nil, err
		}
		return s3.New(s3.Options{
			Region: stack.Region, BaseEndpoint: aws.String(info.S3URL), UsePathStyle: true,
			Credentials:                credentials.NewStaticCredentialsProvider(k.AccessKeyID, k.SecretAccessKey, ""),
			RequestChecksumCalculation: aws.RequestChecksumCalculationWhenRequired,
			ResponseChecksumValidation: aws.ResponseChecksumValidationWhenRequired,
		}), nil
	}
	if err := seed.Upload(ctx, clientFor, info.Bucket, clips); err != nil {
		return nil, nil, err
	}
	ids := make([]string, len(clips))
	for i, c := range clips {
		ids[i] = c.VideoID
	}
	slices.Sort(ids)
	slices.Reverse(ids)
	// Ingest runs after the upload's answer: wait until the admin sees
	// every clip on its camera (bounded by ctx).
	for _, cam := range cams {
		for {
			n, err := cameraClipCount(ctx, client, info.APIURL, admin.Header, cam)
			if err != nil {
				return nil, nil, err
			}
			if n >= audienceClipsPerCamera {
				break
			}
			select {
			case <-ctx.Done():
				return nil, nil, fmt.Errorf("soak: %d of %d clips of %s ingested: %w", n, audienceClipsPerCamera, cam, ctx.Err())
			case <-time.After(50 * time.Millisecond):
			}
		}
	}
	body, _ := json.Marshal(map[string]any{"role": "viewer", "cameras": cams})
	req, err := http.NewRequestWithContext(ctx, http.MethodPut, info.APIURL+"/grants/"+url.PathEscape(Restricted3Email), strings.NewReader(string(body)))
	if err != nil {
		return nil, nil, err
	}
	req.Header.Set("Authorization", admin.Header)
	req.Header.Set("Content-Type", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return nil, nil, fmt.Errorf("soak: grant %s: %w", Restricted3Email, err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, nil, fmt.Errorf("soak: grant %s: status %d", Restricted3Email, resp.StatusCode)
	}
	return cams, ids, nil
}

// cameraClipCount counts a camera's clips as header sees them (one page of
// up to 100).
func cameraClipCount(ctx context.Context, client *http.Client, apiURL, header, camera string) (int, error) {
	var page struct {
		Items []json.RawMessage `json:"items"`
	}
	st, err := getJSON(ctx, client, apiURL+"/cameras/"+url.PathEscape(camera)+"/videos?limit=100", header, &page)
	if err != nil || st != http.StatusOK {
		return 0, fmt.Errorf("soak: GET /cameras/%s/videos: status %d, %v", camera, st, err)
	}
	return len(page.Items), nil
}

// getJSON sends a GET as header and decodes a 200's body into v.
func getJSON(ctx context.Context, client *http.Client, u, header string, v any) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Authorization", header)
	resp, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		_, _ = io.Copy(io.Discard, resp.Body)
		return resp.StatusCode, nil
	}
	return resp.StatusCode, json.NewDecoder(resp.Body).Decode(v)
}

// TimelineCheck is the outcome of one full paging of a restricted3
// timeline.
type TimelineCheck struct {
	Pages, Clips int
	// Missing and Extra are expected clips not shown and shown clips not
	// expected; Duplicates are clips shown twice; OutOfOrder counts clips
	// not older than the one before.
	Missing, Extra, Duplicates, OutOfOrder int
	// Leaked are the clips of cameras outside the set.
	Leaked []string
}

// Matches reports a timeline of exactly the expected clips, newest first.
func (c TimelineCheck) Matches() bool {
	return c.Missing == 0 && c.Extra == 0 && c.Duplicates == 0 && c.OutOfOrder == 0
}

// OK reports a timeline that Matches and shows no other camera.
func (c TimelineCheck) OK() bool { return c.Matches() && len(c.Leaked) == 0 }

func (c TimelineCheck) String() string {
	return fmt.Sprintf("%d clips in %d pages: %d missing, %d extra, %d duplicated, %d out of order, %d of other cameras",
		c.Clips, c.Pages, c.Missing, c.Extra, c.Duplicates, c.OutOfOrder, len(c.Leaked))
}

// CheckAudienceTimeline pages through who's whole timeline (GET /videos,
// audiencePageLimit clips a page, following cursors) and compares it with
// want (every clip id of their cameras): none missing, none extra, none
// twice, newest first, and no clip of a camera outside granted. Since the
// audience's since predates every clip (PrepareAudience), the whole
// timeline is the index's: a missing index entry is a missing clip here.
func CheckAudienceTimeline(ctx context.Context, client *http.Client, apiURL string, who Person, granted, want []string) (TimelineCheck, error) {
	var (
		res    TimelineCheck
		seen   = map[string]bool{}
		prev   string
		cursor string
	)
	for {
		u := fmt.Sprintf("%s/videos?limit=%d", apiURL, audiencePageLimit)
		if cursor != "" {
			u += "&cursor=" + url.QueryEscape(cursor)
		}
		var page struct {
			Items []struct {
				ID       string `json:"id"`
				CameraID string `json:"cameraId"`
			} `json:"items"`
			NextCursor string `json:"nextCursor"`
		}
		st, err := getJSON(ctx, client, u, who.Header, &page)
		if err != nil || st != http.StatusOK {
			return res, fmt.Errorf("soak: %s GET /videos page %d: status %d, %v", who.Name, res.Pages+1, st, err)
		}
		res.Pages++
		for _, it := range page.Items {
			res.Clips++
			if !slices.Contains(granted, it.CameraID) {
				res.Leaked = append(res.Leaked, it.CameraID+"/"+it.ID)
			}
			if seen[it.ID] {
				res.Duplicates++
			}
			seen[it.ID] = true
			if prev != "" && it.ID >= prev {
				res.OutOfOrder++
			}
			prev = it.ID
		}
		if cursor = page.NextCursor; cursor == "" {
			break
		}
		if res.Pages > 10*len(want)+10 {
			return res, fmt.Errorf("soak: %s's timeline did not end after %d pages", who.Name, res.Pages)
		}
	}
	wanted := map[string]bool{}
	for _, id := range want {
		wanted[id] = true
		if !seen[id] {
			res.Missing++
		}
	}
	for id := range seen {
		if !wanted[id] {
			res.Extra++
		}
	}
	return res, nil
}
