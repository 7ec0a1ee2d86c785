package dev.inertia.data;

import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits CSV text into records (RFC 4180): fields separated by one character, optionally in
 * double quotes, inside which {@code ""} is a quote and separators and line breaks are text.
 * Lines end in LF, CRLF or CR; a leading byte-order mark is skipped; blank lines (a trailing one
 * included) are skipped. Text after a closing quote and an unclosed quote are errors naming the
 * line and column; a quote inside an unquoted field ({@code 5"}) is kept as text, as most
 * writers that break the rule mean it. The caller closes the reader.
 *
 * <p>Hostile text costs no more than its length: a field longer than {@link #MAX_FIELD_CHARS}
 * (an unclosed quote, usually), a header of more than {@link #MAX_COLUMNS} columns and a row with
 * more fields than the header are errors raised as soon as the limit is passed, before the rest
 * is read into memory.
 */
final class CsvReader {
    /** Longest field: numbers and class names are short; a megabyte of text is a broken file. */
    static final int MAX_FIELD_CHARS = 1 << 20;
    /** Most columns a header may have. */
    static final int MAX_COLUMNS = 1 << 20;
    private static final char[] CANDIDATES = {',', ';', '\t'};

    private final Reader in;
    private final String file;
    private final char[] buffer = new char[1 << 16];
    private int position;
    private int limit;
    /** Text read ahead while detecting the separator, served before {@link #in}. */
    private String prefix = "";
    private int prefixPosition;
    private int pushedBack = -2;
    private char separator;
    private long line = 1;
    private long recordLine;
    private List<String> columnNames = List.of();
    private int maxFields = MAX_COLUMNS;

    /** Reads from {@code in}, naming {@code file} in errors; {@code separator} may be {@link CsvOptions#AUTO}. */
    CsvReader(Reader in, String file, char separator) throws IOException {
        this.in = in;
        this.file = file;
        int first = read();
        if (first != '\uFEFF' && first >= 0) {
            pushedBack = first;
        }
        this.separator = separator == CsvOptions.AUTO ? detect() : separator;
    }

    /** The separator in use (detected or given). */
    char separator() {
        return separator;
    }

    /**
     * Names columns in later errors (the header, once read); a later record with more fields than
     * the header is an error raised at its first extra field.
     */
    void columnNames(List<String> names) {
        this.columnNames = names;
        this.maxFields = names.size();
    }

    /** The 1-based line on which the last record returned by {@link #next()} starts. */
    long recordLine() {
        return recordLine;
    }

    /** The next record's fields, or null at the end of the text. */
    List<String> next() throws IOException {
        int c = read();
        while (c == '\n' || c == '\r') { // blank line
            endLine(c);
            c = read();
        }
        if (c < 0) {
            return null;
        }
        recordLine = line;
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        while (true) {
            int column = fields.size() + 1;
            if (c == '"') {
                c = quoted(field, column);
            } else {
                while (c != separator && c != '\n' && c != '\r' && c >= 0) {
                    append(field, c, line, column);
                    c = read();
                }
            }
            if (column > maxFields) {
                throw new CsvFormatException(file, recordLine, column, null, maxFields == MAX_COLUMNS
                        ? "more than " + MAX_COLUMNS + " columns" : "extra field " + CsvFormatException.quoted(field.toString())
                        + ": the row has more than "
                        + maxFields + " fields but the header has " + maxFields + " columns");
            }
            fields.add(field.toString());
            field.setLength(0);
            if (c != separator) {
                if (c >= 0) {
                    endLine(c);
                }
                return fields;
            }
            c = read();
        }
    }

    /** Reads a quoted field after its opening quote; returns the character after the closing quote. */
    private int quoted(StringBuilder field, int column) throws IOException {
        long openedOn = line;
        while (true) {
            int c = read();
            if (c < 0) {
                throw new CsvFormatException(file, openedOn, column, name(column),
                        "unterminated quote: the quoted field opened here never closes");
            }
            if (c == '"') {
                int after = read();
                if (after != '"') {
                    if (after != separator && after != '\n' && after != '\r' && after >= 0) {
                        throw new CsvFormatException(file, line, column, name(column), "unexpected "
                                + describe(after) + " after a closing quote (a quote inside a quoted field is"
                                + " written \"\")");
                    }
                    return after;
                }
            } else if (c == '\n') {
                line++;
            }
            append(field, c, openedOn, column);
        }
    }

    /** Adds one character to a field, refusing one that grows past {@link #MAX_FIELD_CHARS}. */
    private void append(StringBuilder field, int c, long startLine, int column) throws CsvFormatException {
        if (field.length() == MAX_FIELD_CHARS) {
            throw new CsvFormatException(file, startLine, column, name(column), "field longer than " + MAX_FIELD_CHARS
                    + " characters (an unclosed quote?)");
        }
        field.append((char) c);
    }

    /** Consumes a line end starting with {@code c} (LF, CR or CRLF). */
    private void endLine(int c) throws IOException {
        if (c == '\r') {
            int next = read();
            if (next != '\n' && next >= 0) {
                pushedBack = next;
            }
        }
        line++;
    }

    /**
     * Reads ahead to the end of the first record (line breaks inside quotes do not end it) and
     * picks the candidate separator seen most often outside quotes there: ties go to the earlier
     * of {@code , ; \t}, and none seen (one column) means a comma.
     */
    private char detect() throws IOException {
        StringBuilder head = new StringBuilder();
        int[] counts = new int[CANDIDATES.length];
        boolean quoted = false;
        int c;
        while ((c = read()) >= 0) {
            head.append((char) c);
            if (c == '"') {
                quoted = !quoted;
            } else if (!quoted && (c == '\n' || c == '\r')) {
                break;
            } else if (!quoted) {
                for (int k = 0; k < CANDIDATES.length; k++) {
                    counts[k] += c == CANDIDATES[k] ? 1 : 0;
                }
            }
        }
        prefix = head.toString();
        prefixPosition = 0;
        int best = 0;
        for (int k = 1; k < CANDIDATES.length; k++) {
            best = counts[k] > counts[best] ? k : best;
        }
        return CANDIDATES[best];
    }

    private int read() throws IOException {
        if (pushedBack != -2) {
            int c = pushedBack;
            pushedBack = -2;
            return c;
        }
        if (prefixPosition < prefix.length()) {
            return prefix.charAt(prefixPosition++);
        }
        if (position == limit) {
            limit = in.read(buffer, 0, buffer.length);
            position = 0;
            if (limit <= 0) {
                limit = 0;
                return -1;
            }
        }
        return buffer[position++];
    }

    private String name(int column) {
        return column <= columnNames.size() ? columnNames.get(column - 1) : null;
    }

    private static String describe(int c) {
        return Character.isISOControl(c) ? String.format("character U+%04X", c) : "character '" + (char) c + "'";
    }
}
