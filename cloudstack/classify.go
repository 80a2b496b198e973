package cloudstack

import (
	"context"
	"errors"
	"io"
	"net"
	"strings"
	"syscall"
)

// The classifiers look through any wrapping (errors.As), so callers may add
// context to an error and still ask what kind it is.

// IsNotFound: the resource a request named does not exist. CloudStack says so
// with a 431 ("Invalid parameter id value=<uuid> ... entity does not exist", or
// "unable to find ..." from inside a job); cloudstack-go's by-id helpers say
// "No match found for".
func IsNotFound(err error) bool {
	if err == nil {
		return false
	}
	if code, _, text, ok := cloudStackCode(err); ok {
		return code == 431 && mentionsMissingEntity(text)
	}
	return strings.Contains(err.Error(), "No match found for")
}

func mentionsMissingEntity(text string) bool {
	lower := strings.ToLower(text)
	return strings.Contains(lower, "does not exist") ||
		strings.Contains(lower, "invalid parameter id value=") ||
		strings.Contains(lower, "unable to find")
}

// IsCapacity: the cloud cannot place the request now (no host, IP or storage,
// or an account resource limit), which a later attempt elsewhere may not hit.
func IsCapacity(err error) bool {
	code, _, text, ok := cloudStackCode(err)
	if !ok {
		return false
	}
	return code == 533 || code == 535 || strings.Contains(strings.ToLower(text), "insufficient capacity")
}

// IsAuth: CloudStack refused the credentials or the signature (wrong keys,
// disabled account, or a clock too far from the server's).
func IsAuth(err error) bool {
	code, _, _, ok := cloudStackCode(err)
	return ok && code == 401
}

// CloudStack exception codes that mean "try again": ConcurrentOperation,
// AsyncCommandQueued, RequestLimit, OperationTimedout.
var transientCSCodes = map[int]bool{4300: true, 4540: true, 4545: true, 4560: true}

// IsTransient: the same request may well succeed if repeated after a pause.
func IsTransient(err error) bool {
	if err == nil {
		return false
	}
	var timeoutErr *TimeoutError
	if errors.As(err, &timeoutErr) {
		return true
	}
	var statusErr *HTTPStatusError
	if errors.As(err, &statusErr) {
		return statusErr.StatusCode == 429 || statusErr.StatusCode >= 500
	}
	if code, csCode, text, ok := cloudStackCode(err); ok {
		switch {
		case code == 429, code == 503, transientCSCodes[csCode]:
			return true
		case code == 530:
			return soundsTransient(text)
		default:
			return false
		}
	}
	if errors.Is(err, context.Canceled) {
		return false
	}
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, syscall.ECONNRESET) ||
		errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNABORTED) ||
		errors.Is(err, syscall.EPIPE) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return true
	}
	var netErr net.Error
	return errors.As(err, &netErr) && netErr.Timeout()
}

// soundsTransient recognises the 530s (CloudStack's catch-all) whose text
// says the failure was a matter of timing rather than of the request.
func soundsTransient(text string) bool {
	lower := strings.ToLower(text)
	for _, hint := range []string{"timed out", "timeout", "try again", "retry", "temporarily", "connection refused", "unreachable"} {
		if strings.Contains(lower, hint) {
			return true
		}
	}
	return false
}

// cloudStackCode returns the error code CloudStack gave, for refused requests
// and for failed jobs alike.
func cloudStackCode(err error) (code, csCode int, text string, ok bool) {
	var apiErr *APIError
	if errors.As(err, &apiErr) {
		return apiErr.HTTPCode, apiErr.CSCode, apiErr.Text, true
	}
	var jobErr *JobError
	if errors.As(err, &jobErr) {
		return jobErr.Code, 0, jobErr.Text, true
	}
	return 0, 0, "", false
}
