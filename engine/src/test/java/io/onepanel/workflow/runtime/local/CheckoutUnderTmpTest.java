package io.onepanel.workflow.runtime.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.onepanel.workflow.runtime.RunInfo;
import io.onepanel.workflow.runtime.TaskPhase;
import io.onepanel.workflow.runtime.TaskResult;
import io.onepanel.workflow.template.Inputs;
import io.onepanel.workflow.template.Outputs;
import io.onepanel.workflow.template.Template;
import io.onepanel.workflow.template.TemplateType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A checkout or CI workspace under /tmp, with the work directory inside it: every task still has a
 * /tmp of its own, and still sees the default working directory (the checkout) at its own path.
 */
@NeedsNamespaces
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class CheckoutUnderTmpTest {

    Path checkout;
    Path machineTmpFile;
    LocalTaskRuntime runtime;
    RunInfo run = Tasks.run("under-tmp");

    @BeforeEach
    void start() throws Exception {
        checkout = Files.createTempDirectory(Path.of("/tmp"), "onepanel-checkout-");
        Files.writeString(checkout.resolve("here.txt"), "in the checkout\n");
        machineTmpFile = Files.createTempFile(Path.of("/tmp"), "onepanel-machine-", ".txt");
        runtime = new LocalTaskRuntime(checkout.resolve("target/work"),
                new FakeArtifactStore(Files.createDirectories(checkout.resolve("target/store"))),
                LocalRuntimeOptions.defaults().withDefaultWorkingDir(checkout));
    }

    @AfterEach
    void stop() throws Exception {
        runtime.close();
        FileTree.delete(checkout);
        Files.deleteIfExists(machineTmpFile);
    }

    TaskResult run(Template template) throws Exception {
        return runtime.start(Tasks.request(run, template), new RecordingListener()).result().get();
    }

    @Test
    void theCheckoutIsVisibleAtItsOwnPathButNotTheWorkingDirectoryWhileTmpStaysPrivate() throws Exception {
        TaskResult result = run(Tasks.container("look", Tasks.container("sh", "-c",
                "pwd; test -e here.txt && echo in-the-checkout; cat " + checkout.resolve("here.txt") + "; test -e "
                        + machineTmpFile + " && echo machine-tmp-visible; echo mine > /tmp/mine").build()));

        assertThat(result.phase()).as(result.message()).isEqualTo(TaskPhase.SUCCEEDED);
        assertThat(result.result()).isEqualTo("/tmp/onepanel-workdir\nin the checkout");
        assertThat(Path.of("/tmp/mine")).doesNotExist();
    }

    @Test
    void anOutputDeclaredInsideTheCheckoutIsTheTasksOwnAndCollected() throws Exception {
        Path out = checkout.resolve("results/out.txt");
        Files.createDirectories(out.getParent());
        Template template = Tasks.template("write", TemplateType.CONTAINER,
                Tasks.container("sh", "-c", "echo written > " + out + " && cat " + checkout.resolve("here.txt"))
                        .build(),
                null, Inputs.EMPTY,
                new Outputs(List.of(), List.of(Tasks.artifact("out", out.toString(), "k/out", false))), List.of());

        TaskResult result = run(template);

        assertThat(result.phase()).as(result.message()).isEqualTo(TaskPhase.SUCCEEDED);
        assertThat(result.result()).isEqualTo("in the checkout");
        assertThat(checkout.resolve("target/store/k/out")).hasContent("written");
        if (Files.exists(out)) {
            assertThat(out).as("the task wrote into a file of its own, not the checkout's").isEmptyFile();
        }
    }
}
