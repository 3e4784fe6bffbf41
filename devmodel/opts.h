/* vmctl-devmodel's command line (docs/devmodel.md lists every option). */
#ifndef VMCTL_DEVMODEL_OPTS_H
#define VMCTL_DEVMODEL_OPTS_H

#include "devmodel/dm.h"

#include <stdbool.h>
#include <sys/types.h>

struct dm_opts {
	struct dm_config cfg;
	uint32_t domid;
	bool have_domid;
	const char *rundir;
	const char *log;
	const char *serial;          /* pty (default), none, fd:N, file:PATH */
	const char *debug_log;       /* where the debug ports' text goes */
	uid_t uid;
	gid_t gid;
	int ready_fd;                /* "ready\n" once serving (-1 = none) */
	bool sandbox;
	bool linger;                 /* spin briefly for the next ioreq */
	bool lowmem_set;
};

/* Parse argv into o (defaults first). 0, or -EINVAL with a message on
 * stderr. */
int opts_parse(struct dm_opts *o, int argc, char **argv);

#endif
