/*
 * Error numbers of the hypercall ABI: a failing hypercall returns -XEN_E*.
 * On x86 the values are Linux's, so a Linux host's errno values can be
 * passed through unchanged; use these names in code that must not depend
 * on the host (the guest kernel, wire formats).
 *
 * XEN_ERRNO_LIST(X) calls X(name, value) once per error, e.g. to build a
 * table of names:  #define NAME(n, v) [v] = #n,  ... XEN_ERRNO_LIST(NAME)
 */
#ifndef VMCTL_XEN_ERRNO_H
#define VMCTL_XEN_ERRNO_H

#define XEN_ERRNO_LIST(X)						\
	X(EPERM, 1)		/* operation not permitted */		\
	X(ENOENT, 2)		/* no such entry */			\
	X(ESRCH, 3)		/* no such domain or process */		\
	X(EIO, 5)		/* I/O error */				\
	X(ENXIO, 6)		/* no such device or address */		\
	X(E2BIG, 7)		/* argument list too long */		\
	X(ENOEXEC, 8)		/* exec format error */			\
	X(EBADF, 9)		/* bad handle */			\
	X(ECHILD, 10)		/* no child processes */		\
	X(EAGAIN, 11)		/* try again */				\
	X(EWOULDBLOCK, 11)	/* same as EAGAIN */			\
	X(ENOMEM, 12)		/* out of memory */			\
	X(EACCES, 13)		/* permission denied */			\
	X(EFAULT, 14)		/* bad guest address */			\
	X(EBUSY, 16)		/* resource busy */			\
	X(EEXIST, 17)		/* already exists */			\
	X(EXDEV, 18)		/* cross-device link */			\
	X(ENODEV, 19)		/* no such device */			\
	X(ENOTDIR, 20)		/* not a directory */			\
	X(EISDIR, 21)		/* is a directory */			\
	X(EINVAL, 22)		/* invalid argument */			\
	X(ENFILE, 23)		/* file table overflow */		\
	X(EMFILE, 24)		/* too many open files */		\
	X(ENOSPC, 28)		/* no space left */			\
	X(EROFS, 30)		/* read-only */				\
	X(EMLINK, 31)		/* too many links */			\
	X(EDOM, 33)		/* argument out of domain */		\
	X(ERANGE, 34)		/* result out of range */		\
	X(EDEADLK, 35)		/* deadlock would occur */		\
	X(EDEADLOCK, 35)	/* same as EDEADLK */			\
	X(ENAMETOOLONG, 36)	/* name too long */			\
	X(ENOLCK, 37)		/* no locks available */		\
	X(ENOSYS, 38)		/* not implemented */			\
	X(ENOTEMPTY, 39)	/* not empty */				\
	X(ENODATA, 61)		/* no data available */			\
	X(ETIME, 62)		/* timer expired (singleshot in the past) */ \
	X(EBADMSG, 74)		/* not a data message */		\
	X(EOVERFLOW, 75)	/* value too large */			\
	X(EILSEQ, 84)		/* illegal byte sequence */		\
	X(ENOTSOCK, 88)		/* not a socket */			\
	X(EMSGSIZE, 90)		/* message too long */			\
	X(EOPNOTSUPP, 95)	/* operation not supported */		\
	X(EADDRINUSE, 98)	/* address in use */			\
	X(EADDRNOTAVAIL, 99)	/* address not available */		\
	X(ENOBUFS, 105)		/* no buffer space */			\
	X(EISCONN, 106)		/* already connected */			\
	X(ENOTCONN, 107)	/* not connected */			\
	X(ETIMEDOUT, 110)	/* timed out */				\
	X(ECONNREFUSED, 111)	/* connection refused */

#define XEN_ERRNO_ENUM_(name, value) XEN_##name = value,
enum xen_errno {
	XEN_ERRNO_LIST(XEN_ERRNO_ENUM_)
};
#undef XEN_ERRNO_ENUM_

/*
 * Xen's own, never returned to a guest: a hypercall interrupted before it
 * did anything (EINTR) or to be restarted as a continuation (ERESTART).
 * Named here so the hypervisor can use the same numbers internally.
 */
#define XEN_EINTR    4
#define XEN_ERESTART 85

#endif
