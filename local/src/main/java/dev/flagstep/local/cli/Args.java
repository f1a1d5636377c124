package dev.flagstep.local.cli;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A command line split into positional arguments and {@code --name value} / {@code --flag} options.
 * Unknown options are an error naming them, so a typo never silently changes what runs. A valued option given
 * twice keeps its last value, but a repeatable one keeps them all, in order ({@link #all}).
 */
public record Args(List<String> positional, Map<String, String> options, Map<String, List<String>> repeated) {

    public static Args parse(List<String> argv, Set<String> valued, Set<String> flags) {
        return parse(argv, valued, Set.of(), flags);
    }

    public static Args parse(List<String> argv, Set<String> valued, Set<String> repeatable, Set<String> flags) {
        List<String> positional = new ArrayList<>();
        Map<String, String> options = new HashMap<>();
        Map<String, List<String>> repeated = new HashMap<>();
        for (int i = 0; i < argv.size(); i++) {
            String a = argv.get(i);
            if (!a.startsWith("--")) {
                positional.add(a);
                continue;
            }
            String name = a.substring(2);
            String value = null;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            if (flags.contains(name) && value == null) {
                options.put(name, "true");
            } else if (valued.contains(name) || repeatable.contains(name)) {
                if (value == null) {
                    if (i + 1 >= argv.size()) {
                        throw new UsageException("--" + name + " needs a value");
                    }
                    value = argv.get(++i);
                }
                if (repeatable.contains(name)) {
                    repeated.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
                } else {
                    options.put(name, value);
                }
            } else {
                throw new UsageException("unknown option --" + name);
            }
        }
        Map<String, List<String>> all = new HashMap<>();
        repeated.forEach((k, v) -> all.put(k, List.copyOf(v)));
        return new Args(List.copyOf(positional), Map.copyOf(options), Map.copyOf(all));
    }

    /** Every value of a repeatable option, in command-line order (none: empty). */
    public List<String> all(String name) {
        return repeated.getOrDefault(name, List.of());
    }

    public Optional<String> option(String name) {
        return Optional.ofNullable(options.get(name));
    }

    public boolean flag(String name) {
        return options.containsKey(name);
    }

    public int intOption(String name, int dflt) {
        String v = options.get(name);
        if (v == null) {
            return dflt;
        }
        try {
            int n = Integer.parseInt(v);
            if (n < 1) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " must be a positive whole number, got \"" + v + "\"");
        }
    }

    /** A wrong command line: printed with the usage, exit code 2. */
    public static final class UsageException extends RuntimeException {
        public UsageException(String message) {
            super(message);
        }
    }
}
