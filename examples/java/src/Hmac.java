import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.SecretKey;

/**
 * The HMAC primitive (spec docs/spec/hmac.md, rules MAC-1..6) on top of javax.crypto.Mac.
 * The JCA provider (SunJCE) implements the construction and key preparation (MAC-1, MAC-2) itself.
 */
final class Hmac {
    private Hmac() {}

    /** Suite identifier (MAC-3) -> JCA algorithm name. */
    static final Map<String, String> JCA_NAMES = Map.ofEntries(
            Map.entry("md5", "HmacMD5"),
            Map.entry("sha1", "HmacSHA1"),
            Map.entry("sha224", "HmacSHA224"),
            Map.entry("sha256", "HmacSHA256"),
            Map.entry("sha384", "HmacSHA384"),
            Map.entry("sha512", "HmacSHA512"),
            // SHA-512/t with its own initial values (SunJCE, Java 9+), not HmacSHA512 cut short (MAC-3).
            Map.entry("sha512-224", "HmacSHA512/224"),
            Map.entry("sha512-256", "HmacSHA512/256"),
            Map.entry("sha3-224", "HmacSHA3-224"),
            Map.entry("sha3-256", "HmacSHA3-256"),
            Map.entry("sha3-384", "HmacSHA3-384"),
            Map.entry("sha3-512", "HmacSHA3-512"));

    /** The MAC-3 identifiers in the spec's order. */
    static final List<String> ALL = List.of(
            "md5", "sha1", "sha224", "sha256", "sha384", "sha512", "sha512-224", "sha512-256",
            "sha3-224", "sha3-256", "sha3-384", "sha3-512");

    /** The identifiers this runtime can compute (SHA-3, SHA-512/t need Java 9+; a provider may lack MD5). */
    static List<String> available() {
        List<String> result = new ArrayList<>();
        for (String id : ALL) {
            try {
                Mac.getInstance(JCA_NAMES.get(id));
                result.add(id);
            } catch (NoSuchAlgorithmException e) {
                // Not provided by this runtime: left out of the hello, so the runner reports it unsupported.
            }
        }
        return result;
    }

    /**
     * A raw HMAC key. {@code javax.crypto.spec.SecretKeySpec} refuses an empty key
     * (IllegalArgumentException "Empty key"), but MAC-2 says a zero-length key is valid, and
     * SunJCE's HMAC accepts any SecretKey whose RAW encoding is empty. This tiny class is that key.
     */
    private record RawKey(String algorithm, byte[] bytes) implements SecretKey {
        @Override public String getAlgorithm() { return algorithm; }
        @Override public String getFormat() { return "RAW"; }
        @Override public byte[] getEncoded() { return bytes.clone(); }
    }

    /** Creates a Mac for a suite identifier, keyed with {@code key} (any length, including zero). */
    static Mac newMac(String algorithm, byte[] key) throws GeneralSecurityException {
        String jcaName = JCA_NAMES.get(algorithm);
        if (jcaName == null) throw new NoSuchAlgorithmException("unknown algorithm " + algorithm);
        Mac mac = Mac.getInstance(jcaName);
        mac.init(new RawKey(jcaName, key.clone()));
        return mac;
    }

    /** The output length L of the algorithm, in bytes (MAC-3). */
    static int outputLength(String algorithm) throws GeneralSecurityException {
        return newMac(algorithm, new byte[0]).getMacLength();
    }

    /** The full HMAC output (MAC-1, MAC-2). */
    static byte[] compute(String algorithm, byte[] key, byte[] message) throws GeneralSecurityException {
        return newMac(algorithm, key).doFinal(message);
    }

    /** MAC-4: the shortest tag (80 bits) an implementation produces or accepts. */
    static final int MIN_TAG_LENGTH = 10;

    /** The tag of {@code tagLength} bytes: the leftmost bytes of the full output (MAC-4). */
    static byte[] tag(String algorithm, byte[] key, byte[] message, int tagLength)
            throws GeneralSecurityException {
        byte[] full = compute(algorithm, key, message);
        // MAC-4: 10 <= t <= L. A shorter tag is a configuration error, not something to compute.
        if (tagLength < MIN_TAG_LENGTH || tagLength > full.length) {
            throw new IllegalArgumentException("tag_length " + tagLength + " is outside "
                    + MIN_TAG_LENGTH + ".." + full.length + " for " + algorithm + " (MAC-4)");
        }
        return Arrays.copyOf(full, tagLength);
    }

    /**
     * Verifies a received tag against a verifier configured with {@code algorithm} and {@code tagLength}
     * (MAC-5). The length check comes first and never looks at the bytes; the comparison is constant-time.
     */
    static Decision verify(String algorithm, byte[] key, byte[] message, byte[] receivedTag, int tagLength)
            throws GeneralSecurityException {
        byte[] expected = tag(algorithm, key, message, tagLength);
        // MAC-5: a tag that is not exactly the configured length is rejected before any comparison.
        if (receivedTag.length != tagLength) return Decision.reject("wrong-tag-length");
        // MAC-6: MessageDigest.isEqual takes time independent of where the first difference is.
        if (!MessageDigest.isEqual(expected, receivedTag)) return Decision.reject("tag-mismatch");
        return Decision.accept();
    }
}
