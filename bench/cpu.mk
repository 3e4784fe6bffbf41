# bench/cpu.mk
