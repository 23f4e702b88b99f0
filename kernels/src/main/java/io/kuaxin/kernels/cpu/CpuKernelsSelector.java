package io.kuaxin.kernels.cpu;

import java.lang.reflect.InvocationTargetException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chooses the {@link CpuKernels} implementation once. The Vector API class is loaded reflectively so that the
 * scalar path never links {@code jdk.incubator.vector}; its constructor throws when the hardware or VM would make
 * it slow, which also selects scalar. Logs exactly one line saying which and why.
 */
final class CpuKernelsSelector {
    static final String VECTOR_CLASS = "io.kuaxin.kernels.cpu.vector.VectorCpuKernels";
    private static final Logger LOG = LoggerFactory.getLogger(CpuKernels.class);

    /** Initialised on first use of {@link CpuKernels#instance()} (holder idiom: no class-loading deadlock). */
    static final CpuKernels INSTANCE = select();

    private CpuKernelsSelector() {}

    private static CpuKernels select() {
        int threads = CpuThreads.threads();
        if (Boolean.getBoolean("kuaxin.cpu.scalar")) {
            LOG.info("CPU kernels: scalar (forced by -Dkuaxin.cpu.scalar=true), {} threads", threads);
            return ScalarCpuKernels.INSTANCE;
        }
        String why;
        try {
            CpuKernels k = loadVector();
            LOG.info("CPU kernels: {} (jdk.incubator.vector readable, preferred species wide enough), {} threads", k.name(), threads);
            return k;
        } catch (ClassNotFoundException | LinkageError e) {
            why = "jdk.incubator.vector is not readable (run with --add-modules=jdk.incubator.vector)";
        } catch (InvocationTargetException e) {
            why = String.valueOf(e.getCause().getMessage());
        } catch (ReflectiveOperationException | RuntimeException e) {
            why = e.toString();
        }
        LOG.info("CPU kernels: scalar ({}), {} threads", why, threads);
        return ScalarCpuKernels.INSTANCE;
    }

    /** The Vector API implementation, or an exception saying why it cannot be used here. */
    static CpuKernels loadVector() throws ReflectiveOperationException {
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) throw new ClassNotFoundException("jdk.incubator.vector");
        Class<?> c = Class.forName(VECTOR_CLASS);
        return (CpuKernels) c.getConstructor().newInstance();
    }

    /** The preferred vector width, read reflectively so a JVM without the incubator module can still ask. */
    static String vectorApi() {
        try {
            if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) throw new ClassNotFoundException("jdk.incubator.vector");
            Class<?> fv = Class.forName("jdk.incubator.vector.FloatVector");
            Object species = fv.getField("SPECIES_PREFERRED").get(null);
            int bits = (int) Class.forName("jdk.incubator.vector.VectorSpecies").getMethod("vectorBitSize").invoke(species);
            return bits + "-bit (" + (bits / 32) + " floats per vector)";
        } catch (ReflectiveOperationException | LinkageError e) {
            return "unavailable (add --add-modules=jdk.incubator.vector): " + e.getClass().getSimpleName();
        }
    }
}
