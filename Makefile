# SPDX-License-Identifier: Apache-2.0
# trustchain: one small GNU Makefile.
#   make               build libtrustchain.a and the CLI at build/trustchain
#   make check         install missing Debian packages, build, run every test
#   make check SAN=1   the same under AddressSanitizer + UndefinedBehaviorSanitizer (build/san)
#   make demo          install, build, run the main job on embedded defaults
#   make fuzz          build the libFuzzer targets with clang (fuzz/Makefile)
#   make bench         run the benchmarks in bench/

# libcurl, libmicrohttpd, José and SQLite are compiled against but loaded on first use (src/core/lazy.h):
# linking them would add ~4 ms to the start of every process, most of which never need them.
PKGS := openssl jansson
PKGS_DLOPEN := libcurl libmicrohttpd jose sqlite3

ifeq ($(SAN),1)
O ?= build/san
SANFLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
OPT ?= -O1
else
O ?= build
SANFLAGS :=
OPT ?= -O2
endif

CC ?= cc
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) $(PKGS_DLOPEN) 2>/dev/null)
PKG_LIBS = $(shell pkg-config --libs $(PKGS) 2>/dev/null)
WARN := -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wvla -Wno-unused-parameter -Wno-format-truncation
CFLAGS ?= $(OPT) -g
ALL_CFLAGS = -std=c11 -D_DEFAULT_SOURCE -D_POSIX_C_SOURCE=200809L \
	-DOPENSSL_API_COMPAT=30000 -DOPENSSL_NO_DEPRECATED \
	$(WARN) $(CFLAGS) $(SANFLAGS) -Iinclude -Isrc -Itests $(PKG_CFLAGS) -MMD -MP
LDLIBS_ALL = $(PKG_LIBS) -ldl -lpthread -lm
# Tests may also call SQLite directly (e.g. to try to tamper with the audit log).
TEST_LIBS = $(shell pkg-config --libs sqlite3 2>/dev/null)

LIB_SRC := $(sort $(wildcard src/*/*.c src/*/*/*.c))
TOOL_SRC := $(sort $(wildcard tools/trustchain/*.c))
TEST_SRC := $(sort $(wildcard tests/unit/test_*.c))
TSUP_SRC := $(sort $(wildcard tests/support/*.c))
FUZZ_SRC := $(sort $(wildcard fuzz/fuzz_*.c))
BENCH_SRC := $(sort $(wildcard bench/*.c))

LIB_OBJ := $(LIB_SRC:%.c=$(O)/obj/%.o)
TOOL_OBJ := $(TOOL_SRC:%.c=$(O)/obj/%.o)
TSUP_OBJ := $(TSUP_SRC:%.c=$(O)/obj/%.o)
LIB := $(O)/libtrustchain.a
CLI := $(O)/trustchain
TESTS := $(TEST_SRC:tests/unit/%.c=$(O)/tests/%)
REPLAYS := $(FUZZ_SRC:fuzz/fuzz_%.c=$(O)/fuzz/replay_%)
BENCHES := $(BENCH_SRC:bench/%.c=$(O)/bench/%)

.PHONY: all check check-run demo deps fuzz bench clean format
.DEFAULT_GOAL := all
.SECONDARY:

all: $(CLI)

$(O)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c $< -o $@

$(LIB): $(LIB_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@
	ar rcs $@ $^

$(CLI): $(TOOL_OBJ) $(LIB)
	$(CC) $(CFLAGS) $(SANFLAGS) -o $@ $(TOOL_OBJ) $(LIB) $(LDLIBS_ALL)

$(O)/tests/%: $(O)/obj/tests/unit/%.o $(TSUP_OBJ) $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(SANFLAGS) -o $@ $< $(TSUP_OBJ) $(LIB) $(LDLIBS_ALL) $(TEST_LIBS)

$(O)/fuzz/replay_%: $(O)/obj/fuzz/fuzz_%.o $(O)/obj/fuzz/replay.o $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(SANFLAGS) -o $@ $^ $(LDLIBS_ALL)

# In-process benchmarks (bench/<name>.c), linked like the tests.
$(O)/bench/%: $(O)/obj/bench/%.o $(TSUP_OBJ) $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(SANFLAGS) -o $@ $< $(TSUP_OBJ) $(LIB) $(LDLIBS_ALL)

# Build dependencies come from Debian; scripts/deps.sh installs only what is missing.
deps:
	@scripts/deps.sh

check: deps
	@$(MAKE) --no-print-directory check-run

check-run: $(CLI) $(TESTS) $(REPLAYS)
	tests/run $(O)

demo: deps
	@$(MAKE) --no-print-directory $(CLI)
	@scripts/demo.sh $(O)

fuzz:
	@$(MAKE) --no-print-directory -f fuzz/Makefile

bench: $(CLI) $(BENCHES)
	bench/run $(O)

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	rm -rf build

-include $(shell find $(O)/obj -name '*.d' 2>/dev/null)
