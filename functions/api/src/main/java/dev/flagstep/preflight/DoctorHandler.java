package dev.flagstep.preflight;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flagstep.api.AwsEnvironment;
import dev.flagstep.doctor.ClusterAccess;
import dev.flagstep.doctor.Doctor;
import dev.flagstep.doctor.Finding;
import dev.flagstep.doctor.Findings;
import dev.flagstep.kubernetes.EksAccess;
import dev.flagstep.kubernetes.EksApi;
import dev.flagstep.kubernetes.EksCluster;
import dev.flagstep.kubernetes.EksToken;
import dev.flagstep.kubernetes.KubeClient;
import dev.flagstep.kubernetes.KubeEndpoint;
import dev.flagstep.kubernetes.KubeException;
import dev.flagstep.spec.CanaryId;
import dev.flagstep.spec.SpecParser;
import dev.flagstep.spec.SpecResult;
import dev.flagstep.store.CanaryStore;
import dev.flagstep.store.CanarySummary;
import dev.flagstep.store.Page;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * {@code DoctorFunction}, invoked by {@code flagstep doctor --stack}: the EKS access entries of the roles that call
 * the API server ({@link ClusterAccess}), then {@link Doctor}'s checks for every canary in the table, with this
 * function's own Kubernetes identity (its role is in the same group as the phases'). Answers
 * {@code {"findings": [{verdict, subject, message, fix}], "failed": N}}; the event's content is not read. Built on the
 * first invocation, once per container.
 */
public final class DoctorHandler implements RequestStreamHandler {

    /** The AWS actions this function's code calls (checked against template.yaml). */
    public static final Set<String> AWS_ACTIONS = dev.flagstep.api.IamActions.BY_FUNCTION.get("DoctorFunction");
    /** The roles whose access entries are checked (template.yaml: the KubernetesRoleArns output). */
    public static final String ROLES_VAR = "FLAGSTEP_KUBERNETES_ROLE_ARNS";

    /** What one examination needs. */
    public record Wiring(CanaryStore store, KubeClient kube, Optional<EksApi> eks, String cluster, List<String> roles,
                         Optional<URI> metricsServer, Clock clock) {}

    private static final ObjectMapper JSON = new ObjectMapper();
    private final Supplier<Wiring> wiring;

    public DoctorHandler() {
        this.wiring = dev.flagstep.api.Lazy.of(() -> {
            AwsEnvironment env = AwsEnvironment.fromSystem();
            Map<String, String> vars = System.getenv();
            String cluster = env.required(EksCluster.NAME_VAR);
            String region = env.aws().region();
            EksApi eks = new EksApi(HttpClient.newBuilder().connectTimeout(KubeEndpoint.DEFAULT_TIMEOUT).build(),
                    URI.create("https://eks." + region + "." + EksToken.domain(region)), region, env.aws().credentials(),
                    Clock.systemUTC(), KubeEndpoint.DEFAULT_TIMEOUT);
            List<String> roles = Arrays.stream(vars.getOrDefault(ROLES_VAR, "").split(",")).map(String::strip)
                    .filter(r -> !r.isEmpty()).toList();
            return new Wiring(env.store(), EksAccess.fromEnvironment(env.aws().credentials()).client(), Optional.of(eks), cluster,
                    roles, Optional.ofNullable(vars.get("METRICS_SERVER")).filter(s -> !s.isBlank()).map(URI::create),
                    Clock.systemUTC());
        });
    }

    /** For tests: already wired. */
    public DoctorHandler(Wiring wiring) {
        this.wiring = () -> wiring;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        input.readAllBytes();
        JSON.writeValue(output, Findings.toJson(examine(wiring.get())));
    }

    public static List<Finding> examine(Wiring w) {
        List<Finding> out = new ArrayList<>();
        w.eks().ifPresent(eks -> {
            try {
                out.addAll(ClusterAccess.check(eks, w.cluster(), w.roles()));
            } catch (KubeException e) {
                out.add(Finding.fail("eks access", "could not be read: " + e.getMessage(),
                        "grant the doctor's role eks:DescribeCluster and eks:DescribeAccessEntry (template.yaml does)"));
            }
        });
        List<Doctor.Subject> subjects = new ArrayList<>();
        SpecParser parser = new SpecParser();
        Optional<String> cursor = Optional.empty();
        do {
            Page<CanarySummary> page = w.store().list(Optional.empty(), 100, cursor);
            for (CanarySummary c : page.items()) {
                CanaryId id = c.canary();
                w.store().spec(id).ifPresent(spec -> {
                    switch (parser.parse(spec.source(), id)) {
                        case SpecResult.Valid v -> subjects.add(new Doctor.Subject(v.document(), spec.fromCluster()));
                        case SpecResult.Invalid i -> out.add(Finding.fail(id.toString(), "its stored document no longer reads: "
                                + i.errors().getFirst(), "PUT a corrected document, or fix the Canary object"));
                    }
                });
            }
            cursor = page.next();
        } while (cursor.isPresent());
        out.addAll(new Doctor(w.kube(), w.metricsServer(), w.clock()).examine(subjects));
        return out;
    }
}
