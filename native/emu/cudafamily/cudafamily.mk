# CUDA-family emulators: the same sources built once per dialect.
#   libkuaxin-emu-cuda.so  cudart + cuBLAS + driver subset (NVIDIA)
#   libkuaxin-emu-cudalegacy.so  the same with cudaDataType compute types (Iluvatar CoreX, Hygon DTK CUDA layer)
#   libkuaxin-emu-hip.so   HIP runtime + hipBLAS
#   libkuaxin-emu-musa.so  MUSA runtime + muBLAS (+ mangled mublasGemmEx) + mu* driver subset
#   libkuaxin-emu-supa.so  SUPA runtime + suBLAS
# Included from native/Makefile (which sets KX_NATIVE_DIR, OUT, CC, KX_EMU_CFLAGS, ...).
CF_DIR := $(KX_NATIVE_DIR)/emu/cudafamily
CF_DIALECTS := cuda cudalegacy hip musa supa
CF_SRCS := $(CF_DIR)/runtime.c $(CF_DIR)/driver.c $(CF_DIR)/blas.c $(KX_NATIVE_DIR)/emu/blas/kx_gemm.c
# Module API + host twins of the device kernels (parameter layout from the kernel source tree).
CF_KERNEL_ABI := $(KX_NATIVE_DIR)/../cuda-kernels/src/main/cuda
CF_SRCS += $(CF_DIR)/module.c $(CF_DIR)/host_kernels.c $(wildcard $(KX_NATIVE_DIR)/emu/hostmath/*.c)
CF_HDRS := $(wildcard $(CF_DIR)/*.h $(KX_NATIVE_DIR)/emu/blas/*.h $(KX_NATIVE_DIR)/include/*.h \
             $(KX_NATIVE_DIR)/include/*/*.h) $(KX_CORE_HDRS) \
             $(CF_KERNEL_ABI)/kx_kernel_abi.h $(wildcard $(KX_NATIVE_DIR)/emu/hostmath/*.h)
CF_LIBS := $(foreach d,$(CF_DIALECTS),$(OUT)/libkuaxin-emu-$(d).so)
CF_TESTS := $(foreach d,$(CF_DIALECTS),$(OUT)/test_$(d))
CF_MODULE_TESTS := $(foreach d,$(CF_DIALECTS),$(OUT)/test_module_$(d))

.PHONY: cudafamily test-cudafamily
cudafamily: $(CF_LIBS)

# One macro per dialect: KX_DIALECT_CUDA, ... (upper-cased name).
cf_macro = KX_DIALECT_$(shell echo $(1) | tr a-z A-Z)

$(OUT)/libkuaxin-emu-%.so: $(CF_SRCS) $(KX_CORE_SRCS) $(CF_HDRS)
	@mkdir -p $(OUT)
	$(CC) $(KX_EMU_CFLAGS) -D$(call cf_macro,$*) -I$(KX_NATIVE_DIR)/include -I$(CF_KERNEL_ABI) -o $@ \
	    $(CF_SRCS) $(KX_CORE_SRCS) $(KX_SO_LDFLAGS) -lm

$(OUT)/test_%: $(KX_NATIVE_DIR)/test/test_cudafamily.c $(KX_NATIVE_DIR)/test/kx_test.h $(OUT)/libkuaxin-emu-%.so
	$(CC) -O1 -g -Wall -Wextra -Werror -pthread -std=gnu11 -D$(call cf_macro,$*) \
	    -I$(KX_NATIVE_DIR)/include -I$(KX_NATIVE_DIR)/emu/core -o $@ $< \
	    -L$(OUT) -l:libkuaxin-emu-$*.so -Wl,-rpath,'$$ORIGIN' -lm

$(OUT)/test_module_%: $(KX_NATIVE_DIR)/test/test_cudafamily_module.c $(KX_NATIVE_DIR)/test/kx_test.h $(OUT)/libkuaxin-emu-%.so
	$(CC) -O1 -g -Wall -Wextra -Werror -pthread -std=gnu11 -D$(call cf_macro,$*) \
	    -I$(KX_NATIVE_DIR)/include -I$(KX_NATIVE_DIR)/emu/core -I$(CF_KERNEL_ABI) -o $@ $< \
	    -L$(OUT) -l:libkuaxin-emu-$*.so -Wl,-rpath,'$$ORIGIN' -lm

test-cudafamily: $(CF_TESTS) $(CF_MODULE_TESTS)
	@set -e; for d in $(CF_DIALECTS); do echo "== test_$$d"; $(OUT)/test_$$d; \
	    echo "== test_module_$$d"; $(OUT)/test_module_$$d; done
