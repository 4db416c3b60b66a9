package grants

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/camvault/camvault/authorizer/access"
)

// RoleBlocked is the role an operator writes to refuse someone a static
// rule (a domain) would admit: any role but viewer and admin denies.
const RoleBlocked = "blocked"

// AdminAPI is the part of the DynamoDB client Admin uses.
type AdminAPI interface {
	API
	// DeleteItem deletes one item.
	DeleteItem(ctx context.Context, in *dynamodb.DeleteItemInput, opts ...func(*dynamodb.Options)) (*dynamodb.DeleteItemOutput, error)
	// Scan reads the table page by page.
	Scan(ctx context.Context, in *dynamodb.ScanInput, opts ...func(*dynamodb.Options)) (*dynamodb.ScanOutput, error)
}

// Admin writes and lists grants and address bindings: every writer of the
// allowlist table in this repository goes through it (or grantstest.Put,
// which normalises the same way), so subjects are stored canonical.
type Admin struct {
	client AdminAPI
	table  string
	now    func() time.Time
}

// NewAdmin returns an Admin of table through client.
func NewAdmin(client AdminAPI, table string) (*Admin, error) {
	if client == nil || table == "" {
		return nil, errors.New("grants admin: a client and a table are required")
	}
	return &Admin{client: client, table: table, now: time.Now}, nil
}

// CheckGrant checks and normalises what Put writes, without writing: it
// returns the subject as Put stores it (access.Canonical) and the cameras
// sorted and unique, nil for every camera. A caller that records the change
// elsewhere first (the grants CLI's revocation record) checks with it.
func CheckGrant(subject, role string, cameras []string) (string, []string, error) {
	subject = access.Canonical(subject)
	if !access.ValidSubject(subject) {
		return "", nil, fmt.Errorf("subject %q is not an address or a domain", subject)
	}
	if role != string(access.Viewer) && role != string(access.Admin) && role != RoleBlocked {
		return "", nil, fmt.Errorf("role %q: want viewer, admin or blocked", role)
	}
	if len(cameras) == 0 {
		return subject, nil, nil
	}
	for _, c := range cameras {
		if !access.ValidCameraID(c) {
			return "", nil, fmt.Errorf("camera id %q: want 1-63 of a-z, 0-9 and -, not starting with -", c)
		}
	}
	return subject, slices.Compact(slices.Sorted(slices.Values(cameras))), nil
}

// Put writes a grant for subject (an address or a domain, normalised with
// access.Canonical) with role viewer, admin or blocked, limited to cameras
// (nil or empty: every camera). It returns the subject as stored.
func (a *Admin) Put(ctx context.Context, subject, role string, cameras []string) (string, error) {
	subject, cameras, err := CheckGrant(subject, role, cameras)
	if err != nil {
		return "", err
	}
	item := map[string]ddbtypes.AttributeValue{
		AttrSubject: &ddbtypes.AttributeValueMemberS{Value: subject},
		AttrRole:    &ddbtypes.AttributeValueMemberS{Value: role},
	}
	if cameras != nil {
		item[AttrCameras] = &ddbtypes.AttributeValueMemberSS{Value: cameras}
	}
	if _, err := a.client.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(a.table), Item: item}); err != nil {
		return "", fmt.Errorf("put grant %s: %w", subject, err)
	}
	return subject, nil
}

// Delete removes the grant stored under subject exactly as given (so a
// non-canonical subject that List flagged can be removed too).
func (a *Admin) Delete(ctx context.Context, subject string) error {
	if strings.HasPrefix(subject, BindPrefix) {
		return errors.New("that is an address binding: use Unbind")
	}
	return a.delete(ctx, subject)
}

func (a *Admin) delete(ctx context.Context, subject string) error {
	_, err := a.client.DeleteItem(ctx, &dynamodb.DeleteItemInput{
		TableName: aws.String(a.table),
		Key:       map[string]ddbtypes.AttributeValue{AttrSubject: &ddbtypes.AttributeValueMemberS{Value: subject}},
	})
	if err != nil {
		return fmt.Errorf("delete %s: %w", subject, err)
	}
	return nil
}

