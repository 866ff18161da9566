# preflight: build, demo and test.
#
#   make demo   build everything and run a gated deploy of the bundled example
#   make test   build everything and run the whole test suite
#
# Building and testing use one cargo invocation shape (release profile, whole workspace,
# all features), so every dependency, wasmtime above all, is compiled once: a plain
# `cargo build -p preflight` would unify features differently and build a second copy.
# The built-in policies are built for wasm32-wasip2 by runner/builtins/build.rs, then
# precompiled for this wasmtime and embedded by a second, incremental build.

CARGO ?= cargo
CARGO_FLAGS := --release --workspace --all-features
PREFLIGHT := target/release/preflight
VENV := target/venv
CHECKOV_VENV := target/checkov
NODE := target/node
export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)
# Pins of the schema policy's peers; defined before any rule names them, because make
# expands a rule's prerequisites as it reads the rule.
CFN_LINT_VERSION := 1.58.0
CFN_VALIDATE_VERSION := 1.14.0
# Pins of the integrations' peers (issue 13): the official Python MCP client, pre-commit,
# and the JSON Schema validator the config schema is tested with.
INTEGRATION_PINS := mcp==2.3.0 pre-commit==4.7.0 jsonschema==4.26.0
INTEGRATION_STAMP := $(VENV)/.integrations-mcp2.3.0-pc4.7.0-js4.26.0

.PHONY: build demo demo-build install test test-deps tools toolchain bench clean-cache schema-data man

toolchain:
	rustup target add wasm32-wasip2

build: toolchain
	$(CARGO) test $(CARGO_FLAGS) --no-run
	$(PREFLIGHT) self precompile --out target/precompiled
	$(CARGO) test $(CARGO_FLAGS) --no-run

# The demo builds only what it runs: the preflight binary (not every test binary), its
# built-ins precompiled, and the SAM CLI and moto; each slow step says what it does.
demo: demo-build $(VENV)/.installed
	@echo "==> make demo: a gated deploy of examples/hello-sam (check, security diff, approval, make play against moto, verify, record)"
	@$(MAKE) --no-print-directory -C examples/hello-sam up
	@cd examples/hello-sam && $(CURDIR)/$(PREFLIGHT) deploy; status=$$?; \
	echo; \
	echo "==> moto (the local AWS the example deploys to) is still running on 127.0.0.1:5055;"; \
	echo "    stop it with: make -C examples/hello-sam down"; \
	echo "==> to run the gate yourself: make install (preflight and the SAM CLI into $(BINDIR)),"; \
	echo "    then: cd examples/hello-sam && preflight deploy"; \
	exit $$status

demo-build: toolchain
	@echo "==> building the preflight binary (release; the first build compiles wasmtime and the policy guests: several minutes on 2 cores)"
	$(CARGO) build $(CARGO_FLAGS)
	@echo "==> precompiling the built-in policies for this wasmtime, then embedding them"
	$(PREFLIGHT) self precompile --out target/precompiled
	$(CARGO) build $(CARGO_FLAGS)

# Everyday use: the binary, and the SAM CLI from target/venv unless one is on PATH
# already, into BINDIR (default: cargo's bin directory, on PATH wherever rustup is).
BINDIR ?= $(or $(CARGO_HOME),$(HOME)/.cargo)/bin
install: $(VENV)/.installed
	@test -x $(PREFLIGHT) || $(MAKE) demo-build
	@mkdir -p $(BINDIR)
	install -m 755 $(PREFLIGHT) $(BINDIR)/preflight
	@if PATH="$(subst $(CURDIR)/$(VENV)/bin:,,$(PATH))" command -v sam >/dev/null; then \
		echo "sam is on PATH already: $$(PATH="$(subst $(CURDIR)/$(VENV)/bin:,,$(PATH))" command -v sam)"; \
	else \
		ln -sf $(CURDIR)/$(VENV)/bin/sam $(BINDIR)/sam && echo "linked $(BINDIR)/sam -> $(CURDIR)/$(VENV)/bin/sam"; \
	fi
	@echo "installed $(BINDIR)/preflight"; case ":$$PATH:" in *":$(BINDIR):"*) ;; *) echo "note: $(BINDIR) is not on PATH; add it (export PATH=\"$(BINDIR):\$$PATH\")";; esac

