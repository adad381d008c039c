# halb: the two commands of the README are `make demo` and `make test`; both
# install what they need first (scripts/setup.sh, idempotent).
ARCH ?= x64
BOARD ?= qemu-x86_64
TEST_TIERS ?= unit binary netns vm
SHELL := /bin/sh

.PHONY: all deps build lint binary binaries firmware firmwares test demo bench clean

all: build

deps:
	@scripts/setup.sh

build: deps
	@rm -rf build/src build/test build/scripts build/bench  # no stale output of deleted sources
	@node_modules/.bin/tsc -p tsconfig.json

lint: build
	@node_modules/.bin/eslint --max-warnings 0 src test scripts bench
	@node_modules/.bin/prettier --check --log-level warn src test scripts bench

binary: deps
	@scripts/build-binary.sh $(ARCH)

binaries: deps
	@scripts/build-binary.sh x64
	@scripts/build-binary.sh arm64

firmware: deps
	@scripts/build-binary.sh $$(node -p "require('./board/$(BOARD)/board.json').arch")
	@firmware/build.sh $(BOARD)

firmwares: binaries
	@firmware/build.sh qemu-x86_64
	@firmware/build.sh qemu-arm64

test: lint binaries firmwares
	@scripts/lab-clean.sh
	@scripts/run-tests.sh $(TEST_TIERS)

demo: build
	@scripts/build-binary.sh x64
	@node build/scripts/demo.js

bench: build firmwares
	@node build/bench/run.js
	@node build/bench/config-parse.js
	@node build/bench/vrrp-failover.js
	@node build/bench/vrrp-scale.js
	@node build/bench/appliance-memory.js
	@node build/bench/appliance-memory-vm.js
	@node build/bench/checkers.js
	@node build/bench/ipvs-program.js

clean:
	rm -rf build dist
