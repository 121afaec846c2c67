/*
 * hmac-conformance example implementation in Java 17 (standard library only).
 *
 * An adapter that lets the hmac-conformance runner test the HMAC primitive (Hmac.java, spec hmac.md) and
 * the FirstVision request signature (FirstVision.java, spec firstvision.md) through the adapter protocol
 * of docs/protocol.md: JSON messages, one per line, on stdin and stdout.
 *
 * Build:  javac -d examples/java/build examples/java/src/*.java
 * Run:    java -cp examples/java/build Adapter
 *
 * One loop serves both protocol modes:
 *   - persistent (runner --impl 'jsonl:java -cp examples/java/build Adapter'): answer "hello", then one
 *     "result" per "case", exit 0 on "stop";
 *   - one-shot (runner --impl 'cmd:java -cp examples/java/build Adapter'): the runner writes one case and
 *     closes stdin; the loop answers it and exits 0 at end of input.
 * Only protocol messages go to stdout; diagnostics go to stderr.
 */

import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

public final class Adapter {
    private Adapter() {}

    /** HMAC algorithms this runtime provides, found at start-up (the rest are declared unsupported). */
    private static final List<String> AVAILABLE = Hmac.available();

    /** FV-9: FirstVision uses HMAC-SHA256 or HMAC-SHA512. */
    private static final List<String> FIRSTVISION_ALGORITHMS = List.of("sha256", "sha512");

    /** The input of a case is not what the protocol says (reported as an adapter error, not a failure). */
    static final class BadInput extends Exception {
        private static final long serialVersionUID = 1L;
        BadInput(String message) { super(message); }
    }

    /** The case needs something this implementation does not provide (reported as a skip). */
    static final class Unsupported extends Exception {
        private static final long serialVersionUID = 1L;
        Unsupported(String message) { super(message); }
    }

