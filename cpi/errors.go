package cpi

import (
	"errors"
	"fmt"
)

// The ten error types the BOSH director knows (bosh-director lib/clouds/errors.rb). Any other type string
// becomes a fatal UnknownError on the director, so every error this CPI returns is one of these.
const (
	TypeCloudError       = "Bosh::Clouds::CloudError"
	TypeCpiError         = "Bosh::Clouds::CpiError"
	TypeNotImplemented   = "Bosh::Clouds::NotImplemented"
	TypeNotSupported     = "Bosh::Clouds::NotSupported"
	TypeVMNotFound       = "Bosh::Clouds::VMNotFound"
	TypeNetworkNotFound  = "Bosh::Clouds::NetworkNotFound"
	TypeDiskNotFound     = "Bosh::Clouds::DiskNotFound"
	TypeDiskNotAttached  = "Bosh::Clouds::DiskNotAttached"
	TypeNoDiskSpace      = "Bosh::Clouds::NoDiskSpace"
	TypeVMCreationFailed = "Bosh::Clouds::VMCreationFailed"
)

// BoshError is what the dispatcher looks for with errors.As anywhere in an error chain, so a typed error
// keeps its type however many times a caller wraps it with fmt.Errorf("...: %w", err).
type BoshError interface {
	error
	Type() string
	OkToRetry() bool
}

// base carries what every BOSH error has: the message a person reads and an optional cause.
type base struct {
	msg   string
	cause error
	retry bool
}

func (e *base) Error() string {
	if e.cause == nil {
		return e.msg
	}
	if e.msg == "" {
		return e.cause.Error()
	}
	return e.msg + ": " + e.cause.Error()
}

func (e *base) Unwrap() error   { return e.cause }
func (e *base) OkToRetry() bool { return e.retry }

func newBase(cause error, format string, args []any) base {
	return base{msg: fmt.Sprintf(format, args...), cause: cause}
}

// CloudError: the IaaS failed in a way no more specific type describes.
type CloudError struct{ base }

// CpiError: the CPI itself cannot work (bad request, bad config).
type CpiError struct{ base }

// NotImplementedError: the method does not exist in this CPI.
type NotImplementedError struct{ base }

// NotSupportedError: the method exists but cannot do what was asked; the director falls back
// (e.g. copies a disk when resize_disk is not supported).
type NotSupportedError struct{ base }

// VMNotFoundError: the VM is gone; the director treats it as already deleted where that is safe.
type VMNotFoundError struct{ base }

// NetworkNotFoundError: a network named in cloud properties does not exist.
type NetworkNotFoundError struct{ base }

// DiskNotFoundError: the disk is gone.
type DiskNotFoundError struct{ base }

// DiskNotAttachedError: detach_disk of a disk that is not attached to that VM.
type DiskNotAttachedError struct{ base }

// NoDiskSpaceError: no room for the disk.
type NoDiskSpaceError struct{ base }

// VMCreationFailedError: create_vm failed; OkToRetry tells the director whether trying again may help.
type VMCreationFailedError struct{ base }

func (*CloudError) Type() string            { return TypeCloudError }
func (*CpiError) Type() string              { return TypeCpiError }
func (*NotImplementedError) Type() string   { return TypeNotImplemented }
func (*NotSupportedError) Type() string     { return TypeNotSupported }
func (*VMNotFoundError) Type() string       { return TypeVMNotFound }
func (*NetworkNotFoundError) Type() string  { return TypeNetworkNotFound }
func (*DiskNotFoundError) Type() string     { return TypeDiskNotFound }
func (*DiskNotAttachedError) Type() string  { return TypeDiskNotAttached }
func (*NoDiskSpaceError) Type() string      { return TypeNoDiskSpace }
func (*VMCreationFailedError) Type() string { return TypeVMCreationFailed }

// Constructors take an optional cause (nil for none) so CloudStack's own error text stays in the message.

func NewCloudError(cause error, format string, args ...any) error {
	return &CloudError{newBase(cause, format, args)}
}
func NewCpiError(cause error, format string, args ...any) error {
	return &CpiError{newBase(cause, format, args)}
}
func NewNotImplemented(format string, args ...any) error {
	return &NotImplementedError{newBase(nil, format, args)}
}
func NewNotSupported(cause error, format string, args ...any) error {
	return &NotSupportedError{newBase(cause, format, args)}
}
func NewVMNotFound(cause error, format string, args ...any) error {
	return &VMNotFoundError{newBase(cause, format, args)}
}
func NewNetworkNotFound(cause error, format string, args ...any) error {
	return &NetworkNotFoundError{newBase(cause, format, args)}
}
func NewDiskNotFound(cause error, format string, args ...any) error {
	return &DiskNotFoundError{newBase(cause, format, args)}
}
func NewDiskNotAttached(cause error, format string, args ...any) error {
	return &DiskNotAttachedError{newBase(cause, format, args)}
}
func NewNoDiskSpace(cause error, format string, args ...any) error {
	return &NoDiskSpaceError{newBase(cause, format, args)}
}

// NewVMCreationFailed is the only error the director may retry (create_vm, up to 5 times by default):
// retry is true only for transient causes such as exhausted capacity or a timed-out deploy.
func NewVMCreationFailed(retry bool, cause error, format string, args ...any) error {
	b := newBase(cause, format, args)
	b.retry = retry
	return &VMCreationFailedError{b}
}

// classify finds the BOSH error in err's chain; anything untyped is a CloudError, which is what the
// director would assume anyway, but said explicitly.
func classify(err error) (typ, msg string, retry bool) {
	var be BoshError
	if errors.As(err, &be) {
		// The outermost message keeps the context callers added around the typed error.
		return be.Type(), err.Error(), be.OkToRetry()
	}
	return TypeCloudError, err.Error(), false
}
