# HFT Core. The README's two commands: `make demo` and `make test`.
SWIFT ?= swift
RELEASE_FLAGS := -c release
TEST_FLAGS ?=

.PHONY: deps build release test demo bench clean

deps:
	@bash .ci/install-deps

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build $(RELEASE_FLAGS) --product hft

## Runs every test (zero warnings is enforced by the package's settings).
test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build $(TEST_FLAGS)

## The demo on the embedded default.
demo: release
	.build/release/hft demo

## package-benchmark suites (malloc/retain counters must read 0 on the hot path).
bench: deps
	$(SWIFT) package --allow-writing-to-package-directory benchmark --no-progress

clean:
	rm -rf .build
