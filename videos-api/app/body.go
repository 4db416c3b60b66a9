package app

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/aws/aws-lambda-go/events"
)

// fieldName is a JSON field name safe to echo in an error.
var fieldName = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_.-]{0,63}$`)

// decodeBody reads a request's body, one JSON object of at most limit
// bytes, into v. It refuses unknown fields, wrong types, trailing data,
// invalid UTF-8 and anything that is not an object, with a 400 that names
// the field at fault (or "body" when no field is to blame, or its name is
// not safe to echo).
func decodeBody(req events.APIGatewayProxyRequest, limit int, v any) *apiError {
	body := []byte(req.Body)
	if req.IsBase64Encoded {
		b, err := base64.StdEncoding.DecodeString(req.Body)
		if err != nil {
			return badParam("body", "not valid base64")
		}
		body = b
	}
	if len(body) > limit {
		return badParam("body", fmt.Sprintf("at most %d bytes", limit))
	}
	if !utf8.Valid(body) {
		return badParam("body", "not UTF-8")
	}
	if t := bytes.TrimSpace(body); len(t) == 0 || t[0] != '{' {
		return badParam("body", "want a JSON object")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) && fieldName.MatchString(te.Field) {
			return badParam(te.Field, "wrong type: want "+te.Type.String())
		}
		if f, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
			if f = strings.Trim(f, `"`); fieldName.MatchString(f) {
				return badParam(f, "unknown field")
			}
			return badParam("body", "unknown field")
		}
		return badParam("body", "want a JSON object")
	}
	if dec.More() {
		return badParam("body", "trailing data after the JSON object")
	}
	return nil
}
