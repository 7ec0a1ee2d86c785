package dev.inertia.data;

import java.io.IOException;
import java.util.List;

/**
 * A CSV file that cannot be read as a data set: a non-numeric or non-finite feature, a ragged
 * row, a missing or unknown column, an unterminated quote, an unknown class, an empty file. The
 * one-line message names the file, the 1-based line and column (number and header name) when
 * they are known, and what is wrong, like
 * {@code data.csv: line 7, column 3 'age': 'abc' is not a number}.
 */
public class CsvFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    private final String file;
    private final long line;
    private final int column;

    /** A problem with the whole file (no line). */
    public CsvFormatException(String file, String problem, Throwable cause) {
        this(file, 0, 0, null, problem, cause);
    }

    /** A problem on a line (1-based) but with no one column. */
    public CsvFormatException(String file, long line, String problem) {
        this(file, line, 0, null, problem, null);
    }

    /** A problem in one cell: line and column 1-based, {@code columnName} from the header (or null). */
    public CsvFormatException(String file, long line, int column, String columnName, String problem) {
        this(file, line, column, columnName, problem, null);
    }

    private CsvFormatException(String file, long line, int column, String columnName, String problem,
            Throwable cause) {
        super(file + ": " + where(line, column, columnName) + problem, cause);
        this.file = file;
        this.line = line;
        this.column = column;
    }

    private static String where(long line, int column, String columnName) {
        if (line <= 0) {
            return "";
        }
        String at = "line " + line;
        if (column > 0) {
            at += ", column " + column + (columnName != null ? " " + quoted(columnName) : "");
        }
        return at + ": ";
    }

    /** Longest text of the file a message shows before eliding the rest. */
    static final int SHOWN_CHARS = 40;
    /** Most names of a list a message shows. */
    static final int SHOWN_NAMES = 20;

    /**
     * Text from the file as a message shows it: in single quotes, control characters escaped (the
     * message stays one line) and cut after {@value #SHOWN_CHARS} characters.
     */
    static String quoted(String text) {
        return "'" + escaped(text) + "'" + (text.length() > SHOWN_CHARS ? " (" + text.length() + " characters, cut)"
                : "");
    }

    /** Names from the file, {@link #escaped}, at most {@value #SHOWN_NAMES} of them. */
    static String list(List<String> names) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < Math.min(names.size(), SHOWN_NAMES); i++) {
            sb.append(i == 0 ? "" : ", ").append(escaped(names.get(i)));
        }
        return names.size() > SHOWN_NAMES ? sb + ", ... (" + names.size() + " in all)" : sb.toString();
    }

    /** The first {@value #SHOWN_CHARS} characters of {@code text}, control characters escaped. */
    private static String escaped(String text) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < Math.min(text.length(), SHOWN_CHARS); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> sb.append(Character.isISOControl(c) ? String.format("\\u%04x", (int) c) : String.valueOf(c));
            }
        }
        return sb.toString();
    }

    /** The file that was being read. */
    public String file() {
        return file;
    }

    /** The 1-based line of the problem, or 0 when it concerns the whole file. */
    public long line() {
        return line;
    }

    /** The 1-based column of the problem, or 0 when it concerns no one column. */
    public int column() {
        return column;
    }
}
