# camvault's front door. `make help` lists the targets.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
# Output that is only the command's own: $(make -s token) must be the token.
MAKEFLAGS += --no-print-directory

# Every Go module of the workspace (see go.work).
GO_MODULES := $(shell find . -name go.mod -not -path './node_modules/*' -not -path '*/node_modules/*' -not -path './build/*' -exec dirname {} \; | sed 's|^\./||' | sort)
# Lambda functions: authorizer/cmd/authorizer and every videos-api/cmd/<function>.
LAMBDAS := authorizer/cmd/authorizer $(wildcard videos-api/cmd/*)
# Host-side commands: the local stack and the scripts' Go helpers.
TOOLS := $(wildcard local/cmd/camvault-local) $(wildcard scripts/token) $(wildcard scripts/upload-clip)

# The deployed stage of bootstrap, diff, deploy, export and camera. openapi
# and postman default to the local stack instead: they must never touch the
# AWS credential chain unless STAGE is given.
STAGE ?= dev
API_STAGE := $(if $(filter command line environment environment override,$(origin STAGE)),$(STAGE),local)
# make fuzz: a duration per target (only a reproducer or a panic fails it).
FUZZTIME ?= 2m
# make test: an execution count per target (no wall-clock deadline, so no flake).
FUZZ_EXECS ?= 5000x
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION := 20
# The CDK packages start the jsii runtime while Go initialises them; giving it
# a cache inside build/ up front spares the infra tests a self-restart.
export JSII_RUNTIME_PACKAGE_CACHE_ROOT := $(CURDIR)/build/jsii-cache

##@ Everyday

.PHONY: help
help: ## list the targets and what each does
	@awk 'BEGIN {FS = ":.*## "} /^##@/ {printf "\n%s\n", substr($$0, 5)} /^[a-zA-Z0-9_.-]+:.*## / {printf "  %-16s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

.PHONY: dev
dev: deps web-build tools ## run all of camvault locally (API, sign-in, S3, DynamoDB, web) until Ctrl-C; DEV_FLAGS=... passes flags
	exec build/bin/camvault-local $(DEV_FLAGS)

.PHONY: tree-snapshot
tree-snapshot:
	@scripts/tree-check.sh snapshot

.PHONY: test
test: tree-snapshot deps build tools test-go test-fuzz-short test-web test-e2e test-newman ## every test suite: Go modules, short fuzz, web unit, browser e2e, Postman (newman); fails if they changed the tree
	@scripts/tree-check.sh compare
	@echo "make test: all suites passed"

##@ Building

.PHONY: deps
deps: node_modules/.package-lock.json web/node_modules/.package-lock.json ## install the npm packages (dynalite, newman, cdk CLI; the web client's)

node_modules/.package-lock.json: package-lock.json
	@command -v npm >/dev/null || { echo "camvault needs Node.js 20 or newer with npm (dynalite, newman, the CDK CLI and the web build are npm packages): install it, then run make again" >&2; exit 1; }
	npm ci --no-audit --no-fund

web/node_modules/.package-lock.json: $(wildcard web/package-lock.json)
	@if [ -f web/package-lock.json ]; then cd web && npm ci --no-audit --no-fund; fi

.PHONY: build
build: ## build every Lambda into build/<function>/bootstrap (linux/arm64, provided.al2023), each module alone as Lambda builders do
	@for dir in $(LAMBDAS); do \
		fn=$$(basename $$dir); mod=$${dir%%/cmd/*}; \
		echo "build/$$fn/bootstrap  <- $$dir"; \
		( cd $$mod && GOWORK=off GOOS=linux GOARCH=arm64 CGO_ENABLED=0 go build -tags lambda.norpc -trimpath -buildvcs=false -ldflags "-s -w" -o ../build/$$fn/bootstrap ./cmd/$$fn ); \
	done
	@# Each bootstrap stays under 10 MB (10,000,000 bytes): a bigger one loads slower on every cold start.
	@for f in build/*/bootstrap; do s=$$(wc -c < $$f); if [ $$s -ge 10000000 ]; then echo "$$f is $$s bytes: over the 10 MB budget" >&2; exit 1; fi; done

.PHONY: tools
tools: ## build the host commands into build/bin (camvault-local, token, upload-clip)
	@mkdir -p build/bin
	@for dir in $(TOOLS); do echo "build/bin/$$(basename $$dir)  <- $$dir"; go build -trimpath -o build/bin/ ./$$dir; done

.PHONY: web-build
web-build: deps ## build the web client into web/dist
	@if [ -f web/package.json ]; then cd web && npm run build; fi

.PHONY: synth
synth: deps build web-build ## synthesize every stage's CloudFormation template into infra/cdk.out (no AWS credentials needed)
	cd infra && npx cdk synth --quiet

##@ Testing

.PHONY: test-go
test-go: ## go test every module (in the workspace, then each module alone with GOWORK=off)
	@for m in $(GO_MODULES); do echo "== go test $$m"; ( cd $$m && go test -count=1 ./... ); done
	@for m in $(GO_MODULES); do echo "== GOWORK=off go build+vet $$m"; ( cd $$m && GOWORK=off go build -o /dev/null ./... && GOWORK=off go vet ./... ); done

.PHONY: test-fuzz-short
test-fuzz-short: ## run every fuzz target for FUZZ_EXECS executions (default 5000x)
	@scripts/fuzz.sh $(FUZZ_EXECS)

.PHONY: test-web
test-web: deps ## the web client's type check and unit tests (Vitest)
	@if [ -f web/package.json ]; then cd web && npm run typecheck && npm run test:unit; fi

.PHONY: test-e2e
test-e2e: deps web-build tools ## the web client in headless Chromium against a fresh local stack
	@if [ -f web/package.json ]; then cd web && npm run test:e2e; fi

.PHONY: test-newman
test-newman: deps tools ## a Postman run (newman) of the generated collection against a fresh local stack
	@if [ -x scripts/newman.sh ]; then scripts/newman.sh; fi

.PHONY: screenshots
screenshots: deps web-build tools ## refresh docs/screenshots/timeline.png (the README's picture) from a browser run
	cd web && E2E_ONLY='viewer signs in' E2E_TIMELINE_PNG=$(CURDIR)/docs/screenshots/timeline.png npm run test:e2e

.PHONY: soak
soak: deps tools ## bounded load (20k requests, 32 clients, 3 min deadline) and fault tests on loopback; report in docs/bench/soak.txt
	soak/soak.sh

.PHONY: fuzz
fuzz: ## run every fuzz target for FUZZTIME each (default 2m); fails only on a reproducer or a panic
	@scripts/fuzz.sh $(FUZZTIME)

.PHONY: bench
bench: deps ## benchmarks (authorizer, store page cost, gateway overhead); results in BENCHMARKS.md
	$(MAKE) build tools web-build
	cd soak && go build -o ../build/bin/benchreport ./cmd/benchreport
	build/bin/benchreport -sizes "$${BENCH_SIZES:-1000,10000,100000}"

.PHONY: cost
cost: deps ## monthly AWS bill of the README's three profiles (or yours: make cost COST_FLAGS="-cameras 4 -clips-per-day 30 ..."), from measured per-operation units and soak/cost/prices.go
	cd soak && go run ./cmd/cost $(COST_FLAGS)

.PHONY: lint
lint: ## gofmt check, go vet and staticcheck on every module
	@out=$$(gofmt -l $(GO_MODULES)); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	@for m in $(GO_MODULES); do echo "== vet+staticcheck $$m"; ( cd $$m && go vet ./... && go run $(STATICCHECK) ./... ); done

##@ API clients (Swagger, Postman, tokens)

.PHONY: openapi
openapi: ## write build/api/openapi-STAGE.yaml, our OpenAPI document with STAGE's server URL (default: the running local stack)
	scripts/openapi.sh $(API_STAGE)

.PHONY: postman
postman: deps ## write build/api/camvault.postman_collection.json and an environment file for STAGE (default: the running local stack)
	scripts/postman.sh $(API_STAGE)

.PHONY: export
export: ## export the deployed STAGE's API from API Gateway (FORMAT=swagger|oas30|postman; needs AWS credentials)
	scripts/export-api.sh $(STAGE) $(or $(FORMAT),oas30)

.PHONY: grants
grants: ## list or change grants and address bindings: ARGS="list" for the local stack, ARGS="--table NAME --clips-table NAME delete a@example.com" for a stage
	go run ./scripts/grants $(ARGS)

.PHONY: token
token: ## print an ID token: EMAIL=viewer@example.com for the local stack, or GOOGLE=1 for Google's loopback sign-in; POSTMAN_ENV=file writes it there
	@go run ./scripts/token $(if $(GOOGLE),--google,--email $(or $(EMAIL),viewer@example.com)) $(if $(POSTMAN_ENV),--postman-env $(POSTMAN_ENV))

##@ Deploying (needs AWS credentials; each checks them first)

.PHONY: aws-ready
aws-ready:
	@scripts/check-aws.sh $(if $(filter bootstrap,$(MAKECMDGOALS)),,$(STAGE))

.PHONY: bootstrap
bootstrap: aws-ready deps ## cdk bootstrap the AWS account and region of your credentials (once per account/region)
	cd infra && npx cdk bootstrap

.PHONY: diff
diff: aws-ready deps build web-build ## show what deploying STAGE would change (STAGE=dev|qa|prod)
	cd infra && npx cdk diff camvault-$(STAGE)

.PHONY: deploy
deploy: aws-ready deps build web-build ## deploy STAGE (STAGE=dev|qa|prod) with the CDK CLI
	cd infra && npx cdk deploy -c deployStage=$(STAGE) camvault-$(STAGE)

.PHONY: migrate
migrate: ## once after upgrading STAGE past the single timeline partition: move its older clips back onto the timeline (idempotent)
	@table="$$(bash -c 'source scripts/lib/common.sh && require_aws && stack_output $(STAGE) VideosTableName')" && cd scripts && go run ./migrate-timeline -table "$$table"

.PHONY: camera
camera: ## provision camera CAMERA for deployed STAGE (its own IAM user, create-only under clips/CAMERA/); prints the Raspberry Pi's env file
	@scripts/provision-camera.sh $(STAGE) $(CAMERA)

.PHONY: clean
clean: ## remove everything the build and the tests write (keeps .camvault local data)
	rm -rf build infra/cdk.out infra/infra web/dist web/test-results
