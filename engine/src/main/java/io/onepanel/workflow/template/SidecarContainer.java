package io.onepanel.workflow.template;

import io.fabric8.kubernetes.api.model.Container;

/** Argo's UserContainer: a Kubernetes container plus whether it mirrors the main container's mounts. */
public record SidecarContainer(Container container, boolean mirrorVolumeMounts) {}
