package io.kuaxin.backend.acme;

import io.kuaxin.spi.ffm.Native;
import io.kuaxin.spi.ffm.SymbolBinder;
import io.kuaxin.spi.ffm.VendorErrors;
import io.kuaxin.spi.ffm.VendorLibraries;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.List;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/** Every Acme downcall (native/include/acme/acme_rt.h), bound at probe time, and Acme's one error mapping. */
final class AcmeSymbols {
    static final String BACKEND = "acme", RUNTIME = "runtime";
    static final VendorLibraries.Sdk SDK = new VendorLibraries.Sdk(BACKEND, "acme", List.of("ACME_HOME"),
            List.of("/opt/acme"), "install the Acme SDK");
    static final int ERROR_OUT_OF_MEMORY = 2; // ACME_ERROR_OUT_OF_MEMORY (V: acme_rt.h)

    final boolean emulated;
    final VendorErrors errors;
    final MethodHandle acmeGetErrorString, acmeGetDeviceCount, acmeSetDevice, acmeMemGetInfo, acmeMalloc,
            acmeFree, acmeStreamCreate, acmeStreamDestroy, acmeStreamSynchronize, acmeStreamWaitEvent,
            acmeMemcpyAsync, acmeMemsetAsync, acmeEventCreate, acmeEventDestroy, acmeEventRecord, acmeEventQuery,
            acmeEventSynchronize, acmeEventElapsedTime;

    AcmeSymbols(VendorLibraries libs) {
        emulated = libs.emulated();
        SymbolBinder b = new SymbolBinder(libs.lookup(RUNTIME), libs.path(RUNTIME).toString());
        MemoryLayout a = ADDRESS, i = JAVA_INT, l = JAVA_LONG;
        acmeGetErrorString = b.bind("acmeGetErrorString", FunctionDescriptor.of(a, i));
        acmeGetDeviceCount = b.bind("acmeGetDeviceCount", fd(a));
        acmeSetDevice = b.bind("acmeSetDevice", fd(i));
        acmeMemGetInfo = b.bind("acmeMemGetInfo", fd(a, a));
        acmeMalloc = b.bind("acmeMalloc", fd(a, l));
        acmeFree = b.bind("acmeFree", fd(a));
        acmeStreamCreate = b.bind("acmeStreamCreate", fd(a));
        acmeStreamDestroy = b.bind("acmeStreamDestroy", fd(a));
        acmeStreamSynchronize = b.bind("acmeStreamSynchronize", fd(a));
        acmeStreamWaitEvent = b.bind("acmeStreamWaitEvent", fd(a, a));
        acmeMemcpyAsync = b.bind("acmeMemcpyAsync", fd(a, a, l, i, a));
        acmeMemsetAsync = b.bind("acmeMemsetAsync", fd(a, i, l, a));
        acmeEventCreate = b.bind("acmeEventCreate", fd(a));
        acmeEventDestroy = b.bind("acmeEventDestroy", fd(a));
        acmeEventRecord = b.bind("acmeEventRecord", fd(a, a));
        acmeEventQuery = b.bind("acmeEventQuery", fd(a));
        acmeEventSynchronize = b.bind("acmeEventSynchronize", fd(a));
        acmeEventElapsedTime = b.bind("acmeEventElapsedTime", fd(a, a, a));
        b.requireAll();
        errors = new VendorErrors(BACKEND, rc -> rc == ERROR_OUT_OF_MEMORY, this::message);
    }

    private String message(int rc) {
        try {
            return Native.string((MemorySegment) acmeGetErrorString.invokeExact(rc));
        } catch (Throwable t) {
            throw Native.rethrow(t); // VendorErrors reads a failure as "no text"
        }
    }

    private static FunctionDescriptor fd(MemoryLayout... args) { return FunctionDescriptor.of(JAVA_INT, args); }

    /** Makes {@code device} current on the calling thread. */
    void bind(int device) {
        Native.call(() -> (int) acmeSetDevice.invokeExact(device), errors.checking("acmeSetDevice"));
    }
}
