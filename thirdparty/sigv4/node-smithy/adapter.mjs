// hmac-conformance adapter (protocol v1, `sigv4` scheme) for @smithy/signature-v4, the signer of the AWS SDK
// for JavaScript v3. One loop serves both modes: it answers `hello` and `case` lines and stops at `stop` or
// at the end of input. Run: node thirdparty/sigv4/node-smithy/adapter.mjs

import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { parseQueryString } from '@smithy/querystring-parser';
import { SignatureV4 } from '@smithy/signature-v4';
import { createRequire } from 'node:module';
import { once } from 'node:events';
import { createInterface } from 'node:readline';

const { version } = createRequire(import.meta.url)('@smithy/signature-v4/package.json');

const HELLO = {
  type: 'hello',
  protocol: 1,
  implementation: {
    name: '@smithy/signature-v4',
    version,
    language: 'javascript',
    homepage: 'https://www.npmjs.com/package/@smithy/signature-v4',
  },
  supports: {
    sigv4: {
      operations: ['sign'],
      features: ['query', 'session-token', 'unsigned-session-token', 'single-encoding', 'no-normalize', 'payload-header'],
    },
  },
};

class Unsupported extends Error {}

// "20150830T123600Z" -> Date
function signingDate(time) {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(time);
  return new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]));
}

function headerObject(pairs) {
  const headers = {};
  const seen = new Set();
  for (const [name, value] of pairs) {
    if (seen.has(name.toLowerCase())) {
      throw new Unsupported('HttpRequest.headers holds one value per header name; repeated fields cannot be given');
    }
    seen.add(name.toLowerCase());
    headers[name] = value;
  }
  return headers;
}

function queryPairs(query) {
  return Object.entries(query).flatMap(([name, value]) => (Array.isArray(value) ? value : [value]).map((v) => [name, v]));
}

// Pairs of `after` that are not in `before` (as a multiset).
function difference(after, before) {
  const left = before.map(([n, v]) => `${n}\n${v}`);
  return after.filter(([n, v]) => {
    const i = left.indexOf(`${n}\n${v}`);
    if (i < 0) return true;
    left.splice(i, 1);
    return false;
  });
}

async function sign(input) {
  const { request: req, credentials: creds, mode, payload } = input;
  // uriEscapePath is the library's single path switch: normalise and encode again, or use the path as given.
  const escapePath = input.uri_encoding === 'double';
  if (escapePath !== input.normalize_path) {
    throw new Unsupported(`uriEscapePath couples encoding and normalisation; cannot do uri_encoding=${input.uri_encoding} with normalize_path=${input.normalize_path}`);
  }
  if (payload === 'unsigned' || payload === 'unsigned-header') {
    throw new Unsupported('the signer has no UNSIGNED-PAYLOAD option');
  }
  if (mode === 'query' && input.session_token === 'unsigned') {
    throw new Unsupported('presign() always puts the session token into the canonical query');
  }
  const signer = new SignatureV4({
    credentials: { accessKeyId: creds.access_key_id, secretAccessKey: creds.secret_access_key, sessionToken: creds.session_token },
    region: input.region,
    service: input.service,
    sha256: Sha256,
    uriEscapePath: escapePath,
    applyChecksum: payload === 'hash-header',
  });
  const [path, ...rest] = req.target.split('?');
  const headers = headerObject(req.headers);
  const request = new HttpRequest({
    method: req.method,
    protocol: 'https:',
    hostname: Object.entries(headers).find(([n]) => n.toLowerCase() === 'host')[1],
    path,
    query: rest.length ? parseQueryString(rest.join('?')) : {},
    headers,
    body: Buffer.from(req.body, 'base64'),
  });
  const date = signingDate(input.time);

  if (mode === 'header') {
    const options = { signingDate: date };
    if (input.session_token === 'unsigned') options.unsignableHeaders = new Set(['x-amz-security-token']);
    const signed = await signer.sign(request, options);
    const added = difference(Object.entries(signed.headers), Object.entries(request.headers));
    const authorization = signed.headers.authorization;
    return { signature: authorization.slice(authorization.indexOf('Signature=') + 10), added };
  }
  let signed;
  try {
    signed = await signer.presign(request, { signingDate: date, expiresIn: input.expires });
  } catch (err) {
    // presign() rejects (with a string) a lifetime over seven days: the refusal SIGV4-25 asks for.
    if (String(err).includes('must have an expiration date less than one week')) return { refused: 'bad-expires' };
    throw err;
  }
  const added = difference(queryPairs(signed.query), queryPairs(request.query));
  return { signature: signed.query['X-Amz-Signature'], added };
}

async function answer(message) {
  const { seq } = message;
  try {
    return { type: 'result', seq, output: await sign(message.input) };
  } catch (err) {
    if (err instanceof Unsupported) return { type: 'result', seq, skip: { reason: err.message } };
    return { type: 'result', seq, error: { message: String(err?.stack ?? err).slice(0, 10000) } };
  }
}

async function send(message) {
  if (!process.stdout.write(`${JSON.stringify(message)}\n`)) await once(process.stdout, 'drain');
}

const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
for await (const line of lines) {
  if (line.trim() === '') continue;
  const message = JSON.parse(line);
  if (message.type === 'hello') await send(HELLO);
  else if (message.type === 'case') await send(await answer(message));
  else break;
}
lines.close();
process.stdin.destroy();
