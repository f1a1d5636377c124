package dev.flagstep.local.serve;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.flagstep.kubernetes.ResourceKind;
import dev.flagstep.local.LocalRuntime;
import dev.flagstep.local.sim.SimulatedCluster;
import dev.flagstep.spec.CanaryId;
import dev.flagstep.spec.SpecParser;
import dev.flagstep.spec.SpecResult;
import dev.flagstep.store.SpecOrigin;
import dev.flagstep.sync.WatchNamespaces;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** {@code flagstep serve --simulate}: the cluster sync runs by itself, on the runtime's (sped-up) clock. */
class ServeSyncTest {

    @Test
    void aCanaryObjectAppliedToTheSimulatedClusterIsPickedUpByTheLoop() throws Exception {
        try (SimulatedCluster sim = SimulatedCluster.start();
             ServedRuntime serve = ServedRuntime.start(0, new LocalRuntime.Settings(Optional.empty(), 100, "kubernetes",
                     java.net.URI.create("http://127.0.0.1:9"), Optional.empty()), sim.client(), Optional.of(sim), Set.of(),
                     Optional.of(new ServedRuntime.Sync(WatchNamespaces.parse("served"), Duration.ofSeconds(60))))) {
            String yaml = ServeHarness.canary("served", "podinfo", """
                        interval: 10s
                        threshold: 2
                        stepWeight: 50
                        maxWeight: 50
                    """);
            var spec = ((SpecResult.Valid) new SpecParser().parse(yaml)).document().canary();
            sim.seed(spec, "ghcr.io/stefanprodan/podinfo:6.7.0");
            sim.client().create(ResourceKind.CANARY, (ObjectNode) new YAMLMapper().readTree(yaml));
            CanaryId id = new CanaryId("served", "podinfo");
            // 60 s of the runtime's clock at speed 100: a pass every 0.6 s of real time
            // the spec is stored during a pass; the pass is recorded when it ends, so both are waited for
            ServeHarness.eventually(Duration.ofSeconds(30), () -> {
                assertThat(serve.runtime().store().spec(id)).get().extracting(r -> r.origin()).isEqualTo(SpecOrigin.CLUSTER);
                assertThat(serve.sync()).get().satisfies(loop -> assertThat(loop.lastPass()).isPresent());
                return true;
            });
        }
    }
}
