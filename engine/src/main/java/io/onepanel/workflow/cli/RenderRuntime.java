package io.onepanel.workflow.cli;

import io.onepanel.workflow.pod.PodSpecException;
import io.onepanel.workflow.pod.TaskPod;
import io.onepanel.workflow.pod.TaskPodTranslator;
import io.onepanel.workflow.runtime.TaskExecution;
import io.onepanel.workflow.runtime.TaskListener;
import io.onepanel.workflow.runtime.TaskRequest;
import io.onepanel.workflow.runtime.TaskResult;
import io.onepanel.workflow.runtime.TaskRuntime;
import io.onepanel.workflow.template.Parameter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A runtime that runs nothing: it translates each attempt into its pod, keeps the pod, and reports
 * success at once, with each output parameter's default (or an empty string) and an empty result.
 */
final class RenderRuntime implements TaskRuntime {

    private final TaskPodTranslator translator;
    private final List<TaskPod> pods = new ArrayList<>();
    private final List<String> errors = new ArrayList<>();

    RenderRuntime(TaskPodTranslator translator) {
        this.translator = translator;
    }

    @Override
    public TaskExecution start(TaskRequest request, TaskListener listener) {
        TaskResult result;
        try {
            TaskPod pod = translator.translate(request);
            synchronized (this) {
                pods.add(pod);
            }
            Map<String, String> parameters = new LinkedHashMap<>();
            for (Parameter p : request.template().outputs().parameters()) {
                String value = p.value() != null ? p.value() : p.valueFrom() != null && p.valueFrom().defaultValue()
                        != null ? p.valueFrom().defaultValue() : "";
                parameters.put(p.name(), value);
            }
            result = TaskResult.succeeded("", parameters, request.template().outputs().artifacts());
        } catch (PodSpecException e) {
            synchronized (this) {
                errors.add(request.taskName() + ": " + e.getMessage());
            }
            result = TaskResult.error(e.getMessage());
        }
        return TaskExecution.ended(result);
    }

    synchronized List<TaskPod> pods() {
        return List.copyOf(pods);
    }

    synchronized List<String> errors() {
        return List.copyOf(errors);
    }
}
