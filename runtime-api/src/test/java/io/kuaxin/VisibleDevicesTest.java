package io.kuaxin;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class VisibleDevicesTest {
    @Test
    void mapsLogicalToPhysicalInTheGivenOrder() {
        VisibleDevices v = VisibleDevices.parse("ASCEND_RT_VISIBLE_DEVICES", "3, 1,02");
        assertEquals(List.of("3", "1", "2"), v.physicalIds());
        assertEquals("3", v.physicalId(0));
        assertEquals("2", v.physicalId(2));
        v.checkAgainst(3);
    }

    @Test
    void unsetMeansIdentityAndEmptyHidesAll() {
        VisibleDevices unset = VisibleDevices.parse("MLU_VISIBLE_DEVICES", null);
        assertFalse(unset.isSet());
        assertEquals("5", unset.physicalId(5));
        VisibleDevices empty = VisibleDevices.parse("MLU_VISIBLE_DEVICES", "");
        assertTrue(empty.isSet());
        assertEquals(List.of(), empty.physicalIds());
        empty.checkAgainst(0);
    }

    @Test
    void acceptsCudaUuids() {
        VisibleDevices v = VisibleDevices.parse("CUDA_VISIBLE_DEVICES", "GPU-8f2a,1");
        assertEquals(List.of("GPU-8f2a", "1"), v.physicalIds());
    }

    @ParameterizedTest
    @ValueSource(strings = {"0,,1", "a", "-1", "0,0", "1, 01", "0;1", " ,"})
    void malformedValuesAreErrorsNamingTheVariable(String value) {
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
                () -> VisibleDevices.parse("HIP_VISIBLE_DEVICES", value));
        assertTrue(e.getMessage().startsWith("HIP_VISIBLE_DEVICES="), e.getMessage());
    }

    @Test
    void idsTheRuntimeDroppedAreAnErrorNotASilentDrop() {
        VisibleDevices v = VisibleDevices.parse("ASCEND_RT_VISIBLE_DEVICES", "0,7");
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> v.checkAgainst(1));
        assertTrue(e.getMessage().contains("lists 2 devices but the runtime sees only 1"), e.getMessage());
        assertTrue(e.getMessage().contains("[0]"), e.getMessage());
    }
}