    public static void main(String[] args) throws IOException {
        // Lines can be megabytes long (large bodies in Base64); BufferedReader grows as needed.
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), false, StandardCharsets.UTF_8);

        String line;
        while ((line = in.readLine()) != null) {
            if (line.isBlank()) continue;
            Map<String, Object> message;
            try {
                message = asObject(Json.parse(line), "message");
            } catch (Json.JsonException | BadInput e) {
                System.err.println("ignoring a line that is not a JSON object: " + e.getMessage());
                continue;
            }
            Object type = message.get("type");
            if ("stop".equals(type)) {
                break;
            } else if ("hello".equals(type)) {
                send(out, helloResponse());
            } else if ("case".equals(type)) {
                Map<String, Object> result = handleCase(message);
                if (result != null) send(out, result);
            } else {
                System.err.println("ignoring a message of unknown type " + type);
            }
        }
        out.flush();
        System.exit(0);
    }

    /** Writes one message as one line and flushes, so a pipelining runner gets every answer at once. */
    private static void send(PrintStream out, Map<String, Object> message) {
        out.print(Json.write(message));
        out.print('\n');
        out.flush();
    }

    private static Map<String, Object> helloResponse() {
        Map<String, Object> implementation = new LinkedHashMap<>();
        implementation.put("name", "hmac-conformance-java-example");
        implementation.put("version", "1.0.0");
        implementation.put("language", "java");

        Map<String, Object> hmac = new LinkedHashMap<>();
        hmac.put("operations", List.of("mac", "mac-verify"));
        hmac.put("algorithms", AVAILABLE);

        List<String> fvAlgorithms = new ArrayList<>(FIRSTVISION_ALGORITHMS);
        fvAlgorithms.retainAll(AVAILABLE);
        Map<String, Object> firstvision = new LinkedHashMap<>();
        firstvision.put("operations", List.of("sign", "verify"));
        firstvision.put("algorithms", fvAlgorithms);
        firstvision.put("legacy_hex_base64", true);

        Map<String, Object> supports = new LinkedHashMap<>();
        supports.put("hmac", hmac);
        supports.put("firstvision", firstvision);

        Map<String, Object> hello = new LinkedHashMap<>();
        hello.put("type", "hello");
        hello.put("protocol", 1L);
        hello.put("implementation", implementation);
        hello.put("supports", supports);
        return hello;
    }

    /** Answers one case with exactly one of output, skip or error. Returns null if there is no seq to echo. */
    private static Map<String, Object> handleCase(Map<String, Object> message) {
        if (!(message.get("seq") instanceof Long)) {
            System.err.println("ignoring a case without an integer seq");
            return null;
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("type", "result");
        result.put("seq", message.get("seq"));
        try {
            result.put("output", run(message));
        } catch (Unsupported e) {
            result.put("skip", Map.of("reason", e.getMessage()));
        } catch (Exception e) { // BadInput, GeneralSecurityException, or a bug: an error, never a crash
            System.err.println("case " + message.get("id") + ": " + e);
            result.put("error", Map.of("message", e.getClass().getSimpleName() + ": " + e.getMessage()));
        }
        return result;
    }

    private static Map<String, Object> run(Map<String, Object> message) throws Exception {
        String scheme = string(message, "scheme");
        String operation = string(message, "operation");
        Map<String, Object> input = object(message, "input");
        switch (scheme + "/" + operation) {
            case "hmac/mac": return mac(input);
            case "hmac/mac-verify": return macVerify(input);
            case "firstvision/sign": return sign(input);
            case "firstvision/verify": return verify(input);
            default: throw new BadInput("unknown scheme/operation " + scheme + "/" + operation);
        }
    }

    // ----------------------------------------------------------------------------- operations

    private static Map<String, Object> mac(Map<String, Object> input) throws Exception {
        String algorithm = algorithm(input, Hmac.ALL);
        byte[] tag = Hmac.tag(algorithm, bytes(input, "key"), bytes(input, "message"),
                integer(input, "tag_length"));
        return Map.of("tag", Base64.getEncoder().encodeToString(tag));
    }

    private static Map<String, Object> macVerify(Map<String, Object> input) throws Exception {
        String algorithm = algorithm(input, Hmac.ALL);
        Decision decision = Hmac.verify(algorithm, bytes(input, "key"), bytes(input, "message"),
                bytes(input, "tag"), integer(input, "tag_length"));
        return decisionOutput(decision);
    }

    private static Map<String, Object> sign(Map<String, Object> input) throws Exception {
        String algorithm = algorithm(input, FIRSTVISION_ALGORITHMS);
        String encoding = string(input, "signature_encoding");
        if (!encoding.equals("base64") && !encoding.equals("legacy-hex-base64")) {
            throw new BadInput("unknown signature_encoding " + encoding);
        }
        // method and path are part of the request but not signed (FV-8), so they are not used here.
        FirstVision.Signed signed;
        try {
            signed = FirstVision.sign(algorithm, bytes(input, "secret"),
                    string(input, "api_key"), string(input, "client_request_id"), string(input, "timestamp"),
                    bytes(input, "body"), encoding.equals("legacy-hex-base64"));
        } catch (FirstVision.Refused refused) {
            // FV-17: refusing malformed inputs is the conforming answer, not an adapter error.
            return Map.of("refused", refused.reason());
        }

        Map<String, Object> output = new LinkedHashMap<>();
        output.put("signature", signed.signature());
        output.put("string_to_sign", Base64.getEncoder().encodeToString(signed.stringToSign()));
        output.put("headers", signed.headers());
        return output;
    }

    private static Map<String, Object> verify(Map<String, Object> input) throws Exception {
        Map<String, Object> req = object(input, "request");
        List<String[]> headers = new ArrayList<>();
        for (Object item : list(req, "headers")) {
            List<Object> pair = asList(item, "header");
            if (pair.size() != 2 || !(pair.get(0) instanceof String) || !(pair.get(1) instanceof String)) {
                throw new BadInput("a header must be a [name, value] pair of strings");
            }
            headers.add(new String[] {(String) pair.get(0), (String) pair.get(1)});
        }
        FirstVision.Request request = new FirstVision.Request(
                string(req, "method"), string(req, "path"), headers, bytes(req, "body"));

        List<FirstVision.AppKey> keys = new ArrayList<>();
        for (Object item : list(input, "keys")) {
            Map<String, Object> key = asObject(item, "key");
            keys.add(new FirstVision.AppKey(string(key, "api_key"), bytes(key, "secret"),
                    algorithm(key, FIRSTVISION_ALGORITHMS)));
        }
        Set<String> seen = new HashSet<>();
        for (Object id : list(input, "seen_request_ids")) {
            if (!(id instanceof String)) throw new BadInput("seen_request_ids must hold strings");
            seen.add((String) id);
        }
        FirstVision.Verifier verifier = new FirstVision.Verifier(keys, longValue(input, "now_ms"),
                longValue(input, "window_ms"), seen, bool(input, "legacy_hex_base64"));
        return decisionOutput(FirstVision.verify(verifier, request));
    }

    private static Map<String, Object> decisionOutput(Decision decision) {
        Map<String, Object> output = new LinkedHashMap<>();
        output.put("valid", decision.valid());
        if (!decision.valid()) output.put("reason", decision.reason());
        return output;
    }

    // ----------------------------------------------------------------------------- input fields

    /** The "algorithm" field: must be one of {@code allowed}, and available in this runtime. */
    private static String algorithm(Map<String, Object> m, List<String> allowed) throws BadInput, Unsupported {
        String algorithm = string(m, "algorithm");
        if (!allowed.contains(algorithm)) throw new BadInput("algorithm " + algorithm + " is not allowed here");
        if (!AVAILABLE.contains(algorithm)) {
            throw new Unsupported("HMAC " + algorithm + " is not provided by this Java runtime");
        }
        return algorithm;
    }

    private static Object field(Map<String, Object> m, String name) throws BadInput {
        if (!m.containsKey(name)) throw new BadInput("missing field " + name);
        return m.get(name);
    }

    private static String string(Map<String, Object> m, String name) throws BadInput {
        if (field(m, name) instanceof String s) return s;
        throw new BadInput("field " + name + " must be a string");
    }

    /** A byte-string field: Base64 (RFC 4648 section 4) in the protocol. */
    private static byte[] bytes(Map<String, Object> m, String name) throws BadInput {
        try {
            return Base64.getDecoder().decode(string(m, name));
        } catch (IllegalArgumentException e) {
            throw new BadInput("field " + name + " is not Base64: " + e.getMessage());
        }
    }

    private static long longValue(Map<String, Object> m, String name) throws BadInput {
        if (field(m, name) instanceof Long n) return n;
        throw new BadInput("field " + name + " must be an integer");
    }

    private static int integer(Map<String, Object> m, String name) throws BadInput {
        long n = longValue(m, name);
        if (n < Integer.MIN_VALUE || n > Integer.MAX_VALUE) throw new BadInput("field " + name + " is too large");
        return (int) n;
    }

    private static boolean bool(Map<String, Object> m, String name) throws BadInput {
        if (field(m, name) instanceof Boolean b) return b;
        throw new BadInput("field " + name + " must be true or false");
    }

    private static Map<String, Object> object(Map<String, Object> m, String name) throws BadInput {
        return asObject(field(m, name), name);
    }

    private static List<Object> list(Map<String, Object> m, String name) throws BadInput {
        return asList(field(m, name), name);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asObject(Object value, String what) throws BadInput {
        if (value instanceof Map) return (Map<String, Object>) value;
        throw new BadInput(what + " must be a JSON object");
    }

    @SuppressWarnings("unchecked")
    private static List<Object> asList(Object value, String what) throws BadInput {
        if (value instanceof List) return (List<Object>) value;
        throw new BadInput(what + " must be a JSON array");
    }
}
