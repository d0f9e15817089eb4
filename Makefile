# The one front door: CI calls the same targets a person does.
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
ARCH ?= arm64
export ARCH

.PHONY: help test lint fmt-check clippy workflows cargo-test salesforce terraform terraform-checks checkov terraform-rehearsal scripts-test preflight redrive build-zips check-zips demo bench bench-layers clean

help:
	@echo "make test        fmt, clippy -D warnings, unit/integration/end-to-end tests (starts/stops moto), Terraform checks"
	@echo "make terraform   terraform fmt/validate/test, checkov, the first deployment rehearsed (moto + local AppFlow)"
	@echo "make scripts-test the local AppFlow endpoint, the JWT, connector-profile, preflight, redrive and smoke scripts"
	@echo "make preflight ENV=dev   read-only checks of an environment before its first apply (real account)"
	@echo "make redrive ENV=dev QUEUE=ingest|stream [CONFIRM=dev] [PEEK=N]   redrive the ingest DLQ / replay stream failures"
	@echo "make build-zips  release bootstrap for provided.al2023 (ARCH=$(ARCH)) -> dist/<handler>.zip + manifest"
	@echo "make check-zips  zip contents, manifest and reproducibility of dist/"
	@echo "make demo        the whole round trip locally: Salesforce event -> DynamoDB -> status, email, Connect"
	@echo "make bench       handler work per event, in process, against in-memory fakes"
	@echo "make bench-layers warm CPU per event layer by layer beside the Python peer"

test: lint cargo-test terraform salesforce scripts-test

# The Salesforce source: XML well-formed and convertible by the Salesforce CLI, offline.
salesforce:
	scripts/salesforce-checks.sh

lint: fmt-check clippy workflows

# actionlint and the workflow JSON schema, offline (and a check that a broken needs: is caught).
workflows:
	scripts/lint-workflows.sh

fmt-check:
	cargo fmt --all --check

# Twice: with the tests (which turn on the `fakes` feature) and as the Lambda binary is built,
# without it, so code only the fakes use cannot hide there.
clippy:
	cargo clippy --all-targets --locked -- -D warnings
	cargo clippy --lib --bins --locked -- -D warnings

# Unit tests need nothing; integration tests talk to the local moto server, which this starts
# on a free loopback port and always stops. With AWS_ENDPOINT_URL set, that emulator is used.
cargo-test:
	scripts/local-aws.sh run cargo test --locked

# Terraform, offline: fmt, validate, terraform test (mock_provider) per module, checkov, and the
# first deployment of terraform/dev rehearsed against moto and the strict local AppFlow
# (apply, a second plan with no changes, destroy).
terraform: terraform-checks checkov terraform-rehearsal

terraform-checks:
	scripts/terraform-checks.sh

checkov:
	scripts/checkov.sh

# Both ways to the connector profile: made by scripts/connector-profile.py (the README's
# order, with preflight), and made by Terraform from the JWT.
terraform-rehearsal:
	scripts/terraform-rehearsal.sh script
	scripts/terraform-rehearsal.sh terraform

# The deployment helpers: the local AppFlow endpoint (scripts/fake-appflow.py), and
# salesforce-jwt.sh, connector-profile.py and preflight.py against it and moto; the operators'
# redrive.py against moto (with a fake for the calls moto lacks).
scripts-test:
	scripts/fake-appflow-test.sh
	scripts/scripts-test.sh
	scripts/redrive-test.sh
	python3 tests/scripts/test_smoke.py

# Read-only checks of one environment against the real account (the caller's credentials).
ENV ?=
preflight:
	@test -n "$(ENV)" || { echo "usage: make preflight ENV=dev|staging|prod"; exit 2; }
	scripts/preflight.sh $(ENV)

# Redrive sfbridge-ENV-ingest-dlq (SQS message-move task) or replay sfbridge-ENV-stream-failures
# (the stream consumers' on-failure records), with the caller's credentials. Asks first; prod
# needs CONFIRM=prod. PEEK=N prints up to N messages first.
QUEUE ?=
CONFIRM ?=
PEEK ?=
redrive:
	@test -n "$(ENV)" -a -n "$(QUEUE)" || { echo "usage: make redrive ENV=dev|staging|prod QUEUE=ingest|stream [CONFIRM=<env>] [PEEK=N]"; exit 2; }
	scripts/redrive.sh $(ENV) $(QUEUE) $(if $(CONFIRM),--confirm $(CONFIRM)) $(if $(PEEK),--peek $(PEEK))

build-zips:
	scripts/build-zips.sh

check-zips:
	scripts/check-zips.sh

# The whole round trip on this machine: local AWS (moto), the real bootstrap per handler
# through a local Runtime API, and the AWS glue moto lacks played by examples/demo.rs.
demo:
	cargo build --locked --bin bootstrap --example demo
	scripts/local-aws.sh run cargo run --locked --quiet --example demo

# Handler work per event (in-memory fakes); start-up, CPU per warm event and peak RSS of the
# release binary through a local Runtime API against a local AWS stub; zip sizes from dist/.
bench:
	cargo bench --locked --bench handlers --bench runtime

# Warm CPU per event layer by layer (floor, lambda_runtime, one SDK call, bootstrap) beside the
# Python peer, in the harness beside the project (../shared/bench/).
bench-layers:
	scripts/bench-layers.sh

clean:
	scripts/local-aws.sh stop || true
	rm -rf dist .local
