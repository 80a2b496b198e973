package cpi

import (
	"context"
	"errors"
	"fmt"
	"io"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/internal/redact"
)

// These specs reach inside the package for what cannot be triggered from outside: a method that panics,
// and error classification through layers of wrapping.
var _ = Describe("dispatch internals", func() {
	It("turns a panic into a CloudError and keeps the stack in the log only", func() {
		methods["test_panic"] = method{run: func(context.Context, *Env, Args) (any, error) {
			var m map[string]int
			m["boom"]++ // nil map write: a real runtime panic
			return nil, nil
		}}
		DeferCleanup(func() { delete(methods, "test_panic") })

		log := NewLogger("info", "cpi-1", io.Discard, redact.New())
		_, err := dispatch(context.Background(), &Env{Log: log, Call: Call{Method: "test_panic"}})
		typ, msg, retry := classify(err)
		Expect(typ).To(Equal(TypeCloudError))
		Expect(retry).To(BeFalse())
		Expect(msg).To(ContainSubstring("internal error in test_panic: assignment to entry in nil map"))
		Expect(log.Captured()).To(ContainSubstring("goroutine"))
	})

	It("finds typed errors through wrapping and keeps the outer context in the message", func() {
		inner := NewVMNotFound(errors.New("CloudStack API error 431: entity does not exist"), "VM 'vm-1' not found")
		wrapped := fmt.Errorf("deleting VM: %w", fmt.Errorf("looking up: %w", inner))

		typ, msg, retry := classify(wrapped)
		Expect(typ).To(Equal(TypeVMNotFound))
		Expect(retry).To(BeFalse())
		Expect(msg).To(Equal("deleting VM: looking up: VM 'vm-1' not found: CloudStack API error 431: entity does not exist"))

		var target *VMNotFoundError
		Expect(errors.As(wrapped, &target)).To(BeTrue())
	})

	It("marks only VMCreationFailed as retryable, and only when asked", func() {
		typ, _, retry := classify(fmt.Errorf("create_vm: %w", NewVMCreationFailed(true, errors.New("533"), "no capacity")))
		Expect(typ).To(Equal(TypeVMCreationFailed))
		Expect(retry).To(BeTrue())

		_, _, retry = classify(NewVMCreationFailed(false, nil, "bad offering"))
		Expect(retry).To(BeFalse())
	})

	It("classifies an untyped error as a CloudError", func() {
		typ, msg, _ := classify(errors.New("plain"))
		Expect(typ).To(Equal(TypeCloudError))
		Expect(msg).To(Equal("plain"))
	})

	It("has a distinct Go type for each of the ten BOSH error types", func() {
		all := []error{
			NewCloudError(nil, "x"), NewCpiError(nil, "x"), NewNotImplemented("x"), NewNotSupported(nil, "x"),
			NewVMNotFound(nil, "x"), NewNetworkNotFound(nil, "x"), NewDiskNotFound(nil, "x"),
			NewDiskNotAttached(nil, "x"), NewNoDiskSpace(nil, "x"), NewVMCreationFailed(false, nil, "x"),
		}
		seen := map[string]bool{}
		for _, err := range all {
			typ, _, _ := classify(err)
			Expect(typ).To(HavePrefix("Bosh::Clouds::"))
			seen[typ] = true
		}
		Expect(seen).To(HaveLen(10))
	})
})
