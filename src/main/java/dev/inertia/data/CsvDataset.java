package dev.inertia.data;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.zip.ZipException;

/**
 * A data set read from a CSV file (UTF-8, optionally gzip-compressed: told apart by its first
 * two bytes, so {@code .csv.gz} and a misnamed file both work). The first line is a header of
 * distinct column names; each later line is one example. One column is the target
 * ({@link CsvOptions}); the feature columns hold numbers, read with {@link Double#parseDouble}
 * and rounded to float, and each example has the shape {@code [features]}.
 *
 * <p>Three ways to read, for the three things a user does with a CSV:
 * <ul>
 * <li>{@link #read(Path, CsvOptions)} to train: features are the columns the options select,
 * in file order; classes come from the file (or the options).
 * <li>{@link #read(Path, CsvOptions, List)} to evaluate a model: features are exactly the model's
 * feature columns, in the model's order; pass the model's classes in
 * {@link CsvOptions#classNames(List)} so labels are numbered as in training.
 * <li>{@link #features(Path, CsvOptions, List)} to predict: the model's feature columns and no
 * target.
 * </ul>
 * The last two keep every row's original text ({@link #header()}, {@link #rawRow(int)}), so a
 * predictor can write the input rows back out with its predictions appended.
 *
 * <p>Any problem is one {@link CsvFormatException} naming the file, line and column. Values are
 * trimmed of surrounding spaces before they are parsed or compared with class and column names.
 */
public final class CsvDataset implements Dataset {
    /** Most rows, and most values, one data set holds (a Java array's practical limit). */
    private static final int MAX_ARRAY = Integer.MAX_VALUE - 8;
    private static final Set<String> NON_FINITE = Set.of("nan", "+nan", "-nan", "inf", "+inf", "-inf", "infinity",
            "+infinity", "-infinity");

    private final String name;
    private final Path file;
    private final String target;
    private final int size;
    private final int features;
    private final float[] values;
    private final int classes;
    private final int targetWidth;
    /** Class indices (classification), or null. */
    private final int[] labels;
    /** Regression targets, or null. */
    private final float[] targets;
    private final int[] lines;
    private final List<String> classNames;
    private final List<String> featureNames;
    private final List<String> header;
    /** Every row's fields as written, or null when not kept. */
    private final String[][] rawRows;

    private CsvDataset(Loader l, float[] values, int[] labels, float[] targets, List<String> classNames) {
        this.name = l.file.getFileName() != null ? l.file.getFileName().toString() : l.source;
        this.file = l.file;
        this.target = l.targetColumn < 0 ? null : l.names.get(l.targetColumn);
        this.size = l.rows;
        this.features = l.featureColumns.length;
        this.values = values;
        this.classes = labels != null ? classNames.size() : 0;
        this.targetWidth = l.targetColumn < 0 ? 0 : 1;
        this.labels = labels;
        this.targets = targets;
        this.lines = Arrays.copyOf(l.lines, l.rows);
        this.classNames = classNames;
        List<String> names = new ArrayList<>(features);
        for (int column : l.featureColumns) {
            names.add(l.names.get(column));
        }
        this.featureNames = List.copyOf(names);
        this.header = l.header;
        this.rawRows = l.raw != null ? l.raw.toArray(new String[0][]) : null;
    }

    /**
     * Reads a training file: the target column {@code options.target()} (required) and the
     * feature columns the options select, in file order.
     */
    public static CsvDataset read(Path file, CsvOptions options) throws IOException {
        requireTarget(options);
        return new Loader(file, options, null, false).load();
    }

    /**
     * Reads a file to evaluate a model on: the target column {@code options.target()} and exactly
     * the columns {@code featureNames}, in that order (other columns are ignored; a missing one is
     * an error). Give the model's classes in {@link CsvOptions#classNames(List)}: a row whose class
     * the model does not know is an error naming its line and column. Keeps the rows' text.
     */
    public static CsvDataset read(Path file, CsvOptions options, List<String> featureNames) throws IOException {
        requireTarget(options);
        return new Loader(file, options, checkFeatureNames(featureNames, options), true).load();
    }

    /**
     * Reads a file of inputs to predict on: exactly the columns {@code featureNames}, in that order
     * (a model's; other columns, a target among them, are ignored). The result has no targets
     * ({@link #classes()} 0, {@link #targetWidth()} 0) and keeps the rows' text. Only the
     * separator of {@code options} matters.
     */
    public static CsvDataset features(Path file, CsvOptions options, List<String> featureNames) throws IOException {
        CsvOptions noTarget = CsvOptions.noTarget().separator(options.separator());
        return new Loader(file, noTarget, checkFeatureNames(featureNames, options), true).load();
    }

