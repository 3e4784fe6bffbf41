/* A device model's video memory shown as guest memory (privcmd
 * HVM_VRAM_MAP): vmhv makes the memfd, hands it to the device model and
 * to the sandbox, and tells the sandbox where the guest sees it. */
#ifndef VMHV_HVM_VRAM_H
#define VMHV_HVM_VRAM_H

#include <stddef.h>

struct vmhv;
struct privcmd_reply;
struct hvm_domain;

int op_HVM_VRAM_MAP(struct vmhv *hv, const void *req, size_t len, struct privcmd_reply *rep);
/* A freshly started sandbox gets the VRAM and its place (0 or -errno). */
int hvm_vram_replay(struct hvm_domain *h);
/* The domain goes away. */
void hvm_vram_dispose(struct hvm_domain *h);

#endif
