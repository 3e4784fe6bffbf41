/* libvmctl: the public API of vmctl's management and client library.
 *
 * Programs include <vmctl/libvmctl.h> (installed) and link with
 * `pkg-config --libs libvmctl`. This header grows with the client API for
 * xld's JSON-RPC interface (see docs/api.md).
 */
#ifndef VMCTL_LIBVMCTL_H
#define VMCTL_LIBVMCTL_H

/* The library's version string, e.g. "0.1.0". */
const char *vmctl_version(void);

#endif
