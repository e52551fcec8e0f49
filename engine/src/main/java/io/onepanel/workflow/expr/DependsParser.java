package io.onepanel.workflow.expr;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Reads a {@code depends} expression by recursive descent, character by character:
 * <pre>
 *   any     := all ('||' all)*
 *   all     := unary ('&&' unary)*
 *   unary   := '!' unary | '(' any ')' | operand
 *   operand := name ('.' Result)?        name: letters, digits, '-' and '_'
 * </pre>
 * Nested groups of the same operator are flattened, since {@code A || (B || C)} is {@code A || B || C}.
 */
final class DependsParser {

    private final String text;
    private int position;
    private int nesting;

    private DependsParser(String text) {
        this.text = text;
    }

    static DependsExpression.Term parse(String text) {
        Limits.checkLength(text);
        DependsParser parser = new DependsParser(text);
        parser.skipSpace();
        if (parser.atEnd()) {
            throw new ExpressionException("empty depends expression", 0);
        }
        DependsExpression.Term root = parser.any();
        if (!parser.atEnd()) {
            throw parser.unexpected("'&&', '||' or the end of the expression");
        }
        return root;
    }

    private DependsExpression.Term any() {
        List<DependsExpression.Term> terms = new ArrayList<>();
        add(terms, all(), DependsExpression.AnyOf.class);
        while (accept("||")) {
            add(terms, all(), DependsExpression.AnyOf.class);
        }
        return terms.size() == 1 ? terms.get(0) : new DependsExpression.AnyOf(List.copyOf(terms));
    }

    private DependsExpression.Term all() {
        List<DependsExpression.Term> terms = new ArrayList<>();
        add(terms, unary(), DependsExpression.AllOf.class);
        while (accept("&&")) {
            add(terms, unary(), DependsExpression.AllOf.class);
        }
        return terms.size() == 1 ? terms.get(0) : new DependsExpression.AllOf(List.copyOf(terms));
    }

    private static void add(List<DependsExpression.Term> terms, DependsExpression.Term term,
                            Class<? extends DependsExpression.Term> kind) {
        if (term instanceof DependsExpression.AnyOf any && kind == DependsExpression.AnyOf.class) {
            terms.addAll(any.terms());
        } else if (term instanceof DependsExpression.AllOf all && kind == DependsExpression.AllOf.class) {
            terms.addAll(all.terms());
        } else {
            terms.add(term);
        }
    }

    private DependsExpression.Term unary() {
        int start = position;
        if (accept("!")) {
            enter(start);
            DependsExpression.Term operand = unary();
            nesting--;
            return new DependsExpression.Not(operand);
        }
        if (accept("(")) {
            enter(start);
            DependsExpression.Term inner = any();
            nesting--;
            if (!accept(")")) {
                throw unexpected("')' to close '(' at offset " + start);
            }
            return inner;
        }
        return operand();
    }

    private DependsExpression.Operand operand() {
        int start = position;
        while (position < text.length() && isNamePart(text.charAt(position))) {
            position++;
        }
        if (position == start) {
            throw unexpected("a task name, '!' or '('");
        }
        String task = text.substring(start, position);
        Optional<TaskResult> result = Optional.empty();
        if (position < text.length() && text.charAt(position) == '.') {
            int resultStart = ++position;
            while (position < text.length() && isNamePart(text.charAt(position))) {
                position++;
            }
            result = Optional.of(result(task, text.substring(resultStart, position), resultStart));
        }
        skipSpace();
        return new DependsExpression.Operand(task, result, start);
    }

    private static TaskResult result(String task, String name, int offset) {
        return TaskResult.named(name).orElseThrow(() -> {
            String hint = java.util.Arrays.stream(TaskResult.values())
                    .filter(r -> r.argoName().toLowerCase(Locale.ROOT).equals(name.toLowerCase(Locale.ROOT)))
                    .findFirst().map(r -> "; did you mean '" + r.argoName() + "'?").orElse("");
            return new ExpressionException((name.isEmpty() ? "missing task result" : "unknown task result '"
                    + name + "'") + " for task '" + task + "'" + hint + " (valid results: "
                    + TaskResult.allNames() + ")", offset);
        });
    }

    private boolean accept(String symbol) {
        if (text.startsWith(symbol, position)) {
            position += symbol.length();
            skipSpace();
            return true;
        }
        return false;
    }

    private void enter(int offset) {
        if (++nesting > Limits.MAX_NESTING) {
            throw new ExpressionException("depends expression nests deeper than " + Limits.MAX_NESTING
                    + " levels", offset);
        }
    }

    private void skipSpace() {
        while (position < text.length() && Character.isWhitespace(text.charAt(position))) {
            position++;
        }
    }

    private boolean atEnd() {
        return position >= text.length();
    }

    private ExpressionException unexpected(String expected) {
        if (atEnd()) {
            return new ExpressionException("expected " + expected + ", found the end of the expression", position);
        }
        char c = text.charAt(position);
        String found = c == '&' || c == '|' ? "a single '" + c + "' (write '" + c + c + "')" : "'" + c + "'";
        return new ExpressionException("expected " + expected + ", found " + found, position);
    }

    private static boolean isNamePart(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    }
}
