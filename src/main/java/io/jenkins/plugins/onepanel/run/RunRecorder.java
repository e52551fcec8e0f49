package io.jenkins.plugins.onepanel.run;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.model.Run;
import io.jenkins.plugins.onepanel.OnepanelRunAction;
import io.onepanel.workflow.artifact.TransferProgress;
import io.onepanel.workflow.engine.NodeStatus;
import io.onepanel.workflow.engine.NodeType;
import io.onepanel.workflow.engine.PlannedNode;
import io.onepanel.workflow.engine.RunListener;
import io.onepanel.workflow.engine.RunResult;
import io.onepanel.workflow.template.DagTask;
import io.onepanel.workflow.template.Template;
import io.onepanel.workflow.template.Workflow;
import java.io.File;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Hears the engine and keeps the run on the build: node states in {@link OnepanelRunAction} (the
 * build is saved when the run ends; the node list is not part of {@code build.xml}, and the engine's
 * journal keeps every change meanwhile) and each pod's whole log in a file of its own, written line
 * by line as it arrives.
 */
final class RunRecorder implements RunListener {

    private static final Logger LOGGER = Logger.getLogger(RunRecorder.class.getName());

    private final Run<?, ?> build;
    private final OnepanelRunAction action;
    private final Workflow workflow;

    @CheckForNull
    private final RunListener console;

    private final Map<String, String> templateOfNode = new ConcurrentHashMap<>();
    private final Map<String, Writer> logs = new ConcurrentHashMap<>();

    /**
     * @param console also told everything: the console of a freestyle build, or the branches of a
     *     Pipeline run ({@link TaskBranches})
     */
    RunRecorder(Run<?, ?> build, OnepanelRunAction action, Workflow workflow, @CheckForNull RunListener console) {
        this.build = build;
        this.action = action;
        this.workflow = workflow;
        this.console = console;
    }

    @Override
    public void nodeChanged(NodeStatus node) {
        if (node.templateName() != null) {
            templateOfNode.put(node.id(), node.templateName());
        }
        action.update(node, dependsOf(node));
        if (node.phase().isDone()) {
            closeLog(node.id());
        }
        if (console != null) {
            console.nodeChanged(node);
        }
    }

    @Override
    public void planned(NodeStatus parent, List<PlannedNode> children) {
        if (parent.type() == NodeType.DAG && parent.templateName() != null) {
            for (PlannedNode child : children) {
                action.planned(parent.id(), child.id(), child.name(), dependsIn(parent.templateName(), child.name()));
            }
        }
        if (console != null) {
            console.planned(parent, children);
        }
    }

    @Override
    public void settled(NodeStatus node) {
        if (console != null) {
            console.settled(node);
        }
    }

    @Override
    public void log(NodeStatus node, String line) {
        append(node, line);
        action.running(node.id());
        if (console != null) {
            console.log(node, line);
        }
    }

    @Override
    public void status(NodeStatus node, String message) {
        append(node, "\u00bb " + message);
        action.status(node.id(), message); // append made sure the action knows the node
        if (console != null) {
            console.status(node, message);
        }
    }

    @Override
    public void transfer(NodeStatus node, TransferProgress progress) {
        if (console != null) {
            console.transfer(node, progress);
        }
    }

    @Override
    public void finished(RunResult result) {
        action.finished(result);
        logs.keySet().forEach(this::closeLog);
        save();
        if (console != null) {
            console.finished(result);
        }
    }

    /** Makes sure the build keeps the run's final state once the run is over. */
    void settled(RunResult result) {
        if (action.isRunning()) {
            action.finished(result);
            logs.keySet().forEach(this::closeLog);
            save();
        }
    }

    /** The run will not finish normally (the controller restarted): record that and close the logs. */
    void lost(String why) {
        action.lost(why);
        logs.keySet().forEach(this::closeLog);
        save();
    }

    /** The task's {@code depends} (or {@code dependencies}) as written, found through the node's parent DAG. */
    @CheckForNull
    private String dependsOf(NodeStatus node) {
        String dagTemplate = node.parentId() == null ? null : templateOfNode.get(node.parentId());
        return dagTemplate == null ? null : dependsIn(dagTemplate, baseName(node.name()));
    }

    @CheckForNull
    private String dependsIn(String dagTemplate, String taskName) {
        Template dag = workflow.template(dagTemplate).orElse(null);
        if (dag == null || dag.dag() == null) {
            return null;
        }
        for (DagTask task : dag.dag().tasks()) {
            if (task.name().equals(taskName)) {
                if (task.depends() != null) {
                    return task.depends();
                }
                return task.dependencies().isEmpty() ? null : String.join(", ", task.dependencies());
            }
        }
        return null;
    }

    /** "fan(1:b)" and "train#2" are items and attempts of the tasks "fan" and "train". */
    private static String baseName(String name) {
        int cut = name.length();
        for (char c : new char[] {'(', '#'}) {
            int at = name.indexOf(c);
            if (at > 0) {
                cut = Math.min(cut, at);
            }
        }
        return name.substring(0, cut);
    }

    private void append(NodeStatus node, String line) {
        int number = action.numberOf(node.id());
        if (number < 0) {
            number = action.update(node, dependsOf(node));
        }
        int fileNumber = number;
        Writer out = logs.computeIfAbsent(node.id(), id -> open(action.logFile(fileNumber)));
        if (out == null) {
            return;
        }
        synchronized (out) {
            try {
                out.write(line);
                out.write('\n');
                out.flush();
            } catch (IOException e) {
                LOGGER.log(Level.FINE, "could not write the log of " + node.name() + " in " + build, e);
            }
        }
    }

    @CheckForNull
    private Writer open(File file) {
        try {
            Files.createDirectories(file.toPath().getParent());
            return Files.newBufferedWriter(
                    file.toPath(), StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            LOGGER.log(Level.WARNING, "could not open " + file + " of " + build, e);
            return null;
        }
    }

    private void closeLog(String nodeId) {
        Writer out = logs.remove(nodeId);
        if (out != null) {
            synchronized (out) {
                try {
                    out.close();
                } catch (IOException e) {
                    LOGGER.log(Level.FINE, "could not close a task log of " + build, e);
                }
            }
        }
    }

    private void save() {
        try {
            build.save();
        } catch (IOException e) {
            LOGGER.log(Level.WARNING, "could not save " + build, e);
        }
    }

    @NonNull
    OnepanelRunAction action() {
        return action;
    }
}
