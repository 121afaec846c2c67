/*
 * The exported vectors as a test run of this example's own classes (Hmac, FirstVision), not through the
 * adapter protocol. `hmac-conformance export --split DIR` writes one JSON file per scheme and operation; this
 * runner reads the four of the hmac and firstvision schemes with the example's strict JSON reader (Json.java),
 * runs every vector as a case named by its id, compares the result with the vector's expected value exactly,
 * prints a JUnit-like summary and exits with status 1 on any failure or error.
 *
 * From the repository root:
 *   mkdir -p build/vectors && hmac-conformance export --split build/vectors --scheme hmac --scheme firstvision
 *   javac -encoding UTF-8 -d examples/java/build examples/java/src/*.java
 *   java -cp examples/java/build ExportedVectors                     # every vector
 *   java -cp examples/java/build ExportedVectors 'hmac/rfc4231/*'    # a selection: id globs, * also matches /
 *   HMAC_CONFORMANCE_EXPORT=DIR java -cp examples/java/build ExportedVectors
 *
 * Standard library only, like the rest of the example: no JUnit jar to fetch. cases() gives the same cases to
 * a JUnit 5 @TestFactory, one DynamicTest per case, in a project that has JUnit already (see README.md).
 */

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

public final class ExportedVectors {
    private ExportedVectors() {}

    /** The files this runner covers, in the order they run. */
    static final List<String> FILES =
            List.of("hmac-mac.json", "hmac-mac-verify.json", "firstvision-sign.json", "firstvision-verify.json");

    /** Each file must hold at least this many vectors: a missing or empty file fails, never passes with zero cases. */
    static final int MIN_VECTORS = 1;

    /** The HMAC algorithms this runtime provides (a vector that needs another one is skipped). */
    private static final List<String> AVAILABLE = Hmac.available();

    /** FV-9: FirstVision uses HMAC-SHA256 or HMAC-SHA512. */
    private static final List<String> FIRSTVISION_ALGORITHMS = List.of("sha256", "sha512");

    /** A check: returns the SDK's result in the shape of the vector's expected value (bytes as Base64). */
    @FunctionalInterface
    interface Check {
        Object run() throws Exception;
    }

    /** One vector as a named test case. {@code skip} is why it is not run, or null. */
    record Case(String id, String description, List<Object> rules, String skip, Object expected, Check check) {
        /** Runs the case: throws AssertionError if the result differs from the expected value. */
        void verify() throws Exception {
            Object got = check.run();
            if (!got.equals(expected)) {
                throw new AssertionError("expected: " + Json.write(expected) + " but was: " + Json.write(got)
                        + "\n    vector: " + description + " " + rules);
            }
        }
    }

    /** The folder of exported files: $HMAC_CONFORMANCE_EXPORT, or build/vectors (run from the repository root). */
    static Path exportDir() {
        String dir = System.getenv("HMAC_CONFORMANCE_EXPORT");
        return Path.of(dir != null && !dir.isEmpty() ? dir : "build/vectors");
    }

    /** The cases of one exported file, after checking it is the file it claims to be and holds enough vectors. */
    static List<Case> cases(Path dir, String file, List<Pattern> unsupported) throws IOException, Json.JsonException {
        Path path = dir.resolve(file);
        Map<String, Object> doc = object(Json.parse(Files.readString(path, StandardCharsets.UTF_8)));
        String scheme = (String) doc.get("scheme");
        String operation = (String) doc.get("operation");
        if (!Long.valueOf(1).equals(doc.get("format")) || !"base64".equals(doc.get("bytes_encoding"))
                || !file.equals(scheme + "-" + operation + ".json")) {
            throw new IOException(path + ": not an export of " + file + " in format 1 with Base64 bytes");
        }
        List<Object> vectors = list(doc.get("vectors"));
        if (vectors.size() < MIN_VECTORS) {
            throw new IOException(path + ": " + vectors.size() + " vectors, expected at least " + MIN_VECTORS);
        }
        List<Case> cases = new ArrayList<>();
        for (Object item : vectors) {
            Map<String, Object> v = object(item);
            String id = (String) v.get("id");
            Map<String, Object> in = object(v.get("input"));
            cases.add(new Case(id, (String) v.get("description"), list(v.get("rules")),
                    skipReason(id, scheme, in, unsupported), v.get("expected"), check(scheme + "/" + operation, in)));
        }
        return cases;
    }

