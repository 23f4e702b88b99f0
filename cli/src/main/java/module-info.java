/** The kuaxin command. */
module io.kuaxin.cli {
    requires io.kuaxin.runtime;
    requires io.kuaxin.models;
    requires info.picocli;
    requires com.fasterxml.jackson.databind;
    requires java.management;

    opens io.kuaxin.cli to info.picocli;
}