// Bind binds address to the Google account sub, replacing any binding (to
// hand an address over to a known new account).
func (a *Admin) Bind(ctx context.Context, address, sub string) error {
	address = access.Canonical(address)
	if !access.ValidSubject(address) || !strings.Contains(address, "@") {
		return fmt.Errorf("%q is not an address", address)
	}
	if strings.TrimSpace(sub) == "" {
		return errors.New("empty sub")
	}
	_, err := a.client.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(a.table), Item: map[string]ddbtypes.AttributeValue{
		AttrSubject: &ddbtypes.AttributeValueMemberS{Value: BindKey(address)},
		AttrSub:     &ddbtypes.AttributeValueMemberS{Value: sub},
		AttrBoundAt: &ddbtypes.AttributeValueMemberS{Value: a.now().UTC().Format(time.RFC3339)},
	}})
	if err != nil {
		return fmt.Errorf("bind %s: %w", address, err)
	}
	return nil
}

// Unbind removes address's binding, so the next Google account that signs
// in with it (and that a rule admits) is bound to it. It returns the sub it
// was bound to ("" when it was not bound).
func (a *Admin) Unbind(ctx context.Context, address string) (string, error) {
	address = access.Canonical(address)
	out, err := a.client.DeleteItem(ctx, &dynamodb.DeleteItemInput{
		TableName:    aws.String(a.table),
		Key:          map[string]ddbtypes.AttributeValue{AttrSubject: &ddbtypes.AttributeValueMemberS{Value: BindKey(address)}},
		ReturnValues: ddbtypes.ReturnValueAllOld,
	})
	if err != nil {
		return "", fmt.Errorf("unbind %s: %w", address, err)
	}
	if v, ok := out.Attributes[AttrSub].(*ddbtypes.AttributeValueMemberS); ok {
		return v.Value, nil
	}
	return "", nil
}

// Entry is one item of the allowlist table, as List reports it.
type Entry struct {
	// Subject is the item's key as stored.
	Subject string
	// Binding is true for an address binding (Subject starts with BindPrefix).
	Binding bool
	// Role and Cameras describe a grant; Cameras nil means every camera.
	Role    string
	Cameras []string
	// Sub and BoundAt describe a binding.
	Sub, BoundAt string
	// Problem is why the item does not work as its writer meant, or "".
	// A non-canonical subject is never looked up, so the person it names
	// gets whatever the static rules give them.
	Problem string
}

// List reads the whole table (it is small) and flags every item that does
// not work as meant: non-canonical subjects, unknown roles, invalid camera
// ids, bindings without a sub.
func (a *Admin) List(ctx context.Context) ([]Entry, error) {
	var entries []Entry
	p := dynamodb.NewScanPaginator(a.client, &dynamodb.ScanInput{TableName: aws.String(a.table), ConsistentRead: aws.Bool(true)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("list %s: %w", a.table, err)
		}
		for _, item := range page.Items {
			entries = append(entries, entryOf(item))
		}
	}
	slices.SortFunc(entries, func(x, y Entry) int { return strings.Compare(x.Subject, y.Subject) })
	return entries, nil
}

func entryOf(item map[string]ddbtypes.AttributeValue) Entry {
	str := func(name string) string {
		if v, ok := item[name].(*ddbtypes.AttributeValueMemberS); ok {
			return v.Value
		}
		return ""
	}
	e := Entry{Subject: str(AttrSubject)}
	var problems []string
	if address, ok := strings.CutPrefix(e.Subject, BindPrefix); ok {
		e.Binding, e.Sub, e.BoundAt = true, str(AttrSub), str(AttrBoundAt)
		if e.Sub == "" {
			problems = append(problems, "binding without a sub: the address is refused to everyone")
		}
		if !access.ValidSubject(address) {
			problems = append(problems, fmt.Sprintf("binding of a non-canonical address: never read (canonical: %q)", access.Canonical(address)))
		}
		e.Problem = strings.Join(problems, "; ")
		return e
	}
	e.Role = str(AttrRole)
	switch v := item[AttrCameras].(type) {
	case nil:
	case *ddbtypes.AttributeValueMemberSS:
		e.Cameras = v.Value
	default:
		e.Cameras = []string{}
		problems = append(problems, "cameras is not a string set: read as no camera")
	}
	if !access.ValidSubject(e.Subject) {
		problems = append(problems, fmt.Sprintf("non-canonical subject: never looked up, so static rules decide for this person (write it as %q)", access.Canonical(e.Subject)))
	}
	if !access.Role(e.Role).Valid() && e.Role != RoleBlocked {
		problems = append(problems, fmt.Sprintf("role %q denies (want viewer, admin or blocked)", e.Role))
	}
	for _, c := range e.Cameras {
		if !access.ValidCameraID(c) {
			problems = append(problems, fmt.Sprintf("camera id %q is ignored", c))
		}
	}
	e.Problem = strings.Join(problems, "; ")
	return e
}
