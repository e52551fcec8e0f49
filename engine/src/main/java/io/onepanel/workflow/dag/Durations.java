package io.onepanel.workflow.dag;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Argo's durations: Go duration text ("1m30s", "500ms", "2h") or a number of seconds. */
public final class Durations {

    private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ns|us|µs|ms|s|m|h|d)");

    private Durations() {}

    /** @throws IllegalArgumentException with a message naming what was expected */
    public static Duration parse(String text) {
        String t = text == null ? "" : text.trim();
        if (t.isEmpty()) {
            throw new IllegalArgumentException("expected a duration such as 30s, 5m or 1h30m, got nothing");
        }
        if (t.matches("\\d+")) {
            return Duration.ofSeconds(Long.parseLong(t));
        }
        Matcher m = PART.matcher(t);
        int at = 0;
        double nanos = 0;
        while (m.find()) {
            if (m.start() != at) {
                break;
            }
            double v = Double.parseDouble(m.group(1));
            nanos += v * switch (m.group(2)) {
                case "ns" -> 1d;
                case "us", "µs" -> 1e3;
                case "ms" -> 1e6;
                case "s" -> 1e9;
                case "m" -> 60e9;
                case "h" -> 3600e9;
                default -> 86400e9;
            };
            at = m.end();
        }
        if (at != t.length() || at == 0) {
            throw new IllegalArgumentException("'" + text + "' is not a duration; expected a number of seconds or"
                    + " text such as 30s, 5m, 1h30m");
        }
        return Duration.ofNanos((long) nanos);
    }
}
