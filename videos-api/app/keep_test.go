package app_test

import (
	"context"
	"errors"
	"net/http"
	"reflect"
	"strconv"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/camvault/camvault/videos-api/app"
	"github.com/camvault/camvault/videos-api/clip"
	"github.com/camvault/camvault/videos-api/store"
)

// expire removes what AWS's retention would have removed by at, the way it
// decides: DynamoDB's TTL deletes every item whose expiresAt is at or
// before at; the bucket's lifecycle rule (prefix clips/, tag
// retention=standard, RETENTION_DAYS) deletes every object so tagged whose
// upload time plus the days, rounded up to the next midnight UTC, is at or
// before at. Untagged and kept objects stay, as in S3.
func (e *env) expire(at time.Time) {
	e.t.Helper()
	ctx := context.Background()
	in := &dynamodb.ScanInput{TableName: aws.String(e.table)}
	for {
		res, err := e.ddb.Scan(ctx, in)
		if err != nil {
			e.t.Fatal(err)
		}
		for _, item := range res.Items {
			n, ok := item[store.TableSchema.TTLAttribute].(*ddbtypes.AttributeValueMemberN)
			if !ok {
				continue
			}
			sec, _ := strconv.ParseInt(n.Value, 10, 64)
			if sec > at.Unix() {
				continue
			}
			key := map[string]ddbtypes.AttributeValue{
				store.TableSchema.PartitionKey: item[store.TableSchema.PartitionKey],
				store.TableSchema.SortKey:      item[store.TableSchema.SortKey],
			}
			if _, err := e.ddb.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: aws.String(e.table), Key: key}); err != nil {
				e.t.Fatal(err)
			}
		}
		if len(res.LastEvaluatedKey) == 0 {
			break
		}
		in.ExclusiveStartKey = res.LastEvaluatedKey
	}
	objs, err := e.s3.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String(bucket), Prefix: aws.String("clips/")})
	if err != nil {
		e.t.Fatal(err)
	}
	for _, o := range objs.Contents {
		if e.tags.Tags(bucket, *o.Key)[clip.RetentionTag] != clip.RetentionStandard {
			continue
		}
		y, m, d := o.LastModified.UTC().AddDate(0, 0, app.DefaultRetentionDays).Date()
		due := time.Date(y, m, d+1, 0, 0, 0, 0, time.UTC)
		if due.After(at) {
			continue
		}
		if _, err := e.s3.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(bucket), Key: o.Key}); err != nil {
			e.t.Fatal(err)
		}
	}
}

