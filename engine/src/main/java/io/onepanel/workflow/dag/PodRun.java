package io.onepanel.workflow.dag;

import io.onepanel.workflow.artifact.TransferProgress;
import io.onepanel.workflow.engine.NodePhase;
import io.onepanel.workflow.engine.NodeStatus;
import io.onepanel.workflow.engine.NodeType;
import io.onepanel.workflow.engine.Progress;
import io.onepanel.workflow.runtime.TaskExecution;
import io.onepanel.workflow.runtime.TaskListener;
import io.onepanel.workflow.runtime.TaskRequest;
import io.onepanel.workflow.runtime.TaskResult;
import io.onepanel.workflow.template.Artifact;
import io.onepanel.workflow.template.Outputs;
import io.onepanel.workflow.template.Parameter;
import io.onepanel.workflow.template.RetryStrategy;
import io.onepanel.workflow.template.Template;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Runs a container or script template: one attempt at a time on the runtime, retried as its
 * {@code retryStrategy} says, each attempt a node of its own under a retry node (as in Argo).
 */
final class PodRun {

    private final WorkflowExecution run;
    private final String id;
    private final String displayName;
    private final String parentId;
    private final Template template;
    private final Vars vars;
    private final TemplateBinding.Bound bound;
    private final Consumer<Node> onDone;
    private final Retrying retrying;
    /** The template as the last attempt ran it (substituted), for its output defaults. */
    private Template lastResolved;
    private Node retries;
    private Instant firstStart;

    PodRun(WorkflowExecution run, String id, String displayName, String parentId, TemplateBinding.Bound bound,
            Consumer<Node> onDone) {
        this.run = run;
        this.id = id;
        this.displayName = displayName;
        this.parentId = parentId;
        this.template = bound.template();
        this.vars = bound.vars();
        this.bound = bound;
        this.retrying = Retrying.of(template, vars, run);
        this.onDone = onDone;
    }

    void start() {
        if (retrying != null) {
            retries = run.newNode(id, displayName, parentId, NodeType.RETRIES, template.name());
            retries.phase = NodePhase.RUNNING;
            retries.startedAt = run.now();
            run.changed(retries);
        }
        launch(0);
    }

    private void launch(int attempt) {
        String nodeId = retries == null ? id : id + "(" + attempt + ")";
        String name = retries == null ? displayName : displayName + "(" + attempt + ")";
        Node node = run.newNode(nodeId, name, retries == null ? parentId : retries.id, NodeType.POD, template.name());
        node.attempt = attempt;
        // The node's path below the workflow is unique within the run, even for nested and looped tasks.
        String path = nodeId.startsWith(run.info.workflowName() + ".")
                ? nodeId.substring(run.info.workflowName().length() + 1) : nodeId;
        node.podName = io.onepanel.workflow.pod.PodNames.podName(run.info.workflowName(), path, attempt);
        run.changed(node);
        run.pods.acquire(() -> begin(node, attempt));
    }

    private void begin(Node node, int attempt) {
        if (run.isCancelled()) {
            run.finishWith(node, NodePhase.FAILED, run.cancelReason());
            run.pods.release();
            done(node);
            return;
        }
        String path = run.path(node.id);
        if (firstStart == null) {
            // A resumed task's timeout counts from its first attempt's recorded start.
            Instant recorded = run.history.recordedStart(path);
            firstStart = recorded != null ? recorded : run.now();
        }
        RunHistory.Entry taken = run.history.fed(path);
        if (taken != null) {
            node.phase = NodePhase.RUNNING;
            node.startedAt = run.now();
            run.changed(node);
            run.post(() -> {
                run.pods.release();
                takeOver(node, attempt, taken.status(), taken.outputArtifacts());
            });
            return;
        }
        TaskRequest request;
        try {
            request = request(node, attempt);
        } catch (RuntimeException e) {
            run.finishWith(node, NodePhase.ERROR, WorkflowExecution.message(e));
            run.pods.release();
            done(node);
            return;
        }
        node.phase = NodePhase.RUNNING;
        node.startedAt = run.now();
        run.changed(node);
        NodeStatus started = node.snapshot();
        boolean resumed = run.history.wasRunning(path);
        Instant deadline = request.timeout() == null ? null : run.now().plus(request.timeout());
        run.record(events -> events.attemptStarted(node.id, deadline, resumed));
        TaskListener listener = new TaskListener() {
            @Override
            public void log(String line) {
                run.listener.log(started, line);
            }

            @Override
            public void status(String message) {
                run.listener.status(started, message);
            }

            @Override
            public void transfer(TransferProgress progress) {
                run.listener.transfer(started, progress);
            }

            @Override
            public void progress(String reported) {
                Progress.parse(reported).ifPresent(p -> run.post(() -> {
                    if (node.phase == NodePhase.RUNNING && !p.toString().equals(node.progress)) {
                        node.progress = p.toString();
                        run.changed(node);
                    }
                }));
            }
        };
        // An attempt a dead process of this run had started: the runtime reattaches to it if it can.
        TaskExecution execution = resumed ? run.runtime.resume(request, listener)
                : run.runtime.start(request, listener);
        run.track(execution);
        execution.result().whenComplete((result, error) -> run.post(() -> {
            run.untrack(execution);
            run.pods.release();
            ended(node, attempt, result != null ? result
                    : TaskResult.error("the runtime failed: " + WorkflowExecution.message(error)));
        }));
    }

