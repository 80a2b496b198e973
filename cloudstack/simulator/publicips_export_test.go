package simulator

// Test-only access to the networking hooks for the external test package, which has no VM
// or network family of its own on this branch.

// NetworkingHooks returns the hooks in force.
func NetworkingHooks() (func(*Store, string) (VMNetInfo, bool), func(*Store) []GuestNetworkInfo) {
	return lookupVMForNetworking, listGuestNetworks
}

// SetNetworkingHooks replaces both hooks; nil restores a hook's default.
func SetNetworkingHooks(vm func(*Store, string) (VMNetInfo, bool), nets func(*Store) []GuestNetworkInfo) {
	if vm == nil {
		vm = defaultLookupVMForNetworking
	}
	if nets == nil {
		nets = defaultListGuestNetworks
	}
	lookupVMForNetworking, listGuestNetworks = vm, nets
}
