package store

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// Bulk jobs. A job is one item PK=JOB#{id}, SK=JOB: what it does, what it
// selects (as the API's JSON), how far it got (Cursor) and its counts. Each
// step moves it on with one conditional update (on the count of clips
// processed so far), so two runners never both count a clip, and a runner
// that stopped part way is resumed by the next from the last step written.
// A job over a time range first claims the clip its next step is about
// (Pending, ClaimJobStep): a delete takes the clip out of the range, so
// two runners choosing the next clip each for themselves could each pick
// a different one, and the loser's deleted clip would go uncounted.
const (
	jobPrefix = "JOB#"
	jobSK     = "JOB"
	// JobRecordFor is how long a job's record is kept after it was made.
	JobRecordFor = 30 * 24 * time.Hour
)

// ErrJobMoved is returned by StepJob when another runner moved the job
// on first.
var ErrJobMoved = errors.New("store: job moved on")

// Job is a bulk job's record.
type Job struct {
	// ID is the job's id.
	ID string
	// Action is delete or keep.
	Action string
	// Selection is the job's selection as JSON (the API's request).
	Selection string
	// IncludeKept lets a delete take kept clips too.
	IncludeKept bool
	// CreatedBy and CreatedAt: who made it and when.
	CreatedBy string
	CreatedAt time.Time
	// Cursor is where the next step starts (an index or a list position).
	Cursor string
	// Pending is the list position of the clip the next step is about,
	// claimed by ClaimJobStep (range selections only), or empty.
	Pending string
	// Done is true once every selected clip was processed.
	Done bool
	// Total is the number of clips selected when known (explicit lists),
	// else -1.
	Total int64
	// Processed, Deleted, Kept, Skipped and Failed count the clips.
	Processed, Deleted, Kept, Skipped, Failed int64
}

func jobKey(id string) map[string]ddbtypes.AttributeValue {
	return map[string]ddbtypes.AttributeValue{
		TableSchema.PartitionKey: str(jobPrefix + id),
		TableSchema.SortKey:      str(jobSK),
	}
}

// PutJob records a new job.
func (s *Store) PutJob(ctx context.Context, j Job) error {
	item := jobKey(j.ID)
	item["type"] = str("job")
	item["jobId"] = str(j.ID)
	item["action"] = str(j.Action)
	item["selection"] = str(j.Selection)
	item["includeKept"] = &ddbtypes.AttributeValueMemberBOOL{Value: j.IncludeKept}
	item["createdBy"] = str(j.CreatedBy)
	item["createdAt"] = num(j.CreatedAt.UnixMilli())
	item["cursor"] = str(j.Cursor)
	item["total"] = num(j.Total)
	item["done"] = &ddbtypes.AttributeValueMemberBOOL{Value: j.Done}
	for _, k := range []string{"processed", "deleted", "kept", "skipped", "failed"} {
		item[k] = num(0)
	}
	item[TableSchema.TTLAttribute] = num(j.CreatedAt.Add(JobRecordFor).Unix())
	err := s.putNew(ctx, item)
	if err != nil {
		return fmt.Errorf("store: putting job %s: %w", j.ID, err)
	}
	return nil
}

// GetJob returns a job's record (strongly consistent), or ErrNotFound.
func (s *Store) GetJob(ctx context.Context, id string) (Job, error) {
	res, err := s.ddb.GetItem(ctx, &dynamodb.GetItemInput{
		TableName:      aws.String(s.table),
		Key:            jobKey(id),
		ConsistentRead: aws.Bool(true),
	})
	if err != nil {
		return Job{}, fmt.Errorf("store: getting job %s: %w", id, err)
	}
	if res.Item == nil {
		return Job{}, ErrNotFound
	}
	return decodeJob(res.Item), nil
}

