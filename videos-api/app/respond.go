package app

import (
	"encoding/json"
	"net/http"

	"github.com/aws/aws-lambda-go/events"
)

// Error codes of the API's error responses.
const (
	CodeInvalidParameter   = "invalid_parameter"
	CodeForbidden          = "forbidden"
	CodeNotFound           = "not_found"
	CodeStorageUnavailable = "storage_unavailable"
	CodeInternal           = "internal"
)

// apiError is an error answered to the client as it is.
type apiError struct {
	status    int
	code      string
	message   string
	parameter string
}

func (e *apiError) Error() string { return e.code + ": " + e.message }

func badParam(name, why string) *apiError {
	return &apiError{status: http.StatusBadRequest, code: CodeInvalidParameter, message: name + ": " + why, parameter: name}
}

var (
	errForbidden   = &apiError{status: http.StatusForbidden, code: CodeForbidden, message: "you may not do this"}
	errUnavailable = &apiError{status: http.StatusServiceUnavailable, code: CodeStorageUnavailable, message: "storage is unavailable, try again"}
	errInternal    = &apiError{status: http.StatusInternalServerError, code: CodeInternal, message: "internal error"}
)

func notFound(what string) *apiError {
	return &apiError{status: http.StatusNotFound, code: CodeNotFound, message: what + " not found"}
}

type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code      string `json:"code"`
	Message   string `json:"message"`
	Parameter string `json:"parameter,omitempty"`
}

// headers are sent on every response, errors included.
func (a *App) headers() map[string]string {
	return map[string]string{
		"Content-Type":                "application/json",
		"Access-Control-Allow-Origin": a.cfg.WebOrigin,
		"Vary":                        "Origin",
		"Cache-Control":               "no-store",
		"X-Content-Type-Options":      "nosniff",
	}
}

func (a *App) json(status int, body any) events.APIGatewayProxyResponse {
	b, err := json.Marshal(body)
	if err != nil {
		return a.fail(errInternal)
	}
	return events.APIGatewayProxyResponse{StatusCode: status, Headers: a.headers(), Body: string(b)}
}

func (a *App) noContent() events.APIGatewayProxyResponse {
	h := a.headers()
	delete(h, "Content-Type")
	return events.APIGatewayProxyResponse{StatusCode: http.StatusNoContent, Headers: h}
}

func (a *App) fail(e *apiError) events.APIGatewayProxyResponse {
	b, _ := json.Marshal(errorBody{Error: errorDetail{Code: e.code, Message: e.message, Parameter: e.parameter}})
	resp := events.APIGatewayProxyResponse{StatusCode: e.status, Headers: a.headers(), Body: string(b)}
	if e.status == http.StatusServiceUnavailable {
		resp.Headers["Retry-After"] = "1"
	}
	return resp
}
