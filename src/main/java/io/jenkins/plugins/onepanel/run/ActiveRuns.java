package io.jenkins.plugins.onepanel.run;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.AbortException;
import hudson.Extension;
import hudson.ExtensionList;
import hudson.model.Run;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The workflow runs going on in this controller. The engine keeps a run's state in memory only, so
 * this is where the Pipeline steps of a run find it again by id; after a restart it is empty and
 * those steps fail with {@link #LOST}.
 */
@Extension
public final class ActiveRuns {

    /** Why a run cannot go on after a restart; the steps fail with it and the build page shows it. */
    public static final String LOST = "The controller restarted while the workflow ran. The engine keeps a run in"
            + " memory only, so the run cannot be resumed; its pods are deleted. Run the build again.";

    private final Map<String, ActiveRun> runs = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();

    @NonNull
    public static ActiveRuns get() {
        return ExtensionList.lookupSingleton(ActiveRuns.class);
    }

    /** An id unique in this controller's life, naming the build for people who read it in a step's arguments. */
    @NonNull
    String newId(@NonNull Run<?, ?> build) {
        return build.getExternalizableId() + "/" + ids.incrementAndGet();
    }

    void add(@NonNull ActiveRun run) {
        runs.put(run.id(), run);
    }

    void remove(@NonNull ActiveRun run) {
        runs.remove(run.id(), run);
    }

    /** The run, which must belong to {@code build}: one build's steps can never touch another's run. */
    @CheckForNull
    public ActiveRun find(@NonNull String id, @NonNull Run<?, ?> build) {
        ActiveRun run = runs.get(id);
        return run != null && run.build() == build ? run : null;
    }

    @NonNull
    public ActiveRun require(@NonNull String id, @NonNull Run<?, ?> build) throws AbortException {
        ActiveRun run = find(id, build);
        if (run == null) {
            throw new AbortException(LOST);
        }
        return run;
    }

    @NonNull
    List<ActiveRun> of(@NonNull Run<?, ?> build) {
        return runs.values().stream().filter(r -> r.build() == build).toList();
    }
}
