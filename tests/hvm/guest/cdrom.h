/* The test guest's CD-ROM test (cdrom.c): media changes seen over ATAPI. */
#ifndef VMCTL_TESTS_HVM_GUEST_CDROM_H
#define VMCTL_TESTS_HVM_GUEST_CDROM_H

void cdrom_test(void);

#endif
