# Collective-library emulators: one source per API shape, built once per symbol prefix.
#   libkuaxin-emu-nccl.so   nccl* names on the CUDA emulator's streams (NVIDIA NCCL, Iluvatar's NCCL build)
#   libkuaxin-emu-rccl.so   nccl* names on the HIP emulator's streams (AMD/Hygon RCCL)
#   libkuaxin-emu-mccl.so   mccl* names on the MUSA emulator's streams (Moore Threads MCCL)
#   libkuaxin-emu-bccl.so   bccl* names on the SUPA emulator's streams (Biren BCCL)
#   libkuaxin-emu-hccl.so   HCCL on the Ascend emulator's streams
#   libkuaxin-emu-cncl.so   CNCL on the Cambricon emulator's queues
# Included from native/Makefile (which sets KX_NATIVE_DIR, OUT, CC, KX_EMU_CFLAGS, ...).
CCL_DIR := $(KX_NATIVE_DIR)/emu/collectives
CCL_SRCS := $(CCL_DIR)/ccl_wire.c $(CCL_DIR)/ccl_comm.c $(CCL_DIR)/ccl_nccl.c
CCL_HDRS := $(wildcard $(CCL_DIR)/*.h) $(KX_NATIVE_DIR)/include/nccl/nccl.h
CCL_FLAVOURS := nccl rccl mccl bccl
CCL_LIBS := $(foreach f,$(CCL_FLAVOURS),$(OUT)/libkuaxin-emu-$(f).so)

ccl_prefix_nccl := nccl
ccl_prefix_rccl := nccl
ccl_prefix_mccl := mccl
ccl_prefix_bccl := bccl
ccl_runtime_nccl := cuda
ccl_runtime_rccl := hip
ccl_runtime_mccl := musa
ccl_runtime_bccl := supa

# HCCL (Huawei Ascend) on the Ascend emulator's streams: the same transport behind HCCL's API.
HCCL_EMU := $(OUT)/libkuaxin-emu-hccl.so
$(HCCL_EMU): $(CCL_DIR)/ccl_wire.c $(CCL_DIR)/ccl_comm.c $(CCL_DIR)/ccl_hccl.c $(wildcard $(CCL_DIR)/*.h) \
             $(KX_NATIVE_DIR)/include/hccl/hccl.h
	@mkdir -p $(OUT)
	$(CC) $(KX_EMU_CFLAGS) -fvisibility=hidden -DKX_CCL_RUNTIME='"ascend"' -I$(KX_NATIVE_DIR)/include -o $@ \
	    $(CCL_DIR)/ccl_wire.c $(CCL_DIR)/ccl_comm.c $(CCL_DIR)/ccl_hccl.c $(KX_SO_LDFLAGS) -ldl -lm

# CNCL (Cambricon) on the Cambricon emulator's queues: the same transport behind CNCL's API.
CNCL_EMU := $(OUT)/libkuaxin-emu-cncl.so
$(CNCL_EMU): $(CCL_DIR)/ccl_wire.c $(CCL_DIR)/ccl_comm.c $(CCL_DIR)/ccl_cncl.c $(wildcard $(CCL_DIR)/*.h) \
             $(KX_NATIVE_DIR)/include/cambricon/cncl.h
	@mkdir -p $(OUT)
	$(CC) $(KX_EMU_CFLAGS) -fvisibility=hidden -DKX_CCL_RUNTIME='"cambricon"' -I$(KX_NATIVE_DIR)/include -o $@ \
	    $(CCL_DIR)/ccl_wire.c $(CCL_DIR)/ccl_comm.c $(CCL_DIR)/ccl_cncl.c $(KX_SO_LDFLAGS) -ldl -lm

.PHONY: collectives test-collectives
collectives: $(CCL_LIBS) $(HCCL_EMU) $(CNCL_EMU)

$(CCL_LIBS): $(OUT)/libkuaxin-emu-%.so: $(CCL_SRCS) $(CCL_HDRS)
	@mkdir -p $(OUT)
	$(CC) $(KX_EMU_CFLAGS) -fvisibility=hidden -DKX_CCL_PREFIX=$(ccl_prefix_$*) -DKX_CCL_RUNTIME='"$(ccl_runtime_$*)"' \
	    -I$(KX_NATIVE_DIR)/include -o $@ $(CCL_SRCS) $(KX_SO_LDFLAGS) -ldl -lm

$(OUT)/test_ccl_nccl: $(KX_NATIVE_DIR)/test/test_ccl_nccl.c $(OUT)/libkuaxin-emu-nccl.so
	$(CC) -O1 -g -Wall -Wextra -Werror -pthread -std=gnu11 -I$(KX_NATIVE_DIR)/include -o $@ $< \
	    -L$(OUT) -l:libkuaxin-emu-nccl.so -Wl,-rpath,'$$ORIGIN'

test-collectives: $(OUT)/test_ccl_nccl
	$(OUT)/test_ccl_nccl
