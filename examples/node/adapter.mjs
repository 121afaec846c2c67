// hmac-conformance example adapter for Node.js (>= 20), standard library only.
//
// What it is: the adapter protocol (docs/protocol.md) around the model SDK in sdk.mjs, an implementation of
// the `hmac` primitive (docs/spec/hmac.md, MAC-1..6) and the FirstVision request signature
// (docs/spec/firstvision.md, FV-1..17). Partner SDK authors can read `sign()` and `verify()` there.
//
// Build: nothing to build, no npm install (uses only node:crypto, node:readline, node:events, Buffer).
// Files: sdk.mjs (the SDK: mac, macVerify, sign, verify) and this file (the protocol around it).
// Run:   node examples/node/adapter.mjs
//   Persistent mode: hmac-conformance run --impl 'jsonl:node examples/node/adapter.mjs'
//   One-shot mode:   hmac-conformance run --impl 'cmd:node examples/node/adapter.mjs'
// Both modes use the same loop: read one JSON message per stdin line, answer `hello` and `case`, exit 0 on
// `stop` or at end of input. stdout carries protocol messages only; diagnostics go to stderr.

import { once } from 'node:events';
import { createInterface } from 'node:readline';
import {
  FIRSTVISION_ALGORITHMS, HMAC_ALGORITHMS, InputError, OUTPUT_LENGTH, decodeBase64Strict, mac, macVerify, sign, verify,
} from './sdk.mjs';

// ---------------------------------------------------------------------------------------------------------
// Protocol glue: turn a case's `input` into the arguments of sdk.mjs (Base64 fields decoded strictly).

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
