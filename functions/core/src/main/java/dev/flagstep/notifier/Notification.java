package dev.flagstep.notifier;

import dev.flagstep.analysis.Alert;
import java.util.List;
import java.util.Optional;

/**
 * What one alert tells, before a provider formats it: Flagger's {@code Post(workload, namespace, message, fields,
 * severity)}, plus the gate links flagstep adds to the approval alerts.
 */
public record Notification(String workload, String namespace, String message, List<Field> fields, Alert.Severity severity,
                           Optional<GateActionLinks> links) {

    public Notification {
        fields = List.copyOf(fields);
    }

    /** {@code workload.namespace}, as every provider titles the message. */
    public String subject() {
        return workload + "." + namespace;
    }

    /** Flagger's only colour switch: {@code severity == "error"}. */
    public boolean isError() {
        return severity == Alert.Severity.ERROR;
    }
}
