/**
 * A Kubernetes cluster for tests, in one JVM, whose pods really run: {@link
 * io.onepanel.workflow.testbed.TestCluster}.
 *
 * <p>Why it is built this way. No API server can be installed where the tests run, so fabric8's
 * mock API server (CRUD mode: objects, watches, status, finalizers) stands in for it. Around it sit
 * a scheduler, a claim provisioner and a kubelet of ours. kwok simulates nodes by writing pod
 * statuses and runs nothing; virtual-kubelet presents another backend as a node. Ours does what a
 * node does with real processes of this machine: each container is PID 1 of its own mount, UTS and
 * PID namespaces ({@code unshare}), with its volumes bound at their mount paths, its working
 * directory, its environment from the pod spec alone, its log streamed through the API server,
 * its termination message, and SIGTERM, grace period and SIGKILL on deletion. So a task's command
 * really writes its files, an agent really connects, a signal is really trapped.
 *
 * <p>Images are not pulled: an {@link io.onepanel.workflow.testbed.ImageTable} says what each image
 * runs on this machine. What the test bed cannot show that a real cluster would (image contents,
 * cgroup limits and OOM kills, networking between pods, admission, API validation, ...) is listed in
 * docs/pod-contract.md, "The test bed".
 *
 * <p>This source root ({@code engine/src/testbed/java}) is compiled with the engine's tests and with
 * the Jenkins plugin's, so both run pods on the same test bed; it also holds the S3 server of the
 * tests ({@code io.onepanel.workflow.artifact.S3ProxyServer}). It depends on fabric8's client, model
 * and mock server, vert.x, the AWS SDK and JUnit's condition API ({@link
 * io.onepanel.workflow.testbed.NeedsTestCluster}) only, never on an engine class, and needs Linux,
 * root and util-linux ({@link io.onepanel.workflow.testbed.HostTools#missing()} says what a machine
 * lacks).
 */
package io.onepanel.workflow.testbed;
