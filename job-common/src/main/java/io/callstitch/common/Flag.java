package io.callstitch.common;

import java.io.Serializable;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * One command-line flag: its name, its default, one line of help, and how its text becomes a value.
 * Each flag is declared once, as a constant of a job's options class; its key is never typed again.
 */
public final class Flag<T> implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Turns a flag's text into its value; throws {@link IllegalArgumentException} with a readable message. */
    @FunctionalInterface
    public interface Parser<T> extends Function<String, T>, Serializable {}

    private final String name;
    private final String defaultText;
    private final String help;
    private final Parser<T> parser;

    private Flag(String name, String defaultText, String help, Parser<T> parser) {
        this.name = Objects.requireNonNull(name);
        this.defaultText = defaultText;
        this.help = Objects.requireNonNull(help);
        this.parser = Objects.requireNonNull(parser);
    }

    /** A flag with a default; {@code defaultText} is parsed like user input, so defaults are checked too. */
    public static <T> Flag<T> of(String name, String defaultText, String help, Parser<T> parser) {
        return new Flag<>(name, Objects.requireNonNull(defaultText), help, parser);
    }

    /** A flag without a sane default: the user must give it. */
    public static <T> Flag<T> required(String name, String help, Parser<T> parser) {
        return new Flag<>(name, null, help, parser);
    }

    public static Flag<String> text(String name, String defaultText, String help) {
        return of(name, defaultText, help, Flag::nonEmpty);
    }

    /** How an optional flag is left unset on the command line, and its default. */
    public static final String NONE = "none";

    /** A text flag that may be left out: its value is null then (or when given as {@value #NONE}). */
    public static Flag<String> optionalText(String name, String help) {
        return of(name, NONE, help, text -> text.equals(NONE) ? null : nonEmpty(text));
    }

    /** A text flag the user must give. */
    public static Flag<String> requiredText(String name, String help) {
        return required(name, help, Flag::nonEmpty);
    }

    public static Flag<Integer> positiveInt(String name, String defaultText, String help) {
        return of(name, defaultText, help, text -> {
            long value = parseLong(text);
            if (value < 1 || value > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("must be a whole number from 1 to " + Integer.MAX_VALUE + ", got '" + text + "'");
            }
            return (int) value;
        });
    }

    public static Flag<Long> positiveLong(String name, String defaultText, String help) {
        return of(name, defaultText, help, text -> {
            long value = parseLong(text);
            if (value < 1) {
                throw new IllegalArgumentException("must be a whole number of at least 1, got '" + text + "'");
            }
            return value;
        });
    }

    public static Flag<Long> nonNegativeLong(String name, String defaultText, String help) {
        return of(name, defaultText, help, text -> {
            long value = parseLong(text);
            if (value < 0) {
                throw new IllegalArgumentException("must be a whole number of at least 0, got '" + text + "'");
            }
            return value;
        });
    }

    public static <E extends Enum<E>> Flag<E> choice(String name, E defaultValue, String help, Class<E> type) {
        return of(name, cliName(defaultValue), help, text -> {
            for (E constant : type.getEnumConstants()) {
                if (cliName(constant).equals(text)) {
                    return constant;
                }
            }
            StringBuilder choices = new StringBuilder();
            for (E constant : type.getEnumConstants()) {
                choices.append(choices.length() == 0 ? "" : ", ").append(cliName(constant));
            }
            throw new IllegalArgumentException("must be one of " + choices + ", got '" + text + "'");
        });
    }

    /** How an enum constant is spelled on the command line: {@code AT_LEAST_ONCE} is {@code at-least-once}. */
    public static String cliName(Enum<?> constant) {
        return constant.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    public String name() {
        return name;
    }

    /** The flag given {@code value} on a command line: {@code --name value}, for tools that start the jobs. */
    public List<String> with(Object value) {
        return List.of("--" + name, String.valueOf(value));
    }

    public boolean isRequired() {
        return defaultText == null;
    }

    /** The default as a program gets it, for code that runs without a command line (tests, tools). */
    public T defaultValue() {
        if (defaultText == null) {
            throw new IllegalStateException("flag --" + name + " has no default");
        }
        return parser.apply(defaultText);
    }

    public String defaultText() {
        return defaultText;
    }

    public String help() {
        return help;
    }

    T parse(String text) {
        return parser.apply(text);
    }

    private static String nonEmpty(String text) {
        if (text.isEmpty()) {
            throw new IllegalArgumentException("must not be empty");
        }
        return text;
    }

    private static long parseLong(String text) {
        try {
            return Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("must be a whole number, got '" + text + "'");
        }
    }
}
