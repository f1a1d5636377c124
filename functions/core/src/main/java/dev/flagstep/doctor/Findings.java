package dev.flagstep.doctor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The doctor's answer on the wire, as DoctorFunction writes it and {@code flagstep doctor --stack} reads it:
 * {@code {"findings": [{verdict, subject, message, fix?}], "failed": N}}.
 */
public final class Findings {

    private Findings() {
    }

    public static ObjectNode toJson(List<Finding> findings) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        ArrayNode list = out.putArray("findings");
        for (Finding f : findings) {
            ObjectNode o = list.addObject().put("verdict", f.verdict().name()).put("subject", f.subject()).put("message", f.message());
            f.fix().ifPresent(fix -> o.put("fix", fix));
        }
        out.put("failed", findings.stream().filter(f -> f.verdict() == Finding.Verdict.FAIL).count());
        return out;
    }

    /** @throws IllegalArgumentException when an entry's verdict is not one of PASS, WARN, FAIL */
    public static List<Finding> fromJson(JsonNode answer) {
        List<Finding> out = new ArrayList<>();
        for (JsonNode f : answer.path("findings")) {
            out.add(new Finding(Finding.Verdict.valueOf(f.path("verdict").asText()), f.path("subject").asText(),
                    f.path("message").asText(), Optional.ofNullable(f.get("fix")).map(JsonNode::asText)));
        }
        return out;
    }
}
