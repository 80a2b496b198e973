package main_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

func TestCloudstackSimulator(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "cloudstack-simulator command")
}
