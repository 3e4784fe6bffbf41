/* Dirty-page tracking, the sandbox's half: the flat map registered with
 * userfaultfd in write-protect async mode (common/uffd_wp.h says how and
 * why), with our own system calls: the sandbox has no libc. We keep the
 * descriptor for good. If the kernel lacks the features we carry
 * on without: vmhv reports the failure when dirty logging is enabled. */
#define UFFD_WP_NO_LIBC
#include "common/uffd_wp.h"
#include "hypervisor/engines/pv/sandbox/sandbox.h"
#include "hypervisor/engines/pv/sandbox/sys.h"

#define NR_ioctl 16

void dirty_setup(struct sandbox *sb)
{
	struct uffd_wp_api api = { UFFD_WP_API, UFFD_WP_FEATURES, 0 };
	struct uffd_wp_range reg = {
		sb->boot.flat_base, sb->boot.mem_bytes, UFFD_WP_MODE_WP, 0,
	};
	long fd = sys3(UFFD_WP_NR_USERFAULTFD,
		       UFFD_WP_O_CLOEXEC | UFFD_WP_O_NONBLOCK | UFFD_WP_USER_MODE_ONLY, 0, 0);

	if (fd < 0)
		return;
	if (sys3(NR_ioctl, fd, UFFD_WP_IOC_API, &api) < 0 ||
	    sys3(NR_ioctl, fd, UFFD_WP_IOC_REGISTER, &reg) < 0)
		sys3(NR_close, fd, 0, 0);
}
