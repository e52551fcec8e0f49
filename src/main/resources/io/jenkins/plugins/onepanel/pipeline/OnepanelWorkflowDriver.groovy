package io.jenkins.plugins.onepanel.pipeline

import com.cloudbees.groovy.cps.NonCPS
import org.jenkinsci.plugins.structs.describable.UninstantiatedDescribable
import org.jenkinsci.plugins.workflow.cps.CpsScript

/**
 * What {@code onepanelWorkflow(...)} runs (see OnepanelWorkflowVariable): the Pipeline side of a
 * workflow run. Every decision is the engine's; this only gives each attempt the engine lets run
 * a pod and an agent, with Pipeline's own steps, so that durability, aborts, per-branch logs and
 * stage views come from Pipeline. Its own operations are the one step onepanelWorkflow with a
 * driver key (io.jenkins.plugins.onepanel.pipeline.DriverSteps), called through {@code steps}
 * because the global variable of the same name is this driver:
 *
 * <pre>
 * start                                      check the template, start the run
 * parallel(worker 1..N) {                    N = the run's parallelism
 *     while (attempt = await)                the engine lets an attempt run (no polling)
 *         stage(task) {
 *             try { podTemplate(yaml: pod, label: attempt.label) { node(attempt.label) { run } } }
 *             catch (failure) { }
 *             report(failure)                the attempt's result, once its pod is gone
 *         }
 * }
 * finish                                     outputs, or the run's failure
 * </pre>
 *
 * A worker pool rather than a branch per task: {@code parallel} takes a fixed set of branches when
 * it starts and has no limit of its own, while a run's attempts appear as it goes (loops over
 * earlier outputs, retries) and must stay within the run's parallelism.
 */
class OnepanelWorkflowDriver implements Serializable {

    private static final long serialVersionUID = 1L

    /** io.jenkins.plugins.onepanel.pipeline.DriverSteps.KEY */
    private static final String DRIVER_STEP = 'onepanelDriverStep'

    private final CpsScript script

    OnepanelWorkflowDriver(CpsScript script) {
        this.script = script
    }

    /** {@code onepanelWorkflow 'workflows/train.yaml'} */
    def call(String template) {
        return call([template: template])
    }

    /** {@code onepanelWorkflow template: ..., parameters: [...], ...}; returns the outputs map. */
    def call(Map args) {
        Map start = arguments(args)
        start[DRIVER_STEP] = 'start'
        Map run = driver(start)
        boolean workersDone = false
        try {
            Map branches = [:]
            int workers = run.workers as int
            for (int i = 1; i <= workers; i++) {
                branches["${run.name} worker ${i}".toString()] = { worker(run) }
            }
            script.parallel(branches)
            workersDone = true
        } finally {
            if (!workersDone) {
                driver([(DRIVER_STEP): 'finish', run: run.id, cancel: true])
            }
        }
        return driver([(DRIVER_STEP): 'finish', run: run.id])
    }

    /** The step itself, past the global variable of the same name (which is this driver). */
    def driver(Map args) {
        return script.steps.onepanelWorkflow(args)
    }

    // Not private: CPS-transformed closures call methods of their owner, which private methods complicate.
    void worker(Map run) {
        while (true) {
            Map attempt = driver([(DRIVER_STEP): 'await', run: run.id])
            if (attempt == null) {
                return
            }
            script.stage(attempt.name as String) {
                Throwable failure = null
                try {
                    if (run.builtInNode) {
                        script.node('built-in') {
                            driver([(DRIVER_STEP): 'run', run: run.id, attempt: attempt.id])
                        }
                    } else {
                        script.podTemplate(podTemplateArguments(run, attempt)) {
                            script.node(attempt.label as String) {
                                driver([(DRIVER_STEP): 'run', run: run.id, attempt: attempt.id])
                            }
                        }
                    }
                } catch (Throwable t) {
                    failure = t
                }
                // Fails with the same failure only when the build (or a block around it) was stopped.
                Map report = [(DRIVER_STEP): 'report', run: run.id, attempt: attempt.id]
                if (failure != null) {
                    report.failure = failure
                }
                driver(report)
            }
        }
    }

    /**
     * inheritFrom is always passed: without it, podTemplate inherits the enclosing podTemplate (or
     * {@code agent { kubernetes }}), and task pods would gain its containers. '' (the default) means
     * none; the Kubernetes plugin's own values keep their meaning (' ' none, '<default>' the enclosing one).
     */
    Map podTemplateArguments(Map run, Map attempt) {
        String inheritFrom = run.inheritFrom ?: ''
        // What a cloud's Defaults Provider Template or an inherited template would otherwise give every
        // task pod: its retention (a kept pod's task container holds forever), its deadline, and a
        // connect timeout shorter than the plugin's own bound for a pod that cannot start. Its
        // idleMinutes cannot be overridden here (0 means inherit); the report removes the agent instead.
        Map pod = [yaml: attempt.podYaml, showRawYaml: false, namespace: run.namespace, inheritFrom: inheritFrom,
                   label: attempt.label, podRetention: script.never(),
                   activeDeadlineSeconds: attempt.activeDeadlineSeconds as int,
                   slaveConnectTimeout: run.slaveConnectTimeout as int]
        if (run.cloud) {
            pod.cloud = run.cloud
        }
        if (inheritFrom.trim()) {
            pod.yamlMergeStrategy = script.merge()
        }
        return pod
    }

    /**
     * The step's arguments as the start operation takes them: {@code parameters} may be a map
     * ({@code [epochs: '20']}), a list of {@code [name:, value:]} maps, or a list of
     * {@code workflowParameter(name:, value:)}, as the Snippet Generator writes it.
     */
    @NonCPS
    static Map arguments(Map args) {
        Map normalized = new LinkedHashMap(args)
        Object parameters = args.get('parameters')
        if (parameters != null) {
            normalized.put('parameters', parameterList(parameters))
        }
        return normalized
    }

    @NonCPS
    static List parameterList(Object parameters) {
        List list = []
        if (parameters instanceof Map) {
            for (Map.Entry e : ((Map) parameters).entrySet()) {
                list.add([name: String.valueOf(e.key), value: String.valueOf(e.value)])
            }
        } else if (parameters instanceof Collection) {
            for (Object p : (Collection) parameters) {
                Object named = p instanceof UninstantiatedDescribable ? ((UninstantiatedDescribable) p).arguments : p
                if (!(named instanceof Map) || ((Map) named).get('name') == null) {
                    throw new IllegalArgumentException("onepanelWorkflow: each parameter needs a name and a value, "
                            + "as in parameters: [epochs: '20']")
                }
                Object value = ((Map) named).get('value')
                list.add([name: String.valueOf(((Map) named).get('name')), value: value == null ? '' : String.valueOf(value)])
            }
        } else {
            throw new IllegalArgumentException("onepanelWorkflow: parameters must be a map, as in parameters: [epochs: '20']")
        }
        return list
    }
}
