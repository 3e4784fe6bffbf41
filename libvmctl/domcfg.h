/* domcfg: the domain configuration types and the xl.cfg parser.
 *
 * The types mirror libxl's domain configuration (libxl_domain_config:
 * c_info, b_info with its PV/HVM/PVH parts, disks, nics, vfbs, vkbs, on_*
 * actions). They are described once in types.def; this header, their
 * init/dispose functions, the enum <-> string functions and the JSON code
 * are all made from that description.
 *
 * Memory: every struct is set up with domcfg_<type>_init() and released with
 * domcfg_<type>_dispose(), which frees every string, list and array reachable
 * from it and re-initialises it (so dispose twice is harmless). Strings are
 * owned by the struct: assign malloc'd copies.
 *
 * Defaults follow libxl: a field left at its default is "not set" and is
 * omitted from JSON; domcfg_config_setdefault() resolves the remaining
 * defaults the way libxl does when a domain is created.
 */
#ifndef VMCTL_DOMCFG_H
#define VMCTL_DOMCFG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <yajl/yajl_gen.h>

/* A boolean that can also be "not set" (libxl_defbool). JSON: "True"/"False". */
typedef signed char domcfg_defbool;
#define DOMCFG_DEFBOOL_DEFAULT 0
#define DOMCFG_DEFBOOL_TRUE    1
#define DOMCFG_DEFBOOL_FALSE   (-1)

/* Same layout as libuuid's uuid_t; all zero = not set. */
typedef unsigned char domcfg_uuid[16];
/* A MAC address; all zero = not set (libxl then picks 00:16:3e:xx:xx:xx). */
typedef unsigned char domcfg_mac[6];

/* A set of CPU (or vCPU) numbers; JSON: the list of members. */
struct domcfg_bitmap {
	uint32_t size;          /* in bits; a multiple of 8 */
	uint8_t *map;
};

/* "Not set" values of memory sizes (KiB) and grant frame limits. */
#define DOMCFG_MEMKB_DEFAULT     (-1)
#define DOMCFG_MAX_GRANT_DEFAULT (-1)

/* ---- generated from types.def ---- */

#define TYPE_ENUM_BEGIN(e) enum domcfg_##e {
#define TYPE_ENUM_VAL(e, cname, v, str) cname = (v),
#define TYPE_ENUM_END(e) };
#define TYPE_STRUCT_BEGIN(s) struct domcfg_##s {
#define TYPE_STRUCT_END(s) };
#define F_STRING(s, n) char *n;
#define F_INT(s, n, d) int n;
#define F_U32(s, n, d) uint32_t n;
#define F_U64(s, n, d) uint64_t n;
#define F_BOOL(s, n) bool n;
#define F_DEFBOOL(s, n) domcfg_defbool n;
#define F_ENUM(s, n, e, d) enum domcfg_##e n;
#define F_UUID(s, n) domcfg_uuid n;
#define F_MAC(s, n) domcfg_mac n;
#define F_BITMAP(s, n) struct domcfg_bitmap n;
#define F_STRLIST(s, n) char **n;
#define F_STRUCT(s, n, sub) struct domcfg_##sub n;
#define F_ARRAY(s, n, sub) struct domcfg_##sub *n; int num_##n;
#define F_UNIONKEY(s, n, e, d) enum domcfg_##e n;
#define F_UNION(s, n, sub, key, v, json) struct domcfg_##sub n;
#include "types.def"
#include "types_undef.h"

