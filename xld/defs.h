/* Persistent domain definitions: configurations kept in
 * $VMCTL_STATEDIR/defs/<uuid>.json that exist whether or not the domain
 * runs (libvirt's define/undefine, xl define/undefine/start, JSON-RPC
 * domain.define/undefine/start/autostart all act on this one set).
 *
 * A definition and a running domain are the same domain when their UUIDs
 * are equal: starting a definition creates a domain with its UUID, a
 * domain that runs without a definition is "transient", a definition
 * without a running domain is "inactive". Definitions marked autostart are
 * started when xld starts (xld_defs_autostart). */
#ifndef VMCTL_XLD_DEFS_H
#define VMCTL_XLD_DEFS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "xld/domain.h"

struct xld;
struct domcfg_config;

struct xld_def {
	char name[XLD_NAME_MAX];
	uint8_t uuid[16];
	char *config_json;      /* the domain config as JSON, defaults resolved */
	bool autostart;
	struct xld_def *next;
};

/* Read every definition file (at start-up); the number read or -errno. */
int xld_defs_load(struct xld *xld);
void xld_defs_free(struct xld *xld);

struct xld_def *xld_def_by_name(struct xld *xld, const char *name);
struct xld_def *xld_def_by_uuid(struct xld *xld, const uint8_t uuid[16]);
/* A name, or a UUID in its text form. */
struct xld_def *xld_def_lookup(struct xld *xld, const char *name_or_uuid);
/* The running domain of a definition (same UUID), or NULL. */
struct xld_domain *xld_def_domain(struct xld *xld, const struct xld_def *def);
/* The definition of a running domain, or NULL (a transient domain). */
struct xld_def *xld_domain_def(struct xld *xld, const struct xld_domain *d);

/* Define a domain from a parsed config (as the xl.cfg parser or the domain
 * XML parser leaves it; defaults are resolved here). A config without a
 * UUID takes the UUID of the definition or running domain of the same
 * name, so defining twice updates one domain. The config's name and UUID
 * must not belong to another domain. On success *out is the definition
 * and 0 is returned; otherwise -1 with an rpc_code (rpc.h) in *code and a
 * message in msg. `cfg` is modified (defaults) but still the caller's. */
int xld_def_define(struct xld *xld, struct domcfg_config *cfg, struct xld_def **out,
		   int *code, char *msg, size_t cap);
/* Forget the definition (a running domain keeps running, transient). */
int xld_def_undefine(struct xld *xld, struct xld_def *def);
int xld_def_set_autostart(struct xld *xld, struct xld_def *def, bool on);

/* Create the domain from its definition (xld_create). Same error
 * convention as xld_create; RPC_ERR_STATE if it runs already. */
int xld_def_start(struct xld *xld, struct xld_def *def, bool paused, uint32_t *domid,
		  int *code, char *msg, size_t cap);

/* Start every autostart definition that is not running (xld start-up). */
void xld_defs_autostart(struct xld *xld);

#endif
