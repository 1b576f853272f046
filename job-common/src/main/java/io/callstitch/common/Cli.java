package io.callstitch.common;

import java.io.PrintStream;

/**
 * The command-line face of every callstitch program: {@code --help} prints the flags and exits 0; a
 * usage mistake prints one line to stderr and exits 2. No stack trace is the user interface.
 */
public final class Cli {
    public static final int EXIT_ERROR = 1;
    public static final int EXIT_USAGE = 2;

    private Cli() {}

    /** Turns parsed flag values into a program's options; may reject combinations of flags. */
    @FunctionalInterface
    public interface OptionsFactory<O> {
        O create(FlagSet.Values values) throws UsageException;
    }

    /** Parses the arguments or ends the program with help (exit 0) or one line of error (exit 2). */
    public static <O> O parseOrExit(FlagSet flags, String[] args, OptionsFactory<O> factory) {
        try {
            return parse(flags, args, factory, System.out);
        } catch (HelpShown e) {
            System.exit(0);
        } catch (UsageException e) {
            exitWithUsageError(flags.program(), e.getMessage());
        }
        throw new AssertionError("unreachable");
    }

    /** The testable part of {@link #parseOrExit}: help goes to {@code helpOut} and raises {@link HelpShown}. */
    public static <O> O parse(FlagSet flags, String[] args, OptionsFactory<O> factory, PrintStream helpOut)
            throws UsageException, HelpShown {
        if (FlagSet.wantsHelp(args)) {
            helpOut.print(flags.usage());
            helpOut.flush();
            throw new HelpShown();
        }
        return factory.create(flags.parse(args));
    }

    /** For what is wrong around the program rather than in its flags (a missing topic, no broker): one line, exit 1. */
    public static void exitWithError(String program, String message) {
        System.err.println(program + ": " + message);
        System.exit(EXIT_ERROR);
    }

    /** Prints {@code program: message} and exits 2. */
    public static void exitWithUsageError(String program, String message) {
        System.err.println(program + ": " + message + " (run with --help to see the flags)");
        System.exit(EXIT_USAGE);
    }

    /** Raised after help was printed: the program has nothing more to do. */
    public static final class HelpShown extends Exception {
        private static final long serialVersionUID = 1L;

        public HelpShown() {
            super("help shown");
        }
    }
}
