# novalite — the two commands are `make run` and `make test`.
GO      ?= go
BIN     := bin/novalite
DATA    ?= ./novalite-data

.PHONY: all build clients-shim run test image unit unit-postgres bench-smoke fuzz-smoke fuzz clients clients-suites clients-extended clients-rally clients-terraform guests lint deps bench bench-go clean tempest tempest-compute tempest-volume tempest-deps

all: build

VERSION ?= $(shell git describe --always --dirty 2>/dev/null || echo devel)
LDFLAGS := -X novalite/internal/cli.buildVersion=$(VERSION)

build:
	$(GO) build -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/novalite

## clients-shim: bin/clients/openstack and bin/clients/nova, the client tests' commands:
## each hands its command to the fork server test/clients/oscd.py (internal/tools/oscshim)
clients-shim:
	$(GO) build -o bin/clients/openstack ./internal/tools/oscshim
	ln -sf openstack bin/clients/nova

## run: start novalite (all APIs, SQLite in $(DATA)) on 127.0.0.1:8774
run: build
	./$(BIN) serve --data-dir $(DATA)

## test: everything CI runs — lint, Go tests, and the real-client tests. The client tests
## (`clients`) run beside the Go phases (unit then fuzz-smoke, unit-postgres then guests:
## scripts/test-phases.sh), not after them: they mostly wait, the Go phases keep the CPU busy
## (scripts/test-phases.sh prints each phase's wall and CPU seconds)
test: deps lint
	MAKE='$(MAKE)' ./scripts/test-phases.sh

deps:
	./scripts/install-deps.sh

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	$(GO) vet -tags guests ./...

## unit: the Go tests on SQLite, and every Go benchmark once after each package's tests
## (bench-smoke's run, in the same test binaries: not a second link and run of every
## package). -parallel 8: the tests mostly wait on HTTP and the database, not the CPU,
## so more of them at once than the 2 cores finish sooner.
unit:
	NOVALITE_BENCH_SERVERS=$(BENCH_SMOKE_SERVERS) $(GO) test -count=1 -parallel 8 -timeout 30m -bench . -benchtime=1x ./...

## unit-postgres: the same suites with every app on PostgreSQL (as replicas run): the
## packages whose tests take their database from NOVALITE_TEST_ENGINE
## (scripts/postgres-packages.sh; the rest would run the same tests again, and the
## store's own tests run both engines in `unit`)
unit-postgres:
	pkgs=$$(./scripts/postgres-packages.sh) && NOVALITE_TEST_ENGINE=postgres $(GO) test -count=1 -parallel 8 -timeout 30m $$pkgs

## guests: real QEMU guests (--driver qemu): the driver's contract, the test guest, and
## servers booted, acted on and deleted through the API (tagged `guests`: they run once,
## not again for each database engine)
guests:
	$(GO) test -count=1 -parallel 2 -timeout 30m -tags guests -run 'Contract|BootsToPrompt|RealGuest|UsableAccel' ./internal/virt/qemu/... ./internal/cli/

## fuzz-smoke: each fuzz target of untrusted input for FUZZTIME (3000 inputs); `make fuzz` for longer.
## Crashers land in the package's testdata/fuzz/ and then run as seeds in every `go test`.
## A count, not a duration: Go 1.26's coordinator can fail a duration run with a bare
## "context deadline exceeded" when the clock runs out under load (golang/go#75804, fixed in 1.27).
FUZZTIME ?= 3000x
FUZZ_TARGETS := \
	internal/api/httpx:FuzzReadBody internal/api/httpx:FuzzEdge internal/api/httpx:FuzzAppendJSON \
	internal/api/microversion:FuzzNegotiate \
	internal/api/compute:FuzzServerListQuery internal/api/compute:FuzzServerCreateBody internal/api/compute:FuzzBodySchemas \
	internal/api/image:FuzzImagePatch \
	internal/identity:FuzzValidateToken \
	internal/store:FuzzRegexTranslate internal/store:FuzzJSONRow
fuzz-smoke:
	@set -e; for t in $(FUZZ_TARGETS); do \
		echo "fuzz $${t#*:} ($(FUZZTIME))"; \
		$(GO) test -run '^$$' -fuzz="^$${t#*:}$$" -fuzztime=$(FUZZTIME) ./$${t%%:*}; \
	done

