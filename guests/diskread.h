/* test-diskread (diskread.c): read the first disk forever into buffers
 * only the backend writes, checking them after every resume. */
#ifndef GUEST_DISKREAD_H
#define GUEST_DISKREAD_H

struct kernel;

/* Fill the disk, start the reads (and the shell); NULL, or why not. */
const char *diskread_start(struct kernel *k);

#endif
