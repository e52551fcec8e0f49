package io.onepanel.workflow.cli;

import java.util.Map;

/**
 * What the output stream is: an interactive terminal gets an updating status line and colours
 * (unless NO_COLOR is set); anything else gets plain lines.
 *
 * @param columns the terminal's width (COLUMNS, else {@code stty size}, else 80); unused elsewhere
 */
record Terminal(boolean interactive, boolean colour, int columns) {

    static final Terminal PLAIN = new Terminal(false, false, 80);

    static Terminal detect(Map<String, String> env) {
        boolean tty = System.console() != null && !"dumb".equals(env.get("TERM"));
        boolean colour = tty && env.get("NO_COLOR") == null;
        return new Terminal(tty, colour, tty ? columns(env) : 80);
    }

    private static int columns(Map<String, String> env) {
        try {
            return Integer.parseInt(env.getOrDefault("COLUMNS", "").strip());
        } catch (NumberFormatException notSet) {
            // bash keeps COLUMNS to itself: ask the terminal
        }
        try {
            Process stty = new ProcessBuilder("stty", "size")
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/tty")))
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String[] size = new String(stty.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII)
                    .strip().split("\\s+");
            if (stty.waitFor() == 0 && size.length == 2) {
                return Integer.parseInt(size[1]);
            }
        } catch (java.io.IOException | NumberFormatException e) {
            // no stty, or no terminal after all
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 80;
    }

    private static final String[] PALETTE = {"36", "33", "35", "32", "34", "91", "96", "93", "95", "92"};

    /** {@code text} in a colour of its own, picked from the name so a task keeps its colour. */
    String tinted(String name, String text) {
        if (!colour) {
            return text;
        }
        return "\u001b[" + PALETTE[Math.floorMod(name.hashCode(), PALETTE.length)] + "m" + text + "\u001b[0m";
    }

    String styled(String sgr, String text) {
        return colour ? "\u001b[" + sgr + "m" + text + "\u001b[0m" : text;
    }
}
