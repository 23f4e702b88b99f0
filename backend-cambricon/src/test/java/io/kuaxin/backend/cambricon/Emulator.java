package io.kuaxin.backend.cambricon;

import io.kuaxin.Kuaxin;
import io.kuaxin.emulators.EmulatorControl;

import java.nio.file.Path;
import java.util.List;

/** Where the tests' emulator is, its control API (bound from the same file the backend loads), and a runtime on it. */
final class Emulator {
    static final Path DIR = Path.of(System.getProperty("kuaxin.emulator.dir", "../native/target/classes/native/linux-x86_64"));
    static final Path LIBRARY = DIR.resolve("libkuaxin-emu-cambricon.so");
    static final EmulatorControl CONTROL = new EmulatorControl(LIBRARY);

    private Emulator() {}

    /** A runtime with only the Cambricon backend. */
    static Kuaxin open() {
        return Kuaxin.open(Kuaxin.Options.defaults().withProviders(List.of(new CambriconProvider())));
    }
}
