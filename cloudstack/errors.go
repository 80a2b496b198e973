package cloudstack

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// APIError is CloudStack's answer to a request it refused: the HTTP status
// (equal to CloudStack's errorcode), the cserrorcode (0 when CloudStack sent
// none) and CloudStack's own errortext.
type APIError struct {
	Command  string
	HTTPCode int
	CSCode   int
	Text     string
}

func (e *APIError) Error() string {
	msg := fmt.Sprintf("CloudStack API %s failed with error %d", e.Command, e.HTTPCode)
	if e.CSCode != 0 {
		msg += fmt.Sprintf(" (cserrorcode %d)", e.CSCode)
	}
	msg += ": " + e.Text
	if e.HTTPCode == 401 {
		msg += " (check the API key and secret key, that the account is enabled and may call " + e.Command +
			", and that this machine's clock is within 15 minutes of the management server's: signed requests expire)"
	}
	return msg
}

// JobError is an async job that CloudStack ran and that failed (jobstatus 2).
type JobError struct {
	Operation string
	JobID     string
	Code      int
	Text      string
}

func (e *JobError) Error() string {
	return fmt.Sprintf("CloudStack job %s (%s) failed with error %d: %s", e.JobID, e.Operation, e.Code, e.Text)
}

// TimeoutError is a wait that ran out of time. The job may still finish.
type TimeoutError struct {
	Operation string
	JobID     string
	Waited    time.Duration
}

func (e *TimeoutError) Error() string {
	return fmt.Sprintf("gave up waiting for CloudStack job %s (%s) after %s; it may still complete in CloudStack",
		e.JobID, e.Operation, e.Waited.Round(time.Millisecond))
}

// Timeout lets net.Error-style checks see it as a timeout.
func (e *TimeoutError) Timeout() bool { return true }

// HTTPStatusError is an error answer that is not CloudStack JSON, typically a
// proxy or load balancer speaking for an unreachable management server.
type HTTPStatusError struct {
	Command    string
	StatusCode int
	Status     string
	Body       string
}

func (e *HTTPStatusError) Error() string {
	msg := fmt.Sprintf("CloudStack API %s answered %s without a CloudStack error body", e.Command, e.Status)
	if e.Body != "" {
		msg += ": " + e.Body
	}
	return msg
}

// AmbiguousError is a name that matches more than one resource.
type AmbiguousError struct {
	Kind string
	Name string
	IDs  []string
}

func (e *AmbiguousError) Error() string {
	return fmt.Sprintf("%d %ss are named %q (ids %s); name one by its id instead",
		len(e.IDs), e.Kind, e.Name, strings.Join(e.IDs, ", "))
}

var (
	csAPIErrorPattern = regexp.MustCompile(`(?s)^CloudStack API error (\d+) \(CSExceptionErrorCode: (-?\d+)\): (.*)$`)
	csJobErrorPattern = regexp.MustCompile(`(?s)^Undefined error: (\{.*\})$`)
)

// wrapError turns what cloudstack-go returned for command into one of this
// package's errors, or into an error that names the command. No URL reaches
// the message: a GET URL carries the API key and the signature.
func wrapError(command string, err error) error {
	if err == nil {
		return nil
	}
	var (
		apiErr    *APIError
		jobErr    *JobError
		statusErr *HTTPStatusError
	)
	if errors.As(err, &apiErr) || errors.As(err, &jobErr) {
		return err
	}
	if errors.As(err, &statusErr) {
		return statusErr
	}
	if m := csAPIErrorPattern.FindStringSubmatch(err.Error()); m != nil {
		httpCode, _ := strconv.Atoi(m[1])
		csCode, _ := strconv.Atoi(m[2])
		return &APIError{Command: command, HTTPCode: httpCode, CSCode: csCode, Text: m[3]}
	}
	if m := csJobErrorPattern.FindStringSubmatch(err.Error()); m != nil {
		var body struct {
			ErrorCode int    `json:"errorcode"`
			ErrorText string `json:"errortext"`
		}
		if json.Unmarshal([]byte(m[1]), &body) == nil {
			return &JobError{Operation: command, Code: body.ErrorCode, Text: body.ErrorText}
		}
	}
	var urlErr *url.Error
	if errors.As(err, &urlErr) {
		host := "CloudStack"
		if u, perr := url.Parse(urlErr.URL); perr == nil && u.Host != "" {
			host = u.Host
		}
		return fmt.Errorf("calling CloudStack API %s at %s: %w", command, host, urlErr.Err)
	}
	var syntaxErr *json.SyntaxError
	if errors.As(err, &syntaxErr) {
		return fmt.Errorf("CloudStack API %s answered with something that is not JSON (is the endpoint the API URL, ending in /client/api?): %w", command, err)
	}
	return fmt.Errorf("CloudStack API %s: %w", command, err)
}
