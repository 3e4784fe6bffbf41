# tests/: `make check` runs everything in TESTS through automake's TAP driver.
# Unit tests are C programs using tests/tap.h; integration tests are shell
# scripts using tests/lib/host.sh to start a private vmhv + xld "host".
LOG_DRIVER = env AM_TAP_AWK='$(AWK)' $(SHELL) $(top_srcdir)/build-aux/tap-driver.sh
TEST_EXTENSIONS = .sh
SH_LOG_DRIVER = $(LOG_DRIVER)
SH_LOG_COMPILER = $(SHELL)
AM_TESTS_ENVIRONMENT = \
	top_srcdir='$(abs_top_srcdir)'; top_builddir='$(abs_top_builddir)'; \
	export top_srcdir top_builddir; \
	XENSTORE_LS='$(XENSTORE_LS)'; VIRSH='$(VIRSH)'; export XENSTORE_LS VIRSH;

EXTRA_DIST += tests/tap.h
include tests/lib/local.mk
include tests/xld/local.mk
include tests/xl/local.mk
include tests/abi/local.mk
include tests/cpu/local.mk
include tests/xenstore/local.mk
include tests/cfg/local.mk
include tests/hv/local.mk
include tests/guests/local.mk
include tests/kernel/local.mk
include tests/devices/local.mk
include tests/vnc/local.mk
include tests/devmodel/local.mk
include tests/hvm/local.mk
include tests/migrate/local.mk
