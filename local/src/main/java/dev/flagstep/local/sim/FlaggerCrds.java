package dev.flagstep.local.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * flagstep's CustomResourceDefinitions for Flagger's kinds, {@code deploy/crds.yaml} (packaged as a resource of this
 * module): what the simulated cluster has installed from the start, as a cluster where Flagger's or flagstep's CRDs
 * were applied.
 */
final class FlaggerCrds {

    static final String RESOURCE = "/deploy/crds.yaml";

    private FlaggerCrds() {
    }

    /**
     * The CRDs as {@code kubectl apply} would have stored them: with the last-applied annotation, so applying
     * {@code deploy/crds.yaml} (or Flagger's) again with kubectl updates them without a warning.
     */
    static List<ObjectNode> load() {
        try (InputStream in = FlaggerCrds.class.getResourceAsStream(RESOURCE)) {
            if (in == null) throw new IllegalStateException(RESOURCE + " is not on the class path");
            List<ObjectNode> crds = parse(in);
            for (ObjectNode crd : crds) {
                String applied = crd.toString();
                crd.withObjectProperty("metadata").withObjectProperty("annotations")
                        .put("kubectl.kubernetes.io/last-applied-configuration", applied);
            }
            return crds;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The documents of a multi-document YAML stream. */
    static List<ObjectNode> parse(InputStream yaml) throws IOException {
        ObjectMapper mapper = new YAMLMapper();
        List<ObjectNode> out = new ArrayList<>();
        try (var parser = new YAMLFactory().createParser(yaml)) {
            for (var it = mapper.readValues(parser, JsonNode.class); it.hasNext(); ) {
                JsonNode doc = it.next();
                if (doc instanceof ObjectNode o) out.add(o);
            }
        }
        return out;
    }
}
