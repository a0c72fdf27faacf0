# outpost: GNU make, non-recursive.  `make help` lists the targets.

PREFIX   ?= /usr/local
DESTDIR  ?=
BINDIR   ?= $(PREFIX)/bin
SBINDIR  ?= $(PREFIX)/sbin
MANDIR   ?= $(PREFIX)/share/man
LIBEXECDIR ?= $(PREFIX)/libexec/outpost

CC       ?= cc
BUILD    ?= build
OPT      ?= -O2 -g
UNAME    := $(shell uname -s)

WARN     := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
            -Wpointer-arith -Wformat=2 -Wno-format-nonliteral
CPPFLAGS += -DOOBD_PUSH_HELPER='"$(LIBEXECDIR)/oobd-push"'
CPPFLAGS += -I. -Ilib -Ignss -Imodem -Intp -Iconsole -Iotp -Ipush -Iweb -Istratumd -Ioobd -Isim/common -Isim/gpssim -Isim/modemsim -Isim/routersim
ifeq ($(UNAME),Linux)
PLATFORM := linux
CPPFLAGS += -D_DEFAULT_SOURCE
else ifeq ($(UNAME),FreeBSD)
PLATFORM := freebsd
CPPFLAGS += -I/usr/local/include
LDFLAGS  += -L/usr/local/lib
else
$(error unsupported platform $(UNAME): outpost builds on Linux and FreeBSD)
endif
OTHER_PLATFORMS := linux freebsd
OTHER_PLATFORMS := $(filter-out $(PLATFORM),$(OTHER_PLATFORMS))

# SAN=1: AddressSanitizer + UndefinedBehaviorSanitizer (make check does both).
ifeq ($(SAN),1)
OPT      := -O1 -g -fno-omit-frame-pointer
SANFLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all
endif

# -fno-math-errno: sqrt() becomes the square-root instruction (x86-64
# sqrtsd, armhf vsqrt.f64, aarch64 fsqrt), not a libm call kept only to set
# errno for a negative argument; nothing here reads errno after math.  With
# lib/fpmath.h for the rest, stratumd needs no libm (--as-needed drops it).
FPFLAGS  := -fno-math-errno
ALL_CFLAGS  = -std=c11 $(WARN) $(OPT) $(FPFLAGS) $(SANFLAGS) $(CFLAGS)
ALL_LDFLAGS = -Wl,--as-needed $(SANFLAGS) $(LDFLAGS)
LDLIBS     += -lm
# The one-time codes' HMAC-SHA1 (otp/totp.c) is libcrypto's: in Debian
# (libssl-dev) and FreeBSD's base system.  Only what links totp.o keeps it
# (--as-needed): oobd and outpost, not stratumd.
CRYPTO_LIBS := -lcrypto
LDLIBS     += $(CRYPTO_LIBS)

# libqrencode is optional: `outpost otp init` prints a QR code when it is there.
HAVE_QRENCODE := $(shell printf '\043include <qrencode.h>\n' | $(CC) $(CPPFLAGS) -E -x c - >/dev/null 2>&1 && echo 1)
ifeq ($(HAVE_QRENCODE),1)
CPPFLAGS += -DHAVE_QRENCODE
outpost_LIBS := -lqrencode
endif

