package io.onepanel.workflow.testbed;

import java.nio.file.Path;
import java.util.function.BooleanSupplier;

/** Where the API server finds a container's log: the kubelet's file, or why there is none. */
interface ContainerLogs {

    sealed interface Lookup permits Found, Refused {}

    /** The log file (stdout and stderr as written), and whether the container has ended (no more will come). */
    record Found(Path file, BooleanSupplier ended) implements Lookup {}

    /** The API server's answer when there is no log to give (400 waiting to start, 404 no such pod). */
    record Refused(int code, String reason, String message) implements Lookup {}

    /** @param container null when the request names none */
    Lookup find(String namespace, String pod, String container);
}
