/* The native pv engine: each pv domain runs in its own sandboxed process
 * (the vmhv-pv program, sandbox/), started by posix_spawn on first unpause
 * and talking to vmhv over a channel (pv_abi.h). */
#ifndef VMHV_PV_ENGINE_H
#define VMHV_PV_ENGINE_H

#include "hypervisor/engines/engine.h"

#include <stddef.h>
#include <stdint.h>

struct domain;
struct vmhv;
struct privcmd_reply;

/* pv_aspace.c: guest virtual -> vmhv pointer (engine_ops.guest_ptr). */
void *pv_aspace_guest_ptr(struct domain *d, uint64_t va, size_t len);

/* pv_aspace.c: privcmd PV_SET_BASEPTR (the builder's boot page tables). */
int op_PV_SET_BASEPTR(struct vmhv *hv, const void *req, size_t len, struct privcmd_reply *rep);

/* pv_aspace.c: privcmd PV_STATE_GET / PV_STATE_SET (save and restore of
 * the sandbox's part of the guest's state, include/vmctl/pv_state.h). */
int op_PV_STATE_GET(struct vmhv *hv, const void *req, size_t len, struct privcmd_reply *rep);
int op_PV_STATE_SET(struct vmhv *hv, const void *req, size_t len, struct privcmd_reply *rep);

#endif
