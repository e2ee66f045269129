# connect-mock: `make serve` runs the mock with the shipped config.yaml; `make test` is the one
# test command (it installs what is missing, builds, runs swift test and the end-to-end suite).

SWIFT ?= swift
PYTHON ?= python3
BIN := .build/debug/connect-mock
APT_PACKAGES := libuv1-dev libsqlite3-dev curl
# The Python test clients live in their own virtual environment, installed from one lock file
# with exact versions, so every machine tests the same botocore, awscli and awscrt.
VENV := .venv
VENV_PY := $(VENV)/bin/python
LOCK := e2e/requirements.lock

RELEASE_BIN := .build/release/connect-mock
# The shipped build; docker/Dockerfile builds with the same flags (docker-check checks it).
RELEASE_FLAGS := -c release --static-swift-stdlib --experimental-lto-mode=full
# pkg-config files that make the release build link libuv and SQLite statically (see the script).
STATIC_DEPS := $(CURDIR)/.build/static-deps

# The one version: VERSION (scripts/check-version.sh holds every copy to it).
VERSION := $(shell tr -d '[:space:]' < VERSION)
DIST := dist
# The package's tests run against the built wheel in a virtual environment made anew each run,
# holding only the wheel and, from $(LOCK), pytest, boto3 and PyYAML with their dependencies.
WHEEL_VENV := .build-wheel/venv
WHEEL_TEST_PACKAGES := pytest pluggy iniconfig packaging Pygments boto3 botocore s3transfer jmespath \
	python-dateutil six urllib3 PyYAML

.PHONY: deps build release test unit e2e docker-check version-check wheel python-test wheel-bookworm serve bench fuzz clean model

deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "installing$$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi
	@$(MAKE) --no-print-directory $(VENV)/.installed

# Rebuilt whenever the lock changes: a new venv, the locked closure with --no-deps (nothing
# resolved on the day), then pip check that the closure is whole.
$(VENV)/.installed: $(LOCK)
	rm -rf $(VENV)
	$(PYTHON) -m venv $(VENV)
	$(VENV_PY) -m pip install -q --disable-pip-version-check --no-deps -r $(LOCK)
	$(VENV_PY) -m pip check
	touch $@

build: deps
	$(SWIFT) build

# libuv and SQLite are linked statically, so the binary needs only glibc, libstdc++ and
# libgcc_s: the same binary goes into the Docker image and the wheel.
release: deps
	PKG_CONFIG_PATH="$$(scripts/static-deps.sh $(STATIC_DEPS))" $(SWIFT) build $(RELEASE_FLAGS)

unit: build
	$(SWIFT) test

e2e: build
	PATH=$(CURDIR)/$(VENV)/bin:$$PATH CONNECT_MOCK_BIN=$(CURDIR)/$(BIN) $(VENV_PY) -m pytest -q e2e

docker-check: release
	PATH=$(CURDIR)/$(VENV)/bin:$$PATH scripts/check-docker.sh $(RELEASE_BIN) "$(RELEASE_FLAGS)"

version-check:
	scripts/check-version.sh

# dist/connect_mock-$(VERSION)-py3-none-manylinux_<glibc>_x86_64.whl (python/build_wheel.py:
# standard library only; it refuses a binary that needs a library outside the manylinux policy).
wheel: release
	rm -f $(DIST)/connect_mock-*.whl
	$(PYTHON) python/build_wheel.py --binary $(RELEASE_BIN) --out $(DIST)

python-test: wheel
	rm -rf $(WHEEL_VENV)
	$(PYTHON) -m venv $(WHEEL_VENV)
	for p in $(WHEEL_TEST_PACKAGES); do grep -iE "^$$p==" $(LOCK) || { echo "no $$p in $(LOCK)" >&2; exit 1; }; \
		done > $(WHEEL_VENV)/test-requirements.txt
	$(WHEEL_VENV)/bin/python -m pip install -q --disable-pip-version-check --no-deps -r $(WHEEL_VENV)/test-requirements.txt
	$(WHEEL_VENV)/bin/python -m pip install -q --disable-pip-version-check --no-deps $(DIST)/connect_mock-$(VERSION)-*.whl
	$(WHEEL_VENV)/bin/python -m pip check
	cd python/tests && CONNECT_MOCK_REPO=$(CURDIR) ../../$(WHEEL_VENV)/bin/python -m pytest -q -p no:cacheprovider

test: unit e2e docker-check version-check python-test

# The proof that the wheel runs where only python3 is installed: a debootstrapped bookworm root
# (kept in .build-wheel/bookworm), the wheel pip-installed there, a signed DescribeContact.
# Needs root and network to Debian's mirror and PyPI, so it is not part of make test.
wheel-bookworm: wheel
	scripts/check-wheel-bookworm.sh $(DIST)/connect_mock-$(VERSION)-*.whl

serve: build
	$(BIN) serve --config config.yaml

clean:
	rm -rf .build .connect-mock $(VENV) $(DIST)
	rm -rf --one-file-system .build-wheel

# make bench BASELINE=path/to/old/connect-mock measures an older release binary beside this one.

# Regenerates the Contact shapes from the pinned botocore (after a bump in $(LOCK)).
model: deps
	$(VENV_PY) scripts/gen-contact-shapes.py

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
	$(VENV_PY) bench/run.py $(if $(BASELINE),--baseline $(BASELINE))
	@if command -v valgrind >/dev/null; then $(VENV_PY) bench/callgrind.py $(RELEASE_BIN) 2000 $(BASELINE); \
		else echo "valgrind is not installed: no instruction counts"; fi
