# bench/: `make bench` builds every benchmark and prints one table. A benchmark
# prints rows as tab-separated lines:  row <TAB> figure <TAB> value <TAB> unit
#   <TAB> reference name <TAB> reference value   (see bench/README.md).
# Fragments add programs to both EXTRA_PROGRAMS and BENCHMARKS, scripts to
# BENCHMARKS only. No timing ever runs in `make check`.
EXTRA_DIST += bench/run-bench.sh bench/README.md
include bench/cpu.mk
include bench/xenstore.mk
include bench/hv.mk
include bench/devices.mk
include bench/xld.mk
include bench/vnc.mk
include bench/hvm.mk
include bench/devmodel.mk
include bench/hvm_linux.mk
include bench/nic.mk

bench: all $(BENCHMARKS)
	@top_srcdir='$(abs_top_srcdir)' top_builddir='$(abs_top_builddir)' \
	  $(SHELL) $(top_srcdir)/bench/run-bench.sh $(BENCHMARKS)
.PHONY: bench
