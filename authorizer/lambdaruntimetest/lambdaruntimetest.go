// Package lambdaruntimetest is a minimal AWS Lambda Runtime API on loopback,
// for running a built Lambda binary (a provided.al2023 "bootstrap") the way
// Lambda does: the binary polls for the next invocation and posts back its
// response or error. Point the process at it with AWS_LAMBDA_RUNTIME_API=Addr.
package lambdaruntimetest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

const prefix = "/2018-06-01/runtime/"

// FunctionError is the error a function reported for an invocation.
type FunctionError struct {
	// Message is errorMessage, e.g. "Unauthorized".
	Message string `json:"errorMessage"`
	// Type is errorType, e.g. "errorString".
	Type string `json:"errorType"`
}

func (e *FunctionError) Error() string { return e.Type + ": " + e.Message }

// Result is what a function answered to one invocation.
type Result struct {
	// RequestID is the invocation's id.
	RequestID string
	// Payload is the response body; nil when the function reported an error.
	Payload []byte
	// Err is the reported error, or nil.
	Err *FunctionError
}

type invocation struct {
	id      string
	payload []byte
	done    chan Result
}

// Server is a Runtime API. Create it with Start.
type Server struct {
	// Addr is host:port, the value of AWS_LAMBDA_RUNTIME_API.
	Addr string

	queue   chan *invocation
	initErr chan *FunctionError

	mu      sync.Mutex
	pending map[string]*invocation
	nextID  int
	closed  chan struct{}
}

// Start starts a Runtime API on 127.0.0.1; it stops when tb ends.
func Start(tb testing.TB) *Server {
	tb.Helper()
	s := &Server{
		queue:   make(chan *invocation),
		initErr: make(chan *FunctionError, 1),
		pending: map[string]*invocation{},
		closed:  make(chan struct{}),
	}
	srv := httptest.NewServer(http.HandlerFunc(s.serve))
	tb.Cleanup(func() {
		close(s.closed)
		srv.Close()
	})
	s.Addr = strings.TrimPrefix(srv.URL, "http://")
	return s
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	path := strings.TrimPrefix(r.URL.Path, prefix)
	switch {
	case r.Method == http.MethodGet && path == "invocation/next":
		s.next(w, r)
	case r.Method == http.MethodPost && path == "init/error":
		s.initErr <- readError(r)
		w.WriteHeader(http.StatusAccepted)
	case r.Method == http.MethodPost && strings.HasPrefix(path, "invocation/"):
		id, kind, _ := strings.Cut(strings.TrimPrefix(path, "invocation/"), "/")
		s.mu.Lock()
		inv, ok := s.pending[id]
		delete(s.pending, id)
		s.mu.Unlock()
		if !ok || (kind != "response" && kind != "error") {
			http.Error(w, "unknown invocation", http.StatusBadRequest)
			return
		}
		res := Result{RequestID: id}
		if kind == "error" {
			res.Err = readError(r)
		} else {
			res.Payload, _ = io.ReadAll(r.Body)
		}
		inv.done <- res
		w.WriteHeader(http.StatusAccepted)
	default:
		http.NotFound(w, r)
	}
}

func (s *Server) next(w http.ResponseWriter, r *http.Request) {
	select {
	case inv := <-s.queue:
		h := w.Header()
		h.Set("Lambda-Runtime-Aws-Request-Id", inv.id)
		h.Set("Lambda-Runtime-Deadline-Ms", strconv.FormatInt(time.Now().Add(10*time.Second).UnixMilli(), 10))
		h.Set("Lambda-Runtime-Invoked-Function-Arn", "arn:aws:lambda:us-east-1:123456789012:function:test")
		h.Set("Lambda-Runtime-Trace-Id", "Root=1-00000000-000000000000000000000000;Parent=0000000000000000;Sampled=0")
		h.Set("Content-Type", "application/json")
		w.Write(inv.payload)
	case <-r.Context().Done():
	case <-s.closed:
	}
}

func readError(r *http.Request) *FunctionError {
	var fe FunctionError
	b, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err := json.Unmarshal(b, &fe); err != nil {
		fe.Message = string(b)
	}
	if fe.Type == "" {
		fe.Type = r.Header.Get("Lambda-Runtime-Function-Error-Type")
	}
	return &fe
}

// Invoke hands event (marshalled to JSON) to the function's next poll and
// waits for its answer, a reported init error, or ctx.
func (s *Server) Invoke(ctx context.Context, event any) (Result, error) {
	payload, err := json.Marshal(event)
	if err != nil {
		return Result{}, fmt.Errorf("marshal event: %w", err)
	}
	s.mu.Lock()
	s.nextID++
	inv := &invocation{id: fmt.Sprintf("req-%06d", s.nextID), payload: payload, done: make(chan Result, 1)}
	s.pending[inv.id] = inv
	s.mu.Unlock()
	select {
	case s.queue <- inv:
	case fe := <-s.initErr:
		return Result{}, fmt.Errorf("%w: %w", ErrInit, fe)
	case <-ctx.Done():
		return Result{}, fmt.Errorf("no poll for the invocation: %w", ctx.Err())
	}
	select {
	case res := <-inv.done:
		return res, nil
	case <-ctx.Done():
		return Result{}, fmt.Errorf("no answer to %s: %w", inv.id, ctx.Err())
	}
}

// ErrInit is wrapped by Invoke's error when the function reported an init error.
var ErrInit = errors.New("function init failed")
