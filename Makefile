# cov: one Makefile for the whole suite.  See README.md.
#
#   make            build everything (installs missing Debian packages first)
#   make check      build and run every test (unit, end-to-end, conformance)
#   make asan       the same tests under AddressSanitizer + UBSan
#   make bench      throughput and memory against peer tools
#   make fuzz       libFuzzer targets (FUZZ_SECONDS each)
#   make demo       run the pipeline on the bundled sample
#   make install    binaries and man pages under $(DESTDIR)$(PREFIX)

VERSION    := 0.1.0
PREFIX     ?= /usr/local
BINDIR     ?= $(PREFIX)/bin
MANDIR     ?= $(PREFIX)/share/man
CC         ?= cc
CFLAGS     ?= -O2 -g -Wall -Wextra -std=c11
BUILD      ?= build
PKGS       := libutf8proc libxxhash zlib libpsl
PKG_CFLAGS  = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS    = $(shell pkg-config --libs $(PKGS) 2>/dev/null || echo -lutf8proc -lxxhash -lz -lpsl)
CPPFLAGS   += -D_GNU_SOURCE -DCOV_VERSION='"$(VERSION)"' -Ilib -I$(BUILD)/gen $(PKG_CFLAGS)
LDLIBS     += -lcsv $(PKG_LIBS) -lm -pthread
FUZZ_SECONDS ?= 60

DEB_PKGS   := build-essential pkg-config libcsv-dev libxxhash-dev zlib1g-dev \
              libcriterion-dev libpsl-dev publicsuffix libutf8proc-dev jq
DEB_BENCH  := miller csvkit time
DEB_FUZZ   := clang libclang-rt-14-dev

LIB_SRC    := $(sort $(wildcard lib/*.c))
LIB_OBJ    := $(LIB_SRC:lib/%.c=$(BUILD)/lib/%.o)
LIBCOV     := $(BUILD)/libcov.a
CMD_SRC    := $(sort $(wildcard cmd/cov-*.c))
TOOLS      := $(CMD_SRC:cmd/%.c=%)
BINS       := $(TOOLS:%=$(BUILD)/bin/%)
UNIT_SRC   := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BINS  := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
GEN_BIN    := $(BUILD)/bin/cov-gen
HELPERS    := $(GEN_BIN) $(BUILD)/bin/libcsv-parse
EMBED_SRC  := $(sort $(wildcard data/*.embed))
EMBED_H    := $(EMBED_SRC:data/%.embed=$(BUILD)/gen/%.h)
MANS       := $(sort $(wildcard man/*.1 man/*.7))

# generated headers are kept, so a rebuild does not recompile everything
.SECONDARY: $(EMBED_H)

.PHONY: all check unit e2e conformance asan tsan bench fuzz demo deps deps-bench \
        deps-fuzz install uninstall clean update-data lint-man format \
        format-check

all: deps $(BINS) $(HELPERS)

# ---- dependencies -----------------------------------------------------------
# Installs with apt-get only what is missing; says to use sudo when not root.
define apt_install
	@command -v dpkg-query >/dev/null 2>&1 || { echo "deps: not a Debian system; install by hand: $(1)" >&2; exit 0; }; \
	missing=""; for p in $(1); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" != 0 ]; then \
	    echo "deps: missing Debian packages:$$missing" >&2; \
	    echo "deps: run 'sudo make deps' (or: sudo apt-get install$$missing)" >&2; exit 1; \
	  fi; \
	  echo "deps: installing$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing </dev/null; \
	fi
endef

deps:
	$(call apt_install,$(DEB_PKGS))
deps-bench: deps
	$(call apt_install,$(DEB_BENCH))
deps-fuzz: deps
	$(call apt_install,$(DEB_FUZZ))

# ---- build ------------------------------------------------------------------
$(BUILD)/bin/embed: build-aux/embed.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $<

# a manifest's header is rebuilt when any vendored data file changes
DATA_FILES := $(filter-out %.embed %.LICENSE,$(wildcard data/*.* data/*/*.*))
$(BUILD)/gen/%.h: data/%.embed $(DATA_FILES) $(BUILD)/bin/embed
	@mkdir -p $(dir $@)
	$(BUILD)/bin/embed $< $@

$(BUILD)/lib/%.o: lib/%.c $(EMBED_H) | deps
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -MMD -MP -c -o $@ $<

$(LIBCOV): $(LIB_OBJ)
	@rm -f $@
	$(AR) rcs $@ $^

$(BUILD)/bin/%: cmd/%.c $(LIBCOV)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -MMD -MP -o $@ $< $(LIBCOV) $(LDFLAGS) $(LDLIBS)

$(GEN_BIN): tests/gen/cov-gen.c $(LIBCOV)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -MMD -MP -o $@ $< $(LIBCOV) $(LDFLAGS) $(LDLIBS)

$(BUILD)/bin/libcsv-parse: tests/bench/libcsv-parse.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -o $@ $< -lcsv

$(BUILD)/tests/%: tests/unit/%.c $(LIBCOV)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -MMD -MP -o $@ $< $(LIBCOV) $(LDFLAGS) -lcriterion $(LDLIBS)

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)

