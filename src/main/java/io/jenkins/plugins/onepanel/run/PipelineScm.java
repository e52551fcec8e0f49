package io.jenkins.plugins.onepanel.run;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.AbortException;
import hudson.model.Run;
import hudson.scm.SCM;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.PrintStream;
import jenkins.scm.api.SCMFileSystem;
import jenkins.scm.api.SCMHead;
import jenkins.scm.api.SCMRevision;
import jenkins.scm.api.SCMRevisionAction;
import jenkins.scm.api.SCMSource;
import org.jenkinsci.plugins.workflow.cps.CpsScmFlowDefinition;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;

/**
 * Reads a template from the Pipeline's own SCM when there is no workspace ({@code agent none}: every
 * task has its pod, so the controller needs no executor), the way Pipeline read the Jenkinsfile:
 * through the SCM's lightweight file system, with no checkout. In a multibranch job the file is read
 * at the revision the build runs ({@link SCMRevisionAction}), as {@code readTrusted} does; in a job
 * whose script comes from SCM, at the head of the configured branch, as that job read its script.
 */
final class PipelineScm {

    private PipelineScm() {}

    /** A lightweight view of the build's SCM, and what it reads. */
    private record View(@NonNull SCMFileSystem files, @NonNull String where) {}

    /**
     * @return the template's text, or null when the build's Pipeline does not come from an SCM that
     *     can be read without a workspace
     */
    @CheckForNull
    static String read(@NonNull Run<?, ?> build, @NonNull String path, @NonNull PrintStream log)
            throws IOException, InterruptedException {
        String relative = path.replace('\\', '/');
        if (relative.startsWith("/") || java.util.Arrays.asList(relative.split("/")).contains("..")) {
            throw new AbortException("template: '" + path + "' must be a path inside the repository, without '..'");
        }
        View view = view(build);
        if (view == null) {
            return null;
        }
        try (SCMFileSystem files = view.files();
                java.io.InputStream in = files.child(relative).content()) {
            // Bounded as every template the engine reads: a huge file in the repository is refused, not loaded.
            byte[] bytes = in.readNBytes((int) WorkflowSource.MAX_TEMPLATE_BYTES + 1);
            if (bytes.length > WorkflowSource.MAX_TEMPLATE_BYTES) {
                throw new AbortException("template: '" + path + "' in " + view.where() + " is larger than "
                        + WorkflowSource.MAX_TEMPLATE_BYTES + " bytes");
            }
            log.println("Read " + path + " from " + view.where());
            return new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
        } catch (FileNotFoundException e) {
            throw new AbortException("template: '" + path + "' is not in " + view.where()
                    + "; the path is relative to the repository's root.");
        }
    }

    @CheckForNull
    private static View view(Run<?, ?> build) throws IOException, InterruptedException {
        if (!(build.getParent() instanceof WorkflowJob job)) {
            return null;
        }
        SCMSource source = SCMSource.SourceByItem.findSource(job);
        SCMHead head = SCMHead.HeadByItem.findHead(job);
        if (source != null && head != null) { // a branch of a multibranch project
            SCMRevision revision = SCMRevisionAction.getRevision(source, build);
            SCMFileSystem files = SCMFileSystem.of(source, head, revision);
            return files == null ? null : new View(files, head.getName() + (revision != null ? " at " + revision : ""));
        }
        if (job.getDefinition() instanceof CpsScmFlowDefinition definition) {
            SCM scm = definition.getScm();
            SCMFileSystem files = SCMFileSystem.of(job, scm, null, build);
            if (files == null) {
                return null;
            }
            SCMRevision revision = files.getRevision();
            return new View(files, scm.getKey() + (revision != null ? " at " + revision : ""));
        }
        return null;
    }
}
