package io.onepanel.workflow.expr;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Argo's enhanced {@code depends} language: operands {@code task} or {@code task.Result} joined by
 * {@code &&}, {@code ||}, {@code !} and parentheses, {@code !} binding tightest and {@code ||} loosest.
 *
 * <p>A bare operand {@code A} means exactly what Argo expands it to (workflow/common/ancestry.go,
 * {@code expandDependency}): {@code (A.Succeeded || A.Skipped || A.Daemoned)}. Argo also widens a bare operand
 * by the {@code continueOn} of task A, adding {@code A.Errored} and/or {@code A.Failed}; that needs the DAG, so
 * it is done by {@link #expand}, and {@link #fromDependencies} applies it to the legacy {@code dependencies}
 * list. Immutable and thread-safe.
 */
public final class DependsExpression {

    /** The results a bare operand stands for, in Argo's order. */
    private static final List<TaskResult> BARE =
            List.of(TaskResult.SUCCEEDED, TaskResult.SKIPPED, TaskResult.DAEMONED);

    /**
     * One operand as written.
     *
     * @param task   the task name
     * @param result the result after the dot; empty for a bare operand
     * @param offset where the task name starts in the parsed text (for an expression made by
     *               {@link #fromDependencies}, the index of the entry in the list)
     */
    public record Operand(String task, Optional<TaskResult> result, int offset) implements Term {

        public boolean isBare() {
            return result.isEmpty();
        }

        @Override
        public boolean evaluate(DependsContext context) {
            return result.map(r -> context.is(task, r))
                    .orElseGet(() -> BARE.stream().anyMatch(r -> context.is(task, r)));
        }

        @Override
        public int precedence() {
            return 3;
        }

        @Override
        public void collectOperands(List<Operand> operands) {
            operands.add(this);
        }

        @Override
        public Term expanded(Predicate<String> continueOnFailed, Predicate<String> continueOnError) {
            return isBare() ? widened(this, continueOnFailed, continueOnError) : this;
        }

        @Override
        public String toString() {
            return result.map(r -> task + "." + r.argoName()).orElse(task);
        }
    }

    /** A node of the parsed expression. */
    sealed interface Term permits Operand, Not, AllOf, AnyOf {
        boolean evaluate(DependsContext context);

        /** How tightly the term binds when written out: 1 for ||, 2 for &&, 3 for ! and operands. */
        int precedence();

        void collectOperands(List<Operand> operands);

        /** The term with bare operands spelled out, widened by {@code continueOn}. */
        Term expanded(Predicate<String> continueOnFailed, Predicate<String> continueOnError);
    }

    record Not(Term operand) implements Term {
        @Override
        public boolean evaluate(DependsContext context) {
            return !operand.evaluate(context);
        }

        @Override
        public int precedence() {
            return 3;
        }

        @Override
        public void collectOperands(List<Operand> operands) {
            operand.collectOperands(operands);
        }

        @Override
        public Term expanded(Predicate<String> continueOnFailed, Predicate<String> continueOnError) {
            return new Not(operand.expanded(continueOnFailed, continueOnError));
        }

        @Override
        public String toString() {
            return "!" + written(operand, 3);
        }
    }

    record AllOf(List<Term> terms) implements Term {
        @Override
        public boolean evaluate(DependsContext context) {
            return terms.stream().allMatch(term -> term.evaluate(context));
        }

        @Override
        public int precedence() {
            return 2;
        }

        @Override
        public void collectOperands(List<Operand> operands) {
            terms.forEach(term -> term.collectOperands(operands));
        }

        @Override
        public Term expanded(Predicate<String> continueOnFailed, Predicate<String> continueOnError) {
            return new AllOf(terms.stream().map(term -> term.expanded(continueOnFailed, continueOnError)).toList());
        }
        @Override
        public String toString() {
            return terms.stream().map(term -> written(term, 2)).collect(Collectors.joining(" && "));
        }
    }

    record AnyOf(List<Term> terms) implements Term {
        @Override
        public boolean evaluate(DependsContext context) {
            return terms.stream().anyMatch(term -> term.evaluate(context));
        }

        @Override
        public int precedence() {
            return 1;
        }

        @Override
        public void collectOperands(List<Operand> operands) {
            terms.forEach(term -> term.collectOperands(operands));
        }

        @Override
        public Term expanded(Predicate<String> continueOnFailed, Predicate<String> continueOnError) {
            return new AnyOf(terms.stream().map(term -> term.expanded(continueOnFailed, continueOnError)).toList());
        }
        @Override
        public String toString() {
            return terms.stream().map(term -> written(term, 1)).collect(Collectors.joining(" || "));
        }
    }

    private final Term root;

    DependsExpression(Term root) {
        this.root = root;
    }

    /**
     * @throws ExpressionException with the 0-based offset of the mistake, e.g. an unknown result after a dot
     *                             (the message lists the valid ones)
     */
    public static DependsExpression parse(String text) {
        return new DependsExpression(DependsParser.parse(text));
    }

    /**
     * Argo's conversion of the legacy {@code dependencies: [A, B]} list: {@code A && B} where each name is
     * expanded as a bare operand, widened by that dependency's own {@code continueOn}
     * (ancestry.go, {@code getTaskDependsLogic} and {@code expandDependency}):
     * {@code (A.Succeeded || A.Skipped || A.Daemoned [|| A.Errored] [|| A.Failed])}.
     *
     * @param continueOnFailed whether a dependency has {@code continueOn.failed}
     * @param continueOnError  whether a dependency has {@code continueOn.error}
     * @throws IllegalArgumentException for an empty list: a task without dependencies has no depends logic
     */
    public static DependsExpression fromDependencies(List<String> dependencies, Predicate<String> continueOnFailed,
                                                     Predicate<String> continueOnError) {
        if (dependencies.isEmpty()) {
            throw new IllegalArgumentException("a task without dependencies has no depends expression");
        }
        List<Term> terms = new ArrayList<>();
        for (int i = 0; i < dependencies.size(); i++) {
            Operand bare = new Operand(dependencies.get(i), Optional.empty(), i);
            terms.add(widened(bare, continueOnFailed, continueOnError));
        }
        return new DependsExpression(terms.size() == 1 ? terms.get(0) : new AllOf(List.copyOf(terms)));
    }

    /**
     * This expression with every bare operand spelled out as Argo resolves it at run time, widened by the
     * referenced task's {@code continueOn}: the form in which Argo evaluates it.
     */
    public DependsExpression expand(Predicate<String> continueOnFailed, Predicate<String> continueOnError) {
        return new DependsExpression(root.expanded(continueOnFailed, continueOnError));
    }

    /** The referenced task names, in order of first appearance: the dependency edges of the task. */
    public Set<String> tasks() {
        Set<String> tasks = new LinkedHashSet<>();
        operands().forEach(operand -> tasks.add(operand.task()));
        return Collections.unmodifiableSet(tasks);
    }

    /** Every operand in order of appearance, with its offset, so a validator can point at an unknown task. */
    public List<Operand> operands() {
        List<Operand> operands = new ArrayList<>();
        root.collectOperands(operands);
        return List.copyOf(operands);
    }

    public boolean evaluate(DependsContext context) {
        return root.evaluate(context);
    }

    /** The canonical form: single spaces around operators, parentheses only where precedence needs them. */
    @Override
    public String toString() {
        return root.toString();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof DependsExpression that && toString().equals(that.toString());
    }

    @Override
    public int hashCode() {
        return toString().hashCode();
    }

    private static String written(Term term, int context) {
        return term.precedence() < context ? "(" + term + ")" : term.toString();
    }

    private static Term widened(Operand bare, Predicate<String> failed, Predicate<String> error) {
        List<TaskResult> results = new ArrayList<>(BARE);
        if (error.test(bare.task())) {
            results.add(TaskResult.ERRORED);
        }
        if (failed.test(bare.task())) {
            results.add(TaskResult.FAILED);
        }
        return new AnyOf(results.stream()
                .<Term>map(r -> new Operand(bare.task(), Optional.of(r), bare.offset()))
                .toList());
    }
}
