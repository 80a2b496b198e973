package cpi

import (
	"crypto/rand"
	"fmt"
)

const (
	mibPerGiB = 1024
	bytesMiB  = int64(1) << 20
	bytesGiB  = int64(1) << 30
)

// gibFor is the CloudStack size (whole GiB) that holds sizeMiB: rounded up, never down, so a 1500 MiB
// disk is 2 GiB and not the 1 GiB (or, below 1024 MiB, 0 GiB) the older CPI asked for.
func gibFor(sizeMiB int64) int64 {
	return (sizeMiB + mibPerGiB - 1) / mibPerGiB
}

// checkDiskSize refuses what no disk can be: BOSH sizes are MiB and must be positive.
func checkDiskSize(method, param string, sizeMiB int64) error {
	if sizeMiB <= 0 {
		return NewCpiError(nil, "%s: %s must be a positive number of MiB, got %d", method, param, sizeMiB)
	}
	return nil
}

// newDiskName names a new volume: readable in the CloudStack UI as a BOSH disk, and unique, because
// CloudStack lets names repeat and an operator must be able to tell two disks apart. The CID is the
// volume's UUID, not this name.
func newDiskName() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on supported platforms
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("bosh-disk-%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// describeMiB prints a size for people: "10240 MiB (10 GiB)".
func describeMiB(sizeMiB int64) string {
	if sizeMiB%mibPerGiB == 0 {
		return fmt.Sprintf("%d MiB (%d GiB)", sizeMiB, sizeMiB/mibPerGiB)
	}
	return fmt.Sprintf("%d MiB", sizeMiB)
}
