/** The kuaxin command. */
module io.kuaxin.cli {
    requires io.kuaxin.runtime;
    requires io.kuaxin.kernels;
    requires io.kuaxin.models;
    requires io.kuaxin.collectives;
    requires io.kuaxin.arrow;
    requires io.kuaxin.conformance;
    requires io.kuaxin.cuda.kernels;
    requires info.picocli;
    requires com.fasterxml.jackson.databind;
    requires java.management;
    requires java.desktop;
    requires org.jfree.jfreechart;

    opens io.kuaxin.cli to info.picocli;
}
