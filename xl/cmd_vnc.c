/* xl vncviewer: run a VNC viewer on a domain's display, as Xen's xl does:
 * `$VNCVIEWER` (default vncviewer) with HOST:DISPLAY from the vnc.info
 * method (console/vnc-port and vnc-listen in xenstore); with --autopass
 * the password goes to the viewer's standard input and it is given
 * -autopass (TigerVNC and TightVNC viewers read it from there). */
#include "xl/xl.h"
#include "xl/vnc.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* The password as the viewer's stdin, from a memory file (never on disk). */
static int password_stdin(const char *pw)
{
	int fd = memfd_create("vncpasswd", MFD_CLOEXEC);
	size_t len = strlen(pw);

	if (fd < 0 || write(fd, pw, len) != (ssize_t)len || write(fd, "\n", 1) != 1 ||
	    lseek(fd, 0, SEEK_SET) < 0 || dup2(fd, STDIN_FILENO) < 0) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

static int exec_viewer(const char *target, const char *pw, int autopass)
{
	const char *env = getenv("VNCVIEWER");
	const char *prog = env && *env ? env : "vncviewer";
	char *argv[4];
	int n = 0;

	argv[n++] = (char *)prog;
	if (autopass)
		argv[n++] = "-autopass";
	argv[n++] = (char *)target;
	argv[n] = NULL;
	if (autopass && password_stdin(pw ? pw : "") < 0) {
		fprintf(stderr, "xl: cannot pass the password: %s\n", strerror(errno));
		return 1;
	}
	execvp(prog, argv);
	fprintf(stderr, "xl: cannot run %s: %s\n", prog, strerror(errno));
	return 1;
}

/* Code 4 of docs/api.md: the domain has no display (yet). */
#define NO_DISPLAY_YET 4

/* vnc.info; with `wait`, while the domain's VNC server is still starting
 * (xl create -V asks right after the domain starts, and the server
 * publishes its port a moment later), ask again for up to 10 s. */
static int vnc_info(struct xl *xl, const char *params, bool wait, yajl_val *res)
{
	struct vmctl_error err;
	int tries = wait ? 200 : 1;

	while (vmctl_call(xl_conn(xl), "vnc.info", params, res, &err) < 0) {
		if (err.code != NO_DISPLAY_YET || --tries == 0) {
			fprintf(stderr, "xl: %s\n", err.message);
			return -1;
		}
		usleep(50 * 1000);
	}
	return 0;
}

int xl_vncviewer(struct xl *xl, const char *domain, int autopass, bool wait)
{
	char params[512] = "{\"domain\":", target[320], b1[64], b2[64];
	const char *kl[] = { "listen", NULL }, *kd[] = { "display", NULL }, *kp[] = { "password", NULL };
	yajl_val res = NULL;
	char *pw = NULL;
	int rc;

	if (vmctl_json_quote(params + strlen(params), sizeof(params) - strlen(params) - 40,
			     domain) < 0)
		return xl_usage("vncviewer");
	strcat(params, autopass ? ",\"autopass\":true}" : "}");
	if (vnc_info(xl, params, wait, &res) < 0)
		return 1;
	snprintf(target, sizeof(target), "%s:%s",
		 xl_json_text(yajl_tree_get(res, kl, yajl_t_any), b1, sizeof(b1)),
		 xl_json_text(yajl_tree_get(res, kd, yajl_t_any), b2, sizeof(b2)));
	if (autopass)
		pw = strdup(xl_json_text(yajl_tree_get(res, kp, yajl_t_any), b1, sizeof(b1)));
	yajl_tree_free(res);
	vmctl_close(xl->vm);
	xl->vm = NULL;
	rc = exec_viewer(target, pw, autopass);
	free(pw);
	return rc;
}

int cmd_vncviewer(struct xl *xl, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "autopass", no_argument, NULL, 'a' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c, autopass = 0;

	while ((c = getopt_long(argc, argv, "ah", longopts, NULL)) != -1) {
		if (c != 'a')
			return xl_usage("vncviewer");
		autopass = 1;
	}
	if (optind != argc - 1)
		return xl_usage("vncviewer");
	return xl_vncviewer(xl, argv[optind], autopass, false);
}
