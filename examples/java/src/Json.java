import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A minimal, strict JSON reader and writer (RFC 8259), just enough for the adapter protocol.
 * Java's standard library has no JSON parser; a real SDK would use its JSON library of choice instead.
 *
 * <p>Mapping: object -> {@code Map<String, Object>} (insertion order kept), array -> {@code List<Object>},
 * string -> {@code String}, number -> {@code Long} (integers only: the protocol has no other numbers),
 * true/false -> {@code Boolean}, null -> {@code null}.
 *
 * <p>Strict means: no trailing commas, no comments, no single quotes, no leading zeros, no control
 * characters inside strings, no unpaired surrogates, no duplicate keys, nothing after the value.
 */
final class Json {
    private Json() {}

    /** Thrown for any text that is not exactly one strict JSON value. */
    static final class JsonException extends Exception {
        private static final long serialVersionUID = 1L;
        JsonException(String message) { super(message); }
    }

    // ---------------------------------------------------------------- reading

    /** Parses one JSON text (surrounding whitespace allowed) into the mapping above. */
    static Object parse(String text) throws JsonException {
        Parser p = new Parser(text);
        p.skipWhitespace();
        Object value = p.readValue();
        p.skipWhitespace();
        if (p.pos != text.length()) throw p.error("unexpected data after the JSON value");
        return value;
    }

    private static final class Parser {
        final String s;
        int pos;

        Parser(String s) { this.s = s; }

        JsonException error(String what) { return new JsonException(what + " at offset " + pos); }

        /** JSON whitespace is exactly space, tab, LF and CR. */
        void skipWhitespace() {
            while (pos < s.length() && " \t\n\r".indexOf(s.charAt(pos)) >= 0) pos++;
        }

        void expect(char c) throws JsonException {
            if (pos >= s.length() || s.charAt(pos) != c) throw error("expected '" + c + "'");
            pos++;
        }

        Object readValue() throws JsonException {
            if (pos >= s.length()) throw error("unexpected end of input");
            char c = s.charAt(pos);
            switch (c) {
                case '{': return readObject();
                case '[': return readArray();
                case '"': return readString();
                case 't': return readLiteral("true", Boolean.TRUE);
                case 'f': return readLiteral("false", Boolean.FALSE);
                case 'n': return readLiteral("null", null);
                default:
                    if (c == '-' || (c >= '0' && c <= '9')) return readNumber();
                    throw error("unexpected character '" + c + "'");
            }
        }

        Object readLiteral(String word, Object value) throws JsonException {
            if (!s.startsWith(word, pos)) throw error("invalid literal");
            pos += word.length();
            return value;
        }

        Map<String, Object> readObject() throws JsonException {
            Map<String, Object> map = new LinkedHashMap<>();
            expect('{');
            skipWhitespace();
            if (pos < s.length() && s.charAt(pos) == '}') { pos++; return map; }
            while (true) {
                skipWhitespace();
                if (pos >= s.length() || s.charAt(pos) != '"') throw error("expected a string key");
                String key = readString();
                if (map.containsKey(key)) throw error("duplicate key \"" + key + "\"");
                skipWhitespace();
                expect(':');
                skipWhitespace();
                map.put(key, readValue());
                skipWhitespace();
                if (pos < s.length() && s.charAt(pos) == ',') { pos++; continue; }
                expect('}');
                return map;
            }
        }

        List<Object> readArray() throws JsonException {
            List<Object> list = new ArrayList<>();
            expect('[');
            skipWhitespace();
            if (pos < s.length() && s.charAt(pos) == ']') { pos++; return list; }
            while (true) {
                skipWhitespace();
                list.add(readValue());
                skipWhitespace();
                if (pos < s.length() && s.charAt(pos) == ',') { pos++; continue; }
                expect(']');
                return list;
            }
        }

        /** Integers only: -?(0|[1-9][0-9]*), within the range of a long. */
        Long readNumber() throws JsonException {
            int start = pos;
            if (s.charAt(pos) == '-') pos++;
            if (pos >= s.length() || s.charAt(pos) < '0' || s.charAt(pos) > '9') throw error("invalid number");
            if (s.charAt(pos) == '0') {
                pos++;
            } else {
                while (pos < s.length() && s.charAt(pos) >= '0' && s.charAt(pos) <= '9') pos++;
            }
            if (pos < s.length() && ".eE0123456789".indexOf(s.charAt(pos)) >= 0) {
                throw error("only integers without leading zeros are supported");
            }
            try {
                return Long.parseLong(s.substring(start, pos));
            } catch (NumberFormatException e) {
                throw error("integer out of range");
            }
        }

