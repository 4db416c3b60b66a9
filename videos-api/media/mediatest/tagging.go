// Package mediatest gives S3 stand-ins what the clips bucket needs of S3
// and gofakes3 lacks: object tagging. gofakes3 would take PUT ?tagging for
// an object upload and overwrite the clip with the tagging XML.
package mediatest

import (
	"encoding/xml"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strings"
	"sync"
)

// Tagging serves GET, PUT and DELETE ?tagging of objects in front of an S3
// handler (gofakes3), keeping tag sets in memory, and forgets an object's
// tags when it is deleted or overwritten (an upload's x-amz-tagging header
// sets the new ones). Everything else goes to the S3 handler unchanged.
type Tagging struct {
	next http.Handler
	mu   sync.Mutex
	tags map[string]map[string]string // "bucket/key" -> tag set
}

// NewTagging wraps the S3 handler next (path-style addressing).
func NewTagging(next http.Handler) *Tagging {
	return &Tagging{next: next, tags: map[string]map[string]string{}}
}

// Tags returns a copy of an object's tag set (nil when it has none).
func (t *Tagging) Tags(bucket, key string) map[string]string {
	t.mu.Lock()
	defer t.mu.Unlock()
	src := t.tags[bucket+"/"+key]
	if src == nil {
		return nil
	}
	out := make(map[string]string, len(src))
	for k, v := range src {
		out[k] = v
	}
	return out
}

type tagXML struct {
	Key   string `xml:"Key"`
	Value string `xml:"Value"`
}

type taggingXML struct {
	XMLName xml.Name `xml:"Tagging"`
	Xmlns   string   `xml:"xmlns,attr,omitempty"`
	TagSet  []tagXML `xml:"TagSet>Tag"`
}

func (t *Tagging) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	path := strings.TrimPrefix(r.URL.Path, "/")
	bucket, key, ok := strings.Cut(path, "/")
	if !ok || key == "" {
		t.next.ServeHTTP(w, r)
		return
	}
	id := bucket + "/" + key
	if !r.URL.Query().Has("tagging") {
		t.object(w, r, id)
		return
	}
	if !t.exists(r) {
		w.Header().Set("Content-Type", "application/xml")
		w.WriteHeader(http.StatusNotFound)
		_, _ = io.WriteString(w, `<?xml version="1.0" encoding="UTF-8"?><Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message></Error>`)
		return
	}
	switch r.Method {
	case http.MethodGet:
		t.mu.Lock()
		out := taggingXML{Xmlns: "http://s3.amazonaws.com/doc/2006-03-01/", TagSet: []tagXML{}}
		for k, v := range t.tags[id] {
			out.TagSet = append(out.TagSet, tagXML{Key: k, Value: v})
		}
		t.mu.Unlock()
		sort.Slice(out.TagSet, func(i, j int) bool { return out.TagSet[i].Key < out.TagSet[j].Key })
		b, _ := xml.Marshal(out)
		w.Header().Set("Content-Type", "application/xml")
		_, _ = w.Write(append([]byte(xml.Header), b...))
	case http.MethodPut:
		var in taggingXML
		if err := xml.NewDecoder(io.LimitReader(r.Body, 64<<10)).Decode(&in); err != nil {
			w.WriteHeader(http.StatusBadRequest)
			_, _ = io.WriteString(w, `<?xml version="1.0" encoding="UTF-8"?><Error><Code>MalformedXML</Code><Message>bad tagging</Message></Error>`)
			return
		}
		set := map[string]string{}
		for _, tg := range in.TagSet {
			set[tg.Key] = tg.Value
		}
		t.mu.Lock()
		t.tags[id] = set
		t.mu.Unlock()
		w.WriteHeader(http.StatusOK)
	case http.MethodDelete:
		t.mu.Lock()
		delete(t.tags, id)
		t.mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	default:
		w.WriteHeader(http.StatusMethodNotAllowed)
	}
}

// object passes an object request on; a successful upload replaces the
// object's tags with its x-amz-tagging header's, a delete drops them.
func (t *Tagging) object(w http.ResponseWriter, r *http.Request, id string) {
	rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
	t.next.ServeHTTP(rec, r)
	if rec.status >= 300 {
		return
	}
	switch {
	case r.Method == http.MethodDelete:
		t.mu.Lock()
		delete(t.tags, id)
		t.mu.Unlock()
	case r.Method == http.MethodPut && len(r.URL.Query()) == 0 || r.Method == http.MethodPut && onlySigning(r.URL.Query()):
		set := map[string]string{}
		if h := r.Header.Get("X-Amz-Tagging"); h != "" {
			if q, err := url.ParseQuery(h); err == nil {
				for k := range q {
					set[k] = q.Get(k)
				}
			}
		}
		t.mu.Lock()
		if len(set) == 0 {
			delete(t.tags, id)
		} else {
			t.tags[id] = set
		}
		t.mu.Unlock()
	}
}

// onlySigning reports whether a query holds only presigning and SDK
// bookkeeping parameters (an upload, not a sub-resource).
func onlySigning(q url.Values) bool {
	for k := range q {
		if !strings.HasPrefix(strings.ToLower(k), "x-amz-") && k != "x-id" {
			return false
		}
	}
	return true
}

// exists asks the S3 handler for the object with a HEAD.
func (t *Tagging) exists(r *http.Request) bool {
	head := r.Clone(r.Context())
	head.Method = http.MethodHead
	head.Body = http.NoBody
	head.ContentLength = 0
	u := *r.URL
	u.RawQuery = ""
	head.URL = &u
	head.RequestURI = ""
	rec := httptest.NewRecorder()
	t.next.ServeHTTP(rec, head)
	return rec.Code == http.StatusOK
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (s *statusRecorder) WriteHeader(code int) {
	s.status = code
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Flush() {
	if f, ok := s.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}
