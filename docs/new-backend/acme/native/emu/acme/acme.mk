# Acme emulator: libkuaxin-emu-acme.so exports what libacmert.so exports for the bound subset, plus the
# kuaxin_emu_* control API of the core. Included from native/Makefile (every emu/*/*.mk); also usable alone:
#   make -f native/emu/acme/acme.mk acme
# The rules themselves are native/emu/vendor-emu.mk's; this fragment states the names, sources and flags.
ACME_MK_DIR := $(patsubst %/,%,$(dir $(lastword $(MAKEFILE_LIST))))
KX_NATIVE_DIR ?= $(ACME_MK_DIR)/../..
ACME_INCLUDE ?= $(KX_NATIVE_DIR)/include
include $(KX_NATIVE_DIR)/emu/vendor-emu.mk

ACME_SRCS := $(wildcard $(ACME_MK_DIR)/*.c)
ACME_HDRS := $(wildcard $(ACME_INCLUDE)/acme/*.h $(KX_NATIVE_DIR)/emu/core/*.h $(KX_NATIVE_DIR)/emu/hostmath/*.h)

.PHONY: acme test-acme
acme: $(OUT)/libkuaxin-emu-acme.so

$(eval $(call kx_emu_lib,acme,$(ACME_SRCS) $(KX_CORE_SRCS) $(KX_HOSTMATH_SRCS),$(ACME_HDRS),\
    -I$(ACME_INCLUDE) -I$(KX_NATIVE_DIR)/include -I$(KX_NATIVE_DIR)/emu/core -I$(KX_NATIVE_DIR)/emu/hostmath,-lm))

# The emulator's own rules in C, as native/test/test_cambricon.c does for Cambricon: add native/test/test_acme.c,
# then replace this line with $(eval $(call kx_emu_test,acme,,-lm)).
test-acme: $(OUT)/libkuaxin-emu-acme.so
