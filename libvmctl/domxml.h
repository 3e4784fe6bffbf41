/* domxml: libvirt domain XML <-> vmctl's domain config (struct
 * domcfg_config), and the "native" config formats libvirt names.
 *
 * The mapping follows what libvirt's libxl driver writes for Xen guests
 * (docs/domxml.md lists every element and the xl.cfg key it becomes), so
 * `virsh dumpxml`, `define`, `create`, `domxml-from-native xen-xl` and
 * `domxml-to-native xen-xl` served by xld, and `xl cfg-to-domxml` /
 * `xl domxml-to-cfg`, all go through these functions.
 *
 * Messages: every function reports through a struct domcfg_msgs (see
 * domcfg.h) that the caller has initialised with domcfg_msgs_init() and
 * disposes afterwards; it may be NULL when the caller does not want them.
 * On failure msgs->error holds one line, e.g.
 *   "domain XML:12: <disk>: missing <target dev=...>"
 *   "domain XML:3: <vcpus>: unknown element"
 * Warnings report what was valid libvirt XML but is not kept by vmctl
 * ("domain XML:20: <sound>: not supported by vmctl; ignored") or, when
 * formatting, config settings that have no XML form.
 *
 * Return codes: 0; -EINVAL for malformed or invalid input (libvirt's
 * VIR_ERR_XML_ERROR / VIR_ERR_CONFIG_UNSUPPORTED are fitting codes for
 * it); -EOPNOTSUPP for well-formed input that vmctl cannot run at all
 * (a <domain type='kvm'>, an unknown native format); -ENOMEM.
 */
#ifndef VMCTL_DOMXML_H
#define VMCTL_DOMXML_H

#include <stddef.h>

#include "domcfg.h"

/* What a running domain adds to its XML: <domain id='N'>. */
struct vmctl_domxml_runtime {
	int domid;              /* < 0: not running (no id attribute) */
};

/* Flags of vmctl_domxml_format(). */
#define VMCTL_DOMXML_SECURE 1u  /* include secrets (VNC passwd), as
				   libvirt's VIR_DOMAIN_XML_SECURE */

/* Write `cfg` as libvirt domain XML: a malloc'd NUL-terminated string in
 * *xml_out (free() it). `rt` is NULL for an inactive definition (as
 * `virsh dumpxml --inactive`). `cfg` is taken as it is: values "not set"
 * are left out, so format a config after domcfg_config_setdefault() to
 * show what a running domain really has. Returns 0, -EINVAL (a value XML
 * cannot carry, msgs->error says which) or -ENOMEM. */
int vmctl_domxml_format(const struct domcfg_config *cfg,
			const struct vmctl_domxml_runtime *rt, unsigned flags,
			char **xml_out, struct domcfg_msgs *msgs);

/* Parse domain XML (`len` bytes of `xml`, need not end with NUL) into
 * `cfg`, which the caller has initialised with domcfg_config_init() and
 * must dispose in every case. The result is like a parsed xl.cfg: what
 * the XML does not say stays "not set". Network access, DTDs and entity
 * expansion are disabled. Returns 0, -EINVAL, -EOPNOTSUPP or -ENOMEM. */
int vmctl_domxml_parse(const char *xml, size_t len, struct domcfg_config *cfg,
		       struct domcfg_msgs *msgs);

/* libvirt's native formats: "xen-xl" (xl.cfg text) is the one vmctl has;
 * "xen-xm" is accepted as a synonym (same key syntax). */

/* virConnectDomainXMLFromNative: native config text -> domain XML
 * (malloc'd in *xml_out). -EOPNOTSUPP for another format. */
int vmctl_domxml_from_native(const char *format, const char *native,
			     size_t len, char **xml_out,
			     struct domcfg_msgs *msgs);

/* virConnectDomainXMLToNative: domain XML -> native config text
 * (malloc'd in *native_out). -EOPNOTSUPP for another format. */
int vmctl_domxml_to_native(const char *format, const char *xml, size_t len,
			   char **native_out, struct domcfg_msgs *msgs);

/* Write `cfg` as xl.cfg text (malloc'd in *text_out) that
 * domcfg_parse_buffer() reads back to an equal config: only keys whose
 * values are set are written. Returns 0, -EINVAL (msgs->error: a value
 * xl.cfg cannot express) or -ENOMEM. */
int vmctl_cfg_format_xl(const struct domcfg_config *cfg, char **text_out,
			struct domcfg_msgs *msgs);

#endif
