// hmac-conformance example adapter for Node.js (>= 20), standard library only.
//
// What it is: a model implementation of the `hmac` primitive (docs/spec/hmac.md, MAC-1..6) and the
// FirstVision request signature (docs/spec/firstvision.md, FV-1..17), wrapped in the adapter protocol
// (docs/protocol.md). Partner SDK authors can read `sign()` and `verify()` as a reference.
//
// Build: nothing to build, no npm install (uses only node:crypto, node:readline, node:events, Buffer).
// Run:   node examples/node/adapter.mjs
//   Persistent mode: hmac-conformance run --impl 'jsonl:node examples/node/adapter.mjs'
//   One-shot mode:   hmac-conformance run --impl 'cmd:node examples/node/adapter.mjs'
// Both modes use the same loop: read one JSON message per stdin line, answer `hello` and `case`, exit 0 on
// `stop` or at end of input. stdout carries protocol messages only; diagnostics go to stderr.

import { createHmac, getHashes, timingSafeEqual } from 'node:crypto';
import { once } from 'node:events';
import { createInterface } from 'node:readline';

// ---------------------------------------------------------------------------------------------------------
// Algorithms (MAC-3). Node's HMAC (OpenSSL) already does the construction and key preparation of MAC-1 and
// MAC-2 with the right block length for each hash; we only map identifiers and output lengths.