// objects reports which of a clip's objects (mp4, jpg) exist.
func (e *env) objects(camera, id string) (mp4, jpg bool) {
	e.t.Helper()
	clipKey, thumbKey, _ := clip.ObjectKeys(camera, id)
	exists := func(key string) bool {
		_, err := e.s3.HeadObject(context.Background(), &s3.HeadObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
		var nf *s3types.NotFound
		if err != nil && !errors.As(err, &nf) {
			e.t.Fatal(err)
		}
		return err == nil
	}
	return exists(clipKey), exists(thumbKey)
}

func (e *env) retention(camera, id string) (mp4, jpg string) {
	clipKey, thumbKey, _ := clip.ObjectKeys(camera, id)
	return e.tags.Tags(bucket, clipKey)[clip.RetentionTag], e.tags.Tags(bucket, thumbKey)[clip.RetentionTag]
}

func TestIngestTagsObjectsForRetention(t *testing.T) {
	e := newEnv(t)
	id := e.upload("porch", "2026-11-25T10:00:00Z", 1, true)
	if mp4, jpg := e.retention("porch", id); mp4 != "standard" || jpg != "standard" {
		t.Fatalf("retention tags = %q, %q; want standard on both", mp4, jpg)
	}
	// A redelivered event for a kept clip leaves it kept.
	if code, _ := e.call(viewer, "PUT", "/cameras/porch/videos/"+id+"/keep"); code != http.StatusOK {
		t.Fatalf("keep: %d", code)
	}
	clipKey, thumbKey, _ := clip.ObjectKeys("porch", id)
	e.ingest(clipKey, thumbKey)
	if mp4, jpg := e.retention("porch", id); mp4 != "kept" || jpg != "kept" {
		t.Fatalf("after redelivery: retention tags = %q, %q; want kept", mp4, jpg)
	}
}

func TestKeptClipsSurviveRetention(t *testing.T) {
	e := newEnv(t)
	kept := e.upload("porch", "2026-11-25T10:00:00Z", 1, true)
	plain := e.upload("porch", "2026-11-25T11:00:00Z", 2, true)
	given := e.upload("garage", "2026-11-25T12:00:00Z", 3, false)

	code, body := e.call(viewer, "PUT", "/cameras/porch/videos/"+kept+"/keep")
	if code != http.StatusOK || body["kept"] != true || body["expiresAt"] != nil {
		t.Fatalf("keep: %d %v", code, body)
	}
	if code, _ := e.call(viewer, "PUT", "/cameras/porch/videos/"+kept+"/keep"); code != http.StatusOK {
		t.Fatalf("keeping again: %d", code)
	}
	if mp4, jpg := e.retention("porch", kept); mp4 != "kept" || jpg != "kept" {
		t.Fatalf("kept clip's tags = %q, %q", mp4, jpg)
	}
	e.call(viewer, "PUT", "/cameras/garage/videos/"+given+"/keep")
	code, body = e.call(viewer, "DELETE", "/cameras/garage/videos/"+given+"/keep")
	if code != http.StatusOK || body["kept"] != nil || body["expiresAt"] != "2026-12-25T12:00:00Z" {
		t.Fatalf("un-keep inside the window: %d %v", code, body)
	}
	if mp4, _ := e.retention("garage", given); mp4 != "standard" {
		t.Fatalf("un-kept clip's tag = %q", mp4)
	}

	_, body = e.call(viewer, "GET", "/videos?kept=true")
	if got, want := itemIDs(body), []string{"porch/" + kept}; !reflect.DeepEqual(got, want) {
		t.Fatalf("kept list = %v, want %v", got, want)
	}
	_, body = e.call(viewer, "GET", "/cameras/porch/videos?kept=true")
	if got := itemIDs(body); len(got) != 1 {
		t.Fatalf("porch kept list = %v", got)
	}
	_, body = e.call(restricted, "GET", "/videos?kept=true")
	if got := itemIDs(body); len(got) != 1 {
		t.Fatalf("restricted (porch) kept list = %v", got)
	}
	_, body = e.call(viewer, "GET", "/cameras/garage/videos?kept=true")
	if got := itemIDs(body); len(got) != 0 {
		t.Fatalf("garage kept list = %v", got)
	}

	// Thirty-one days on, TTL and the lifecycle rule have run.
	e.clock.Advance(31 * 24 * time.Hour)
	e.expire(e.clock.Now())
	if code, _ := e.call(viewer, "GET", "/cameras/porch/videos/"+kept); code != http.StatusOK {
		t.Fatalf("kept clip after retention: %d", code)
	}
	if mp4, jpg := e.objects("porch", kept); !mp4 || !jpg {
		t.Fatalf("kept clip's objects after retention: mp4 %v jpg %v", mp4, jpg)
	}
	for _, c := range []struct{ cam, id string }{{"porch", plain}, {"garage", given}} {
		if code, _ := e.call(viewer, "GET", "/cameras/"+c.cam+"/videos/"+c.id); code != http.StatusNotFound {
			t.Fatalf("%s/%s after retention: %d, want 404", c.cam, c.id, code)
		}
		if mp4, jpg := e.objects(c.cam, c.id); mp4 || jpg {
			t.Fatalf("%s/%s objects after retention: mp4 %v jpg %v", c.cam, c.id, mp4, jpg)
		}
	}

	// Un-keeping a clip past its window: it goes within a day, not at once.
	t0 := e.clock.Now()
	code, body = e.call(viewer, "DELETE", "/cameras/porch/videos/"+kept+"/keep")
	if code != http.StatusOK || body["expiresAt"] != t0.Add(24*time.Hour).UTC().Format(time.RFC3339) {
		t.Fatalf("un-keep past the window: %d %v", code, body)
	}
	e.clock.Advance(time.Hour)
	e.expire(e.clock.Now())
	if code, _ := e.call(viewer, "GET", "/cameras/porch/videos/"+kept); code != http.StatusOK {
		t.Fatalf("an hour after un-keeping: %d, want 200", code)
	}
	if mp4, _ := e.retention("porch", kept); mp4 != "" && mp4 != "standard" {
		t.Fatalf("un-kept clip's tag = %q", mp4)
	}
	e.clock.Advance(24 * time.Hour)
	e.expire(e.clock.Now())
	if code, _ := e.call(viewer, "GET", "/cameras/porch/videos/"+kept); code != http.StatusNotFound {
		t.Fatalf("a day after un-keeping: %d, want 404", code)
	}
	if mp4, jpg := e.objects("porch", kept); mp4 || jpg {
		t.Fatalf("a day after un-keeping, objects: mp4 %v jpg %v", mp4, jpg)
	}
	_, body = e.call(viewer, "GET", "/videos?kept=true")
	if got := itemIDs(body); len(got) != 0 {
		t.Fatalf("kept list after un-keep = %v", got)
	}
}

func TestKeepRefusals(t *testing.T) {
	e := newEnv(t)
	id := e.upload("garage", "2026-11-25T10:00:00Z", 1, false)
	missing := clipID("2026-11-25T10:00:00Z", 99)
	tests := []struct {
		who    map[string]any
		method string
		target string
		status int
		param  string
	}{
		{viewer, "PUT", "/cameras/garage/videos/" + missing + "/keep", 404, ""},
		{viewer, "DELETE", "/cameras/garage/videos/" + missing + "/keep", 404, ""},
		{viewer, "PUT", "/cameras/porch/videos/" + id + "/keep", 404, ""}, // a clip of another camera
		{restricted, "PUT", "/cameras/garage/videos/" + id + "/keep", 403, ""},
		{viewer, "PUT", "/cameras/garage/videos/not-an-id/keep", 400, "videoId"},
		{viewer, "PUT", "/cameras/Garage/videos/" + id + "/keep", 400, "cameraId"},
		{viewer, "GET", "/videos?kept=yes", 400, "kept"},
	}
	for _, tt := range tests {
		code, body := e.call(tt.who, tt.method, tt.target)
		_, param := errorOf(body)
		if code != tt.status || param != tt.param {
			t.Errorf("%s %s: %d %v, want %d naming %q", tt.method, tt.target, code, body, tt.status, tt.param)
		}
	}
	if mp4, _ := e.retention("garage", id); mp4 != "standard" {
		t.Fatalf("a refused keep changed the tag: %q", mp4)
	}
}

func TestDeletingAKeptClipTakesItOffTheKeptList(t *testing.T) {
	e := newEnv(t)
	id := e.upload("porch", "2026-11-25T10:00:00Z", 1, true)
	e.call(viewer, "PUT", "/cameras/porch/videos/"+id+"/keep")
	if code, _ := e.call(admin, "DELETE", "/cameras/porch/videos/"+id); code != http.StatusNoContent {
		t.Fatalf("delete: %d", code)
	}
	_, body := e.call(viewer, "GET", "/videos?kept=true")
	if got := itemIDs(body); len(got) != 0 {
		t.Fatalf("kept list after delete = %v", got)
	}
	if mp4, jpg := e.objects("porch", id); mp4 || jpg {
		t.Fatalf("objects after delete: %v %v", mp4, jpg)
	}
}

func TestCameraRemovalSparesKeptClipsUnlessTold(t *testing.T) {
	e := newEnv(t)
	kept := e.upload("garage", "2026-11-25T10:00:00Z", 1, true)
	e.upload("garage", "2026-11-25T11:00:00Z", 2, false)
	e.call(viewer, "PUT", "/cameras/garage/videos/"+kept+"/keep")
	code, body := e.call(admin, "DELETE", "/cameras/garage")
	if _, param := errorOf(body); code != http.StatusConflict || param != "includeKept" {
		t.Fatalf("removing a camera with kept clips: %d %v, want 409 naming includeKept", code, body)
	}
	if code, _ := e.call(viewer, "GET", "/cameras/garage/videos/"+kept); code != http.StatusOK {
		t.Fatalf("the kept clip after a refused removal: %d", code)
	}
	if code, body := e.call(admin, "DELETE", "/cameras/garage?includeKept=maybe"); code != http.StatusBadRequest {
		t.Fatalf("includeKept=maybe: %d %v", code, body)
	}
	for i := 0; ; i++ {
		code, body = e.call(admin, "DELETE", "/cameras/garage?includeKept=true")
		if code == http.StatusOK {
			break
		}
		if code != http.StatusAccepted || i > 20 {
			t.Fatalf("removal with includeKept: %d %v", code, body)
		}
	}
	// Nothing half-deleted is listed: the kept list has no clip of it.
	if _, list := e.call(viewer, "GET", "/videos?kept=true"); len(itemIDs(list)) != 0 {
		t.Fatalf("kept list after the camera's removal: %v", itemIDs(list))
	}
}
