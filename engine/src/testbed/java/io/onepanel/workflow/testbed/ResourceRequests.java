package io.onepanel.workflow.testbed;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import java.math.BigDecimal;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a pod asks of a node, as the scheduler counts it: per resource, the sum over its containers
 * or the largest init container, whichever is more (init containers run one at a time, before the
 * others); a container's limit stands for a request it does not write, as the API server defaults
 * it.
 */
final class ResourceRequests {

    private ResourceRequests() {}

    static Map<String, BigDecimal> ofPod(PodSpec spec) {
        Map<String, BigDecimal> sum = new TreeMap<>();
        for (Container c : spec.getContainers()) {
            ofContainer(c).forEach((k, v) -> sum.merge(k, v, BigDecimal::add));
        }
        for (Container c : spec.getInitContainers()) {
            ofContainer(c).forEach((k, v) -> sum.merge(k, v, BigDecimal::max));
        }
        if (spec.getOverhead() != null) {
            spec.getOverhead().forEach((k, v) -> sum.merge(k, amount(v), BigDecimal::add));
        }
        return sum;
    }

    static Map<String, BigDecimal> ofContainer(Container c) {
        Map<String, BigDecimal> requests = new HashMap<>();
        if (c.getResources() == null) {
            return requests;
        }
        c.getResources().getLimits().forEach((k, v) -> requests.put(k, amount(v)));
        c.getResources().getRequests().forEach((k, v) -> requests.put(k, amount(v)));
        return requests;
    }

    static BigDecimal amount(Quantity q) {
        return q.getNumericalAmount();
    }

    static boolean sameAmount(Object a, Object b) {
        return a instanceof Quantity qa && b instanceof Quantity qb && amount(qa).compareTo(amount(qb)) == 0;
    }
}
