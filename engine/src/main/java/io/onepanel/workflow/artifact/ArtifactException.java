package io.onepanel.workflow.artifact;

/** An artifact could not be moved; the message names the artifact and location, never a secret. */
public class ArtifactException extends Exception {

    private static final long serialVersionUID = 1L;

    public ArtifactException(String message) {
        super(message);
    }

    public ArtifactException(String message, Throwable cause) {
        super(message, cause);
    }
}
