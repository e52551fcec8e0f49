package io.onepanel.workflow.artifact.source;

import io.onepanel.workflow.artifact.ArtifactException;
import io.onepanel.workflow.artifact.CredentialsResolver;
import io.onepanel.workflow.artifact.ProgressMeter;
import io.onepanel.workflow.artifact.TransferListener;
import io.onepanel.workflow.artifact.files.StagedTarget;
import io.onepanel.workflow.template.Artifact;
import io.onepanel.workflow.template.GitSource;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
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
 *
 * <p>Bounded by {@link FetchLimits}: JGit's own timeout (one value for connecting and for each read)
 * is the idle timeout, and the clone runs on a thread of its own that the caller waits for at most
 * the total bound. A thread blocked in a silent server's answer cannot be interrupted, so when the
 * total bound passes or the caller is interrupted (Ctrl-C, SIGTERM, a cancelled run) the caller
 * returns at once and the clone is abandoned: JGit is told to stop at its next check, its read
 * times out within the idle timeout at the latest, and the partial clone is removed when it ends.
 */
public final class GitFetcher {

    private final CredentialsResolver resolver;
    private final FetchLimits limits;

    public GitFetcher(CredentialsResolver resolver) {
        this(resolver, FetchLimits.DEFAULT);
    }

    public GitFetcher(CredentialsResolver resolver, FetchLimits limits) {
        this.resolver = resolver;
        this.limits = limits;
    }

    public void fetch(Artifact input, Path target, TransferListener listener) throws ArtifactException {
        GitSource git = input.git();
        String shown = withoutUserInfo(git.repo());
        String what = "artifact '" + input.name() + "': git " + shown;
        ProgressMeter meter = new ProgressMeter(listener, input.name(), -1, 1);
        meter.start();
        if (git.sshPrivateKeySecret() != null) {
            throw new ArtifactException(what + ": sshPrivateKeySecret is not supported; use an https URL with "
                    + "usernameSecret/passwordSecret");
        }
        UsernamePasswordCredentialsProvider credentials = credentials(git);
        StagedTarget staged = StagedTarget.create(target);
        AtomicBoolean abandoned = new AtomicBoolean();
        CompletableFuture<Void> clone = CompletableFuture.runAsync(
                () -> cloneInto(staged.content(), git, credentials, abandoned, what), GitFetcher::onItsOwnThread);
        boolean waiting = true;
        try {
            clone.get(limits.total().toMillis(), TimeUnit.MILLISECONDS);
            waiting = false;
            staged.commit(staged.content(), input.mode());
            meter.fileDone(0);
        } catch (TimeoutException e) {
            throw new ArtifactException(what + ": not finished within " + FetchLimits.words(limits.total())
                    + " (the limit of one fetch)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ArtifactException(what + ": interrupted", e);
        } catch (ExecutionException e) {
            waiting = false;
            throw failure(e.getCause(), git.repo(), shown, what);
        } finally {
            if (waiting) {
                // Abandoned: JGit stops at its next check; the partial clone goes when it has.
                abandoned.set(true);
                clone.whenComplete((done, failed) -> staged.close());
            } else {
                staged.close();
            }
        }
    }

    private UsernamePasswordCredentialsProvider credentials(GitSource git) throws ArtifactException {
        if (git.usernameSecret() == null && git.passwordSecret() == null) {
            return null;
        }
        String user = git.usernameSecret() == null ? "git" : resolver.secret(git.usernameSecret());
        String password = git.passwordSecret() == null ? "" : resolver.secret(git.passwordSecret());
        return new UsernamePasswordCredentialsProvider(user, password);
    }

    private void cloneInto(Path directory, GitSource git, UsernamePasswordCredentialsProvider credentials,
            AtomicBoolean abandoned, String what) {
        CloneCommand clone = Git.cloneRepository()
                .setURI(git.repo())
                .setDirectory(directory.toFile())
                .setCloneSubmodules(!git.disableSubmodules())
                .setTimeout((int) Math.max(1, (limits.idle().toMillis() + 999) / 1000))
                .setProgressMonitor(new Abandonable(abandoned));
        if (git.branch() != null && !git.branch().isBlank()) {
            clone.setBranch(git.branch());
            if (git.singleBranch()) {
                clone.setCloneAllBranches(false).setBranchesToClone(java.util.List.of("refs/heads/" + git.branch()));
            }
        }
        if (git.depth() != null && git.depth() > 0) {
            clone.setDepth(git.depth());
        }
        if (credentials != null) {
            clone.setCredentialsProvider(credentials);
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
        } catch (ArtifactException | GitAPIException | java.io.IOException
                | org.eclipse.jgit.errors.RevisionSyntaxException e) {
            throw new CompletionException(e);
        }
    }

    private ArtifactException failure(Throwable cause, String repo, String shown, String what) {
        if (cause instanceof ArtifactException a) {
            return a;
        }
        for (Throwable c = cause; c != null && c.getCause() != c; c = c.getCause()) {
            if (c instanceof SocketTimeoutException) {
                return new ArtifactException(what + ": no answer within " + FetchLimits.words(limits.idle())
                        + " (idle timeout)", cause);
            }
        }
        if (cause instanceof TransportException) {
            return new ArtifactException(what + ": cannot clone: " + sanitize(cause.getMessage(), repo, shown), cause);
        }
        return new ArtifactException(what + ": " + sanitize(cause.getMessage(), repo, shown), cause);
    }

    private static void onItsOwnThread(Runnable clone) {
        Thread thread = new Thread(clone, "git-clone");
        thread.setDaemon(true);
        thread.start();
    }

    /** JGit asks this between steps whether to go on; an abandoned clone stops there. */
    private static final class Abandonable extends org.eclipse.jgit.lib.EmptyProgressMonitor {
        private final AtomicBoolean abandoned;

        Abandonable(AtomicBoolean abandoned) {
            this.abandoned = abandoned;
        }

        @Override
        public boolean isCancelled() {
            return abandoned.get();
        }
    }

    static String withoutUserInfo(String url) {
        return url == null ? "" : url.replaceFirst("://[^/@]*@", "://");
    }

    private static String sanitize(String message, String repo, String shown) {
        return message == null ? "" : message.replace(repo, shown);
    }
}
