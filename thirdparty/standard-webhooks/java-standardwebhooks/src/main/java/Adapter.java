// hmac-conformance adapter (protocol v1) for the Maven artifact com.standardwebhooks:standardwebhooks.
// One loop serves both modes (jsonl: persistent, cmd: one-shot); see README.md. Only `sign` is offered:
// the library's verify always reads System.currentTimeMillis(), so no verify vector can be run against it.

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.standardwebhooks.Webhook;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Properties;

public final class Adapter {
    private static final String LIBRARY = "com.standardwebhooks:standardwebhooks";
    private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().create();

    /** The case's input has no exact counterpart in the library's parameter types. */
    private static final class Inexpressible extends Exception {
        private static final long serialVersionUID = 1L;

        Inexpressible(String message) {
            super(message);
        }
    }

    private static JsonObject sign(JsonObject input) throws Exception {
        Webhook webhook;
        try {
            webhook = new Webhook(input.get("secret").getAsString());
        } catch (Exception e) { // any constructor exception is the library rejecting the secret
            System.err.println("new Webhook(secret) threw " + e);
            return object("refused", "malformed-secret");
        }
        long timestamp = seconds(input.get("timestamp").getAsString());
        byte[] payload = Base64.getDecoder().decode(input.get("payload").getAsString());
        String payloadText;
        try {
            payloadText = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(payload)).toString();
        } catch (CharacterCodingException e) {
            throw new Inexpressible("sign() takes the payload as a String; these bytes are not UTF-8");
        }
        return object("signature", webhook.sign(input.get("msg_id").getAsString(), timestamp, payloadText));
    }

    // sign() takes a long and writes it back in decimal; only the exact decimal text of an integer maps onto
    // one without this adapter deciding what gets signed.
    private static long seconds(String text) throws Inexpressible {
        try {
            long seconds = Long.parseLong(text);
            if (Long.toString(seconds).equals(text)) {
                return seconds;
            }
        } catch (NumberFormatException e) {
            // not an integer at all: inexpressible, as below
        }
        throw new Inexpressible("sign() takes a long; " + GSON.toJson(text) + " is not the decimal text of an integer");
    }

    private static JsonObject answer(JsonObject message) {
        JsonObject result = new JsonObject();
        result.addProperty("type", "result");
        result.add("seq", message.get("seq"));
        try {
            if (!"standard-webhooks".equals(string(message, "scheme")) || !"sign".equals(string(message, "operation"))) {
                throw new Inexpressible(LIBRARY + " has no verify that can be given the case's clock");
            }
            result.add("output", sign(message.getAsJsonObject("input")));
        } catch (Inexpressible e) {
            result.add("skip", object("reason", e.getMessage()));
        } catch (Exception e) {
            e.printStackTrace();
            result.add("error", object("message", String.valueOf(e)));
        }
        return result;
    }

    private static JsonObject hello() throws IOException {
        Properties pom = new Properties();
        try (InputStream in = Webhook.class.getResourceAsStream(
                "/META-INF/maven/com.standardwebhooks/standardwebhooks/pom.properties")) {
            if (in != null) {
                pom.load(in);
            }
        }
        JsonObject implementation = new JsonObject();
        implementation.addProperty("name", LIBRARY);
        implementation.addProperty("version", pom.getProperty("version", "unknown"));
        implementation.addProperty("language", "java");
        implementation.addProperty("homepage", "https://central.sonatype.com/artifact/com.standardwebhooks/standardwebhooks");
        JsonObject scheme = GSON.fromJson("{\"operations\":[\"sign\"],\"features\":[]}", JsonObject.class);
        JsonObject supports = new JsonObject();
        supports.add("standard-webhooks", scheme);
        JsonObject hello = new JsonObject();
        hello.addProperty("type", "hello");
        hello.addProperty("protocol", 1);
        hello.add("implementation", implementation);
        hello.add("supports", supports);
        return hello;
    }

    private static JsonObject object(String key, String value) {
        JsonObject object = new JsonObject();
        object.addProperty(key, value);
        return object;
    }

    private static String string(JsonObject object, String key) {
        return object.has(key) && object.get(key).isJsonPrimitive() ? object.get(key).getAsString() : null;
    }

    public static void main(String[] args) throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            if (line.isBlank()) {
                continue;
            }
            JsonObject message;
            try {
                message = JsonParser.parseString(line).getAsJsonObject();
            } catch (JsonParseException | IllegalStateException e) {
                System.err.println("ignoring a line that is not a JSON object: " + e.getMessage());
                continue;
            }
            String type = string(message, "type");
            JsonObject reply;
            if ("hello".equals(type)) {
                reply = hello();
            } else if ("case".equals(type)) {
                reply = answer(message);
            } else if ("stop".equals(type)) {
                break;
            } else {
                System.err.println("ignoring message of type " + type);
                continue;
            }
            out.print(GSON.toJson(reply) + "\n");
            out.flush();
        }
    }
}
