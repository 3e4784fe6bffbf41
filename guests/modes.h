/* What the kernel does once it is up, chosen with mode= on the command
 * line: the interactive shell, the benchmarks, or one of the test modes
 * that integration tests run (modes.def lists them). */
#ifndef GUEST_MODES_H
#define GUEST_MODES_H

struct kernel;

/* Start mode `name`; -ENOENT if there is no such mode. */
int modes_start(struct kernel *k, const char *name);

/* Print the list of modes. */
void modes_list(struct kernel *k);

#endif
