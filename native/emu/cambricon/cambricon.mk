# Cambricon emulator: libkuaxin-emu-cambricon.so exports what libcnrt.so and
# libcnnl.so export for the bound subset, plus the
# kuaxin_emu_* control API of the core.
# Included from native/Makefile; also usable alone:
#   make -f native/emu/cambricon/cambricon.mk test-cambricon
CAMBRICON_MK_DIR := $(patsubst %/,%,$(dir $(lastword $(MAKEFILE_LIST))))
KX_NATIVE_DIR ?= $(CAMBRICON_MK_DIR)/../..
include $(KX_NATIVE_DIR)/emu/vendor-emu.mk

CAMBRICON_SRCS := $(wildcard $(CAMBRICON_MK_DIR)/*.c)
CAMBRICON_HDRS := $(wildcard $(KX_NATIVE_DIR)/include/cambricon/*.h $(CAMBRICON_MK_DIR)/*.h \
                 $(KX_NATIVE_DIR)/emu/core/*.h $(KX_NATIVE_DIR)/emu/hostmath/*.h)

.PHONY: cambricon
cambricon: $(OUT)/libkuaxin-emu-cambricon.so $(OUT)/libkuaxin-emu-cndev.so
test-cambricon: test-cndev

$(eval $(call kx_emu_lib,cambricon,$(CAMBRICON_SRCS) $(KX_CORE_SRCS) $(KX_HOSTMATH_SRCS),$(CAMBRICON_HDRS),,-lm))
$(eval $(call kx_emu_test,cambricon,,-lm))
# Optional telemetry (CNDev, libcndev.so): its own small library on its own copy of the core.
$(eval $(call kx_emu_telemetry,cndev,$(CAMBRICON_MK_DIR)/cndev/cndev_emu.c,$(KX_NATIVE_DIR)/include/cambricon/cndev.h))
