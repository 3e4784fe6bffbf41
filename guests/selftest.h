/* Self-tests of the kernel's own library code (printf, parsing, checksums),
 * run inside the guest by mode=test-lib: the code is tested where it runs,
 * built with the guest's flags. */
#ifndef GUEST_SELFTEST_H
#define GUEST_SELFTEST_H

struct kernel;

/* Run every check; NULL when all pass, else a description of the first
 * failure.  Prints one line per check. */
const char *selftest_lib(struct kernel *k);

#endif
