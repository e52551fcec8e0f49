package io.jenkins.plugins.onepanel;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.XmlFile;
import hudson.model.Api;
import hudson.model.Item;
import hudson.model.Run;
import hudson.util.CopyOnWriteMap;
import io.onepanel.workflow.engine.NodePhase;
import io.onepanel.workflow.engine.NodeStatus;
import io.onepanel.workflow.engine.RunResult;
import io.onepanel.workflow.journal.RecordedRun;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.logging.Level;
import java.util.logging.Logger;
import jenkins.model.Jenkins;
import jenkins.model.RunAction2;
import org.kohsuke.accmod.Restricted;
import org.kohsuke.accmod.restrictions.NoExternalUse;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.StaplerResponse2;
import org.kohsuke.stapler.export.Exported;
import org.kohsuke.stapler.export.ExportedBean;

/**
 * One workflow run of a build: its nodes with phase, duration, pod and placement, its outputs, and
 * each pod's log. {@code build.xml} keeps only the run's summary (phase, times, outputs, resource
 * use), since Pipeline rewrites the whole file many times per task; the node list lives in the run's
 * directory beside the pods' logs: the engine's journal, appended as the run goes, and the list
 * itself, written once when the run ends. Updated from the engine's events while the run goes on;
 * the build page polls {@code api/json} to redraw.
 */
@ExportedBean
public class OnepanelRunAction implements RunAction2 {

    private static final Logger LOGGER = Logger.getLogger(OnepanelRunAction.class.getName());

    private final int index;
    private final String workflowName;
    /** The template's display name (an Onepanel template file's {@code metadata.name}), or null. */
    private String title;
    private final String source;
    private final long startedAt;
    private String phase = "Pending";
    private String message;
    private long finishedAt;
    /** The run's resource use once it ended; while it runs it is summed from the nodes. */
    private String resourcesDuration;
    // The build may be saved (XStream reads the fields) while the engine reports, so outputs is
    // core's CopyOnWriteMap.Tree, for which core registers a converter; java.util.concurrent types
    // cannot be written on Java 17+ (their module is not opened to XStream).
    private final CopyOnWriteMap.Tree<String, String> outputs = new CopyOnWriteMap.Tree<>();
    /** Not in build.xml: read from the run's directory on first use after a load ({@link #nodes()}). */
    private transient volatile List<TaskRecord> nodes = new ArrayList<>();

    private transient Run<?, ?> run;
    private transient Map<String, Integer> byId;
    /**
     * Tasks a DAG announced that have no node yet, so the page draws the whole DAG from the start:
     * not kept with the build, since once the run is over every task that ran has its node.
     */
    private transient Map<String, TaskRecord> planned;

    /**
     * @param index 1 for a build's first run, 2 for its second, ...
     * @param source the template's file name, or the inline marker
     */
    public OnepanelRunAction(int index, String workflowName, String source) {
        this.index = index;
        this.workflowName = workflowName;
        this.source = source;
        this.startedAt = System.currentTimeMillis();
    }

    /** Shows the run under the template's display name (an Onepanel template file's), when it has one. */
    public void setTitle(String title) {
        this.title = title;
    }

    /** The next free index for a new run of {@code build}. */
    public static int nextIndex(@NonNull Run<?, ?> build) {
        return build.getActions(OnepanelRunAction.class).size() + 1;
    }

    @Override
    public String getIconFileName() {
        return "/plugin/onepanel-workflow/images/dag.svg";
    }

    @Override
    public String getDisplayName() {
        return "Workflow " + getTitle();
    }

    /** The template's display name when it has one, else the run's name. */
    @Exported
    public String getTitle() {
        return title != null ? title : workflowName;
    }

    @Override
    public String getUrlName() {
        return index == 1 ? "onepanel" : "onepanel-" + index;
    }

    @Override
    public void onAttached(Run<?, ?> r) {
        this.run = r;
    }

    @Override
    public void onLoad(Run<?, ?> r) {
        this.run = r;
    }

    public Run<?, ?> getRun() {
        return run;
    }

    public Api getApi() {
        return new Api(this);
    }

    @Exported
    public int getIndex() {
        return index;
    }

    @Exported
    public String getWorkflowName() {
        return workflowName;
    }

    @Exported
    public String getSource() {
        return source;
    }

    /** The run's phase as Argo spells it. */
    @Exported
    public synchronized String getPhase() {
        return phase;
    }

    @Exported
    @CheckForNull
    public synchronized String getMessage() {
        return message;
    }

    @Exported
    public long getStartedAt() {
        return startedAt;
    }

    @Exported
    public synchronized long getFinishedAt() {
        return finishedAt;
    }

    @Exported
    public synchronized boolean isRunning() {
        return finishedAt == 0;
    }

    /** The run is over and did not succeed (Failed or Error, lost runs included). */
    public synchronized boolean isFailed() {
        return finishedAt != 0
                && (NodePhase.FAILED.argoName().equals(phase) || NodePhase.ERROR.argoName().equals(phase));
    }

