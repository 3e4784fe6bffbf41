# tests/guests/: tiny pv guests the hv tests boot (freestanding, GUEST_CFLAGS,
# linked at the pv flat base 0x40000000 with Xen ELF notes).
TG_CCFLAGS = $(GUEST_CFLAGS)
TG_LINKFLAGS = $(GUEST_LDFLAGS) -all-static -Wl,--no-warn-rwx-segments -Wl,-T,$(top_srcdir)/tests/guests/guest.lds
TG_RUNTIME = tests/guests/start.S tests/guests/tg.c tests/guests/tg.h
EXTRA_DIST += tests/guests/guest.lds

check_PROGRAMS += tests/guests/hello
tests_guests_hello_SOURCES = $(TG_RUNTIME) tests/guests/hello.c
tests_guests_hello_CFLAGS = $(TG_CCFLAGS)
tests_guests_hello_LDFLAGS = $(TG_LINKFLAGS)

check_PROGRAMS += tests/guests/events
tests_guests_events_SOURCES = $(TG_RUNTIME) tests/guests/entry.S tests/guests/events.c
tests_guests_events_CFLAGS = $(TG_CCFLAGS)
tests_guests_events_LDFLAGS = $(TG_LINKFLAGS)

check_PROGRAMS += tests/guests/hostile
tests_guests_hostile_SOURCES = $(TG_RUNTIME) tests/guests/hostile.c
tests_guests_hostile_CFLAGS = $(TG_CCFLAGS)
tests_guests_hostile_LDFLAGS = $(TG_LINKFLAGS)

# The guest half of bench/hv_bench (built with the benchmarks).
EXTRA_PROGRAMS += tests/guests/bench
tests_guests_bench_SOURCES = $(TG_RUNTIME) tests/guests/entry.S tests/guests/bench.c \
	tests/guests/bench_loop.h
tests_guests_bench_CFLAGS = $(TG_CCFLAGS)
tests_guests_bench_LDFLAGS = $(TG_LINKFLAGS)

check_PROGRAMS += tests/guests/smp
tests_guests_smp_SOURCES = $(TG_RUNTIME) tests/guests/smp.c
tests_guests_smp_CFLAGS = $(TG_CCFLAGS)
tests_guests_smp_LDFLAGS = $(TG_LINKFLAGS)

# The PV ABI guests (issue 12): the conformance guest linked at virtual
# address 0, and the one that builds its own page tables.
PVABI_RUNTIME = $(TG_RUNTIME) tests/guests/entry.S tests/guests/pvabi_lib.c \
	tests/guests/pvabi_lib.h
EXTRA_DIST += tests/guests/guest0.lds
check_PROGRAMS += tests/guests/pvabi
tests_guests_pvabi_SOURCES = $(PVABI_RUNTIME) tests/guests/pvabi.c
tests_guests_pvabi_CFLAGS = $(TG_CCFLAGS)
tests_guests_pvabi_LDFLAGS = $(GUEST_LDFLAGS) -all-static -Wl,--no-warn-rwx-segments \
	-Wl,-T,$(top_srcdir)/tests/guests/guest0.lds

check_PROGRAMS += tests/guests/pvabi_pt
tests_guests_pvabi_pt_SOURCES = $(PVABI_RUNTIME) tests/guests/pvabi_pt.c
tests_guests_pvabi_pt_CFLAGS = $(TG_CCFLAGS)
tests_guests_pvabi_pt_LDFLAGS = $(TG_LINKFLAGS)

check_PROGRAMS += tests/guests/pvabi_cpu
tests_guests_pvabi_cpu_SOURCES = $(PVABI_RUNTIME) tests/guests/pvabi_cpu.c
tests_guests_pvabi_cpu_CFLAGS = $(TG_CCFLAGS)
tests_guests_pvabi_cpu_LDFLAGS = $(TG_LINKFLAGS)

check_PROGRAMS += tests/guests/pvabi_user
tests_guests_pvabi_user_SOURCES = $(PVABI_RUNTIME) tests/guests/pvabi_user.c \
	tests/guests/pvabi_user_entry.S
tests_guests_pvabi_user_CFLAGS = $(TG_CCFLAGS)
tests_guests_pvabi_user_LDFLAGS = $(TG_LINKFLAGS)
