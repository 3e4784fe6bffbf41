/* pvfb-vnc's figures, measured with a real RFB client (libvncclient)
 * against a running vmctl PV kernel (bench/vnc_bench.sh starts it), each
 * next to a loopback TCP reference measured in the same run:
 *
 *   vnc_perf HOST:PORT rtt N     N pointer moves; each time from sending the
 *                                event to receiving the update that shows
 *                                the cursor the guest drew there (the guest
 *                                writes an 11x11 rectangle and sends UPDATE):
 *                                an upper bound of "guest writes a rectangle
 *                                -> the viewer has it"
 *   vnc_perf HOST:PORT full SECONDS  non-incremental full-screen updates
 *                                (raw encoding) as fast as they come
 *
 * Prints bench rows (bench/README.md). */
#include <rfb/rfbclient.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int frames_done;
static double pixels_got;       /* pixels received in update rectangles */

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void quiet(const char *fmt, ...)
{
}

static void finished(rfbClient *cl)
{
	frames_done++;
}

static void got_rect(rfbClient *cl, int x, int y, int w, int h)
{
	pixels_got += (double)w * (double)h;
}

static rfbClient *connect_to(const char *hostport, const char *encodings)
{
	rfbClient *cl = rfbGetClient(8, 3, 4);
	const char *colon = strrchr(hostport, ':');
	char arg0[] = "vnc_perf", *argv[] = { arg0, NULL };
	int argc = 1;

	if (!cl || !colon)
		return NULL;
	free(cl->serverHost);
	cl->serverHost = strndup(hostport, (size_t)(colon - hostport));
	cl->serverPort = atoi(colon + 1);
	cl->appData.encodingsString = encodings;
	cl->appData.enableJPEG = FALSE;
	cl->FinishedFrameBufferUpdate = finished;
	cl->GotFrameBufferUpdate = got_rect;
	return rfbInitClient(cl, &argc, argv) ? cl : NULL;
}

static int pump(rfbClient *cl, int ms)
{
	int r = WaitForMessage(cl, (unsigned)ms * 1000);

	return r < 0 || (r > 0 && !HandleRFBServerMessage(cl)) ? -1 : r;
}

