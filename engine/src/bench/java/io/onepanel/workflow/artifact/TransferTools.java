package io.onepanel.workflow.artifact;

import io.onepanel.workflow.pod.PodContract;
import io.onepanel.workflow.pod.StagerReport;
import io.onepanel.workflow.pod.StagerSpec;
import io.onepanel.workflow.pod.StagingPlan;
import io.onepanel.workflow.runtime.TaskPhase;
import io.onepanel.workflow.template.Artifact;
import io.onepanel.workflow.template.S3Source;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The four ways the S3 benchmark moves a case's bytes, each a fresh process:
 * <ul>
 *   <li>{@code stage}: the pod's stager, exactly the stager image's command line
 *       ({@link StagerSpec#DEFAULT_COMMAND}, its {@code /opt/onepanel-workflow/} being {@code stagerHome})
 *       with a staging plan and an exchange directory as a pod has them. It runs as user nobody, so
 *       that {@code /dev/termination-log} is not writable and its report comes as its last line.</li>
 *   <li>{@code presign}: the Jenkins agent's path, {@link PresignAgent} (the JDK HTTP client and
 *       presigned URLs) with this JVM as the controller that signs ({@link PresignController}).</li>
 *   <li>{@code aws}: {@code aws s3 cp}, tuned (64 concurrent requests, 8 MiB parts).</li>
 *   <li>{@code rclone}: {@code rclone copy}, 32 transfers, 8 MiB chunks, upload concurrency 8.</li>
 * </ul>
 */
final class TransferTools {

    static final String ACCESS = "BENCHACCESSKEY";
    static final String SECRET = "bench-secret-key";
    static final String NOBODY = "65534";

    /** A command and what the harness says to it; {@code fetched} is where a download lands. */
    record Invocation(List<String> command, Map<String, String> env, TimedProcess.Conversation conversation,
            Path fetched) {}

    private final Path work;
    private final Path data;
    private final URI endpoint;
    private final Map<String, List<String>> stagers;
    private final List<String> agent;
    private final int agentParallelism;
    private final PresignController controller;
    private final Map<String, String> env = new HashMap<>();

    /**
     * @param stagers the stager's command lines, ready to run here, by tool name ({@code stage} and
     *     its variants, {@code stage-c1} say)
     * @param agent the java command line that runs {@link PresignAgent}'s class
     */
    TransferTools(Path work, Path data, URI endpoint, Map<String, List<String>> stagers, List<String> agent,
            int agentParallelism, PresignController controller) throws IOException {
        this.work = work;
        this.data = data;
        this.endpoint = endpoint;
        this.stagers = stagers;
        this.agent = agent;
        this.agentParallelism = agentParallelism;
        this.controller = controller;
        Path awsConfig = work.resolve("aws-config");
        Files.writeString(awsConfig, """
                [default]
                region = us-east-1
                s3 =
                  max_concurrent_requests = 64
                  multipart_threshold = 8MB
                  multipart_chunksize = 8MB
                """);
        env.put("AWS_ACCESS_KEY_ID", ACCESS);
        env.put("AWS_SECRET_ACCESS_KEY", SECRET);
        env.put("AWS_REGION", "us-east-1");
        env.put("AWS_CONFIG_FILE", awsConfig.toString());
        env.put("AWS_SHARED_CREDENTIALS_FILE", work.resolve("no-credentials").toString());
        env.put("AWS_EC2_METADATA_DISABLED", "true");
        env.put("RCLONE_CONFIG_BENCH_TYPE", "s3");
        env.put("RCLONE_CONFIG_BENCH_PROVIDER", "Other");
        env.put("RCLONE_CONFIG_BENCH_ENDPOINT", endpoint.toString());
        env.put("RCLONE_CONFIG_BENCH_ACCESS_KEY_ID", ACCESS);
        env.put("RCLONE_CONFIG_BENCH_SECRET_ACCESS_KEY", SECRET);
        env.put("RCLONE_CONFIG_BENCH_REGION", "us-east-1");
    }

    Map<String, String> env() {
        return env;
    }

    URI endpoint() {
        return endpoint;
    }

    Path data() {
        return data;
    }

    /**
     * The stager image's command with its home replaced, {@code java} the given binary and
     * {@code flags} (JVM options) after its own, so that they win.
     */
    static List<String> stagerCommand(String java, Path stagerHome, List<String> flags) {
        List<String> command = new ArrayList<>();
        for (String word : StagerSpec.DEFAULT_COMMAND) {
            if (word.equals("-jar")) {
                command.addAll(flags);
            }
            command.add(word.equals("java") ? java : word.replace("/opt/onepanel-workflow", stagerHome.toString()));
        }
        return command;
    }

    Invocation invocation(String tool, TransferCase c, int round) throws IOException {
        Path down = work.resolve("down/" + tool + "-" + round);
        Path local = c.up() ? data.resolve(c.name()) : down.resolve(c.name());
        String upKey = c.upKey(tool, round);
        if (stagers.containsKey(tool)) {
            return stage(stagers.get(tool), c, round);
        }
        return switch (tool) {
            case "presign" -> {
                List<String> command = new ArrayList<>(agent);
                if (c.up()) {
                    command.addAll(List.of("up", local.toString(), Integer.toString(agentParallelism)));
                    yield new Invocation(command, env, controller.upload(upKey), null);
                }
                Path planFile = work.resolve("plan-" + round);
                command.addAll(List.of("down", planFile.toString(), local.toString(),
                        Integer.toString(agentParallelism)));
                yield new Invocation(command, env, controller.download(c.seedKey(), planFile), local);
            }
            case "aws" -> new Invocation(c.single()
                    ? aws("cp", c.up() ? local.toString() : "s3://bench/" + c.seedKey(),
                            c.up() ? "s3://bench/" + upKey : local.toString())
                    : aws("cp", "--recursive", c.up() ? local.toString() : "s3://bench/" + c.seedKey() + "/",
                            c.up() ? "s3://bench/" + upKey + "/" : local.toString()),
                    env, TimedProcess.SILENT, c.up() ? null : local);
            case "rclone" -> new Invocation(List.of("/usr/bin/rclone", c.single() ? "copyto" : "copy",
                    c.up() ? local.toString() : "bench:bench/" + c.seedKey(),
                    c.up() ? "bench:bench/" + upKey : local.toString(),
                    "--transfers", "32", "--checkers", "32", "--s3-chunk-size", "8M", "--s3-upload-concurrency", "8",
                    "--s3-no-check-bucket", "--no-check-dest"), env, TimedProcess.SILENT, c.up() ? null : local);
            default -> throw new IllegalArgumentException("unknown tool " + tool);
        };
    }

    List<String> aws(String... args) {
        List<String> command = new ArrayList<>(List.of("/usr/bin/aws", "--endpoint-url", endpoint.toString(),
                "--only-show-errors", "s3"));
        command.addAll(List.of(args));
        return command;
    }

    /**
     * A pod's exchange directory as the stager finds it once the main container has ended (exit
     * code 0): for an upload, the case's files at the output's path; for a download, nothing yet.
     */
    private Invocation stage(List<String> stager, TransferCase c, int round) throws IOException {
        Path exchange = work.resolve("down/stage-" + round + "-exchange");
        Files.createDirectories(exchange.resolve("mainfs"));
        List<Artifact> inputs = new ArrayList<>();
        List<Artifact> outputs = new ArrayList<>();
        if (c.up()) {
            c.link(data, exchange.resolve("mainfs/out/" + c.name()));
            outputs.add(artifact("out", "/out/" + c.name(), c.upKey("stage", round)));
        } else {
            inputs.add(artifact("in", "/in/" + c.name(), c.seedKey()));
        }
        Files.writeString(exchange.resolve(PodContract.EXIT_CODE_FILE), "0");
        Files.createFile(exchange.resolve(PodContract.MAIN_DONE));
        for (Path p : List.of(exchange.getParent(), exchange, exchange.resolve("mainfs"))) {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxrwxrwx"));
        }
        Map<String, String> stageEnv = new HashMap<>(env);
        stageEnv.put(PodContract.ENV_STAGING_PLAN, new StagingPlan(inputs, outputs, List.of()).toJson());
        stageEnv.put(PodContract.ENV_DIR, exchange.toString());
        stageEnv.put("ONEPANEL_S3_BUCKET", "bench");
        stageEnv.put("ONEPANEL_S3_ENDPOINT", endpoint.toString());
        stageEnv.put("ONEPANEL_S3_INSECURE", "true");
        stageEnv.put("ONEPANEL_S3_REGION", "us-east-1");
        List<String> command = new ArrayList<>(List.of("/usr/bin/setpriv", "--reuid", NOBODY, "--regid", NOBODY,
                "--clear-groups", "--"));
        command.addAll(stager);
        TimedProcess.Conversation report = (String line, PrintStream stdin) -> {
            if (!line.startsWith(PodContract.REPORT_LOG_PREFIX)) {
                return false;
            }
            StagerReport r = StagerReport.fromJson(line.substring(PodContract.REPORT_LOG_PREFIX.length()));
            if (r.phase() != TaskPhase.SUCCEEDED) {
                throw new IllegalStateException("the stager reported " + r.phase() + ": " + r.message());
            }
            return true;
        };
        return new Invocation(command, stageEnv, report, c.up() ? null : exchange.resolve("mainfs/in/" + c.name()));
    }

    private static Artifact artifact(String name, String path, String key) {
        return new Artifact(name, path, null, null, null, false, null, null, null, S3Source.key(key), null, null, null,
                null);
    }
}
