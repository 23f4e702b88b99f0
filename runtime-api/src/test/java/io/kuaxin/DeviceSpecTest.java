package io.kuaxin;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class DeviceSpecTest {
    @Test
    void parsesOrderedChoices() {
        DeviceSpec s = DeviceSpec.parse(" ascend:1, mlu:* ,cpu");
        assertEquals(List.of(new DeviceSpec.Choice("ascend", 1), new DeviceSpec.Choice("mlu", DeviceSpec.ANY),
                new DeviceSpec.Choice("cpu", 0)), s.choices());
        assertEquals("ascend:1,mlu:*,cpu:0", s.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "cpu,", ",cpu", "ascend:-1", "ascend:x", "9lives", "ascend:1:2", "cpu:*x"})
    void rejectsMalformedSpecsNamingTheProblem(String spec) {
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> DeviceSpec.parse(spec));
        assertFalse(e.getMessage().isBlank());
    }
}
