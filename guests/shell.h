/* The console shell: one command per line, words split at blanks, commands
 * listed in shell.def.  Output goes to the console like everything else. */
#ifndef GUEST_SHELL_H
#define GUEST_SHELL_H

struct kernel;

/* Run the commands of the run= option (CMD;CMD, words separated by
 * commas), then print the prompt and take the console's input lines. */
void shell_start(struct kernel *k);

/* Run one command line (also used by test modes). */
void shell_run(struct kernel *k, char *line);

#endif
