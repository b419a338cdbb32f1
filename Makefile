# parley - Makefile.  `make run` and `make test` install what is missing first.
#
#   make run      deps, build, start a two-node demo on loopback (Ctrl-C stops)
#   make test     deps, build, lint (banned calls, layer order), unit +
#                 end-to-end tests, the duty console in headless Chromium,
#                 ASan/UBSan run of unit + end-to-end, cppcheck, and a short
#                 run of every fuzz target
#   make lint     scripts/check-banned.sh, scripts/check-layers.sh and their
#                 self-test
#   make bench    deps, build, print the benchmark tables
#   make install  PREFIX=/usr/local (DESTDIR honoured)

PREFIX ?= /usr/local
BUILD ?= build
CC ?= cc
CFLAGS ?= -O2 -g
SAN ?=
PYTHON ?= /usr/bin/python3

PKGS = libsodium libssl libcrypto libevent libevent_openssl sqlite3 jansson gpgme
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS))
PKG_LIBS = $(shell pkg-config --libs $(PKGS))
WARN = -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
	-Wformat=2 -Wvla -Wpointer-arith -Wno-format-nonliteral
# Hardening: stack canaries, position-independent executables (ASLR for
# the code too), and a read-only GOT bound at start-up (full RELRO).
# _FORTIFY_SOURCE needs optimisation and is left out of sanitizer builds
# (SAN set): ASan intercepts the same calls and reports more precisely.
FORTIFY = $(if $(SAN),,$(if $(filter-out -O0,$(filter -O%,$(CFLAGS))),\
	-U_FORTIFY_SOURCE -D_FORTIFY_SOURCE=2))
HARDEN_CFLAGS = $(FORTIFY) -fstack-protector-strong -fPIE
HARDEN_LDFLAGS = -pie -Wl,-z,relro,-z,now
ALL_CFLAGS = -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE $(WARN) \
	$(HARDEN_CFLAGS) $(CFLAGS) $(SAN) $(PKG_CFLAGS) -Isrc -MMD -MP
ALL_LDFLAGS = $(CFLAGS) $(SAN) $(HARDEN_LDFLAGS) $(LDFLAGS)

# src/ has one folder per layer, lowest first (docs/ARCHITECTURE.md);
# scripts/check-layers.sh holds includes to that order.
LIB_LAYERS = util crypto fmt store node net log link agree desk intel advisory console taxii \
	csafpub api
