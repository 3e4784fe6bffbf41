#!/bin/bash
# python3-libvirt against xld: the calls scripts and Ansible make, with a
# real PV guest defined from XML.
. "$top_srcdir/tests/libvirt/lib.sh"
lv_need_virsh
lv_need_python
host_start a || bail_out "cannot start a host"
cd "$VMCTL_TEST_DIR"
lv_cfg py1
vsh domxml-from-native xen-xl py1.cfg > py1.xml

# The script prints "1 name" or "0 name" per check; the shell reports them.
"$LV_PYTHON" - "$(lv_uri)" py1.xml > results 2> errors <<'PY'
import re, sys, libvirt

def ok(cond, name):
    print(1 if cond else 0, name, flush=True)

def err_code(fn):
    try:
        fn()
    except libvirt.libvirtError as e:
        return e.get_error_code()
    return None

uri, xml = sys.argv[1], open(sys.argv[2]).read()
c = libvirt.open(uri)
ok(c.getType() == "Xen", "getType() is Xen")
ok(c.getLibVersion() >= 9000000, "getLibVersion()")
ok(c.getVersion() > 0, "getVersion(): the hypervisor's")
ok(c.isSecure() == 1, "isSecure()")
ok(c.getInfo()[0] == "x86_64", "getInfo(): model")
ok(c.getFreeMemory() > 0, "getFreeMemory()")
ok("xenpv" in c.getCapabilities(), "getCapabilities()")
ok(err_code(lambda: c.lookupByName("nope")) == libvirt.VIR_ERR_NO_DOMAIN, "lookupByName of an unknown name: VIR_ERR_NO_DOMAIN")

d = c.defineXML(xml)
ok(d.name() == "py1" and d.ID() == -1, "defineXML: an inactive domain")
ok(not d.isActive() and d.isPersistent(), "isActive() false, isPersistent() true")
ok(d.info()[0] == libvirt.VIR_DOMAIN_SHUTOFF and d.info()[1] == 32768, "info() of the definition")
ok(d.OSType() == "linux" and d.maxVcpus() == 1 and d.maxMemory() == 32768, "OSType, maxVcpus, maxMemory")
flags = libvirt.VIR_CONNECT_LIST_DOMAINS_INACTIVE
ok([x.name() for x in c.listAllDomains(flags)] == ["py1"], "listAllDomains(INACTIVE)")
ok(c.listAllDomains(libvirt.VIR_CONNECT_LIST_DOMAINS_ACTIVE) == [], "listAllDomains(ACTIVE) is empty")
ok(c.listDefinedDomains() == ["py1"] and c.numOfDomains() == 0, "the older listDefinedDomains / numOfDomains")
d.setAutostart(1)
ok(d.autostart() == 1, "setAutostart / autostart")
d.setAutostart(0)
d.createWithFlags(libvirt.VIR_DOMAIN_START_PAUSED)
ok(d.isActive() and d.state()[0] == libvirt.VIR_DOMAIN_PAUSED, "createWithFlags(START_PAUSED)")
ok(c.lookupByID(d.ID()).UUIDString() == d.UUIDString(), "lookupByID / UUIDString")
ok(c.lookupByUUIDString(d.UUIDString()).name() == "py1", "lookupByUUIDString")
ok(c.listDomainsID() == [d.ID()], "listDomainsID")
d.resume()
ok(d.state()[0] == libvirt.VIR_DOMAIN_RUNNING, "resume()")
d.suspend()
ok(d.state()[0] == libvirt.VIR_DOMAIN_PAUSED, "suspend()")
ok(re.search("<domain type=.xen. id=.%d.>" % d.ID(), d.XMLDesc(0)), "XMLDesc(0) of the running domain")
ok("id=" not in d.XMLDesc(libvirt.VIR_DOMAIN_XML_INACTIVE), "XMLDesc(INACTIVE)")
ok(err_code(lambda: d.destroyFlags(0x100)) == libvirt.VIR_ERR_INVALID_ARG, "an unknown flag: VIR_ERR_INVALID_ARG")
ok(err_code(lambda: d.create()) == libvirt.VIR_ERR_OPERATION_INVALID, "create() of a running domain: OPERATION_INVALID")
ok(err_code(lambda: c.domainXMLFromNative("xen-sxpr", "(domain)", 0)) == libvirt.VIR_ERR_INVALID_ARG,
   "domainXMLFromNative of another format: INVALID_ARG")
ok(err_code(lambda: c.domainXMLToNative("xen-xl", "<domain type='kvm'/>", 0)) == libvirt.VIR_ERR_CONFIG_UNSUPPORTED,
   "domainXMLToNative of a kvm domain: CONFIG_UNSUPPORTED")
d.destroy()
ok(not d.isActive(), "destroy()")
ok(d.hasManagedSaveImage() == 0, "hasManagedSaveImage()")
d.undefine()
ok(err_code(lambda: c.lookupByName("py1")) == libvirt.VIR_ERR_NO_DOMAIN, "undefine(): gone")
ro = libvirt.openReadOnly(uri)
ok(err_code(lambda: ro.defineXML(xml)) == libvirt.VIR_ERR_OPERATION_DENIED, "read-only: defineXML refused")
ok(len(ro.listAllDomains()) == 0, "read-only: listAllDomains works")
ro.close()
c.close()
PY
rc=$?
while read -r r name; do ok "python3-libvirt: $name" test "$r" = 1; done < results
is "$rc" 0 "the python3-libvirt script ran to its end"
[ "$rc" = 0 ] || sed 's/^/#   /' errors
ok "host a stops cleanly" host_stop a
done_testing
