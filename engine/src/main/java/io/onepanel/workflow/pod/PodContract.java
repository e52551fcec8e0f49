package io.onepanel.workflow.pod;

import java.util.List;

/**
 * The contract between a task's main container and whatever stages its artifacts (this project's
 * stager container, or a Jenkins agent in the pod's {@code jnlp} container). It is written down once
 * here and in {@code docs/pod-contract.md}; both must change together.
 *
 * <h2>Volumes and paths</h2>
 *
 * <ul>
 *   <li>The <em>exchange volume</em> {@value #EXCHANGE_VOLUME} (an emptyDir) is mounted at
 *       {@value #EXCHANGE_DIR} in the main container and in the stager.
 *   <li>The stager sees every path {@code P} of the main container that matters (input and output
 *       artifact paths, output parameter paths) at {@value #MAINFS}{@code P}. When {@code P} lies
 *       inside one of the main container's volume mounts (a PVC, an emptyDir, ...), the stager
 *       mounts the same volume (same subPath) at {@value #MAINFS}{@code <mountPath>}, so bytes are
 *       read and written in place, as Argo's wait container does under {@code /mainctrfs}.
 *       Otherwise {@value #MAINFS}{@code P} lies in the exchange volume and the main container's
 *       gate copies it: inputs into place before the command runs ({@value #ENV_COPY_IN}), outputs
 *       out after it ends ({@value #ENV_COPY_OUT}). That way an artifact may be a file or a
 *       directory, and the image's own files next to {@code P} stay visible.
 * </ul>
 *
 * <h2>Markers in the exchange directory</h2>
 *
 * <ol>
 *   <li>The stager places the inputs, then creates {@value #INPUTS_STAGED}; or, when an input
 *       cannot be staged, writes the reason to {@value #INPUTS_FAILED}.
 *   <li>The main container's gate ({@code sh -c}) waits for one of them, places copied inputs,
 *       writes the script source of a script template to {@value #SCRIPT_FILE} and appends that
 *       path to the command, runs the original command with its arguments passed as arguments
 *       (never re-parsed by a shell), copies its stdout to {@value #STDOUT_FILE} while it also goes
 *       to the log, writes the exit code to {@value #EXIT_CODE_FILE}, copies outputs out, and
 *       finally creates {@value #MAIN_DONE}. Its own exit code is the command's. With
 *       {@value #ENV_HOLD} set (an agent pod: the Kubernetes plugin disconnects an agent as soon as
 *       any container of its pod terminates, exit code 0 included), it does not exit then but waits
 *       for SIGTERM, which the pod's deletion sends.
 *   <li>The stager waits for {@value #MAIN_DONE}, reads the exit code, stdout ({@code result}) and
 *       output parameters, stores output artifacts, and reports (see {@link StagerReport}) through
 *       its container's termination message, or through the last line of its log when the report
 *       is larger than Kubernetes' 4096-byte termination-message limit.
 * </ol>
 *
 * <p>The gate needs {@code sh} (and {@code mkfifo}, {@code tee}, {@code cp}, {@code sleep}, as in
 * any POSIX image) in the task's image, exactly as the Jenkins Kubernetes plugin's
 * {@code container} step does.
 */
public final class PodContract {

    private PodContract() {}

    /** The task's container: Argo's name, so {@code podSpecPatch} written for Argo applies. */
    public static final String MAIN_CONTAINER = "main";
    /** This project's staging container (a Jenkins agent uses its own {@code jnlp} container). */
    public static final String STAGER_CONTAINER = "stager";

    public static final String EXCHANGE_VOLUME = "onepanel-workflow";
    public static final String EXCHANGE_DIR = "/var/run/onepanel-workflow";
    /** Where the stager sees the main container's paths; a path P is at MAINFS + P. */
    public static final String MAINFS = EXCHANGE_DIR + "/mainfs";

    public static final String INPUTS_STAGED = "inputs-staged";
    public static final String INPUTS_FAILED = "inputs-failed";
    public static final String MAIN_DONE = "main-done";
    public static final String EXIT_CODE_FILE = "exit-code";
    public static final String STDOUT_FILE = "stdout";
    public static final String SCRIPT_FILE = "script";

