package io.kuaxin.spi.ffm;

import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Binding against the C library the JVM itself links (strlen is in every libc). */
class SymbolBinderTest {
    private static final FunctionDescriptor STRLEN = FunctionDescriptor.of(JAVA_LONG, ADDRESS);

    @Test
    void aBoundSymbolIsCalledWithInvokeExact() throws Throwable {
        SymbolBinder b = new SymbolBinder(Linker.nativeLinker().defaultLookup(), "libc");
        MethodHandle strlen = b.bind("strlen", STRLEN);
        assertNotNull(strlen);
        try (Arena a = Arena.ofConfined()) {
            assertEquals(6L, (long) strlen.invokeExact(a.allocateFrom("kuaxin")));
        }
        assertDoesNotThrow(b::requireAll);
    }

    @Test
    void everyMissingRequiredSymbolIsNamedOnce() {
        SymbolBinder b = new SymbolBinder(Linker.nativeLinker().defaultLookup(), "libacme.so");
        assertNull(b.bind("kuaxinNoSuchSymbolA", STRLEN));
        b.bind("strlen", STRLEN);
        assertNull(b.bind("kuaxinNoSuchSymbolB", STRLEN));
        assertEquals(java.util.List.of("kuaxinNoSuchSymbolA", "kuaxinNoSuchSymbolB"), b.missing());
        SymbolBinder.MissingSymbolsException e = assertThrows(SymbolBinder.MissingSymbolsException.class, b::requireAll);
        assertTrue(e.getMessage().startsWith("libacme.so lacks required symbols kuaxinNoSuchSymbolA, kuaxinNoSuchSymbolB"),
                e::getMessage);
    }

    @Test
    void aMissingOptionalSymbolIsEmptyAndNotRequired() {
        SymbolBinder b = new SymbolBinder(Linker.nativeLinker().defaultLookup(), "libc");
        assertTrue(b.optional("kuaxinNoSuchSymbol", STRLEN).isEmpty());
        assertTrue(b.optional("strlen", STRLEN).isPresent());
        assertDoesNotThrow(b::requireAll);
    }

    @Test
    void statusMakesOneExactCallAndLetsUncheckedFailuresThrough() {
        SymbolBinder b = new SymbolBinder(Linker.nativeLinker().defaultLookup(), "libc");
        MethodHandle abs = b.bind("abs", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
        assertEquals(7, Native.status(() -> (int) abs.invokeExact(-7)));
        // a call that does not match the descriptor exactly fails loudly instead of converting its arguments
        assertThrows(java.lang.invoke.WrongMethodTypeException.class,
                () -> Native.status(() -> (int) abs.invokeExact(-7L)));
        IllegalStateException wrapped = assertThrows(IllegalStateException.class,
                () -> Native.status(() -> { throw new java.io.IOException("checked"); }));
        assertEquals("checked", wrapped.getCause().getMessage());
    }

    @Test
    void rethrowKeepsUncheckedAndWrapsChecked() {
        IllegalArgumentException iae = new IllegalArgumentException("x");
        assertEquals(iae, Native.rethrow(iae));
        assertThrows(StackOverflowError.class, () -> Native.rethrow(new StackOverflowError()));
        Exception checked = new java.io.IOException("io");
        assertEquals(checked, Native.rethrow(checked).getCause());
        assertEquals("", Native.string(null));
        assertEquals("", Native.string(Native.ptr(0)));
    }
}
