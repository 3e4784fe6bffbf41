/* The other end of COM1, chosen on the command line:
 *   pty       a new pseudo-terminal (raw); its path is logged and written
 *             to $rundir/devmodel.<domid>.serial for xld (xl console -t serial)
 *   fd:N      an inherited descriptor (a socket or pty xld made)
 *   file:PATH output appended to a file, no input
 *   none      nothing
 */
#ifndef VMCTL_DEVMODEL_SERIAL_H
#define VMCTL_DEVMODEL_SERIAL_H

#include <stdint.h>

struct serial {
	int fd;             /* the UART's descriptor, or -1 */
	int keep;           /* a pty's slave, kept open so the master never hangs up */
	char *path_file;    /* the file naming the pty, removed at close */
};

void serial_init(struct serial *s);
int serial_open(struct serial *s, const char *spec, const char *rundir, uint32_t domid);
void serial_close(struct serial *s);

#endif