    /** Exchange directory for the gate; only tests set it to something else. */
    public static final String ENV_DIR = "ONEPANEL_WORKFLOW_DIR";
    /** Newline-separated absolute paths the gate copies from MAINFS into place before the command. */
    public static final String ENV_COPY_IN = "ONEPANEL_WORKFLOW_COPY_IN";
    /** Newline-separated absolute paths the gate copies to MAINFS after the command. */
    public static final String ENV_COPY_OUT = "ONEPANEL_WORKFLOW_COPY_OUT";
    /** A script template's source, written by the gate to {@link #SCRIPT_FILE}. */
    public static final String ENV_SCRIPT = "ONEPANEL_WORKFLOW_SCRIPT";
    /**
     * Set (to {@code 1}) when the stager is a Jenkins agent: the gate then keeps the main container
     * running after the command ended and its outputs were handed over, until the pod is deleted
     * (SIGTERM), so that no container of an agent pod terminates while the agent is connected.
     */
    public static final String ENV_HOLD = "ONEPANEL_WORKFLOW_HOLD";
    /**
     * The main container's working directory when a Jenkins agent stages (with {@link #ENV_HOLD}):
     * the gate enters it, creating it as a container runtime does, just before the command. The
     * Kubernetes plugin mounts the agent's workspace at every container's {@code workingDir}, which
     * would hide the image's own files there (and catch outputs meant for a volume below it), so an
     * agent pod's main container declares none.
     */
    public static final String ENV_WORKDIR = "ONEPANEL_WORKFLOW_WORKDIR";

    /**
     * Argo's variable naming the file where a task may report its own progress as {@code N/M}
     * (docs/progress.md); in the exchange directory, which the main container may write.
     */
    public static final String ENV_PROGRESS_FILE = "ARGO_PROGRESS_FILE";
    public static final String PROGRESS_FILE = EXCHANGE_DIR + "/progress";
    /** The stager's instructions: a {@link StagingPlan} as JSON. */
    public static final String ENV_STAGING_PLAN = "ONEPANEL_WORKFLOW_STAGING_PLAN";

    /** The stager's default report channel (the Kubernetes default path, set explicitly). */
    public static final String TERMINATION_MESSAGE_PATH = "/dev/termination-log";
    /** Kubernetes truncates termination messages to this many bytes. */
    public static final int TERMINATION_MESSAGE_LIMIT = 4096;
    /** Prefix of the stager's last log line when the report does not fit the termination message. */
    public static final String REPORT_LOG_PREFIX = "onepanel-workflow-report: ";

    /** The gate's exit code when staging inputs failed and the command never ran. */
    public static final int EXIT_INPUTS_FAILED = 125;

    // Labels: every pod (and claim) of a run can be found by these.
    public static final String LABEL_PREFIX = "workflow.onepanel.io/";
    public static final String LABEL_MANAGED_BY = "app.kubernetes.io/managed-by";
    public static final String MANAGED_BY = "onepanel-workflow";
    public static final String LABEL_WORKFLOW = LABEL_PREFIX + "workflow";
    public static final String LABEL_RUN_UID = LABEL_PREFIX + "run-uid";
    public static final String LABEL_TASK = LABEL_PREFIX + "task";
    public static final String LABEL_TEMPLATE = LABEL_PREFIX + "template";
    public static final String LABEL_ATTEMPT = LABEL_PREFIX + "attempt";
    /** The task's exact name (labels are sanitized and cut at 63 characters). */
    public static final String ANNOTATION_TASK_NAME = LABEL_PREFIX + "task-name";
    public static final String ANNOTATION_WORKFLOW_NAME = LABEL_PREFIX + "workflow-name";
    /** Tells {@code kubectl logs/exec} which container to pick. */
    public static final String ANNOTATION_DEFAULT_CONTAINER = "kubectl.kubernetes.io/default-container";

    /** The gate's name as {@code $0}, shown by {@code sh} in its own error messages. */
    public static final String GATE_NAME = "onepanel-workflow-gate";

