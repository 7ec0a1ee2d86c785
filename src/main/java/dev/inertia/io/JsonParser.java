package dev.inertia.io;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The library's one JSON reader, small and strict (RFC 8259), for safetensors headers, model-file
 * specs and tests' reading of JSON lines: objects become
 * {@code LinkedHashMap<String, Object>} (duplicate names are an error), arrays {@code List<Object>},
 * integers {@code Long} (or {@code BigInteger} beyond 64 bits), other numbers {@code Double},
 * plus {@code String}, {@code Boolean} and {@code null}. Errors are
 * {@link IllegalArgumentException}s that give the character position.
 *
 * <p>Its input may be hostile (a safetensors header is read from any file), so its cost is
 * linear in the text's length: nesting is at most {@value #MAX_DEPTH} levels, and a number token
 * is at most {@value #MAX_NUMBER_CHARS} characters (a double needs 25, an exact decimal of one
 * fewer than 800), refused as soon as it is longer, before it is converted or even read to its
 * end: turning a 10-million-digit integer into a {@code BigInteger} would take minutes.
 */
public final class JsonParser {
    /** The deepest nesting of arrays and objects accepted. */
    public static final int MAX_DEPTH = 64;
    /** The longest number token accepted, sign and exponent included. */
    public static final int MAX_NUMBER_CHARS = 1000;
    private static final BigInteger LONG_MIN = BigInteger.valueOf(Long.MIN_VALUE);
    private static final BigInteger LONG_MAX = BigInteger.valueOf(Long.MAX_VALUE);

    private final String text;
    private int pos;
    private int depth;

    private JsonParser(String text) {
        this.text = text;
    }

    /** Parses one JSON value filling {@code text} (whitespace around it is allowed). */
    public static Object parse(String text) {
        JsonParser p = new JsonParser(text);
        p.skipWhitespace();
        Object value = p.value();
        p.skipWhitespace();
        if (p.pos < text.length()) {
            throw p.error("unexpected " + p.describeHere() + " after the JSON value");
        }
        return value;
    }

    private Object value() {
        if (pos >= text.length()) {
            throw error("the JSON ends where a value should be");
        }
        char c = text.charAt(pos);
        return switch (c) {
            case '{' -> object();
            case '[' -> array();
            case '"' -> string();
            case 't' -> literal("true", Boolean.TRUE);
            case 'f' -> literal("false", Boolean.FALSE);
            case 'n' -> literal("null", null);
            default -> {
                if (c == '-' || (c >= '0' && c <= '9')) {
                    yield number();
                }
                throw error("unexpected " + describeHere() + " where a value should be");
            }
        };
    }

    private Map<String, Object> object() {
        enter();
        pos++; // '{'
        Map<String, Object> map = new LinkedHashMap<>();
        skipWhitespace();
        if (peek() == '}') {
            pos++;
            depth--;
            return map;
        }
        while (true) {
            skipWhitespace();
            if (peek() != '"') {
                throw error("expected a quoted member name but found " + describeHere());
            }
            int namePos = pos;
            String name = string();
            skipWhitespace();
            expect(':');
            skipWhitespace();
            Object value = value();
            if (map.containsKey(name)) {
                throw new IllegalArgumentException("duplicate member \"" + name + "\" at character " + namePos);
            }
            map.put(name, value);
            skipWhitespace();
            char c = peek();
            pos++;
            if (c == '}') {
                depth--;
                return map;
            }
            if (c != ',') {
                pos--;
                throw error("expected ',' or '}' but found " + describeHere());
            }
        }
    }

    private List<Object> array() {
        enter();
        pos++; // '['
        List<Object> list = new ArrayList<>();
        skipWhitespace();
        if (peek() == ']') {
            pos++;
            depth--;
            return list;
        }
        while (true) {
            skipWhitespace();
            list.add(value());
            skipWhitespace();
            char c = peek();
            pos++;
            if (c == ']') {
                depth--;
                return list;
            }
            if (c != ',') {
                pos--;
                throw error("expected ',' or ']' but found " + describeHere());
            }
        }
    }

