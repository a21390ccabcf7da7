# stoke — plain GNU Makefile.  `make`, `make test`, `make demo`, `make SANITIZE=1`.
PKGS     := libelf libdw libunwind libunwind-generic libzstd zlib libdeflate
DEB_PKGS := build-essential pkg-config libelf-dev libdw-dev libunwind-dev libzstd-dev zlib1g-dev libdeflate-dev \
            elfutils binutils gawk zstd libxml2-utils graphviz chromium hyperfine clang libclang-rt-14-dev golang-go
# command:package pairs, installed only when the command is missing (a machine
# may already have perf, or a Node.js whose package bundles npm and conflicts
# with Debian's npm).
DEB_CMDS := perf:linux-perf node:nodejs npm:npm

CC      ?= cc
OPT     ?= -O2
CFLAGS  ?= $(OPT) -g
CFLAGS  += -std=gnu11 -Wall -Wextra -Wshadow -Wno-unused-parameter -D_GNU_SOURCE -I. \
           $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LDLIBS  += $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lstdc++ -lpthread -lm

CFLAGS  += $(EXTRA_CFLAGS)

ifeq ($(SANITIZE),1)
BUILD   ?= build-san
CFLAGS  += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
LDFLAGS += -fsanitize=address,undefined
else
BUILD   ?= build
endif

ifneq ($(V),1)
Q  := @
QCC = @printf '  CC      %s\n' $<;
QLD = @printf '  LD      %s\n' $@;
endif

LIB_SRCS  := $(sort $(wildcard common/*.c profiler/*.c symbolize/*.c report/*.c))
CLI_SRCS  := $(sort $(wildcard cli/*.c))
TEST_SRCS := $(sort $(wildcard tests/unit/test_*.c))

LIB_OBJS  := $(LIB_SRCS:%.c=$(BUILD)/%.o)
CLI_OBJS  := $(CLI_SRCS:%.c=$(BUILD)/%.o)
TEST_BINS := $(TEST_SRCS:tests/unit/%.c=$(BUILD)/tests/%)
STOKE     := $(BUILD)/stoke

all: $(STOKE) stoke

stoke: $(STOKE)
	$(Q)ln -sf $(STOKE) stoke

$(STOKE): $(CLI_OBJS) $(BUILD)/libstoke.a
	$(QLD)$(CC) $(LDFLAGS) -o $@ $(CLI_OBJS) $(BUILD)/libstoke.a $(LDLIBS)

$(BUILD)/libstoke.a: $(LIB_OBJS)
	$(Q)rm -f $@ && ar rcs $@ $^

$(BUILD)/%.o: %.c
	$(Q)mkdir -p $(dir $@)
	$(QCC)$(CC) $(CFLAGS) -MMD -MP -c -o $@ $<

# The flame graph's script is kept as plain JavaScript and embedded as a C string.
$(BUILD)/gen/flamegraph_js.h: report/flamegraph.js
	$(Q)mkdir -p $(dir $@)
	$(Q)printf '  GEN     %s\n' $@
	$(Q){ echo '/* generated from report/flamegraph.js; do not edit */'; \
	  echo 'static const char flamegraph_js[] ='; \
	  sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/"/' -e 's/$$/\\n"/' $<; \
	  echo ';'; } >$@

$(BUILD)/report/flamegraph.o: $(BUILD)/gen/flamegraph_js.h
$(BUILD)/report/flamegraph.o: CFLAGS += -I$(BUILD)

$(BUILD)/tests/%: $(BUILD)/tests/unit/%.o $(BUILD)/libstoke.a
	$(QLD)$(CC) $(LDFLAGS) -o $@ $< $(BUILD)/libstoke.a $(LDLIBS)

tests: $(STOKE) $(TEST_BINS)

# Runs every unit test binary and every end-to-end script; ends with "N passed, N failed".
# Like demo, it first installs what is missing (deps), so it works first on a fresh
# machine; the build runs in a second make so it starts only after deps has finished
# (also under -j) and sees the libraries deps has just installed.
test: deps
	$(Q)$(MAKE) --no-print-directory deps-check tests
	$(Q)STOKE=$(abspath $(STOKE)) BUILD=$(abspath $(BUILD)) tests/run.sh

demo: deps $(STOKE) stoke
	$(Q)tests/demo.sh $(abspath $(STOKE))

deps:
	$(Q)missing=""; for p in $(DEB_PKGS); do \
	  dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'ok installed' || missing="$$missing $$p"; \
	done; \
	for cp in $(DEB_CMDS); do \
	  command -v $${cp%%:*} >/dev/null 2>&1 || missing="$$missing $${cp#*:}"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  SUDO=; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi

deps-check:
	$(Q)pkg-config --exists $(PKGS) || { echo "stoke: missing libraries; run 'make deps'"; exit 1; }

fuzz:
	$(Q)tests/fuzz.sh

# The manual pages, written from each command's option table (tests/e2e/help.sh checks them).
man: $(STOKE)
	$(Q)docs/man/generate.sh $(STOKE)

clean:
	rm -rf build build-san build-fuzz stoke

.PHONY: all stoke tests test demo deps deps-check fuzz man clean
.DELETE_ON_ERROR:
.SECONDARY:

-include $(LIB_OBJS:.o=.d) $(CLI_OBJS:.o=.d) $(TEST_BINS:$(BUILD)/tests/%=$(BUILD)/tests/unit/%.d)
