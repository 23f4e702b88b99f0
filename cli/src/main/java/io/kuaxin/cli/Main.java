package io.kuaxin.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code kuaxin} command. */
@Command(name = "kuaxin", mixinStandardHelpOptions = true, version = "kuaxin 0.1.0-SNAPSHOT",
        description = "One tensor API across AI accelerators: inspect devices, check the setup, run the demo.",
        subcommands = {DemoCommand.class, EmbedCommand.class, BenchCommand.class, ConformanceCommand.class, DevicesCommand.class, DoctorCommand.class, KernelsCommand.class, CommandLine.HelpCommand.class})
public final class Main {
    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs a command line and returns its exit code; typed errors become one line on stderr and exit code 2. */
    public static int run(String... args) {
        CommandLine cl = new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true);
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            if (ex instanceof io.kuaxin.KuaxinException) {
                cmd.getErr().println("kuaxin: " + ex.getMessage());
                return 2;
            }
            throw ex;
        });
        return cl.execute(args);
    }
}
