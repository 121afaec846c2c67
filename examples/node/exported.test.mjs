// The exported vectors as native node:test tests. `hmac-conformance export --split DIR` writes one JSON file
// per scheme and operation; this file reads the four of the hmac and firstvision schemes and runs every
// vector as one test named by its id, calling the SDK in sdk.mjs (mac, macVerify, sign, verify) directly, not
// through the adapter protocol, and comparing with the vector's expected value by assert.deepStrictEqual.
// From the repository root:
//
//   mkdir -p build/vectors && hmac-conformance export --split build/vectors --scheme hmac --scheme firstvision
//   node --test examples/node/exported.test.mjs      # or HMAC_CONFORMANCE_EXPORT=DIR node --test …
//   node --test --test-name-pattern='^hmac/rfc4231/' examples/node/exported.test.mjs   # a selection by id
//
// (Name the file: Node 21 and later read a directory argument as a glob and find nothing.)

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { FIRSTVISION_ALGORITHMS, HMAC_ALGORITHMS, mac, macVerify, sign, verify } from './sdk.mjs';

const HERE = fileURLToPath(new URL('.', import.meta.url));
// $HMAC_CONFORMANCE_EXPORT, or build/vectors at the repository root.
const EXPORT_DIR = process.env.HMAC_CONFORMANCE_EXPORT || join(HERE, '..', '..', 'build', 'vectors');
// A missing or empty file fails: it never passes with zero cases.
const MIN_VECTORS = 1;

const bytes = (text) => Buffer.from(text, 'base64');

// Each file: what the vector's input becomes for the SDK, the output in the expected value's shape (bytes as
// Base64, like the export), and the algorithms the vector needs (this Node build may lack some: FIPS drops md5).
const FILES = {
  'hmac-mac.json': {
    algorithms: (input) => [input.algorithm],
    run: (input) => ({
      tag: mac({ algorithm: input.algorithm, key: bytes(input.key), message: bytes(input.message),
        tagLength: input.tag_length }).toString('base64'),
    }),
  },
  'hmac-mac-verify.json': {
    algorithms: (input) => [input.algorithm],
    run: (input) => macVerify({ algorithm: input.algorithm, key: bytes(input.key), message: bytes(input.message),
      tag: bytes(input.tag), tagLength: input.tag_length }),
  },
  'firstvision-sign.json': {
    algorithms: (input) => [input.algorithm],
    run: (input) => sign({ algorithm: input.algorithm, secret: bytes(input.secret), apiKey: input.api_key,
      clientRequestId: input.client_request_id, timestamp: input.timestamp, body: bytes(input.body),
      signatureEncoding: input.signature_encoding }),
  },
  'firstvision-verify.json': {
    algorithms: (input) => input.keys.map((k) => k.algorithm),
    run: (input) => {
      const keys = new Map();
      for (const k of input.keys) {
        if (!keys.has(k.api_key)) keys.set(k.api_key, { secret: bytes(k.secret), algorithm: k.algorithm });
      }
      return verify({ headers: input.request.headers, body: bytes(input.request.body), keys, nowMs: input.now_ms,
        windowMs: input.window_ms, seenRequestIds: new Set(input.seen_request_ids),
        legacyHexBase64: input.legacy_hex_base64 });
    },
  },
};

// This example's may_not_support globs in examples/examples.json: fnmatch globs in which * also matches /.
// Only * and ? are used there, and only they are understood here.
function declaredUnsupported() {
  const { examples } = JSON.parse(readFileSync(join(HERE, '..', 'examples.json'), 'utf8'));
  const example = examples.find((e) => e.name === 'node');
  if (!example) throw new Error('examples.json has no example named node');
  return example.may_not_support.map((glob) => {
    if (/[[\]]/.test(glob)) throw new Error(`glob ${glob}: only * and ? are understood`);
    const pattern = glob.replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
    return { glob, re: new RegExp(`^${pattern}$`, 's') };
  });
}

function load(file, scheme, operation) {
  const path = join(EXPORT_DIR, file);
  let doc;
  try {
    doc = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new Error(`${err.message}\n(export first: hmac-conformance export --split DIR --scheme hmac `
      + '--scheme firstvision; then HMAC_CONFORMANCE_EXPORT=DIR node --test examples/node/exported.test.mjs)');
  }
  if (doc.format !== 1 || doc.bytes_encoding !== 'base64' || doc.scheme !== scheme || doc.operation !== operation) {
    throw new Error(`${path}: not an export of ${scheme}/${operation} in format 1 with Base64 bytes`);
  }
  if (!Array.isArray(doc.vectors) || doc.vectors.length < MIN_VECTORS) {
    throw new Error(`${path}: ${doc.vectors?.length} vectors, expected at least ${MIN_VECTORS}`);
  }
  return doc.vectors;
}

function skipReason(vector, algorithms, unsupported) {
  const declared = unsupported.find(({ re }) => re.test(vector.id));
  if (declared) return `declared unsupported in examples.json (${declared.glob})`;
  const supported = vector.id.startsWith('firstvision/') ? FIRSTVISION_ALGORITHMS : HMAC_ALGORITHMS;
  const missing = algorithms(vector.input).find((a) => !supported.includes(a));
  return missing ? `${missing} is not available in this Node.js build` : false;
}

const unsupported = declaredUnsupported();
for (const [file, { algorithms, run }] of Object.entries(FILES)) {
  const [scheme, operation] = [file.slice(0, file.indexOf('-')), file.slice(file.indexOf('-') + 1, -'.json'.length)];
  let vectors;
  try {
    vectors = load(file, scheme, operation);
  } catch (err) {
    test(file, () => { throw err; });
    continue;
  }
  describe(file, () => {
    for (const vector of vectors) {
      test(vector.id, { skip: skipReason(vector, algorithms, unsupported) }, () => {
        try {
          assert.deepStrictEqual(run(vector.input), vector.expected);
        } catch (err) {
          err.message += `\nvector: ${vector.description} [${vector.rules.join(', ')}]`;
          throw err;
        }
      });
    }
  });
}