func decodeJob(item map[string]ddbtypes.AttributeValue) Job {
	n := func(k string) int64 { v, _ := strconv.ParseInt(NumberAttr(item, k), 10, 64); return v }
	b := func(k string) bool { v, ok := item[k].(*ddbtypes.AttributeValueMemberBOOL); return ok && v.Value }
	return Job{
		ID: StringAttr(item, "jobId"), Action: StringAttr(item, "action"), Selection: StringAttr(item, "selection"),
		IncludeKept: b("includeKept"), CreatedBy: StringAttr(item, "createdBy"), CreatedAt: time.UnixMilli(n("createdAt")).UTC(),
		Cursor: StringAttr(item, "cursor"), Pending: StringAttr(item, "pending"), Done: b("done"), Total: n("total"),
		Processed: n("processed"), Deleted: n("deleted"), Kept: n("kept"), Skipped: n("skipped"), Failed: n("failed"),
	}
}

// JobStep is what one step did: the cursor after it, whether the job is
// done, and the counts to add.
type JobStep struct {
	Cursor                                    string
	Done                                      bool
	Processed, Deleted, Kept, Skipped, Failed int64
}

// ClaimJobStep records pending as the clip the next step of job j (as
// read before) is about: it succeeds only if nobody moved the job since
// and no clip is claimed yet, else it is ErrJobMoved. It returns the job
// as it is now.
func (s *Store) ClaimJobStep(ctx context.Context, j Job, pending string) (Job, error) {
	return s.moveJob(ctx, "claiming a step of", j, &dynamodb.UpdateItemInput{
		TableName:           aws.String(s.table),
		Key:                 jobKey(j.ID),
		UpdateExpression:    aws.String("SET #pending = :pending"),
		ConditionExpression: aws.String("#p = :prev AND #done = :false AND attribute_not_exists(#pending)"),
		ExpressionAttributeNames: map[string]string{
			"#pending": "pending", "#p": "processed", "#done": "done",
		},
		ExpressionAttributeValues: map[string]ddbtypes.AttributeValue{
			":pending": str(pending), ":prev": num(j.Processed), ":false": &ddbtypes.AttributeValueMemberBOOL{Value: false},
		},
	})
}

// StepJob writes one step of job j (as read before the step): it succeeds
// only if nobody moved the job since (same processed count), else it is
// ErrJobMoved. It clears the claimed clip and returns the job as it is now.
func (s *Store) StepJob(ctx context.Context, j Job, st JobStep) (Job, error) {
	return s.moveJob(ctx, "stepping", j, &dynamodb.UpdateItemInput{
		TableName:           aws.String(s.table),
		Key:                 jobKey(j.ID),
		UpdateExpression:    aws.String("SET #cursor = :cursor, #done = :done REMOVE #pending ADD #p :p, #d :d, #k :k, #s :s, #f :f"),
		ConditionExpression: aws.String("#p = :prev AND #done = :false"),
		ExpressionAttributeNames: map[string]string{
			"#cursor": "cursor", "#pending": "pending", "#done": "done", "#p": "processed", "#d": "deleted", "#k": "kept", "#s": "skipped", "#f": "failed",
		},
		ExpressionAttributeValues: map[string]ddbtypes.AttributeValue{
			":cursor": str(st.Cursor), ":done": &ddbtypes.AttributeValueMemberBOOL{Value: st.Done},
			":p": num(st.Processed), ":d": num(st.Deleted), ":k": num(st.Kept), ":s": num(st.Skipped), ":f": num(st.Failed),
			":prev": num(j.Processed), ":false": &ddbtypes.AttributeValueMemberBOOL{Value: false},
		},
	})
}

// moveJob runs in, a conditional update of job j's record, and returns
// the job as it is after it; a failed condition (someone moved the job
// first) is ErrJobMoved. doing names the update in errors.
func (s *Store) moveJob(ctx context.Context, doing string, j Job, in *dynamodb.UpdateItemInput) (Job, error) {
	in.ReturnValues = ddbtypes.ReturnValueAllNew
	res, err := s.ddb.UpdateItem(ctx, in)
	var ccf *ddbtypes.ConditionalCheckFailedException
	switch {
	case errors.As(err, &ccf):
		return Job{}, ErrJobMoved
	case err != nil:
		return Job{}, fmt.Errorf("store: %s job %s: %w", doing, j.ID, err)
	}
	return decodeJob(res.Attributes), nil
}