    /**
     * The main container's gate, run as {@code sh -c GATE onepanel-workflow-gate COMMAND ARGS...}.
     * The original command and arguments arrive as positional parameters, so no quoting can break
     * them. SIGTERM is passed on to the command.
     */
    public static final String GATE_SCRIPT = String.join("\n", List.of(
            "d=\"${" + ENV_DIR + ":-" + EXCHANGE_DIR + "}\"",
            // end CODE: exit with CODE, or with ENV_HOLD set, stay until the pod is deleted (SIGTERM).
            "end() {",
            "  code=$1",
            "  if [ -n \"${" + ENV_HOLD + ":-}\" ]; then",
            "    trap 'kill \"$w\" 2>/dev/null; exit \"$code\"' TERM INT",
            "    while :; do sleep 3600 & w=$!; wait \"$w\"; done",
            "  fi",
            "  exit \"$code\"",
            "}",
            // fail CODE: the gate itself failed after the inputs were staged; the stager waits for main-done.
            "fail() {",
            "  echo \"$1\" > \"$d/" + EXIT_CODE_FILE + "\"; : > \"$d/" + MAIN_DONE + "\"; end \"$1\"",
            "}",
            "while [ ! -e \"$d/" + INPUTS_STAGED + "\" ]; do",
            "  if [ -e \"$d/" + INPUTS_FAILED + "\" ]; then",
            "    echo \"onepanel-workflow: inputs could not be staged, the command did not run: $(cat \"$d/"
                    + INPUTS_FAILED + "\")\" >&2",
            "    end " + EXIT_INPUTS_FAILED,
            "  fi",
            "  sleep 0.2 2>/dev/null || sleep 1",
            "done",
            "set -f; nl='",
            "'",
            "IFS=$nl",
            "for p in ${" + ENV_COPY_IN + ":-}; do",
            "  s=\"$d/mainfs$p\"",
            "  if [ -d \"$s\" ]; then mkdir -p \"$p\" && cp -a \"$s/.\" \"$p/\" || fail " + EXIT_INPUTS_FAILED,
            "  elif [ -e \"$s\" ]; then mkdir -p \"$(dirname \"$p\")\" && cp -a \"$s\" \"$p\" || fail "
                    + EXIT_INPUTS_FAILED,
            "  fi",
            "done",
            "unset IFS; set +f",
            "if [ -n \"${" + ENV_SCRIPT + "+x}\" ]; then",
            "  printf '%s\\n' \"$" + ENV_SCRIPT + "\" > \"$d/" + SCRIPT_FILE + "\" && set -- \"$@\" \"$d/"
                    + SCRIPT_FILE + "\"",
            "fi",
            "if [ -n \"${" + ENV_WORKDIR + ":-}\" ]; then",
            "  mkdir -p \"$" + ENV_WORKDIR + "\" && cd \"$" + ENV_WORKDIR + "\" || {",
            "    echo \"onepanel-workflow: cannot enter the working directory $" + ENV_WORKDIR + "\" >&2; fail 1; }",
            "fi",
            "rm -f \"$d/stdout.fifo\" && mkfifo \"$d/stdout.fifo\" || fail 1",
            "tee \"$d/" + STDOUT_FILE + "\" < \"$d/stdout.fifo\" &",
            "t=$!",
            "\"$@\" > \"$d/stdout.fifo\" &",
            "c=$!",
            "trap 'kill -TERM \"$c\" 2>/dev/null' TERM INT",
            "wait \"$c\"; code=$?",
            "while kill -0 \"$c\" 2>/dev/null; do wait \"$c\"; code=$?; done",
            // As PID 1 of its container, end what the command left running, as a container runtime does
            // once a container's first process ends: a background process holding the stdout pipe would
            // keep tee, and so the task, waiting forever. Stopped first, so nothing forks meanwhile.
            // (Not $$: Kubernetes turns $$ in a container's command into $.)
            "me=; read -r me rest < /proc/self/stat 2>/dev/null",
            "if [ \"$me\" = 1 ]; then",
            "  kill -STOP -1 2>/dev/null",
            "  for p in /proc/[0-9]*; do p=${p#/proc/}; [ \"$p\" = 1 ] || [ \"$p\" = \"$t\" ] || kill -KILL \"$p\" 2>/dev/null; done",
            "  kill -CONT \"$t\" 2>/dev/null",
            "fi",
            "wait \"$t\"",
            "if [ \"$code\" -eq 127 ]; then",
            "  echo \"onepanel-workflow: the command '$1' could not be started (exit code 127): it is not in the"
                    + " image or not on its PATH\" >&2",
            "elif [ \"$code\" -eq 126 ]; then",
            "  echo \"onepanel-workflow: the command '$1' could not be started (exit code 126): it is not"
                    + " executable\" >&2",
            "fi",
            "echo \"$code\" > \"$d/" + EXIT_CODE_FILE + "\"",
            "set -f; IFS=$nl",
            "for p in ${" + ENV_COPY_OUT + ":-}; do",
            "  if [ -e \"$p\" ]; then",
            "    mkdir -p \"$d/mainfs$(dirname \"$p\")\" && rm -rf \"$d/mainfs$p\" && cp -a \"$p\" \"$d/mainfs$p\""
                    + " || echo \"onepanel-workflow: could not hand over output $p\" >&2",
            "  fi",
            "done",
            ": > \"$d/" + MAIN_DONE + "\"",
            "end \"$code\"",
            ""));

    /** Where the stager sees the main container's path {@code path}. */
    public static String mainfs(String path) {
        return MAINFS + path;
    }
}