    /** Why a vector is not run: declared unsupported in examples.json, or an algorithm this runtime lacks. */
    private static String skipReason(String id, String scheme, Map<String, Object> in, List<Pattern> unsupported) {
        for (Pattern glob : unsupported) {
            if (glob.matcher(id).matches()) return "declared unsupported in examples.json";
        }
        List<Object> algorithms = new ArrayList<>();
        if (in.containsKey("algorithm")) algorithms.add(in.get("algorithm"));
        if (in.containsKey("keys")) for (Object key : list(in.get("keys"))) algorithms.add(object(key).get("algorithm"));
        for (Object algorithm : algorithms) {
            if (!AVAILABLE.contains(algorithm)) return "HMAC " + algorithm + " is not provided by this Java runtime";
        }
        return null;
    }

    /** The call of the example's own API for one vector. */
    private static Check check(String operation, Map<String, Object> in) {
        switch (operation) {
            case "hmac/mac":
                return () -> Map.of("tag", b64(Hmac.tag(text(in, "algorithm"), bytes(in, "key"),
                        bytes(in, "message"), Math.toIntExact(number(in, "tag_length")))));
            case "hmac/mac-verify":
                return () -> decision(Hmac.verify(text(in, "algorithm"), bytes(in, "key"), bytes(in, "message"),
                        bytes(in, "tag"), Math.toIntExact(number(in, "tag_length"))));
            case "firstvision/sign":
                return () -> sign(in);
            case "firstvision/verify":
                return () -> verify(in);
            default:
                throw new IllegalArgumentException("no check for " + operation);
        }
    }

    private static Object sign(Map<String, Object> in) throws Exception {
        String encoding = text(in, "signature_encoding");
        if (!encoding.equals("base64") && !encoding.equals("legacy-hex-base64")) {
            throw new IllegalArgumentException("unknown signature_encoding " + encoding);
        }
        String algorithm = text(in, "algorithm");
        if (!FIRSTVISION_ALGORITHMS.contains(algorithm)) throw new IllegalArgumentException("algorithm " + algorithm);
        FirstVision.Signed signed;
        try {
            signed = FirstVision.sign(algorithm, bytes(in, "secret"), text(in, "api_key"),
                    text(in, "client_request_id"), text(in, "timestamp"), bytes(in, "body"),
                    encoding.equals("legacy-hex-base64"));
        } catch (FirstVision.Refused refused) {
            return Map.of("refused", refused.reason()); // FV-17: the refusal is the result
        }
        return Map.of("signature", signed.signature(), "string_to_sign", b64(signed.stringToSign()),
                "headers", signed.headers());
    }

    private static Object verify(Map<String, Object> in) throws Exception {
        Map<String, Object> req = object(in.get("request"));
        List<String[]> headers = new ArrayList<>();
        for (Object pair : list(req.get("headers"))) {
            List<Object> p = list(pair);
            if (p.size() != 2) throw new IllegalArgumentException("a header is not a [name, value] pair");
            headers.add(new String[] {(String) p.get(0), (String) p.get(1)});
        }
        List<FirstVision.AppKey> keys = new ArrayList<>();
        for (Object item : list(in.get("keys"))) {
            Map<String, Object> key = object(item);
            keys.add(new FirstVision.AppKey(text(key, "api_key"), bytes(key, "secret"), text(key, "algorithm")));
        }
        Set<String> seen = new HashSet<>();
        for (Object id : list(in.get("seen_request_ids"))) seen.add((String) id);
        FirstVision.Verifier verifier = new FirstVision.Verifier(keys, number(in, "now_ms"), number(in, "window_ms"),
                seen, (Boolean) in.get("legacy_hex_base64"));
        return decision(FirstVision.verify(verifier,
                new FirstVision.Request(text(req, "method"), text(req, "path"), headers, bytes(req, "body"))));
    }

