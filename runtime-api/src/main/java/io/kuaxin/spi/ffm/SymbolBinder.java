package io.kuaxin.spi.ffm;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Binds downcall handles from one library and remembers which required symbols were missing, so a backend's
 * {@code Symbols} constructor can bind everything and then fail once, at probe time, naming every missing
 * symbol — never a null handle that fails later.
 *
 * <p>Not thread-safe: use from the constructor that binds.
 */
public final class SymbolBinder {
    private static final Linker LINKER = Linker.nativeLinker();
    private final SymbolLookup lookup;
    private final String library;
    private final List<String> missing = new ArrayList<>();

    public SymbolBinder(SymbolLookup lookup, String library) {
        this.lookup = lookup;
        this.library = library;
    }

    /** Binds a required symbol; if absent, records it and returns {@code null}. */
    public MethodHandle bind(String name, FunctionDescriptor fd, Linker.Option... options) {
        Optional<MemorySegment> s = lookup.find(name);
        if (s.isEmpty()) {
            missing.add(name);
            return null;
        }
        return LINKER.downcallHandle(s.get(), fd, options);
    }

    /** Binds an optional symbol (telemetry, newer APIs); absent means empty. */
    public Optional<MethodHandle> optional(String name, FunctionDescriptor fd, Linker.Option... options) {
        return lookup.find(name).map(s -> LINKER.downcallHandle(s, fd, options));
    }

    /** The required symbols not found so far. */
    public List<String> missing() { return List.copyOf(missing); }

    /**
     * Throws if a required symbol was missing.
     *
     * @throws MissingSymbolsException naming the library and every missing symbol
     */
    public void requireAll() {
        if (!missing.isEmpty()) throw new MissingSymbolsException(library, missing());
    }

    /** Required symbols missing from a vendor library: the backend is unavailable, with this as the reason. */
    public static final class MissingSymbolsException extends RuntimeException {
        public MissingSymbolsException(String library, List<String> symbols) {
            super(library + " lacks required symbol" + (symbols.size() == 1 ? " " : "s ") + String.join(", ", symbols)
                    + " (wrong SDK version, or not the vendor's library?)");
        }
    }
}
