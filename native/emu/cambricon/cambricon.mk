# Cambricon emulator: libkuaxin-emu-cambricon.so exports what libcnrt.so and
# libcnnl.so export for the bound subset, plus the
# kuaxin_emu_* control API of the core.
# Included from native/Makefile; also usable alone:
#   make -f native/emu/cambricon/cambricon.mk test-cambricon
CAMBRICON_MK_DIR := $(patsubst %/,%,$(dir $(lastword $(MAKEFILE_LIST))))
KX_NATIVE_DIR ?= $(CAMBRICON_MK_DIR)/../..
OUT ?= $(KX_NATIVE_DIR)/../target/native/linux-x86_64
CC ?= gcc
KX_EMU_CFLAGS ?= -O2 -fPIC -Wall -Wextra -Werror -pthread -std=gnu11
KX_SO_LDFLAGS ?= -shared -pthread -Wl,-Bsymbolic -Wl,--no-undefined
KX_CORE_SRCS ?= $(wildcard $(KX_NATIVE_DIR)/emu/core/*.c)
KX_HOSTMATH_SRCS ?= $(wildcard $(KX_NATIVE_DIR)/emu/hostmath/*.c)

CAMBRICON_SRCS := $(wildcard $(CAMBRICON_MK_DIR)/*.c)
CAMBRICON_HDRS := $(wildcard $(KX_NATIVE_DIR)/include/cambricon/*.h $(CAMBRICON_MK_DIR)/*.h \
                 $(KX_NATIVE_DIR)/emu/core/*.h $(KX_NATIVE_DIR)/emu/hostmath/*.h)
CAMBRICON_LIB := $(OUT)/libkuaxin-emu-cambricon.so

# Optional telemetry (CNDev, libcndev.so): its own small library on its own copy of the core.
CNDEV_SRCS := $(CAMBRICON_MK_DIR)/cndev/cndev_emu.c
CNDEV_HDRS := $(KX_NATIVE_DIR)/include/cambricon/cndev.h $(wildcard $(KX_NATIVE_DIR)/emu/core/*.h)
CNDEV_LIB := $(OUT)/libkuaxin-emu-cndev.so

.PHONY: cambricon test-cambricon test-cndev
cambricon: $(CAMBRICON_LIB) $(CNDEV_LIB)

$(CAMBRICON_LIB): $(CAMBRICON_SRCS) $(KX_CORE_SRCS) $(KX_HOSTMATH_SRCS) $(CAMBRICON_HDRS)
	@mkdir -p $(OUT)
	$(CC) $(KX_EMU_CFLAGS) $(KX_SO_LDFLAGS) -o $@ $(CAMBRICON_SRCS) $(KX_CORE_SRCS) $(KX_HOSTMATH_SRCS) -lm

$(OUT)/test_cambricon: $(KX_NATIVE_DIR)/test/test_cambricon.c $(CAMBRICON_LIB)
	$(CC) -O1 -g -Wall -Wextra -Werror -pthread -I$(KX_NATIVE_DIR)/include -o $@ $< $(CAMBRICON_LIB) \
	    -Wl,-rpath,'$$ORIGIN' -lm

test-cambricon: $(OUT)/test_cambricon test-cndev
	$(OUT)/test_cambricon

$(CNDEV_LIB): $(CNDEV_SRCS) $(KX_CORE_SRCS) $(CNDEV_HDRS)
	@mkdir -p $(OUT)
	$(CC) $(KX_EMU_CFLAGS) -I$(KX_NATIVE_DIR)/include -I$(KX_NATIVE_DIR)/emu/core $(KX_SO_LDFLAGS) -o $@ $(CNDEV_SRCS) $(KX_CORE_SRCS)

$(OUT)/test_cndev: $(KX_NATIVE_DIR)/test/test_cndev.c $(CNDEV_LIB)
	$(CC) -O1 -g -Wall -Wextra -Werror -pthread -I$(KX_NATIVE_DIR)/include -I$(KX_NATIVE_DIR)/test -o $@ $< $(CNDEV_LIB) \
	    -Wl,-rpath,'$$ORIGIN'

test-cndev: $(OUT)/test_cndev
	$(OUT)/test_cndev
