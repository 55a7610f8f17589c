# Parley: `make run` serves the demo, `make test` runs every test. Each installs what it needs first
# and skips what is already there, so a warm run only rebuilds the workspace.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

# Cargo's build cache lives outside the clone so fresh clones (and CI) reuse it.
export CARGO_TARGET_DIR ?= $(HOME)/.cache/parley/target
TOOLS_DIR ?= $(HOME)/.cache/parley/tools
export PATH := $(HOME)/.cargo/bin:$(TOOLS_DIR)/node_modules/.bin:$(PATH)
# cargo-leptos sets this for its builds; setting it for plain `cargo test` too keeps one shared cache.
export LEPTOS_OUTPUT_NAME := parley

CARGO_LEPTOS_VERSION := 0.3.10
# wasm-bindgen's CLI must match the library version in Cargo.lock exactly.
WASM_BINDGEN_VERSION := $(shell awk '/^name = "wasm-bindgen"$$/ { getline; gsub(/[^0-9.]/, ""); print; exit }' Cargo.lock)
BINARYEN_VERSION := 132.0.0

# cargo-leptos writes the site under the workspace, as site-root says.
SITE_ROOT := $(CURDIR)/target/site
PROFILE_DIR := $(CARGO_TARGET_DIR)/debug
# Where the built server finds its wasm, js and css when run outside cargo-leptos.
SITE_ENV := LEPTOS_SITE_ROOT=$(SITE_ROOT) LEPTOS_SITE_PKG_DIR=pkg LEPTOS_OUTPUT_NAME=parley

.PHONY: help run test lint test-rust test-e2e test-e2e-release test-api build site tools apt-tools rust-tools e2e-tools python-tools release-tools release bench bench-tools soak

help:
	@echo "make run    build and serve the demo at http://127.0.0.1:3000 (data in ./data)"
	@echo "make test   unit, store and router tests, then the Playwright suite in Chromium"
	@echo "make bench  release build, then load, scaling, send and page-weight figures in target/bench/report.md"
	@echo "make soak   kills a loaded release server with SIGKILL and checks no acknowledged message was lost"

run: rust-tools build
	mkdir -p data
	$(SITE_ENV) PARLEY_DEMO=1 PARLEY_ALLOW_PRIVATE_WEBHOOKS=1 $(PROFILE_DIR)/server

test: tools lint test-rust site test-e2e test-api

# Formatting, then clippy on each feature set as it is built: the server's (app with "ssr"), the
# app bundle's (frontend: app with "hydrate") and the portal bundle's (portal: app with "csr").
lint: rust-tools
	cargo fmt --all --check
	cargo clippy -p app -p server -p bench -p surreal-server --all-targets --features app/ssr -- -D warnings
	cargo clippy -p frontend --target wasm32-unknown-unknown -- -D warnings
	cargo clippy -p portal --target wasm32-unknown-unknown -- -D warnings

# The same packages and features in each cargo invocation, so their dependencies build once with
# one feature set (SurrealDB's server, tools/surreal-server, shares Parley's surrealdb-core build).
# nextest runs every test in a process of its own under a time limit (.config/nextest.toml).
# The mail tests start aiosmtpd with the tools' Python, the storage tests its moto_server, the
# store tests a SurrealDB server (PARLEY_SURREAL_BIN) for their ws:// runs.
RUST_TESTED := -p app -p server -p bench -p surreal-server --features app/ssr
test-rust: rust-tools python-tools
	cargo build $(RUST_TESTED) --all-targets
	PARLEY_TEST_PYTHON=$(PYTHON) PARLEY_SURREAL_BIN=$(PROFILE_DIR)/surreal-server cargo nextest run $(RUST_TESTED)

# cargo-leptos builds the server and the app bundle; the portal page's own bundle is built beside it.
build: rust-tools
	cargo leptos build
	tools/portal-bundle.sh debug

# `make test` needs only the bundles and styles from cargo-leptos: its server is the one test-rust
# built. cargo-leptos builds the server alone with another feature set, so SurrealDB's engine would
# compile a second time (8 minutes on a cold cache) for a binary the tests would not run.
site: rust-tools
	cargo leptos build --frontend-only
	tools/portal-bundle.sh debug

# The Playwright suite, then the portal and dashboard suites once more with two Parley servers behind
# nginx (round robin) on one SurrealDB server over ws:// (end2end/tests/cluster.ts; nginx.conf.template
# is the README's example). The cargo build is test-rust's own (nothing to do after it): the server
# and the SurrealDB server.
test-e2e: e2e-tools python-tools
	cargo build $(RUST_TESTED) --all-targets
	cd end2end && PARLEY_SERVER_BIN=$(PROFILE_DIR)/server PARLEY_TEST_PYTHON=$(PYTHON) $(SITE_ENV) npx playwright test
	cd end2end && PARLEY_SERVER_BIN=$(PROFILE_DIR)/server PARLEY_SURREAL_BIN=$(PROFILE_DIR)/surreal-server \
	  PARLEY_NGINX_BIN=/usr/sbin/nginx PARLEY_TEST_PYTHON=$(PYTHON) $(SITE_ENV) \
	  npx playwright test -c playwright.nginx.config.ts

# The REST API against its own OpenAPI document: schemathesis with every check, a fixed seed.
test-api: python-tools
	PARLEY_SERVER_BIN=$(PROFILE_DIR)/server SCHEMATHESIS=$(TOOLS_DIR)/venv/bin/st $(SITE_ENV) end2end/api-contract.sh

tools: apt-tools rust-tools e2e-tools python-tools

