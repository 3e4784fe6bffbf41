/* LD_PRELOAD library that lets Xen's own C xenstored (4.17) run on a host
 * without Xen, as the differential oracle of oracle_test.sh: the few
 * libxenctrl, libxenevtchn and libxengnttab calls it makes are answered
 * here (dom0 exists and is alive, event channels are quiet), and dom0's
 * /proc/xen/xsd_port and xsd_kva are served from memory. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <unistd.h>
#include <xenctrl.h>
#include <xenevtchn.h>
#include <xengnttab.h>

static int dummy;

xc_interface *xc_interface_open(xentoollog_logger *l, xentoollog_logger *dl, unsigned f)
{
	(void)l; (void)dl; (void)f;
	return (xc_interface *)&dummy;
}

int xc_interface_close(xc_interface *xch)
{
	(void)xch;
	return 0;
}

/* Only dom0 exists, and it is running. */
int xc_domain_getinfo(xc_interface *xch, uint32_t first, unsigned int max, xc_dominfo_t *info)
{
	(void)xch;
	if (first != 0 || max == 0)
		return 0;
	memset(info, 0, sizeof(*info));
	info->running = 1;
	return 1;
}

xenevtchn_handle *xenevtchn_open(xentoollog_logger *l, unsigned f)
{
	(void)l; (void)f;
	return (xenevtchn_handle *)&dummy;
}

xenevtchn_handle *xenevtchn_fdopen(xentoollog_logger *l, int fd, unsigned f)
{
	(void)l; (void)fd; (void)f;
	return (xenevtchn_handle *)&dummy;
}

int xenevtchn_fd(xenevtchn_handle *h)
{
	static int fd = -1;

	(void)h;
	if (fd < 0)
		fd = eventfd(0, EFD_CLOEXEC); /* never signalled */
	return fd;
}

xenevtchn_port_or_error_t xenevtchn_bind_virq(xenevtchn_handle *h, unsigned int virq)
{
	(void)h; (void)virq;
	return 7;
}

xenevtchn_port_or_error_t xenevtchn_bind_interdomain(xenevtchn_handle *h, uint32_t dom,
						     evtchn_port_t port)
{
	(void)h; (void)dom;
	return (xenevtchn_port_or_error_t)port + 100;
}

xenevtchn_port_or_error_t xenevtchn_pending(xenevtchn_handle *h)
{
	(void)h;
	return -1;
}

int xenevtchn_unmask(xenevtchn_handle *h, evtchn_port_t p) { (void)h; (void)p; return 0; }
int xenevtchn_notify(xenevtchn_handle *h, evtchn_port_t p) { (void)h; (void)p; return 0; }
int xenevtchn_unbind(xenevtchn_handle *h, evtchn_port_t p) { (void)h; (void)p; return 0; }

xengnttab_handle *xengnttab_open(xentoollog_logger *l, unsigned f)
{
	(void)l; (void)f;
	return (xengnttab_handle *)&dummy;
}

int xengnttab_close(xengnttab_handle *h) { (void)h; return 0; }
int xengnttab_set_max_grants(xengnttab_handle *h, uint32_t n) { (void)h; (void)n; return 0; }

void *xengnttab_map_grant_ref(xengnttab_handle *h, uint32_t dom, uint32_t ref, int prot)
{
	(void)h; (void)dom; (void)ref; (void)prot;
	return mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
}

int xengnttab_unmap(xengnttab_handle *h, void *addr, uint32_t count)
{
	(void)h;
	return munmap(addr, count * 4096);
}

/* dom0's store port and ring page, normally from the kernel. */
static int fake_file(const char *path)
{
	int fd;

	if (strcmp(path, "/proc/xen/xsd_port") == 0) {
		fd = memfd_create("xsd_port", MFD_CLOEXEC);
		if (fd >= 0 && (write(fd, "1", 1) != 1 || lseek(fd, 0, SEEK_SET) < 0))
			return -1;
		return fd;
	}
	if (strcmp(path, "/proc/xen/xsd_kva") == 0) {
		fd = memfd_create("xsd_kva", MFD_CLOEXEC);
		if (fd >= 0 && ftruncate(fd, 4096) < 0)
			return -1;
		return fd;
	}
	return -2;
}

int open(const char *path, int flags, ...)
{
	static int (*real_open)(const char *, int, ...);
	int fd = fake_file(path);
	va_list ap;
	mode_t mode;

	if (fd != -2)
		return fd;
	if (!real_open)
		real_open = (int (*)(const char *, int, ...))dlsym(RTLD_NEXT, "open");
	va_start(ap, flags);
	mode = (mode_t)va_arg(ap, int);
	va_end(ap);
	return real_open(path, flags, mode);
}

int open64(const char *path, int flags, ...) __attribute__((alias("open")));
