package io.onepanel.workflow.pod;

import static io.onepanel.workflow.pod.Records.request;
import static io.onepanel.workflow.pod.Records.run;
import static io.onepanel.workflow.pod.Records.s3;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.onepanel.workflow.artifact.TransferListener;
import io.onepanel.workflow.runtime.TaskPhase;
import io.onepanel.workflow.template.Template;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pod contract when a Jenkins agent is the stager (no stager container): the Kubernetes plugin
 * disconnects an agent as soon as any container of its pod terminates, so the main container's
 * gate must not end with its command. It runs here under a real {@code sh}, next to the {@link Stager}.
 */
class AgentPodGateTest {

    @TempDir
    Path tmp;

    @BeforeAll
    static void needsSh() {
        assumeTrue(Files.isExecutable(Path.of("/bin/sh")), "the gate is a POSIX sh script");
    }

    private Process startMain(Template template, Path exchange) throws Exception {
        TaskPod pod = new TaskPodTranslator(PodConfig.defaults().withStager(null))
                .translate(request(run("gate"), "task", template, new Records.W().build(template)));
        assertThat(pod.pod().getSpec().getContainers()).extracting(Container::getName)
                .containsExactly(PodContract.MAIN_CONTAINER);
        Container main = pod.pod().getSpec().getContainers().get(0);
        assertThat(main.getEnv()).contains(new EnvVar(PodContract.ENV_HOLD, "1", null));
        List<String> argv = new ArrayList<>(main.getCommand());
        argv.addAll(main.getArgs());
        ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        for (EnvVar e : main.getEnv()) {
            pb.environment().put(e.getName(), e.getValue());
        }
        pb.environment().put(PodContract.ENV_DIR, exchange.toString());
        return pb.start();
    }

    private StagerReport stage(Template template, Path exchange) throws Exception {
        TaskPod pod = new TaskPodTranslator(PodConfig.defaults().withStager(null))
                .translate(request(run("gate"), "task", template, new Records.W().build(template)));
        return new Stager(new DirectoryStore(tmp.resolve("store")), exchange, Duration.ofMillis(20),
                TransferListener.NONE).run(pod.plan());
    }

    @Test
    void theMainContainerOutlivesItsCommandUntilThePodIsDeleted() throws Exception {
        Path exchange = Files.createDirectories(tmp.resolve("exchange"));
        Path work = tmp.resolve("work");
        Records.T t = Records.T.container("t", new ContainerBuilder().withImage("x")
                .withCommand("sh", "-c", "mkdir -p " + work + " && echo trained > " + work + "/model; exit 3")
                .build());
        t.out(s3("model", work + "/model", "results/model"));
        Template template = t.build();
        Process main = startMain(template, exchange);
        try {
            StagerReport report = stage(template, exchange);

            // The agent has read the exit code and stored the outputs: the container is still there.
            assertThat(report.phase()).isEqualTo(TaskPhase.FAILED);
            assertThat(report.exitCode()).isEqualTo(3);
            assertThat(tmp.resolve("store/results/model")).hasContent("trained");
            assertThat(main.isAlive()).as("main container still running after its command ended").isTrue();

            // Deleting the pod sends SIGTERM: the gate ends then, with the command's exit code.
            main.destroy();
            assertThat(main.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(main.exitValue()).isEqualTo(3);
        } finally {
            main.destroyForcibly();
        }
    }

    @Test
    void aGateFailureAfterStagingStillHandsTheStagerAnExitCode() throws Exception {
        Path exchange = Files.createDirectories(tmp.resolve("exchange"));
        Files.createDirectories(tmp.resolve("store/in"));
        Files.writeString(tmp.resolve("store/in/data.txt"), "x");
        Path marker = tmp.resolve("ran");
        Records.T t = Records.T.container("t", new ContainerBuilder().withImage("x")
                .withCommand("touch", marker.toString()).build());
        // Its parent is a file, so the gate cannot put the input in place.
        Files.writeString(tmp.resolve("not-a-directory"), "");
        t.in(s3("data", tmp.resolve("not-a-directory/data.txt").toString(), "in/data.txt"));
        Template template = t.build();
        Process main = startMain(template, exchange);
        try {
            StagerReport report = stage(template, exchange);

            assertThat(report.phase()).isEqualTo(TaskPhase.FAILED);
            assertThat(report.exitCode()).isEqualTo(PodContract.EXIT_INPUTS_FAILED);
            assertThat(marker).doesNotExist();
            assertThat(main.isAlive()).isTrue();
        } finally {
            main.destroy();
            main.waitFor(60, TimeUnit.SECONDS);
            main.destroyForcibly();
        }
    }

    /**
     * The Kubernetes plugin mounts the agent's workspace at every container's workingDir, hiding the
     * image's own files there: in an agent pod the main container declares none, and the gate enters
     * the template's workingDir itself (creating it, as a container runtime would).
     */
    @Test
    void inAnAgentPodTheGateEntersTheWorkingDirectoryTheContainerDoesNotDeclare() throws Exception {
        Path exchange = Files.createDirectories(tmp.resolve("exchange"));
        Path app = Files.createDirectories(tmp.resolve("app"));
        Files.writeString(app.resolve("train.py"), "the image's own file");
        Path seen = tmp.resolve("seen");
        Records.T t = Records.T.container("t", new ContainerBuilder().withImage("x").withWorkingDir(app.toString())
                .withCommand("sh", "-c", "pwd > " + seen + " && cat train.py >> " + seen).build());
        Template template = t.build();
        TaskPod pod = new TaskPodTranslator(PodConfig.defaults().withStager(null))
                .translate(request(run("gate"), "task", template, new Records.W().build(template)));
        Container declared = pod.pod().getSpec().getContainers().get(0);
        assertThat(declared.getWorkingDir()).as("no workingDir for the Kubernetes plugin to mount over").isNull();
        assertThat(declared.getEnv()).contains(new EnvVar(PodContract.ENV_WORKDIR, app.toString(), null));

        Process main = startMain(template, exchange);
        try {
            StagerReport report = stage(template, exchange);
            assertThat(report.phase()).isEqualTo(TaskPhase.SUCCEEDED);
            assertThat(seen).hasContent(app + "\nthe image's own file");
        } finally {
            main.destroy();
            main.waitFor(60, TimeUnit.SECONDS);
            main.destroyForcibly();
        }
    }

    @Test
    void withItsOwnStagerContainerThePodDoesNotHoldTheMainContainer() throws Exception {
        Records.T t = Records.T.container("t", new ContainerBuilder().withImage("x").withCommand("true").build());
        Template template = t.build();
        TaskPod pod = new TaskPodTranslator(PodConfig.defaults())
                .translate(request(run("gate"), "task", template, new Records.W().build(template)));
        assertThat(pod.pod().getSpec().getContainers().get(0).getEnv())
                .extracting(EnvVar::getName)
                .doesNotContain(PodContract.ENV_HOLD);
    }
}
