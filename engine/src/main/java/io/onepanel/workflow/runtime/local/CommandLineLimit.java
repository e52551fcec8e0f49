package io.onepanel.workflow.runtime.local;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Linux refuses to start a program whose arguments and environment together exceed a quarter of
 * the stack size limit ({@code ulimit -s}; 2 MiB with the usual 8 MiB), or with one argument or
 * variable longer than 128 KiB ({@code MAX_ARG_STRLEN}); {@code execve} then fails with
 * {@code E2BIG}. This turns that failure into a message that says which task, how long its
 * command line was and what the limits are.
 */
final class CommandLineLimit {

    /** {@code MAX_ARG_STRLEN}: 32 pages of 4 KiB, for one argument or one variable. */
    static final int ONE_STRING = 32 * 4096;

    private CommandLineLimit() {}

    /** Whether starting a process failed because its command line was too long (E2BIG). */
    static boolean isTooLong(IOException e) {
        String message = e.getMessage();
        return message != null && (message.contains("error=7,") || message.contains("Argument list too long"));
    }

    /** The message for a task whose command line could not start. */
    static String explain(String task, List<String> argv, Map<String, String> environment) {
        long total = 0;
        long longest = 0;
        for (String word : argv) {
            long bytes = word.getBytes(StandardCharsets.UTF_8).length + 1L;
            total += bytes + 8;
            longest = Math.max(longest, bytes);
        }
        for (Map.Entry<String, String> variable : environment.entrySet()) {
            long bytes = (variable.getKey() + "=" + variable.getValue()).getBytes(StandardCharsets.UTF_8).length + 1L;
            total += bytes + 8;
            longest = Math.max(longest, bytes);
        }
        long all = allStrings();
        String limit = all > 0 ? String.format("%,d bytes here (a quarter of the stack size limit, ulimit -s)", all)
                : "a quarter of the stack size limit (ulimit -s)";
        return "task '" + task + "': its command line is too long to start: " + String.format("%,d", total)
                + " bytes of arguments and environment, the longest argument or variable "
                + String.format("%,d", longest) + " bytes; Linux allows " + limit + " in all and "
                + String.format("%,d", ONE_STRING) + " bytes in one argument. Pass large values in a file"
                + " (an input artifact or parameter file) instead of on the command line";
    }

    /** A quarter of this process's soft stack limit, as the kernel computes it; -1 when unknown. */
    private static long allStrings() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
                if (line.startsWith("Max stack size")) {
                    String soft = line.substring("Max stack size".length()).trim().split("\\s+")[0];
                    return soft.equals("unlimited") ? -1 : Long.parseLong(soft) / 4;
                }
            }
        } catch (IOException | RuntimeException e) {
            // Not Linux, or an unexpected layout: the message names the rule without the figure.
        }
        return -1;
    }
}
