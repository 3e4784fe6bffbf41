/* A real RFB client (libvncclient) for pvfb-vnc's tests and benchmark.
 *
 *   vnc_client [--password PW] HOST:PORT ACTION...
 *
 * Actions run in order on one connection:
 *   pattern           wait (10 s at most) until the screen shows the vmctl
 *                     PV kernel's test picture (guests/draw.c), every pixel
 *                     of the colour bars and the grey ramp compared
 *   size W H          the screen is W x H
 *   pixel X Y RRGGBB  wait until that pixel has that colour
 *   key KEYSYM        press and release a key (X keysym, e.g. 0x61 for a)
 *   pointer X Y       move the pointer there (no button)
 *   click X Y         press and release the left button there
 *   small X Y         move the pointer there; the updates that bring the
 *                     guest's cursor cover under a tenth of the screen
 *   settle            take updates until 100 ms pass without one (10 s
 *                     at most): the screen is what the server last sent
 *   dump FILE         write the screen as a PPM (binary P6)
 *
 * Exit status: 0 all actions passed, 1 one failed (a line says which),
 * 2 no connection, 3 the server refused the password. */
#include <rfb/rfbclient.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define WAIT_MS 10000
#define STATUS_H 24     /* guests/draw.c: the status line at the bottom */

static const char *password;
static int auth_failed;
static double rect_pixels;      /* pixels received in update rectangles */
static int rects;

