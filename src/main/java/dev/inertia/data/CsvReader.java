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
 */
final class CsvReader {
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

    /** Names columns in later errors (the header, once read). */
    void columnNames(List<String> names) {
        this.columnNames = names;
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
            if (c == '"') {
                c = quoted(field, fields.size() + 1);
            } else {
                while (c != separator && c != '\n' && c != '\r' && c >= 0) {
                    field.append((char) c);
                    c = read();
                }
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
            field.append((char) c);
        }
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
