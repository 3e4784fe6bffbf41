/* Dirty-page tracking, the sandbox's half: register the flat map with
 * userfaultfd in write-protect *async* mode, so that vmhv can later find
 * and re-protect written pages from outside with PAGEMAP_SCAN on our
 * /proc/PID/pagemap (pv_dirty.c). With WP_ASYNC the kernel resolves the
 * write faults itself: no handler thread, ~0.5 us per first write.
 * The registration must be made in the process that maps the memory and
 * lives as long as its descriptor, which we keep (fd 5). If the kernel
 * lacks the features we carry on without: vmhv reports the failure when
 * dirty logging is enabled. */
#include "hypervisor/engines/pv/sandbox/sandbox.h"
#include "hypervisor/engines/pv/sandbox/sys.h"

#define NR_ioctl 16
#define NR_userfaultfd 323
#define O_CLOEXEC_ 02000000
#define O_NONBLOCK_ 04000
#define UFFD_USER_MODE_ONLY_ 1
#define UFFD_API_ 0xAAull
#define UFFDIO_API_ 0xC018AA3Ful
#define UFFDIO_REGISTER_ 0xC020AA00ul
#define UFFDIO_REGISTER_MODE_WP_ 2ull
#define UFFD_FEATURE_WP_HUGETLBFS_SHMEM_ (1ull << 12)
#define UFFD_FEATURE_WP_UNPOPULATED_ (1ull << 13)
#define UFFD_FEATURE_WP_ASYNC_ (1ull << 15)

void dirty_setup(struct sandbox *sb)
{
	struct { uint64_t api, features, ioctls; } api = {
		UFFD_API_, UFFD_FEATURE_WP_ASYNC_ | UFFD_FEATURE_WP_UNPOPULATED_ |
			   UFFD_FEATURE_WP_HUGETLBFS_SHMEM_, 0,
	};
	struct { uint64_t start, len, mode, ioctls; } reg = {
		sb->boot.flat_base, sb->boot.mem_bytes, UFFDIO_REGISTER_MODE_WP_, 0,
	};
	/* User-mode faults only: all we track, and allowed without privilege. */
	long fd = sys3(NR_userfaultfd, O_CLOEXEC_ | O_NONBLOCK_ | UFFD_USER_MODE_ONLY_, 0, 0);

	if (fd < 0)
		return;
	if (sys3(NR_ioctl, fd, UFFDIO_API_, &api) < 0 ||
	    sys3(NR_ioctl, fd, UFFDIO_REGISTER_, &reg) < 0)
		sys3(NR_close, fd, 0, 0);
}
