/* The client side of xld's JSON-RPC: one request line out, lines in until
 * the answer with our id arrives (event notifications met on the way are
 * kept for vmctl_next_event). */
#include "config.h"
#include "libvmctl/libvmctl.h"
#include "common/util.h"

#include <yajl/yajl_gen.h>

#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define MAX_ANSWER (256u << 20)

struct queued_event {
	yajl_val event;
	struct queued_event *next;
};

struct vmctl {
	int fd;
	unsigned long next_id;
	char *buf;               /* bytes received, not yet consumed */
	size_t len, cap;
	struct queued_event *events, **events_tail;
};

static void set_err(struct vmctl_error *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void set_err(struct vmctl_error *err, int code, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return;
	err->code = code;
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof(err->message), fmt, ap);
	va_end(ap);
}

const char *vmctl_rundir(void)
{
	const char *d = getenv("VMCTL_RUNDIR");

	return d && *d ? d : "/run/vmctl";
}

struct vmctl *vmctl_open(const char *rundir, struct vmctl_error *err)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct vmctl *vm;
	int n;

	if (!rundir)
		rundir = vmctl_rundir();
	n = snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/xld.sock", rundir);
	if (n < 0 || (size_t)n >= sizeof(sa.sun_path)) {
		set_err(err, VMCTL_ERR_TRANSPORT, "run directory path too long: %s", rundir);
		return NULL;
	}
	vm = calloc(1, sizeof(*vm));
	if (!vm) {
		set_err(err, VMCTL_ERR_TRANSPORT, "out of memory");
		return NULL;
	}
	vm->events_tail = &vm->events;
	vm->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (vm->fd < 0 || connect(vm->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		set_err(err, VMCTL_ERR_TRANSPORT, "cannot connect to xld at %s: %s (is xld running?)",
			sa.sun_path, strerror(errno));
		vmctl_close(vm);
		return NULL;
	}
	return vm;
}

void vmctl_close(struct vmctl *vm)
{
	if (!vm)
		return;
	while (vm->events) {
		struct queued_event *e = vm->events;
		vm->events = e->next;
		yajl_tree_free(e->event);
		free(e);
	}
	if (vm->fd >= 0)
		close(vm->fd);
	free(vm->buf);
	free(vm);
}

/* Read one line (without its newline) into a new string; NULL on error/timeout. */
static char *read_line(struct vmctl *vm, int timeout_ms, struct vmctl_error *err, int *timed_out)
{
	*timed_out = 0;
	for (;;) {
		char *nl = vm->len ? memchr(vm->buf, '\n', vm->len) : NULL;
		if (nl) {
			size_t n = (size_t)(nl - vm->buf);
			char *line = strndup(vm->buf, n);
			vm->len -= n + 1;
			memmove(vm->buf, nl + 1, vm->len);
			return line;
		}
		if (vm->cap - vm->len < 65536) {
			size_t cap = vm->cap ? vm->cap * 2 : 131072;
			char *p = cap > MAX_ANSWER ? NULL : realloc(vm->buf, cap);
			if (!p) {
				set_err(err, VMCTL_ERR_TRANSPORT, "answer from xld too large");
				return NULL;
			}
			vm->buf = p;
			vm->cap = cap;
		}
		struct pollfd pfd = { .fd = vm->fd, .events = POLLIN };
		int r = poll(&pfd, 1, timeout_ms);
		if (r == 0) {
			*timed_out = 1;
			return NULL;
		}
		ssize_t got = r < 0 ? -1 : read(vm->fd, vm->buf + vm->len, vm->cap - vm->len);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0) {
			set_err(err, VMCTL_ERR_TRANSPORT, "connection to xld lost%s%s",
				got < 0 ? ": " : "", got < 0 ? strerror(errno) : "");
			return NULL;
		}
		vm->len += (size_t)got;
	}
}

static yajl_val get(yajl_val obj, const char *key, yajl_type t)
{
	const char *path[] = { key, NULL };

	return yajl_tree_get(obj, path, t);
}

/* Parse one line; queue it if it is an event. Returns the tree of an answer. */
static yajl_val take_line(struct vmctl *vm, char *line, struct vmctl_error *err, int *is_event)
{
	char ebuf[128];
	yajl_val v = yajl_tree_parse(line, ebuf, sizeof(ebuf));

	*is_event = 0;
	if (!v || !YAJL_IS_OBJECT(v)) {
		set_err(err, VMCTL_ERR_TRANSPORT, "xld sent something that is not a JSON object");
		yajl_tree_free(v);
		return NULL;
	}
	yajl_val m = get(v, "method", yajl_t_string);
	if (m && strcmp(m->u.string, "event") == 0) {
		struct queued_event *e = calloc(1, sizeof(*e));
		*is_event = 1;
		if (!e) {
			yajl_tree_free(v);
			return NULL;
		}
		e->event = v;
		*vm->events_tail = e;
		vm->events_tail = &e->next;
		return NULL;
	}
	return v;
}

