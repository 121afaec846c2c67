import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The FirstVision request signature (spec docs/spec/firstvision.md, rules FV-1..17):
 * signing a request (client side) and verifying one (server side).
 */
final class FirstVision {
    private FirstVision() {}

    // FV-1: the signed header fields, and the lowercase form used to match names (FV-2).
    static final String API_KEY = "Api-Key";
    static final String CLIENT_REQUEST_ID = "Client-Request-Id";
    static final String TIMESTAMP = "Timestamp";
    static final String AUTH_TOKEN_TYPE = "Auth-Token-Type";
    static final String AUTHORIZATION = "Authorization";
    static final List<String> SIGNED_FIELDS =
            List.of(API_KEY, CLIENT_REQUEST_ID, TIMESTAMP, AUTH_TOKEN_TYPE, AUTHORIZATION);

    // FV-5, FV-6, FV-7. Java's [A-Za-z0-9] is ASCII only, and Matcher.matches() must match the whole
    // value (unlike find() with "$", which would also accept a trailing line break).
    private static final Pattern API_KEY_SYNTAX = Pattern.compile("[A-Za-z0-9]{1,128}");
    private static final Pattern REQUEST_ID_SYNTAX = Pattern.compile("[A-Za-z0-9-]{1,128}");
    private static final Pattern TIMESTAMP_SYNTAX = Pattern.compile("[1-9][0-9]{0,15}");
    // FV-11: the standard Base64 alphabet with at most two '=' at the end.
    private static final Pattern BASE64_SYNTAX = Pattern.compile("[A-Za-z0-9+/]*={0,2}");
    // FV-12: the legacy form carries lowercase hex digits only.
    private static final Pattern LOWER_HEX = Pattern.compile("[0-9a-f]*");

    /** The default freshness window W of FV-14: 5 minutes. */
    static final long DEFAULT_WINDOW_MS = 300_000;

    // ------------------------------------------------------------------------------------ signing

    /** A signed request: the Authorization value, the bytes that were signed, and the headers to send. */
    record Signed(String signature, byte[] stringToSign, Map<String, String> headers) {}

    /** Thrown by {@link #sign} for inputs no conforming verifier would accept (FV-17). */
    static final class Refused extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        private final String reason;

        Refused(String reason) {
            super("refusing to sign: " + reason);
            this.reason = reason;
        }

