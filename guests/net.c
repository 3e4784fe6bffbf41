/* ARP, ICMP echo and UDP echo: just enough IPv4 to answer `ping` and a UDP
 * echo client.  Replies are built from the request in a local buffer. */
#include "kernel.h"
#include "netfront.h"
#include "net.h"

#define ETH_HLEN 14
#define ETH_P_IP 0x0800
#define ETH_P_ARP 0x0806
#define IP_PROTO_ICMP 1
#define IP_PROTO_UDP 17
#define FRAME_MAX 1514

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* The Internet checksum (RFC 1071) of len bytes. */
static uint16_t inet_sum(const uint8_t *p, size_t len)
{
	uint32_t sum = 0;

	for (size_t i = 0; i + 1 < len; i += 2)
		sum += get16(p + i);
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

int net_parse_ip(const char *s, uint32_t *ip)
{
	uint8_t b[4];

	for (int i = 0; i < 4; i++) {
		const char *end;
		unsigned long long v = strtoull(s, &end, 10);

		if (end == s || v > 255 || (i < 3 && *end != '.') || (i == 3 && *end))
			return -EINVAL;
		b[i] = (uint8_t)v;
		s = end + 1;
	}
	memcpy(ip, b, 4);	/* kept in network byte order */
	return 0;
}

const char *net_format_ip(uint32_t ip, char *buf)
{
	const uint8_t *b = (const uint8_t *)&ip;

	snprintf(buf, 16, "%u.%u.%u.%u", b[0], b[1], b[2], b[3]);
	return buf;
}

/* Turn the frame around: Ethernet source becomes destination. */
static void eth_reply(struct netfront *nf, uint8_t *out, const uint8_t *in)
{
	memcpy(out, in + 6, 6);
	memcpy(out + 6, nf->mac, 6);
	memcpy(out + 12, in + 12, 2);
}

static void arp_input(struct kernel *k, struct netfront *nf,
		      const uint8_t *f, size_t len)
{
	const uint8_t *a = f + ETH_HLEN;
	uint8_t out[ETH_HLEN + 28];
	uint8_t *r = out + ETH_HLEN;

	if (len < ETH_HLEN + 28 || get16(a) != 1 || get16(a + 2) != ETH_P_IP ||
	    a[4] != 6 || a[5] != 4 || get16(a + 6) != 1)
		return;		/* only Ethernet/IPv4 requests */
	if (!nf->ip || memcmp(a + 24, &nf->ip, 4) != 0)
		return;		/* not asking for us */
	eth_reply(nf, out, f);
	memcpy(r, a, 6);		/* htype, ptype, hlen, plen */
	put16(r + 6, 2);		/* reply */
	memcpy(r + 8, nf->mac, 6);	/* sender: us */
	memcpy(r + 14, &nf->ip, 4);
	memcpy(r + 18, a + 8, 10);	/* target: the asker */
	if (netfront_send(k, nf, out, sizeof(out)) == 0)
		nf->stats.arp_replies++;
}

/* A gratuitous ARP: a broadcast request for our own address, so that
 * bridges (and peers' ARP caches) learn where we are now, e.g. after a
 * migration moved us behind another host's bridge. */
int net_announce(struct kernel *k, struct netfront *nf)
{
	uint8_t out[ETH_HLEN + 28];
	uint8_t *a = out + ETH_HLEN;

	if (!nf->ip)
		return 0;
	memset(out, 0xff, 6);		/* broadcast */
	memcpy(out + 6, nf->mac, 6);
	put16(out + 12, ETH_P_ARP);
	put16(a, 1);			/* Ethernet */
	put16(a + 2, ETH_P_IP);
	a[4] = 6;
	a[5] = 4;
	put16(a + 6, 1);		/* request */
	memcpy(a + 8, nf->mac, 6);	/* sender: us */
	memcpy(a + 14, &nf->ip, 4);
	memset(a + 18, 0, 6);		/* target: our own address */
	memcpy(a + 24, &nf->ip, 4);
	return netfront_send(k, nf, out, sizeof(out));
}

/* Build the IPv4 reply header from the request's, swapping addresses. */
static void ip_reply(uint8_t *out, const uint8_t *in, size_t ip_len)
{
	memcpy(out, in, 20);
	out[0] = 0x45;			/* no options in replies */
	put16(out + 2, (uint16_t)ip_len);
	out[8] = 64;			/* ttl */
	memcpy(out + 12, in + 16, 4);
	memcpy(out + 16, in + 12, 4);
	put16(out + 10, 0);
	put16(out + 10, inet_sum(out, 20));
}

static void icmp_input(struct kernel *k, struct netfront *nf, const uint8_t *f,
		       const uint8_t *ip, size_t ihl, size_t ip_len)
{
	uint8_t out[FRAME_MAX];
	size_t icmp_len = ip_len - ihl;
	uint8_t *icmp = out + ETH_HLEN + 20;

	if (icmp_len < 8 || ip[ihl] != 8 || ETH_HLEN + 20 + icmp_len > FRAME_MAX)
		return;		/* only echo requests */
	eth_reply(nf, out, f);
	ip_reply(out + ETH_HLEN, ip, 20 + icmp_len);
	memcpy(icmp, ip + ihl, icmp_len);
	icmp[0] = 0;			/* echo reply */
	put16(icmp + 2, 0);
	put16(icmp + 2, inet_sum(icmp, icmp_len));
	if (netfront_send(k, nf, out, ETH_HLEN + 20 + icmp_len) == 0)
		nf->stats.icmp_echo++;
}

static void udp_input(struct kernel *k, struct netfront *nf, const uint8_t *f,
		      const uint8_t *ip, size_t ihl, size_t ip_len)
{
	uint8_t out[FRAME_MAX];
	const uint8_t *udp = ip + ihl;
	size_t udp_len = ip_len - ihl;
	uint8_t *r = out + ETH_HLEN + 20;

	if (udp_len < 8 || get16(udp + 4) != udp_len || get16(udp + 2) != NET_UDP_ECHO_PORT ||
	    ETH_HLEN + 20 + udp_len > FRAME_MAX) {
		nf->stats.unknown++;
		return;
	}
	eth_reply(nf, out, f);
	ip_reply(out + ETH_HLEN, ip, 20 + udp_len);
	memcpy(r, udp, udp_len);
	memcpy(r, udp + 2, 2);		/* swap ports */
	memcpy(r + 2, udp, 2);
	put16(r + 6, 0);		/* no checksum: allowed for IPv4 */
	if (netfront_send(k, nf, out, ETH_HLEN + 20 + udp_len) == 0)
		nf->stats.udp_echo++;
}

static void ip_input(struct kernel *k, struct netfront *nf,
		     const uint8_t *f, size_t len)
{
	const uint8_t *ip = f + ETH_HLEN;
	size_t ihl, ip_len;

	if (len < ETH_HLEN + 20 || (ip[0] >> 4) != 4)
		return;
	ihl = (size_t)(ip[0] & 15) * 4;
	ip_len = get16(ip + 2);
	if (ihl < 20 || ip_len < ihl || ETH_HLEN + ip_len > len ||
	    inet_sum(ip, ihl) != 0 || (get16(ip + 6) & 0x3fff)) {
		nf->stats.rx_errors++;	/* bad header, or a fragment */
		return;
	}
	if (!nf->ip || memcmp(ip + 16, &nf->ip, 4) != 0)
		return;
	if (ip[9] == IP_PROTO_ICMP)
		icmp_input(k, nf, f, ip, ihl, ip_len);
	else if (ip[9] == IP_PROTO_UDP)
		udp_input(k, nf, f, ip, ihl, ip_len);
	else
		nf->stats.unknown++;
}

void net_input(struct kernel *k, struct netfront *nf, const uint8_t *frame,
	       size_t len)
{
	if (len < ETH_HLEN)
		return;
	switch (get16(frame + 12)) {
	case ETH_P_ARP:
		arp_input(k, nf, frame, len);
		break;
	case ETH_P_IP:
		ip_input(k, nf, frame, len);
		break;
	default:
		nf->stats.unknown++;
	}
}
