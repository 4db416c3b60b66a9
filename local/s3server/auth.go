package s3server

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// Principal is a credential the local S3 accepts: AWS SigV4 signatures
// (the Authorization header, or a presigned URL's query) made with its
// secret.
type Principal struct {
	// AccessKeyID names the credential.
	AccessKeyID string
	// SecretAccessKey signs requests; it never leaves the process that
	// holds it except in the data dir's keys file.
	SecretAccessKey string
	// Camera, when set, makes this a camera's credential: it may create
	// new objects under {Prefix}{Camera}/ (PutObject with If-None-Match: *)
	// and do nothing else, as the clips bucket's policy holds a camera's IAM
	// user in AWS. Empty is the Lambdas' credential, which the bucket policy
	// holds only to create-only writes under Prefix.
	Camera string
}

// Keys finds the principal of an access key id; false if there is none.
type Keys func(accessKeyID string) (Principal, bool)

// maxSkew is how far a signed request's time may be from the server's, as
// S3 allows (RequestTimeTooSkewed past it).
const maxSkew = 15 * time.Minute

// maxChecksummedBody bounds a PUT whose x-amz-checksum-sha256 is verified
// before storing (the body is held in memory); S3's single PUT limit is
// 5 GB, a camera clip is a few MB.
const maxChecksummedBody = 1 << 30

// s3Error is an S3 error answer.
type s3Error struct {
	status  int
	code    string
	message string
}

func accessDenied(msg string) *s3Error {
	return &s3Error{http.StatusForbidden, "AccessDenied", msg}
}

// write sends the error as S3 does: XML, no body for HEAD.
func (e *s3Error) write(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/xml")
	w.WriteHeader(e.status)
	if r.Method == http.MethodHead {
		return
	}
	body := struct {
		XMLName   xml.Name `xml:"Error"`
		Code      string   `xml:"Code"`
		Message   string   `xml:"Message"`
		Resource  string   `xml:"Resource"`
		RequestID string   `xml:"RequestId"`
	}{Code: e.code, Message: e.message, Resource: r.URL.Path, RequestID: "camvault-local"}
	_, _ = io.WriteString(w, xml.Header)
	_ = xml.NewEncoder(w).Encode(body)
}

// authenticate verifies the request's SigV4 signature (header or presigned
// query) and returns its principal. Anonymous requests are refused.
func (s *Server) authenticate(r *http.Request) (Principal, *s3Error) {
	q := r.URL.Query()
	switch {
	case r.Header.Get("Authorization") != "":
		return s.verifyHeader(r)
	case q.Get("X-Amz-Algorithm") != "":
		return s.verifyPresigned(r, q)
	}
	return Principal{}, accessDenied("Access Denied")
}

// credentialScope is the parsed Credential=AKID/date/region/service/aws4_request.
type credentialScope struct {
	keyID, region, service string
}

func parseCredential(v string) (credentialScope, bool) {
	parts := strings.Split(v, "/")
	if len(parts) != 5 || parts[4] != "aws4_request" || parts[0] == "" {
		return credentialScope{}, false
	}
	return credentialScope{keyID: parts[0], region: parts[2], service: parts[3]}, true
}