static void log_quiet(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void log_quiet(const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (strstr(buf, "uthentication failed") || strstr(buf, "password check failed"))
		auth_failed = 1;
	fprintf(stderr, "# %s", buf);
}

static void got_rect(rfbClient *cl, int x, int y, int w, int h)
{
	rect_pixels += (double)w * (double)h;
	rects++;
}

static char *get_password(rfbClient *cl)
{
	return strdup(password ? password : "");
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* Take what the server sent within `ms`; false when the connection broke. */
static int pump(rfbClient *cl, int ms)
{
	int r = WaitForMessage(cl, (unsigned)ms * 1000);

	if (r < 0)
		return 0;
	if (r > 0 && !HandleRFBServerMessage(cl))
		return 0;
	return 1;
}

/* The pixel at (x, y) as 0xRRGGBB, whatever the client's format. */
static uint32_t pixel(rfbClient *cl, int x, int y)
{
	const rfbPixelFormat *f = &cl->format;
	uint32_t v = ((uint32_t *)cl->frameBuffer)[(size_t)y * (size_t)cl->width + (size_t)x];
	uint32_t r = (v >> f->redShift) & f->redMax;
	uint32_t g = (v >> f->greenShift) & f->greenMax;
	uint32_t b = (v >> f->blueShift) & f->blueMax;

	return r << 16 | g << 8 | b;
}

/* guests/draw.c's picture: eight bars over the top two thirds, a grey
 * ramp below, an orange border; text in the top left and a status line at
 * the bottom (not compared). Returns the number of wrong pixels. */
static long pattern_errors(rfbClient *cl)
{
	static const uint32_t bars[] = { 0xffffff, 0xffff00, 0x00ffff, 0x00ff00,
					 0xff00ff, 0xff0000, 0x0000ff, 0x000000 };
	int w = cl->width, h = cl->height - STATUS_H, bar_h = h * 2 / 3, bw = w / 8;
	long bad = 0;

	for (int y = 90; y < bar_h; y++)
		for (int x = 4; x < w - 4; x++)
			bad += pixel(cl, x, y) != bars[x / bw < 8 ? x / bw : 7];
	for (int y = bar_h; y < h - 4; y++)
		for (int x = 4; x < w - 4; x++) {
			uint32_t g = (uint32_t)(x * 255 / (w - 1));
			bad += pixel(cl, x, y) != (g << 16 | g << 8 | g);
		}
	for (int x = 0; x < w; x++)
		bad += (pixel(cl, x, 1) != 0xff8000) + (pixel(cl, x, h - 2) != 0xff8000);
	for (int y = 0; y < h; y++)
		bad += (pixel(cl, 1, y) != 0xff8000) + (pixel(cl, w - 2, y) != 0xff8000);
	return bad;
}

static int act_pattern(rfbClient *cl)
{
	uint64_t end = now_ms() + WAIT_MS;
	long bad = -1;

	while (now_ms() < end) {
		if (!pump(cl, 50))
			return 1;
		bad = pattern_errors(cl);
		if (bad == 0) {
			printf("ok the test picture, %dx%d, every compared pixel right\n", cl->width,
			       cl->height);
			return 0;
		}
	}
	printf("FAIL the test picture: %ld pixels differ (e.g. (4,100) is %06x)\n", bad,
	       pixel(cl, 4, 100));
	return 1;
}

static int act_pixel(rfbClient *cl, int x, int y, uint32_t want)
{
	uint64_t end = now_ms() + WAIT_MS;

	while (now_ms() < end) {
		if (x < cl->width && y < cl->height && pixel(cl, x, y) == want) {
			printf("ok pixel (%d,%d) is %06x\n", x, y, want);
			return 0;
		}
		if (!pump(cl, 50))
			return 1;
	}
	printf("FAIL pixel (%d,%d) is %06x, not %06x\n", x, y,
	       x < cl->width && y < cl->height ? pixel(cl, x, y) : 0, want);
	return 1;
}

static int act_dump(rfbClient *cl, const char *file)
{
	FILE *f = fopen(file, "wb");

	if (!f)
		return 1;
	fprintf(f, "P6\n%d %d\n255\n", cl->width, cl->height);
	for (int y = 0; y < cl->height; y++)
		for (int x = 0; x < cl->width; x++) {
			uint32_t p = pixel(cl, x, y);
			unsigned char rgb[3] = { (unsigned char)(p >> 16), (unsigned char)(p >> 8),
						 (unsigned char)p };
			fwrite(rgb, 1, 3, f);
		}
	return fclose(f) ? 1 : 0;
}

static int act_key(rfbClient *cl, uint32_t sym)
{
	return SendKeyEvent(cl, sym, TRUE) && SendKeyEvent(cl, sym, FALSE) && pump(cl, 10) ? 0 : 1;
}

static int act_pointer(rfbClient *cl, int x, int y, int click)
{
	int ok = SendPointerEvent(cl, x, y, click ? 1 : 0);

	if (click)
		ok = ok && SendPointerEvent(cl, x, y, 0);
	return ok && pump(cl, 10) ? 0 : 1;
}

/* Take what is pending until `quiet_ms` pass without a message (WAIT_MS
 * at most). */
static int act_settle(rfbClient *cl, unsigned quiet_ms)
{
	uint64_t end = now_ms() + WAIT_MS;

	while (now_ms() < end && WaitForMessage(cl, quiet_ms * 1000) > 0)
		if (!HandleRFBServerMessage(cl))
			return 1;
	return 0;
}

/* Move the pointer to (x, y) and wait for the guest's cursor there: the
 * updates that brought it must cover a small part of the screen (the
 * cursor's squares and the status line), not all of it. */
static int act_small(rfbClient *cl, int x, int y)
{
	double screen = (double)cl->width * cl->height;
	uint64_t end;

	if (act_settle(cl, 50))
		return 1;
	end = now_ms() + WAIT_MS;
	rect_pixels = 0;
	rects = 0;
	SendPointerEvent(cl, x, y, 0);
	while (pixel(cl, x, y) != 0xff0000 && now_ms() < end)
		if (!pump(cl, 50))
			return 1;
	for (int i = 0; i < 10; i++)
		pump(cl, 20); /* the rest of the redraw (old cursor, status line) */
	printf("%s the pointer move brought %d rectangles, %.0f pixels (%.1f%% of the screen)\n",
	       rects > 0 && rect_pixels < screen / 10 ? "ok" : "FAIL", rects, rect_pixels,
	       100 * rect_pixels / screen);
	return rects > 0 && rect_pixels < screen / 10 ? 0 : 1;
}

static int act_size(rfbClient *cl, int w, int h)
{
	for (int i = 0; i < 20 && (cl->width != w || cl->height != h); i++)
		pump(cl, 50);
	printf("%s screen %dx%d (want %dx%d)\n", cl->width == w && cl->height == h ? "ok" : "FAIL",
	       cl->width, cl->height, w, h);
	return cl->width == w && cl->height == h ? 0 : 1;
}

/* One action from argv at *i (advanced past its arguments). */
static int run_action(rfbClient *cl, int argc, char **argv, int *i)
{
	const char *a = argv[(*i)++];
	int need = !strcmp(a, "pixel") ? 3 : !strcmp(a, "pointer") || !strcmp(a, "click") ||
		   !strcmp(a, "size") || !strcmp(a, "small") ? 2 :
		   !strcmp(a, "key") || !strcmp(a, "dump") ? 1 : 0;
	char **v = argv + *i;

	if (*i + need > argc) {
		fprintf(stderr, "vnc_client: %s needs %d arguments\n", a, need);
		return 1;
	}
	*i += need;
	if (!strcmp(a, "pattern"))
		return act_pattern(cl);
	if (!strcmp(a, "pixel"))
		return act_pixel(cl, atoi(v[0]), atoi(v[1]), (uint32_t)strtoul(v[2], NULL, 16));
	if (!strcmp(a, "key"))
		return act_key(cl, (uint32_t)strtoul(v[0], NULL, 0));
	if (!strcmp(a, "pointer") || !strcmp(a, "click"))
		return act_pointer(cl, atoi(v[0]), atoi(v[1]), a[0] == 'c');
	if (!strcmp(a, "size"))
		return act_size(cl, atoi(v[0]), atoi(v[1]));
	if (!strcmp(a, "small"))
		return act_small(cl, atoi(v[0]), atoi(v[1]));
	if (!strcmp(a, "dump"))
		return act_dump(cl, v[0]);
	if (!strcmp(a, "settle")) {
		/* Ask for the whole screen again: what arrives is all current. */
		SendFramebufferUpdateRequest(cl, 0, 0, cl->width, cl->height, FALSE);
		return act_settle(cl, 100);
	}
	fprintf(stderr, "vnc_client: unknown action %s\n", a);
	return 1;
}

static rfbClient *connect_to(const char *hostport)
{
	rfbClient *cl = rfbGetClient(8, 3, 4);
	const char *colon = strrchr(hostport, ':');
	int argc = 1;
	char arg0[] = "vnc_client", *argv[] = { arg0, NULL };

	if (!cl || !colon)
		return NULL;
	free(cl->serverHost);
	cl->serverHost = strndup(hostport, (size_t)(colon - hostport));
	cl->serverPort = atoi(colon + 1);
	cl->GetPassword = get_password;
	cl->appData.encodingsString = "zrle hextile raw"; /* lossless only */
	cl->appData.enableJPEG = FALSE;
	cl->canHandleNewFBSize = TRUE;
	cl->GotFrameBufferUpdate = got_rect;
	if (!rfbInitClient(cl, &argc, argv))
		return NULL; /* it freed the client */
	return cl;
}

int main(int argc, char **argv)
{
	rfbClient *cl;
	int i = 1, rc = 0;

	rfbClientLog = rfbClientErr = log_quiet;
	setvbuf(stdout, NULL, _IOLBF, 0); /* a test may wait for a line */
	if (argc > 2 && !strcmp(argv[1], "--password")) {
		password = argv[2];
		i = 3;
	}
	if (i >= argc) {
		fprintf(stderr, "usage: vnc_client [--password PW] HOST:PORT ACTION...\n");
		return 2;
	}
	cl = connect_to(argv[i++]);
	if (!cl)
		return auth_failed ? 3 : 2;
	/* The first picture arrives after the first update request. */
	for (int k = 0; k < 10 && pump(cl, 20); k++)
		;
	while (rc == 0 && i < argc)
		rc = run_action(cl, argc, argv, &i);
	fflush(stdout);
	free(cl->frameBuffer);
	rfbClientCleanup(cl);
	return rc;
}
