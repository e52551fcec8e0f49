package io.onepanel.workflow.pod;

import static io.onepanel.workflow.pod.Records.request;
import static io.onepanel.workflow.pod.Records.run;
import static io.onepanel.workflow.pod.Records.s3;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.onepanel.workflow.artifact.TransferListener;
import io.onepanel.workflow.runtime.TaskPhase;
import io.onepanel.workflow.template.Template;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pod contract end to end on this machine: the main container's rendered command runs under a
 * real {@code sh}, next to the {@link Stager}, sharing an exchange directory as the pod's emptyDir.
 */
class GateContractTest {

    @TempDir
    Path tmp;

    @org.junit.jupiter.api.BeforeAll
    static void needsSh() {
        org.junit.jupiter.api.Assumptions.assumeTrue(
                Files.isExecutable(Path.of("/bin/sh")), "the gate is a POSIX sh script");
    }

    record Outcome(int exitCode, String stdout, String stderr, StagerReport report) {}

    private Outcome runPod(Template template) throws Exception {
        TaskPod pod = new TaskPodTranslator(PodConfig.defaults())
                .translate(request(run("gate"), "task", template, new Records.W().build(template)));
        Container main = pod.pod().getSpec().getContainers().get(0);
        List<String> argv = new ArrayList<>(main.getCommand());
        argv.addAll(main.getArgs());
        Path exchange = tmp.resolve("exchange");
        Files.createDirectories(exchange);
        ProcessBuilder pb = new ProcessBuilder(argv);
        for (EnvVar e : main.getEnv()) {
            // As Kubernetes gives them: $$ becomes $ (the translator escapes what it puts there; no $(VAR) in them).
            pb.environment().put(e.getName(), e.getValue().replace("$$", "$"));
        }
        pb.environment().put(PodContract.ENV_DIR, exchange.toString());
        Process process = pb.start();
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(process.getInputStream()));
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(process.getErrorStream()));

        Stager stager = new Stager(new DirectoryStore(tmp.resolve("store")), exchange, Duration.ofMillis(20),
                TransferListener.NONE);
        StagerReport report = stager.run(pod.plan());
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("main process ended").isTrue();
        // What the runtime will read back: the report through the termination-message channel.
        Path termination = tmp.resolve("termination-log");
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        Stager.publish(report, termination, new PrintStream(log, true, StandardCharsets.UTF_8));
        StagerReport published = StagerReport.fromJson(Files.readString(termination));
        if (published.inLog()) {
            String last = log.toString(StandardCharsets.UTF_8).strip();
            published = StagerReport.fromJson(last.substring(PodContract.REPORT_LOG_PREFIX.length()));
        }
        assertThat(published.toJson()).isEqualTo(report.toJson()); // source positions stay behind
        return new Outcome(process.exitValue(), out.get(), err.get(), report);
    }

    private static String read(java.io.InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void inputsArePlacedTheCommandRunsAndOutputsAndStdoutComeBack() throws Exception {
        Path work = tmp.resolve("work");
        Files.createDirectories(tmp.resolve("store/in"));
        Files.writeString(tmp.resolve("store/in/message.txt"), "hello from s3\n");
        Files.createDirectories(tmp.resolve("store/dataset/a"));
        Files.writeString(tmp.resolve("store/dataset/a/1.csv"), "x,y\n");
        String script = "cat " + work + "/in/message.txt; ls " + work + "/data/a; mkdir -p " + work + "/out && "
                + "echo made > " + work + "/out/result.txt && printf '  42 \\n' > " + work + "/param.txt; "
                + "echo \"args: $0 $1\"";
        Records.T t = Records.T.container("t", new ContainerBuilder().withImage("x")
                .withCommand("sh", "-c").withArgs(script, "it's", "two words; $(not run)").build());
        t.in(s3("message", work + "/in/message.txt", "in/message.txt"), s3("data", work + "/data/", "dataset"));
        t.out(s3("out", work + "/out", "results/out"));
        t.outputParameters.add(Records.outputParameter("answer", work + "/param.txt", null));
        t.outputParameters.add(Records.outputParameter("absent", work + "/nothing.txt", "fallback"));

        Outcome o = runPod(t.build());

        assertThat(o.exitCode()).isZero();
        assertThat(o.stdout()).isEqualTo("hello from s3\n1.csv\nargs: it's two words; $(not run)\n");
        assertThat(o.report().phase()).isEqualTo(TaskPhase.SUCCEEDED);
        assertThat(o.report().result()).isEqualTo("hello from s3\n1.csv\nargs: it's two words; $(not run)");
        assertThat(o.report().outputParameters()).isEqualTo(Map.of("answer", "42", "absent", "fallback"));
        assertThat(o.report().outputArtifacts()).extracting(a -> a.name()).containsExactly("out");
        assertThat(tmp.resolve("store/results/out/result.txt")).hasContent("made");
    }

    @Test
    void aCommandThatIsNotInTheImageFailsWithExitCode127AndSaysSo() throws Exception {
        Records.T t = Records.T.container("t", new ContainerBuilder().withImage("x")
                .withCommand("no-such-command-xyz").withArgs("a").build());

        Outcome o = runPod(t.build());

        assertThat(o.exitCode()).isEqualTo(127);
        assertThat(o.stderr()).contains("onepanel-workflow: the command 'no-such-command-xyz' could not be started "
                + "(exit code 127): it is not in the image or not on its PATH");
        assertThat(o.report().phase()).isEqualTo(TaskPhase.FAILED);
        assertThat(o.report().message()).startsWith("exit code 127: the command could not be started");
    }

    @Test
    void aMissingInputStopsTheCommandBeforeItRuns() throws Exception {
        Path marker = tmp.resolve("ran");
        Records.T t = Records.T.container("t", new ContainerBuilder().withImage("x")
                .withCommand("touch", marker.toString()).build());
        t.in(s3("model", tmp.resolve("work/model.pt").toString(), "no/such/key"));

        Outcome o = runPod(t.build());

        assertThat(o.exitCode()).isEqualTo(PodContract.EXIT_INPUTS_FAILED);
        assertThat(marker).doesNotExist();
        assertThat(o.stderr()).contains("inputs could not be staged").contains("no object no/such/key");
        assertThat(o.report().phase()).isEqualTo(TaskPhase.ERROR);
        assertThat(o.report().message()).contains("input artifact 'model': no object no/such/key");
    }

    @Test
    void aScriptRunsByItsInterpreterAndANonZeroExitIsAFailureWithOutputs() throws Exception {
        Records.T t = Records.T.script("t", new ContainerBuilder().withImage("x").withCommand("sh").build(),
                "echo \"script at $0\"\necho 'a big result' \nexit 3\n");

        Outcome o = runPod(t.build());

        assertThat(o.exitCode()).isEqualTo(3);
        assertThat(o.report().phase()).isEqualTo(TaskPhase.FAILED);
        assertThat(o.report().exitCode()).isEqualTo(3);
        assertThat(o.report().result()).contains("script at " + tmp.resolve("exchange/script"))
                .endsWith("a big result");
    }

    @Test
    void aReportLargerThanATerminationMessageGoesToTheLog() throws Exception {
        Records.T t = Records.T.container("t", new ContainerBuilder().withImage("x")
                .withCommand("sh", "-c", "i=0; while [ $i -lt 600 ]; do echo line-$i; i=$((i+1)); done").build());

        Outcome o = runPod(t.build());

        assertThat(o.report().fitsTerminationMessage()).isFalse();
        assertThat(o.report().result()).startsWith("line-0\n").endsWith("line-599");
    }

    @Test
    void theStagerProcessRefusesToRunWithoutAPlan() throws Exception {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        int code = Stager.runInPod(new DirectoryStore(tmp), Map.of(), new PrintStream(log, true, StandardCharsets.UTF_8));
        assertThat(code).isEqualTo(2);
        assertThat(log.toString(StandardCharsets.UTF_8)).contains(PodContract.ENV_STAGING_PLAN + " is not set");
    }
}