# ---- tests ------------------------------------------------------------------
check: all $(UNIT_BINS)
	@$(MAKE) --no-print-directory unit e2e conformance

unit: $(UNIT_BINS)
	@fail=0; for t in $(UNIT_BINS); do \
	  COV_SHARED=$(CURDIR)/../shared COV_BIN=$(CURDIR)/$(BUILD)/bin \
	    ./$$t --jobs=2 || fail=1; done; exit $$fail

e2e: all
	@COV_BIN=$(CURDIR)/$(BUILD)/bin sh tests/e2e/run.sh

conformance: all
	@COV_BIN=$(CURDIR)/$(BUILD)/bin sh tests/conformance/run.sh

# Sanitizers: a separate build tree, the same tests.
# A sanitizer report exits 86, which no tool uses, so the runners (which
# accept a tool's own exit 1 on bad input) still see it as a failure.
asan: export ASAN_OPTIONS = exitcode=86:detect_leaks=1:abort_on_error=0
asan: export UBSAN_OPTIONS = halt_on_error=1:exitcode=86:print_stacktrace=1
asan:
	@$(MAKE) --no-print-directory BUILD=build-asan \
	  CFLAGS='-O1 -g -Wall -Wextra -std=c11 -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all' \
	  LDFLAGS='-fsanitize=address,undefined' check

# The reading thread (STREAM_PREFETCH) under ThreadSanitizer: the tools'
# end-to-end tests, which include tests/e2e/prefetch.sh.
tsan: export TSAN_OPTIONS = exitcode=86:halt_on_error=1
tsan:
	@$(MAKE) --no-print-directory BUILD=build-tsan \
	  CFLAGS='-O1 -g -Wall -Wextra -std=c11 -fsanitize=thread' \
	  LDFLAGS='-fsanitize=thread' e2e

# ---- fuzzing ----------------------------------------------------------------
# One target per tests/fuzz/fuzz_*.c, each on all of lib/: fuzz_csv and
# fuzz_ndjson (the readers), fuzz_csvscan (cov-dedupe's chunked scan),
# fuzz_email (address syntax and keys), fuzz_normalize (cov-normalize's
# header mapping and value rules, with the books checked).  The seeds in
# tests/fuzz/seeds are shared; all but fuzz_email read their first bytes as
# options.
FUZZ_SRC := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BIN := $(FUZZ_SRC:tests/fuzz/%.c=build-fuzz/%)
build-fuzz/%: tests/fuzz/%.c $(LIB_SRC) $(EMBED_H) | deps-fuzz
	@mkdir -p $(dir $@)
	clang $(CPPFLAGS) -g -O1 -fsanitize=fuzzer,address,undefined \
	  -fno-sanitize-recover=undefined -o $@ $< $(LIB_SRC) $(LDLIBS)
fuzz: $(FUZZ_BIN)
	@for f in $(FUZZ_BIN); do \
	  mkdir -p build-fuzz/corpus-$$(basename $$f); \
	  echo "fuzz: $$f for $(FUZZ_SECONDS) s"; \
	  ./$$f -max_total_time=$(FUZZ_SECONDS) -max_len=4096 build-fuzz/corpus-$$(basename $$f) tests/fuzz/seeds || exit 1; \
	done

# ---- benchmarks, demo -------------------------------------------------------
bench: all deps-bench
	@COV_BIN=$(CURDIR)/$(BUILD)/bin sh tests/bench/run.sh

demo: all
	@COV_BIN=$(CURDIR)/$(BUILD)/bin sh pipelines/demo.sh

# ---- data vendored from package registries -----------------------------------
update-data:
	sh build-aux/update-data.sh

# ---- install ----------------------------------------------------------------
install: $(BINS)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man7
	install -m 755 $(BINS) $(DESTDIR)$(BINDIR)
	install -m 644 $(filter %.1,$(MANS)) $(DESTDIR)$(MANDIR)/man1
	install -m 644 $(filter %.7,$(MANS)) $(DESTDIR)$(MANDIR)/man7

uninstall:
	rm -f $(TOOLS:%=$(DESTDIR)$(BINDIR)/%)
	rm -f $(patsubst man/%,$(DESTDIR)$(MANDIR)/man1/%,$(filter %.1,$(MANS)))
	rm -f $(patsubst man/%,$(DESTDIR)$(MANDIR)/man7/%,$(filter %.7,$(MANS)))

lint-man:
	@for m in $(MANS); do mandoc -Tlint -W warning $$m || exit 1; done

# the C sources as .clang-format lays them out (hand-laid tables are
# marked clang-format off); format-check changes nothing and fails on any
# difference
C_FILES = $(shell git ls-files '*.c' '*.h' 2>/dev/null || \
	    find lib cmd tests build-aux -name '*.[ch]')
format:
	clang-format -i $(C_FILES)
format-check:
	@command -v clang-format >/dev/null || \
	  { echo "format-check: clang-format is not installed (apt-get install clang-format)" >&2; exit 2; }
	clang-format --dry-run --Werror $(C_FILES)

clean:
	rm -rf build build-asan build-tsan build-fuzz
