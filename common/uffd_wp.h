/* Dirty-page tracking of guest memory, the half that runs in a process
 * that maps it (the pv sandbox's flat map, the hvm sandbox's and the
 * device model's mappings of the domain's memfd): register the mapping
 * with userfaultfd in write-protect *async* mode. The kernel then resolves
 * the write faults itself (no handler thread, ~0.5 us per first write,
 * kernel-mode writes such as a read() into the mapping included) and
 * vmhv finds and re-protects the written pages from outside with
 * PAGEMAP_SCAN on /proc/PID/pagemap (hypervisor/engines/pv/pv_dirty.c).
 *
 * The registration lives as long as the userfaultfd descriptor: the
 * process keeps it open for good. Header only: the pv sandbox, which has
 * no libc, uses the constants and layouts with its own system calls
 * (define UFFD_WP_NO_LIBC); libc programs call uffd_wp_register(). */
#ifndef VMCTL_COMMON_UFFD_WP_H
#define VMCTL_COMMON_UFFD_WP_H

#include <stdint.h>

#define UFFD_WP_NR_USERFAULTFD 323
#define UFFD_WP_O_CLOEXEC 02000000
#define UFFD_WP_O_NONBLOCK 04000
/* User-mode faults only: allowed without privilege; async mode resolves
 * kernel-mode write faults before this flag is looked at. */
#define UFFD_WP_USER_MODE_ONLY 1
#define UFFD_WP_API 0xAAull
#define UFFD_WP_IOC_API 0xC018AA3Ful
#define UFFD_WP_IOC_REGISTER 0xC020AA00ul
#define UFFD_WP_MODE_WP 2ull
#define UFFD_WP_FEATURES ((1ull << 12) /* WP_HUGETLBFS_SHMEM */ | \
			  (1ull << 13) /* WP_UNPOPULATED */ | \
			  (1ull << 15) /* WP_ASYNC */)

struct uffd_wp_api {
	uint64_t api, features, ioctls;
};

struct uffd_wp_range {
	uint64_t start, len, mode, ioctls;
};

#ifndef UFFD_WP_NO_LIBC
#include <sys/ioctl.h>
#include <unistd.h>

/* Register [addr, addr+len) (page aligned) for async write-protect
 * tracking. The descriptor (>= 0) must stay open; -1 when the kernel
 * cannot (vmhv then reports that dirty logging is unavailable). */
static inline int uffd_wp_register(void *addr, uint64_t len)
{
	struct uffd_wp_api api = { UFFD_WP_API, UFFD_WP_FEATURES, 0 };
	struct uffd_wp_range reg = { (uint64_t)(uintptr_t)addr, len, UFFD_WP_MODE_WP, 0 };
	long fd = syscall(UFFD_WP_NR_USERFAULTFD,
			  UFFD_WP_O_CLOEXEC | UFFD_WP_O_NONBLOCK | UFFD_WP_USER_MODE_ONLY);

	if (fd < 0)
		return -1;
	if (ioctl((int)fd, UFFD_WP_IOC_API, &api) < 0 ||
	    ioctl((int)fd, UFFD_WP_IOC_REGISTER, &reg) < 0) {
		close((int)fd);
		return -1;
	}
	return (int)fd;
}
#endif

#endif
