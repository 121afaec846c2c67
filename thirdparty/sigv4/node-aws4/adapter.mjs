// hmac-conformance adapter (protocol v1, `sigv4` scheme) for the npm package aws4. One loop serves both
// modes: it answers `hello` and `case` lines and stops at `stop` or at the end of input.
// Run: node thirdparty/sigv4/node-aws4/adapter.mjs

import aws4 from 'aws4';
import { createRequire } from 'node:module';
import { once } from 'node:events';
import { createInterface } from 'node:readline';

const { version } = createRequire(import.meta.url)('aws4/package.json');

const HELLO = {
  type: 'hello',
  protocol: 1,
  implementation: { name: 'aws4', version, language: 'javascript', homepage: 'https://www.npmjs.com/package/aws4' },
  supports: {
    sigv4: {
      operations: ['canonical-request', 'string-to-sign', 'sign'],
      features: ['query', 'session-token', 'single-encoding', 'no-normalize', 'unsigned-payload', 'payload-header'],
    },
  },
};

class Unsupported extends Error {}

// aws4 has no path or payload switches of its own: it keys S3 behaviour on the service name. This is what it
// does for a given service (and `doNotEncodePath`, which makes a non-S3 path encoded once).
function checkExpressible(input) {
  const s3 = input.service === 's3';
  const payloads = s3 ? { header: 'hash-header', query: 'unsigned' } : { header: 'hash', query: 'hash' };
  if (s3 && input.uri_encoding === 'double') throw new Unsupported('for service s3 aws4 always encodes the path once');
  if (input.normalize_path === s3) {
    throw new Unsupported(`aws4 normalises every path except for service s3 (normalize_path=${input.normalize_path}, service ${input.service})`);
  }
  if (input.payload !== payloads[input.mode]) {
    throw new Unsupported(`aws4 signs service ${input.service} in ${input.mode} mode only with payload=${payloads[input.mode]}`);
  }
  if (input.session_token === 'unsigned') throw new Unsupported('aws4 always signs the session token');
}

function decode(text) {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function queryPairs(target) {
  const query = target.includes('?') ? target.slice(target.indexOf('?') + 1) : '';
  return query.split('&').filter(Boolean).map((piece) => {
    const eq = piece.indexOf('=');
    return eq < 0 ? [decode(piece), ''] : [decode(piece.slice(0, eq)), decode(piece.slice(eq + 1))];
  });
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

function sign(input) {
  checkExpressible(input);
  const { request: req, credentials: creds } = input;
  const headers = {};
  for (const [name, value] of req.headers) {
    if (Object.keys(headers).some((n) => n.toLowerCase() === name.toLowerCase())) {
      throw new Unsupported('aws4 takes headers as an object: one value per header name, no repeated fields');
    }
    headers[name] = value;
  }
  const body = Buffer.from(req.body, 'base64');
  // aws4 takes the signing time from an X-Amz-Date header (header mode) or query parameter (query mode),
  // and the lifetime from an X-Amz-Expires query parameter, as its README shows; it adds neither itself.
  let path = req.target;
  if (input.mode === 'query') {
    path += `${path.includes('?') ? '&' : '?'}X-Amz-Date=${input.time}&X-Amz-Expires=${input.expires}`;
  } else {
    headers['X-Amz-Date'] = input.time;
  }
  const options = {
    method: req.method,
    host: Object.entries(headers).find(([n]) => n.toLowerCase() === 'host')[1],
    path,
    headers,
    body: body.length > 0 ? body : undefined, // no body is '' for aws4; an empty Buffer would count as a body
    service: input.service,
    region: input.region,
    signQuery: input.mode === 'query',
    doNotEncodePath: input.uri_encoding === 'single' && input.service !== 's3',
  };
  const signer = new aws4.RequestSigner(options, {
    accessKeyId: creds.access_key_id,
    secretAccessKey: creds.secret_access_key,
    sessionToken: creds.session_token,
  });
  const canonical = signer.canonicalString();
  const stringToSign = signer.stringToSign();
  const signed = signer.sign();

  let signature;
  let added;
  if (input.mode === 'header') {
    signature = signed.headers.Authorization.split('Signature=')[1];
    // aws4 may add a numeric Content-Length: it goes on the wire as its decimal text.
    added = difference(Object.entries(signed.headers).map(([n, v]) => [n, String(v)]), req.headers);
  } else {
    added = difference(queryPairs(signed.path), queryPairs(req.target));
    signature = added.find(([name]) => name === 'X-Amz-Signature')?.[1];
  }
  return { signature, added, canonical_request: canonical, string_to_sign: stringToSign };
}

function answer(message) {
  const { seq, operation } = message;
  let output;
  try {
    output = sign(message.input);
  } catch (err) {
    if (err instanceof Unsupported) return { type: 'result', seq, skip: { reason: err.message } };
    return { type: 'result', seq, error: { message: String(err?.stack ?? err).slice(0, 10000) } };
  }
  if (operation === 'canonical-request') output = { canonical_request: output.canonical_request };
  if (operation === 'string-to-sign') output = { string_to_sign: output.string_to_sign };
  return { type: 'result', seq, output };
}

async function send(message) {
  if (!process.stdout.write(`${JSON.stringify(message)}\n`)) await once(process.stdout, 'drain');
}

const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
for await (const line of lines) {
  if (line.trim() === '') continue;
  const message = JSON.parse(line);
  if (message.type === 'hello') await send(HELLO);
  else if (message.type === 'case') await send(answer(message));
  else break;
}
lines.close();
process.stdin.destroy();
