// Package grants reads camvault's dynamic access grants from the DynamoDB
// allowlist table, with a short in-memory cache, so access can change without
// a redeploy and without a table read per request.
//
// The table's partition key is subject (S): an address or domain in
// access.Canonical form. Attributes: role (S, "viewer" or "admin") and,
// optionally, cameras (SS); no cameras attribute means every camera. Items
// whose subject starts with BindPrefix bind an address to a Google account
// (bind.go); no canonical subject can start with it.
package grants

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/camvault/camvault/authorizer/access"
)

// DefaultTTL is how long a looked-up grant, or its absence, is cached.
const DefaultTTL = 60 * time.Second

// maxEntries bounds the cache; when full it is emptied and refilled.
const maxEntries = 10000

// Attribute names of the allowlist table.
const (
	// AttrSubject is the partition key: a lowercased address or domain.
	AttrSubject = "subject"
	// AttrRole is the granted role.
	AttrRole = "role"
	// AttrCameras is the optional set of camera ids.
	AttrCameras = "cameras"
)

// API is the part of the DynamoDB client the store uses (GetItem for grants
// and bindings, PutItem only to bind an address on first use);
// *dynamodb.Client satisfies it.
type API interface {
	// GetItem reads one item.
	GetItem(ctx context.Context, in *dynamodb.GetItemInput, opts ...func(*dynamodb.Options)) (*dynamodb.GetItemOutput, error)
	// PutItem writes one item.
	PutItem(ctx context.Context, in *dynamodb.PutItemInput, opts ...func(*dynamodb.Options)) (*dynamodb.PutItemOutput, error)
}

// Store looks grants up in the allowlist table, caching results (found or
// not) for its TTL. Errors are never cached. It implements access.GrantSource
// and is safe for concurrent use.
type Store struct {
	client API
	table  string
	ttl    time.Duration
	now    func() time.Time

	mu    sync.Mutex
	cache map[string]entry
	// bindings caches address -> bound sub (see bind.go).
	bindings map[string]binding
}

type entry struct {
	grant   access.Grant
	found   bool
	expires time.Time
}

// Option configures a Store.
type Option func(*Store)

// WithTTL sets how long lookups are cached (default DefaultTTL; 0 or less
// keeps the default).
func WithTTL(d time.Duration) Option {
	return func(s *Store) {
		if d > 0 {
			s.ttl = d
		}
	}
}

// WithClock sets the clock used for cache expiry.
func WithClock(now func() time.Time) Option {
	return func(s *Store) {
		if now != nil {
			s.now = now
		}
	}
}

// NewStore returns a Store reading table through client.
func NewStore(client API, table string, opts ...Option) (*Store, error) {
	if client == nil {
		return nil, errors.New("grants: nil DynamoDB client")
	}
	if table == "" {
		return nil, errors.New("grants: empty table name")
	}
	s := &Store{client: client, table: table, ttl: DefaultTTL, now: time.Now, cache: map[string]entry{}, bindings: map[string]binding{}}
	for _, o := range opts {
		o(s)
	}
	return s, nil
}

// Grant returns the grant for subject (a lowercased address or domain).
func (s *Store) Grant(ctx context.Context, subject string) (access.Grant, bool, error) {
	now := s.now()
	s.mu.Lock()
	e, ok := s.cache[subject]
	s.mu.Unlock()
	if ok && now.Before(e.expires) {
		return e.grant, e.found, nil
	}
	g, found, err := s.read(ctx, subject)
	if err != nil {
		return access.Grant{}, false, err
	}
	s.mu.Lock()
	if len(s.cache) >= maxEntries {
		clear(s.cache)
	}
	s.cache[subject] = entry{grant: g, found: found, expires: now.Add(s.ttl)}
	s.mu.Unlock()
	return g, found, nil
}

func (s *Store) read(ctx context.Context, subject string) (access.Grant, bool, error) {
	out, err := s.client.GetItem(ctx, &dynamodb.GetItemInput{
		TableName:            aws.String(s.table),
		Key:                  map[string]ddbtypes.AttributeValue{AttrSubject: &ddbtypes.AttributeValueMemberS{Value: subject}},
		ProjectionExpression: aws.String("#r, #c"),
		ExpressionAttributeNames: map[string]string{
			"#r": AttrRole,
			"#c": AttrCameras,
		},
	})
	if err != nil {
		return access.Grant{}, false, fmt.Errorf("grants: get %s item: %w", AttrSubject, err)
	}
	if len(out.Item) == 0 {
		return access.Grant{}, false, nil
	}
	g := access.Grant{Subject: subject}
	if v, ok := out.Item[AttrRole].(*ddbtypes.AttributeValueMemberS); ok {
		g.Role = access.Role(v.Value)
	}
	switch v := out.Item[AttrCameras].(type) {
	case nil:
	case *ddbtypes.AttributeValueMemberSS:
		g.Cameras = append([]string{}, v.Value...)
	case *ddbtypes.AttributeValueMemberL:
		// Tolerate a list of strings written by hand instead of a string set.
		g.Cameras = []string{}
		for _, item := range v.Value {
			if sv, ok := item.(*ddbtypes.AttributeValueMemberS); ok {
				g.Cameras = append(g.Cameras, sv.Value)
			}
		}
	default:
		// A cameras attribute of another type restricts to no camera rather
		// than granting all of them.
		g.Cameras = []string{}
	}
	return g, true, nil
}