LIB_SRCS = $(foreach l,$(LIB_LAYERS),$(wildcard src/$(l)/*.c))
CLI_SRCS = $(wildcard src/cli/*.c)
LIB_OBJS = $(LIB_SRCS:src/%.c=$(BUILD)/%.o)
CLI_OBJS = $(CLI_SRCS:src/%.c=$(BUILD)/%.o)
UNIT_SRCS = $(wildcard tests/unit/test_*.c)
UNIT_BINS = $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/%)

.PHONY: all deps deps-test run run-clean test check lint unit e2e browser asan cppcheck fuzz fuzz-smoke \
	bench install clean FORCE

all:
	@scripts/deps.sh build
	@$(MAKE) --no-print-directory programs

programs: $(BUILD)/parleyd $(BUILD)/parley

# $(BUILD)/.flags changes when the compile or link flags do, so that a
# change of flags (hardening, SAN) rebuilds everything built with the old.
$(BUILD)/.flags: FORCE
	@mkdir -p $(@D)
	@echo '$(ALL_CFLAGS) | $(ALL_LDFLAGS)' | cmp -s - $@ || \
		echo '$(ALL_CFLAGS) | $(ALL_LDFLAGS)' > $@

$(BUILD)/%.o: src/%.c $(BUILD)/.flags
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c $< -o $@

$(BUILD)/libparley.a: $(LIB_OBJS)
	rm -f $@
	ar rcs $@ $^

$(BUILD)/parleyd: $(BUILD)/daemon/parleyd.o $(BUILD)/libparley.a
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS)

$(BUILD)/parley: $(CLI_OBJS) $(BUILD)/libparley.a
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS)

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libparley.a $(BUILD)/.flags
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(HARDEN_LDFLAGS) -Wno-missing-prototypes -o $@ $< \
		$(BUILD)/libparley.a $(PKG_LIBS) $(shell pkg-config --libs cmocka)

$(BUILD)/bench_log: bench/bench_log.c $(BUILD)/libparley.a $(BUILD)/.flags
	$(CC) $(ALL_CFLAGS) $(HARDEN_LDFLAGS) -o $@ $< $(BUILD)/libparley.a $(PKG_LIBS)

$(BUILD)/bench_policy: bench/bench_policy.c $(BUILD)/libparley.a $(BUILD)/.flags
	$(CC) $(ALL_CFLAGS) $(HARDEN_LDFLAGS) -o $@ $< $(BUILD)/libparley.a $(PKG_LIBS)

$(BUILD)/bench_desk: bench/bench_desk.c $(BUILD)/libparley.a $(BUILD)/.flags
	$(CC) $(ALL_CFLAGS) $(HARDEN_LDFLAGS) -o $@ $< $(BUILD)/libparley.a $(PKG_LIBS)

$(BUILD)/bench_csaf: bench/bench_csaf.c $(BUILD)/libparley.a $(BUILD)/.flags
	$(CC) $(ALL_CFLAGS) $(HARDEN_LDFLAGS) -o $@ $< $(BUILD)/libparley.a $(PKG_LIBS)

run:
	@scripts/deps.sh build
	@$(MAKE) --no-print-directory programs
	@scripts/demo.sh $(BUILD)

# run-clean: forget the demo nodes that `make run` keeps in run/demo/.
run-clean:
	rm -rf run/demo

test:
	@scripts/deps.sh test
	@$(MAKE) --no-print-directory check

# check: everything `make test` runs, without the dependency step; lint
# first, as it takes a second and the rest take minutes.
check: lint
	@$(MAKE) --no-print-directory programs unit e2e browser asan cppcheck fuzz-smoke
	@echo "make test: all checks passed"

# lint: no banned calls in src/, every include keeps the layer order
# (docs/ARCHITECTURE.md), and both checks still catch what they are for.
lint:
	@scripts/check-banned.sh src
	@scripts/check-layers.sh src
	@scripts/check-layers-test.sh

unit: $(UNIT_BINS)
	@scripts/unit.sh $(UNIT_BINS)

e2e: programs
	PARLEY_BIN=$(abspath $(BUILD)) PARLEY_SAN="$(SAN)" $(PYTHON) -m pytest -q \
		-p no:cacheprovider tests/e2e

# browser: the duty console in headless Chromium (Selenium), with axe-core
# (npm ci into tests/browser on first use); screenshots and axe's findings
# in $PARLEY_ARTEFACTS, by default build/artefacts/.
browser: programs
	PARLEY_BIN=$(abspath $(BUILD)) $(PYTHON) -m pytest -q -p no:cacheprovider tests/browser

asan:
	@$(MAKE) --no-print-directory BUILD=build-asan CFLAGS="-O1 -g -fno-omit-frame-pointer" \
		SAN="-fsanitize=address,undefined -fno-sanitize-recover=all" programs unit e2e

cppcheck:
	cppcheck --quiet --error-exitcode=1 --enable=warning,portability,performance \
		--std=c11 --inline-suppr --suppress=missingIncludeSystem -Isrc src tests/unit fuzz bench

FUZZ_SRCS = $(wildcard fuzz/fuzz_*.c)
FUZZ_BINS = $(FUZZ_SRCS:fuzz/%.c=build-fuzz/%)
# The library is compiled once for every target, instrumented for coverage
# (fuzzer-no-link: no main), and each target links against it.
FUZZ_CFLAGS = -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -g -O1 \
	-Isrc $(PKG_CFLAGS) -MMD -MP
FUZZ_LIB_OBJS = $(LIB_SRCS:src/%.c=build-fuzz/obj/%.o)

build-fuzz/obj/%.o: src/%.c
	@mkdir -p $(@D)
	clang $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link,address,undefined -c $< -o $@

build-fuzz/libparley.a: $(FUZZ_LIB_OBJS)
	rm -f $@
	ar rcs $@ $^

build-fuzz/%: fuzz/%.c build-fuzz/libparley.a
	@mkdir -p $(@D)
	clang $(FUZZ_CFLAGS) -fsanitize=fuzzer,address,undefined \
		-o $@ $< build-fuzz/libparley.a $(PKG_LIBS)

-include $(FUZZ_LIB_OBJS:.o=.d) $(FUZZ_BINS:=.d)

fuzz: $(FUZZ_BINS)

# fuzz-smoke: each target for FUZZ_SECONDS on its seed corpus (10 s each
# keeps make test under CI's 30 minutes with 33 targets; longer runs:
# make fuzz-smoke FUZZ_SECONDS=300).
FUZZ_SECONDS ?= 10
fuzz-smoke: $(FUZZ_BINS)
	@scripts/fuzz-smoke.sh $(FUZZ_SECONDS) $(FUZZ_BINS)

bench:
	@scripts/deps.sh test
	@$(MAKE) --no-print-directory programs $(BUILD)/bench_log $(BUILD)/bench_policy \
		$(BUILD)/bench_desk $(BUILD)/bench_csaf
	@PARLEY_BIN=$(abspath $(BUILD)) $(PYTHON) bench/bench.py
	@PARLEY_BIN=$(abspath $(BUILD)) $(PYTHON) bench/bench_console.py
	@PARLEY_BIN=$(abspath $(BUILD)) $(PYTHON) bench/bench_share.py
	@PARLEY_BIN=$(abspath $(BUILD)) $(PYTHON) bench/bench_csafpub.py
	@PARLEY_BIN=$(abspath $(BUILD)) $(PYTHON) bench/bench_advisory.py

install: all
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 0755 $(BUILD)/parleyd $(BUILD)/parley $(DESTDIR)$(PREFIX)/bin/

clean:
	rm -rf build build-asan build-fuzz

-include $(wildcard $(BUILD)/*/*.d $(BUILD)/tests/*.d)