# Library code shared by every program: one directory per layer.
CORE_DIRS := lib gnss modem ntp console otp push web
platform_filter = $(filter-out $(foreach p,$(OTHER_PLATFORMS),%_$(p).c),$(1))
CORE_SRC  := $(call platform_filter,$(foreach d,$(CORE_DIRS),$(wildcard $(d)/*.c)))
CORE_OBJ  := $(CORE_SRC:%.c=$(BUILD)/obj/%.o)
CORE_LIB  := $(BUILD)/libcore.a

# Programs: name -> sources.
PROGRAMS        := outpost stratumd oobd oobd-push gpssim modemsim routersim
outpost_SRC     := $(call platform_filter,$(wildcard outpost/*.c))
stratumd_SRC    := $(call platform_filter,$(wildcard stratumd/*.c))
stratumd_MAIN   := stratumd/main.c
oobd_SRC        := $(call platform_filter,$(wildcard oobd/*.c))
oobd_MAIN       := oobd/main.c
# c-ares for the DNS lookups over the cellular link (oobd/dns.c): Debian
# libc-ares-dev, FreeBSD dns/c-ares.
oobd_LIBS       := -lcares
# OOBD_STATIC=1 links oobd as a static PIE (Linux, glibc): its resident set is then only
# the libc code it uses (see bench/activation.bench.sh for the figures), at
# the price of pages no other process shares.  glibc's linker warns that
# getgrnam and getpwuid (console-group, who attached) want its NSS modules
# at run time: its built-in "files" lookup is what an appliance uses.
ifeq ($(OOBD_STATIC),1)
ifneq ($(SAN),1)
oobd_LDFLAGS    := -static-pie
endif
endif
# oobd's push helper: the only program that links libcurl (see oobd-push/main.c).
oobd-push_SRC   := $(wildcard oobd-push/*.c)
oobd-push_LIBS  := -lcurl
gpssim_SRC      := $(call platform_filter,$(wildcard sim/gpssim/*.c sim/common/*.c))
gpssim_MAIN     := sim/gpssim/gpssim.c
modemsim_SRC    := $(call platform_filter,$(wildcard sim/modemsim/*.c sim/common/*.c))
modemsim_MAIN   := sim/modemsim/modemsim.c
routersim_SRC   := $(call platform_filter,$(wildcard sim/routersim/*.c sim/common/*.c))
routersim_MAIN  := sim/routersim/routersim.c
BINS            := $(PROGRAMS:%=$(BUILD)/bin/%)

# Unit tests: tests/unit/test_<module>.c, each a cmocka program.  A test of
# a program's own module, tests/unit/test_<program>_<module>.c, also links
# that program's objects except the one with main() (<program>_MAIN).
UNIT_SRC  := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
CMOCKA_LIBS := -lcmocka

# Fuzz targets: tests/fuzz/fuzz_<parser>.c, built with clang's libFuzzer.
FUZZ_SRC  := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_CC   ?= clang
FUZZ_BUILD ?= build/fuzz
FUZZ_SECONDS ?= 60
FUZZ_BINS := $(FUZZ_SRC:tests/fuzz/%.c=$(FUZZ_BUILD)/%)
FUZZ_FLAGS := -std=c11 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all

.PHONY: all tests check unit-check demo bench fuzz fuzz-build install clean deps help
.DEFAULT_GOAL := all

all: $(BINS)

help:
	@echo "make            build the programs into $(BUILD)/bin"
	@echo "make check      install test packages if missing, run every test (plain, then ASan+UBSan)"
	@echo "make demo       run the appliances on simulated hardware (DEMO_SECONDS=N to stop after N s)"
	@echo "make bench      run the benchmarks under bench/"
	@echo "make fuzz       run every libFuzzer target for FUZZ_SECONDS (default 60) each"
	@echo "make install    install into DESTDIR/PREFIX (default /usr/local)"

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

$(CORE_LIB): $(CORE_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@
	$(AR) rcs $@ $^

define program_rule
$(BUILD)/bin/$(1): $$($(1)_SRC:%.c=$(BUILD)/obj/%.o) $(CORE_LIB)
	@mkdir -p $$(dir $$@)
	$$(CC) $$(ALL_LDFLAGS) $$($(1)_LDFLAGS) -o $$@ $$^ $$($(1)_LIBS) $$(LDLIBS)
endef
$(foreach p,$(PROGRAMS),$(eval $(call program_rule,$(p))))

$(BUILD)/tests/%: $(BUILD)/obj/tests/unit/%.o $(CORE_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(CMOCKA_LIBS) $(LDLIBS)

# A program's objects but its main, as an archive: a test pulls in only
# the modules it uses.
define program_tests_rule
$(BUILD)/lib$(1).a: $$(filter-out $$($(1)_MAIN:%.c=$(BUILD)/obj/%.o),$$($(1)_SRC:%.c=$(BUILD)/obj/%.o))
	@mkdir -p $$(dir $$@)
	rm -f $$@
	$$(AR) rcs $$@ $$^

$(BUILD)/tests/test_$(1)_%: $(BUILD)/obj/tests/unit/test_$(1)_%.o $(BUILD)/lib$(1).a $(CORE_LIB)
	@mkdir -p $$(dir $$@)
	$$(CC) $$(ALL_LDFLAGS) -o $$@ $$^ $$(CMOCKA_LIBS) $$($(1)_LIBS) $$(LDLIBS)
endef
$(foreach p,stratumd oobd gpssim modemsim routersim,$(eval $(call program_tests_rule,$(p))))

tests: $(BINS) $(UNIT_BINS)

deps:
	@sh scripts/deps.sh check

# The whole suite twice: plain build, then ASan+UBSan; one summary line.
check: deps
	@$(MAKE) --no-print-directory tests fuzz-build
	@$(MAKE) --no-print-directory BUILD=build/san SAN=1 tests
	@tests/run build build/san

unit-check: tests
	@tests/run --unit-only $(BUILD)

# The library and the daemons' parsers are compiled once for all fuzz
# targets (instrumented; libFuzzer's main comes in at link time), into an
# archive so that each target pulls in only what it uses.
FUZZ_LIB_SRC := $(CORE_SRC) $(filter-out $(oobd_MAIN),$(oobd_SRC))
FUZZ_OBJ := $(FUZZ_LIB_SRC:%.c=$(FUZZ_BUILD)/obj/%.o)
$(FUZZ_BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(CPPFLAGS) $(FUZZ_FLAGS) -MMD -MP -c -o $@ $<

$(FUZZ_BUILD)/libfuzz.a: $(FUZZ_OBJ)
	rm -f $@
	$(AR) rcs $@ $^

$(FUZZ_BUILD)/%: tests/fuzz/%.c $(FUZZ_BUILD)/libfuzz.a
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(CPPFLAGS) $(FUZZ_FLAGS) -o $@ $^ -lm $(CRYPTO_LIBS)

fuzz-build: $(FUZZ_BINS)

fuzz: deps fuzz-build
	@sh tests/fuzz/run.sh $(FUZZ_SECONDS) $(FUZZ_BINS)

demo:
	@sh scripts/deps.sh demo
	@$(MAKE) --no-print-directory all
	@sh scripts/demo.sh $(BUILD)/bin

# The activation bench also measures oobd linked static, beside the default.
bench:
	@sh scripts/deps.sh bench
	@$(MAKE) --no-print-directory all
ifeq ($(PLATFORM),linux)
	@$(MAKE) --no-print-directory BUILD=build/static OOBD_STATIC=1 build/static/bin/oobd
	@OOBD_STATIC_BIN=build/static/bin/oobd sh bench/run.sh $(BUILD)/bin
else
	@sh bench/run.sh $(BUILD)/bin
endif

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(SBINDIR) $(DESTDIR)$(LIBEXECDIR) \
	    $(DESTDIR)$(MANDIR)/man1 \
	    $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man8
	install -m 755 $(BUILD)/bin/outpost $(DESTDIR)$(BINDIR)/outpost
	install -m 755 $(BUILD)/bin/stratumd $(DESTDIR)$(SBINDIR)/stratumd
	install -m 755 $(BUILD)/bin/oobd $(DESTDIR)$(SBINDIR)/oobd
	install -m 755 $(BUILD)/bin/oobd-push $(DESTDIR)$(LIBEXECDIR)/oobd-push
	install -m 644 doc/outpost.1 $(DESTDIR)$(MANDIR)/man1/outpost.1
	install -m 644 doc/stratumd.conf.5 $(DESTDIR)$(MANDIR)/man5/stratumd.conf.5
	install -m 644 doc/stratumd.8 $(DESTDIR)$(MANDIR)/man8/stratumd.8
	install -m 644 doc/oobd.conf.5 $(DESTDIR)$(MANDIR)/man5/oobd.conf.5
	install -m 644 doc/oobd.8 $(DESTDIR)$(MANDIR)/man8/oobd.8
	install -m 644 doc/oobd-push.8 $(DESTDIR)$(MANDIR)/man8/oobd-push.8

clean:
	rm -rf build

-include $(shell find $(BUILD)/obj $(FUZZ_BUILD)/obj -name '*.d' 2>/dev/null)
