# Acme emulator: libkuaxin-emu-acme.so exports what libacmert.so exports for the bound subset, plus the
# kuaxin_emu_* control API of the core. Included from native/Makefile (every emu/*/*.mk); also usable alone:
#   make -f native/emu/acme/acme.mk acme
ACME_MK_DIR := $(patsubst %/,%,$(dir $(lastword $(MAKEFILE_LIST))))
KX_NATIVE_DIR ?= $(ACME_MK_DIR)/../..
ACME_INCLUDE ?= $(KX_NATIVE_DIR)/include
OUT ?= $(KX_NATIVE_DIR)/../target/native/linux-x86_64
CC ?= gcc
KX_EMU_CFLAGS ?= -O2 -fPIC -Wall -Wextra -Werror -pthread -std=gnu11
KX_SO_LDFLAGS ?= -shared -pthread -Wl,-Bsymbolic -Wl,--no-undefined
KX_CORE_SRCS ?= $(wildcard $(KX_NATIVE_DIR)/emu/core/*.c)
KX_HOSTMATH_SRCS ?= $(wildcard $(KX_NATIVE_DIR)/emu/hostmath/*.c)

ACME_SRCS := $(wildcard $(ACME_MK_DIR)/*.c)
ACME_HDRS := $(wildcard $(ACME_INCLUDE)/acme/*.h $(KX_NATIVE_DIR)/emu/core/*.h $(KX_NATIVE_DIR)/emu/hostmath/*.h)
ACME_LIB := $(OUT)/libkuaxin-emu-acme.so

.PHONY: acme test-acme
acme: $(ACME_LIB)

$(ACME_LIB): $(ACME_SRCS) $(KX_CORE_SRCS) $(KX_HOSTMATH_SRCS) $(ACME_HDRS)
	@mkdir -p $(OUT)
	$(CC) $(KX_EMU_CFLAGS) -I$(ACME_INCLUDE) -I$(KX_NATIVE_DIR)/include -I$(KX_NATIVE_DIR)/emu/core \
	    -I$(KX_NATIVE_DIR)/emu/hostmath $(KX_SO_LDFLAGS) -o $@ $(ACME_SRCS) $(KX_CORE_SRCS) $(KX_HOSTMATH_SRCS) -lm

# The emulator's own rules in C, as native/test/test_cambricon.c does for Cambricon: add native/test/test_acme.c.
test-acme: $(ACME_LIB)
