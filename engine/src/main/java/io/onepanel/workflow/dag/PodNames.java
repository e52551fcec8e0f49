package io.onepanel.workflow.dag;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Pod names as Argo's v2 naming makes them: {@code <workflow>-<template>-<hash of node name>},
 * DNS-1123, at most 63 characters, the same every time for the same node.
 */
public final class PodNames {

    private static final int MAX = 63;

    private PodNames() {}

    public static String of(String workflowName, String templateName, String nodeName) {
        String hash = Long.toString(fnv32a(nodeName) & 0xffffffffL);
        String prefix = sanitize(workflowName) + "-" + sanitize(templateName);
        int room = MAX - hash.length() - 1;
        if (prefix.length() > room) {
            prefix = prefix.substring(0, room);
        }
        prefix = prefix.replaceAll("-+$", "");
        return (prefix.isEmpty() ? "pod" : prefix) + "-" + hash;
    }

    static String sanitize(String s) {
        String lower = s.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]+", "-");
        return lower.replaceAll("^-+", "").replaceAll("-+$", "");
    }

    private static int fnv32a(String s) {
        int hash = 0x811c9dc5;
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            hash ^= b & 0xff;
            hash *= 0x01000193;
        }
        return hash;
    }
}
