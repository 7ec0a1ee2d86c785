package dev.inertia.data;

import java.io.IOException;

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
            at += ", column " + column + (columnName != null ? " '" + columnName + "'" : "");
        }
        return at + ": ";
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
