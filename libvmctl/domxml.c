/* domxml: placeholder bodies so callers link while the conversion is
 * written (see domxml.h for the contract). */
#include <errno.h>

#include "libvmctl/domxml.h"

int vmctl_domxml_format(const struct domcfg_config *cfg,
			const struct vmctl_domxml_runtime *rt, unsigned flags,
			char **xml_out, struct domcfg_msgs *msgs)
{
	(void)cfg; (void)rt; (void)flags; (void)msgs;
	*xml_out = NULL;
	return -ENOSYS;
}

int vmctl_domxml_parse(const char *xml, size_t len, struct domcfg_config *cfg,
		       struct domcfg_msgs *msgs)
{
	(void)xml; (void)len; (void)cfg; (void)msgs;
	return -ENOSYS;
}

int vmctl_domxml_from_native(const char *format, const char *native,
			     size_t len, char **xml_out,
			     struct domcfg_msgs *msgs)
{
	(void)format; (void)native; (void)len; (void)msgs;
	*xml_out = NULL;
	return -ENOSYS;
}

int vmctl_domxml_to_native(const char *format, const char *xml, size_t len,
			   char **native_out, struct domcfg_msgs *msgs)
{
	(void)format; (void)xml; (void)len; (void)msgs;
	*native_out = NULL;
	return -ENOSYS;
}

int vmctl_cfg_format_xl(const struct domcfg_config *cfg, char **text_out,
			struct domcfg_msgs *msgs)
{
	(void)cfg; (void)msgs;
	*text_out = NULL;
	return -ENOSYS;
}
