package io.kuaxin.cli;

import io.kuaxin.spi.BackendProvider;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.lang.module.Configuration;
import java.lang.module.ModuleFinder;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Tests run on the class path (META-INF/services); this resolves the same artifacts as named modules and checks that
 * every backend is found through its module descriptor's {@code provides}, so the two registrations cannot drift.
 */
class ModulePathTest {
    @Test
    void everyBackendIsAServiceProviderOnTheModulePath() {
        Path[] entries = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(p -> p.contains("kuaxin") || p.contains("slf4j-api") || p.contains("/target/classes"))
                .filter(p -> !p.contains("test-classes") && !p.contains("/cli/"))
                .map(Path::of).toArray(Path[]::new);
        ModuleFinder finder = ModuleFinder.of(entries);
        Set<String> kuaxinModules = finder.findAll().stream().map(m -> m.descriptor().name())
                .filter(n -> n.startsWith("io.kuaxin")).collect(Collectors.toSet());
        assertTrue(kuaxinModules.contains("io.kuaxin.runtime"), kuaxinModules.toString());
        Configuration cf = ModuleLayer.boot().configuration().resolveAndBind(finder, ModuleFinder.of(), kuaxinModules);
        ModuleLayer layer = ModuleLayer.boot().defineModulesWithOneLoader(cf, ClassLoader.getSystemClassLoader());
        Set<String> names = new TreeSet<>();
        try {
            Class<?> service = Class.forName(BackendProvider.class.getName(), false, layer.findLoader("io.kuaxin.runtime"));
            for (Object p : ServiceLoader.load(layer, service)) {
                assertEquals(layer, p.getClass().getModule().getLayer(), "provider came from the module layer");
                names.add(p.getClass().getModule().getName());
            }
        } catch (ClassNotFoundException e) {
            fail(e);
        }
        assertEquals(new TreeSet<>(Set.of("io.kuaxin.backend.cpu", "io.kuaxin.backend.nvidia",
                "io.kuaxin.backend.iluvatar", "io.kuaxin.backend.hygon", "io.kuaxin.backend.moorethreads",
                "io.kuaxin.backend.biren", "io.kuaxin.backend.ascend", "io.kuaxin.backend.cambricon")), names);
    }
}
