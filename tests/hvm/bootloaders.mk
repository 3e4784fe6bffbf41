# tests/hvm/ (HVMXL): boot loaders on disks the tests build (GRUB 2,
# SYSLINUX), the CD-ROM's media change, the device model's re-adoption
# after an xld restart.
TESTS += tests/hvm/grub.sh tests/hvm/syslinux.sh tests/hvm/cdrom.sh tests/hvm/readopt.sh
EXTRA_DIST += tests/hvm/grub.sh tests/hvm/syslinux.sh tests/hvm/cdrom.sh tests/hvm/readopt.sh \
	tests/hvm/guest/serecho.S tests/hvm/bootdisk.sh tests/hvm/guest/mbserial.S

# A tiny multiboot kernel the boot loaders load: prints on COM1. Any
# tests/hvm/guest/mbNAME.S (with mbhead.h) is built so.
check_SCRIPTS += tests/hvm/guest/mbserial.elf
CLEANFILES += tests/hvm/guest/mbserial.elf
EXTRA_DIST += tests/hvm/guest/mbhead.h
tests/hvm/guest/mb%.elf: $(top_srcdir)/tests/hvm/guest/mb%.S $(top_srcdir)/tests/hvm/guest/mbhead.h
	@mkdir -p tests/hvm/guest
	$(AM_V_GEN)$(CC) -m32 -nostdlib -static -no-pie -Wl,-N -Wl,--build-id=none \
	  -Wl,--no-warn-rwx-segments -Wl,-Ttext=0x100000 -o $@ $<

# The test guest's CD-ROM test (cmdline "cdrom", for cdrom.sh).
tests_hvm_guest_hvmguest_SOURCES += tests/hvm/guest/cdrom.c tests/hvm/guest/cdrom.h

# A boot sector that echoes COM1 input (readopt.sh), by tests/hvm/local.mk's
# %.img rule.
check_SCRIPTS += tests/hvm/guest/serecho.img
CLEANFILES += tests/hvm/guest/serecho.img tests/hvm/guest/serecho.elf
