/* cfg_vif: the vif spec (xl-network-configuration(5), reference §2.5). */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "libvmctl/cfg_spec.h"

static int vif_mac(void *dev, const char *v, char **err)
{
	struct domcfg_nic *nic = dev;
	unsigned int b[6];
	char end;

	if (sscanf(v, "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5],
		   &end) != 6 || strlen(v) != 17)
		return spec_fail(err, "invalid mac '%s' (want xx:xx:xx:xx:xx:xx)", v);
	if (b[0] & 1)
		return spec_fail(err, "mac '%s' is a multicast address", v);
	for (int i = 0; i < 6; i++)
		nic->mac[i] = (unsigned char)b[i];
	return 0;
}

static int vif_type(void *dev, const char *v, char **err)
{
	struct domcfg_nic *nic = dev;

	if (!strcmp(v, "ioemu"))
		nic->nictype = DOMCFG_NIC_TYPE_VIF_IOEMU;
	else if (!strcmp(v, "vif"))
		nic->nictype = DOMCFG_NIC_TYPE_VIF;
	else
		return spec_fail(err, "invalid type '%s' (ioemu or vif)", v);
	return 0;
}

/* "<digits>[GMK][Bb]/s": bytes per second (b = bits); K/M/G are decimal. */
static int rate_bytes(const char *s, uint64_t *out)
{
	static const struct { char c; uint64_t mul; } units[] = {
		{ 'G', 1000000000ull }, { 'M', 1000000ull }, { 'K', 1000ull },
	};
	char *end;
	uint64_t x;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	x = strtoull(s, &end, 10);
	if (errno || x == 0 || x > UINT32_MAX)
		return -ERANGE;
	for (size_t i = 0; i < ARRAY_SIZE(units); i++)
		if (*end == units[i].c)
			x *= units[i].mul, end++;
	if ((*end != 'B' && *end != 'b') || strcmp(end + 1, "/s") != 0)
		return -EINVAL;
	*out = *end == 'b' ? x / 8 : x;
	return 0;
}

/* "<digits>[mu]?s?", seconds when there is no unit. */
static int rate_interval(const char *s, uint64_t *out)
{
	char *end;
	uint64_t x;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	x = strtoull(s, &end, 10);
	if (errno || x == 0 || x > UINT32_MAX)
		return -ERANGE;
	if (*end == 'm')
		x *= 1000, end++;
	else if (*end == 'u')
		end++;
	else
		x *= 1000000;
	if (*end == 's')
		end++;
	if (*end)
		return -EINVAL;
	if (x > UINT32_MAX)
		return -ERANGE;
	*out = x;
	return 0;
}

/* rate=RATE/s[@INTERVAL]: stored as bytes per interval (default 50 ms). */
static int vif_rate(void *dev, const char *v, char **err)
{
	struct domcfg_nic *nic = dev;
	char *copy = strdup(v), *at;
	uint64_t bps = 0, usecs = 50000;
	int rc;

	if (!copy)
		return -ENOMEM;
	at = strchr(copy, '@');
	if (at)
		*at++ = '\0';
	rc = rate_bytes(copy, &bps);
	if (rc == 0 && at)
		rc = rate_interval(at, &usecs);
	free(copy);
	if (rc == -ERANGE)
		return spec_fail(err, "rate '%s' is out of range", v);
	if (rc)
		return spec_fail(err, "invalid rate '%s' (e.g. 10Mb/s@20ms)", v);
	if (bps > UINT64_MAX / usecs)
		return spec_fail(err, "rate '%s' overflows", v);
	nic->rate_bytes_per_interval = bps * usecs / 1000000;
	nic->rate_interval_usecs = (uint32_t)usecs;
	return 0;
}

static int vif_mac_fmt(const void *dev, char **val, char **err)
{
	const unsigned char *m = ((const struct domcfg_nic *)dev)->mac;

	*val = NULL;
	if (!(m[0] | m[1] | m[2] | m[3] | m[4] | m[5]))
		return 0;
	return asprintf(val, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4],
			m[5]) < 0 ? (*val = NULL, -ENOMEM) : 0;
}