    private TaskRequest request(Node node, int attempt) {
        Map<String, String> podVars = new LinkedHashMap<>();
        podVars.put("pod.name", node.podName);
        podVars.put("retries", Integer.toString(attempt));
        Vars attemptVars = vars.with(podVars);
        // The template's one substitution: everything it may name is known now.
        Template resolved = bound.resolve(attemptVars, run.resolvedTemplates);
        TemplateNumbers.check(bound.template(), resolved);
        lastResolved = resolved;
        Map<String, String> keyVars = new LinkedHashMap<>();
        keyVars.put("workflow.name", run.info.workflowName());
        keyVars.put("workflow.namespace", run.info.namespace());
        keyVars.put("workflow.uid", run.info.uid());
        keyVars.put("pod.name", node.podName);
        List<Artifact> outputs = new ArrayList<>();
        for (Artifact output : resolved.outputs().artifacts()) {
            outputs.add(run.artifacts.locate(output, keyVars));
        }
        resolved = resolved.withOutputs(new Outputs(resolved.outputs().parameters(), outputs));
        Instant recordedDeadline = run.history.deadline(run.path(node.id));
        Duration timeout = recordedDeadline == null ? timeout(resolved)
                : Duration.between(run.now(), recordedDeadline).isNegative() ? Duration.ZERO
                : Duration.between(run.now(), recordedDeadline); // a resumed attempt keeps its wall-clock deadline
        return new TaskRequest(run.info, node.name, node.podName, attempt, resolved, run.workflow, timeout);
    }

    /** The tighter of the attempt's deadline and what is left of the template's overall timeout. */
    private Duration timeout(Template t) {
        Duration limit = null;
        if (t.activeDeadlineSeconds() != null && !t.activeDeadlineSeconds().isBlank()) {
            limit = Durations.parse(t.activeDeadlineSeconds());
        }
        if (t.timeout() != null && !t.timeout().isBlank()) {
            Duration left = Durations.parse(t.timeout()).minus(Duration.between(firstStart, run.now()));
            if (left.isNegative()) {
                left = Duration.ZERO;
            }
            limit = limit == null || left.compareTo(limit) < 0 ? left : limit;
        }
        return limit;
    }

    private void ended(Node node, int attempt, TaskResult result) {
        node.phase = switch (result.phase()) {
            case SUCCEEDED -> NodePhase.SUCCEEDED;
            case FAILED -> NodePhase.FAILED;
            case ERROR -> NodePhase.ERROR;
        };
        node.exitCode = result.exitCode();
        node.message = result.message();
        node.result = result.result();
        node.outputParameters = outputParameters(result);
        node.outputArtifacts = result.outputArtifacts();
        node.finishedAt = run.now();
        run.changed(node);
        afterAttempt(node, attempt);
    }

    /** An attempt a recorded run ended: it ends here as it did there, outputs and all, without running. */
    private void takeOver(Node node, int attempt, NodeStatus recorded, List<Artifact> artifacts) {
        node.phase = recorded.phase();
        node.exitCode = recorded.exitCode();
        node.message = recorded.message();
        node.result = recorded.result();
        node.outputParameters = recorded.outputParameters();
        node.outputArtifacts = artifacts;
        node.finishedAt = run.now();
        run.changed(node);
        afterAttempt(node, attempt);
    }

    private void afterAttempt(Node node, int attempt) {
        if (node.phase != NodePhase.SUCCEEDED && !run.isCancelled()) {
            Instant due = retries == null ? null : retrying.nextDue(retries, node, attempt, firstStart, "");
            if (due != null) {
                run.wait(Duration.between(run.now(), due), () -> {
                    if (run.isCancelled()) {
                        done(node); // the retry node ends as its last attempt did
                    } else {
                        launch(attempt + 1);
                    }
                });
                return;
            }
        }
        if (node.phase == NodePhase.SUCCEEDED) {
            for (Parameter p : template.outputs().parameters()) {
                String value = node.outputParameters.get(p.name());
                if (p.globalName() != null && value != null) {
                    run.exportGlobal(p.globalName(), value);
                }
            }
            for (Artifact a : template.outputs().artifacts()) {
                if (a.globalName() != null) {
                    node.outputArtifacts.stream().filter(o -> o.name().equals(a.name())).findFirst()
                            .ifPresent(o -> run.exportGlobalArtifact(a.globalName(), o));
                }
            }
        }
        done(node);
    }

    /**
     * Output parameters: what the runtime read from files, their defaults where it found none, and
     * those given by a {@code value}, as the template's substitution left it (Argo's executor reports
     * every output parameter of the template it was given, {@code value} ones as they are).
     */
    private Map<String, String> outputParameters(TaskResult result) {
        Map<String, String> out = new LinkedHashMap<>(result.outputParameters());
        for (Parameter p : (lastResolved != null ? lastResolved : template).outputs().parameters()) {
            if (out.containsKey(p.name())) {
                continue;
            }
            if (p.valueFrom() == null && p.value() != null) {
                out.put(p.name(), p.value());
            } else if (p.valueFrom() != null && p.valueFrom().defaultValue() != null) {
                out.put(p.name(), p.valueFrom().defaultValue());
            }
        }
        return out;
    }

    private void done(Node last) {
        if (retries == null) {
            onDone.accept(last);
            return;
        }
        retries.phase = last.phase;
        retries.message = last.message;
        retries.exitCode = last.exitCode;
        retries.result = last.result;
        retries.outputParameters = last.outputParameters;
        retries.outputArtifacts = last.outputArtifacts;
        retries.podName = last.podName;
        retries.attempt = last.attempt;
        retries.finishedAt = run.now();
        run.changed(retries);
        onDone.accept(retries);
    }
}
