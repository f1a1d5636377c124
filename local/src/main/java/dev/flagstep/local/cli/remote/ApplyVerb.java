package dev.flagstep.local.cli.remote;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.flagstep.local.cli.Args;
import dev.flagstep.spec.CanaryId;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;

/**
 * {@code flagstep apply -f canary.yaml [NS/NAME]}: PUTs the file as it is; the API validates it (every problem is
 * printed with its path) and names the fields the provider ignores (printed as warnings). The canary is the
 * manifest's {@code metadata.namespace/name}, or NS/NAME for a bare spec.
 */
final class ApplyVerb implements ApiVerb {

    private static final YAMLMapper YAML = new YAMLMapper();

    @Override
    public String name() {
        return "apply";
    }

    @Override
    public String help() {
        return """
                apply -f CANARY.yaml [NS/NAME]
                                             create or replace the canary (a Flagger Canary manifest, with its
                                             MetricTemplates and AlertProviders as further --- documents, or a bare
                                             spec with NS/NAME); prints the fields the provider ignores as warnings
                    -f, --file FILE          the document (- reads stdin)
                """;
    }

    @Override
    public Set<String> valued() {
        return Set.of("file");
    }

    @Override
    public int run(Invocation in) {
        String file = in.args().option("file").orElseThrow(() -> new Args.UsageException("apply needs -f FILE"));
        if (in.args().positional().size() > 1) {
            throw new Args.UsageException("apply takes -f FILE and at most one NAMESPACE/NAME");
        }
        String text;
        try {
            text = file.equals("-") ? new String(System.in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)
                    : Files.readString(Path.of(file));
        } catch (NoSuchFileException e) {
            throw new Args.UsageException(file + ": no such file");
        } catch (IOException e) {
            throw new Args.UsageException(file + ": cannot read: " + e.getMessage());
        }
        CanaryId id = in.args().positional().isEmpty() ? named(text, file) : Invocation.parseCanary(in.args().positional().get(0));
        ApiClient.Answer answer = in.api().put(Invocation.path(id), "application/yaml", text);
        JsonNode body = answer.body();
        if (in.printedJson(body)) {
            return 0;
        }
        for (JsonNode w : body.path("warnings")) {
            in.err().println("warning: " + w.path("path").asText() + ": " + w.path("message").asText());
        }
        in.out().println("canary " + id + (answer.status() == 201 ? " created" : " configured") + " (version "
                + body.path("version").asLong() + ", interval " + body.path("intervalSeconds").asLong() + "s)");
        return 0;
    }

    /** The Canary manifest's metadata.namespace and name (the first document of kind Canary, or the first one). */
    static CanaryId named(String text, String file) {
        Optional<JsonNode> manifest = Optional.empty();
        try (MappingIterator<JsonNode> docs = YAML.readerFor(JsonNode.class).readValues(text)) {
            while (docs.hasNext()) {
                JsonNode d = docs.next();
                if (d != null && d.path("kind").asText().equals("Canary")) {
                    manifest = Optional.of(d);
                    break;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not YAML: the API says what is wrong with it, once it knows where to put it
        }
        JsonNode meta = manifest.map(m -> m.path("metadata")).orElseThrow(() -> new Args.UsageException(
                file + " has no Canary manifest (kind: Canary): give NAMESPACE/NAME for a bare spec"));
        String ns = meta.path("namespace").asText("");
        String name = meta.path("name").asText("");
        if (ns.isEmpty() || name.isEmpty()) {
            throw new Args.UsageException(file + ": the Canary has no metadata.namespace or metadata.name: set them or give NAMESPACE/NAME");
        }
        return Invocation.parseCanary(ns + "/" + name);
    }
}
