# The README's two commands: `make demo` and `make test`. Everything else supports them.
SHELL := /bin/bash
GO ?= go
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -X main.version=$(VERSION)
GINKGO := $(GO) tool ginkgo --no-color

.PHONY: build test unit integration acceptance lint fmt demo bench clean release release-check

build:
	$(GO) build -trimpath -ldflags "$(LDFLAGS)" -o bin/cloudstack-cpi ./cmd/cloudstack-cpi
	@if [ -d cmd/cloudstack-simulator ]; then $(GO) build -trimpath -o bin/cloudstack-simulator ./cmd/cloudstack-simulator; fi

lint:
	$(GO) vet ./...
	@unformatted=$$(gofmt -l $$(git ls-files '*.go')); \
	if [ -n "$$unformatted" ]; then echo "not gofmt-formatted:"; echo "$$unformatted"; exit 1; fi

fmt:
	gofmt -w $$(git ls-files '*.go')

# Unit, contract and lifecycle suites, with the race detector: the CPI runs as many concurrent processes
# and the simulator serves them concurrently.
test: lint
	$(GINKGO) -r --race --randomize-all --fail-on-pending --fail-on-empty --keep-going --timeout=20m --skip-package=bench

unit:
	$(GINKGO) -r --race --randomize-all --skip-package=integration,bench

integration:
	$(GINKGO) -r --race --randomize-all integration

# The lifecycle suite against a real CloudStack named by the CPI_CLOUDSTACK_* variables.
acceptance:
	./scripts/acceptance.sh

demo: build
	./scripts/demo.sh

bench: build
	./scripts/bench.sh

clean:
	rm -rf bin out

# The BOSH release tarball in out/ (slow: not part of test). release-check compiles it as BOSH would.
release:
	./scripts/release.sh

release-check:
	./scripts/release-check.sh