static uint32_t pixel(rfbClient *cl, int x, int y)
{
	uint32_t v = ((uint32_t *)cl->frameBuffer)[(size_t)y * (size_t)cl->width + (size_t)x];

	return (v & 0xff) << 16 | (v & 0xff00) | (v >> 16 & 0xff); /* client format: R low */
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* ---- references: loopback TCP between two processes -------------------- */

static int tcp_pair(int *a, int *b)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(sa);
	int one = 1, l = socket(AF_INET, SOCK_STREAM, 0);

	if (l < 0 || bind(l, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(l, 1) < 0 ||
	    getsockname(l, (struct sockaddr *)&sa, &len) < 0)
		return -1;
	*a = socket(AF_INET, SOCK_STREAM, 0);
	if (connect(*a, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return -1;
	*b = accept(l, NULL, NULL);
	close(l);
	setsockopt(*a, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	setsockopt(*b, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	return *b < 0 ? -1 : 0;
}

/* Median round trip of one small message to an echoing process. */
static double tcp_rtt_ms(int n)
{
	double *t = calloc((size_t)n, sizeof(*t)), med;
	char msg[10] = "pointer!!";
	int a, b;
	pid_t pid;

	if (!t || tcp_pair(&a, &b) < 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		close(a);
		while (read(b, msg, sizeof(msg)) > 0 && write(b, msg, sizeof(msg)) > 0)
			;
		_exit(0);
	}
	close(b);
	for (int i = 0; i < n; i++) {
		double t0 = now_ms();
		if (write(a, msg, sizeof(msg)) != sizeof(msg) || read(a, msg, sizeof(msg)) <= 0)
			break;
		t[i] = now_ms() - t0;
	}
	close(a);
	waitpid(pid, NULL, 0);
	qsort(t, (size_t)n, sizeof(*t), cmp);
	med = t[n / 2];
	free(t);
	return med;
}

/* Frames of `bytes` per second through loopback TCP for `secs`. */
static double tcp_frames_per_s(size_t bytes, double secs)
{
	char *buf = malloc(1 << 20);
	double t0, total = 0;
	int a, b;
	pid_t pid;

	if (!buf || tcp_pair(&a, &b) < 0)
		return -1;
	memset(buf, 0x5a, 1 << 20);
	pid = fork();
	if (pid == 0) {
		close(a);
		signal(SIGPIPE, SIG_DFL);
		while (write(b, buf, 1 << 20) > 0)
			;
		_exit(0);
	}
	close(b);
	t0 = now_ms();
	while (now_ms() - t0 < secs * 1e3) {
		ssize_t r = read(a, buf, 1 << 20);
		if (r <= 0)
			break;
		total += (double)r;
	}
	secs = (now_ms() - t0) / 1e3;
	close(a);
	kill(pid, SIGTERM);
	waitpid(pid, NULL, 0);
	free(buf);
	return total / (double)bytes / secs;
}

/* ---- the figures ----------------------------------------------------------- */

/* Distinct positions over the colour bars, away from the red one and the
 * caption, so that a red pixel there can only be the new cursor. */
static void position(int i, int *x, int *y)
{
	*x = 30 + (i % 30) * 15;
	*y = 100 + (i / 30 % 16) * 15;
}

static int bench_rtt(rfbClient *cl, int n)
{
	double *t = calloc((size_t)n, sizeof(*t)), ref = tcp_rtt_ms(2000);
	int done = 0;

	for (int k = 0; k < 20; k++)
		pump(cl, 20);
	for (int i = 0; t && i < n; i++) {
		int x, y, seen = 0;
		double t0;

		position(i, &x, &y);
		t0 = now_ms();
		SendPointerEvent(cl, x, y, 0);
		while (!seen && now_ms() - t0 < 2000) {
			if (pump(cl, 100) < 0)
				return 1;
			seen = pixel(cl, x, y) == 0xff0000;
		}
		if (seen)
			t[done++] = now_ms() - t0;
		pump(cl, 5); /* let the restore of the old cursor arrive */
	}
	if (done < n / 2) {
		fprintf(stderr, "vnc_perf: only %d of %d cursor updates seen\n", done, n);
		return 1;
	}
	qsort(t, (size_t)done, sizeof(*t), cmp);
	printf("row\tpointer -> guest draws cursor -> VNC update, median\t%.3f\tms\tloopback TCP round trip\t%.3f\n",
	       t[done / 2], ref);
	printf("row\tpointer -> guest draws cursor -> VNC update, 90th pct\t%.3f\tms\tloopback TCP round trip\t%.3f\n",
	       t[done * 9 / 10], ref);
	free(t);
	return 0;
}

static int bench_full(rfbClient *cl, double secs)
{
	size_t bytes = (size_t)cl->width * (size_t)cl->height * 4;
	double t0, mbs, ref;
	int frames;

	for (int k = 0; k < 20; k++)
		pump(cl, 20);
	frames_done = 0;
	pixels_got = 0;
	t0 = now_ms();
	while (now_ms() - t0 < secs * 1e3) {
		double want = pixels_got + (double)cl->width * cl->height;
		SendFramebufferUpdateRequest(cl, 0, 0, cl->width, cl->height, FALSE);
		while (pixels_got < want)
			if (pump(cl, 1000) < 0)
				return 1;
	}
	/* Whole screens' worth of pixels received, not update messages. */
	frames = (int)(pixels_got / ((double)cl->width * cl->height));
	secs = (now_ms() - t0) / 1e3;
	mbs = (double)frames * (double)bytes / secs / 1e6;
	fprintf(stderr, "vnc_perf: %d update messages, %.0f pixels\n", frames_done, pixels_got);
	ref = tcp_frames_per_s(bytes, 2.0);
	printf("row\tfull-screen updates %dx%dx32, raw (%.0f MB/s)\t%.1f\tframes/s\tloopback TCP, same bytes\t%.1f\n",
	       cl->width, cl->height, mbs, (double)frames / secs, ref);
	return 0;
}

int main(int argc, char **argv)
{
	rfbClient *cl;
	int rc;

	if (argc != 4) {
		fprintf(stderr, "usage: vnc_perf HOST:PORT rtt N | full SECONDS\n");
		return 2;
	}
	rfbClientLog = rfbClientErr = quiet;
	cl = connect_to(argv[1], strcmp(argv[2], "full") ? "zrle hextile raw" : "raw");
	if (!cl) {
		fprintf(stderr, "vnc_perf: cannot connect to %s\n", argv[1]);
		return 1;
	}
	rc = !strcmp(argv[2], "rtt") ? bench_rtt(cl, atoi(argv[3])) : bench_full(cl, atof(argv[3]));
	free(cl->frameBuffer);
	rfbClientCleanup(cl);
	return rc;
}
