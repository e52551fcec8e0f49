package io.onepanel.workflow.artifact.source;

import io.onepanel.workflow.artifact.ArtifactException;
import io.onepanel.workflow.artifact.CredentialsResolver;
import io.onepanel.workflow.artifact.ProgressMeter;
import io.onepanel.workflow.artifact.TransferListener;
import io.onepanel.workflow.artifact.files.StagedTarget;
import io.onepanel.workflow.template.Artifact;
import io.onepanel.workflow.template.GitSource;
import java.nio.file.Path;
import org.eclipse.jgit.api.CloneCommand;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.api.errors.TransportException;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;

/**
 * {@code git:} inputs: a JGit clone of {@code repo} ({@code branch}, {@code depth}, single branch),
 * checked out at {@code revision} (a commit, tag or branch) into the artifact's path. Credentials
 * ({@code usernameSecret}/{@code passwordSecret}) come from the {@link CredentialsResolver}; messages
 * show the repository URL without any user info.
 */
public final class GitFetcher {

    private final CredentialsResolver resolver;

    public GitFetcher(CredentialsResolver resolver) {
        this.resolver = resolver;
    }

    public void fetch(Artifact input, Path target, TransferListener listener) throws ArtifactException {
        GitSource git = input.git();
        String shown = withoutUserInfo(git.repo());
        String what = "artifact '" + input.name() + "': git " + shown;
        ProgressMeter meter = new ProgressMeter(listener, input.name(), -1, 1);
        meter.start();
        try (StagedTarget staged = StagedTarget.create(target)) {
            CloneCommand clone = Git.cloneRepository()
                    .setURI(git.repo())
                    .setDirectory(staged.content().toFile())
                    .setCloneSubmodules(!git.disableSubmodules());
            if (git.branch() != null && !git.branch().isBlank()) {
                clone.setBranch(git.branch());
                if (git.singleBranch()) {
                    clone.setCloneAllBranches(false).setBranchesToClone(java.util.List.of("refs/heads/" + git.branch()));
                }
            }
            if (git.depth() != null && git.depth() > 0) {
                clone.setDepth(git.depth());
            }
            if (git.usernameSecret() != null || git.passwordSecret() != null) {
                String user = git.usernameSecret() == null ? "git" : resolver.secret(git.usernameSecret());
                String password = git.passwordSecret() == null ? "" : resolver.secret(git.passwordSecret());
                clone.setCredentialsProvider(new UsernamePasswordCredentialsProvider(user, password));
            }
            if (git.sshPrivateKeySecret() != null) {
                throw new ArtifactException(what + ": sshPrivateKeySecret is not supported; use an https URL with "
                        + "usernameSecret/passwordSecret");
            }
            try (Git repository = clone.call()) {
                if (git.revision() != null && !git.revision().isBlank()) {
                    ObjectId commit = repository.getRepository().resolve(git.revision() + "^{commit}");
                    if (commit == null) {
                        commit = repository.getRepository().resolve("origin/" + git.revision() + "^{commit}");
                    }
                    if (commit == null) {
                        throw new ArtifactException(what + ": revision '" + git.revision() + "' not found"
                                + (git.depth() != null ? " within depth " + git.depth() : ""));
                    }
                    repository.checkout().setName(commit.name()).call();
                }
            }
            staged.commit(staged.content(), input.mode());
            meter.fileDone(0);
        } catch (TransportException e) {
            throw new ArtifactException(what + ": cannot clone: " + sanitize(e.getMessage(), git.repo(), shown), e);
        } catch (GitAPIException | java.io.IOException | org.eclipse.jgit.errors.RevisionSyntaxException e) {
            throw new ArtifactException(what + ": " + sanitize(e.getMessage(), git.repo(), shown), e);
        }
    }

    static String withoutUserInfo(String url) {
        return url == null ? "" : url.replaceFirst("://[^/@]*@", "://");
    }

    private static String sanitize(String message, String repo, String shown) {
        return message == null ? "" : message.replace(repo, shown);
    }
}
