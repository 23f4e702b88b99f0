# Shared rules of a vendor emulator fragment (emu/<family>/<family>.mk): each fragment sets KX_NATIVE_DIR, includes
# this file and states only its names, sources, headers and extra flags through the functions below. It sits one
# level above the fragments, so native/Makefile's emu/*/*.mk does not pick it up as a family of its own.
ifndef KX_VENDOR_EMU_MK
KX_VENDOR_EMU_MK := 1
# The same defaults as native/Makefile, for a fragment used alone (make -f native/emu/<family>/<family>.mk ...).
OUT ?= $(KX_NATIVE_DIR)/../target/native/linux-x86_64
CC ?= gcc
KX_EMU_CFLAGS ?= -O2 -fPIC -Wall -Wextra -Werror -pthread -std=gnu11
KX_SO_LDFLAGS ?= -shared -pthread -Wl,-Bsymbolic -Wl,--no-undefined
KX_CORE_SRCS ?= $(wildcard $(KX_NATIVE_DIR)/emu/core/*.c)
KX_HOSTMATH_SRCS ?= $(wildcard $(KX_NATIVE_DIR)/emu/hostmath/*.c)

# $(eval $(call kx_emu_lib,NAME,SOURCES,HEADERS,CFLAGS,LDLIBS)): $(OUT)/libkuaxin-emu-NAME.so from SOURCES (the
# vendor's own plus the core and hostmath sources it links statically), rebuilt when a HEADER changes.
define kx_emu_lib
$$(OUT)/libkuaxin-emu-$(1).so: $(2) $(3)
	@mkdir -p $$(OUT)
	$$(CC) $$(KX_EMU_CFLAGS) $(4) $$(KX_SO_LDFLAGS) -o $$@ $(2) $(5)
endef

# $(eval $(call kx_emu_test,NAME,CFLAGS,LDLIBS)): test-NAME builds native/test/test_NAME.c against
# libkuaxin-emu-NAME.so (found next to the test through its rpath) and runs it.
define kx_emu_test
.PHONY: test-$(1)
$$(OUT)/test_$(1): $$(KX_NATIVE_DIR)/test/test_$(1).c $$(OUT)/libkuaxin-emu-$(1).so
	$$(CC) -O1 -g -Wall -Wextra -Werror -pthread -I$$(KX_NATIVE_DIR)/include $(2) -o $$@ $$< \
	    $$(OUT)/libkuaxin-emu-$(1).so -Wl,-rpath,'$$$$ORIGIN' $(3)

test-$(1): $$(OUT)/test_$(1)
	$$(OUT)/test_$(1)
endef

# $(eval $(call kx_emu_telemetry,NAME,SOURCES,HEADERS)): an optional telemetry library (DCMI, CNDev) on its own copy
# of the core, with test-NAME for native/test/test_NAME.c.
define kx_emu_telemetry
$(call kx_emu_lib,$(1),$(2) $(KX_CORE_SRCS),$(3) $(wildcard $(KX_NATIVE_DIR)/emu/core/*.h),\
    -I$(KX_NATIVE_DIR)/include -I$(KX_NATIVE_DIR)/emu/core,)
$(call kx_emu_test,$(1),-I$(KX_NATIVE_DIR)/test,)
endef
endif
