# Builds with the version information that ipsec_trap_exporter --version and
# ipsec_trap_exporter_build_info report; plain `go build .` works too, with
# empty version fields.
VERSION  ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo unknown)
REVISION ?= $(shell git rev-parse HEAD 2>/dev/null || echo unknown)
BRANCH   ?= $(shell git rev-parse --abbrev-ref HEAD 2>/dev/null || echo unknown)
PKG      := github.com/prometheus/common/version
LDFLAGS  := -X $(PKG).Version=$(VERSION) -X $(PKG).Revision=$(REVISION) -X $(PKG).Branch=$(BRANCH) \
            -X $(PKG).BuildUser=$(shell id -un)@$(shell hostname) -X $(PKG).BuildDate=$(shell date -u +%Y%m%d-%H:%M:%S)

.PHONY: build test generate storm
build:
	go build -ldflags "$(LDFLAGS)" -o ipsec_trap_exporter .

test:
	./scripts/test.sh

generate:
	go generate ./alerts ./dashboards

storm:
	./scripts/storm.sh
