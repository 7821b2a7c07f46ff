# The two commands (plus `make build`). All real work is in scripts/ and CMake.
.PHONY: run test build deps clean

deps:
	@scripts/install-deps.sh

build: deps
	@scripts/build.sh build

run: build
	@scripts/run.sh

test: deps
	@tests/run-all.sh

clean:
	rm -rf build build-asan build-fuzz