    @Exported
    @NonNull
    public synchronized List<TaskRecord> getNodes() {
        return List.copyOf(nodes());
    }

    /** Global outputs and each task's output parameters ({@code tasks.<task>.<parameter>}). */
    @Exported
    @NonNull
    public synchronized Map<String, String> getOutputs() {
        return Map.copyOf(outputs);
    }

    /** The log of node number {@code node} (its position in {@link #getNodes()}), as plain text. */
    public void doLog(@QueryParameter int node, StaplerResponse2 rsp) throws IOException {
        run.checkPermission(Item.READ);
        File file = logFile(node);
        rsp.setContentType("text/plain;charset=UTF-8");
        try (OutputStream out = rsp.getOutputStream()) {
            Files.copy(file.toPath(), out);
        } catch (NoSuchFileException e) {
            rsp.sendError(404, "No log for this node");
        }
    }

    /** Where the log of node number {@code node} is kept. */
    @Restricted(NoExternalUse.class)
    public File logFile(int node) {
        return new File(directory(), "node-" + node + ".log");
    }

    /** The run's own directory in the build's: its pods' logs and its journal. */
    @NonNull
    public File directory() {
        return new File(run.getRootDir(), getUrlName());
    }

    /** Records a node's new state; returns its number (position), which names its log. */
    @Restricted(NoExternalUse.class)
    public synchronized int update(@NonNull NodeStatus n, @CheckForNull String depends) {
        Integer number = index().get(n.id());
        TaskRecord record;
        if (number == null) {
            TaskRecord parent = n.parentId() == null ? null : find(n.parentId());
            record = new TaskRecord(n.id(), n.name(), n.parentId(), parent == null ? 0 : parent.getDepth() + 1);
            record.setDepends(depends);
            nodes().add(record);
            number = nodes.size() - 1;
            byId.put(n.id(), number);
            if (planned != null) {
                planned.remove(n.id());
            }
        } else {
            record = nodes().get(number);
        }
        record.setReusedFrom(n.reusedFrom());
        record.update(
                n.type().name(),
                n.templateName(),
                n.phase().argoName(),
                n.attempt(),
                n.podName(),
                millis(n.startedAt()),
                millis(n.finishedAt()),
                n.exitCode(),
                n.message());
        if (phase.equals("Pending")) {
            phase = "Running";
        }
        return number;
    }

    /**
     * What the runtime says about a node that has not ended (why its pod waits, what it stages): the
     * run's page shows the latest. Nothing for a node the run has not reported.
     */
    @Restricted(NoExternalUse.class)
    public synchronized void status(@NonNull String id, @NonNull String message) {
        TaskRecord record = find(id);
        if (record != null) {
            record.setStatus(message, System.currentTimeMillis());
        }
    }

    /** The node's task writes output: it runs, so what it waited for is over. */
    @Restricted(NoExternalUse.class)
    public synchronized void running(@NonNull String id) {
        TaskRecord record = find(id);
        if (record != null && record.getStatus() != null) {
            record.clearStatus();
        }
    }

    /** How many of the run's tasks (pods) are in each phase, for the build's status page: {@code Running=2}. */
    @NonNull
    public synchronized Map<String, Integer> getTaskCounts() {
        Map<String, Integer> counts = new TreeMap<>();
        for (TaskRecord record : nodes()) {
            if ("POD".equals(record.getType()) || "SKIPPED".equals(record.getType())) {
                counts.merge(record.getPhase(), 1, Integer::sum);
            }
        }
        return counts;
    }

    /** A DAG's task announced before it runs; forgotten once its node is reported. */
    @Restricted(NoExternalUse.class)
    public synchronized void planned(
            @NonNull String parentId, @NonNull String id, @NonNull String name, @CheckForNull String depends) {
        if (index().containsKey(id)) {
            return;
        }
        TaskRecord parent = find(parentId);
        TaskRecord record = new TaskRecord(id, name, parentId, parent == null ? 0 : parent.getDepth() + 1);
        record.setDepends(depends);
        if (planned == null) {
            planned = new java.util.LinkedHashMap<>();
        }
        planned.putIfAbsent(id, record);
    }

    /**
     * The tasks announced but not started yet, while the run goes on (they wait for the tasks they
     * depend on); each without a type or phase.
     */
    @Exported
    @NonNull
    public synchronized List<TaskRecord> getPlanned() {
        if (planned == null || finishedAt != 0) {
            return List.of();
        }
        return List.copyOf(planned.values()); // update() drops a task once its node is reported
    }

    /** The number of the node with this id, or -1 while the run has not reported it. */
    @Restricted(NoExternalUse.class)
    public synchronized int numberOf(@NonNull String id) {
        Integer number = index().get(id);
        return number == null ? -1 : number;
    }

    /** Where a pod landed, known when its attempt is handed to its branch. */
    @Restricted(NoExternalUse.class)
    public synchronized void placement(
            @NonNull String podName,
            @CheckForNull String nodePool,
            @CheckForNull String gpus,
            @NonNull Map<String, Long> usagePerSecond) {
        for (TaskRecord record : nodes()) {
            if (podName.equals(record.getPodName())) {
                record.setPlacement(nodePool, gpus, usagePerSecond);
            }
        }
    }