/* For every enum E in types.def:
 *   const char *domcfg_E_to_string(enum domcfg_E v);
 *       libxl's lowercase name, or NULL for a value outside the enum.
 *   int domcfg_E_from_string(const char *s, enum domcfg_E *out);
 *       0, or -EINVAL if `s` names no value (case-insensitive, as libxl).
 * For every struct S:
 *   void domcfg_S_init(struct domcfg_S *p);     all fields at their defaults
 *   void domcfg_S_dispose(struct domcfg_S *p);  free everything, then init
 *   char *domcfg_S_to_json(const struct domcfg_S *p);
 *       pretty-printed JSON (libxl's shape, defaults omitted); NULL on ENOMEM.
 *   int domcfg_S_gen_json(yajl_gen g, const struct domcfg_S *p);
 *       the same object emitted into a caller's generator (e.g. to wrap it in
 *       xl list -l's [{"domid": N, "config": ...}]); 0 or -EINVAL.
 *   int domcfg_S_from_json(struct domcfg_S *p, const char *json, char **err);
 *       fill an initialised struct from JSON; unknown keys are ignored (as
 *       libxl does). On failure returns -EINVAL and sets *err (malloc'd,
 *       "b_info.max_vcpus: expected an integer"); `p` must still be disposed.
 *   int domcfg_S_copy(struct domcfg_S *dst, const struct domcfg_S *src);
 *       make the initialised `dst` a deep copy of `src` (what dst held is
 *       disposed first); 0, or -ENOMEM with dst left initialised.
 */
#define TYPE_ENUM_BEGIN(e) \
	const char *domcfg_##e##_to_string(enum domcfg_##e v); \
	int domcfg_##e##_from_string(const char *s, enum domcfg_##e *out);
#define TYPE_ENUM_VAL(e, cname, v, str)
#define TYPE_ENUM_END(e)
#define TYPE_STRUCT_BEGIN(s) \
	void domcfg_##s##_init(struct domcfg_##s *p); \
	void domcfg_##s##_dispose(struct domcfg_##s *p); \
	char *domcfg_##s##_to_json(const struct domcfg_##s *p); \
	int domcfg_##s##_gen_json(yajl_gen g, const struct domcfg_##s *p); \
	int domcfg_##s##_from_json(struct domcfg_##s *p, const char *json, char **err); \
	int domcfg_##s##_copy(struct domcfg_##s *dst, const struct domcfg_##s *src);
#define TYPE_STRUCT_END(s)
#define F_STRING(s, n)
#define F_INT(s, n, d)
#define F_U32(s, n, d)
#define F_U64(s, n, d)
#define F_BOOL(s, n)
#define F_DEFBOOL(s, n)
#define F_ENUM(s, n, e, d)
#define F_UUID(s, n)
#define F_MAC(s, n)
#define F_BITMAP(s, n)
#define F_STRLIST(s, n)
#define F_STRUCT(s, n, sub)
#define F_ARRAY(s, n, sub)
#define F_UNIONKEY(s, n, e, d)
#define F_UNION(s, n, sub, key, v, json)
#include "types.def"
#include "types_undef.h"

/* ---- small helpers ---- */

/* The value of a defbool, or `dflt` when it is not set. */
static inline bool domcfg_defbool_val(domcfg_defbool b, bool dflt)
{
	return b == DOMCFG_DEFBOOL_DEFAULT ? dflt : b == DOMCFG_DEFBOOL_TRUE;
}

static inline void domcfg_defbool_set(domcfg_defbool *b, bool v)
{
	*b = v ? DOMCFG_DEFBOOL_TRUE : DOMCFG_DEFBOOL_FALSE;
}

/* Add `bit` (< 2^20) to the set, growing it; 0, -EINVAL or -ENOMEM. Test
 * membership with domcfg_bitmap_test() (false for bits beyond the size). */
int domcfg_bitmap_set(struct domcfg_bitmap *bm, uint32_t bit);
bool domcfg_bitmap_test(const struct domcfg_bitmap *bm, uint32_t bit);

/* ---- devices in a config ---- */

/* Append a copy of `dev` to the config's disks / nics / vfbs / vkbs (the
 * caller keeps `dev`); 0 or -ENOMEM. Remove the one at `index`, shifting
 * the rest down; 0 or -ENOENT. Device numbers are not changed: the caller
 * picks them (a NIC's devid, a disk's vdev). */
int domcfg_config_add_disk(struct domcfg_config *cfg, const struct domcfg_disk *dev);
int domcfg_config_remove_disk(struct domcfg_config *cfg, int index);
int domcfg_config_add_nic(struct domcfg_config *cfg, const struct domcfg_nic *dev);
int domcfg_config_remove_nic(struct domcfg_config *cfg, int index);
int domcfg_config_add_vfb(struct domcfg_config *cfg, const struct domcfg_vfb *dev);
int domcfg_config_remove_vfb(struct domcfg_config *cfg, int index);
int domcfg_config_add_vkb(struct domcfg_config *cfg, const struct domcfg_vkb *dev);
int domcfg_config_remove_vkb(struct domcfg_config *cfg, int index);

