package io.onepanel.workflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.onepanel.workflow.runtime.local.NeedsNamespaces;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * resume and retry as a user meets them: what they refuse and why, and a retried run's summary
 * showing what it reused. (Killed runs and real counters: DurableRunIT.)
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class ResumeRetryCommandTest {

    @TempDir
    Path temp;

    private Cli.Outcome cli(String... args) {
        String[] all = java.util.Arrays.copyOf(args, args.length + 2);
        all[args.length] = "--runs";
        all[args.length + 1] = temp.resolve("runs").toString();
        return Cli.run(all);
    }

    /** The diamond with C failing: A and B succeed, D is omitted. */
    private Cli.Outcome failedDiamond(String name) throws Exception {
        Path file = temp.resolve("diamond.yaml");
        Files.writeString(file, """
                entrypoint: main
                templates:
                - name: main
                  dag:
                    tasks:
                    - {name: A, template: ok}
                    - {name: B, depends: A, template: ok}
                    - {name: C, depends: A, template: fail}
                    - {name: D, depends: B && C, template: ok}
                - name: ok
                  container: {image: alpine, command: [sh, -c, "echo ok"]}
                - name: fail
                  container: {image: alpine, command: [sh, -c, "exit 3"]}
                """);
        return cli("run", file.toString(), "--name", name, "--work", temp.resolve("work").toString(), "--artifacts",
                temp.resolve("artifacts").toString());
    }

    @Test
    void aRunThatWasNeverJournaledIsNamedWithWhereItWasLookedFor() {
        Cli.Outcome o = cli("resume", "nope");

        assertThat(o.exitCode()).isEqualTo(ExitCodes.INVALID);
        assertThat(o.err()).isEqualTo("onepanel-workflow: " + temp.resolve("runs/nope")
                + " holds no run journal (journal.jsonl)\n");
    }

    @Test
    @NeedsNamespaces
    void aRunThatEndedIsRetriedNotResumedAndTheRetryShowsWhatItReused() throws Exception {
        Cli.Outcome first = failedDiamond("diamond-1");
        assertThat(first.exitCode()).as(first.err()).isEqualTo(ExitCodes.FAILED);
        assertThat(first.out()).contains("Rerun its failed tasks, keeping what succeeded: onepanel-workflow retry "
                + "diamond-1 --runs " + temp.resolve("runs"));

        Cli.Outcome resumed = cli("resume", "diamond-1");
        assertThat(resumed.exitCode()).isEqualTo(ExitCodes.INVALID);
        assertThat(resumed.out()).doesNotContain("Resuming");
        assertThat(resumed.err()).isEqualTo("onepanel-workflow: run diamond-1 has ended (Failed): there is nothing to"
                + " resume; retry reruns its failed tasks\n");

        Cli.Outcome unknown = cli("retry", "diamond-1", "--from", "Z");
        assertThat(unknown.exitCode()).isEqualTo(ExitCodes.INVALID);
        assertThat(unknown.err()).endsWith("onepanel-workflow: --from Z: the run has no task of that name; its tasks"
                + " are A, B, C, D\n");

        Cli.Outcome retried = cli("retry", temp.resolve("runs/diamond-1").toString(), "--name", "diamond-2");
        assertThat(retried.exitCode()).as(retried.err()).isEqualTo(ExitCodes.FAILED); // C fails again
        assertThat(retried.out()).contains("Retrying diamond-1 as a new run: its failed tasks and every task after "
                + "them run again; the rest is reused");
        assertThat(retried.out()).containsPattern("(?m)^A\\s+Succeeded \\(reused\\)\\s");
        assertThat(retried.out()).containsPattern("(?m)^B\\s+Succeeded \\(reused\\)\\s");
        assertThat(retried.out()).containsPattern("(?m)^C\\s+Failed\\s");
        assertThat(retried.out()).contains("(reused) ran in diamond-1; its results and outputs are that run's");
        assertThat(temp.resolve("runs/diamond-2/journal.jsonl")).isRegularFile();
    }

    @Test
    void aBadNewNameIsRefusedBeforeAnythingIsRead() {
        Cli.Outcome o = cli("retry", "whatever", "--name", "Not A Name");

        assertThat(o.exitCode()).isEqualTo(ExitCodes.INVALID);
        assertThat(o.err()).startsWith("onepanel-workflow: --name: ");
    }
}
