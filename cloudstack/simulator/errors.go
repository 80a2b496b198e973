package simulator

import "fmt"

// CloudStack's ApiErrorCode values (HTTP status == errorcode).
const (
	CodeUnauthorized         = 401
	CodeThrottled            = 429
	CodeParamError           = 431
	CodeUnsupportedAction    = 432
	CodeInternalError        = 530
	CodeAccountError         = 531
	CodeInsufficientCapacity = 533
	CodeResourceUnavailable  = 534
	CodeResourceAllocation   = 535
	CodeResourceInUse        = 536
)

// CSExceptionErrorCode values carried as cserrorcode.
const (
	CSCodeServerAPI            = 9999
	CSCodeCloudRuntime         = 4250
	CSCodeInsufficientCapacity = 4325
	CSCodeInvalidParameter     = 4350
	CSCodeResourceAllocation   = 4370
	CSCodeRequestLimit         = 4545
)

// APIError is a CloudStack error: returned by a handler it becomes the error envelope with
// HTTP status Code; returned by a job's completion it becomes jobstatus 2.
type APIError struct {
	Code   int
	CSCode int
	Text   string
}

func (e *APIError) Error() string { return fmt.Sprintf("%d: %s", e.Code, e.Text) }

// ErrParam is CloudStack's 431 (InvalidParameterValueException).
func ErrParam(format string, args ...any) *APIError {
	return &APIError{Code: CodeParamError, CSCode: CSCodeInvalidParameter, Text: fmt.Sprintf(format, args...)}
}

// ErrInternal is CloudStack's 530 (CloudRuntimeException), the code of most job failures.
func ErrInternal(format string, args ...any) *APIError {
	return &APIError{Code: CodeInternalError, CSCode: CSCodeCloudRuntime, Text: fmt.Sprintf(format, args...)}
}

// ErrInsufficientCapacity is CloudStack's 533 (no host, storage or IP left).
func ErrInsufficientCapacity(format string, args ...any) *APIError {
	return &APIError{Code: CodeInsufficientCapacity, CSCode: CSCodeInsufficientCapacity, Text: fmt.Sprintf(format, args...)}
}

// ErrResourceAllocation is CloudStack's 535 (account resource limit exceeded).
func ErrResourceAllocation(format string, args ...any) *APIError {
	return &APIError{Code: CodeResourceAllocation, CSCode: CSCodeResourceAllocation, Text: fmt.Sprintf(format, args...)}
}

// ErrCode builds an error with any code; cserrorcode is chosen to match the code.
func ErrCode(code int, text string) *APIError {
	cs := CSCodeServerAPI
	switch code {
	case CodeParamError:
		cs = CSCodeInvalidParameter
	case CodeInternalError:
		cs = CSCodeCloudRuntime
	case CodeInsufficientCapacity:
		cs = CSCodeInsufficientCapacity
	case CodeResourceAllocation:
		cs = CSCodeResourceAllocation
	case CodeThrottled:
		cs = CSCodeRequestLimit
	}
	return &APIError{Code: code, CSCode: cs, Text: text}
}

// missingParam and invalidParamValue reproduce the texts of ParamProcessWorker, which
// carry cserrorcode 9999 because it re-wraps the exception in a ServerApiException.
func missingParam(cmd, name string) *APIError {
	return &APIError{Code: CodeParamError, CSCode: CSCodeServerAPI,
		Text: fmt.Sprintf("Unable to execute API command %s due to missing parameter %s", lowerCmd(cmd), name)}
}

func invalidParamValue(cmd, name, value string) *APIError {
	return &APIError{Code: CodeParamError, CSCode: CSCodeServerAPI,
		Text: fmt.Sprintf("Unable to execute API command %s due to invalid value. Invalid parameter %s value=%s due to incorrect long value format, or entity does not exist or due to incorrect parameter annotation for the field in api cmd class.", lowerCmd(cmd), name, value)}
}

func malformedParam(cmd, name, value, kind string) *APIError {
	return &APIError{Code: CodeParamError, CSCode: CSCodeServerAPI,
		Text: fmt.Sprintf("Unable to execute API command %s due to invalid value %s for parameter %s: expected %s", lowerCmd(cmd), value, name, kind)}
}
