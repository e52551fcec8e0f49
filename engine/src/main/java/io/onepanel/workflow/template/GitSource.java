package io.onepanel.workflow.template;

import java.util.List;

/** A git repository checked out as an input artifact. */
public record GitSource(
        String repo,
        String revision,
        Integer depth,
        List<String> fetch,
        String branch,
        boolean singleBranch,
        boolean disableSubmodules,
        boolean insecureIgnoreHostKey,
        SecretKeyRef usernameSecret,
        SecretKeyRef passwordSecret,
        SecretKeyRef sshPrivateKeySecret) {

    public GitSource {
        fetch = List.copyOf(fetch);
    }
}
