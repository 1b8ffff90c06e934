# Release builds of aslrun: static binaries for six platforms, and a container image.
#
#   make build    ./aslrun for this machine
#   make dist     dist/aslrun_OS_ARCH[.exe] for linux, darwin and windows on amd64 and arm64, and SHA256SUMS
#   make image    the container image aslrun:VERSION (Dockerfile)
#   make clean
#
# Version information needs no -ldflags: the go command stamps the version (the tag, or a pseudo-version
# ending +dirty when the tree has changes), the commit and its date into the binary, which aslrun version
# reads. It does so only in a git clone: a linked worktree (its .git is a file) or a source tree without
# .git builds "devel" with no commit (golang/go#58218). -buildvcs=true overrides a GOFLAGS=-buildvcs=false.

GO        ?= go
SHA256SUM ?= sha256sum
IMAGE     ?= aslrun
PLATFORMS := linux/amd64 linux/arm64 darwin/amd64 darwin/arm64 windows/amd64 windows/arm64
# The image's tag: the tag of HEAD, else its short commit, marked -dirty with changes.
VERSION   ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo devel)
# Static (no cgo: the SQLite store is pure Go), reproducible (no local paths), smaller (no symbol tables).
BUILD     := CGO_ENABLED=0 $(GO) build -trimpath -buildvcs=true -ldflags='-s -w'

.PHONY: build dist image clean

build:
	$(BUILD) -o aslrun ./cmd/aslrun

dist:
	rm -rf dist && mkdir -p dist
	@set -e; for p in $(PLATFORMS); do \
		os=$${p%/*}; arch=$${p#*/}; ext=; [ $$os = windows ] && ext=.exe; \
		echo "dist/aslrun_$${os}_$${arch}$$ext"; \
		GOOS=$$os GOARCH=$$arch $(BUILD) -o dist/aslrun_$${os}_$${arch}$$ext ./cmd/aslrun; \
	done
	cd dist && $(SHA256SUM) aslrun_* > SHA256SUMS

image:
	docker build -t $(IMAGE):$(VERSION) -t $(IMAGE):latest .

clean:
	rm -rf dist aslrun
