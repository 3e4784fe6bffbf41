/* A very small IPv4 stack over netfront: answers ARP for its address,
 * ICMP echo, and echoes UDP datagrams sent to port 7. */
#ifndef GUEST_NET_H
#define GUEST_NET_H

#include <stddef.h>
#include <stdint.h>

struct kernel;
struct netfront;

#define NET_UDP_ECHO_PORT 7

/* Handle one received Ethernet frame. */
void net_input(struct kernel *k, struct netfront *nf, const uint8_t *frame,
	       size_t len);

/* Broadcast a gratuitous ARP for the interface's address (none: 0). */
int net_announce(struct kernel *k, struct netfront *nf);

/* Parse dotted-quad text into network byte order; -EINVAL if malformed. */
int net_parse_ip(const char *s, uint32_t *ip);

/* Format an address (network byte order) into buf (16 bytes). */
const char *net_format_ip(uint32_t ip, char *buf);

#endif
