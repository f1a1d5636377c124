package dev.flagstep.spec;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Reads what users paste: a Flagger {@code Canary} manifest, or just its {@code spec} with the name
 * given separately, in YAML or JSON, with any {@code MetricTemplate}s it uses as further
 * {@code ---} documents. The answer is a {@link SpecResult}: the model with Flagger's defaults
 * applied, or every problem at once. Never throws, whatever the text.
 */
public final class SpecParser {

    public static final String API_VERSION = "flagger.app/v1beta1";
    static final String DEFAULT_NAMESPACE = "default";
    private static final String KINDS = "Canary, MetricTemplate or AlertProvider";

    private final SpecValidator validator;

    public SpecParser() {
        this(SpecValidator.DEFAULT);
    }

    public SpecParser(SpecValidator validator) {
        this.validator = validator;
    }

    /** A whole manifest: the Canary's name and namespace come from its {@code metadata}. */
    public SpecResult parse(String text) {
        return parseSafely(text, Optional.empty());
    }

    /**
     * A Canary named {@code id}: the text may be just the {@code spec}, or a whole manifest whose
     * metadata must then agree with {@code id} (a missing namespace takes the id's).
     */
    public SpecResult parse(String text, CanaryId id) {
        return parseSafely(text, Optional.ofNullable(id));
    }

    private SpecResult parseSafely(String text, Optional<CanaryId> id) {
        try {
            return parse(text == null ? "" : text, id);
        } catch (RuntimeException | StackOverflowError e) {
            // A bug of ours must still reach the user as an answer, not as a 500.
            return new SpecResult.Invalid(List.of(new SpecError("", "could not read the document: " + e)));
        }
    }

    private SpecResult parse(String text, Optional<CanaryId> id) {
        List<JsonNode> documents;
        switch (DocumentLoader.load(text)) {
            case DocumentLoader.Loaded.Unreadable unreadable -> {
                return new SpecResult.Invalid(List.of(unreadable.error()));
            }
            case DocumentLoader.Loaded.Documents loaded -> documents = loaded.documents();
        }
        List<SpecError> errors = new ArrayList<>();
        List<JsonNode> canaries = new ArrayList<>();
        List<Integer> templateIndexes = new ArrayList<>();
        List<Integer> providerIndexes = new ArrayList<>();
        for (int i = 0; i < documents.size(); i++) {
            JsonNode document = documents.get(i);
            String where = "document " + (i + 1);
            if (!document.isObject()) {
                errors.add(new SpecError(where, "expected a Canary, a MetricTemplate or an AlertProvider, got " + FieldReader.describe(document)));
            } else if (!isManifest(document)) {
                canaries.add(document); // a bare spec
            } else {
                JsonNode kind = document.path("kind");
                switch (kind.isTextual() ? kind.textValue() : "") {
                    case "Canary" -> canaries.add(document);
                    case "MetricTemplate" -> templateIndexes.add(i);
                    // the API and the cluster sync store a Canary with the AlertProviders its alerts name
                    case "AlertProvider" -> providerIndexes.add(i);
                    case "" -> errors.add(new SpecError(where + ".kind", "required; expected " + KINDS));
                    default -> errors.add(new SpecError(where + ".kind", "kind " + FieldReader.quote(kind.textValue())
                            + " is not accepted here; expected " + KINDS));
                }
            }
        }
        if (canaries.size() != 1) {
            errors.add(new SpecError("", canaries.isEmpty()
                    ? "no Canary found; expected a Canary manifest (kind: Canary) or its spec"
                    : "found " + canaries.size() + " Canaries; one document holds exactly one Canary"));
            return new SpecResult.Invalid(errors);
        }
        Optional<Located> canary = locate(canaries.getFirst(), id, errors);
        if (canary.isEmpty()) {
            return new SpecResult.Invalid(errors);
        }
        CanaryReader reader = new CanaryReader(errors);
        CanarySpec spec = reader.canary(canary.get().id(), canary.get().spec(), canary.get().annotations());
        List<MetricTemplate> templates = new ArrayList<>();
        for (int i : templateIndexes) {
            template(documents.get(i), "document " + (i + 1), spec.id(), reader, errors).ifPresent(t -> {
                if (templates.stream().anyMatch(o -> o.name().equals(t.name()) && o.namespace().equals(t.namespace()))) {
                    errors.add(new SpecError("metricTemplate[" + t.name() + "]", "defined more than once"));
                } else {
                    templates.add(t);
                }
            });
        }
        List<AlertProvider> providers = new ArrayList<>();
        for (int i : providerIndexes) {
            alertProvider(documents.get(i), "document " + (i + 1), spec.id(), errors).ifPresent(p -> {
                if (providers.stream().anyMatch(o -> o.name().equals(p.name()) && o.namespace().equals(p.namespace()))) {
                    errors.add(new SpecError("alertProvider[" + p.name() + "]", "defined more than once"));
                } else {
                    providers.add(p);
                }
            });
        }
        CanaryDocument document = new CanaryDocument(spec, templates, providers, text);
        List<SpecError> all = merge(errors, validator.validate(document));
        return all.isEmpty() ? new SpecResult.Valid(document, IgnoredFields.of(document)) : new SpecResult.Invalid(all);
    }

