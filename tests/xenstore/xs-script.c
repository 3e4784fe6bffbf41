/* xs-script: send the XenStore requests of a script to a server and print
 * what comes back, normalised so that two servers can be compared (the
 * differential test against C xenstored, oracle_test.sh).
 *
 *   xs-script SOCKET < script
 *
 * A script line is `TYPE [@] arg...`: TYPE is a message name (READ, WRITE,
 * ...) or a number; `@` sends it in the last started transaction; `''` is an
 * empty argument.  Every argument is sent NUL-terminated, except the last
 * one of WRITE (the value).  Lines starting with '#' are comments.  Output:
 * the request, then every message up to its reply, NULs shown as '|', the
 * numbers of TRANSACTION_START and DIRECTORY_PART generations as <n>. */
#include "vmctl/xen/io/xs_wire.h"
#include "common/util.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static const char *const names[] = {
	"CONTROL", "DIRECTORY", "READ", "GET_PERMS", "WATCH", "UNWATCH", "TRANSACTION_START",
	"TRANSACTION_END", "INTRODUCE", "RELEASE", "GET_DOMAIN_PATH", "WRITE", "MKDIR", "RM",
	"SET_PERMS", "WATCH_EVENT", "ERROR", "IS_DOMAIN_INTRODUCED", "RESUME", "SET_TARGET",
	"RESTRICT", "RESET_WATCHES", "DIRECTORY_PART",
};

static int type_of(const char *s)
{
	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		if (strcmp(names[i], s) == 0)
			return (int)i;
	}
	return atoi(s);
}

static void show(const char *dir, uint32_t type, const char *p, uint32_t len)
{
	const char *name = type < ARRAY_SIZE(names) ? names[type] : "?";
	uint32_t i = 0;

	printf("%s %s ", dir, name);
	/* Numbers that differ between servers by design. */
	if (type == XS_TRANSACTION_START || (type == XS_DIRECTORY_PART && dir[0] == '<')) {
		printf("<n>");
		i = (uint32_t)strnlen(p, len);
	}
	for (; i < len; i++)
		putchar(p[i] ? p[i] : '|');
	putchar('\n');
}

static int recv_msg(int fd, struct xsd_sockmsg *h, char *body)
{
	if (read_all(fd, h, sizeof(*h)) < 0 || h->len > XENSTORE_PAYLOAD_MAX)
		return -1;
	return read_all(fd, body, h->len);
}

static int run_line(int fd, char *line, uint32_t *tx, uint32_t *req)
{
	char body[XENSTORE_PAYLOAD_MAX + 1], *tok, *save = NULL;
	struct xsd_sockmsg h = { 0 };
	uint32_t len = 0;
	bool in_tx = false;
	int type;

	tok = strtok_r(line, " \n", &save);
	if (!tok || tok[0] == '#')
		return 0;
	type = type_of(tok);
	while ((tok = strtok_r(NULL, " \n", &save))) {
		if (strcmp(tok, "@") == 0 && !in_tx) {
			in_tx = true;
			continue;
		}
		if (strcmp(tok, "''") == 0)
			tok = "";
		size_t l = strlen(tok) + 1;
		if (len + l > sizeof(body))
			return -1;
		memcpy(body + len, tok, l);
		len += (uint32_t)l;
	}
	if (type == XS_WRITE && len)
		len--; /* the value goes without its NUL */
	h = (struct xsd_sockmsg){ (uint32_t)type, ++*req, in_tx ? *tx : 0, len };
	show(">", h.type, body, len);
	if (write_all(fd, &h, sizeof(h)) < 0 || write_all(fd, body, len) < 0)
		return -1;
	do {
		if (recv_msg(fd, &h, body) < 0)
			return -1;
		show("<", h.type, body, h.len);
	} while (h.type == XS_WATCH_EVENT);
	if (h.type == XS_TRANSACTION_START)
		*tx = (uint32_t)atoi(body);
	return 0;
}

int main(int argc, char **argv)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char line[4096];
	uint32_t tx = 0, req = 0;
	int fd;

	if (argc != 2 || strlen(argv[1]) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "usage: xs-script SOCKET < script\n");
		return 2;
	}
	memcpy(sa.sun_path, argv[1], strlen(argv[1]) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		perror("xs-script: connect");
		return 1;
	}
	while (fgets(line, sizeof(line), stdin)) {
		if (run_line(fd, line, &tx, &req) < 0) {
			printf("! connection lost\n");
			return 1;
		}
	}
	close(fd);
	return 0;
}
