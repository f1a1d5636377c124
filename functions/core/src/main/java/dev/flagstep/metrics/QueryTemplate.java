package dev.flagstep.metrics;

import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Renders Flagger query templates. Flagger runs them through Go's {@code text/template} with one
 * function per model field and {@code missingkey=error}; real templates use only those calls, so this
 * supports exactly {@code {{ name }}}, {@code {{namespace}}}, {@code {{ variables.key }}}, Go's
 * {@code {{- trim -}}} markers and Go template comments, and rejects anything else (pipelines,
 * {@code if}, {@code range}) by name instead of guessing.
 */
public final class QueryTemplate {

    public static final Set<String> FUNCTIONS = Set.of("name", "namespace", "target", "service", "ingress", "route", "interval");

    private static final Pattern ACTION = Pattern.compile("\\{\\{(-\\s)?\\s*(.*?)\\s*(\\s-)?}}", Pattern.DOTALL);
    private static final Pattern VARIABLE = Pattern.compile("variables\\.([A-Za-z_][A-Za-z0-9_]*)");
    private static final Pattern COMMENT = Pattern.compile("/\\*.*\\*/", Pattern.DOTALL);

    private QueryTemplate() {}

    /** @throws TemplateException naming the unknown function or the missing variable */
    public static String render(String template, TemplateModel model) {
        StringBuilder out = new StringBuilder();
        Matcher m = ACTION.matcher(template);
        int at = 0;
        boolean trimNext = false;
        while (m.find()) {
            String text = template.substring(at, m.start());
            if (trimNext) {
                text = text.stripLeading();
            }
            if (m.group(1) != null) {
                text = text.stripTrailing();
            }
            out.append(text).append(evaluate(m.group(2), model));
            trimNext = m.group(3) != null;
            at = m.end();
        }
        String rest = template.substring(at);
        if (rest.contains("{{")) {
            throw new TemplateException("unclosed action: '{{' without '}}' in query template");
        }
        out.append(trimNext ? rest.stripLeading() : rest);
        return out.toString();
    }

    private static String evaluate(String action, TemplateModel model) {
        if (COMMENT.matcher(action).matches()) {
            return "";
        }
        Matcher variable = VARIABLE.matcher(action);
        if (variable.matches()) {
            String key = variable.group(1);
            String value = model.variables().get(key);
            if (value == null) {
                throw new TemplateException("template variable \"variables." + key + "\" is missing: templateVariables has no key \""
                        + key + "\" (it has " + new TreeSet<>(model.variables().keySet()) + ")");
            }
            return value;
        }
        return switch (action) {
            case "name" -> model.name();
            case "namespace" -> model.namespace();
            case "target" -> model.target();
            case "service" -> model.service();
            case "ingress" -> model.ingress();
            case "route" -> model.route();
            case "interval" -> model.interval();
            case "variables" -> throw new TemplateException("\"{{ variables }}\" needs a key: write {{ variables.KEY }}");
            default -> throw new TemplateException("unknown template function \"" + action + "\": a query can use "
                    + "name, namespace, target, service, ingress, route, interval and variables.KEY");
        };
    }
}
