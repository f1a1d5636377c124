package dev.flagstep.notifier;

import dev.flagstep.spec.CanaryDocument;
import dev.flagstep.spec.SpecParser;
import dev.flagstep.spec.SpecResult;

/** Canary documents for the notifier's tests: podinfo.test with a stepWeight analysis, plus providers. */
final class AlertCanaries {

    private AlertCanaries() {}

    static final String CANARY = """
            apiVersion: flagger.app/v1beta1
            kind: Canary
            metadata:
              name: podinfo
              namespace: test
            spec:
              targetRef:
                apiVersion: apps/v1
                kind: Deployment
                name: podinfo
              service:
                port: 9898
              analysis:
                interval: 1m
                threshold: 5
                maxWeight: 50
                stepWeight: 10
            """;

    /** The canary with {@code alerts} (YAML list items indented for {@code analysis}) and further documents. */
    static CanaryDocument document(String alerts, String... documents) {
        StringBuilder text = new StringBuilder(CANARY);
        if (!alerts.isEmpty()) {
            text.append("    alerts:\n").append(alerts.indent(6));
        }
        for (String d : documents) {
            text.append("---\n").append(d);
        }
        return switch (new SpecParser().parse(text.toString())) {
            case SpecResult.Valid v -> v.document();
            case SpecResult.Invalid i -> throw new AssertionError(i.errors().toString());
        };
    }

    static String provider(String name, String spec) {
        return """
                apiVersion: flagger.app/v1beta1
                kind: AlertProvider
                metadata:
                  name: %s
                  namespace: test
                spec:
                %s""".formatted(name, spec.indent(2));
    }
}
