package cloudstack_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

func TestCloudstack(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "Cloudstack Suite")
}
