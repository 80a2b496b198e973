package simulator

// SetTemplateInUse replaces the templateInUse hook for a test (the VM family sets it in
// production) and returns the function that restores the previous one.
func SetTemplateInUse(f func(st *Store, templateID, zoneID string) bool) (restore func()) {
	previous := templateInUse
	templateInUse = f
	return func() { templateInUse = previous }
}
