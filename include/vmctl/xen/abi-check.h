/*
 * Compile-time layout checks shared by every ABI header in this folder.
 *
 * Each header states the x86_64 size of its structs and the offset of every
 * field that the reference lists; a wrong layout is a build error whose
 * message names the struct and field ("ABI: ...").  tests/abi checks the
 * same numbers again at run time from its own table, and against Xen's
 * headers where they are installed.
 */
#ifndef VMCTL_XEN_ABI_CHECK_H
#define VMCTL_XEN_ABI_CHECK_H

#include <stddef.h>

#define XEN_ABI_SIZE(type, size) \
	_Static_assert(sizeof(type) == (size), "ABI: sizeof(" #type ") != " #size)
#define XEN_ABI_OFFSET(type, field, off) \
	_Static_assert(offsetof(type, field) == (off), \
		       "ABI: offsetof(" #type ", " #field ") != " #off)

#endif