## fuzz: the same targets for FUZZTIME=2m each (override as you like)
fuzz:
	$(MAKE) fuzz-smoke FUZZTIME=$${FUZZTIME:-2m}

## clients: real OpenStack clients against a fresh `novalite serve` each (test/clients/run.sh):
## the client scripts, gophercloud's acceptance tests, Rally's boot-and-delete, and the
## functional suites of openstacksdk, novaclient and openstackclient, unmodified, from
## Debian's packages (test/clients/suites.sh, judged against test/clients/suites-expected.txt;
## results in clients-results/)
clients: build clients-shim
	./test/clients/run.sh

## clients-suites: the clients' functional suites alone (SUITES="sdk novaclient osc" by
## default, or any of them), as `clients` runs them
SUITES ?= sdk novaclient osc
clients-suites: build clients-shim
	./scripts/install-deps.sh suites
	./test/clients/suites.sh $(SUITES)

## clients-extended: what CI adds after `make test` that is too long for it (docs/clients.md
## has the times): OpenTofu and the OpenStack provider's acceptance tests (clients-terraform)
clients-extended: clients-terraform

## clients-rally: Rally's Nova scenarios (Debian's rally and rally-openstack) against a
## fresh `novalite serve`, as existing users and as users Rally makes (test/clients/rally.sh)
clients-rally: build clients-shim
	./scripts/install-deps.sh rally
	./test/clients/rally.sh

## clients-terraform: OpenTofu and terraform-provider-openstack v3, built from the Go module
## proxy into .tools/bin (scripts/install-terraform.sh), against a fresh `novalite serve`: an
## apply / plan-no-changes / destroy of a small configuration as demo and as admin
## (test/clients/terraform.sh), then the provider's own acceptance tests, judged against
## test/clients/terraform-acc-expected.txt (terraform-acc.sh; logs in clients-results/).
## Not in `make test`: long (docs/clients.md has the time).
clients-terraform: build clients-shim
	./scripts/install-terraform.sh
	./test/clients/terraform.sh
	./test/clients/terraform-acc.sh

## tempest: Tempest's compute API tests (SUITE=servers|compute|volume|smoke|REGEX, default servers)
## against a fresh `novalite serve`; writes docs/compatibility.md (results in tempest-results/)
SUITE ?= servers
tempest: build clients-shim tempest-deps
	./test/clients/tempest.sh '$(SUITE)'

## tempest-compute: the same with all of tempest.api.compute
tempest-compute:
	$(MAKE) tempest SUITE=compute

## tempest-volume: Tempest's block storage tests (tempest.api.volume) against the Cinder
## subset; writes docs/compatibility-volume.md
tempest-volume:
	$(MAKE) tempest SUITE=volume

tempest-deps:
	./scripts/install-deps.sh tempest

## image: the container image `novalite` (Containerfile) with podman, else docker/buildah
IMAGE ?= novalite
image:
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags '-s -w $(LDFLAGS)' -o bin/novalite-static ./cmd/novalite
	mkdir -p bin/empty
	./scripts/build-image.sh $(IMAGE)

## bench: the load harness (docs/benchmarks.md): serve on a scratch SQLite database,
## one table of every operation beside a bare net/http handler; BENCH_FLAGS are passed
## on (e.g. BENCH_FLAGS='-postgres postgres://postgres@127.0.0.1:5432/postgres').
BENCH_FLAGS ?=
bench: build
	./$(BIN) bench $(BENCH_FLAGS)

## bench-go: every Go benchmark (micro-benchmarks of the hot paths, and the in-process
## list and lifecycle ones)
bench-go:
	$(GO) test -run '^$$' -bench . -benchmem ./...

## bench-smoke: every Go benchmark once, so that none rots (few servers seeded); `unit`
## runs them too, after the tests
BENCH_SMOKE_SERVERS := 1000
bench-smoke:
	NOVALITE_BENCH_SERVERS=$(BENCH_SMOKE_SERVERS) $(GO) test -count=1 -run '^$$' -bench . -benchtime=1x ./...

clean:
	rm -rf bin $(DATA)
