/* privcmd HVM_CONTEXT_GET / HVM_CONTEXT_SET: an hvm domain's context
 * (hvm_save.h) out of a running domain and into one not started yet. */
#ifndef VMHV_HVM_CONTEXT_H
#define VMHV_HVM_CONTEXT_H

#include <stddef.h>

struct vmhv;
struct privcmd_reply;
struct hvm_domain;

int op_HVM_CONTEXT_GET(struct vmhv *hv, const void *req, size_t len,
		       struct privcmd_reply *rep);
int op_HVM_CONTEXT_SET(struct vmhv *hv, const void *req, size_t len,
		       struct privcmd_reply *rep);

/* hvm_engine.c at start: send the context set for the domain (if any) right
 * after the boot packet, and forget it. */
int hvm_context_boot(struct hvm_domain *h);

#endif
