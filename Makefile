# The two commands (plus `make build`). All real work is in scripts/ and CMake.
.PHONY: run test build deps clean debs test-packaging

deps:
	@scripts/install-deps.sh

build: deps
	@scripts/build.sh build

run: build
	@scripts/run.sh

test:
	@scripts/install-deps.sh --browser
	@tests/run-all.sh

# The Debian packages (build/debs/; after `build`, so the dashboard is in them), and
# their test on a clean Debian 12 root (lintian, install, users, conffiles, both daemons
# started, purge): a few minutes and the Debian archive, so not part of `make test`.
debs: build
	@scripts/install-deps.sh --packaging
	@packaging/build-debs.sh

test-packaging: build
	@scripts/install-deps.sh --packaging
	@tests/packaging/run.sh

clean:
	rm -rf build build-asan build-fuzz
