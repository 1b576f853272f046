package io.callstitch.common;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The flags one program accepts, and the parsing of its arguments against them.
 *
 * <p>Arguments are {@code --name value} pairs. Unknown flags, missing values, repeated flags, values
 * that do not parse and missing required flags all fail with a {@link UsageException} whose message
 * is one line naming the flag.
 */
public final class FlagSet {
    public static final String HELP = "help";

    private final String program;
    private final String summary;
    private final Map<String, Flag<?>> flags = new LinkedHashMap<>();

    public FlagSet(String program, String summary, List<Flag<?>> flags) {
        this.program = program;
        this.summary = summary;
        for (Flag<?> flag : flags) {
            if (this.flags.put(flag.name(), flag) != null || HELP.equals(flag.name())) {
                throw new IllegalStateException("flag --" + flag.name() + " declared twice in " + program);
            }
        }
    }

    public String program() {
        return program;
    }

    /** The declared flags, in the order {@code --help} lists them. */
    public List<Flag<?>> flags() {
        return List.copyOf(flags.values());
    }

    /** True when the arguments ask for help; checked before anything else is parsed. */
    public static boolean wantsHelp(String[] args) {
        for (String arg : args) {
            if (arg.equals("--" + HELP) || arg.equals("-h")) {
                return true;
            }
        }
        return false;
    }

    /** Parses the arguments; every declared flag then has a value. */
    public Values parse(String[] args) throws UsageException {
        Map<String, String> given = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--") || arg.length() == 2) {
                throw new UsageException("unexpected argument '" + arg + "': flags are written --name value");
            }
            String name = arg.substring(2);
            String inlineValue = null;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                inlineValue = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            if (!flags.containsKey(name)) {
                throw new UsageException("unknown flag --" + name);
            }
            String value = inlineValue;
            if (value == null) {
                if (i + 1 >= args.length || (args[i + 1].startsWith("--") && args[i + 1].length() > 2)) {
                    throw new UsageException("flag --" + name + " needs a value");
                }
                value = args[++i];
            }
            if (given.put(name, value) != null) {
                throw new UsageException("flag --" + name + " given twice");
            }
        }
        Map<String, Object> values = new HashMap<>();
        for (Flag<?> flag : flags.values()) {
            String text = given.containsKey(flag.name()) ? given.get(flag.name()) : flag.defaultText();
            if (text == null) {
                throw new UsageException("flag --" + flag.name() + " is required (" + flag.help() + ")");
            }
            try {
                values.put(flag.name(), flag.parse(text));
            } catch (IllegalArgumentException e) {
                throw new UsageException("flag --" + flag.name() + " " + e.getMessage());
            }
        }
        return new Values(Collections.unmodifiableMap(values));
    }

    /** The text {@code --help} prints: the summary, then each flag with its default and help. */
    public String usage() {
        StringBuilder out = new StringBuilder();
        out.append("Usage: ").append(program).append(" [--flag value ...]\n\n").append(summary).append("\n\nFlags:\n");
        int width = 0;
        for (Flag<?> flag : flags.values()) {
            width = Math.max(width, flag.name().length());
        }
        List<Flag<?>> ordered = new ArrayList<>(flags.values());
        for (Flag<?> flag : ordered) {
            out.append("  --").append(flag.name());
            out.append(" ".repeat(width - flag.name().length() + 2));
            out.append(flag.help());
            out.append(flag.isRequired() ? " (required)" : " (default: " + flag.defaultText() + ")");
            out.append('\n');
        }
        out.append("  --").append(HELP).append(" ".repeat(Math.max(2, width - HELP.length() + 2))).append("print this help and exit\n");
        return out.toString();
    }

    /** Parsed values, read back through the same {@link Flag} constants that declared them. */
    public static final class Values {
        private final Map<String, Object> values;

        private Values(Map<String, Object> values) {
            this.values = values;
        }

        @SuppressWarnings("unchecked")
        public <T> T get(Flag<T> flag) {
            if (!values.containsKey(flag.name())) {
                throw new IllegalStateException("flag --" + flag.name() + " is not declared for this program");
            }
            return (T) values.get(flag.name());
        }
    }
}