    private static void requireTarget(CsvOptions options) {
        if (options.target() == null) {
            throw new IllegalArgumentException("reading a data set needs a target column; features() reads without");
        }
    }

    private static List<String> checkFeatureNames(List<String> names, CsvOptions options) {
        List<String> copy = List.copyOf(names);
        if (copy.isEmpty()) {
            throw new IllegalArgumentException("no feature names given");
        }
        if (new HashSet<>(copy).size() != copy.size()) {
            throw new IllegalArgumentException("feature names repeat: " + copy);
        }
        if (!options.included().isEmpty() || !options.excluded().isEmpty()) {
            throw new IllegalArgumentException("give either the feature names or included/excluded columns, not both");
        }
        return copy;
    }

    /** The file name, like {@code digits.csv}. */
    @Override
    public String name() {
        return name;
    }

    /** The file as given. */
    public Path file() {
        return file;
    }

    /** The target column's name, or null when read with {@link #features}. */
    public String targetColumn() {
        return target;
    }

    /** Whether the rows carry targets (false when read with {@link #features}). */
    public boolean hasTargets() {
        return targetWidth > 0;
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public int[] exampleShape() {
        return new int[] {features};
    }

    @Override
    public int features() {
        return features;
    }

    /** The number of classes; 0 for regression and for data without targets. */
    @Override
    public int classes() {
        return classes;
    }

    /** 1, or 0 for data without targets. */
    @Override
    public int targetWidth() {
        return targetWidth;
    }

    /** The target column's values, in class-index order. */
    @Override
    public List<String> classNames() {
        return classNames;
    }

    /** The feature columns' names: in file order, or the order asked for. */
    @Override
    public List<String> featureNames() {
        return featureNames;
    }

    @Override
    public void copyFeatures(int index, float[] dst, int offset) {
        Objects.checkIndex(index, size);
        System.arraycopy(values, index * features, dst, offset, features);
    }

    @Override
    public int label(int index) {
        if (labels == null) {
            throw new IllegalStateException(name + " has no class labels ("
                    + (hasTargets() ? "a regression target" : "no target column") + ")");
        }
        return labels[Objects.checkIndex(index, size)];
    }

    @Override
    public void copyTarget(int index, float[] dst, int offset) {
        if (labels != null) {
            dst[offset] = label(index);
        } else if (targets != null) {
            dst[offset] = targets[Objects.checkIndex(index, size)];
        }
    }

    /** The 1-based line of the file on which example {@code index} starts. */
    public int line(int index) {
        return lines[Objects.checkIndex(index, size)];
    }

    /** The header's column names as written (all columns, in file order). */
    public List<String> header() {
        return header;
    }

    /** Whether {@link #rawRow} is available (read for evaluation or prediction). */
    public boolean hasRawRows() {
        return rawRows != null;
    }

    /** Example {@code index}'s fields as written in the file (all columns, a copy). */
    public List<String> rawRow(int index) {
        if (rawRows == null) {
            throw new IllegalStateException(name + " was read for training, which keeps no row text");
        }
        return List.of(rawRows[Objects.checkIndex(index, size)]);
    }

    @Override
    public String toString() {
        return name + " (" + size + " rows, " + features + " features, "
                + (classes > 0 ? classes + " classes" : hasTargets() ? "regression" : "no target") + ")";
    }

    /** One reading of one file: column selection, then the rows. */
    private static final class Loader {
        final Path file;
        final String source;
        final CsvOptions options;
        final List<String> expected;
        List<String> header;
        List<String> names;
        int targetColumn = -1;
        int[] featureColumns;
        int rows;
        int[] lines = new int[1024];
        List<String[]> raw;

        Loader(Path file, CsvOptions options, List<String> expected, boolean keepRaw) {
            this.file = Objects.requireNonNull(file, "file");
            this.source = file.toString();
            this.options = Objects.requireNonNull(options, "options");
            this.expected = expected;
            this.raw = keepRaw ? new ArrayList<>() : null;
        }

        CsvDataset load() throws IOException {
            try (InputStream in = open()) {
                Reader text = new InputStreamReader(in, StandardCharsets.UTF_8.newDecoder());
                return parse(new CsvReader(text, source, options.separator()));
            } catch (ZipException e) {
                throw new CsvFormatException(source, "corrupt gzip stream (" + e.getMessage() + ")", e);
            } catch (EOFException e) {
                throw new CsvFormatException(source, "truncated gzip stream (" + e.getMessage() + ")", e);
            } catch (CharacterCodingException e) {
                // the decoder reads ahead in blocks, so the line is unknown
                throw new CsvFormatException(source, "not UTF-8 text (" + e.getMessage() + ")", e);
            }
        }

        private InputStream open() throws IOException {
            BufferedInputStream in = new BufferedInputStream(DataFiles.open(file), 1 << 16);
            try {
                in.mark(2);
                int b0 = in.read(), b1 = in.read();
                in.reset();
                return b0 == GzipMembers.MAGIC_0 && b1 == GzipMembers.MAGIC_1 ? new GzipMembers(in, 1 << 16) : in;
            } catch (IOException e) {
                in.close();
                throw e;
            }
        }

        private CsvDataset parse(CsvReader reader) throws IOException {
            List<String> first = reader.next();
            if (first == null) {
                throw new CsvFormatException(source, "empty file: expected a header line of column names", null);
            }
            long headerLine = reader.recordLine();
            header = List.copyOf(first);
            names = header.stream().map(String::strip).toList();
            reader.columnNames(names);
            checkHeader(headerLine);
            selectColumns(headerLine);
            boolean regression = targetColumn >= 0 && options.task() == CsvOptions.Task.REGRESSION;
            boolean classification = targetColumn >= 0 && !regression;
            Map<String, Integer> classIndex = new LinkedHashMap<>();
            boolean fixedClasses = !options.classNames().isEmpty();
            for (String c : options.classNames()) {
                classIndex.put(c, classIndex.size());
            }
            int d = featureColumns.length;
            float[] values = new float[Math.max(1024, d)];
            int[] labels = classification ? new int[1024] : null;
            float[] targets = regression ? new float[1024] : null;
            List<String> fields;
            while ((fields = reader.next()) != null) {
                long line = reader.recordLine();
                checkWidth(fields, line);
                if (rows == lines.length) {
                    if (rows >= MAX_ARRAY) {
                        throw new CsvFormatException(source, line, "more than " + MAX_ARRAY + " data rows");
                    }
                    int grown = (int) Math.min(MAX_ARRAY, 2L * rows); // arrays grow with the rows present
                    lines = Arrays.copyOf(lines, grown);
                    labels = labels != null ? Arrays.copyOf(labels, grown) : null;
                    targets = targets != null ? Arrays.copyOf(targets, grown) : null;
                }
                long need = (long) (rows + 1) * d;
                if (need > values.length) {
                    if (need > MAX_ARRAY) {
                        throw new CsvFormatException(source, line, "too many values for one data set ("
                                + rows + " rows of " + d + " features)");
                    }
                    values = Arrays.copyOf(values, (int) Math.min(MAX_ARRAY, Math.max(need,
                            2L * values.length)));
                }
                for (int j = 0; j < d; j++) {
                    values[rows * d + j] = number(fields, featureColumns[j], line, "");
                }
                if (classification) {
                    String value = fields.get(targetColumn).strip();
                    if (value.isEmpty()) {
                        throw cell(line, targetColumn, "empty class value");
                    }
                    Integer index = classIndex.get(value);
                    if (index == null) {
                        if (fixedClasses) {
                            throw cell(line, targetColumn, "class " + CsvFormatException.quoted(value)
                                    + " is not one of the known classes (" + CsvFormatException.list(options.classNames())
                                    + ")");
                        }
                        index = classIndex.size();
                        classIndex.put(value, index);
                    }
                    labels[rows] = index;
                } else if (regression) {
                    targets[rows] = number(fields, targetColumn, line, "regression target ");
                }
                lines[rows] = (int) Math.min(Integer.MAX_VALUE, line);
                if (raw != null) {
                    raw.add(fields.toArray(new String[0]));
                }
                rows++;
            }
            if (rows == 0) {
                throw new CsvFormatException(source, headerLine, "a header but no data rows");
            }
            List<String> classNames = List.of();
            if (classification) {
                classNames = List.copyOf(classIndex.keySet());
                if (!fixedClasses && options.classOrder() == CsvOptions.ClassOrder.SORTED) {
                    classNames = sorted(classNames);
                    int[] remap = new int[classNames.size()];
                    Map<String, Integer> sortedIndex = new HashMap<>();
                    for (int c = 0; c < classNames.size(); c++) {
                        sortedIndex.put(classNames.get(c), c);
                    }
                    for (Map.Entry<String, Integer> e : classIndex.entrySet()) {
                        remap[e.getValue()] = sortedIndex.get(e.getKey());
                    }
                    for (int i = 0; i < rows; i++) {
                        labels[i] = remap[labels[i]];
                    }
                }
            }
            return new CsvDataset(this, Arrays.copyOf(values, rows * d), labels != null ? Arrays.copyOf(labels, rows)
                    : null, targets != null ? Arrays.copyOf(targets, rows) : null, classNames);
        }

        private void checkHeader(long line) throws CsvFormatException {
            Map<String, Integer> seen = new HashMap<>();
            for (int c = 0; c < names.size(); c++) {
                String n = names.get(c);
                if (n.isEmpty()) {
                    throw new CsvFormatException(source, line, c + 1, n, "empty column name in the header");
                }
                Integer before = seen.putIfAbsent(n, c);
                if (before != null) {
                    throw new CsvFormatException(source, line, c + 1, n, "duplicate column name (also column "
                            + (before + 1) + ")");
                }
            }
        }

        private void selectColumns(long line) throws CsvFormatException {
            if (options.target() != null) {
                targetColumn = column(options.target(), "target column", line);
            }
            List<Integer> selected = new ArrayList<>();
            if (expected != null) {
                for (String n : expected) {
                    int c = column(n, "feature column", line);
                    if (c == targetColumn) {
                        throw new CsvFormatException(source, line, c + 1, n, "the target column cannot be a feature");
                    }
                    selected.add(c);
                }
            } else {
                Set<Integer> included = new HashSet<>();
                for (String n : options.included()) {
                    int c = column(n, "included column", line);
                    if (c == targetColumn) {
                        throw new CsvFormatException(source, line, c + 1, n, "the target column cannot be included"
                                + " as a feature");
                    }
                    included.add(c);
                }
                Set<Integer> excluded = new HashSet<>();
                for (String n : options.excluded()) {
                    excluded.add(column(n, "excluded column", line));
                }
                for (int c = 0; c < names.size(); c++) {
                    if (c != targetColumn && !excluded.contains(c) && (included.isEmpty() || included.contains(c))) {
                        selected.add(c);
                    }
                }
                if (selected.isEmpty()) {
                    throw new CsvFormatException(source, line, "no feature columns left (columns: "
                            + CsvFormatException.list(names) + ")");
                }
            }
            featureColumns = selected.stream().mapToInt(Integer::intValue).toArray();
        }

        private int column(String name, String role, long line) throws CsvFormatException {
            int c = names.indexOf(name);
            if (c < 0) {
                throw new CsvFormatException(source, line, "no " + role + " '" + name + "' in the header; the columns"
                        + " are: " + CsvFormatException.list(names));
            }
            return c;
        }

        private void checkWidth(List<String> fields, long line) throws CsvFormatException {
            int n = names.size();
            if (fields.size() < n) {
                int missing = fields.size() + 1;
                throw new CsvFormatException(source, line, missing, names.get(missing - 1), "missing field: the row has "
                        + fields.size() + " fields but the header has " + n + " columns");
            }
            if (fields.size() > n) {
                throw new CsvFormatException(source, line, n + 1, null, "extra field "
                        + CsvFormatException.quoted(fields.get(n)) + ": the row has " + fields.size() + " fields but the header has " + n + " columns");
            }
        }

        /** The cell as a finite float, or an error saying why not. */
        private float number(List<String> fields, int column, long line, String what) throws CsvFormatException {
            String s = fields.get(column).strip();
            if (s.isEmpty()) {
                throw cell(line, column, "empty " + (what.isEmpty() ? "cell" : what.strip())
                        + " (missing values are not supported)");
            }
            if (NON_FINITE.contains(s.toLowerCase(Locale.ROOT))) {
                throw cell(line, column, what + CsvFormatException.quoted(s) + " is not finite");
            }
            double v;
            try {
                v = plainNumber(s) ? Double.parseDouble(s) : Double.NaN;
            } catch (NumberFormatException e) {
                v = Double.NaN;
            }
            if (Double.isNaN(v)) {
                throw cell(line, column, what + CsvFormatException.quoted(s) + " is not a number");
            }
            float f = (float) v;
            if (!Float.isFinite(f)) {
                throw cell(line, column, what + CsvFormatException.quoted(s)
                        + " is not finite as a float (beyond +-3.4e38)");
            }
            return f;
        }

        private CsvFormatException cell(long line, int column, String problem) {
            return new CsvFormatException(source, line, column + 1, names.get(column), problem);
        }
    }

    /** Digits, sign, point and exponent only: parseDouble also takes "0x1p3", "1d" and "NaN". */
    private static boolean plainNumber(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(c >= '0' && c <= '9' || c == '.' || c == '-' || c == '+' || c == 'e' || c == 'E')) {
                return false;
            }
        }
        return true;
    }

    /** Numerically when every name is a number, else by text; see {@link CsvOptions.ClassOrder#SORTED}. */
    static List<String> sorted(List<String> names) {
        List<String> copy = new ArrayList<>(names);
        boolean numeric = names.stream().allMatch(CsvDataset::isNumber);
        copy.sort(numeric ? Comparator.comparingDouble(Double::parseDouble).thenComparing(Comparator.naturalOrder())
                : Comparator.naturalOrder());
        return List.copyOf(copy);
    }

    private static boolean isNumber(String s) {
        try {
            return plainNumber(s) && Double.isFinite(Double.parseDouble(s));
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
