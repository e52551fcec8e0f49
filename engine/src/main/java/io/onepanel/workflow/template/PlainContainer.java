package io.onepanel.workflow.template;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * A container that holds only texts: name, image, pull policy, command, args, working directory,
 * and env entries of a name and a value. Most templates' containers are such, and these are read
 * and walked here by hand, so that {@code validate} of such a template never starts Jackson (about
 * 700 classes, most of a short command's start-up). Any other field, or a value that is not text,
 * goes the general way (the fabric8 model through Jackson), which reports what is wrong with it.
 */
public final class PlainContainer {

    private static final Set<String> FIELDS = Set.of("name", "image", "imagePullPolicy", "command", "args",
            "workingDir", "env");

    private PlainContainer() {}

    /**
     * @param yaml the container as plain values (text, numbers, lists, maps)
     * @return the container, or empty when it is not plain
     */
    public static Optional<Container> of(Object yaml) {
        if (!(yaml instanceof Map<?, ?> fields) || !FIELDS.containsAll(fields.keySet())) {
            return Optional.empty();
        }
        Container c = new Container();
        for (Map.Entry<?, ?> f : fields.entrySet()) {
            Object v = f.getValue();
            switch ((String) f.getKey()) {
                case "command", "args" -> {
                    List<String> words = texts(v);
                    if (words == null) {
                        return Optional.empty();
                    }
                    if (f.getKey().equals("command")) {
                        c.setCommand(words);
                    } else {
                        c.setArgs(words);
                    }
                }
                case "env" -> {
                    List<EnvVar> env = env(v);
                    if (env == null) {
                        return Optional.empty();
                    }
                    c.setEnv(env);
                }
                default -> {
                    if (!(v instanceof String text)) {
                        return Optional.empty();
                    }
                    switch ((String) f.getKey()) {
                        case "name" -> c.setName(text);
                        case "image" -> c.setImage(text);
                        case "imagePullPolicy" -> c.setImagePullPolicy(text);
                        default -> c.setWorkingDir(text);
                    }
                }
            }
        }
        return Optional.of(c);
    }

    /** True when {@code c} has nothing but what {@link #of} reads. */
    public static boolean isPlain(Container c) {
        Container plain = new Container();
        plain.setName(c.getName());
        plain.setImage(c.getImage());
        plain.setImagePullPolicy(c.getImagePullPolicy());
        plain.setCommand(c.getCommand());
        plain.setArgs(c.getArgs());
        plain.setWorkingDir(c.getWorkingDir());
        plain.setEnv(c.getEnv());
        return plain.equals(c) && c.getEnv().stream().allMatch(e -> e.getValueFrom() == null
                && e.getAdditionalProperties().isEmpty());
    }

    /**
     * Each text of a plain container with its path below the container ({@code command.0},
     * {@code env.1.value}), in the order the general walk (its JSON form) gives them.
     */
    public static void texts(Container c, BiConsumer<String, String> visit) {
        list("args", c.getArgs(), visit);
        list("command", c.getCommand(), visit);
        for (int i = 0; i < c.getEnv().size(); i++) {
            visit.accept("env." + i + ".name", c.getEnv().get(i).getName());
            visit.accept("env." + i + ".value", c.getEnv().get(i).getValue());
        }
        visit.accept("image", c.getImage());
        visit.accept("imagePullPolicy", c.getImagePullPolicy());
        visit.accept("name", c.getName());
        visit.accept("workingDir", c.getWorkingDir());
    }

    private static void list(String field, List<String> values, BiConsumer<String, String> visit) {
        for (int i = 0; i < values.size(); i++) {
            visit.accept(field + "." + i, values.get(i));
        }
    }

    private static List<String> texts(Object v) {
        if (!(v instanceof List<?> items)) {
            return null;
        }
        List<String> out = new ArrayList<>();
        for (Object item : items) {
            if (!(item instanceof String text)) {
                return null;
            }
            out.add(text);
        }
        return out;
    }

    private static List<EnvVar> env(Object v) {
        if (!(v instanceof List<?> items)) {
            return null;
        }
        List<EnvVar> out = new ArrayList<>();
        for (Object item : items) {
            if (!(item instanceof Map<?, ?> m) || !Set.of("name", "value").containsAll(m.keySet())
                    || !(m.get("name") instanceof String name) || !(m.get("value") instanceof String value)) {
                return null;
            }
            out.add(new EnvVar(name, value, null));
        }
        return out;
    }
}
