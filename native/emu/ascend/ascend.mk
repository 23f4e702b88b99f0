# Ascend emulator: libkuaxin-emu-ascend.so exports what libascendcl.so,
# libnnopbase.so and libopapi.so export for the bound subset, plus the
# kuaxin_emu_* control API of the core.
# Included from native/Makefile; also usable alone:
#   make -f native/emu/ascend/ascend.mk test-ascend
ASCEND_MK_DIR := $(patsubst %/,%,$(dir $(lastword $(MAKEFILE_LIST))))
KX_NATIVE_DIR ?= $(ASCEND_MK_DIR)/../..
include $(KX_NATIVE_DIR)/emu/vendor-emu.mk

ASCEND_SRCS := $(wildcard $(ASCEND_MK_DIR)/*.c)
ASCEND_HDRS := $(wildcard $(KX_NATIVE_DIR)/include/ascend/*.h $(ASCEND_MK_DIR)/*.h \
                 $(KX_NATIVE_DIR)/emu/core/*.h $(KX_NATIVE_DIR)/emu/hostmath/*.h)

.PHONY: ascend
ascend: $(OUT)/libkuaxin-emu-ascend.so $(OUT)/libkuaxin-emu-dcmi.so
test-ascend: test-dcmi

$(eval $(call kx_emu_lib,ascend,$(ASCEND_SRCS) $(KX_CORE_SRCS) $(KX_HOSTMATH_SRCS),$(ASCEND_HDRS),,-lm))
$(eval $(call kx_emu_test,ascend,,-lm))
# Optional telemetry (DCMI, libdcmi.so): its own small library on its own copy of the core.
$(eval $(call kx_emu_telemetry,dcmi,$(ASCEND_MK_DIR)/dcmi/dcmi_emu.c,$(KX_NATIVE_DIR)/include/ascend/dcmi_interface_api.h))