        /** The reason code a verifier would reject the request with. */
        String reason() { return reason; }
    }

    /**
     * Signs a request (FV-8..FV-10). {@code legacyHexBase64} selects the legacy encoding of FV-12, which a
     * signer must only produce when explicitly configured to. The three values are signed and sent exactly
     * as given, never trimmed (FV-17: FV-3's trimming is for received header lines); one that breaks FV-5..7
     * throws {@link Refused}.
     */
    static Signed sign(String algorithm, byte[] secret, String apiKey, String clientRequestId, String timestamp,
                       byte[] body, boolean legacyHexBase64) throws GeneralSecurityException {
        String problem = fieldProblem(apiKey, clientRequestId, timestamp);
        if (problem != null) throw new Refused(problem);
        byte[] stringToSign = stringToSign(apiKey, clientRequestId, timestamp, body);
        // FV-9: HMAC keyed with the secret's bytes as issued, full output.
        byte[] mac = Hmac.compute(algorithm, secret, stringToSign);
        String signature = legacyHexBase64
                // FV-12: Base64 of the lowercase hex text of the MAC.
                ? Base64.getEncoder().encodeToString(HexFormat.of().formatHex(mac).getBytes(StandardCharsets.US_ASCII))
                // FV-10: Base64 of the raw MAC (canonical).
                : Base64.getEncoder().encodeToString(mac);

        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(API_KEY, apiKey);
        headers.put(CLIENT_REQUEST_ID, clientRequestId);
        headers.put(TIMESTAMP, timestamp);
        headers.put(AUTH_TOKEN_TYPE, "HMAC");
        headers.put(AUTHORIZATION, signature);
        if (body.length > 0) headers.put("Content-Type", "application/json"); // FV-1: not signed
        return new Signed(signature, stringToSign, headers);
    }

    /**
     * The reason code for the first of the three signed values that breaks its syntax (FV-5, FV-6, FV-7, in
     * that order), or null. Shared by the signer (FV-17) and the verifier (FV-16 steps 4-6).
     */
    static String fieldProblem(String apiKey, String clientRequestId, String timestamp) {
        if (!API_KEY_SYNTAX.matcher(apiKey).matches()) return "malformed-api-key";
        if (!REQUEST_ID_SYNTAX.matcher(clientRequestId).matches()) return "malformed-request-id";
        if (!TIMESTAMP_SYNTAX.matcher(timestamp).matches()) return "malformed-timestamp";
        return null;
    }

    /** FV-8: Api-Key ‖ Client-Request-Id ‖ Timestamp ‖ body, no separators, body exactly as sent. */
    static byte[] stringToSign(String apiKey, String clientRequestId, String timestamp, byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        // The three fields are ASCII once FV-5..FV-7 hold; UTF-8 is the same bytes for ASCII.
        out.writeBytes(apiKey.getBytes(StandardCharsets.UTF_8));
        out.writeBytes(clientRequestId.getBytes(StandardCharsets.UTF_8));
        out.writeBytes(timestamp.getBytes(StandardCharsets.UTF_8));
        out.writeBytes(body);
        return out.toByteArray();
    }

    // ------------------------------------------------------------------------------------ verifying

    /** One application the verifier knows: its Api-Key, secret and configured algorithm (FV-9). */
    record AppKey(String apiKey, byte[] secret, String algorithm) {}

    /** A received request. Headers are [name, value] pairs in wire order; method and path are not signed. */
    record Request(String method, String path, List<String[]> headers, byte[] body) {}

    /** The verifier's configuration and state. {@code seenRequestIds} is the replay cache of FV-15. */
    record Verifier(List<AppKey> keys, long nowMs, long windowMs, Set<String> seenRequestIds,
                    boolean legacyHexBase64) {}

    /** Verifies a request, checking in the order of FV-16 and stopping at the first failure. */
    static Decision verify(Verifier verifier, Request request) throws GeneralSecurityException {
        // Collect the values of each FV-1 field, matching names ASCII case-insensitively (FV-2).
        Map<String, List<String>> fields = new LinkedHashMap<>();
        for (String name : SIGNED_FIELDS) fields.put(asciiLowercase(name), new ArrayList<>());
        for (String[] header : request.headers()) {
            List<String> values = fields.get(asciiLowercase(header[0]));
            if (values != null) values.add(trim(header[1])); // FV-3: trimmed values are checked and signed
        }
        // Step 1: every field present.
        for (List<String> values : fields.values()) {
            if (values.isEmpty()) return Decision.reject("missing-header");
        }
        // Step 2 (FV-4): no field repeated, not even with equal values.
        for (List<String> values : fields.values()) {
            if (values.size() > 1) return Decision.reject("duplicate-header");
        }
        String apiKey = fields.get("api-key").get(0);
        String requestId = fields.get("client-request-id").get(0);
        String timestamp = fields.get("timestamp").get(0);
        String authTokenType = fields.get("auth-token-type").get(0);
        String authorization = fields.get("authorization").get(0);

        // Step 3: the exact, case-sensitive text HMAC.
        if (!authTokenType.equals("HMAC")) return Decision.reject("bad-auth-type");
        // Steps 4-6: field syntax (FV-5, FV-6, FV-7), with explicit ASCII rules, never Long.parseLong alone.
        String problem = fieldProblem(apiKey, requestId, timestamp);
        if (problem != null) return Decision.reject(problem);

        // Steps 7-8 (FV-14): inclusive window; at most 16 digits always fits in a long.
        long ts = Long.parseLong(timestamp);
        if (verifier.nowMs() - ts > verifier.windowMs()) return Decision.reject("stale");
        if (ts - verifier.nowMs() > verifier.windowMs()) return Decision.reject("future");

        // Step 9: the Api-Key names a known application (exact, case-sensitive match).
        AppKey key = null;
        for (AppKey candidate : verifier.keys()) {
            if (candidate.apiKey().equals(apiKey)) { key = candidate; break; }
        }
        if (key == null) return Decision.reject("unknown-api-key");

        // Step 10 (FV-11, FV-12): decode the signature strictly to the raw MAC.
        int macLength = Hmac.outputLength(key.algorithm());
        byte[] received = decodeSignature(authorization, macLength, verifier.legacyHexBase64());
        if (received == null) return Decision.reject("malformed-signature");

        // Step 11 (FV-13): recompute over the trimmed fields and the body as received; constant-time compare.
        byte[] expected = Hmac.compute(key.algorithm(), key.secret(),
                stringToSign(apiKey, requestId, timestamp, request.body()));
        if (!MessageDigest.isEqual(expected, received)) return Decision.reject("signature-mismatch");

        // Step 12 (FV-15): replay, checked last so that only authenticated requests reach the cache.
        if (verifier.seenRequestIds().contains(requestId)) return Decision.reject("replay");
        // A real verifier now remembers requestId for the length of the window.
        return Decision.accept();
    }

    /**
     * Decodes an Authorization value to the raw MAC of {@code macLength} bytes, or returns null if it is
     * malformed (FV-11). With {@code legacyHexBase64}, a value of the legacy length is accepted as Base64
     * of exactly 2L lowercase hex digits (FV-12).
     */
    static byte[] decodeSignature(String value, int macLength, boolean legacyHexBase64) {
        int legacyTextLength = base64Length(2 * macLength);
        if (legacyHexBase64 && value.length() == legacyTextLength) {
            byte[] hexText = strictBase64Decode(value);
            if (hexText == null || hexText.length != 2 * macLength) return null;
            String hex = new String(hexText, StandardCharsets.US_ASCII);
            if (!LOWER_HEX.matcher(hex).matches()) return null; // uppercase hex is malformed too
            return HexFormat.of().parseHex(hex);
        }
        byte[] mac = strictBase64Decode(value);
        if (mac == null || mac.length != macLength) return null;
        return mac;
    }

    /**
     * Strict Base64 (FV-11): standard alphabet, correct padding, nothing else, unused bits zero.
     * java.util.Base64's decoder alone is too lenient (it accepts missing padding and non-zero unused
     * bits), so the text must also be exactly what encoding the decoded bytes gives back.
     */
    static byte[] strictBase64Decode(String text) {
        if (text.length() % 4 != 0 || !BASE64_SYNTAX.matcher(text).matches()) return null;
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            return null;
        }
        return Base64.getEncoder().encodeToString(bytes).equals(text) ? bytes : null;
    }

    /** Length of the padded Base64 text for {@code n} bytes. */
    private static int base64Length(int n) {
        return 4 * ((n + 2) / 3);
    }

    /**
     * FV-2: ASCII-only lowercase. String.toLowerCase and equalsIgnoreCase also fold non-ASCII letters
     * (the Kelvin sign U+212A becomes 'k'), which would let "Api-Key" spelt with a Kelvin sign name the Api-Key field.
     */
    static String asciiLowercase(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            out.append(c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c);
        }
        return out.toString();
    }

    /**
     * FV-3: remove leading and trailing spaces and horizontal tabs only. String.trim() also removes every
     * character up to U+0020 (VT, FF, CR), and strip() every Character.isWhitespace one (also U+3000).
     */
    static String trim(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && (s.charAt(start) == ' ' || s.charAt(start) == '\t')) start++;
        while (end > start && (s.charAt(end - 1) == ' ' || s.charAt(end - 1) == '\t')) end--;
        return s.substring(start, end);
    }
}
