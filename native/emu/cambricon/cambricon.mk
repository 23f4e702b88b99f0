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

.PHONY: cambricon test-cambricon
cambricon: $(CAMBRICON_LIB)

$(CAMBRICON_LIB): $(CAMBRICON_SRCS) $(KX_CORE_SRCS) $(KX_HOSTMATH_SRCS) $(CAMBRICON_HDRS)
	@mkdir -p $(OUT)
	$(CC) $(KX_EMU_CFLAGS) $(KX_SO_LDFLAGS) -o $@ $(CAMBRICON_SRCS) $(KX_CORE_SRCS) $(KX_HOSTMATH_SRCS) -lm

$(OUT)/test_cambricon: $(KX_NATIVE_DIR)/test/test_cambricon.c $(CAMBRICON_LIB)
	$(CC) -O1 -g -Wall -Wextra -Werror -pthread -I$(KX_NATIVE_DIR)/include -o $@ $< $(CAMBRICON_LIB) \
	    -Wl,-rpath,'$$ORIGIN' -lm

test-cambricon: $(OUT)/test_cambricon
	$(OUT)/test_cambricon