func (s *Server) verifyHeader(r *http.Request) (Principal, *s3Error) {
	const algo = "AWS4-HMAC-SHA256 "
	auth := r.Header.Get("Authorization")
	if !strings.HasPrefix(auth, algo) {
		return Principal{}, &s3Error{http.StatusBadRequest, "InvalidArgument", "Unsupported Authorization Type"}
	}
	fields := map[string]string{}
	for _, f := range strings.Split(strings.TrimPrefix(auth, algo), ",") {
		if k, v, ok := strings.Cut(strings.TrimSpace(f), "="); ok {
			fields[k] = v
		}
	}
	scope, ok := parseCredential(fields["Credential"])
	if !ok || fields["SignedHeaders"] == "" || fields["Signature"] == "" {
		return Principal{}, &s3Error{http.StatusBadRequest, "AuthorizationHeaderMalformed", "The authorization header is malformed"}
	}
	p, ok := s.cfg.Keys(scope.keyID)
	if !ok {
		return Principal{}, &s3Error{http.StatusForbidden, "InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist in our records."}
	}
	at, err := time.Parse("20060102T150405Z", r.Header.Get("X-Amz-Date"))
	if err != nil {
		return Principal{}, accessDenied("AWS authentication requires a valid Date or x-amz-date header")
	}
	if d := s.now().Sub(at); d > maxSkew || d < -maxSkew {
		return Principal{}, &s3Error{http.StatusForbidden, "RequestTimeTooSkewed", "The difference between the request time and the current time is too large."}
	}
	payload := r.Header.Get("X-Amz-Content-Sha256")
	if payload == "" {
		return Principal{}, &s3Error{http.StatusBadRequest, "InvalidRequest", "Missing required header for this request: x-amz-content-sha256"}
	}
	vr := signedCopy(r, strings.Split(fields["SignedHeaders"], ";"), r.URL.RawQuery)
	signer := v4.NewSigner(func(o *v4.SignerOptions) { o.DisableURIPathEscaping = true })
	if err := signer.SignHTTP(context.Background(), p.credentials(), vr, payload, scope.service, scope.region, at); err != nil {
		return Principal{}, &s3Error{http.StatusForbidden, "SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided."}
	}
	_, want, _ := strings.Cut(vr.Header.Get("Authorization"), "Signature=")
	if !hmac.Equal([]byte(want), []byte(fields["Signature"])) {
		return Principal{}, &s3Error{http.StatusForbidden, "SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided. Check your key and signing method."}
	}
	if err := verifyPayload(r, payload); err != nil {
		return Principal{}, err
	}
	return p, nil
}

// verifyPayload checks a body against the signed x-amz-content-sha256 when
// that is a digest (not UNSIGNED-PAYLOAD or a streaming mode), as S3 does,
// so a captured signed request cannot be replayed with another body.
func verifyPayload(r *http.Request, payload string) *s3Error {
	raw, err := hex.DecodeString(payload)
	if err != nil || len(raw) != sha256.Size || r.Body == nil || r.Body == http.NoBody {
		return nil
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxChecksummedBody+1))
	if err != nil || len(body) > maxChecksummedBody {
		return &s3Error{http.StatusBadRequest, "IncompleteBody", "The request body could not be read whole."}
	}
	if sum := sha256.Sum256(body); !hmac.Equal(sum[:], raw) {
		return &s3Error{http.StatusBadRequest, "XAmzContentSHA256Mismatch", "The provided 'x-amz-content-sha256' header does not match what was computed."}
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	return nil
}

func (s *Server) verifyPresigned(r *http.Request, q url.Values) (Principal, *s3Error) {
	if q.Get("X-Amz-Algorithm") != "AWS4-HMAC-SHA256" {
		return Principal{}, &s3Error{http.StatusBadRequest, "AuthorizationQueryParametersError", "X-Amz-Algorithm only supports \"AWS4-HMAC-SHA256\""}
	}
	scope, ok := parseCredential(q.Get("X-Amz-Credential"))
	at, err := time.Parse("20060102T150405Z", q.Get("X-Amz-Date"))
	expires, eerr := strconv.Atoi(q.Get("X-Amz-Expires"))
	if !ok || err != nil || eerr != nil || expires < 1 || expires > 7*24*3600 || q.Get("X-Amz-SignedHeaders") == "" || q.Get("X-Amz-Signature") == "" {
		return Principal{}, &s3Error{http.StatusBadRequest, "AuthorizationQueryParametersError", "Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters."}
	}
	p, ok := s.cfg.Keys(scope.keyID)
	if !ok {
		return Principal{}, &s3Error{http.StatusForbidden, "InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist in our records."}
	}
	now := s.now()
	if now.After(at.Add(time.Duration(expires) * time.Second)) {
		return Principal{}, accessDenied("Request has expired")
	}
	if at.After(now.Add(maxSkew)) {
		return Principal{}, accessDenied("Request is not valid yet")
	}
	unsigned := url.Values{}
	for k, v := range q {
		if k != "X-Amz-Signature" {
			unsigned[k] = v
		}
	}
	vr := signedCopy(r, strings.Split(q.Get("X-Amz-SignedHeaders"), ";"), unsigned.Encode())
	signer := v4.NewSigner(func(o *v4.SignerOptions) { o.DisableURIPathEscaping = true })
	signed, _, err := signer.PresignHTTP(context.Background(), p.credentials(), vr, "UNSIGNED-PAYLOAD", scope.service, scope.region, at)
	if err != nil {
		return Principal{}, &s3Error{http.StatusForbidden, "SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided."}
	}
	u, err := url.Parse(signed)
	if err != nil || !hmac.Equal([]byte(u.Query().Get("X-Amz-Signature")), []byte(q.Get("X-Amz-Signature"))) {
		return Principal{}, &s3Error{http.StatusForbidden, "SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided. Check your key and signing method."}
	}
	return p, nil
}

