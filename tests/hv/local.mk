# tests/hv/: vmhv and the pv engine.
TESTS += tests/hv/privcmd_msg_test tests/hv/vmhv_test
check_PROGRAMS += tests/hv/privcmd_msg_test tests/hv/vmhv_test
tests_hv_privcmd_msg_test_SOURCES = tests/hv/privcmd_msg_test.c
tests_hv_privcmd_msg_test_LDADD = hypervisor/libvmhv.la
tests_hv_vmhv_test_SOURCES = tests/hv/vmhv_test.c tests/hv/vmhv_proc.c tests/hv/vmhv_proc.h
tests_hv_vmhv_test_LDADD = libvmctl/libvmctl.la

# pvrun: boot a pv kernel and print its console (a tool for everyone).
noinst_PROGRAMS += tests/hv/pvrun
tests_hv_pvrun_SOURCES = tests/hv/pvrun.c tests/hv/vmhv_proc.c tests/hv/vmhv_proc.h
tests_hv_pvrun_LDADD = libvmctl/libvmctl.la

TESTS += tests/hv/pv_boot_test tests/hv/pvrun_test.sh
check_PROGRAMS += tests/hv/pv_boot_test
tests_hv_pv_boot_test_SOURCES = tests/hv/pv_boot_test.c tests/hv/vmhv_proc.c tests/hv/vmhv_proc.h
tests_hv_pv_boot_test_LDADD = libvmctl/libvmctl.la
EXTRA_DIST += tests/hv/pvrun_test.sh
TESTS += tests/hv/pv_events_test.sh
EXTRA_DIST += tests/hv/pv_events_test.sh tests/hv/pv_events.expected
TESTS += tests/hv/pv_hostile_test.sh
EXTRA_DIST += tests/hv/pv_hostile_test.sh
TESTS += tests/hv/pv_churn_test
check_PROGRAMS += tests/hv/pv_churn_test
tests_hv_pv_churn_test_SOURCES = tests/hv/pv_churn_test.c tests/hv/vmhv_proc.c tests/hv/vmhv_proc.h
tests_hv_pv_churn_test_LDADD = libvmctl/libvmctl.la
TESTS += tests/hv/pv_smp_test.sh
EXTRA_DIST += tests/hv/pv_smp_test.sh tests/hv/pv_smp.expected tests/hv/golden.sh
TESTS += tests/hv/core_test
check_PROGRAMS += tests/hv/core_test
tests_hv_core_test_SOURCES = tests/hv/core_test.c
tests_hv_core_test_LDADD = hypervisor/libvmhv.la
TESTS += tests/hv/fuzz_test
check_PROGRAMS += tests/hv/fuzz_test
tests_hv_fuzz_test_SOURCES = tests/hv/fuzz_test.c
tests_hv_fuzz_test_LDADD = hypervisor/libvmhv.la

# Batched grant map/unmap (privcmd GNTTAB_MAP_BATCH / GNTTAB_UNMAP_BATCH).
TESTS += tests/hv/gnttab_batch_test
check_PROGRAMS += tests/hv/gnttab_batch_test
tests_hv_gnttab_batch_test_SOURCES = tests/hv/gnttab_batch_test.c tests/hv/vmhv_proc.c \
	tests/hv/vmhv_proc.h xld/dev/gmem.c xld/dev/gmem.h
tests_hv_gnttab_batch_test_LDADD = libvmctl/libvmctl.la

# make bench: batched vs single grant maps (a blkif request's 11 pages).
EXTRA_PROGRAMS += tests/hv/gnttab_batch_bench
BENCHMARKS += tests/hv/gnttab_batch_bench
tests_hv_gnttab_batch_bench_SOURCES = tests/hv/gnttab_batch_bench.c tests/hv/vmhv_proc.c \
	tests/hv/vmhv_proc.h
tests_hv_gnttab_batch_bench_LDADD = libvmctl/libvmctl.la

# The PV ABI tests have their own folder; their fragment rides on this one.
include tests/pvabi/local.mk

# The Xen ELF notes and the legacy __xen_guest section (libvmctl/elf_xen.c).
TESTS += tests/hv/elf_xen_test
check_PROGRAMS += tests/hv/elf_xen_test
tests_hv_elf_xen_test_SOURCES = tests/hv/elf_xen_test.c
tests_hv_elf_xen_test_LDADD = libvmctl/libvmctl.la
