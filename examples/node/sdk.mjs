// The model SDK of the Node.js example, standard library only: the `hmac` primitive (docs/spec/hmac.md,
// MAC-1..6) and the FirstVision request signature (docs/spec/firstvision.md, FV-1..17). Plain functions over
// Buffers and strings, each check commented with its spec rule; partner SDK authors can read `sign()` and
// `verify()` as a reference. adapter.mjs wraps them in the adapter protocol (docs/protocol.md);
// exported.test.mjs runs exported vectors against them with node:test.

import { createHmac, getHashes, timingSafeEqual } from 'node:crypto';

// A call the SDK cannot serve: an unknown option, or a tag length outside 10..L (MAC-4).
export class InputError extends Error {}

// ---------------------------------------------------------------------------------------------------------
// Algorithms (MAC-3). Node's HMAC (OpenSSL) already does the construction and key preparation of MAC-1 and
// MAC-2 with the right block length for each hash; we only map identifiers and output lengths.

export const OUTPUT_LENGTH = {
  md5: 16, sha1: 20, sha224: 28, sha256: 32, sha384: 48, sha512: 64,
  'sha512-224': 28, 'sha512-256': 32, // OpenSSL's own SHA-512/t, not SHA-512 cut short
  'sha3-224': 28, 'sha3-256': 32, 'sha3-384': 48, 'sha3-512': 64,
};

// Whether this Node/OpenSSL build can compute HMAC with `algorithm` (MD5 disappears in FIPS mode, SHA-3
// needs OpenSSL >= 1.1.1). Checked once at start-up so the hello response tells the truth.
function hmacAvailable(algorithm) {
  if (!getHashes().includes(algorithm)) return false;
  try {
    createHmac(algorithm, Buffer.alloc(0)).update(Buffer.alloc(0)).digest();
    return true;
  } catch {
    return false;
  }
}

export const HMAC_ALGORITHMS = Object.keys(OUTPUT_LENGTH).filter(hmacAvailable);
export const FIRSTVISION_ALGORITHMS = ['sha256', 'sha512'].filter((a) => HMAC_ALGORITHMS.includes(a)); // FV-9

function hmac(algorithm, key, message) {
  return createHmac(algorithm, key).update(message).digest();
}

// ---------------------------------------------------------------------------------------------------------
// Strict Base64 (RFC 4648 §4, FV-11). Buffer.from(text, 'base64') is lenient: it accepts the URL-safe
// alphabet, missing padding, embedded spaces and skips garbage. So we check the text first, then require
// that re-encoding the bytes gives back exactly the same text, which rejects misplaced padding and non-zero
// unused bits in the last character: exactly one text encodes each byte string. Returns null if not strict.

const BASE64_TEXT = /^[A-Za-z0-9+/]*={0,2}$/;

export function decodeBase64Strict(text) {
  if (typeof text !== 'string' || !BASE64_TEXT.test(text) || text.length % 4 !== 0) return null;
  const bytes = Buffer.from(text, 'base64');
  return bytes.toString('base64') === text ? bytes : null;
}

// ---------------------------------------------------------------------------------------------------------
// The `hmac` scheme.

// MAC-4: a tag of length t is the first t bytes of the full output; 10 <= t <= L.
function checkTagLength(algorithm, tagLength) {
  const L = OUTPUT_LENGTH[algorithm];
  if (!Number.isInteger(tagLength) || tagLength < 10 || tagLength > L) {
    throw new InputError(`tag_length ${tagLength} is outside 10..${L} for ${algorithm} (MAC-4)`);
  }
}

export function mac({ algorithm, key, message, tagLength }) {
  checkTagLength(algorithm, tagLength);
  return hmac(algorithm, key, message).subarray(0, tagLength); // MAC-4: leftmost bytes
}

export function macVerify({ algorithm, key, message, tag, tagLength }) {
  checkTagLength(algorithm, tagLength);
  // MAC-5: the length is checked first, against the configured length, never inferred from the tag.
  if (tag.length !== tagLength) return { valid: false, reason: 'wrong-tag-length' };
  const expected = hmac(algorithm, key, message).subarray(0, tagLength);
  // MAC-6: constant-time comparison (both buffers have the same length here, as timingSafeEqual requires).
  if (!timingSafeEqual(expected, tag)) return { valid: false, reason: 'tag-mismatch' };
  return { valid: true };
}

// ---------------------------------------------------------------------------------------------------------
// The `firstvision` scheme.

const API_KEY = /^[A-Za-z0-9]{1,128}$/; //              FV-5
const CLIENT_REQUEST_ID = /^[A-Za-z0-9-]{1,128}$/; //   FV-6
const TIMESTAMP = /^[1-9][0-9]{0,15}$/; //              FV-7: ASCII digits only, never a lenient int parser
const LOWER_HEX = /^[0-9a-f]*$/; //                     FV-12

// FV-8: Api-Key ‖ Client-Request-Id ‖ Timestamp ‖ body, no separators; body exactly as on the wire.
function stringToSign(apiKey, clientRequestId, timestamp, body) {
  return Buffer.concat([Buffer.from(apiKey + clientRequestId + timestamp, 'utf8'), body]);
}

// The reason code for the first of the three signed values that breaks its syntax (FV-5, FV-6, FV-7, in
// that order), or null. Shared by the signer (FV-17) and the verifier (FV-16 steps 4-6). The regular
// expressions have no `u` or `i` flag: [A-Za-z0-9] matches ASCII only.
function fieldProblem(apiKey, clientRequestId, timestamp) {
  if (!API_KEY.test(apiKey)) return 'malformed-api-key';
  if (!CLIENT_REQUEST_ID.test(clientRequestId)) return 'malformed-request-id';
  if (!TIMESTAMP.test(timestamp)) return 'malformed-timestamp';
  return null;
}