# Python tools the tests drive for real: the SAM CLI (sam validate, sam deploy) and
# moto's CloudFormation-compatible server. Installed into a venv once.
test-deps: $(VENV)/.installed $(CHECKOV_VENV)/.installed $(VENV)/.componentize-py-0.25.1 $(NODE)/.installed $(VENV)/.schema-peers-$(CFN_LINT_VERSION) $(INTEGRATION_STAMP) $(NODE)/sarif/.installed
$(VENV)/.installed:
	@echo "==> installing the SAM CLI and moto into $(VENV) (pip; a few minutes)"
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check 'aws-sam-cli==1.170.0' 'moto[server]==5.2.1'
	touch $@

# checkov, the reference of the security policy's parity test, in a venv of its own: its
# pinned dependencies cannot be resolved together with aws-sam-cli's.
$(CHECKOV_VENV)/.installed:
	python3 -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/pip install --quiet --disable-pip-version-check 'checkov==3.3.30'
	touch $@

# The policy toolchains for Python (componentize-py) and JavaScript (componentize-js,
# pinned by kits/js/toolchain/package-lock.json; its --aot mode is never used: it
# downloads a binary at run time).
$(VENV)/.componentize-py-0.25.1: $(VENV)/.installed
	$(VENV)/bin/pip install --quiet --disable-pip-version-check 'componentize-py==0.25.1'
	touch $@
$(NODE)/.installed: kits/js/toolchain/package.json kits/js/toolchain/package-lock.json
	mkdir -p $(NODE)
	cp kits/js/toolchain/package.json kits/js/toolchain/package-lock.json $(NODE)/
	npm ci --prefix $(NODE) --no-audit --no-fund --silent
	touch $@

# The peers the schema policy is measured against: cfn-lint (whose bundled schemas are
# also the schema policy's data source) and AWS's cloudformation-validate (its Python
# package). A new pin gets a new stamp, so `make test-deps` installs it.
$(VENV)/.schema-peers-$(CFN_LINT_VERSION): $(VENV)/.installed
	$(VENV)/bin/pip install --quiet --disable-pip-version-check 'cfn-lint==$(CFN_LINT_VERSION)' 'cloudformation-validate==$(CFN_VALIDATE_VERSION)'
	touch $@

$(INTEGRATION_STAMP): $(VENV)/.installed
	$(VENV)/bin/pip install --quiet --disable-pip-version-check $(foreach p,$(INTEGRATION_PINS),'$(p)')
	touch $@

# Microsoft's SARIF multitool, which validates the SARIF report in the tests (pinned by
# runner/tests/tools/sarif/package-lock.json).
$(NODE)/sarif/.installed: runner/tests/tools/sarif/package.json runner/tests/tools/sarif/package-lock.json
	mkdir -p $(NODE)/sarif
	cp runner/tests/tools/sarif/package.json runner/tests/tools/sarif/package-lock.json $(NODE)/sarif/
	npm ci --prefix $(NODE)/sarif --no-audit --no-fund --silent
	touch $@

# The manual page.
man: build
	$(PREFLIGHT) man -o target/man/preflight.1

# Regenerates the schema policy's embedded data (policies/schema/data/schemas.bin) and the
# SDK's replacement table (guest/data/create_only.txt) from the pinned cfn-lint.
schema-data: test-deps
	$(VENV)/bin/python policies/schema/data/generate.py

# Native cfn-guard 3.2.1, the reference the Guard parity tests and bench/guard.sh compare
# against (tests that need it fail when it is missing). Installed once.
CFN_GUARD := target/tools/bin/cfn-guard
tools: $(CFN_GUARD)
$(CFN_GUARD):
	$(CARGO) install cfn-guard --version 3.2.1 --locked --root target/tools

# The rego guest is its own workspace (see Cargo.toml): its native tests run on their own.
test: build test-deps tools
	CI=true INSTA_UPDATE=no $(CARGO) test $(CARGO_FLAGS) --no-fail-fast
	CI=true INSTA_UPDATE=no $(CARGO) test --release --manifest-path policies/rego/Cargo.toml --target-dir target