# Debian packages: Chromium for the end-to-end tests, Node.js for Playwright, nginx in front of two
# servers (the package's own service does not start here: policy-rc.d, and nothing needs it).
apt-tools:
	@missing=""; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	command -v npm >/dev/null || missing="$$missing nodejs npm"; \
	[ -x /usr/sbin/nginx ] || missing="$$missing nginx"; \
	if [ -n "$$missing" ]; then \
	  echo "installing$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi

rust-tools:
	@rustup target list --installed | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown
	@rustup component list --installed | grep -q '^clippy' || rustup component add clippy
	@rustup component list --installed | grep -q '^rustfmt' || rustup component add rustfmt
	@command -v cargo-nextest >/dev/null || cargo install cargo-nextest --locked
	@cargo leptos --version 2>/dev/null | grep -q " $(CARGO_LEPTOS_VERSION)$$" || \
	  cargo install cargo-leptos --version $(CARGO_LEPTOS_VERSION) --locked --debug
	@wasm-bindgen --version 2>/dev/null | grep -q " $(WASM_BINDGEN_VERSION)$$" || \
	  cargo install wasm-bindgen-cli --version $(WASM_BINDGEN_VERSION) --force

# wasm-opt for release builds, from npm's binaryen (Debian's is too old for cargo-leptos), and
# esbuild, which minifies the portal bundle's JS (cargo-leptos minifies the app bundle's itself).
ESBUILD_VERSION := 0.28.2
release-tools: apt-tools
	@command -v wasm-opt >/dev/null || npm install --silent --prefix $(TOOLS_DIR) binaryen@$(BINARYEN_VERSION)
	@esbuild --version 2>/dev/null | grep -qx "$(ESBUILD_VERSION)" || npm install --silent --prefix $(TOOLS_DIR) esbuild@$(ESBUILD_VERSION)

e2e-tools: apt-tools
	@cd end2end && { [ node_modules/.package-lock.json -nt package-lock.json ] || npm ci --no-audit --no-fund; }

# From PyPI, in a virtual environment of their own: schemathesis for the REST contract, aiosmtpd
# as the SMTP server the mail tests send to, moto as the S3 API server the storage tests use.
SCHEMATHESIS_VERSION := 4.32.5
AIOSMTPD_VERSION := 1.4.6
MOTO_VERSION := 5.2.5
PYTHON := $(TOOLS_DIR)/venv/bin/python
python-tools:
	@{ $(TOOLS_DIR)/venv/bin/st --version 2>/dev/null | grep -q "$(SCHEMATHESIS_VERSION)" && \
	   $(PYTHON) -m pip show aiosmtpd 2>/dev/null | grep -qx "Version: $(AIOSMTPD_VERSION)" && \
	   $(PYTHON) -m pip show moto 2>/dev/null | grep -qx "Version: $(MOTO_VERSION)"; } || { \
	  python3 -m venv $(TOOLS_DIR)/venv && \
	  $(PYTHON) -m pip install --quiet --disable-pip-version-check \
	    schemathesis==$(SCHEMATHESIS_VERSION) aiosmtpd==$(AIOSMTPD_VERSION) 'moto[server]==$(MOTO_VERSION)'; }

# Release builds: the site (wasm-release profile, wasm-opt -Oz, gzip and brotli copies of the assets,
# hashed file names) and the server, then parley-bench.
RELEASE_DIR := $(CARGO_TARGET_DIR)/release
release: rust-tools release-tools
	LEPTOS_HASH_FILES=true cargo leptos build --release --precompress
	tools/portal-bundle.sh release
	cargo build --release -p bench -p surreal-server

bench: release bench-tools test-e2e-release
	PARLEY_SERVER_BIN=$(RELEASE_DIR)/server PARLEY_BENCH_BIN=$(RELEASE_DIR)/parley-bench \
	  PARLEY_SURREAL_BIN=$(RELEASE_DIR)/surreal-server \
	  PARLEY_PORTAL_WASM_NAMED=$(CARGO_TARGET_DIR)/front/portal-named.wasm \
	  LEPTOS_SITE_ROOT=$(SITE_ROOT) bench/run.sh

# The whole Playwright suite once more against the release build: hashed names, precompressed
# files, both bundles as wasm-opt left them.
test-e2e-release: release e2e-tools python-tools
	cd end2end && PARLEY_SERVER_BIN=$(RELEASE_DIR)/server PARLEY_TEST_PYTHON=$(PYTHON) LEPTOS_HASH_FILES=true \
	  $(SITE_ENV) npx playwright test

# Senders against a durable server that is killed with SIGKILL twice; fails if an acknowledged message is lost.
soak: release
	@mkdir -p target/bench
	work=$$(mktemp -d) && trap 'rm -rf "$$work"' EXIT && \
	$(RELEASE_DIR)/parley-bench soak --server-bin $(RELEASE_DIR)/server --site-root $(SITE_ROOT) --work-dir "$$work" \
	  --port $$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])') \
	  --out target/bench/soak.json

# wrk and curl from Debian; twiggy (what the portal's wasm is made of) from crates.io; Lighthouse
# from npm, driving Debian's Chromium.
TWIGGY_VERSION := 0.8.0
LIGHTHOUSE_VERSION := 13.5.0
bench-tools: apt-tools
	@twiggy --version 2>/dev/null | grep -q " $(TWIGGY_VERSION)$$" || cargo install twiggy --version $(TWIGGY_VERSION) --locked
	@lighthouse --version 2>/dev/null | grep -qx "$(LIGHTHOUSE_VERSION)" || \
	  npm install --silent --prefix $(TOOLS_DIR) lighthouse@$(LIGHTHOUSE_VERSION)
	@missing=""; \
	command -v wrk >/dev/null || missing="$$missing wrk"; \
	command -v curl >/dev/null || missing="$$missing curl"; \
	if [ -n "$$missing" ]; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi
