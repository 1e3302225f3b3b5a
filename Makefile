# empact: build, run and test. `make run` and `make test` are the two commands of the README;
# both install what is missing first (scripts/deps.sh).
#
#   make            build build/empact
#   make run        deps, build, create the demo database if there is none, serve it on 127.0.0.1:8080
#   make test       deps, build, run every test; SANITIZE=1 for an ASan+UBSan build
#   make fuzz       build the libFuzzer targets and run each for FUZZ_SECONDS
#   make bench      run the benchmarks in bench/
#   make format     clang-format every source file

SANITIZE ?= 0
CC ?= cc
ifeq ($(CC),cc)
CC := gcc
endif

ifeq ($(SANITIZE),1)
BUILD ?= build/san
else
BUILD ?= build
endif

PKGS := sqlite3 jansson inih libsodium libmicrohttpd liboath libqrencode libcmark \
	pangocairo cairo-pdf fontconfig libzip xlsxwriter
# Library headers are system headers: their own warnings are not ours to fix.
PKG_CFLAGS = $(patsubst -I%,-isystem %,$(shell pkg-config --cflags $(PKGS) 2>/dev/null))
PKG_LIBS = $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lm

WARN := -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
	-Wformat=2 -Wvla -Werror
CFLAGS_BASE := -std=c11 -D_DEFAULT_SOURCE -D_POSIX_C_SOURCE=200809L $(WARN) -g \
	-fstack-protector-strong -fPIE -Isrc -I$(BUILD)/gen
ifeq ($(SANITIZE),1)
CFLAGS_MODE := -O1 -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
LDFLAGS_MODE := -fsanitize=address,undefined
else
CFLAGS_MODE := -O2 -D_FORTIFY_SOURCE=2
LDFLAGS_MODE :=
endif
ALL_CFLAGS = $(CFLAGS_BASE) $(CFLAGS_MODE) $(PKG_CFLAGS) $(CFLAGS)
ALL_LDFLAGS = -pie -Wl,-z,relro,-z,now $(LDFLAGS_MODE) $(LDFLAGS)

LIB_SRC := $(sort $(wildcard src/*/*.c))
LIB_OBJ := $(LIB_SRC:src/%.c=$(BUILD)/obj/%.o) $(BUILD)/obj/gen/embedded.o
EMBED_FILES := $(sort $(wildcard migrations/*.sql)) $(sort $(wildcard data/*.json)) \
	$(sort $(wildcard templates/*.html)) $(sort $(wildcard static/*))

TEST_SRC := $(sort $(wildcard tests/unit/test_*.c))
TEST_BIN := $(TEST_SRC:tests/unit/%.c=$(BUILD)/tests/%)

FUZZ_SRC := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BIN := $(FUZZ_SRC:tests/fuzz/%.c=build/fuzz/%)
FUZZ_SECONDS ?= 60

.PHONY: all deps run test test-only fuzz fuzz-build fuzz-regress bench format clean
all: $(BUILD)/empact

deps:
	@scripts/deps.sh

$(BUILD)/tools/embed: tools/embed.c
	@mkdir -p $(dir $@)
	$(CC) -std=c11 -O1 -Wall -Wextra -Werror -o $@ $<

# docs/access.md is generated from the permission table; a unit test fails when it is stale.
$(BUILD)/tools/access_doc: tools/access_doc.c $(BUILD)/libempact.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(BUILD)/libempact.a $(PKG_LIBS)

docs/access.md: $(BUILD)/tools/access_doc
	$< > $@

$(BUILD)/gen/embedded.c: $(BUILD)/tools/embed $(EMBED_FILES)
	@mkdir -p $(dir $@)
	$(BUILD)/tools/embed $@ $(EMBED_FILES)

$(BUILD)/obj/gen/embedded.o: $(BUILD)/gen/embedded.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/obj/%.o: src/%.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/libempact.a: $(filter-out $(BUILD)/obj/main.o,$(LIB_OBJ))
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/empact: $(BUILD)/obj/main.o $(BUILD)/libempact.a
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS)

$(BUILD)/tests/%: tests/unit/%.c tests/unit/testutil.h $(BUILD)/libempact.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Itests/unit $(ALL_LDFLAGS) -o $@ $< $(BUILD)/libempact.a $(PKG_LIBS) -lcmocka

# The whole suite: unit tests (cmocka, TAP output) and command-line tests, summed up by
# tests/run.sh, whose last line is "N passed, N failed".
test: deps
	@$(MAKE) --no-print-directory all tests-build fuzz-build
	@EMPACT_FUZZ_BINS="$(FUZZ_BIN)" tests/run.sh $(BUILD)

tests-build: $(TEST_BIN) $(BUILD)/empact

test-only: tests-build
	@tests/run.sh $(BUILD)

run: deps all
	@test -f empact.db || $(BUILD)/empact --db empact.db init --demo
	$(BUILD)/empact --db empact.db serve

# libFuzzer targets need clang; they link the library sources built again with coverage.
FUZZ_CFLAGS := -std=c11 -D_DEFAULT_SOURCE -D_POSIX_C_SOURCE=200809L -g -O1 -Isrc -Ibuild/fuzz/gen \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
FUZZ_LIB_SRC := $(filter-out src/main.c,$(LIB_SRC))

build/fuzz/gen/embedded.c: $(BUILD)/tools/embed $(EMBED_FILES)
	@mkdir -p $(dir $@)
	$(BUILD)/tools/embed $@ $(EMBED_FILES)

build/fuzz/%: tests/fuzz/%.c $(FUZZ_LIB_SRC) build/fuzz/gen/embedded.c
	@mkdir -p $(dir $@)
	clang $(FUZZ_CFLAGS) $(PKG_CFLAGS) -o $@ $< $(FUZZ_LIB_SRC) build/fuzz/gen/embedded.c $(PKG_LIBS)

fuzz-build: $(FUZZ_BIN)

# Replays each target's seed corpus once: part of `make test`.
fuzz-regress: fuzz-build
	@tests/fuzz/run.sh regress $(FUZZ_BIN)

fuzz: deps fuzz-build
	@tests/fuzz/run.sh fuzz $(FUZZ_SECONDS) $(FUZZ_BIN)

bench: deps all
	@bench/run.sh
	@bench/http.sh
	@bench/audit.sh
	@bench/monitor.sh
	@bench/docs.sh
	@bench/pages.sh

format:
	clang-format -i $(LIB_SRC) src/*/*.h $(TEST_SRC) $(FUZZ_SRC) tools/*.c

clean:
	rm -rf build

-include $(LIB_OBJ:.o=.d)
