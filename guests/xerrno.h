/* Error numbers as Xen returns them (negated) from hypercalls, which are
 * also the values the kernel uses for its own errors.  Names as in Xen's
 * public/errno.h (equal to Linux's values on x86). */
#ifndef GUEST_XERRNO_H
#define GUEST_XERRNO_H

#define EPERM      1
#define ENOENT     2
#define ESRCH      3
#define EINTR      4
#define EIO        5
#define ENXIO      6
#define E2BIG      7
#define EBADF      9
#define EAGAIN    11
#define ENOMEM    12
#define EACCES    13
#define EFAULT    14
#define EBUSY     16
#define EEXIST    17
#define ENODEV    19
#define EISDIR    21
#define EINVAL    22
#define ENOSPC    28
#define EROFS     30
#define ERANGE    34
#define ENOSYS    38
#define ENOTEMPTY 39
#define EOPNOTSUPP 95
#define EISCONN  106
#define ETIMEDOUT 110

#endif