// Client side: compute the Authorization value and the headers to send. The values are signed and sent
// exactly as given, never trimmed (FV-17: FV-3's trimming is for received header lines). A value that
// breaks FV-5..7 is refused with the reason a verifier would give; no conforming verifier would accept it.
export function sign({ algorithm, secret, apiKey, clientRequestId, timestamp, body, signatureEncoding }) {
  const refused = fieldProblem(apiKey, clientRequestId, timestamp);
  if (refused !== null) return { refused };
  const data = stringToSign(apiKey, clientRequestId, timestamp, body);
  const macBytes = hmac(algorithm, secret, data); // FV-9: full output, secret bytes used as issued
  let signature;
  if (signatureEncoding === 'base64') {
    signature = macBytes.toString('base64'); // FV-10: canonical, Base64 of the raw MAC
  } else if (signatureEncoding === 'legacy-hex-base64') {
    signature = Buffer.from(macBytes.toString('hex'), 'ascii').toString('base64'); // FV-12, only on request
  } else {
    throw new InputError(`unknown signature_encoding ${JSON.stringify(signatureEncoding)}`);
  }
  const headers = {
    'Api-Key': apiKey,
    'Client-Request-Id': clientRequestId,
    Timestamp: timestamp,
    'Auth-Token-Type': 'HMAC',
    Authorization: signature,
  };
  if (body.length > 0) headers['Content-Type'] = 'application/json'; // FV-1: not signed
  return { signature, string_to_sign: data.toString('base64'), headers };
}

// The signed header fields of FV-1, by lowercase name (FV-2: names are case-insensitive).
const SIGNED_FIELDS = ['api-key', 'client-request-id', 'timestamp', 'auth-token-type', 'authorization'];

// FV-3: only leading/trailing spaces and horizontal tabs are removed, nothing inside. Not String.prototype.trim(),
// which also removes NBSP, VT, FF, CR, U+FEFF, U+3000 and the rest of Unicode white space.
function trimHeaderValue(value) {
  return value.replace(/^[ \t]+|[ \t]+$/g, '');
}

// Decode the Authorization value into MAC bytes (FV-11, FV-12), or return null if it is malformed.
function decodeSignature(text, macLength, acceptLegacy) {
  const bytes = decodeBase64Strict(text);
  if (bytes === null) return null;
  if (bytes.length === macLength) return bytes; // FV-10/FV-11: canonical form
  if (acceptLegacy && bytes.length === 2 * macLength) {
    const hex = bytes.toString('latin1');
    if (LOWER_HEX.test(hex)) return Buffer.from(hex, 'hex'); // FV-12: exactly 2L lowercase hex digits
  }
  return null;
}

// FV-2 folds the 26 ASCII letters only. String.prototype.toLowerCase() is Unicode-aware: it turns the
// Kelvin sign (U+212A) into 'k', so "Api-\u212Aey" would wrongly count as Api-Key.
const asciiLower = (name) => name.replace(/[A-Z]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 32));

// Server side. `keys` maps Api-Key -> {secret, algorithm}; `seenRequestIds` is the replay cache (FV-15).
// Checks follow the order of FV-16 and stop at the first failure.
export function verify({ headers, body, keys, nowMs, windowMs, seenRequestIds, legacyHexBase64 }) {
  const fields = new Map(SIGNED_FIELDS.map((name) => [name, []]));
  for (const [name, value] of headers) {
    const values = fields.get(asciiLower(name)); // FV-2
    if (values) values.push(trimHeaderValue(value)); // FV-3
  }
  // 1. every field is present
  for (const values of fields.values()) if (values.length === 0) return reject('missing-header');
  // 2. no field is repeated, not even with equal values (FV-4)
  for (const values of fields.values()) if (values.length > 1) return reject('duplicate-header');
  const field = (name) => fields.get(name)[0];
  const apiKey = field('api-key');
  const clientRequestId = field('client-request-id');
  const timestamp = field('timestamp');

  // 3. Auth-Token-Type is exactly "HMAC" (case-sensitive)
  if (field('auth-token-type') !== 'HMAC') return reject('bad-auth-type');
  // 4.-6. field syntax (FV-5, FV-6, FV-7)
  const malformed = fieldProblem(apiKey, clientRequestId, timestamp);
  if (malformed !== null) return reject(malformed);
  // 7.-8. time window, edges inclusive (FV-14). BigInt: 16 digits exceed Number's exact integer range.
  const ts = BigInt(timestamp);
  const now = BigInt(nowMs);
  const window = BigInt(windowMs);
  if (now - ts > window) return reject('stale');
  if (ts - now > window) return reject('future');
  // 9. known Api-Key (compared exactly)
  const key = keys.get(apiKey);
  if (key === undefined) return reject('unknown-api-key');
  // 10. signature encoding
  const expected = hmac(key.algorithm, key.secret, stringToSign(apiKey, clientRequestId, timestamp, body));
  const received = decodeSignature(field('authorization'), expected.length, legacyHexBase64);
  if (received === null) return reject('malformed-signature');
  // 11. signature value, compared in constant time (FV-13, MAC-6)
  if (!timingSafeEqual(expected, received)) return reject('signature-mismatch');
  // 12. replay (FV-15): checked last, so only authenticated requests consult the cache
  if (seenRequestIds.has(clientRequestId)) return reject('replay');
  // A real verifier now adds clientRequestId to its cache; the vectors give the cache, so we do not.
  return { valid: true };
}

function reject(reason) {
  return { valid: false, reason };
}
