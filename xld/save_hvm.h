/* An hvm domain in the stream (docs/migration-stream.md "hvm domains"):
 * what xld/save.c and xld/restore.c do besides the memory. The sender
 * freezes the domain (paused; vmhv's HVM_CONTEXT_GET stops every vCPU at
 * an instruction boundary), takes the device model's state over its
 * control socket, and writes HVM_PARAMS, HVM_CONTEXT and EMULATOR records;
 * the receiver collects them, gives the context to the new domain before
 * it runs and the emulator state to its new device model. */
#ifndef VMCTL_XLD_SAVE_HVM_H
#define VMCTL_XLD_SAVE_HVM_H

#include <stddef.h>
#include <stdint.h>

struct hv;
struct stream_writer;
struct xld;
struct xld_domain;
struct create_adopt;

struct save_hvm {
	uint8_t *ctx;             /* HVM_CONTEXT_GET's blob */
	size_t ctx_len;
	uint8_t *dm;              /* the device model's state (NULL: none runs) */
	size_t dm_len;
};

/* Pause the domain and take its state: 0, or -errno with `msg` set (the
 * domain is then unpaused again). */
int save_hvm_freeze(struct hv *hv, const char *rundir, uint32_t domid, struct save_hvm *s,
		    char *msg, size_t cap);
/* HVM_PARAMS, HVM_CONTEXT, then EMULATOR records. */
int save_hvm_write(struct stream_writer *out, struct hv *hv, uint32_t domid,
		   const struct save_hvm *s);
void save_hvm_dispose(struct save_hvm *s);

/* The receiver: one EMULATOR record's bytes appended (-EFBIG past
 * STREAM_EMULATOR_MAX). */
int save_hvm_add_emulator(struct save_hvm *s, const void *body, size_t len);
/* Give the new domain its context (before it runs): 0 or -errno. */
int save_hvm_set_context(struct hv *hv, uint32_t domid, const void *blob, size_t len);
/* Give the domain's new device model the emulator state: 0 or -errno
 * (-EINVAL: it refused the state, its log says why). */
int save_hvm_load_dm(const char *rundir, uint32_t domid, const void *blob, size_t len);

/* xld/create.c's devmodel step for a restored hvm domain: the device
 * model it just started takes the stream's emulator state before the
 * domain runs. 0, or -1 with *code and msg set. */
int restore_hvm_devmodel(struct xld *xld, struct xld_domain *d, const struct create_adopt *a,
			 int *code, char *msg, size_t cap);

#endif
