package io.onepanel.workflow.pod;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Quantity;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * How much a task used, as Argo's {@code resourcesDuration} says it (Argo's
 * {@code util/resource/duration.go}, {@code docs/resource-duration.md}): for each resource, the amount
 * its containers asked for, in units of a base amount (CPU: 1 core; memory: 100Mi; storage and
 * ephemeral storage: 10Gi; anything else such as {@code nvidia.com/gpu}: 1), times the seconds it ran.
 * A container's requests count, else its limits (as Kubernetes defaults requests to limits), else
 * 100m CPU and 100Mi memory, Argo's own defaults. Indicative, as Argo says, not a measurement.
 */
public final class ResourcesDuration {

    private static final BigDecimal MI = BigDecimal.valueOf(1024L * 1024);
    private static final BigDecimal GI = MI.multiply(BigDecimal.valueOf(1024));

    private ResourcesDuration() {}

    /**
     * What the containers ask for, per resource, in thousandths of the resource's base amount: what
     * one second of the pod adds to each resource's duration, times 1,000.
     */
    public static Map<String, Long> perSecond(List<Container> containers) {
        Map<String, Long> milli = new TreeMap<>();
        for (Container c : containers) {
            Map<String, Quantity> amounts = new TreeMap<>();
            amounts.put("cpu", new Quantity("100m"));
            amounts.put("memory", new Quantity("100Mi"));
            if (c.getResources() != null) {
                if (c.getResources().getLimits() != null) {
                    amounts.putAll(c.getResources().getLimits());
                }
                if (c.getResources().getRequests() != null) {
                    amounts.putAll(c.getResources().getRequests());
                }
            }
            amounts.forEach((name, q) -> milli.merge(name, thousandthsOfBase(name, q), Long::sum));
        }
        return milli;
    }

    /** Seconds of each resource's base amount for a pod that ran {@code seconds}, rounded down as Argo does. */
    public static Map<String, Long> of(Map<String, Long> perSecond, long seconds) {
        Map<String, Long> used = new TreeMap<>();
        perSecond.forEach((name, milli) -> used.put(name, milli * seconds / 1000));
        return used;
    }

    /** Adds {@code more} to {@code total}, resource by resource. */
    public static void add(Map<String, Long> total, Map<String, Long> more) {
        more.forEach((name, s) -> total.merge(name, s, Long::sum));
    }

    /** As Argo's command line shows it: {@code 9m10s*cpu,6s*memory,2m31s*nvidia.com/gpu}; empty for nothing. */
    public static String format(Map<String, Long> seconds) {
        StringBuilder out = new StringBuilder();
        new TreeMap<>(seconds).forEach((name, s) -> {
            if (out.length() > 0) {
                out.append(',');
            }
            out.append(duration(s)).append('*').append(name);
        });
        return out.toString();
    }

    private static long thousandthsOfBase(String name, Quantity q) {
        BigDecimal amount;
        try {
            amount = Quantity.getAmountInBytes(q);
        } catch (IllegalArgumentException | ArithmeticException e) {
            return 0; // validation refuses such a quantity before a pod exists
        }
        BigDecimal base = switch (name) {
            case "memory" -> MI.multiply(BigDecimal.valueOf(100));
            case "storage", "ephemeral-storage" -> GI.multiply(BigDecimal.TEN);
            default -> BigDecimal.ONE;
        };
        return amount.multiply(BigDecimal.valueOf(1000)).divide(base, 0, java.math.RoundingMode.DOWN).longValue();
    }

    private static String duration(long seconds) {
        long h = seconds / 3600;
        long m = seconds % 3600 / 60;
        long s = seconds % 60;
        return (h > 0 ? h + "h" : "") + (m > 0 ? m + "m" : "") + (s > 0 || seconds == 0 ? s + "s" : "");
    }
}
