# SPDX-License-Identifier: GPL-2.0
# kesp: build the module and the userspace tools, install them, and run the
# checks. `make check` and `make bench` install their own dependencies.

VERSION := $(shell cat VERSION)
# The kernel the VM tests boot (a Debian kernel from linux-image-amd64).
GUEST_KVER = $(shell scripts/guest-kver)
# Build for the running kernel when its headers exist (a real gateway),
# otherwise for the kernel the tests boot.
KDIR ?= $(or $(wildcard /lib/modules/$(shell uname -r)/build),/lib/modules/$(GUEST_KVER)/build)
KSRC_TOOLS := .cache/linux-source-6.1

# make install: PREFIX, DESTDIR and the directories below may be set.
PREFIX ?= /usr/local
SBINDIR ?= $(PREFIX)/sbin
MANDIR ?= $(PREFIX)/share/man
DOCDIR ?= $(PREFIX)/share/doc/kesp
# systemd reads units from /usr/local/lib/systemd/system as from /lib/...
UNITDIR ?= $(PREFIX)/lib/systemd/system
MODULESLOADDIR ?= /etc/modules-load.d
SYSCONFDIR ?= /etc

B := build
NL_CFLAGS = $(shell pkg-config --cflags libnl-genl-3.0)
NL_LIBS = $(shell pkg-config --libs libnl-genl-3.0)
USER_CFLAGS := -std=c11 -D_GNU_SOURCE -O2 -g -Wall -Wextra -Werror \
	-Iuapi -DKESP_VERSION='"$(VERSION)"'
# kselftest_harness.h ends each test's child with _exit(), which skips
# LeakSanitizer: make it exit() so that a leak fails the test.
SAN_CFLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer \
	-fno-sanitize-recover=all -D_exit=exit

