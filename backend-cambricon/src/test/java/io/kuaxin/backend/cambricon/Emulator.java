package io.kuaxin.backend.cambricon;

import io.kuaxin.emulators.EmulatorControl;

import java.nio.file.Path;

/** Where the tests' emulator is, and its control API (bound from the same file the backend loads). */
final class Emulator {
    static final Path DIR = Path.of(System.getProperty("kuaxin.emulator.dir", "../native/target/classes/native/linux-x86_64"));
    static final Path LIBRARY = DIR.resolve("libkuaxin-emu-cambricon.so");
    static final EmulatorControl CONTROL = new EmulatorControl(LIBRARY);

    private Emulator() {}
}
