// hmac-conformance adapter (protocol v1) for the npm package `standardwebhooks`.
// One loop serves both modes (jsonl: persistent, cmd: one-shot); see README.md. Only `sign` is offered:
// the library's verify always reads Date.now(), so no verify vector can be run against it.

import { once } from 'node:events';
import { createRequire } from 'node:module';
import { createInterface } from 'node:readline';

const require = createRequire(import.meta.url);
const LIBRARY = 'standardwebhooks';
const { Webhook } = require(LIBRARY);
const { version } = require(`${LIBRARY}/package.json`);

// The case's input has no exact counterpart in the library's parameter types.
class Inexpressible extends Error {}

// sign() takes a Date and writes back floor(ms / 1000); passing anything but the exact decimal text of
// an integer would let this adapter, not the library, decide what gets signed.
function timestampValue(text) {
  if (!/^-?[0-9]+$/.test(text) || String(BigInt(text)) !== text) {
    throw new Inexpressible(`sign() takes a Date; ${JSON.stringify(text)} is not the decimal text of an integer`);
  }
  const ms = Number(text) * 1000;
  if (!Number.isSafeInteger(ms) || Number.isNaN(new Date(ms).getTime())) {
    throw new Inexpressible(`sign() takes a Date, which cannot hold ${text} seconds exactly`);
  }
  return new Date(ms);
}

function sign(input) {
  let webhook;
  try {
    webhook = new Webhook(input.secret);
  } catch (err) {
    // Any constructor error is the library rejecting the secret.
    console.error(`new Webhook(secret) threw: ${err}`);
    return { refused: 'malformed-secret' };
  }
  const when = timestampValue(input.timestamp);
  const payload = Buffer.from(input.payload, 'base64');
  return { signature: webhook.sign(input.msg_id, when, payload) };
}

function answer(message) {
  const seq = message.seq;
  try {
    if (message.scheme !== 'standard-webhooks' || message.operation !== 'sign') {
      return { type: 'result', seq, skip: { reason: `${LIBRARY} has no verify that can be given the case's clock` } };
    }
    return { type: 'result', seq, output: sign(message.input) };
  } catch (err) {
    if (err instanceof Inexpressible) return { type: 'result', seq, skip: { reason: err.message } };
    console.error(err);
    return { type: 'result', seq, error: { message: String(err?.message ?? err).slice(0, 10000) } };
  }
}

function hello() {
  return {
    type: 'hello',
    protocol: 1,
    implementation: { name: LIBRARY, version, language: 'javascript', homepage: `https://www.npmjs.com/package/${LIBRARY}` },
    supports: { 'standard-webhooks': { operations: ['sign'], features: [] } },
  };
}

async function send(message) {
  if (!process.stdout.write(`${JSON.stringify(message)}\n`)) await once(process.stdout, 'drain');
}

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
  if (message?.type === 'hello') await send(hello());
  else if (message?.type === 'case') await send(answer(message));
  else if (message?.type === 'stop') break;
  else console.error(`ignoring message of type ${JSON.stringify(message?.type)}`);
}
lines.close();
process.stdin.destroy();
