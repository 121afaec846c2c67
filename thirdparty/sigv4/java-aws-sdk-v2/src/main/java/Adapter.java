import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner.AuthLocation;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.AwsSessionCredentialsIdentity;

/**
 * hmac-conformance adapter (protocol v1, scheme sigv4) for {@link AwsV4HttpSigner} of the AWS SDK for Java 2.x.
 * One loop serves both modes: it answers hello and case lines and stops at stop or at the end of input.
 */
public final class Adapter {
    private static final DateTimeFormatter AMZ_DATE =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
    private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().create();

    private static final class Unsupported extends Exception {
        Unsupported(String reason) {
            super(reason);
        }
    }

    static JsonObject sign(JsonObject input) throws Unsupported {
        JsonObject request = input.getAsJsonObject("request");
        JsonObject creds = input.getAsJsonObject("credentials");
        boolean query = input.get("mode").getAsString().equals("query");
        String payload = input.get("payload").getAsString();
        if (!query && (payload.equals("hash") || payload.equals("unsigned"))) {
            throw new Unsupported("in header mode the signer always adds and signs x-amz-content-sha256");
        }
        if (input.has("session_token") && input.get("session_token").getAsString().equals("unsigned")) {
            throw new Unsupported("the signer always signs the session token");
        }

        String host = "";
        for (JsonElement pair : request.getAsJsonArray("headers")) {
            if (pair.getAsJsonArray().get(0).getAsString().equalsIgnoreCase("host")) {
                host = pair.getAsJsonArray().get(1).getAsString();
            }
        }
        // SdkHttpRequest.Builder.uri() is the SDK's own way to take a URL: path as given, query decoded.
        SdkHttpRequest.Builder builder = SdkHttpRequest.builder()
                .uri(URI.create("https://" + host + request.get("target").getAsString()))
                .method(SdkHttpMethod.fromValue(request.get("method").getAsString()));
        for (JsonElement pair : request.getAsJsonArray("headers")) {
            builder.appendHeader(pair.getAsJsonArray().get(0).getAsString(), pair.getAsJsonArray().get(1).getAsString());
        }
        SdkHttpRequest unsigned = builder.build();
        byte[] body = Base64.getDecoder().decode(request.get("body").getAsString());
        AwsCredentialsIdentity identity = creds.has("session_token")
                ? AwsSessionCredentialsIdentity.create(creds.get("access_key_id").getAsString(),
                        creds.get("secret_access_key").getAsString(), creds.get("session_token").getAsString())
                : AwsCredentialsIdentity.create(creds.get("access_key_id").getAsString(),
                        creds.get("secret_access_key").getAsString());
        Instant time = Instant.from(AMZ_DATE.parse(input.get("time").getAsString()));

        SignedRequest signed = AwsV4HttpSigner.create().sign(r -> {
            r.identity(identity)
                    .request(unsigned)
                    .payload(ContentStreamProvider.fromByteArray(body))
                    .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, input.get("service").getAsString())
                    .putProperty(AwsV4HttpSigner.REGION_NAME, input.get("region").getAsString())
                    .putProperty(HttpSigner.SIGNING_CLOCK, Clock.fixed(time, ZoneOffset.UTC))
                    .putProperty(AwsV4HttpSigner.DOUBLE_URL_ENCODE, input.get("uri_encoding").getAsString().equals("double"))
                    .putProperty(AwsV4HttpSigner.NORMALIZE_PATH, input.get("normalize_path").getAsBoolean())
                    .putProperty(AwsV4HttpSigner.PAYLOAD_SIGNING_ENABLED, payload.startsWith("hash"))
                    .putProperty(AwsV4HttpSigner.AUTH_LOCATION, query ? AuthLocation.QUERY_STRING : AuthLocation.HEADER);
            if (query) {
                r.putProperty(AwsV4HttpSigner.EXPIRATION_DURATION, Duration.ofSeconds(input.get("expires").getAsLong()));
            }
        });