int vmctl_call(struct vmctl *vm, const char *method, const char *params_json,
	       yajl_val *result, struct vmctl_error *err)
{
	char head[512];
	unsigned long id = ++vm->next_id;
	int rc = -1, n, is_event, timed_out;
	yajl_val answer = NULL;

	if (result)
		*result = NULL;
	n = snprintf(head, sizeof(head), "{\"jsonrpc\":\"2.0\",\"id\":%lu,\"method\":", id);
	if (vmctl_json_quote(head, sizeof(head), method) < 0 || n < 0) {
		set_err(err, VMCTL_ERR_TRANSPORT, "method name too long");
		return -1;
	}
	if (write_all(vm->fd, head, strlen(head)) < 0 ||
	    (params_json && (write_all(vm->fd, ",\"params\":", 10) < 0 ||
			     write_all(vm->fd, params_json, strlen(params_json)) < 0)) ||
	    write_all(vm->fd, "}\n", 2) < 0) {
		set_err(err, VMCTL_ERR_TRANSPORT, "cannot send to xld: %s", strerror(errno));
		return -1;
	}
	for (;;) {
		char *line = read_line(vm, -1, err, &timed_out);
		if (!line)
			return -1;
		answer = take_line(vm, line, err, &is_event);
		free(line);
		if (is_event)
			continue;
		if (!answer)
			return -1;
		yajl_val aid = get(answer, "id", yajl_t_number);
		if (aid && YAJL_IS_INTEGER(aid) && (unsigned long)aid->u.number.i == id)
			break;
		yajl_val e = get(answer, "error", yajl_t_object);
		if (!aid && e) /* an error about an unparseable request: ours */
			break;
		yajl_tree_free(answer);
	}
	yajl_val e = get(answer, "error", yajl_t_object);
	if (e) {
		yajl_val code = get(e, "code", yajl_t_number);
		yajl_val msg = get(e, "message", yajl_t_string);
		set_err(err, code ? (int)code->u.number.i : VMCTL_ERR_TRANSPORT, "%s",
			msg ? msg->u.string : "unknown error");
		goto out;
	}
	yajl_val res = get(answer, "result", yajl_t_any);
	if (!res) {
		set_err(err, VMCTL_ERR_TRANSPORT, "answer without result");
		goto out;
	}
	if (result) {
		/* Detach the result from the answer so the caller owns just that. */
		for (size_t i = 0; i < answer->u.object.len; i++) {
			if (strcmp(answer->u.object.keys[i], "result") == 0) {
				*result = answer->u.object.values[i];
				answer->u.object.values[i] = NULL;
			}
		}
	}
	rc = 0;
out:
	yajl_tree_free(answer);
	return rc;
}

int vmctl_next_event(struct vmctl *vm, int timeout_ms, yajl_val *event,
		     struct vmctl_error *err)
{
	int is_event, timed_out;

	while (!vm->events) {
		char *line = read_line(vm, timeout_ms, err, &timed_out);
		if (!line)
			return timed_out ? 0 : -1;
		yajl_val stray = take_line(vm, line, err, &is_event);
		free(line);
		yajl_tree_free(stray);
	}
	struct queued_event *e = vm->events;
	vm->events = e->next;
	if (!vm->events)
		vm->events_tail = &vm->events;
	*event = e->event;
	free(e);
	return 1;
}

int vmctl_take_fd(struct vmctl *vm, char **rest, size_t *rest_len)
{
	int fd = vm->fd;

	*rest = NULL;
	*rest_len = 0;
	if (vm->len) {
		*rest = malloc(vm->len);
		if (*rest) {
			memcpy(*rest, vm->buf, vm->len);
			*rest_len = vm->len;
		}
	}
	vm->fd = -1;
	vmctl_close(vm);
	return fd;
}

int vmctl_json_quote(char *buf, size_t cap, const char *s)
{
	size_t n = strlen(buf);

	if (n + 1 >= cap)
		return -1;
	buf[n++] = '"';
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;
		char esc[8];
		const char *add = esc;
		if (ch == '"' || ch == '\\')
			snprintf(esc, sizeof(esc), "\\%c", ch);
		else if (ch < 0x20)
			snprintf(esc, sizeof(esc), "\\u%04x", ch);
		else
			esc[0] = (char)ch, esc[1] = '\0';
		size_t l = strlen(add);
		if (n + l + 2 > cap)
			return -1;
		memcpy(buf + n, add, l);
		n += l;
	}
	buf[n++] = '"';
	buf[n] = '\0';
	return 0;
}

void vmctl_json_gen_tree(yajl_gen g, yajl_val v)
{
	if (!v || YAJL_IS_NULL(v)) {
		yajl_gen_null(g);
	} else if (YAJL_IS_STRING(v)) {
		yajl_gen_string(g, (const unsigned char *)v->u.string, strlen(v->u.string));
	} else if (YAJL_IS_NUMBER(v)) {
		yajl_gen_number(g, v->u.number.r, strlen(v->u.number.r));
	} else if (YAJL_IS_TRUE(v) || YAJL_IS_FALSE(v)) {
		yajl_gen_bool(g, YAJL_IS_TRUE(v));
	} else if (YAJL_IS_ARRAY(v)) {
		yajl_gen_array_open(g);
		for (size_t i = 0; i < v->u.array.len; i++)
			vmctl_json_gen_tree(g, v->u.array.values[i]);
		yajl_gen_array_close(g);
	} else {
		yajl_gen_map_open(g);
		for (size_t i = 0; i < v->u.object.len; i++) {
			yajl_gen_string(g, (const unsigned char *)v->u.object.keys[i],
					strlen(v->u.object.keys[i]));
			vmctl_json_gen_tree(g, v->u.object.values[i]);
		}
		yajl_gen_map_close(g);
	}
}
