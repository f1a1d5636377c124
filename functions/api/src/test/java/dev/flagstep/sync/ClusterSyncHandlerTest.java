package dev.flagstep.sync;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flagstep.api.IamActions;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.lang.reflect.Modifier;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClusterSyncHandlerTest {

    @Test
    void theSummaryIsOneJsonLineWithEveryCount() throws Exception {
        SyncSummary s = new SyncSummary(3, 1, 0, 1, 2, 1, 0, 1, 42, List.of("test/x: target Deployment x not found"));
        var json = new ObjectMapper().readTree(s.toString());
        assertThat(s.toString()).doesNotContain("\n");
        assertThat(json.path("listed").asInt()).isEqualTo(3);
        assertThat(json.path("stored").asInt()).isEqualTo(1);
        assertThat(json.path("started").asInt()).isEqualTo(1);
        assertThat(json.path("invalid").asInt()).isEqualTo(1);
        assertThat(json.path("deleted").asInt()).isZero();
        assertThat(json.path("errors").asInt()).isEqualTo(1);
        assertThat(json.path("failures").get(0).asText()).contains("not found");
    }

    @Test
    void onlyAPassThatChangedSomethingOrFailedIsEventful() {
        assertThat(new SyncSummary(12, 0, 0, 0, 0, 0, 0, 0, 30, List.of()).eventful()).isFalse();
        for (int i = 0; i < 7; i++) {
            int[] c = new int[7];
            c[i] = 1;
            assertThat(new SyncSummary(12, c[0], c[1], c[2], c[3], c[4], c[5], c[6], 30, List.of()).eventful())
                    .as("count %d", i).isTrue();
        }
    }

    @Test
    void aLambdaEntryPointWithTheActionsOfItsFunction() throws Exception {
        assertThat(Modifier.isPublic(ClusterSyncHandler.class.getConstructor().getModifiers())).isTrue();
        assertThat(ClusterSyncHandler.AWS_ACTIONS).isEqualTo(IamActions.BY_FUNCTION.get("SyncFunction"))
                .contains("eks:DescribeCluster", "states:StartExecution", "states:StopExecution", "dynamodb:PutItem");
        // the event is not read; nothing AWS is built before the first invocation
        new ClusterSyncHandler();
        var out = new ByteArrayOutputStream();
        assertThat(out.size()).isZero();
        new ByteArrayInputStream(new byte[0]).close();
    }
}
