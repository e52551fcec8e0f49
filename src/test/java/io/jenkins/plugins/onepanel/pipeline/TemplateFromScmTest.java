package io.jenkins.plugins.onepanel.pipeline;

import static org.junit.jupiter.api.Assertions.assertTrue;

import hudson.model.Result;
import hudson.plugins.git.GitSCM;
import io.jenkins.plugins.onepanel.TasksOnTheBuiltInNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jgit.api.Git;
import org.jenkinsci.plugins.workflow.cps.CpsScmFlowDefinition;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/**
 * The README's Jenkinsfile, as written: Declarative, {@code agent none} (every task has its own pod,
 * so the controller needs no executor), {@code template: 'workflows/train.yaml'}. With no workspace,
 * the template is read from the Pipeline's own repository, as Pipeline read the Jenkinsfile. Tasks
 * run on the built-in node (the test switch): what is tested is where the template comes from.
 */
@WithJenkins
@ExtendWith(TasksOnTheBuiltInNode.class)
@DisabledOnOs(value = OS.WINDOWS, disabledReason = "the templates' commands are POSIX shell ones")
class TemplateFromScmTest {

    @TempDir
    Path tmp;

    /** The first Pipeline of the README's "From Jenkins" section. */
    private static String readmeJenkinsfile() throws Exception {
        Path readme = Path.of(System.getProperty("onepanel.examples")).resolveSibling("README.md");
        String text = Files.readString(readme);
        Matcher m = Pattern.compile("## From Jenkins\\s+```groovy\\n(.*?)```", Pattern.DOTALL).matcher(text);
        assertTrue(m.find(), "README.md has a groovy block under 'From Jenkins'");
        return m.group(1);
    }

    @Test
    void theReadmesPipelineRunsAsWrittenWithNoWorkspace(JenkinsRule r) throws Exception {
        String jenkinsfile = readmeJenkinsfile();
        assertTrue(jenkinsfile.contains("agent none") && jenkinsfile.contains("template: 'workflows/train.yaml'"),
                "the README's example is the one this test is about:\n" + jenkinsfile);
        Path output = tmp.resolve("model-path.txt");
        Path repo = Files.createDirectories(tmp.resolve("repo"));
        Files.writeString(repo.resolve("Jenkinsfile"), jenkinsfile);
        Files.createDirectories(repo.resolve("workflows"));
        Files.writeString(repo.resolve("workflows/train.yaml"), """
                entrypoint: main
                arguments:
                  parameters:
                  - {name: epochs, value: '1'}
                templates:
                - name: main
                  dag:
                    tasks:
                    - {name: train, template: train}
                  outputs:
                    parameters:
                    - name: model-path
                      valueFrom: {parameter: '{{tasks.train.outputs.parameters.path}}'}
                - name: train
                  container:
                    image: alpine
                    command: [sh, -c, "echo trained for {{workflow.parameters.epochs}} epochs; printf s3://models/e{{workflow.parameters.epochs}} > %s"]
                  outputs:
                    parameters:
                    - name: path
                      valueFrom: {path: %s}
                """.formatted(output, output));
        commitAll(repo);
        r.jenkins.setNumExecutors(2); // the test switch's tasks take the built-in node; the Pipeline needs none
        WorkflowRun b = r.buildAndAssertSuccess(pipelineFromScm(r, "train", repo));
        r.assertLogContains("Read workflows/train.yaml from ", b);
        r.assertLogContains("[train] trained for 20 epochs", b); // parameters: [epochs: '20'] of the README
        r.assertLogContains("model at s3://models/e20", b);
        r.assertLogNotContains("is read from the workspace", b);
    }

    @Test
    void aPathOutOfTheRepositoryIsRefused(JenkinsRule r) throws Exception {
        Path repo = Files.createDirectories(tmp.resolve("repo2"));
        Files.writeString(repo.resolve("Jenkinsfile"), "onepanelWorkflow template: '../secrets.yaml'\n");
        commitAll(repo);
        WorkflowRun b = r.buildAndAssertStatus(Result.FAILURE, pipelineFromScm(r, "climb", repo));
        r.assertLogContains("template: '../secrets.yaml' must be a path inside the repository, without '..'", b);
    }

    /** A branch of a multibranch project reads the template at the revision its build runs. */
    @Test
    void aMultibranchBuildReadsTheTemplateAtItsOwnRevision(JenkinsRule r) throws Exception {
        Path repo = Files.createDirectories(tmp.resolve("repo3"));
        Files.writeString(repo.resolve("Jenkinsfile"), "onepanelWorkflow template: 'flow.yaml'\n");
        Files.writeString(repo.resolve("flow.yaml"), """
                entrypoint: main
                templates:
                - name: main
                  dag:
                    tasks:
                    - {name: hello, template: hello}
                - name: hello
                  container: {image: alpine, command: [echo, from the branch]}
                """);
        String commit = commitAll(repo);
        r.jenkins.setNumExecutors(2);
        org.jenkinsci.plugins.workflow.multibranch.WorkflowMultiBranchProject mp =
                r.createProject(org.jenkinsci.plugins.workflow.multibranch.WorkflowMultiBranchProject.class, "mb");
        jenkins.plugins.git.GitSCMSource source = new jenkins.plugins.git.GitSCMSource(repo.toUri().toString());
        source.setTraits(java.util.List.of(new jenkins.plugins.git.traits.BranchDiscoveryTrait()));
        mp.getSourcesList().add(new jenkins.branch.BranchSource(source));
        mp.scheduleBuild2(0).getFuture().get();
        r.waitUntilNoActivity();
        WorkflowJob branch = mp.getItem("main");
        assertTrue(branch != null, () -> "the branch job exists; indexing said: " + indexLog(mp));
        WorkflowRun b = branch.getBuildByNumber(1);
        r.assertBuildStatusSuccess(b);
        r.assertLogContains("Read flow.yaml from main at " + commit, b);
        r.assertLogContains("[hello] from the branch", b);
    }

    private static String indexLog(org.jenkinsci.plugins.workflow.multibranch.WorkflowMultiBranchProject mp) {
        try {
            java.io.StringWriter log = new java.io.StringWriter();
            mp.getComputation().getLogText().writeLogTo(0, log);
            return log.toString();
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }

    /** Commits everything in {@code repo} (a new repository) on branch main; returns the commit. */
    private static String commitAll(Path repo) throws Exception {
        try (Git git = Git.init().setDirectory(repo.toFile()).setInitialBranch("main").call()) {
            git.add().addFilepattern(".").call();
            return git.commit().setMessage("files").setAuthor("t", "t@example.com")
                    .setCommitter("t", "t@example.com").call().getName();
        }
    }

    /** A Pipeline job whose Jenkinsfile comes from {@code repo}'s main branch, read without a checkout. */
    private static WorkflowJob pipelineFromScm(JenkinsRule r, String name, Path repo) throws Exception {
        WorkflowJob p = r.createProject(WorkflowJob.class, name);
        CpsScmFlowDefinition definition = new CpsScmFlowDefinition(
                new GitSCM(GitSCM.createRepoList(repo.toUri().toString(), null),
                        java.util.List.of(new hudson.plugins.git.BranchSpec("*/main")), null, null,
                        java.util.List.of()),
                "Jenkinsfile");
        definition.setLightweight(true);
        p.setDefinition(definition);
        return p;
    }
}