    /** The outputs for the build's status page: at most 20, each value cut at 200 characters. */
    @NonNull
    public synchronized Map<String, String> getSummaryOutputs() {
        Map<String, String> shown = new java.util.LinkedHashMap<>();
        for (Map.Entry<String, String> e : outputs.entrySet()) { // sorted by name, as the run's page lists them
            if (shown.size() == 20) {
                shown.put("\u2026", (outputs.size() - 20) + " more on the run's page");
                break;
            }
            String v = e.getValue() == null ? "" : e.getValue();
            shown.put(e.getKey(), v.length() > 200 ? v.substring(0, 200) + "\u2026" : v);
        }
        return shown;
    }

    /**
     * The run's resource use as Argo reports it ({@code 9m10s*cpu,6s*memory,2m31s*nvidia.com/gpu}):
     * the sum over its pods of what each asked for times how long it ran. Empty before any pod ran.
     */
    @Exported
    @NonNull
    public synchronized String getResourcesDuration() {
        if (resourcesDuration != null) {
            return resourcesDuration;
        }
        Map<String, Long> total = new java.util.TreeMap<>();
        for (TaskRecord record : nodes()) {
            io.onepanel.workflow.pod.ResourcesDuration.add(total, record.resourcesUsed());
        }
        return io.onepanel.workflow.pod.ResourcesDuration.format(total);
    }

    @Restricted(NoExternalUse.class)
    public synchronized void finished(@NonNull RunResult result) {
        phase = result.phase().argoName();
        message = result.message();
        finishedAt = System.currentTimeMillis();
        outputs.putAll(outputsOf(result));
        for (NodeStatus n : result.nodes()) {
            update(n, null);
        }
        ended();
    }

    /**
     * A run's outputs as the step returns them: global outputs ({@code globalName}) and the
     * entrypoint's output parameters by name, each task's output parameters as
     * {@code tasks.<task>.<parameter>} (Argo's parameter names cannot contain dots, so the two never clash).
     */
    @NonNull
    public static Map<String, String> outputsOf(@NonNull RunResult result) {
        Map<String, String> all = new TreeMap<>(result.outputs());
        for (NodeStatus n : result.nodes()) {
            n.outputParameters().forEach((name, value) -> all.put("tasks." + n.name() + "." + name, value));
        }
        return all;
    }

    /** The run ended without the engine saying so (the controller restarted): nothing is left running. */
    @Restricted(NoExternalUse.class)
    public synchronized void lost(@NonNull String why) {
        if (finishedAt != 0) {
            return;
        }
        long now = System.currentTimeMillis();
        nodes().forEach(n -> n.markLost(now, why));
        phase = "Error";
        message = why;
        finishedAt = now;
        ended();
    }

    /** The run is over: its resource use joins the summary, and its node list is written, once. */
    private void ended() {
        resourcesDuration = getResourcesDuration();
        try {
            nodesFile().write(new ArrayList<>(nodes()));
        } catch (IOException e) {
            LOGGER.log(Level.WARNING, "could not write the node list of " + workflowName + " in " + run, e);
        }
    }

    private XmlFile nodesFile() {
        return new XmlFile(Jenkins.XSTREAM2, new File(directory(), "nodes.xml"));
    }

    /**
     * The node list: in memory while the run goes on; after a load, the list the run wrote when it
     * ended, else (the controller went away first) rebuilt from the run's journal.
     */
    private List<TaskRecord> nodes() {
        if (nodes == null) {
            nodes = load();
            byId = null;
        }
        return nodes;
    }

    @SuppressWarnings("unchecked")
    private List<TaskRecord> load() {
        if (run == null) {
            return new ArrayList<>();
        }
        XmlFile saved = nodesFile();
        try {
            if (saved.exists()) {
                return new ArrayList<>((List<TaskRecord>) saved.read());
            }
        } catch (IOException | RuntimeException e) {
            LOGGER.log(Level.WARNING, "could not read " + saved + "; rebuilding the node list from the journal", e);
        }
        nodes = new ArrayList<>();
        byId = new HashMap<>();
        try {
            for (NodeStatus n : RecordedRun.read(directory().toPath()).nodes()) {
                update(n, null);
            }
        } catch (RuntimeException e) {
            LOGGER.log(Level.FINE, "no journal in " + directory(), e);
        }
        return nodes;
    }

    private TaskRecord find(String id) {
        Integer number = index().get(id);
        return number == null ? null : nodes().get(number);
    }

    private Map<String, Integer> index() {
        if (byId == null) {
            nodes();
            byId = new HashMap<>();
            for (int i = 0; i < nodes.size(); i++) {
                byId.put(nodes.get(i).getId(), i);
            }
        }
        return byId;
    }

    private static long millis(Instant instant) {
        return instant == null ? 0 : instant.toEpochMilli();
    }
}
