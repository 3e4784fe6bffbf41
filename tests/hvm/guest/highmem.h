/* The test guest's "highmem" test (highmem.c): RAM above 4 GiB. */
#ifndef VMCTL_TESTS_HVM_GUEST_HIGHMEM_H
#define VMCTL_TESTS_HVM_GUEST_HIGHMEM_H

#include <stdint.h>

/* `info`: the multiboot information structure (its memory map). */
void highmem_test(uint32_t info);

#endif
