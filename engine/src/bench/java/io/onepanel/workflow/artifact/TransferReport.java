package io.onepanel.workflow.artifact;

import io.onepanel.workflow.artifact.TimedProcess.Sample;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/** The S3 benchmark's samples, printed as medians (min–max) and same-run ratios. */
final class TransferReport {

    private final Map<String, List<Sample>> samples = new LinkedHashMap<>();

    void add(TransferCase c, String tool, Sample s) {
        samples.computeIfAbsent(c.label() + "|" + tool, k -> new java.util.ArrayList<>()).add(s);
    }

    void print(List<TransferCase> cases, List<String> tools, String header) {
        System.out.println();
        System.out.println(header);
        System.out.println();
        System.out.println("| case | tool | speed, median (min–max) | wall s | CPU s, median (min–max) | peak RSS MiB"
                + " | exit lag ms | S3Proxy CPU s | controller CPU s |");
        System.out.println("| --- | --- | --- | --- | --- | --- | --- | --- | --- |");
        for (TransferCase c : cases) {
            for (String tool : tools) {
                List<Sample> all = samples.get(c.label() + "|" + tool);
                if (all == null) {
                    continue;
                }
                double wall = median(all, Sample::wallSeconds);
                System.out.printf(Locale.ROOT, "| %s | %s | %s (%s–%s) | %.2f | %.2f (%.2f–%.2f) | %.0f | %s | %.2f | %s |%n",
                        c.label(), tool, c.rate(wall), c.rate(max(all, Sample::wallSeconds)),
                        c.rate(min(all, Sample::wallSeconds)), wall, median(all, Sample::cpuSeconds),
                        min(all, Sample::cpuSeconds), max(all, Sample::cpuSeconds), median(all, Sample::rssKiB) / 1024,
                        lag(all), median(all, Sample::serverCpuSeconds),
                        tool.equals("presign") ? String.format(Locale.ROOT, "%.2f", median(all,
                                Sample::controllerCpuSeconds)) : "-");
            }
        }
        System.out.println();
        System.out.println("Same-run ratios (speed: the other's median wall / ours; CPU: ours / rclone's):");
        System.out.println();
        System.out.println("| case | ours | speed vs aws-cli | speed vs rclone | CPU vs rclone | RSS vs rclone |");
        System.out.println("| --- | --- | --- | --- | --- | --- |");
        for (TransferCase c : cases) {
            for (String ours : tools.stream().filter(t -> !t.equals("aws") && !t.equals("rclone")).toList()) {
                List<Sample> us = samples.get(c.label() + "|" + ours);
                if (us == null) {
                    continue;
                }
                List<Sample> aws = samples.get(c.label() + "|aws");
                List<Sample> rclone = samples.get(c.label() + "|rclone");
                System.out.printf(Locale.ROOT, "| %s | %s | %s | %s | %s | %s |%n", c.label(), ours,
                        ratio(aws, us, Sample::wallSeconds), ratio(rclone, us, Sample::wallSeconds),
                        ratio(us, rclone, Sample::cpuSeconds), ratio(us, rclone, Sample::rssKiB));
            }
        }
    }

    private static String ratio(List<Sample> top, List<Sample> bottom, ToDoubleFunction<Sample> f) {
        if (top == null || bottom == null) {
            return "-";
        }
        return String.format(Locale.ROOT, "%.2f", median(top, f) / median(bottom, f));
    }

    private static String lag(List<Sample> all) {
        double m = median(all, Sample::exitLagMillis);
        return Double.isNaN(m) ? "-" : String.format(Locale.ROOT, "%.0f (%.0f–%.0f)", m,
                min(all, Sample::exitLagMillis), max(all, Sample::exitLagMillis));
    }

    static double median(List<Sample> all, ToDoubleFunction<Sample> f) {
        double[] v = all.stream().mapToDouble(f).sorted().toArray();
        if (v.length == 0) {
            return Double.NaN;
        }
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private static double min(List<Sample> all, ToDoubleFunction<Sample> f) {
        return Arrays.stream(all.stream().mapToDouble(f).toArray()).min().orElse(Double.NaN);
    }

    private static double max(List<Sample> all, ToDoubleFunction<Sample> f) {
        return Arrays.stream(all.stream().mapToDouble(f).toArray()).max().orElse(Double.NaN);
    }
}
