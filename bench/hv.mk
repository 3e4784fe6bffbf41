# bench/hv.mk
