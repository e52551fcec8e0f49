package io.onepanel.workflow.runtime.local;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * How {@link LocalTaskRuntime} starts processes.
 *
 * @param unshare util-linux {@code unshare}; a bare name is looked up on this JVM's {@code PATH}
 * @param shell the POSIX shell that runs the generated setup script inside the namespaces
 * @param userNamespace when to add {@code --user --map-root-user}
 * @param environment the engine's environment; a task starts from the few variables of it that
 *     {@link TaskEnvironment} lets through ({@code PATH}, {@code HOME}, locale, {@code TZ}), then
 *     the template's {@code env}; credentials and configuration never reach a task
 * @param defaultWorkingDir the directory the run was started from (a checkout, a CI workspace): kept
 *     visible inside tasks at its own path, even under {@code /tmp}; a task without {@code workingDir}
 *     never starts there but in an empty directory of its own
 * @param resultLimitBytes how much of stdout {@code outputs.result} keeps (the last bytes, as Argo)
 * @param startingLimit how many tasks may be starting at once (input artifacts fetched, namespaces
 *     made, mounts done, command not yet running); default the machine's cores, so that a DAG
 *     thousands of tasks wide never starts them faster than the machine can. The others wait in a
 *     queue without a thread ({@link StartQueue}). Running tasks are not limited by it: a
 *     workflow's or template's {@code parallelism} says how many may run.
 */
public record LocalRuntimeOptions(
        Path unshare,
        Path shell,
        UserNamespace userNamespace,
        Map<String, String> environment,
        Path defaultWorkingDir,
        int resultLimitBytes,
        int startingLimit) {

    /** Argo keeps at most 256 kB of a container's stdout as its result. */
    public static final int ARGO_RESULT_LIMIT = 256 * 1024;

    /** When the runtime asks for a user namespace as well as the mount and PID namespaces. */
    public enum UserNamespace {
        /** Only when this JVM does not run as root: mounting needs root, real or mapped. */
        WHEN_NOT_ROOT,
        ALWAYS,
        NEVER
    }

    public LocalRuntimeOptions {
        Objects.requireNonNull(unshare, "unshare");
        Objects.requireNonNull(shell, "shell");
        Objects.requireNonNull(userNamespace, "userNamespace");
        environment = Map.copyOf(environment);
        Objects.requireNonNull(defaultWorkingDir, "defaultWorkingDir");
        if (resultLimitBytes < 1) {
            throw new IllegalArgumentException("resultLimitBytes must be positive: " + resultLimitBytes);
        }
        if (startingLimit < 1) {
            throw new IllegalArgumentException("startingLimit must be positive: " + startingLimit);
        }
    }

    /**
     * {@code unshare} from PATH, {@code /bin/sh}, this JVM's environment and working directory, as
     * many tasks starting at once as this machine has cores.
     */
    public static LocalRuntimeOptions defaults() {
        return new LocalRuntimeOptions(Path.of("unshare"), Path.of("/bin/sh"), UserNamespace.WHEN_NOT_ROOT,
                System.getenv(), Path.of(System.getProperty("user.dir")), ARGO_RESULT_LIMIT,
                Runtime.getRuntime().availableProcessors());
    }

    public LocalRuntimeOptions withUnshare(Path newUnshare) {
        return new LocalRuntimeOptions(newUnshare, shell, userNamespace, environment, defaultWorkingDir,
                resultLimitBytes, startingLimit);
    }

    public LocalRuntimeOptions withShell(Path newShell) {
        return new LocalRuntimeOptions(unshare, newShell, userNamespace, environment, defaultWorkingDir,
                resultLimitBytes, startingLimit);
    }

    public LocalRuntimeOptions withUserNamespace(UserNamespace newUserNamespace) {
        return new LocalRuntimeOptions(unshare, shell, newUserNamespace, environment, defaultWorkingDir,
                resultLimitBytes, startingLimit);
    }

    public LocalRuntimeOptions withEnvironment(Map<String, String> newEnvironment) {
        return new LocalRuntimeOptions(unshare, shell, userNamespace, newEnvironment, defaultWorkingDir,
                resultLimitBytes, startingLimit);
    }

    public LocalRuntimeOptions withDefaultWorkingDir(Path newDefaultWorkingDir) {
        return new LocalRuntimeOptions(unshare, shell, userNamespace, environment, newDefaultWorkingDir,
                resultLimitBytes, startingLimit);
    }

    public LocalRuntimeOptions withResultLimitBytes(int newResultLimitBytes) {
        return new LocalRuntimeOptions(unshare, shell, userNamespace, environment, defaultWorkingDir,
                newResultLimitBytes, startingLimit);
    }

    public LocalRuntimeOptions withStartingLimit(int newStartingLimit) {
        return new LocalRuntimeOptions(unshare, shell, userNamespace, environment, defaultWorkingDir,
                resultLimitBytes, newStartingLimit);
    }
}
