package dev.inertia.data;

import java.util.List;
import java.util.Objects;

/**
 * How {@link CsvDataset} reads a CSV file: which column is the target and what kind, the
 * separator, which columns are features, and how classes are numbered. Immutable; each
 * {@code with}-style method returns a changed copy:
 * <pre>{@code
 * CsvOptions.target("diagnosis")                       // classification, classes sorted
 * CsvOptions.target("price").regression().separator(';')
 * CsvOptions.target("digit").exclude("id")
 * }</pre>
 * Defaults: classification (regression must be asked for: a numeric target column does not
 * make a regression on its own, as digit labels show); the separator detected from the header
 * line; every column but the target a feature; classes {@link ClassOrder#SORTED}.
 */
public final class CsvOptions {
    /** What the target column holds. */
    public enum Task {
        /** Class names (any text); each distinct value is a class. */
        CLASSIFICATION,
        /** One real number per row. */
        REGRESSION
    }

    /** How class values are numbered 0, 1, 2, ... */
    public enum ClassOrder {
        /**
         * Sorted: numerically when every class value is a number ({@code 2 < 10}), else by text
         * (Unicode order, so {@code "B" < "a"}). The numbering then does not depend on the row
         * order, so a shuffled copy of the file gives the same classes.
         */
        SORTED,
        /** In the order the values first appear in the file. */
        FIRST_APPEARANCE
    }

    /** {@link #separator()} when it is detected from the header line. */
    public static final char AUTO = 0;

    private final String target;
    private final Task task;
    private final char separator;
    private final List<String> included;
    private final List<String> excluded;
    private final ClassOrder classOrder;
    private final List<String> classNames;

    private CsvOptions(String target, Task task, char separator, List<String> included, List<String> excluded,
            ClassOrder classOrder, List<String> classNames) {
        if (target != null && excluded.contains(target)) {
            throw new IllegalArgumentException("the target column '" + target + "' cannot also be excluded");
        }
        this.target = target;
        this.task = task;
        this.separator = separator;
        this.included = included;
        this.excluded = excluded;
        this.classOrder = classOrder;
        this.classNames = classNames;
    }

    /** Classification on the column called {@code column}, otherwise the defaults. */
    public static CsvOptions target(String column) {
        Objects.requireNonNull(column, "column");
        if (column.isBlank()) {
            throw new IllegalArgumentException("the target column name is blank");
        }
        return new CsvOptions(column.strip(), Task.CLASSIFICATION, AUTO, List.of(), List.of(), ClassOrder.SORTED,
                List.of());
    }

    /** No target column: for {@link CsvDataset#features}, which reads inputs to predict on. */
    public static CsvOptions noTarget() {
        return new CsvOptions(null, Task.CLASSIFICATION, AUTO, List.of(), List.of(), ClassOrder.SORTED, List.of());
    }

    /** The target is one real number per row. */
    public CsvOptions regression() {
        return new CsvOptions(target, Task.REGRESSION, separator, included, excluded, classOrder, classNames);
    }

    /** The target holds class values (the default). */
    public CsvOptions classification() {
        return new CsvOptions(target, Task.CLASSIFICATION, separator, included, excluded, classOrder, classNames);
    }

    /** Fields are separated by {@code separator} (like {@code ','}, {@code ';'}, {@code '\t'}), or {@link #AUTO}. */
    public CsvOptions separator(char separator) {
        if (separator == '"' || separator == '\n' || separator == '\r') {
            throw new IllegalArgumentException("a CSV separator cannot be a quote or a line break");
        }
        return new CsvOptions(target, task, separator, included, excluded, classOrder, classNames);
    }

    /** Only these columns are features (in file order; the target is never a feature). */
    public CsvOptions include(String... columns) {
        return new CsvOptions(target, task, separator, names(columns), excluded, classOrder, classNames);
    }

    /** These columns are not features (ids, leaky columns). */
    public CsvOptions exclude(String... columns) {
        return new CsvOptions(target, task, separator, included, names(columns), classOrder, classNames);
    }

    /** Numbers the classes in this order. */
    public CsvOptions classOrder(ClassOrder order) {
        return new CsvOptions(target, task, separator, included, excluded, Objects.requireNonNull(order, "order"),
                classNames);
    }

    /**
     * Fixes the classes and their numbering (a trained model's class names, index order); a row
     * whose target is none of them is an error. Empty: classes come from the file.
     */
    public CsvOptions classNames(List<String> names) {
        List<String> copy = List.copyOf(names);
        if (copy.stream().distinct().count() != copy.size()) {
            throw new IllegalArgumentException("class names repeat: " + copy);
        }
        return new CsvOptions(target, task, separator, included, excluded, classOrder, copy);
    }

    /** The target column's name, or null for {@link #noTarget()}. */
    public String target() {
        return target;
    }

    public Task task() {
        return task;
    }

    /** The separator, or {@link #AUTO}: the most frequent of {@code , ; \t} in the header line. */
    public char separator() {
        return separator;
    }

    /** The columns to use as features; empty means all but the target and the excluded. */
    public List<String> included() {
        return included;
    }

    /** The columns never to use as features. */
    public List<String> excluded() {
        return excluded;
    }

    public ClassOrder classOrder() {
        return classOrder;
    }

    /** The fixed classes, or empty when they come from the file. */
    public List<String> classNames() {
        return classNames;
    }

    private static List<String> names(String... columns) {
        List<String> list = List.of(columns).stream().map(String::strip).toList();
        if (list.stream().distinct().count() != list.size()) {
            throw new IllegalArgumentException("column names repeat: " + list);
        }
        return list;
    }

    @Override
    public String toString() {
        return "CsvOptions[target=" + target + ", " + task + ", separator="
                + (separator == AUTO ? "auto" : "'" + separator + "'") + ", include=" + included + ", exclude="
                + excluded + ", " + classOrder + (classNames.isEmpty() ? "" : ", classes=" + classNames) + "]";
    }
}
