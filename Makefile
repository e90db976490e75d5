# khuyenhoc - one Makefile for build, run, test and bench.
#
#   make          build build/khuyenhoc
#   make run      build, load units and demo data, serve on http://127.0.0.1:8080
#   make test     build and run every test (unit, integration on SQLite and
#                 PostgreSQL, browser), then again under ASan and UBSan
#   make bench    benchmarks, printed as ratios against references
#   make clean

PKGS     := libmicrohttpd sqlite3 libpq jansson libutf8proc icu-uc icu-i18n libsodium \
	libzip expat xlsxwriter pangocairo cairo-pdf
CC       ?= cc
OPT      ?= -O2
CFLAGS_BASE := -std=c17 -D_GNU_SOURCE -g $(OPT) -Wall -Wextra -Werror \
	-Wmissing-prototypes -Wstrict-prototypes -Wshadow -Wformat=2 \
	-Wno-format-nonliteral -fno-strict-aliasing -pthread -Isrc
SAN_FLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

BUILD    ?= build
EXTRA_CFLAGS ?=
EXTRA_LDFLAGS ?=

SRC      := $(shell find src -name '*.c' | sort)
LIB_SRC  := $(filter-out src/main.c,$(SRC))
MIGRATIONS := $(sort $(wildcard src/db/migrations/*.sql))
STATIC   := $(sort $(wildcard static/*))
TEST_SRC := $(shell find tests/unit -name '*.c' 2>/dev/null | sort)
BENCH_SRC := $(wildcard bench/*.c)

all: $(BUILD)/khuyenhoc $(BUILD)/locale/C.UTF-8/LC_MESSAGES/khuyenhoc.mo

deps: $(BUILD)/.deps-ok
$(BUILD)/.deps-ok: deps/debian.txt scripts/ensure-deps.sh
	@scripts/ensure-deps.sh
	@mkdir -p $(BUILD) && touch $@

# pkg-config runs only after the packages are there.
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null)
CFLAGS   = $(CFLAGS_BASE) $(PKG_CFLAGS) $(EXTRA_CFLAGS)
LDLIBS   = $(PKG_LIBS) -lm $(EXTRA_LDFLAGS)

OBJ      := $(patsubst src/%.c,$(BUILD)/obj/%.o,$(LIB_SRC)) \
	$(BUILD)/obj/gen/migrations.o $(BUILD)/obj/gen/static.o
DEPFILES := $(OBJ:.o=.d) $(BUILD)/obj/main.d \
	$(patsubst tests/%.c,$(BUILD)/obj/tests/%.d,$(TEST_SRC))

$(BUILD)/obj/%.o: src/%.c | $(BUILD)/.deps-ok
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/gen/migrations.c: $(MIGRATIONS) scripts/embed.sh
	@mkdir -p $(dir $@)
	scripts/embed.sh migrations $@ $(MIGRATIONS)

$(BUILD)/gen/static.c: $(STATIC) scripts/embed.sh
	@mkdir -p $(dir $@)
	scripts/embed.sh static $@ $(STATIC)

$(BUILD)/obj/gen/%.o: $(BUILD)/gen/%.c | $(BUILD)/.deps-ok
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Wno-missing-prototypes -c $< -o $@

$(BUILD)/libkhuyenhoc.a: $(OBJ)
	rm -f $@
	ar rcs $@ $^

$(BUILD)/khuyenhoc: $(BUILD)/obj/main.o $(BUILD)/libkhuyenhoc.a
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)

# Translations: po/vi.po -> the catalogue the server reads (see core/i18n.c).
$(BUILD)/locale/C.UTF-8/LC_MESSAGES/khuyenhoc.mo: po/vi.po | $(BUILD)/.deps-ok
	@mkdir -p $(dir $@)
	msgfmt --check -o $@ $<

# Refresh the template and merge it into vi.po after changing messages.
po-update:
	xgettext --from-code=UTF-8 --language=C --keyword=N_ --keyword=tr:2 --add-comments=TRANSLATORS --no-location --sort-output -o po/khuyenhoc.pot $(SRC)
	msgmerge --update --no-fuzzy-matching --backup=none po/vi.po po/khuyenhoc.pot

# Unit tests: one Criterion binary over the library.
$(BUILD)/unit-tests: $(patsubst tests/%.c,$(BUILD)/obj/tests/%.o,$(TEST_SRC)) $(BUILD)/libkhuyenhoc.a
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS) -lcriterion

$(BUILD)/obj/tests/%.o: tests/%.c | $(BUILD)/.deps-ok
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Wno-missing-prototypes -MMD -MP -c $< -o $@

$(BUILD)/bench-core: $(patsubst bench/%.c,$(BUILD)/obj/bench/%.o,$(BENCH_SRC)) $(BUILD)/libkhuyenhoc.a
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/obj/bench/%.o: bench/%.c | $(BUILD)/.deps-ok
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Wno-missing-prototypes -c $< -o $@

build-tests: all $(BUILD)/unit-tests

node_modules/.package-lock.json: package.json package-lock.json | $(BUILD)/.deps-ok
	npm ci --no-audit --no-fund --loglevel=error

asan:
	$(MAKE) BUILD=build/asan OPT=-O1 EXTRA_CFLAGS="$(SAN_FLAGS)" EXTRA_LDFLAGS="$(SAN_FLAGS)" build-tests

run: all
	@mkdir -p var
	$(BUILD)/khuyenhoc demo
	$(BUILD)/khuyenhoc serve

test: build-tests asan node_modules/.package-lock.json
	tests/run.sh

bench: all $(BUILD)/bench-core
	bench/run.sh

clean:
	rm -rf build

.PHONY: all deps run test bench clean asan build-tests po-update
-include $(DEPFILES)
