# Ascend emulator: libkuaxin-emu-ascend.so exports what libascendcl.so,
# libnnopbase.so and libopapi.so export for the bound subset, plus the
# kuaxin_emu_* control API of the core.
# Included from native/Makefile; also usable alone:
#   make -f native/emu/ascend/ascend.mk test-ascend
ASCEND_MK_DIR := $(patsubst %/,%,$(dir $(lastword $(MAKEFILE_LIST))))
KX_NATIVE_DIR ?= $(ASCEND_MK_DIR)/../..
OUT ?= $(KX_NATIVE_DIR)/../target/native/linux-x86_64
CC ?= gcc
KX_EMU_CFLAGS ?= -O2 -fPIC -Wall -Wextra -Werror -pthread -std=gnu11
KX_SO_LDFLAGS ?= -shared -pthread -Wl,-Bsymbolic -Wl,--no-undefined
KX_CORE_SRCS ?= $(wildcard $(KX_NATIVE_DIR)/emu/core/*.c)
KX_HOSTMATH_SRCS ?= $(wildcard $(KX_NATIVE_DIR)/emu/hostmath/*.c)

ASCEND_SRCS := $(wildcard $(ASCEND_MK_DIR)/*.c)
ASCEND_HDRS := $(wildcard $(KX_NATIVE_DIR)/include/ascend/*.h $(ASCEND_MK_DIR)/*.h \
                 $(KX_NATIVE_DIR)/emu/core/*.h $(KX_NATIVE_DIR)/emu/hostmath/*.h)
ASCEND_LIB := $(OUT)/libkuaxin-emu-ascend.so

# Optional telemetry (DCMI, libdcmi.so): its own small library on its own copy of the core.
DCMI_SRCS := $(ASCEND_MK_DIR)/dcmi/dcmi_emu.c
DCMI_HDRS := $(KX_NATIVE_DIR)/include/ascend/dcmi_interface_api.h $(wildcard $(KX_NATIVE_DIR)/emu/core/*.h)
DCMI_LIB := $(OUT)/libkuaxin-emu-dcmi.so

.PHONY: ascend test-ascend test-dcmi
ascend: $(ASCEND_LIB) $(DCMI_LIB)

$(ASCEND_LIB): $(ASCEND_SRCS) $(KX_CORE_SRCS) $(KX_HOSTMATH_SRCS) $(ASCEND_HDRS)
	@mkdir -p $(OUT)
	$(CC) $(KX_EMU_CFLAGS) $(KX_SO_LDFLAGS) -o $@ $(ASCEND_SRCS) $(KX_CORE_SRCS) $(KX_HOSTMATH_SRCS) -lm

$(OUT)/test_ascend: $(KX_NATIVE_DIR)/test/test_ascend.c $(ASCEND_LIB)
	$(CC) -O1 -g -Wall -Wextra -Werror -pthread -I$(KX_NATIVE_DIR)/include -o $@ $< $(ASCEND_LIB) \
	    -Wl,-rpath,'$$ORIGIN' -lm

test-ascend: $(OUT)/test_ascend test-dcmi
	$(OUT)/test_ascend

$(DCMI_LIB): $(DCMI_SRCS) $(KX_CORE_SRCS) $(DCMI_HDRS)
	@mkdir -p $(OUT)
	$(CC) $(KX_EMU_CFLAGS) -I$(KX_NATIVE_DIR)/include -I$(KX_NATIVE_DIR)/emu/core $(KX_SO_LDFLAGS) -o $@ $(DCMI_SRCS) $(KX_CORE_SRCS)

$(OUT)/test_dcmi: $(KX_NATIVE_DIR)/test/test_dcmi.c $(DCMI_LIB)
	$(CC) -O1 -g -Wall -Wextra -Werror -pthread -I$(KX_NATIVE_DIR)/include -I$(KX_NATIVE_DIR)/test -o $@ $< $(DCMI_LIB) \
	    -Wl,-rpath,'$$ORIGIN'

test-dcmi: $(OUT)/test_dcmi
	$(OUT)/test_dcmi
