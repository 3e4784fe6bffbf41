/* libvmctl: the public API of vmctl's client library.
 *
 * A program reaches xld through its JSON-RPC socket ($VMCTL_RUNDIR/xld.sock,
 * see docs/api.md): open a connection, call methods, close it. Results come
 * back as yajl trees (link with `pkg-config --libs libvmctl`, which brings
 * yajl). Every function is safe to use from one thread per connection.
 */
#ifndef VMCTL_LIBVMCTL_H
#define VMCTL_LIBVMCTL_H

#include <stddef.h>
#include <yajl/yajl_gen.h>
#include <yajl/yajl_tree.h>

/* The library's version string, e.g. "0.1.0". */
const char *vmctl_version(void);

/* The run directory: $VMCTL_RUNDIR, else /run/vmctl. */
const char *vmctl_rundir(void);

struct vmctl;

/* An error from a call: the API's stable code (docs/api.md; negative codes
 * are JSON-RPC's own, VMCTL_ERR_TRANSPORT means xld could not be reached or
 * answered garbage) and a human message. */
#define VMCTL_ERR_TRANSPORT (-1)
struct vmctl_error {
	int code;
	char message[1024];
};

/* Connect to xld under `rundir` (NULL = vmctl_rundir()). NULL on failure,
 * with the reason in *err. */
struct vmctl *vmctl_open(const char *rundir, struct vmctl_error *err);
void vmctl_close(struct vmctl *vm);

/* Call `method` with `params_json` (a JSON object as text, or NULL).
 * On success returns 0 and, if `result` is not NULL, stores the result tree
 * (free it with yajl_tree_free). On failure returns -1 and fills *err. */
int vmctl_call(struct vmctl *vm, const char *method, const char *params_json,
	       yajl_val *result, struct vmctl_error *err);

/* Wait for the next event notification after an "events.subscribe" call;
 * `timeout_ms` < 0 waits forever. Returns 1 with *event set, 0 on timeout,
 * -1 on error. */
int vmctl_next_event(struct vmctl *vm, int timeout_ms, yajl_val *event,
		     struct vmctl_error *err);

/* After a call that switched the connection to another protocol (such as
 * "console.attach"), take its file descriptor: *rest receives the bytes
 * already received beyond the answer (malloc'd, *rest_len of them). The
 * connection is closed; the caller owns the fd. Returns the fd or -1. */
int vmctl_take_fd(struct vmctl *vm, char **rest, size_t *rest_len);

/* Append `s` to `buf` (capacity `cap`, NUL-terminated) as a JSON string
 * literal with quotes. Returns 0, or -1 if it does not fit. */
int vmctl_json_quote(char *buf, size_t cap, const char *s);

/* Emit a parsed tree (NULL = null) into a yajl generator: the way to nest a
 * result inside JSON of one's own. */
void vmctl_json_gen_tree(yajl_gen g, yajl_val v);

#endif
