/* dmpeek: a minimal display client (include/vmctl/dmdisplay.h), as a VNC
 * server would be: connect, take the memfd, say one viewer looks, wait
 * for a FRAME, and print the picture's size and the colours found in the
 * first character cell (9x16 pixels at the top left).
 *
 *   dmpeek SOCKET [SECONDS]    prints "size WxH" and "cell0 RRGGBB ..." */
#include "vmctl/dmdisplay.h"

#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static int recv_frame(int s, struct dmdisplay_frame *f, int *fd)
{
	char cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { f, sizeof(*f) };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
			      .msg_controllen = sizeof(cbuf) };
	ssize_t n = recvmsg(s, &msg, 0);
	struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);

	if (fd && cm && cm->cmsg_type == SCM_RIGHTS)
		memcpy(fd, CMSG_DATA(cm), sizeof(int));
	return n == (ssize_t)sizeof(*f) ? 0 : -1;
}

static void print_cell0(const struct dmdisplay_shared *sh)
{
	const uint32_t *px = (const uint32_t *)(const void *)((const uint8_t *)sh + sh->fb_offset);
	uint32_t seen[16];
	unsigned n = 0;

	printf("cell0");
	for (unsigned y = 0; y < 16 && y < sh->height; y++)
		for (unsigned x = 0; x < 9 && x < sh->width; x++) {
			uint32_t c = px[y * (sh->stride / 4) + x] & 0xffffff;
			unsigned i = 0;

			while (i < n && seen[i] != c)
				i++;
			if (i == n && n < 16) {
				seen[n++] = c;
				printf(" %06x", c);
			}
		}
	printf("\n");
}

int main(int argc, char **argv)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct dmdisplay_frame f;
	struct dmdisplay_shared *sh;
	int s, fd = -1, secs = argc > 2 ? atoi(argv[2]) : 10;

	if (argc < 2 || strlen(argv[1]) >= sizeof(sa.sun_path))
		return 2;
	strcpy(sa.sun_path, argv[1]);
	s = socket(AF_UNIX, SOCK_SEQPACKET, 0);
	if (s < 0 || connect(s, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    recv_frame(s, &f, &fd) < 0 || f.type != DMDISPLAY_HELLO || fd < 0) {
		fprintf(stderr, "dmpeek: no display at %s\n", argv[1]);
		return 1;
	}
	sh = mmap(NULL, DMDISPLAY_BYTES, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (sh == MAP_FAILED || sh->magic != DMDISPLAY_MAGIC)
		return 1;
	__atomic_store_n(&sh->viewers, 1, __ATOMIC_RELEASE);
	for (;;) {
		struct pollfd p = { .fd = s, .events = POLLIN };

		if (poll(&p, 1, secs * 1000) != 1 || recv_frame(s, &f, NULL) < 0) {
			fprintf(stderr, "dmpeek: no frame\n");
			return 1;
		}
		if (f.type == DMDISPLAY_FRAME && f.width && f.height)
			break;
	}
	usleep(200 * 1000);   /* let the guest finish its line, then look */
	printf("size %ux%u\n", sh->width, sh->height);
	print_cell0(sh);
	return 0;
}
