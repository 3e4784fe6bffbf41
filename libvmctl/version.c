#include "config.h"
#include "libvmctl/libvmctl.h"

const char *vmctl_version(void)
{
	return PACKAGE_VERSION;
}
