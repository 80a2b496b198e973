package cloudstack

// Logger receives the package's log lines. Its method set matches bosh-utils'
// boshlog.Logger, so the CPI's logger can be passed as is.
type Logger interface {
	Debug(component, format string, args ...any)
	Info(component, format string, args ...any)
	Warn(component, format string, args ...any)
}

const logTag = "cloudstack"

type silentLogger struct{}

func (silentLogger) Debug(string, string, ...any) {}
func (silentLogger) Info(string, string, ...any)  {}
func (silentLogger) Warn(string, string, ...any)  {}
