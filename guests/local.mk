# guests/: the vmctl PV guest kernel (freestanding; GUEST_CFLAGS).