    /** A manifest says what it is; a spec has none of these fields. */
    private static boolean isManifest(JsonNode document) {
        return document.has("apiVersion") || document.has("kind") || document.has("metadata") || document.has("spec");
    }

    private record Located(CanaryId id, FieldReader spec, Map<String, String> annotations) {}

    /** The {@link CanarySpec#ANNOTATIONS} among {@code metadata.annotations} (the API server keeps only strings there). */
    private static Map<String, String> annotations(JsonNode canary) {
        Map<String, String> kept = new TreeMap<>();
        JsonNode annotations = canary.path("metadata").path("annotations");
        for (String name : CanarySpec.ANNOTATIONS) {
            if (annotations.path(name).isTextual()) kept.put(name, annotations.path(name).textValue());
        }
        return kept;
    }

    /** The Canary's identity and its spec, from the manifest and/or the given id. */
    private static Optional<Located> locate(JsonNode canary, Optional<CanaryId> given, List<SpecError> errors) {
        if (!isManifest(canary)) {
            if (given.isEmpty()) {
                errors.add(new SpecError("metadata.name", "required; a spec on its own needs the canary's name and namespace given separately"));
                return Optional.empty();
            }
            checkId(given.get(), errors);
            return FieldReader.of(canary, "spec", errors).map(spec -> new Located(given.get(), spec, Map.of()));
        }
        FieldReader manifest = FieldReader.of(canary, "", errors).orElseThrow();
        manifest.rejectUnknown(KnownFields.MANIFEST, "manifest");
        apiVersion(manifest, errors);
        Optional<FieldReader> metadata = manifest.object("metadata");
        Optional<String> name = metadata.flatMap(m -> m.string("name")).filter(n -> !n.isEmpty());
        Optional<String> namespace = metadata.flatMap(m -> m.string("namespace")).filter(n -> !n.isEmpty());
        CanaryId id;
        if (given.isPresent()) {
            id = given.get();
            checkId(id, errors);
            name.filter(n -> !n.equals(id.name())).ifPresent(n -> errors.add(new SpecError("metadata.name",
                    FieldReader.quote(n) + " does not match the canary's name " + FieldReader.quote(id.name()))));
            namespace.filter(ns -> !ns.equals(id.namespace())).ifPresent(ns -> errors.add(new SpecError("metadata.namespace",
                    FieldReader.quote(ns) + " does not match the canary's namespace " + FieldReader.quote(id.namespace()))));
        } else {
            if (name.isEmpty()) {
                errors.add(new SpecError("metadata.name", "required"));
            }
            id = new CanaryId(namespace.orElse(DEFAULT_NAMESPACE), name.orElse(""));
            name.ifPresent(n -> checkId(id, errors));
        }
        Optional<FieldReader> spec = manifest.object("spec");
        if (!manifest.has("spec")) {
            errors.add(new SpecError("spec", "required"));
        }
        return spec.map(s -> new Located(id, s, annotations(canary)));
    }

    private static void apiVersion(FieldReader manifest, List<SpecError> errors) {
        Optional<String> apiVersion = manifest.string("apiVersion");
        if (!manifest.has("apiVersion")) {
            errors.add(new SpecError(manifest.pathOf("apiVersion"), "required; expected " + FieldReader.quote(API_VERSION)));
        }
        apiVersion.filter(v -> !v.equals(API_VERSION)).ifPresent(v -> errors.add(new SpecError(manifest.pathOf("apiVersion"),
                "expected " + FieldReader.quote(API_VERSION) + ", got " + FieldReader.quote(v))));
    }

    private static void checkId(CanaryId id, List<SpecError> errors) {
        if (!CanaryId.isName(id.name())) {
            errors.add(new SpecError("metadata.name", "must be a Kubernetes name (lowercase letters, digits, '-' and '.'), got "
                    + FieldReader.quote(String.valueOf(id.name()))));
        }
        if (!CanaryId.isNamespace(id.namespace())) {
            errors.add(new SpecError("metadata.namespace", "must be a Kubernetes namespace (lowercase letters, digits and '-'), got "
                    + FieldReader.quote(String.valueOf(id.namespace()))));
        }
    }

    /**
     * A MetricTemplate's or AlertProvider's manifest: its name, its namespace (beside a Canary, one without a
     * namespace is meant for the Canary's, as with {@code kubectl apply -n}) and its spec, read at
     * {@code {label}[{name}].spec}.
     */
    private record Manifest(String name, String namespace, Optional<FieldReader> spec) {

        static Manifest read(JsonNode node, String where, CanaryId canary, String label, List<SpecError> errors) {
            FieldReader manifest = FieldReader.of(node, where, errors).orElseThrow();
            manifest.rejectUnknown(KnownFields.MANIFEST, "manifest");
            apiVersion(manifest, errors);
            Optional<FieldReader> metadata = manifest.object("metadata");
            if (!manifest.has("metadata")) {
                manifest.error("metadata", "required");
            }
            String name = metadata.map(m -> m.requiredString("name")).orElse("");
            String namespace = metadata.flatMap(m -> m.string("namespace")).filter(ns -> !ns.isEmpty()).orElse(canary.namespace());
            if (!manifest.has("spec")) {
                manifest.error("spec", "required");
            }
            return new Manifest(name, namespace,
                    manifest.get("spec").flatMap(spec -> FieldReader.of(spec, label + "[" + name + "].spec", errors)));
        }
    }

