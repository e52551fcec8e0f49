package io.onepanel.workflow.cli;

import java.time.Duration;

/** Durations and sizes as people read them: 0.4s, 1m05s, 3.2 MB. */
final class Durations {

    private Durations() {}

    /**
     * 0.4s, 1m05s, 2h03m07s. Built by hand, not with {@code String.format}: a run of thousands of
     * tasks prints a few lines per task, and the formatter's parsing was a sixth of the engine's
     * samples for 5,000 {@code true} tasks.
     */
    static String format(Duration d) {
        long millis = Math.max(0, d.toMillis());
        if (millis < 60_000) {
            long tenths = (millis + 50) / 100;
            return tenths / 10 + "." + tenths % 10 + "s";
        }
        long seconds = millis / 1000;
        if (seconds < 3600) {
            return seconds / 60 + "m" + twoDigits(seconds % 60) + "s";
        }
        return seconds / 3600 + "h" + twoDigits(seconds / 60 % 60) + "m" + twoDigits(seconds % 60) + "s";
    }

    private static String twoDigits(long n) {
        return n < 10 ? "0" + n : Long.toString(n);
    }

    /** {@code text} with spaces before it up to {@code width} characters. */
    static String padLeft(String text, int width) {
        return text.length() >= width ? text : " ".repeat(width - text.length()) + text;
    }

    /** {@code text} with spaces after it up to {@code width} characters. */
    static String padRight(String text, int width) {
        return text.length() >= width ? text : text + " ".repeat(width - text.length());
    }

    static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        String units = "KMGTPE";
        double v = n;
        int i = -1;
        while (v >= 1024 && i < units.length() - 1) {
            v /= 1024;
            i++;
        }
        return String.format(java.util.Locale.ROOT, "%.1f %siB", v, units.charAt(i));
    }
}
