package io.kuaxin;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/**
 * JFR event for one op. Its duration is the time to validate and enqueue (ops run asynchronously); the device
 * time is what {@link Event#elapsedMillis} measures. Costs a few field checks when JFR is off.
 */
@Name("io.kuaxin.Op")
@Label("Kuaxin Op")
@Category({"Kuaxin"})
@Description("An op validated and enqueued on a device")
@StackTrace(false)
final class OpEvent extends jdk.jfr.Event {
    @Label("Op") String op;
    @Label("Device") String device;
    @Label("Kernel") String kernel;
    @Label("Input dtypes") String dtypes;
    @Label("Input shapes") String shapes;
    @Label("Fallback") boolean fallback;
}