static int vif_type_fmt(const void *dev, char **val, char **err)
{
	enum domcfg_nic_type t = ((const struct domcfg_nic *)dev)->nictype;

	*val = NULL;
	if (t == DOMCFG_NIC_TYPE_UNKNOWN)
		return 0;
	*val = strdup(t == DOMCFG_NIC_TYPE_VIF ? "vif" : "ioemu");
	return *val ? 0 : -ENOMEM;
}

/* bytes per interval -> "<bytes>B/s@<us>us": the smallest rate per second
 * that vif_rate() turns back into the same bytes per interval. */
static int vif_rate_fmt(const void *dev, char **val, char **err)
{
	const struct domcfg_nic *nic = dev;
	uint64_t us = nic->rate_interval_usecs, bpi = nic->rate_bytes_per_interval, bps;

	*val = NULL;
	if (!bpi && !us)
		return 0;
	if (!us || us > 1000000 || (!bpi && us == 1000000) || bpi > UINT64_MAX / 1000000)
		return spec_fail(err, "rate of %llu bytes per %llu us cannot be written",
				 (unsigned long long)bpi, (unsigned long long)us);
	bps = bpi ? (bpi * 1000000 + us - 1) / us : 1;  /* 0: a rate that rounds down */
	if (bps > UINT32_MAX)
		return spec_fail(err, "rate of %llu bytes/s is out of range",
				 (unsigned long long)bps);
	return asprintf(val, "%lluB/s@%lluus", (unsigned long long)bps,
			(unsigned long long)us) < 0 ? (*val = NULL, -ENOMEM) : 0;
}

#define NIC(f) offsetof(struct domcfg_nic, f)

static const struct spec_key vif_keys[] = {
	{ "mac", SK_FN, 0, vif_mac, vif_mac_fmt },
	{ "bridge", SK_STRING, NIC(bridge), NULL, NULL },
	{ "gatewaydev", SK_STRING, NIC(gatewaydev), NULL, NULL },
	{ "netdev", SK_STRING, NIC(gatewaydev), NULL, NULL },
	{ "type", SK_FN, 0, vif_type, vif_type_fmt },
	{ "model", SK_STRING, NIC(model), NULL, NULL },
	{ "vifname", SK_STRING, NIC(ifname), NULL, NULL },
	{ "script", SK_STRING, NIC(script), NULL, NULL },
	{ "ip", SK_STRING, NIC(ip), NULL, NULL },
	{ "backend", SK_STRING, NIC(backend_domname), NULL, NULL },
	{ "rate", SK_FN, 0, vif_rate, vif_rate_fmt },
	{ "devid", SK_INT, NIC(devid), NULL, NULL },
	{ "mtu", SK_INT, NIC(mtu), NULL, NULL },
	{ "forwarddev", SK_STRING, NIC(coloft_forwarddev), NULL, NULL },
	{ "vlan", SK_IGNORE, 0, NULL, NULL },
	{ "trusted", SK_IGNORE, 0, NULL, NULL },
	{ "untrusted", SK_IGNORE, 0, NULL, NULL },
	{ "accel", SK_IGNORE, 0, NULL, NULL },
};

int domcfg_nic_parse(struct domcfg_nic *nic, const char *spec, char **err,
		     struct domcfg_msgs *warn)
{
	int rc = spec_parse("vif", vif_keys, ARRAY_SIZE(vif_keys), nic, spec, err, warn);

	if (rc == 0 && (nic->mtu < 0 || nic->mtu > 65535))
		rc = spec_fail(err, "mtu %d is out of range in vif spec '%s'", nic->mtu, spec);
	return rc;
}

int cfg_nic_format(const struct domcfg_nic *nic, int index, FILE *out, char **err)
{
	struct domcfg_nic dev = *nic;   /* shallow: only devid changes */

	if (dev.devid == index)
		dev.devid = -1;         /* types.def's "not set" */
	return spec_format("vif", vif_keys, ARRAY_SIZE(vif_keys), &type_struct_nic, &dev, out, err);
}