COMMON_SRC := $(wildcard ikeuser/common/*.c)
KESPCTL_SRC := $(wildcard ikeuser/kespctl/*.c)
# kesp-iked: the unit tests link its parts (everything but main.c).
IKED_SRC := $(wildcard ikeuser/iked/*.c ikeuser/iked/*/*.c ikeuser/iked/*/*/*.c)
USER_HDR := $(wildcard ikeuser/*/*.h ikeuser/*/*/*.h ikeuser/*/*/*/*.h) uapi/linux/kesp.h
KMOD_SRC = $(filter-out %.mod.c,$(wildcard kmod/*.c kmod/*.h))
UNIT_SRC := $(wildcard selftests/unit/test_*.c)
UNIT_BIN := $(patsubst selftests/unit/%.c,$(B)/unit/%,$(UNIT_SRC))
KTEST_SRC := $(wildcard selftests/kernel/test_*.c)
KTEST_BIN := $(patsubst selftests/kernel/%.c,$(B)/ktest/%,$(KTEST_SRC))
HARNESS_CFLAGS = -std=gnu11 -isystem $(KSRC_TOOLS)/tools/testing/selftests \
	-Iikeuser

.PHONY: all kmod user install install-kmod install-user uninstall deps deps-tools check check-debug \
	unit ktest style sparse deb demo bench fuzz fuzz-ikev2 fuzz-ikev1 fuzz-cert nlfuzz \
	clean

all: kmod user

kmod:
	$(MAKE) -C $(KDIR) M=$(CURDIR) W=1 modules

user: $(B)/kespctl $(B)/kesp-iked

# Each source is compiled once per flavour into build/obj/FLAVOUR/ and
# archived per component; programs, unit tests, guest C tests and fuzz
# targets link the archives, so no test binary recompiles the daemon.
#   plain: the programs and the guest C tests
#   san:   ASan/UBSan/LSan, for the host unit tests
#   fuzz:  clang with libFuzzer instrumentation, for the fuzz targets
FLAVOUR_CFLAGS_plain := $(USER_CFLAGS) -Iikeuser
FLAVOUR_CFLAGS_san := $(USER_CFLAGS) -Iikeuser $(SAN_CFLAGS)
FLAVOUR_CFLAGS_fuzz := -g -O1 -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror \
	-Iuapi -Iikeuser -DKESP_VERSION='"$(VERSION)"' \
	-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all
FLAVOUR_CC_plain = $(CC)
FLAVOUR_CC_san = $(CC)
FLAVOUR_CC_fuzz = clang

define flavour_rules
$(B)/obj/$(1)/%.o: %.c VERSION
	@mkdir -p $$(@D)
	$$(FLAVOUR_CC_$(1)) $$(FLAVOUR_CFLAGS_$(1)) $$(NL_CFLAGS) -MMD -MP \
		-c -o $$@ $$<
endef
$(foreach f,plain san fuzz,$(eval $(call flavour_rules,$(f))))

# objs FLAVOUR, SOURCES
objs = $(patsubst %.c,$(B)/obj/$(1)/%.o,$(2))
# The archives: common/, kespctl/ and iked/ without their main.c.
KESPCTL_LIB_SRC := $(filter-out %/main.c,$(KESPCTL_SRC))
IKED_LIB_SRC := $(filter-out %/main.c,$(IKED_SRC))
define flavour_libs
$(B)/obj/$(1)/libcommon.a: $(call objs,$(1),$(COMMON_SRC))
	@rm -f $$@
	ar rcs $$@ $$^
$(B)/obj/$(1)/libkespctl.a: $(call objs,$(1),$(KESPCTL_LIB_SRC))
	@rm -f $$@
	ar rcs $$@ $$^
$(B)/obj/$(1)/libiked.a: $(call objs,$(1),$(IKED_LIB_SRC))
	@rm -f $$@
	ar rcs $$@ $$^
endef
$(foreach f,plain san fuzz,$(eval $(call flavour_libs,$(f))))
-include $(shell find $(B)/obj -name '*.d' 2>/dev/null)

# libs FLAVOUR, COMPONENTS: the archives in link order (users first).
libs = $(foreach c,$(2),$(B)/obj/$(1)/lib$(c).a)

$(B)/kespctl: $(B)/obj/plain/ikeuser/kespctl/main.o \
		$(call libs,plain,kespctl common)
	$(CC) -o $@ $^ $(NL_LIBS)

$(B)/kesp-iked: $(B)/obj/plain/ikeuser/iked/main.o \
		$(call libs,plain,iked common)
	$(CC) -o $@ $^ $(NL_LIBS) -lcrypto

# Unit tests link the code under test, minus main(), with ASan and UBSan;
# kselftest_harness.h needs GNU C.
UNIT_LIBS := $(call libs,san,kespctl iked common)
$(B)/unit/%: selftests/unit/%.c $(UNIT_LIBS) $(USER_HDR) \
		$(wildcard selftests/unit/*.h) | deps-tools
	@mkdir -p $(B)/unit
	$(CC) $(USER_CFLAGS) $(HARNESS_CFLAGS) $(SAN_CFLAGS) $(NL_CFLAGS) \
		-o $@ $< $(UNIT_LIBS) $(NL_LIBS) -lcrypto

# A test renamed or removed leaves its old binary behind, which run-all
# would still run (build/unit/test_*): gone with the source.
UNIT_STALE := $(filter-out $(UNIT_BIN),$(wildcard $(B)/unit/test_*))
unit: $(UNIT_BIN)
	$(if $(UNIT_STALE),rm -f $(UNIT_STALE))

# C tests that run in the guest against the module (selftests/guest/run-tests).
KTEST_LIBS := $(call libs,plain,iked common)
$(B)/ktest/%: selftests/kernel/%.c $(KTEST_LIBS) $(USER_HDR) \
		selftests/kernel/ktest_main.h | deps-tools
	@mkdir -p $(B)/ktest
	$(CC) $(USER_CFLAGS) $(HARNESS_CFLAGS) $(NL_CFLAGS) -o $@ $< \
		$(KTEST_LIBS) $(NL_LIBS) -lcrypto

# The netlink fuzzer (selftests/guest/t-nl-fuzz.sh runs it in the guest).
$(B)/ktest/nlfuzz: selftests/kernel/nlfuzz.c selftests/kernel/nlfuzz_gen.c \
		selftests/kernel/nlfuzz.h $(KTEST_LIBS) $(USER_HDR) | deps-tools
	@mkdir -p $(B)/ktest
	$(CC) $(USER_CFLAGS) $(HARNESS_CFLAGS) $(NL_CFLAGS) -o $@ \
		selftests/kernel/nlfuzz.c selftests/kernel/nlfuzz_gen.c \
		$(KTEST_LIBS) $(NL_LIBS) -lcrypto

ktest: $(KTEST_BIN) $(B)/ktest/nlfuzz

# kselftest_harness.h and checkpatch come from the kernel source package.
deps-tools:
	@test -f $(KSRC_TOOLS)/tools/testing/selftests/kselftest_harness.h || \
		scripts/deps.sh

# The module for KDIR's kernel through its modules_install (depmod
# included) into $(DESTDIR)/lib/modules/KVER/extra; the programs, the
# unit (its ExecStart naming SBINDIR), modules-load.d, the man pages and
# the examples. /etc/kesp is made (0700) but its files are left alone.
# (Debian's include/config/kernel.release says 6.1.N, not the directory's.)
KVER = $(shell sed -n 's/.*UTS_RELEASE "\(.*\)"/\1/p' \
	$(KDIR)/include/generated/utsrelease.h 2>/dev/null)
MAN_PAGES := $(wildcard man/*.[58])
EXAMPLES := $(wildcard examples/*)
install: install-kmod install-user

# Kbuild skips depmod without the kernel's System.map (Debian's headers
# have none): run it here (not into a DESTDIR, a staging tree). Debian's headers also lack the signing key,
# so the module is installed unsigned (DKMS signs with its MOK key).
install-kmod: kmod
	$(MAKE) -C $(KDIR) M=$(CURDIR) INSTALL_MOD_DIR=extra \
		$(if $(wildcard $(KDIR)/certs/signing_key.pem),,CONFIG_MODULE_SIG_ALL=) \
		$(if $(DESTDIR),INSTALL_MOD_PATH=$(DESTDIR)) modules_install
	$(if $(DESTDIR),,depmod -a $(KVER))

# Everything but the module (the Debian package kesp; kesp-dkms has it).
install-user: user
	install -D -m 0755 $(B)/kespctl $(DESTDIR)$(SBINDIR)/kespctl
	install -D -m 0755 $(B)/kesp-iked $(DESTDIR)$(SBINDIR)/kesp-iked
	install -d -m 0755 $(DESTDIR)$(UNITDIR)
	sed 's|@SBINDIR@|$(SBINDIR)|g' systemd/kesp-iked.service.in \
		>$(DESTDIR)$(UNITDIR)/kesp-iked.service
	chmod 0644 $(DESTDIR)$(UNITDIR)/kesp-iked.service
	install -D -m 0644 systemd/kesp.conf \
		$(DESTDIR)$(MODULESLOADDIR)/kesp.conf
	$(foreach m,$(MAN_PAGES),install -D -m 0644 $(m) \
		$(DESTDIR)$(MANDIR)/man$(subst .,,$(suffix $(m)))/$(notdir $(m)) &&) true
	install -d -m 0755 $(DESTDIR)$(DOCDIR)/examples
	install -m 0644 $(EXAMPLES) $(DESTDIR)$(DOCDIR)/examples
	install -m 0644 README.md $(DESTDIR)$(DOCDIR)
	install -d -m 0700 $(DESTDIR)$(SYSCONFDIR)/kesp

uninstall:
	rm -f $(DESTDIR)/lib/modules/$(KVER)/extra/kmod/kesp.ko
	-rmdir $(DESTDIR)/lib/modules/$(KVER)/extra/kmod 2>/dev/null
	$(if $(DESTDIR),,-depmod -a $(KVER))
	rm -f $(DESTDIR)$(SBINDIR)/kespctl $(DESTDIR)$(SBINDIR)/kesp-iked
	rm -f $(DESTDIR)$(UNITDIR)/kesp-iked.service
	rm -f $(DESTDIR)$(MODULESLOADDIR)/kesp.conf
	rm -f $(foreach m,$(MAN_PAGES),$(DESTDIR)$(MANDIR)/man$(subst .,,$(suffix $(m)))/$(notdir $(m)))
	rm -rf $(DESTDIR)$(DOCDIR)
	-rmdir $(DESTDIR)$(SYSCONFDIR)/kesp 2>/dev/null

deps:
	scripts/deps.sh

# Debian packages kesp and kesp-dkms (debian/), built with debhelper from
# a copy of the tree's files (git ls-files: tracked and untracked, not
# ignored) in build/deb/, then checked by lintian: no error allowed.
DEB_DIR := $(B)/deb
deb:
	scripts/deps.sh deb
	rm -rf $(DEB_DIR)
	mkdir -p $(DEB_DIR)/kesp-$(VERSION)
	git ls-files -z --cached --others --exclude-standard | \
		tar --null -T - --ignore-failed-read -cf - | \
		tar -xf - -C $(DEB_DIR)/kesp-$(VERSION)
	cd $(DEB_DIR)/kesp-$(VERSION) && \
		DEB_BUILD_OPTIONS=parallel=2 dpkg-buildpackage -us -uc -b
	lintian --fail-on error --info $(DEB_DIR)/kesp_$(VERSION)_*.changes

# libFuzzer on the IKEv2 and the IKEv1 message parsers, one after the
# other (selftests/fuzz/README); FUZZ_SECS=N for longer runs, each.
# make check runs each for 20 seconds.
FUZZ_SECS ?= 60
# The codecs the fuzz targets exercise; pure, so they link alone.
FUZZ_OBJS := $(call objs,fuzz,ikeuser/iked/ikev2/msg.c \
	ikeuser/iked/ikev2/payload.c ikeuser/iked/ikev2/rules.c)
FUZZ_V1_OBJS := $(call objs,fuzz,ikeuser/iked/ikev1/msg.c \
	ikeuser/iked/ikev1/payload.c ikeuser/iked/ikev1/rules.c \
	ikeuser/iked/ikev1/frag_pl.c)
$(B)/fuzz/fuzz_ikev2_msg: selftests/fuzz/fuzz_ikev2_msg.c $(FUZZ_OBJS) selftests/fuzz/fuzz_common.h \
		$(USER_HDR)
	@mkdir -p $(B)/fuzz/corpus
	clang $(FLAVOUR_CFLAGS_fuzz) -fsanitize=fuzzer -o $@ $< $(FUZZ_OBJS)
$(B)/fuzz/fuzz_ikev1_msg: selftests/fuzz/fuzz_ikev1_msg.c $(FUZZ_V1_OBJS) selftests/fuzz/fuzz_common.h \
		$(USER_HDR)
	@mkdir -p $(B)/fuzz/corpus_ikev1
	clang $(FLAVOUR_CFLAGS_fuzz) -fsanitize=fuzzer -o $@ $< $(FUZZ_V1_OBJS)

# The certificate authenticator needs the daemon around it: the whole
# archive, instrumented.
FUZZ_CERT_LIBS := $(call libs,fuzz,iked common)
$(B)/fuzz/fuzz_cert: selftests/fuzz/fuzz_cert.c selftests/unit/cert_fixture.h selftests/fuzz/fuzz_common.h \
		$(FUZZ_CERT_LIBS) $(USER_HDR)
	@mkdir -p $(B)/fuzz/corpus_cert
	clang $(FLAVOUR_CFLAGS_fuzz) $(NL_CFLAGS) -fsanitize=fuzzer -o $@ $< \
		$(FUZZ_CERT_LIBS) $(NL_LIBS) -lcrypto -lpthread

fuzz: fuzz-ikev2 fuzz-ikev1 fuzz-cert

fuzz-ikev2: deps $(B)/fuzz/fuzz_ikev2_msg
	$(B)/fuzz/fuzz_ikev2_msg -max_total_time=$(FUZZ_SECS) \
		-print_final_stats=1 $(B)/fuzz/corpus selftests/fuzz/corpus

fuzz-ikev1: deps $(B)/fuzz/fuzz_ikev1_msg
	$(B)/fuzz/fuzz_ikev1_msg -max_total_time=$(FUZZ_SECS) \
		-print_final_stats=1 $(B)/fuzz/corpus_ikev1 \
		selftests/fuzz/corpus_ikev1

fuzz-cert: deps $(B)/fuzz/fuzz_cert
	$(B)/fuzz/fuzz_cert -max_total_time=$(FUZZ_SECS) \
		-print_final_stats=1 $(B)/fuzz/corpus_cert \
		selftests/fuzz/corpus_cert

# The netlink fuzzer in a guest, NLFUZZ_SECS per identity (root, then root
# of an unprivileged user's namespaces); make check runs it for 20 s.
NLFUZZ_SECS ?= 600
nlfuzz: deps
	$(MAKE) -j$(shell nproc) KDIR=/lib/modules/$(GUEST_KVER)/build kmod \
		$(B)/kespctl $(B)/ktest/nlfuzz
	selftests/vm/run --timeout $$((2 * $(NLFUZZ_SECS) + 600)) \
		--keep $(B)/vm/nlfuzz -- env KESP_NLFUZZ_SECS=$(NLFUZZ_SECS) \
		bash selftests/guest/t-nl-fuzz.sh

# kesp against XFRM in one VM boot: throughput, 10k policies, 10k SAs;
# then IKE SAs per second, kesp-iked against charon, in another.
bench: deps
	$(MAKE) KDIR=/lib/modules/$(GUEST_KVER)/build all $(B)/bench/dh_speed
	selftests/bench/run

# The IKE benchmark's ceiling: key exchanges per second through dh.c.
$(B)/bench/dh_speed: selftests/bench/dh_speed.c ikeuser/iked/crypto/dh.c \
		ikeuser/iked/crypto/dh.h
	@mkdir -p $(B)/bench
	$(CC) $(USER_CFLAGS) -Iikeuser -o $@ $< ikeuser/iked/crypto/dh.c -lcrypto

# Everything: host unit tests and static checks, then the module in a VM.
check: deps
	$(MAKE) -j$(shell nproc) KDIR=/lib/modules/$(GUEST_KVER)/build all unit ktest
	selftests/run-all $(if $(TESTS),--tests '$(TESTS)')

# The guest tests on a debug kernel (KASAN, UBSAN, lockdep, kmemleak, ...)
# built once per machine by scripts/debug-kernel (an hour, the first
# time). Any report of theirs fails the boot. Not in `make check`: too
# slow for CI. DEBUG_TESTS chooses the tests (names as for TESTS).
# KESP_VM_SLOWDOWN=5: tests take 15 times their budget at most (about 11
# times their time on Debian's kernel); at 3, five of 38 ran out of time
# in three lanes (2026-12-08), none with a report.
DEBUG_TESTS ?= esp-* nl-fuzz netns load-unload unload-with-netns \
	permissions spd-lookup kespctl-sa-policy mss-clamp lifetime-clock \
	get-info autoload encap encap_leak acquire_purge genl iked_kernel policy sa spi_cap \
	iked-charon iked-iked
check-debug: deps
	@mkdir -p $(B)
	scripts/debug-kernel >$(B)/debug-kver
	$(MAKE) -j$(shell nproc) KDIR=/lib/modules/$$(cat $(B)/debug-kver)/build \
		all ktest
	KESP_GUEST_KVER=$$(cat $(B)/debug-kver) KESP_VM_SLOWDOWN=$${KESP_VM_SLOWDOWN:-5} \
	KESP_VM_BOOT_BUDGET=$${KESP_VM_BOOT_BUDGET:-150} \
		selftests/run-all --guest-only --tests '$(DEBUG_TESTS)'

style:
	perl $(KSRC_TOOLS)/scripts/checkpatch.pl --strict --no-tree --quiet \
		--show-types -f $(KMOD_SRC) uapi/linux/kesp.h

sparse:
	@$(MAKE) -C $(KDIR) M=$(CURDIR) C=2 CF="-D__CHECK_ENDIAN__" modules \
		2>&1 | tee $(B)/sparse.log
	@! grep -E '(warning|error):' $(B)/sparse.log

clean:
	-$(MAKE) -C $(KDIR) M=$(CURDIR) clean
	rm -rf $(B)

# The main job: two gateways in a VM, kesp-iked on each with the sample
# configs of examples/, a tunnel on demand, LAN-to-LAN pings through it.
demo: deps
	$(MAKE) KDIR=/lib/modules/$(GUEST_KVER)/build all
	selftests/demo/run
