package io.jenkins.plugins.onepanel.pipeline

import com.cloudbees.groovy.cps.NonCPS
import org.jenkinsci.plugins.structs.describable.UninstantiatedDescribable
import org.jenkinsci.plugins.workflow.cps.CpsScript

/**
 * What {@code onepanelWorkflow(...)} runs (see OnepanelWorkflowVariable): the Pipeline side of a
 * workflow run. Every decision is the engine's; this gives each task a branch of its own, named
 * after it, and each attempt the engine lets run a pod and an agent, with Pipeline's own steps, so
 * that durability, aborts, per-branch logs and the graph views come from Pipeline. Its own
 * operations are the one step onepanelWorkflow with a driver key
 * (io.jenkins.plugins.onepanel.pipeline.DriverSteps), called through {@code steps} because the
 * global variable of the same name is this driver:
 *
 * <pre>
 * start                                      check the template, start the run
 * branch(root)                               the run's root node, then each task's:
 *     while (news = await(node))             what the task does next (no polling, no thread)
 *         attempt:  [stage(A(1)) when the task retries]
 *                   try { podTemplate(yaml: pod, label: attempt.label) { node(attempt.label) { run } } }
 *                   catch (failure) { }
 *                   report(failure)          the attempt's result, once its pod is gone
 *         children: parallel(task name: branch(task), ...)    a DAG's tasks, a loop's items, an exit handler
 *         done:     the branch ends, marked failed or not built as the task ended
 * finish                                     outputs, or the run's failure
 * </pre>
 *
 * A DAG's tasks are known when it starts, so each has its branch from then on and waits in it, on
 * a future rather than a thread, until the engine lets it run: a task still starts the moment its
 * dependencies are done, and the run's parallelism is the engine's to hold.
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
        boolean branchesDone = false
        try {
            branch(run, run.root as String)
            branchesDone = true
        } finally {
            if (!branchesDone) {
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
    void branch(Map run, String node) {
        while (true) {
            Map news = driver([(DRIVER_STEP): 'await', run: run.id, node: node])
            if (news.kind == 'attempt') {
                if (news.retry) {
                    script.stage(news.name as String) {
                        attempt(run, news)
                    }
                } else {
                    attempt(run, news)
                }
            } else if (news.kind == 'children') {
                Map branches = [:]
                for (Map child : (List) news.children) {
                    branches[child.name as String] = branchOf(run, child.id as String)
                }
                script.parallel(branches)
            } else {
                return
            }
        }
    }

    /** A closure of its own per child, so that each captures its own node. */
    Closure branchOf(Map run, String node) {
        return { branch(run, node) }
    }

    void attempt(Map run, Map attempt) {
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
        Map report = [(DRIVER_STEP): 'report', run: run.id, attempt: attempt.id, retry: attempt.retry]
        if (failure != null) {
            report.failure = failure
        }
        driver(report)
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
