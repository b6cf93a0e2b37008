# Builds with the version information that ipsec_trap_exporter --version and
# ipsec_trap_exporter_build_info report; plain `go build .` works too, with
# empty version fields.
VERSION  ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo unknown)
REVISION ?= $(shell git rev-parse HEAD 2>/dev/null || echo unknown)
BRANCH   ?= $(shell git rev-parse --abbrev-ref HEAD 2>/dev/null || echo unknown)
PKG      := github.com/prometheus/common/version
LDFLAGS  := -X $(PKG).Version=$(VERSION) -X $(PKG).Revision=$(REVISION) -X $(PKG).Branch=$(BRANCH) \
            -X $(PKG).BuildUser=$(shell id -un)@$(shell hostname) -X $(PKG).BuildDate=$(shell date -u +%Y%m%d-%H:%M:%S)

.PHONY: build test-short test lint generate bench storm release image
build:
	go build -ldflags "$(LDFLAGS)" -o ipsec_trap_exporter .

# Unit and fixture tests only: seconds, no external tool.
test-short:
	go test -short ./...

# Everything, installing what the end-to-end tests need (the README's test command).
test:
	./scripts/test.sh

# gofmt, go vet, staticcheck.
lint:
	./scripts/lint.sh

generate:
	go generate . ./alerts ./dashboards ./internal/licenses

# Archives, .deb and .rpm packages, SBOMs and checksums in dist/:
# make release VERSION=v1.2.3 (scripts/release.sh says what is in them).
release:
	@case "$(origin VERSION)" in command*|environment*) ;; *) echo "usage: make release VERSION=vX.Y.Z" >&2; exit 2;; esac
	./scripts/release.sh $(VERSION)

# The container image of a release's static binary (after make release),
# for the machine's platform: ipsec_trap_exporter:VERSION.
ENGINE ?= podman
image:
	@case "$(origin VERSION)" in command*|environment*) ;; *) echo "usage: make image VERSION=vX.Y.Z (after make release)" >&2; exit 2;; esac
	$(ENGINE) build -f Containerfile --build-arg VERSION=$(VERSION) -t ipsec_trap_exporter:$(VERSION:v%=%) dist/container

# Every benchmark, with allocations; no tests.
bench:
	go test -run '^$$' -bench . -benchmem ./...

storm:
	./scripts/storm.sh