        String readString() throws JsonException {
            expect('"');
            StringBuilder out = new StringBuilder();
            while (true) {
                if (pos >= s.length()) throw error("unterminated string");
                char c = s.charAt(pos++);
                if (c == '"') return out.toString();
                if (c < 0x20) throw error("control character in string");
                if (Character.isSurrogate(c)) {
                    // A raw surrogate must be a well-formed pair (a UTF-8 decoder never yields a lone one).
                    if (!Character.isHighSurrogate(c) || pos >= s.length()
                            || !Character.isLowSurrogate(s.charAt(pos))) throw error("unpaired surrogate");
                    out.append(c).append(s.charAt(pos++));
                    continue;
                }
                if (c != '\\') { out.append(c); continue; }
                if (pos >= s.length()) throw error("unterminated escape");
                char e = s.charAt(pos++);
                switch (e) {
                    case '"': out.append('"'); break;
                    case '\\': out.append('\\'); break;
                    case '/': out.append('/'); break;
                    case 'b': out.append('\b'); break;
                    case 'f': out.append('\f'); break;
                    case 'n': out.append('\n'); break;
                    case 'r': out.append('\r'); break;
                    case 't': out.append('\t'); break;
                    case 'u': {
                        char u = readHex4();
                        if (Character.isHighSurrogate(u)) {
                            // A high surrogate escape (D800-DBFF) must be followed by a low one (DC00-DFFF): one code point.
                            if (!s.startsWith("\\u", pos)) throw error("unpaired surrogate escape");
                            pos += 2;
                            char low = readHex4();
                            if (!Character.isLowSurrogate(low)) throw error("unpaired surrogate escape");
                            out.append(u).append(low);
                        } else if (Character.isLowSurrogate(u)) {
                            throw error("unpaired surrogate escape");
                        } else {
                            out.append(u);
                        }
                        break;
                    }
                    default: throw error("invalid escape \\" + e);
                }
            }
        }

        /** Exactly four hex digits (either case) after a backslash-u. */
        char readHex4() throws JsonException {
            if (pos + 4 > s.length()) throw error("truncated \\u escape");
            int v = 0;
            for (int i = 0; i < 4; i++) {
                char h = s.charAt(pos + i);
                int d = (h >= '0' && h <= '9') ? h - '0'
                        : (h >= 'a' && h <= 'f') ? h - 'a' + 10
                        : (h >= 'A' && h <= 'F') ? h - 'A' + 10 : -1;
                if (d < 0) throw error("invalid \\u escape");
                v = v * 16 + d;
            }
            pos += 4;
            return (char) v;
        }
    }

    // ---------------------------------------------------------------- writing

    /**
     * Serialises Map / List / String / Number / Boolean / null to compact JSON on one line.
     * Every non-ASCII character is written as a backslash-u escape, so the output is plain ASCII.
     */
    static String write(Object value) {
        StringBuilder out = new StringBuilder();
        write(value, out);
        return out.toString();
    }

    private static void write(Object value, StringBuilder out) {
        if (value == null) {
            out.append("null");
        } else if (value instanceof String) {
            writeString((String) value, out);
        } else if (value instanceof Boolean || value instanceof Long || value instanceof Integer) {
            out.append(value);
        } else if (value instanceof Map) {
            out.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : ((Map<?, ?>) value).entrySet()) {
                if (!first) out.append(',');
                first = false;
                writeString((String) e.getKey(), out);
                out.append(':');
                write(e.getValue(), out);
            }
            out.append('}');
        } else if (value instanceof List) {
            out.append('[');
            boolean first = true;
            for (Object item : (List<?>) value) {
                if (!first) out.append(',');
                first = false;
                write(item, out);
            }
            out.append(']');
        } else {
            throw new IllegalArgumentException("cannot write " + value.getClass() + " as JSON");
        }
    }

    private static void writeString(String s, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"': out.append("\\\""); break;
                case '\\': out.append("\\\\"); break;
                case '\n': out.append("\\n"); break;
                case '\r': out.append("\\r"); break;
                case '\t': out.append("\\t"); break;
                default:
                    if (c < 0x20 || c > 0x7e) out.append(String.format("\\u%04x", (int) c));
                    else out.append(c);
            }
        }
        out.append('"');
    }
}
