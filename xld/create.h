/* Domain creation: domain.create's chain of steps, each with its undo, so a
 * failure at any point leaves nothing behind (no domain in vmhv, no
 * xenstore node, no state file, no process). */
#ifndef VMCTL_XLD_CREATE_H
#define VMCTL_XLD_CREATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct xld;
struct rpc_req;
struct domcfg_config;
struct domcfg_b_info;

/* A domain that already exists in vmhv, its memory and vCPU filled from a
 * stream (xld/restore.c): the steps adopt it instead of creating and
 * building one (no kernel needed), and destroy it if a later step fails. */
struct create_adopt {
	uint32_t domid;
	uint64_t console_pfn, store_pfn;
	uint32_t console_port, store_port;
	const void *dm_state;        /* hvm: the device model's state to load */
	size_t dm_state_len;
};

struct create_args {
	const char *config_text;     /* xl.cfg text, or NULL with config_json */
	const char *config_json;     /* a JSON domain config (xl list -l shape) */
	const char *config_name;     /* file name for messages */
	const char *const *overrides;/* "key=value" list, NULL-terminated */
	const char *cwd;             /* the client's directory: relative paths */
	bool paused;                 /* xl create -p */
	const struct create_adopt *adopt; /* restore: NULL = create and build */
};

/* Create the domain; on success *domid is set and 0 returned. On failure a
 * negative rpc_code-style error: *code and msg (cap bytes) say why. */
int xld_create(struct xld *xld, const struct create_args *args, uint32_t *domid,
	       int *code, char *msg, size_t cap);

/* How many vCPUs start online: 0..N-1 of avail_vcpus (vcpus=), the rest
 * of maxvcpus offline. */
unsigned create_online_vcpus(const struct domcfg_b_info *b);

/* Parse and default the configuration only (xl create -n); the caller
 * disposes `cfg`. Same error convention. */
int xld_create_config(struct xld *xld, const struct create_args *args,
		      struct domcfg_config *cfg, int *code, char *msg, size_t cap);

#endif
