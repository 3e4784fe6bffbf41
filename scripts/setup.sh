#!/bin/bash
# vmctl's one entry point for a fresh Debian 12 machine (run as root):
#   scripts/setup.sh demo   install what is missing, build, run the demo
#   scripts/setup.sh test   install what is missing, build, run the test suite
#   scripts/setup.sh build  install what is missing and build only
# The build goes to ./build (out of tree); nothing is installed system-wide
# except Debian packages.
set -euo pipefail

cd "$(dirname "$0")/.."
top=$(pwd)
what=${1:-build}

# Every Debian package the project needs, and why.
packages=(
	build-essential autoconf automake libtool pkg-config   # the build
	clang libclang-rt-14-dev                               # CI's second compiler, its sanitizer runtime
	libyajl-dev libxml2-dev uuid-dev                       # JSON, XML (libvirt), UUIDs
	libvncserver-dev libseccomp-dev liburing-dev           # VNC, the PV sandbox, block I/O
	libxen-dev                                             # Xen's own headers: ABI comparison tests
	xenstore-utils                                         # real xenstore clients for the tests
	libcapstone-dev                                        # the soft CPU's decoder-length tests
	acpica-tools                                           # iasl -d checks the device model's DSDT (tests/hvm/vcpu_acpi_test)
	seabios qemu-system-data                               # HVM firmware: bios.bin, VGA BIOS, linuxboot_dma.bin
	qemu-system-x86                                        # SeaBIOS's log on QEMU's i440FX next to ours (tests/hvm/seabios_qemu.sh)
	linux-image-amd64 busybox-static cpio                  # an HVM Linux guest for the tests (no downloads)
	grub-pc-bin syslinux syslinux-common mtools            # boot-loader disks the HVM tests build
	socat iproute2 python3 procps psmisc                   # API examples, network tests, process checks
	gdb                                                    # a Linux boot test that times out dumps each vCPU (tests/hvm/linux_vcpus.py)
	libvirt-clients python3-libvirt libxml2-utils          # virsh, virt-xml-validate (+ its xmllint), the libvirt API (tests)
)

install_missing() {
	local missing=()
	for p in "${packages[@]}"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	echo "setup: installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

build() {
	[ -x configure ] && [ configure -nt configure.ac ] || autoreconf -fi
	mkdir -p build
	cd build
	[ -f Makefile ] || ../configure -q ${VMCTL_CONFIGURE_FLAGS:-}
	make -s -j"$(nproc)"
	cd "$top"
}

# Xen's own C xenstored, unpacked from Debian's xen-utils package (never
# installed): tests/xenstore/oracle_test.sh compares our replies with its.
xenstored_oracle() {
	local dir="$top/build/xen-oracle" bin
	bin=$(find "$dir" -name xenstored -path '*/bin/*' 2>/dev/null | head -1 || true)
	if [ -z "$bin" ]; then
		rm -rf "$dir" && mkdir -p "$dir" && (cd "$dir" &&
			apt-get download -qq xen-utils-4.17 > /dev/null 2>&1 &&
			dpkg-deb -x xen-utils-4.17_*.deb root) || return 0
		bin=$(find "$dir" -name xenstored -path '*/bin/*' 2>/dev/null | head -1 || true)
	fi
	if [ -n "$bin" ]; then export XENSTORED_ORACLE="$bin"; fi
	return 0
}

# failed_checks LOG: each failing check of a test-suite.log with the
# diagnostics the test printed after it, so that a run whose logs are gone
# (CI, a fresh machine) still says what was seen.
failed_checks() {
	awk '/^not ok/ {print; n = 12; next} /^(FAIL|ERROR|XPASS):/ {next}
	     n > 0 && /^#/ {print; n--; next} {n = 0}' "$1" | head -60
}

install_missing
build
case "$what" in
build) ;;
demo) exec "$top/scripts/demo.sh" "$top/build" ;;
test) xenstored_oracle; cd build && { make -s -j"$(nproc)" check || { failed_checks test-suite.log; exit 1; }; } ;;
*) echo "usage: $0 demo|test|build" >&2; exit 2 ;;
esac
