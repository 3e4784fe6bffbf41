# bench/xenstore.mk