    private static Optional<MetricTemplate> template(JsonNode node, String where, CanaryId canary,
                                                     CanaryReader reader, List<SpecError> errors) {
        Manifest m = Manifest.read(node, where, canary, "metricTemplate", errors);
        return m.spec().map(spec -> reader.template(m.namespace(), m.name(), spec));
    }

    /**
     * An AlertProvider as Flagger's CRD admits it: a known {@code type}, and an {@code address} or a
     * {@code secretRef} (the CRD's oneOf), checked here so a typo fails the PUT instead of a release's alert.
     */
    private static Optional<AlertProvider> alertProvider(JsonNode node, String where, CanaryId canary, List<SpecError> errors) {
        Manifest m = Manifest.read(node, where, canary, "alertProvider", errors);
        String name = m.name();
        String namespace = m.namespace();
        return m.spec()
                .map(spec -> {
                    spec.rejectUnknown(KnownFields.ALERT_PROVIDER, "AlertProvider spec");
                    String type = spec.requiredString("type");
                    if (!type.isEmpty() && !AlertProvider.TYPES.contains(type)) {
                        spec.error("type", "unknown alert provider type " + FieldReader.quote(type) + "; expected one of "
                                + String.join(", ", AlertProvider.TYPES));
                    }
                    Optional<String> address = spec.string("address").filter(a -> !a.isEmpty());
                    address.ifPresent(a -> hookUrl(a).ifPresent(p -> spec.error("address", p)));
                    Optional<String> proxy = spec.string("proxy").filter(a -> !a.isEmpty());
                    proxy.ifPresent(a -> hookUrl(a).ifPresent(p -> spec.error("proxy", p)));
                    Optional<String> secretRef = spec.object("secretRef").map(ref -> ref.requiredString("name"));
                    secretRef.flatMap(SecretRefs::problem).ifPresent(p -> spec.error("secretRef.name", p));
                    if (address.isEmpty() && !spec.has("secretRef")) {
                        spec.error("address", "required unless secretRef is set: the provider needs a hook URL "
                                + "(spec.address, or the key \"address\" of the secret spec.secretRef names)");
                    }
                    return new AlertProvider(namespace, name, type, spec.string("channel").filter(c -> !c.isEmpty()),
                            spec.string("username").filter(u -> !u.isEmpty()), address, proxy,
                            secretRef.filter(r -> !r.isEmpty()));
                });
    }

    /** Why {@code text} is not an absolute http(s) URL (Flagger's {@code url.ParseRequestURI}), or empty. */
    private static Optional<String> hookUrl(String text) {
        try {
            java.net.URI uri = new java.net.URI(text);
            if (!uri.isAbsolute() || uri.getHost() == null
                    || !("http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme()))) {
                return Optional.of(FieldReader.quote(text) + " is not an http(s) URL");
            }
            return Optional.empty();
        } catch (java.net.URISyntaxException e) {
            return Optional.of(FieldReader.quote(text) + " is not a URL: " + e.getReason());
        }
    }

    /**
     * Reading errors first, then the validator's, minus those that only echo a reading error
     * (a bad {@code url} read as a placeholder must not be reported twice).
     */
    private static List<SpecError> merge(List<SpecError> reading, List<SpecError> validation) {
        LinkedHashSet<SpecError> all = new LinkedHashSet<>(reading);
        for (SpecError error : validation) {
            if (reading.stream().noneMatch(r -> echoes(error, r))) {
                all.add(error);
            }
        }
        return List.copyOf(all);
    }

    /** Block-level rules and the fields they are about: a reading error on one of them is the real cause. */
    private static final Map<String, Set<String>> BLOCK_RULE_FIELDS =
            Map.of("analysis", Set.of("iterations", "stepWeight", "stepWeights"));

    private static boolean echoes(SpecError validationError, SpecError readingError) {
        String validation = validationError.path();
        String reading = readingError.path();
        if (validation.equals(reading) || isInside(validation, reading)) {
            return true;
        }
        for (String field : BLOCK_RULE_FIELDS.getOrDefault(validation, Set.of())) {
            String fieldPath = validation + "." + field;
            if (reading.equals(fieldPath) || isInside(reading, fieldPath)
                    || readingError.message().endsWith("did you mean \"" + field + "\"?")) {
                return true;
            }
        }
        // "analysis.metrics[0]: not a builtin metric" after "analysis.metrics[0].query: must be a string";
        // but a whole block ("analysis: needs iterations ...") is its own problem.
        boolean block = !validation.contains(".") && !validation.contains("[");
        return !block && isInside(reading, validation);
    }

    private static boolean isInside(String path, String ancestor) {
        return !ancestor.isEmpty() && (path.startsWith(ancestor + ".") || path.startsWith(ancestor + "["));
    }
}
