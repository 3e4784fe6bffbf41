/* xl save and xl restore: one JSON-RPC call each (domain.save,
 * domain.restore; xld opens the file). On a terminal a second connection
 * follows the call's progress events and draws a bar on stderr: bytes,
 * rate and time left. */
#include "xl/xl.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct progress_bar {
	struct vmctl *vm;         /* subscribed to events */
	char id[32];
	const char *what;         /* "Saving", "Restoring" */
	pthread_t thread;
	int stop;                 /* atomic */
	double t0;
	int drawn;
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* An event notification's params.<key>. */
static long long event_int(yajl_val ev, const char *key)
{
	const char *path[] = { "params", key, NULL };
	yajl_val v = yajl_tree_get(ev, path, yajl_t_number);

	return v && YAJL_IS_INTEGER(v) ? YAJL_GET_INTEGER(v) : -1;
}

static void bar_draw(struct progress_bar *b, long long bytes, long long total)
{
	double el = now_s() - b->t0, rate = el > 0 ? (double)bytes / el : 0;
	double mib = 1024.0 * 1024.0;
	char eta[32] = "--:--";

	if (rate > 0 && total > bytes) {
		long s = (long)((double)(total - bytes) / rate);
		snprintf(eta, sizeof(eta), "%ld:%02ld", s / 60, s % 60);
	}
	fprintf(stderr, "\r%s: %7.1f / %.1f MiB %5.1f%%  %7.1f MiB/s  ETA %s ", b->what,
		(double)bytes / mib, (double)total / mib,
		total > 0 ? 100.0 * (double)bytes / (double)total : 0.0, rate / mib, eta);
	b->drawn = 1;
}

static int bar_mine(struct progress_bar *b, yajl_val ev)
{
	const char *tp[] = { "params", "type", NULL }, *ip[] = { "params", "id", NULL };
	yajl_val type = yajl_tree_get(ev, tp, yajl_t_string);
	yajl_val id = yajl_tree_get(ev, ip, yajl_t_string);

	return type && id && strcmp(type->u.string, "progress") == 0 &&
	       strcmp(id->u.string, b->id) == 0;
}

static void *bar_thread(void *arg)
{
	struct progress_bar *b = arg;
	struct vmctl_error err;
	yajl_val ev;

	while (!__atomic_load_n(&b->stop, __ATOMIC_RELAXED)) {
		int r = vmctl_next_event(b->vm, 200, &ev, &err);

		if (r < 0)
			break;
		if (r == 0)
			continue;
		if (bar_mine(b, ev))
			bar_draw(b, event_int(ev, "bytes"), event_int(ev, "total"));
		yajl_tree_free(ev);
	}
	return NULL;
}

/* Start the bar when stderr is a terminal; *id = "" otherwise. */
static void bar_start(struct progress_bar *b, const char *what)
{
	struct vmctl_error err;

	memset(b, 0, sizeof(*b));
	b->what = what;
	if (!isatty(STDERR_FILENO))
		return;
	b->vm = vmctl_open(NULL, &err);
	if (!b->vm)
		return;
	if (vmctl_call(b->vm, "events.subscribe", NULL, NULL, &err) < 0 ||
	    (snprintf(b->id, sizeof(b->id), "xl-%ld", (long)getpid()),
	     b->t0 = now_s(), pthread_create(&b->thread, NULL, bar_thread, b)) != 0) {
		vmctl_close(b->vm);
		b->vm = NULL;
		b->id[0] = 0;
	}
}

static void bar_stop(struct progress_bar *b, int ok)
{
	if (!b->vm)
		return;
	__atomic_store_n(&b->stop, 1, __ATOMIC_RELAXED);
	pthread_join(b->thread, NULL);
	vmctl_close(b->vm);
	if (b->drawn)
		fprintf(stderr, "%s\n", ok ? "done" : "");
}

/* {"file": f, "cwd": ..., "progress": id, <extra>} */
static int file_params(char *buf, size_t cap, const char *file, const char *id, const char *extra)
{
	char cwd[4096];

	snprintf(buf, cap, "{%s\"file\":", extra);
	if (vmctl_json_quote(buf, cap, file) < 0)
		return -1;
	if (getcwd(cwd, sizeof(cwd))) {
		strncat(buf, ",\"cwd\":", cap - strlen(buf) - 1);
		if (vmctl_json_quote(buf, cap, cwd) < 0)
			return -1;
	}
	if (id[0]) {
		strncat(buf, ",\"progress\":", cap - strlen(buf) - 1);
		if (vmctl_json_quote(buf, cap, id) < 0)
			return -1;
	}
	if (strlen(buf) + 2 > cap)
		return -1;
	strcat(buf, "}");
	return 0;
}

static int run_with_bar(struct xl *xl, const char *what, const char *method, const char *file,
			const char *extra, yajl_val *result)
{
	struct progress_bar bar;
	char params[9000];
	int rc;

	bar_start(&bar, what);
	if (file_params(params, sizeof(params), file, bar.id, extra) < 0) {
		bar_stop(&bar, 0);
		fprintf(stderr, "xl: file name too long\n");
		return -1;
	}
	rc = xl_call(xl, method, params, result);
	bar_stop(&bar, rc == 0);
	return rc;
}

int cmd_save(struct xl *xl, int argc, char **argv)
{
	char extra[600] = "\"domain\":";
	int c, checkpoint = 0, paused = 0;

	while ((c = getopt(argc, argv, "cph")) != -1) {
		if (c == 'c')
			checkpoint = 1;
		else if (c == 'p')
			paused = 1;
		else
			return xl_usage("save");
	}
	if (argc - optind == 3) {
		fprintf(stderr, "xl: save: a replacement config file is not supported; the domain's own config is saved\n");
		return 1;
	}
	if (argc - optind != 2 || vmctl_json_quote(extra, sizeof(extra) - 64, argv[optind]) < 0)
		return xl_usage("save");
	strcat(extra, checkpoint ? ",\"checkpoint\":true," : ",");
	if (paused)
		strcat(extra, "\"paused\":true,");
	return run_with_bar(xl, "Saving", "domain.save", argv[optind + 1], extra, NULL) < 0 ? 1 : 0;
}

int cmd_restore(struct xl *xl, int argc, char **argv)
{
	const char *np[] = { "name", NULL };
	yajl_val res = NULL, name;
	int c, paused = 0, console = 0, rc;

	while ((c = getopt(argc, argv, "pceVdh")) != -1) {
		if (c == 'p')
			paused = 1;
		else if (c == 'c')
			console = 1;
		else if (c != 'e' && c != 'd')	/* -e, -d: we never wait in the background */
			return xl_usage("restore");
	}
	if (argc - optind == 2) {
		fprintf(stderr, "xl: restore: a replacement config file is not supported; the saved config is used\n");
		return 1;
	}
	if (argc - optind != 1)
		return xl_usage("restore");
	if (run_with_bar(xl, "Restoring", "domain.restore", argv[optind],
			 paused ? "\"paused\":true," : "", &res) < 0)
		return 1;
	name = res ? yajl_tree_get(res, np, yajl_t_string) : NULL;
	rc = 0;
	if (console && name) {
		char *dom = strdup(name->u.string);
		char *cargv[] = { "console", dom, NULL };

		optind = 1;
		rc = dom ? cmd_console(xl, 2, cargv) : 1;
		free(dom);
	}
	yajl_tree_free(res);
	return rc;
}
