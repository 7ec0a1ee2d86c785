package dev.inertia.io;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The library's one JSON writer: {@link #quote} escapes a string as every JSON the library writes
 * needs it (safetensors headers, model-file specs, the command line's JSON lines), and an instance
 * is one flat JSON object written on one line in insertion order (the {@code --json} output).
 * Reading is {@link JsonParser}'s.
 */
public final class Json {
    private final Map<String, Object> fields = new LinkedHashMap<>();

    /**
     * Adds a field: null is {@code null}, booleans and integers as they are, other numbers with
     * {@link Double#toString} ({@code null} when not finite: JSON has no NaN), a {@code double[]}
     * as an array of such numbers, anything else as
     * the string of its {@code toString}.
     */
    public Json put(String name, Object value) {
        fields.put(name, value);
        return this;
    }

    /** The object on one line, fields separated by {@code ", "}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("{");
        for (Map.Entry<String, Object> e : fields.entrySet()) {
            if (sb.length() > 1) {
                sb.append(", ");
            }
            quote(sb, e.getKey());
            sb.append(": ");
            Object v = e.getValue();
            if (v == null) {
                sb.append("null");
            } else if (v instanceof Boolean || v instanceof Integer || v instanceof Long) {
                sb.append(v);
            } else if (v instanceof Number num) {
                number(sb, num.doubleValue());
            } else if (v instanceof double[] values) {
                sb.append('[');
                for (int i = 0; i < values.length; i++) {
                    if (i > 0) {
                        sb.append(", ");
                    }
                    number(sb, values[i]);
                }
                sb.append(']');
            } else {
                quote(sb, v.toString());
            }
        }
        return sb.append('}').toString();
    }

    private static void number(StringBuilder sb, double d) {
        sb.append(Double.isFinite(d) ? Double.toString(d) : "null");
    }

    /**
     * {@code s} with its control characters escaped as {@link #quote} escapes them, without
     * quotes: text from a file (a tensor name, a metadata value) made safe for a one-line message.
     */
    public static String oneLine(String s) {
        StringBuilder sb = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 && sb == null) {
                sb = new StringBuilder(s.length() + 16).append(s, 0, i);
            }
            if (sb != null) {
                if (c < 0x20) {
                    String q = quote(String.valueOf(c)); // "\n", "\u0001", ...
                    sb.append(q, 1, q.length() - 1);
                } else {
                    sb.append(c);
                }
            }
        }
        return sb == null ? s : sb.toString();
    }

    /** {@code s} as a JSON string literal, quotes included (see {@link #quote(StringBuilder, String)}). */
    public static String quote(String s) {
        return quote(new StringBuilder(), s).toString();
    }

    /**
     * Appends {@code s} as a JSON string literal: {@code "} and {@code \} escaped, the control
     * characters with RFC 8259's short escapes where it has one ({@code \n \r \t \b \f}) and
     * {@code \}{@code u00XX} otherwise, everything else as it is (UTF-8 is the writer's business).
     * Safetensors files rely on this exact form: their headers must stay byte-identical.
     */
    public static StringBuilder quote(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"');
    }
}