const OUTPUT_LENGTH = {
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

const HMAC_ALGORITHMS = Object.keys(OUTPUT_LENGTH).filter(hmacAvailable);
const FIRSTVISION_ALGORITHMS = ['sha256', 'sha512'].filter((a) => HMAC_ALGORITHMS.includes(a)); // FV-9

function hmac(algorithm, key, message) {
  return createHmac(algorithm, key).update(message).digest();
}

// ---------------------------------------------------------------------------------------------------------
// Strict Base64 (RFC 4648 §4, FV-11). Buffer.from(text, 'base64') is lenient: it accepts the URL-safe
// alphabet, missing padding, embedded spaces and skips garbage. So we check the text first, then require
// that re-encoding the bytes gives back exactly the same text, which rejects misplaced padding and non-zero
// unused bits in the last character: exactly one text encodes each byte string. Returns null if not strict.

const BASE64_TEXT = /^[A-Za-z0-9+/]*={0,2}$/;

function decodeBase64Strict(text) {
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

function mac({ algorithm, key, message, tagLength }) {
  checkTagLength(algorithm, tagLength);
  return hmac(algorithm, key, message).subarray(0, tagLength); // MAC-4: leftmost bytes
}

function macVerify({ algorithm, key, message, tag, tagLength }) {
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
function sign({ algorithm, secret, apiKey, clientRequestId, timestamp, body, signatureEncoding }) {
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
function verify({ headers, body, keys, nowMs, windowMs, seenRequestIds, legacyHexBase64 }) {
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

// ---------------------------------------------------------------------------------------------------------
// Protocol glue: turn a case's `input` into the arguments above (Base64 fields decoded strictly).

class InputError extends Error {}

function bytesField(input, name) {
  const bytes = decodeBase64Strict(input[name]);
  if (bytes === null) throw new InputError(`input.${name} is not strict padded Base64`);
  return bytes;
}

function stringField(input, name) {
  if (typeof input[name] !== 'string') throw new InputError(`input.${name} must be a string`);
  return input[name];
}

function integerField(input, name) {
  // JSON numbers above 2^53 lose precision in JSON.parse; refuse them rather than compute with wrong values.
  if (!Number.isSafeInteger(input[name]) || input[name] < 0) {
    throw new InputError(`input.${name} must be a non-negative integer below 2^53`);
  }
  return input[name];
}

function arrayField(input, name) {
  if (!Array.isArray(input[name])) throw new InputError(`input.${name} must be a list`);
  return input[name];
}

// Returns the output object, or a {skip} marker for something this runtime cannot do.
function runCase(scheme, operation, input) {
  if (typeof input !== 'object' || input === null) throw new InputError('input must be an object');
  const algorithm = input.algorithm;
  const supported = scheme === 'firstvision' ? FIRSTVISION_ALGORITHMS : HMAC_ALGORITHMS;

  if (operation !== 'verify' && !supported.includes(algorithm)) {
    if (algorithm in OUTPUT_LENGTH) return { skip: `${algorithm} is not available in this Node.js build` };
    throw new InputError(`unknown algorithm ${JSON.stringify(algorithm)}`);
  }
  if (scheme === 'hmac' && operation === 'mac') {
    const tag = mac({
      algorithm,
      key: bytesField(input, 'key'),
      message: bytesField(input, 'message'),
      tagLength: input.tag_length,
    });
    return { output: { tag: tag.toString('base64') } };
  }
  if (scheme === 'hmac' && operation === 'mac-verify') {
    return {
      output: macVerify({
        algorithm,
        key: bytesField(input, 'key'),
        message: bytesField(input, 'message'),
        tag: bytesField(input, 'tag'),
        tagLength: input.tag_length,
      }),
    };
  }
  if (scheme === 'firstvision' && operation === 'sign') {
    return {
      output: sign({
        algorithm,
        secret: bytesField(input, 'secret'),
        apiKey: stringField(input, 'api_key'),
        clientRequestId: stringField(input, 'client_request_id'),
        timestamp: stringField(input, 'timestamp'),
        body: bytesField(input, 'body'),
        signatureEncoding: input.signature_encoding,
      }),
    };
  }
  if (scheme === 'firstvision' && operation === 'verify') {
    const request = input.request;
    if (typeof request !== 'object' || request === null) throw new InputError('input.request must be an object');
    const headers = arrayField(request, 'headers');
    for (const pair of headers) {
      if (!Array.isArray(pair) || pair.length !== 2 || typeof pair[0] !== 'string' || typeof pair[1] !== 'string') {
        throw new InputError('input.request.headers must be a list of [name, value] string pairs');
      }
    }
    const keys = new Map();
    for (const k of arrayField(input, 'keys')) {
      if (typeof k !== 'object' || k === null) throw new InputError('input.keys must be a list of objects');
      if (!FIRSTVISION_ALGORITHMS.includes(k.algorithm)) {
        throw new InputError(`unsupported key algorithm ${JSON.stringify(k.algorithm)}`);
      }
      const apiKey = stringField(k, 'api_key');
      // The first entry for an Api-Key wins (a real key store has one entry per key).
      if (!keys.has(apiKey)) keys.set(apiKey, { secret: bytesField(k, 'secret'), algorithm: k.algorithm });
    }
    return {
      output: verify({
        headers,
        body: bytesField(request, 'body'),
        keys,
        nowMs: integerField(input, 'now_ms'),
        windowMs: integerField(input, 'window_ms'),
        seenRequestIds: new Set(arrayField(input, 'seen_request_ids')),
        legacyHexBase64: input.legacy_hex_base64 === true,
      }),
    };
  }
  throw new InputError(`unsupported scheme/operation ${scheme}/${operation}`);
}

function helloResponse() {
  const supports = {
    hmac: { operations: ['mac', 'mac-verify'], algorithms: HMAC_ALGORITHMS },
  };
  if (FIRSTVISION_ALGORITHMS.length > 0) {
    supports.firstvision = { operations: ['sign', 'verify'], algorithms: FIRSTVISION_ALGORITHMS, legacy_hex_base64: true };
  }
  return {
    type: 'hello',
    protocol: 1,
    implementation: { name: 'hmac-conformance-example-node', version: '1.0.0', language: `javascript (node ${process.versions.node})` },
    supports,
  };
}

// Answers one case message; never throws, so one bad case cannot take the adapter down.
function answerCase(message) {
  const seq = message.seq;
  try {
    const answer = runCase(message.scheme, message.operation, message.input);
    if (answer.skip) return { type: 'result', seq, skip: { reason: answer.skip } };
    return { type: 'result', seq, output: answer.output };
  } catch (err) {
    if (!(err instanceof InputError)) console.error(err); // unexpected: full stack trace on stderr
    return { type: 'result', seq, error: { message: String(err.message ?? err).slice(0, 10000) } };
  }
}

// Writes one message as one line. The loop awaits 'drain' when the pipe is full (back-pressure), so a
// runner that pipelines many cases before reading never makes us buffer without bound.
async function send(message) {
  if (!process.stdout.write(JSON.stringify(message) + '\n')) await once(process.stdout, 'drain');
}

// The one loop for both modes. readline has no line-length limit (lines with a 2 MB body are fine) and
// handles the final line even without a trailing newline. Cases are answered in the order they arrive.
async function main() {
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
  for await (const line of lines) {
    if (line.trim() === '') continue;
    let message;
    try {
      message = JSON.parse(line);
    } catch (err) {
      console.error(`ignoring a line that is not JSON: ${err.message}`);
      continue;
    }
    if (message?.type === 'hello') {
      await send(helloResponse());
    } else if (message?.type === 'case') {
      if (!Number.isInteger(message.seq) || message.seq < 0) {
        console.error('ignoring a case without a valid seq');
        continue;
      }
      await send(answerCase(message));
    } else if (message?.type === 'stop') {
      break;
    } else {
      console.error(`ignoring an unknown message type: ${JSON.stringify(message?.type)}`);
    }
  }
  lines.close();
  process.stdin.destroy(); // do not wait for the runner to close stdin after `stop`
}

await main();
