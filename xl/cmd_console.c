/* xl console: attach this terminal to a domain's console through xld.
 * Ctrl-] detaches, as with Xen's xl. */
#include "xl/xl.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#define ESCAPE_CHAR 0x1d /* Ctrl-] */

static int raw_terminal(struct termios *saved)
{
	struct termios t;

	if (!isatty(STDIN_FILENO) || tcgetattr(STDIN_FILENO, saved) < 0)
		return 0;
	t = *saved;
	cfmakeraw(&t);
	return tcsetattr(STDIN_FILENO, TCSANOW, &t) == 0;
}

#define DRAIN_MS 300 /* after input ends, show output until it is this quiet */

/* Copy both ways until the console closes, the user detaches, or the input
 * ended (a script piping commands) and the output has gone quiet. */
static int relay(int sock, int interactive)
{
	struct pollfd p[2] = { { .fd = sock, .events = POLLIN }, { .fd = STDIN_FILENO, .events = POLLIN } };
	char buf[4096];
	int nfds = 2;

	for (;;) {
		int r = poll(p, (nfds_t)nfds, nfds == 2 ? -1 : DRAIN_MS);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return 1;
		}
		if (r == 0)
			return 0; /* input ended and the guest has said its piece */
		if (p[0].revents) {
			ssize_t n = read(sock, buf, sizeof(buf));
			if (n <= 0)
				return 0; /* the domain went away */
			if (write(STDOUT_FILENO, buf, (size_t)n) < 0)
				return 1;
		}
		if (nfds == 2 && p[1].revents) {
			ssize_t n = read(STDIN_FILENO, buf, sizeof(buf));
			if (n <= 0) {
				nfds = 1; /* input ended: drain the output, then stop */
				continue;
			}
			char *esc = interactive ? memchr(buf, ESCAPE_CHAR, (size_t)n) : NULL;
			size_t len = esc ? (size_t)(esc - buf) : (size_t)n;
			if (len && write(sock, buf, len) < 0)
				return 1;
			if (esc)
				return 0;
		}
	}
}

/* xl console [-t pv|serial] [-n NUM] <Domain>: without -t, the domain's
 * own default (serial for hvm, pv otherwise), as xenconsole does. */
int cmd_console(struct xl *xl, int argc, char **argv)
{
	char params[512] = "{\"domain\":", *rest = NULL, *end;
	const char *type = NULL;
	struct termios saved;
	size_t rest_len = 0;
	long num = 0;
	int c, fd, rc, raw;

	while ((c = getopt(argc, argv, "t:n:h")) != -1) {
		if (c == 't' && strcmp(optarg, "pv") != 0 && strcmp(optarg, "serial") != 0)
			return xl_usage("console");
		if (c == 't')
			type = optarg;
		if (c == 'n') {
			num = strtol(optarg, &end, 10);
			if (*end || end == optarg || num < 0 || num > 255)
				return xl_usage("console");
		}
		if (c == 'h' || c == '?')
			return xl_usage("console");
	}
	if (optind + 1 != argc || vmctl_json_quote(params, sizeof(params) - 64, argv[optind]) < 0)
		return xl_usage("console");
	snprintf(params + strlen(params), 64, ",\"writer\":true,\"num\":%ld%s%s%s}", num,
		 type ? ",\"type\":\"" : "", type ? type : "", type ? "\"" : "");
	if (xl_call(xl, "console.attach", params, NULL) < 0)
		return 1;
	fd = vmctl_take_fd(xl->vm, &rest, &rest_len);
	xl->vm = NULL;
	if (rest_len && write(STDOUT_FILENO, rest, rest_len) < 0)
		rest_len = 0;
	free(rest);
	raw = raw_terminal(&saved);
	rc = relay(fd, raw);
	if (raw)
		tcsetattr(STDIN_FILENO, TCSANOW, &saved);
	close(fd);
	return rc;
}
