package dev.flagstep.workload.config;

import java.util.Comparator;
import java.util.Objects;

/**
 * A ConfigMap or Secret a pod spec names, in Flagger's words ({@code ConfigRef}): its key in
 * {@code status.trackedConfigs} is {@code configmap/NAME} or {@code secret/NAME}.
 */
public record ConfigRef(Type type, String name) implements Comparable<ConfigRef> {

    public enum Type {
        CONFIGMAP("configmap"), SECRET("secret");

        private final String word;

        Type(String word) {
            this.word = word;
        }

        public String word() {
            return word;
        }
    }

    private static final Comparator<ConfigRef> ORDER = Comparator.comparing(ConfigRef::key);

    public ConfigRef {
        Objects.requireNonNull(type, "type");
        if (name == null || name.isBlank()) throw new IllegalArgumentException("config name must not be blank");
    }

    public static ConfigRef configMap(String name) {
        return new ConfigRef(Type.CONFIGMAP, name);
    }

    public static ConfigRef secret(String name) {
        return new ConfigRef(Type.SECRET, name);
    }

    /** {@code configmap/NAME} or {@code secret/NAME}: the key of {@code status.trackedConfigs}. */
    public String key() {
        return type.word() + "/" + name;
    }

    /** The copy the primary reads: {@code {name}-primary}, as Flagger names it. */
    public String primaryName() {
        return name + "-primary";
    }

    @Override
    public int compareTo(ConfigRef o) {
        return ORDER.compare(this, o);
    }
}
