package cpi_test

import (
	. "github.com/onsi/gomega"

	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/cloudstack"
)

// Shared by the has_vm, reboot_vm, set_vm_metadata and calculate_vm_cloud_properties specs.

const (
	opsVMID        = "cccccccc-0000-4000-8000-000000000001"
	opsZoneID      = "aaaaaaaa-0000-4000-8000-0000000000aa"
	opsLegacyVMCID = "cpivm-6f1c2a7e-4b1d-4c43-9a55-0d6a1e1f2b3c" // the older CPI's name-style CID
)

// opsVM is a VM as the fake cloud returns it.
func opsVM(state string) cloudstack.VM {
	return cloudstack.VM{ID: opsVMID, Name: "vm-" + opsVMID, DisplayName: "vm-" + opsVMID, State: state, ZoneID: opsZoneID}
}

// expectOpsError checks a failed response's type and message, and that it is not retryable.
func expectOpsError(out served, typ, messageSubstring string) {
	Expect(out.Response.Error).NotTo(BeNil(), "expected an error, got result %v", out.Response.Result)
	Expect(out.Response.Error.Type).To(Equal(typ))
	Expect(out.Response.Error.Message).To(ContainSubstring(messageSubstring))
	Expect(out.Response.Error.OkToRetry).To(BeFalse())
	Expect(out.Response.Result).To(BeNil())
}