    /** A decision in the shape of the expected value: {"valid": true} or {"valid": false, "reason": …}. */
    private static Map<String, Object> decision(Decision decision) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("valid", decision.valid());
        if (!decision.valid()) out.put("reason", decision.reason());
        return out;
    }

    // ----------------------------------------------------------------------------- the runner

    public static void main(String[] args) throws IOException {
        List<Pattern> selected = new ArrayList<>();
        for (String arg : args) selected.add(glob(arg));
        List<Pattern> unsupported;
        try {
            unsupported = declaredUnsupported(Path.of("examples", "examples.json"));
        } catch (IOException | Json.JsonException | RuntimeException e) {
            System.err.println("examples/examples.json (run from the repository root): " + e.getMessage());
            System.exit(2);
            return;
        }
        Path dir = exportDir();
        int run = 0, failures = 0, errors = 0, skipped = 0;
        for (String file : FILES) {
            long start = System.nanoTime();
            int fileRun = 0, fileFailures = 0, fileErrors = 0, fileSkipped = 0;
            List<Case> cases;
            try {
                cases = cases(dir, file, unsupported);
            } catch (IOException | Json.JsonException | RuntimeException e) {
                System.out.println("ERROR " + file + ": " + e + "\n    (export first: hmac-conformance export --split "
                        + "DIR --scheme hmac --scheme firstvision; then HMAC_CONFORMANCE_EXPORT=DIR)");
                cases = List.of();
                fileRun++; // counted as one case in error, as JUnit counts a class that cannot start
                fileErrors++;
            }
            for (Case c : cases) {
                if (!selected.isEmpty() && selected.stream().noneMatch(g -> g.matcher(c.id()).matches())) continue;
                fileRun++;
                if (c.skip() != null) {
                    fileSkipped++;
                    System.out.println("SKIPPED " + c.id() + ": " + c.skip());
                    continue;
                }
                try {
                    c.verify();
                } catch (AssertionError e) {
                    fileFailures++;
                    System.out.println("FAILED " + c.id() + ": " + e.getMessage());
                } catch (Exception e) {
                    fileErrors++;
                    System.out.println("ERROR " + c.id() + ": " + e);
                }
            }
            System.out.printf("Tests run: %d, Failures: %d, Errors: %d, Skipped: %d, Time elapsed: %.3f s - in %s%n",
                    fileRun, fileFailures, fileErrors, fileSkipped, (System.nanoTime() - start) / 1e9, file);
            run += fileRun;
            failures += fileFailures;
            errors += fileErrors;
            skipped += fileSkipped;
        }
        System.out.println();
        System.out.println("Results:");
        System.out.printf("Tests run: %d, Failures: %d, Errors: %d, Skipped: %d%n", run, failures, errors, skipped);
        if (run == skipped) System.out.println("no vector was executed");
        System.exit(failures == 0 && errors == 0 && run > skipped ? 0 : 1);
    }

    /** This example's may_not_support globs in examples.json. */
    static List<Pattern> declaredUnsupported(Path examplesJson) throws IOException, Json.JsonException {
        for (Object item : list(object(Json.parse(Files.readString(examplesJson, StandardCharsets.UTF_8))).get("examples"))) {
            Map<String, Object> example = object(item);
            if (!"java".equals(example.get("name"))) continue;
            List<Pattern> globs = new ArrayList<>();
            for (Object glob : list(example.get("may_not_support"))) globs.add(glob((String) glob));
            return globs;
        }
        throw new IOException("no example named java");
    }

    /** An fnmatch glob as the runner reads ids: * matches any text, / included, and ? one character. */
    static Pattern glob(String glob) {
        if (glob.contains("[") || glob.contains("]")) {
            throw new IllegalArgumentException("glob " + glob + ": only * and ? are understood");
        }
        StringBuilder re = new StringBuilder();
        for (char c : glob.toCharArray()) {
            re.append(c == '*' ? ".*" : c == '?' ? "." : Pattern.quote(String.valueOf(c)));
        }
        return Pattern.compile(re.toString(), Pattern.DOTALL);
    }

    // ----------------------------------------------------------------------------- JSON values

    private static String text(Map<String, Object> m, String name) {
        return (String) m.get(name);
    }

    private static long number(Map<String, Object> m, String name) {
        return (Long) m.get(name);
    }

    private static byte[] bytes(Map<String, Object> m, String name) {
        return Base64.getDecoder().decode(text(m, name));
    }

    private static String b64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(Object value) {
        return (Map<String, Object>) value;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object value) {
        return (List<Object>) value;
    }
}
