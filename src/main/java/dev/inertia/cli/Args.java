package dev.inertia.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The flags of one subcommand: {@code --name value}, {@code --name=value}, or a bare
 * {@code --switch}. Unknown flags and malformed values are {@link UsageException}s that name
 * the flag; {@code --help} or {@code -h} anywhere asks for the command's help instead.
 */
public final class Args {
    private final String command;
    private final Map<String, String> values = new HashMap<>();

    private Args(String command) {
        this.command = command;
    }

    /**
     * Parses {@code args} for {@code command}, which accepts the value-taking flags
     * {@code valued} and the switches {@code switches} (names without dashes).
     */
    public static Args parse(String command, List<String> args, Set<String> valued, Set<String> switches) {
        Args parsed = new Args(command);
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (arg.equals("--help") || arg.equals("-h")) {
                throw new Help.Requested(command);
            }
            if (!arg.startsWith("--") || arg.length() == 2) {
                throw new UsageException("'" + command + "' takes no argument '" + arg + "'");
            }
            String name = arg.substring(2);
            String value = null;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            if (switches.contains(name)) {
                if (value != null) {
                    throw new UsageException("--" + name + " takes no value");
                }
                parsed.values.put(name, "true");
            } else if (valued.contains(name)) {
                if (value == null) {
                    if (i + 1 >= args.size()) {
                        throw new UsageException("--" + name + " needs a value");
                    }
                    value = args.get(++i);
                }
                parsed.values.put(name, value);
            } else {
                throw new UsageException("unknown flag --" + name + " for '" + command + "'");
            }
        }
        return parsed;
    }

    public boolean has(String name) {
        return values.containsKey(name);
    }

    public String string(String name, String fallback) {
        return values.getOrDefault(name, fallback);
    }

    public int integer(String name, int fallback) {
        long v = longInteger(name, fallback);
        if (v != (int) v) {
            throw new UsageException("--" + name + " expects an integer from " + Integer.MIN_VALUE + " to "
                    + Integer.MAX_VALUE + ", got '" + values.get(name) + "'");
        }
        return (int) v;
    }

    /** A 64-bit integer, such as a seed. */
    public long longInteger(String name, long fallback) {
        String v = values.get(name);
        if (v == null) {
            return fallback;
        }
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " expects an integer, got '" + v + "'");
        }
    }

    public int positiveInteger(String name, int fallback) {
        int v = integer(name, fallback);
        if (v < 1) {
            throw new UsageException("--" + name + " must be at least 1, got " + v);
        }
        return v;
    }

    public double number(String name, double fallback) {
        String v = values.get(name);
        if (v == null) {
            return fallback;
        }
        try {
            double d = Double.parseDouble(v.trim());
            if (!Double.isFinite(d)) {
                throw new NumberFormatException();
            }
            return d;
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " expects a finite number, got '" + v + "'");
        }
    }

    /** The comma-separated finite numbers of {@code name} (like {@code 0,0.5,1}), or {@code fallback} without it. */
    public List<Double> numbers(String name, List<Double> fallback) {
        return has(name) ? numbers(name, values.get(name)) : fallback;
    }

    /** The comma-separated finite numbers of {@code list}, a value of {@code --name}; one line naming it if not. */
    static List<Double> numbers(String name, String list) {
        List<Double> numbers = new ArrayList<>();
        for (String part : list.split(",", -1)) {
            try {
                double v = Double.parseDouble(part.trim());
                if (!Double.isFinite(v)) {
                    throw new NumberFormatException();
                }
                numbers.add(v);
            } catch (NumberFormatException e) {
                throw new UsageException("--" + name + " expects comma-separated finite numbers, got '" + list + "'");
            }
        }
        return numbers;
    }

    /**
     * The output file of {@code name}, or null without it; its directory must exist, so that a long
     * run does not end on a file it cannot write.
     */
    public Path outputFile(String name) {
        if (!has(name)) {
            return null;
        }
        Path file = Path.of(values.get(name));
        Path dir = file.toAbsolutePath().getParent();
        if (dir != null && !Files.isDirectory(dir)) {
            throw new UsageException("--" + name + " " + file + ": directory " + dir + " does not exist");
        }
        return file;
    }

    /** The value of {@code name}, which must be one of {@code allowed} (compared ignoring case). */
    public String choice(String name, String fallback, String... allowed) {
        String v = values.getOrDefault(name, fallback);
        for (String a : allowed) {
            if (a.equalsIgnoreCase(v)) {
                return a;
            }
        }
        throw new UsageException("--" + name + " must be one of " + String.join(", ", allowed) + ", got '" + v + "'");
    }

    public String command() {
        return command;
    }
}