    private String string() {
        pos++; // opening quote
        StringBuilder sb = new StringBuilder();
        while (true) {
            if (pos >= text.length()) {
                throw error("unterminated string");
            }
            char c = text.charAt(pos++);
            if (c == '"') {
                return sb.toString();
            }
            if (c < 0x20) {
                pos--;
                throw error("unescaped control character in a string");
            }
            if (c != '\\') {
                sb.append(c);
                continue;
            }
            if (pos >= text.length()) {
                throw error("unterminated escape");
            }
            char e = text.charAt(pos++);
            switch (e) {
                case '"' -> sb.append('"');
                case '\\' -> sb.append('\\');
                case '/' -> sb.append('/');
                case 'b' -> sb.append('\b');
                case 'f' -> sb.append('\f');
                case 'n' -> sb.append('\n');
                case 'r' -> sb.append('\r');
                case 't' -> sb.append('\t');
                case 'u' -> {
                    if (pos + 4 > text.length()) {
                        throw error("truncated \\u escape");
                    }
                    int code = 0;
                    for (int i = 0; i < 4; i++) {
                        int digit = Character.digit(text.charAt(pos + i), 16);
                        if (digit < 0) {
                            throw error("bad \\u escape");
                        }
                        code = code * 16 + digit;
                    }
                    pos += 4;
                    sb.append((char) code);
                }
                default -> {
                    pos--;
                    throw error("bad escape \\ followed by " + describe(e));
                }
            }
        }
    }

    private Object number() {
        int start = pos;
        if (peek() == '-') {
            pos++;
        }
        if (peek() == '0') {
            pos++;
        } else if (isDigit(peek())) {
            digits(start);
        } else {
            throw error("a number needs digits");
        }
        boolean integer = true;
        if (peek() == '.') {
            integer = false;
            pos++;
            requireDigits(start);
        }
        if (peek() == 'e' || peek() == 'E') {
            integer = false;
            pos++;
            if (peek() == '+' || peek() == '-') {
                pos++;
            }
            requireDigits(start);
        }
        int length = pos - start;
        if (integer && length <= 18) { // at most 18 digits: always a long
            return Long.parseLong(text, start, pos, 10);
        }
        String token = text.substring(start, pos);
        if (!integer) {
            return Double.parseDouble(token);
        }
        BigInteger big = new BigInteger(token); // at most MAX_NUMBER_CHARS digits: bounded work
        return big.compareTo(LONG_MIN) >= 0 && big.compareTo(LONG_MAX) <= 0 ? (Object) big.longValue() : big;
    }

    /**
     * Consumes a run of digits of the number token that began at {@code start}, refusing it as
     * soon as the token is longer than {@link #MAX_NUMBER_CHARS}: the rest is never read.
     */
    private void digits(int start) {
        while (isDigit(peek())) {
            pos++;
            if (pos - start > MAX_NUMBER_CHARS) {
                pos = start;
                throw error("a number longer than " + MAX_NUMBER_CHARS + " characters");
            }
        }
    }

    private void requireDigits(int start) {
        if (!isDigit(peek())) {
            throw error("a number needs digits after '.' or 'e'");
        }
        digits(start);
    }

    private Object literal(String word, Object value) {
        if (!text.startsWith(word, pos)) {
            throw error("unexpected " + describeHere() + " where a value should be");
        }
        pos += word.length();
        return value;
    }

    private void enter() {
        if (++depth > MAX_DEPTH) {
            throw error("nested deeper than " + MAX_DEPTH + " levels");
        }
    }

    private void expect(char c) {
        if (peek() != c) {
            throw error("expected '" + c + "' but found " + describeHere());
        }
        pos++;
    }

    /** The character at the position, or 0 at the end (never a valid token start). */
    private char peek() {
        return pos < text.length() ? text.charAt(pos) : 0;
    }

    private void skipWhitespace() {
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                return;
            }
            pos++;
        }
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private String describeHere() {
        if (pos >= text.length()) {
            return "the end of the text";
        }
        return describe(text.charAt(pos));
    }

    /** A character for a one-line message: printable ASCII quoted, anything else as its code point. */
    private static String describe(char c) {
        return c >= 0x20 && c < 0x7f ? "'" + c + "'" : String.format("character U+%04X", (int) c);
    }

    private IllegalArgumentException error(String what) {
        return new IllegalArgumentException(what + " at character " + pos);
    }
}
