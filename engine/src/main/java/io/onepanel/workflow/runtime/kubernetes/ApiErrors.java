package io.onepanel.workflow.runtime.kubernetes;

import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** Turns what the API server (or the way to it) said into a sentence a user can act on. */
final class ApiErrors {

    private ApiErrors() {}

    static Throwable unwrap(Throwable e) {
        Throwable t = e;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    /**
     * Whether trying the same call again later may succeed: no answer (a timeout, a refused or lost
     * connection), or HTTP 408, 429 or 5xx. Refusals (401, 403, 404, 409, 422) stay refusals.
     */
    static boolean isTransient(Throwable error) {
        Throwable e = unwrap(error);
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof KubernetesClientException k && k.getCode() > 0) {
                int code = k.getCode();
                return code == 408 || code == 429 || code >= 500;
            }
        }
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof java.io.IOException || c instanceof java.util.concurrent.TimeoutException
                    || isClosedConnection(c)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The Vert.x HTTP client (fabric8's default) reports a connection the server closed under a request
     * as its own unchecked {@code HttpClosedException}, not as an {@link java.io.IOException}; named,
     * not imported, so that another HTTP client can be used.
     */
    private static boolean isClosedConnection(Throwable t) {
        return "io.vertx.core.http.HttpClosedException".equals(t.getClass().getName());
    }

    /**
     * @param action what was being done, e.g. "creating pod x in namespace ml"
     * @param server the API server's URL, for connection errors
     */
    static String describe(Throwable error, String action, String server) {
        Throwable e = unwrap(error);
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof ConnectException) {
                return action + " failed: cannot reach the Kubernetes API server at " + server
                        + ": connection refused; check the kubeconfig context (or --kube-context) and that the "
                        + "cluster is up";
            }
            if (c instanceof UnknownHostException) {
                return action + " failed: the Kubernetes API server's host in " + server + " is unknown; check the "
                        + "kubeconfig context";
            }
            if (c instanceof NoRouteToHostException || c instanceof SocketTimeoutException) {
                return action + " failed: the Kubernetes API server at " + server + " did not answer ("
                        + c.getClass().getSimpleName() + ")";
            }
        }
        KubernetesClientException k = null;
        for (Throwable c = e; c != null && k == null; c = c.getCause()) {
            if (c instanceof KubernetesClientException kce && kce.getCode() > 0) {
                k = kce;
            }
        }
        if (k != null) {
            String said = k.getStatus() != null && k.getStatus().getMessage() != null ? k.getStatus().getMessage()
                    : firstLine(k.getMessage());
            int code = k.getCode();
            return switch (code) {
                case 401 -> action + " failed: unauthorized (HTTP 401): the API server did not accept the "
                        + "credentials of the kubeconfig context in use: " + said;
                case 403 -> action + " failed: forbidden (HTTP 403): " + said + "; the account in use needs RBAC "
                        + "permission for this (pods: create, get, list, watch, delete; pods/log: get; "
                        + "persistentvolumeclaims: create, delete; events: list)";
                case 404 -> action + " failed: not found (HTTP 404): " + said;
                case 409 -> action + " failed: conflict (HTTP 409): " + said;
                case 422 -> action + " failed: the API server rejected it as invalid (HTTP 422): " + said;
                case 429 -> action + " failed: the API server is throttling requests (HTTP 429): " + said
                        + "; lower the runtime's qps/burst";
                default -> code >= 500
                        ? action + " failed: the Kubernetes API server had an internal error (HTTP " + code + "): "
                                + said + "; this is usually temporary, retry the task"
                        : action + " failed (HTTP " + code + "): " + said;
            };
        }
        return action + " failed: " + firstLine(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
    }

    private static String firstLine(String text) {
        if (text == null) {
            return "";
        }
        int nl = text.indexOf('\n');
        return nl < 0 ? text : text.substring(0, nl);
    }
}