        SdkHttpRequest result = signed.request();
        JsonArray added = query
                ? difference(result.rawQueryParameters(), unsigned.rawQueryParameters())
                : difference(result.headers(), unsigned.headers());
        String signature = null;
        for (JsonElement pair : added) {
            String name = pair.getAsJsonArray().get(0).getAsString();
            String value = pair.getAsJsonArray().get(1).getAsString();
            if (query && name.equals("X-Amz-Signature")) {
                signature = value;
            } else if (!query && name.equalsIgnoreCase("Authorization")) {
                signature = value.substring(value.lastIndexOf("Signature=") + "Signature=".length());
            }
        }
        JsonObject output = new JsonObject();
        output.addProperty("signature", signature);
        output.add("added", added);
        return output;
    }

    /** The [name, value] pairs of {@code after} that are not in {@code before} (as a multiset). */
    static JsonArray difference(Map<String, List<String>> after, Map<String, List<String>> before) {
        JsonArray added = new JsonArray();
        after.forEach((name, values) -> {
            List<String> kept = new ArrayList<>(before.getOrDefault(name, List.of()));
            for (String value : values) {
                if (!kept.remove(value)) {
                    JsonArray pair = new JsonArray();
                    pair.add(name);
                    pair.add(value);
                    added.add(pair);
                }
            }
        });
        return added;
    }

    static JsonObject answer(JsonObject message) {
        JsonObject result = new JsonObject();
        result.addProperty("type", "result");
        result.add("seq", message.get("seq"));
        try {
            result.add("output", sign(message.getAsJsonObject("input")));
        } catch (Unsupported e) {
            JsonObject skip = new JsonObject();
            skip.addProperty("reason", e.getMessage());
            result.add("skip", skip);
        } catch (IllegalArgumentException e) {
            if (String.valueOf(e.getMessage()).contains("valid for at least 1 second and at most 7 days")) {
                JsonObject refused = new JsonObject();
                refused.addProperty("refused", "bad-expires"); // the signer's own range check (SIGV4-25)
                result.add("output", refused);
            } else {
                result.add("error", error(e));
            }
        } catch (RuntimeException e) {
            result.add("error", error(e));
        }
        return result;
    }

    static JsonObject error(Exception e) {
        JsonObject error = new JsonObject();
        error.addProperty("message", e.toString());
        return error;
    }

    static String libraryVersion() {
        Properties properties = new Properties();
        try (InputStream in = AwsV4HttpSigner.class.getResourceAsStream(
                "/META-INF/maven/software.amazon.awssdk/http-auth-aws/pom.properties")) {
            properties.load(in);
        } catch (Exception e) {
            return "unknown";
        }
        return properties.getProperty("version", "unknown");
    }

    static JsonObject hello() {
        return JsonParser.parseString("""
                {"type": "hello", "protocol": 1,
                 "implementation": {"name": "software.amazon.awssdk:http-auth-aws (AwsV4HttpSigner)", "version": "%s",
                                    "language": "java",
                                    "homepage": "https://central.sonatype.com/artifact/software.amazon.awssdk/http-auth-aws"},
                 "supports": {"sigv4": {"operations": ["sign"],
                                        "features": ["query", "session-token", "single-encoding", "no-normalize",
                                                     "unsigned-payload", "payload-header"]}}}
                """.formatted(libraryVersion())).getAsJsonObject();
    }

    public static void main(String[] args) throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
        for (String line; (line = in.readLine()) != null; ) {
            if (line.isBlank()) {
                continue;
            }
            JsonObject message = JsonParser.parseString(line).getAsJsonObject();
            String type = message.get("type").getAsString();
            if (type.equals("hello")) {
                out.println(GSON.toJson(hello()));
            } else if (type.equals("case")) {
                out.println(GSON.toJson(answer(message)));
            } else {
                break;
            }
            out.flush();
        }
    }
}
