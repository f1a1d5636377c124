package dev.flagstep.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Which ECR repositories a canary follows. A Flagger Canary does not name its image (its Deployment
 * does, and flagstep does not read Deployments to start a rollout), so the mapping is explicit: the
 * annotation {@code flagstep.dev/image-repository} on the Canary manifest, one or more repositories
 * separated by commas, each a bare ECR repository name ({@code team/app}) or a full image reference
 * ({@code 123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/app:1.2}), compared without registry
 * host, tag and digest. A document sent as a bare {@code spec} has no annotations and follows none.
 */
final class ImageRepositories {

    static final String ANNOTATION = "flagstep.dev/image-repository";

    private static final YAMLMapper YAML = new YAMLMapper();

    private ImageRepositories() {}

    /** The repositories the document's Canary is annotated with (normalised); empty if none. */
    static List<String> of(String documentSource) {
        List<String> repos = new ArrayList<>();
        try (MappingIterator<JsonNode> docs = YAML.readerFor(JsonNode.class).readValues(documentSource)) {
            while (docs.hasNextValue()) {
                JsonNode doc = docs.nextValue();
                if (doc != null && doc.path("kind").asText().equals("Canary")) {
                    String value = doc.path("metadata").path("annotations").path(ANNOTATION).asText("");
                    Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty())
                            .map(ImageRepositories::normalise).forEach(repos::add);
                }
            }
        } catch (IOException | RuntimeException e) {
            return List.of(); // a document we cannot read follows nothing; PUT validated it anyway
        }
        return List.copyOf(repos);
    }

    /** {@code host/team/app:tag@sha256:..} -> {@code team/app}. */
    static String normalise(String reference) {
        String r = reference.trim();
        int at = r.indexOf('@');
        if (at >= 0) {
            r = r.substring(0, at);
        }
        int slash = r.indexOf('/');
        if (slash > 0) {
            String first = r.substring(0, slash);
            if (first.contains(".") || first.contains(":") || first.equals("localhost")) {
                r = r.substring(slash + 1);
            }
        }
        int colon = r.lastIndexOf(':');
        if (colon > r.lastIndexOf('/')) {
            r = r.substring(0, colon);
        }
        return r.toLowerCase(Locale.ROOT);
    }
}