func (p Principal) credentials() aws.Credentials {
	return aws.Credentials{AccessKeyID: p.AccessKeyID, SecretAccessKey: p.SecretAccessKey}
}

// signedCopy is a bodiless copy of r holding only the headers the client
// signed, so re-signing it computes the client's canonical request.
func signedCopy(r *http.Request, signedHeaders []string, rawQuery string) *http.Request {
	vr := &http.Request{
		Method: r.Method,
		URL:    &url.URL{Scheme: "http", Host: r.Host, Path: r.URL.Path, RawPath: r.URL.RawPath, RawQuery: rawQuery},
		Host:   r.Host,
		Header: http.Header{},
	}
	for _, h := range signedHeaders {
		switch h {
		case "host":
		case "content-length":
			vr.ContentLength = r.ContentLength
		default:
			if v, ok := r.Header[http.CanonicalHeaderKey(h)]; ok {
				vr.Header[http.CanonicalHeaderKey(h)] = v
			}
		}
	}
	return vr
}

// authorize applies the clips bucket's policy: under Prefix, nobody
// creates an object (PutObject, CompleteMultipartUpload) without
// If-None-Match: *, or copies into it; a camera principal may only create
// objects (parts included) under its own prefix.
func (s *Server) authorize(p Principal, r *http.Request) *s3Error {
	path := strings.TrimPrefix(r.URL.Path, "/")
	bucket, key, _ := strings.Cut(path, "/")
	q := r.URL.Query()
	part := r.Method == http.MethodPut && q.Has("partNumber") && q.Has("uploadId") ||
		r.Method == http.MethodPost && q.Has("uploads")
	create := r.Method == http.MethodPut && !part && !q.Has("tagging") && !q.Has("acl") ||
		r.Method == http.MethodPost && q.Has("uploadId")
	if bucket == s.cfg.Bucket && key != "" && strings.HasPrefix(key, s.cfg.Prefix) {
		switch {
		case r.Method == http.MethodPut && r.Header.Get("X-Amz-Copy-Source") != "":
			return accessDenied("Access Denied: the clips bucket refuses copies into " + s.cfg.Prefix)
		case create && r.Header.Get("If-None-Match") != "*":
			return accessDenied("Access Denied: creating objects under " + s.cfg.Prefix + " needs If-None-Match: *")
		}
	}
	if p.Camera == "" {
		return nil
	}
	own := s.cfg.Prefix + p.Camera + "/"
	if bucket != s.cfg.Bucket || !(create || part) || !strings.HasPrefix(key, own) {
		return accessDenied("Access Denied: camera " + p.Camera + " may only create objects under " + own)
	}
	for k := range q {
		switch {
		case strings.HasPrefix(strings.ToLower(k), "x-amz-"), k == "x-id", k == "uploads", k == "uploadId", k == "partNumber":
		default:
			return accessDenied("Access Denied: camera " + p.Camera + " may only create objects")
		}
	}
	return nil
}

// verifyChecksum checks a PUT's x-amz-checksum-sha256 against its body
// before it is stored, as S3 does (400 BadDigest on a mismatch), and
// hands gofakes3 the body it read.
func verifyChecksum(r *http.Request) *s3Error {
	want := r.Header.Get("X-Amz-Checksum-Sha256")
	if want == "" || r.Method != http.MethodPut {
		return nil
	}
	if raw, err := base64.StdEncoding.DecodeString(want); err != nil || len(raw) != sha256.Size {
		return &s3Error{http.StatusBadRequest, "InvalidRequest", "Value for x-amz-checksum-sha256 header is invalid."}
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxChecksummedBody+1))
	if err != nil {
		return &s3Error{http.StatusBadRequest, "IncompleteBody", "You did not provide the number of bytes specified by the Content-Length HTTP header."}
	}
	if len(body) > maxChecksummedBody {
		return &s3Error{http.StatusBadRequest, "EntityTooLarge", fmt.Sprintf("Your proposed upload exceeds the maximum allowed size of %d bytes here.", maxChecksummedBody)}
	}
	sum := sha256.Sum256(body)
	if base64.StdEncoding.EncodeToString(sum[:]) != want {
		return &s3Error{http.StatusBadRequest, "BadDigest", "The SHA256 you specified did not match the calculated checksum."}
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	return nil
}
