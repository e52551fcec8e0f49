package io.onepanel.workflow.pod;

import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

/** Requests and limits: as written, plus a node pool's limits, with GPU requests equal to limits. */
final class ResourceRules {

    private ResourceRules() {}

    /** Kubernetes' quantity grammar (resource.ParseQuantity), unsigned. */
    private static final Pattern QUANTITY =
            Pattern.compile("\\+?(\\d+\\.?\\d*|\\.\\d+)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?\\d+)?");

    static boolean isValid(Quantity q) {
        return q != null && QUANTITY.matcher(q.toString()).matches();
    }

    /**
     * The main container's resources: as written; the pool's limits for resources the template does
     * not limit; requests set equal to limits for GPUs. Null when there are none.
     */
    static ResourceRequirements effective(ResourceRequirements written, Optional<NodePool> pool, PodConfig config) {
        Map<String, Quantity> requests = new TreeMap<>();
        Map<String, Quantity> limits = new TreeMap<>();
        if (written != null) {
            requests.putAll(written.getRequests());
            limits.putAll(written.getLimits());
        }
        pool.ifPresent(p -> p.limits().forEach(limits::putIfAbsent));
        for (Map.Entry<String, Quantity> limit : limits.entrySet()) {
            if (config.isGpu(limit.getKey())) {
                requests.putIfAbsent(limit.getKey(), limit.getValue());
            }
        }
        if (requests.isEmpty() && limits.isEmpty() && (written == null || written.getClaims().isEmpty())) {
            return null;
        }
        ResourceRequirementsBuilder b = new ResourceRequirementsBuilder();
        if (written != null && !written.getClaims().isEmpty()) {
            b.withClaims(written.getClaims());
        }
        if (!requests.isEmpty()) {
            b.withRequests(requests);
        }
        if (!limits.isEmpty()) {
            b.withLimits(limits);
        }
        return b.build();
    }

    /** Problems with one container's resources, each as "field: what is wrong". */
    static List<String> problems(String where, ResourceRequirements r, PodConfig config) {
        List<String> problems = new ArrayList<>();
        if (r == null) {
            return problems;
        }
        checkQuantities(where + ".resources.requests", r.getRequests(), problems);
        checkQuantities(where + ".resources.limits", r.getLimits(), problems);
        for (Map.Entry<String, Quantity> request : r.getRequests().entrySet()) {
            String name = request.getKey();
            Quantity limit = r.getLimits().get(name);
            if (!isValid(request.getValue()) || (limit != null && !isValid(limit))) {
                continue;
            }
            if (config.isGpu(name)) {
                if (limit == null) {
                    problems.add(where + ".resources: requests " + name + ": " + request.getValue()
                            + " has no limit; GPUs cannot be overcommitted, so write limits " + name + ": "
                            + request.getValue() + " (requests then default to the limit)");
                } else if (amount(limit).compareTo(amount(request.getValue())) != 0) {
                    problems.add(where + ".resources: " + name + " requests (" + request.getValue()
                            + ") must equal its limits (" + limit + ")");
                }
            } else if (limit != null && amount(request.getValue()).compareTo(amount(limit)) > 0) {
                problems.add(where + ".resources: requests " + name + ": " + request.getValue()
                        + " is more than limits " + name + ": " + limit);
            }
        }
        for (Map.Entry<String, Quantity> limit : r.getLimits().entrySet()) {
            if (config.isGpu(limit.getKey()) && isValid(limit.getValue())
                    && amount(limit.getValue()).stripTrailingZeros().scale() > 0) {
                problems.add(where + ".resources.limits " + limit.getKey() + ": " + limit.getValue()
                        + " is not a whole number; GPUs are allocated whole");
            }
        }
        return problems;
    }

    private static void checkQuantities(String field, Map<String, Quantity> values, List<String> problems) {
        values.forEach((name, q) -> {
            if (!isValid(q)) {
                problems.add(field + " " + name + ": '" + q + "' is not a quantity Kubernetes accepts (e.g. 500m, 2, "
                        + "1.5, 512Mi, 4Gi, 1G)");
            }
        });
    }

    private static BigDecimal amount(Quantity q) {
        return Quantity.getAmountInBytes(q);
    }
}