/* ---- parsing xl.cfg ---- */

/* What a parse has to say: at most one error and any number of warnings.
 * Each message starts with "file:line:col: key: " where they are known. */
struct domcfg_msgs {
	char *error;
	char **warnings;
	size_t num_warnings;
};

void domcfg_msgs_init(struct domcfg_msgs *m);
void domcfg_msgs_dispose(struct domcfg_msgs *m);

/* Parse the xl.cfg text `text` (`len` bytes, need not end with NUL), named
 * `name` in messages, into `cfg`, which the caller has initialised with
 * domcfg_config_init(). `overrides` is NULL or a NULL-terminated list of
 * "key=value" statements (xl create's trailing arguments) applied after the
 * file, so they win as a last duplicate does; messages about them name the
 * source "command line". Keys vmctl does not know are kept out of `cfg` and
 * reported as warnings. The result is what xl's parser makes: values not in
 * the file stay "not set" (see domcfg_config_setdefault()).
 * Returns 0, -EINVAL (msgs->error says why) or -ENOMEM. `cfg` must be
 * disposed by the caller in every case. */
int domcfg_parse_buffer(struct domcfg_config *cfg, const char *name,
			const char *text, size_t len,
			const char *const *overrides, struct domcfg_msgs *msgs);

/* The same for the file at `path` (also used as its name in messages).
 * Returns -errno if the file cannot be read (msgs->error says which). */
int domcfg_parse_file(struct domcfg_config *cfg, const char *path,
		      const char *const *overrides, struct domcfg_msgs *msgs);

/* ---- the device spec mini-languages (xl.cfg's list items, xl *-attach) ---- */

/* Parse one disk spec ("/img,raw,xvda,rw", "vdev=xvdb, target=/img", the
 * deprecated "phy:/dev/x,hda:cdrom,r", ...) into an initialised `disk`.
 * 0 or -EINVAL with *err set (malloc'd message without position). */
int domcfg_disk_parse(struct domcfg_disk *disk, const char *spec, char **err);

/* Parse a vif spec ("mac=..,bridge=..,rate=10Mb/s@20ms"); unknown keys are
 * added to `warn` (may be NULL). Same return convention. */
int domcfg_nic_parse(struct domcfg_nic *nic, const char *spec, char **err,
		     struct domcfg_msgs *warn);

/* Parse a vfb spec ("vnc=1,vnclisten=0.0.0.0,vncdisplay=1") / a vkb spec
 * ("backend-type=linux,feature-abs-pointer=1"). Same convention. */
int domcfg_vfb_parse(struct domcfg_vfb *vfb, const char *spec, char **err,
		     struct domcfg_msgs *warn);
int domcfg_vkb_parse(struct domcfg_vkb *vkb, const char *spec, char **err,
		     struct domcfg_msgs *warn);

/* The xenstore device number of a virtual disk name: xvdX[N], hdX[N],
 * sdX[N], dNpM or a plain number (libxl's numbering, reference §2.4).
 * Returns the devid (>= 0) or -EINVAL. If `disk`/`part` are not NULL they
 * receive the decoded disk and partition numbers (0 for plain numbers). */
int domcfg_vdev_to_devid(const char *vdev, int *disk, int *part);

/* ---- defaults ---- */

/* Fill in what libxl fills in when a domain is created from `cfg`: type pv,
 * a random UUID, 32 MiB of memory (target = max), one vCPU (vCPU 0 online
 * when vcpus= was not given), vnc listen 127.0.0.1 with findunused, NIC
 * devids, a random 00:16:3e MAC, bridge xenbr0, script vif-bridge, disk
 * backend phy for raw images, HVM boot "cd", cirrus VGA, SeaBIOS and so on.
 * Fields already set are kept. Returns 0, -EINVAL (*err set, "key: why":
 * no name, a PV/PVH guest without kernel or bootloader, memory > maxmem)
 * or -ENOMEM. */
int domcfg_config_setdefault(struct domcfg_config *cfg, char **err);

#endif
