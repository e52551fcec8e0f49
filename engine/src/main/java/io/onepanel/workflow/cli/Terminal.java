package io.onepanel.workflow.cli;

import java.util.Map;

/**
 * What the output stream is: an interactive terminal gets an updating status line and colours
 * (unless NO_COLOR is set); anything else gets plain lines.
 */
record Terminal(boolean interactive, boolean colour) {

    static final Terminal PLAIN = new Terminal(false, false);

    static Terminal detect(Map<String, String> env) {
        boolean tty = System.console() != null && !"dumb".equals(env.get("TERM"));
        boolean colour = tty && env.get("NO_COLOR") == null;
        return new Terminal(tty, colour);
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
