package simulator

import (
	"encoding/base64"
	"math"
	"net/url"
	"strconv"
	"strings"
)

// User-data limits of UserDataManagerImpl: the base64 text may not exceed
// vm.userdata.max.length (default 32768) nor the POST limit, and must decode to something.
const (
	maxUserDataLength     = 32768
	maxUserDataPOSTLength = 1048576
)

// validateUserData checks user-data as CloudStack does and returns it re-encoded in standard
// padded base64 (CloudStack re-encodes too, so the VM's metadata server serves it intact).
func validateUserData(raw string) (string, error) {
	if strings.Contains(raw, "%") {
		decoded, err := url.QueryUnescape(raw)
		if err != nil {
			return "", ErrParam("Url decoding of userdata failed.")
		}
		raw = decoded
	}
	data, ok := decodeLenientBase64(raw)
	if !ok {
		return "", ErrParam("User data is not base64 encoded")
	}
	if len(raw) >= maxUserDataPOSTLength {
		return "", ErrParam("User data is too long for an http POST request")
	}
	if len(raw) > maxUserDataLength {
		return "", ErrParam("User data has exceeded configurable max length : %d", maxUserDataLength)
	}
	if len(data) < 1 {
		return "", ErrParam("User data is too short")
	}
	return base64.StdEncoding.EncodeToString(data), nil
}

// decodeLenientBase64 accepts what commons-codec's Base64.isBase64/decodeBase64 accept: the
// standard and URL-safe alphabets, optional padding and embedded whitespace.
func decodeLenientBase64(s string) ([]byte, bool) {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == ' ' || r == '\t' || r == '\n' || r == '\r':
		case r == '-':
			b.WriteByte('+')
		case r == '_':
			b.WriteByte('/')
		case r == '+' || r == '/' || r == '=' || r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			b.WriteRune(r)
		default:
			return nil, false
		}
	}
	data, err := base64.RawStdEncoding.DecodeString(strings.TrimRight(b.String(), "="))
	return data, err == nil
}

// validHostName is NetUtils.verifyDomainNameLabel(name, true): an RFC 1123 label that does
// not start with a digit.
func validHostName(name string) bool {
	if len(name) < 1 || len(name) > 63 || name[0] == '-' || name[len(name)-1] == '-' || name[0] >= '0' && name[0] <= '9' {
		return false
	}
	for _, r := range name {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-') {
			return false
		}
	}
	return true
}

const invalidHostNameText = "Invalid name. Vm name can contain ASCII letters 'a' through 'z', the digits '0' through '9', " +
	"and the hyphen ('-'), must be between 1 and 63 characters long, and can't start or end with \"-\" and can't start with digit"

// mergedDetails folds details[i].key=value groups into one map, as the server merges all
// indices (cloudstack-go sends one key per index).
func mergedDetails(c *Call) map[string]string {
	out := map[string]string{}
	for _, group := range c.Map("details") {
		for k, v := range group {
			out[k] = v
		}
	}
	return out
}

// computeResources returns the CPU count, speed and memory a VM gets from its offering,
// validating the custom values of a customized offering like
// UserVmManagerImpl.validateCustomParameters.
func computeResources(o *ServiceOffering, details map[string]string) (cpu, speed, memory int, err error) {
	if !o.Customized {
		return o.CPUNumber, o.CPUSpeed, o.Memory, nil
	}
	if len(details) == 0 {
		return 0, 0, 0, ErrParam("Need to specify custom parameter values cpu, cpu speed and memory when using custom offering")
	}
	atoi := func(key string) int {
		n, convErr := strconv.Atoi(details[key])
		if convErr != nil {
			return -1
		}
		return n
	}
	orInt := func(n, def int) int {
		if n > 0 {
			return n
		}
		return def
	}
	minCPU, maxCPU := orInt(o.MinCPUNumber, 1), orInt(o.MaxCPUNumber, math.MaxInt32)
	if cpu = atoi("cpuNumber"); cpu < minCPU || cpu > maxCPU {
		return 0, 0, 0, ErrParam("Invalid cpu cores value, specify a value between %d and %d", minCPU, maxCPU)
	}
	if o.CPUSpeed > 0 {
		if _, given := details["cpuSpeed"]; given {
			return 0, 0, 0, ErrParam("The cpu speed of this offering id:%s is not customizable. This is predefined in the template.", o.ID)
		}
		speed = o.CPUSpeed
	} else if speed = atoi("cpuSpeed"); speed <= 0 {
		return 0, 0, 0, ErrParam("Invalid cpu speed value, specify a value between 1 and %d", math.MaxInt32)
	}
	minMem, maxMem := orInt(o.MinMemory, 32), orInt(o.MaxMemory, math.MaxInt32)
	if memory = atoi("memory"); memory < minMem || memory > maxMem {
		return 0, 0, 0, ErrParam("Invalid memory value, specify a value between %d and %d", minMem, maxMem)
	}
	return cpu, speed, memory, nil
}

// diskSize returns the size in bytes of a disk made from a disk offering, with
// createVolume's rules for the size parameter (GB): required for a customized offering
// (within the customdiskoffering range), refused for a fixed one.
func diskSize(o *DiskOffering, sizeGB int64, hasSize bool) (int64, error) {
	if hasSize && sizeGB <= 0 {
		return 0, ErrParam("Disk size must be larger than 0")
	}
	if o.Customized {
		if !hasSize {
			return 0, ErrParam("This disk offering requires a custom size specified")
		}
		if err := checkCustomDiskSize(sizeGB); err != nil {
			return 0, err
		}
		return sizeGB << 30, nil
	}
	if hasSize {
		return 0, ErrParam("This disk offering does not allow custom size")
	}
	return o.DiskSize << 30, nil
}

func checkCustomDiskSize(sizeGB int64) error {
	if sizeGB < CustomDiskOfferingMinSize || sizeGB > CustomDiskOfferingMaxSize {
		return ErrParam("Volume size: %d GB is out of allowed range. Min: %d. Max: %d", sizeGB, CustomDiskOfferingMinSize, CustomDiskOfferingMaxSize)
	}
	return nil
}
