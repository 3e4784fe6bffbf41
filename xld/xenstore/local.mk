# xld/xenstore/: xenstored inside xld (Xen's wire protocol).
