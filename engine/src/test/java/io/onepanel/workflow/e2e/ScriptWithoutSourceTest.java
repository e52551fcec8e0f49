package io.onepanel.workflow.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.onepanel.workflow.engine.NodePhase;
import io.onepanel.workflow.engine.RunResult;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@code script} template without a {@code source} runs its command as written: as in Argo, the
 * path of the script file is appended to the command only when there is a source. (Needs Linux
 * namespaces and {@code sh}, as every local run does.)
 */
class ScriptWithoutSourceTest {

    static final String TEMPLATE = """
            entrypoint: main
            templates:
            - name: main
              dag:
                tasks:
                - {name: plain, template: plain}
                - {name: sourced, template: sourced}
            - name: plain
              script: {image: alpine, command: [echo, only-this]}
            - name: sourced
              script: {image: alpine, command: [sh], source: "echo from-source"}
            """;

    @TempDir
    Path temp;

    LocalEngine local;

    @BeforeEach
    void start() {
        assumeTrue(System.getProperty("os.name").startsWith("Linux"), "the local runtime needs Linux namespaces");
        local = new LocalEngine(temp);
    }

    @AfterEach
    void stop() {
        if (local != null) {
            local.close();
        }
    }

    @Test
    void aScriptWithoutSourceGetsNothingAppended() throws Exception {
        RunResult r = local.run(TEMPLATE);

        assertThat(r.phase()).as(LocalEngine.describe(r)).isEqualTo(NodePhase.SUCCEEDED);
        assertThat(LocalEngine.node(r, "plain").result()).isEqualTo("only-this");
        assertThat(LocalEngine.node(r, "sourced").result()).isEqualTo("from-source");
    }
}
