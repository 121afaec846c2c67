//! hmac-conformance adapter: the Rust example implementation.
//!
//! A model for partner SDK authors. It implements the raw HMAC primitive (`docs/spec/hmac.md`, rules
//! MAC-1..6) and the `firstvision` request signature (`docs/spec/firstvision.md`, rules FV-1..17), and
//! speaks the adapter protocol of `docs/protocol.md` on stdin/stdout: one JSON message per line.
//!
//! Build:  cargo build --release --locked --manifest-path examples/rust/Cargo.toml
//! Run:    hmac-conformance run --impl 'jsonl:examples/rust/target/release/hmac-conformance-adapter'
//!         (persistent mode, the main one) or --impl 'cmd:…' with the same command (one-shot mode).
//!
//! Both modes are served by the same loop: read a line, answer it, flush. In one-shot mode the runner
//! sends one `case` line and closes stdin, so the loop answers it and ends at EOF.
//!
//! Crates: the RustCrypto crates `hmac`, `sha1`, `sha2`, `sha3`, `md-5` for the MACs (and their constant-time
//! `verify_*` methods), `base64` (STANDARD engine) and `serde_json`. Nothing else.

use std::io::{self, BufRead, Write};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use hmac::{Hmac, KeyInit, Mac, SimpleHmac};
use serde_json::{Value, json};

// ---------------------------------------------------------------------------------------------------
// Main loop (docs/protocol.md)
// ---------------------------------------------------------------------------------------------------

fn main() {
    let mut stdin = io::stdin().lock();
    let mut stdout = io::stdout().lock();
    let mut line = String::new();
    loop {
        line.clear();
        // read_line keeps the whole line however long it is (a case can be about 2 MB).
        match stdin.read_line(&mut line) {
            Ok(0) => break, // EOF: the end of a one-shot run, or the runner went away.
            Ok(_) => {}
            Err(err) if err.kind() == io::ErrorKind::InvalidData => {
                eprintln!("ignoring a line that is not UTF-8: {err}");
                continue;
            }
            Err(err) => {
                eprintln!("cannot read stdin: {err}");
                std::process::exit(1);
            }
        }
        if line.trim().is_empty() {
            continue;
        }
        let message: Value = match serde_json::from_str(&line) {
            Ok(message) => message,
            Err(err) => {
                eprintln!("ignoring a line that is not JSON: {err}");
                continue;
            }
        };
        let response = match message["type"].as_str() {
            Some("hello") => hello_response(),
            Some("case") => match answer_case(&message) {
                Some(response) => response,
                None => continue, // no usable seq: nothing we could answer to (already logged)
            },
            Some("stop") => break,
            other => {
                eprintln!("ignoring a message of unknown type {other:?}");
                continue;
            }
        };
        // One message per line, flushed at once: the runner may be waiting for it (pipelining).
        let written = writeln!(stdout, "{response}").and_then(|()| stdout.flush());
        if let Err(err) = written {
            eprintln!("cannot write stdout: {err}");
            std::process::exit(1);
        }
    }
}

/// The answer to `hello`: who we are and everything we support.
fn hello_response() -> Value {
    json!({
        "type": "hello",
        "protocol": 1,
        "implementation": {
            "name": env!("CARGO_PKG_NAME"),
            "version": env!("CARGO_PKG_VERSION"),
            "language": "rust",
        },
        "supports": {
            "hmac": {
                "operations": ["mac", "mac-verify"],
                "algorithms": ALGORITHM_NAMES,
            },
            "firstvision": {
                "operations": ["sign", "verify"],
                "algorithms": FIRSTVISION_ALGORITHMS,
                "legacy_hex_base64": true,
            },
        },
    })
}

/// Why a case gets no `output`.
enum Problem {
    /// Something this implementation does not support: answered with `skip`.
    Unsupported(String),
    /// An input this adapter cannot process: answered with `error`.
    BadInput(String),
}

impl From<String> for Problem {
    fn from(message: String) -> Problem {
        Problem::BadInput(message)
    }
}

impl From<&str> for Problem {
    fn from(message: &str) -> Problem {
        Problem::BadInput(message.to_string())
    }
}

/// Answers one `case` message with a `result`; `None` if the message has no seq to answer to.
fn answer_case(message: &Value) -> Option<Value> {
    let Some(seq) = message["seq"].as_u64() else {
        eprintln!("ignoring a case without an integer seq");
        return None;
    };
    let input = &message["input"];
    let outcome = match (message["scheme"].as_str(), message["operation"].as_str()) {
        (Some("hmac"), Some("mac")) => hmac_mac(input),
        (Some("hmac"), Some("mac-verify")) => hmac_verify(input),
        (Some("firstvision"), Some("sign")) => firstvision_sign(input),
        (Some("firstvision"), Some("verify")) => firstvision_verify(input),
        (scheme, operation) => {
            Err(Problem::BadInput(format!("unknown scheme/operation {scheme:?}/{operation:?}")))
        }
    };
    Some(match outcome {
        Ok(output) => json!({"type": "result", "seq": seq, "output": output}),
        Err(Problem::Unsupported(reason)) => {
            json!({"type": "result", "seq": seq, "skip": {"reason": reason}})
        }
        Err(Problem::BadInput(message)) => {
            json!({"type": "result", "seq": seq, "error": {"message": message}})
        }
    })
}

// ---------------------------------------------------------------------------------------------------
// HMAC algorithms (MAC-1..3)
// ---------------------------------------------------------------------------------------------------

/// Every identifier of MAC-3; all of them are supported.
const ALGORITHM_NAMES: [&str; 12] = [
    "md5",
    "sha1",
    "sha224",
    "sha256",
    "sha384",
    "sha512",
    "sha512-224",
    "sha512-256",
    "sha3-224",
    "sha3-256",
    "sha3-384",
    "sha3-512",
];

/// The algorithms `firstvision` allows (FV-9).
const FIRSTVISION_ALGORITHMS: [&str; 2] = ["sha256", "sha512"];

/// One HMAC algorithm of MAC-3, chosen at run time by its identifier: its output length `L` and two
/// functions bound to its hash.
struct Algorithm {
    output_len: usize,
    /// The full HMAC output (MAC-1, MAC-2).
    compute: fn(key: &[u8], message: &[u8]) -> Vec<u8>,
    /// Constant-time check (MAC-6) that `tag` equals the first `tag.len()` bytes of the HMAC.
    verify_prefix: fn(key: &[u8], message: &[u8], tag: &[u8]) -> bool,
}

impl Algorithm {
    /// Looks an identifier of MAC-3 up.
    fn named(name: &str) -> Option<Algorithm> {
        // `Hmac<H>` uses the hash's block length `B` for key preparation (MAC-2). The SHA-3 types do
        // not expose the block-level API `Hmac` needs, so they use `SimpleHmac`, the same construction
        // over the plain `Digest` API; their block length is the sponge rate, as MAC-3 requires.
        Some(match name {
            "md5" => Algorithm::of::<Hmac<md5::Md5>>(),
            "sha1" => Algorithm::of::<Hmac<sha1::Sha1>>(),
            "sha224" => Algorithm::of::<Hmac<sha2::Sha224>>(),
            "sha256" => Algorithm::of::<Hmac<sha2::Sha256>>(),
            "sha384" => Algorithm::of::<Hmac<sha2::Sha384>>(),
            "sha512" => Algorithm::of::<Hmac<sha2::Sha512>>(),
            // SHA-512/t has its own initial values: not `Sha512` cut short (MAC-3).
            "sha512-224" => Algorithm::of::<Hmac<sha2::Sha512_224>>(),
            "sha512-256" => Algorithm::of::<Hmac<sha2::Sha512_256>>(),
            "sha3-224" => Algorithm::of::<SimpleHmac<sha3::Sha3_224>>(),
            "sha3-256" => Algorithm::of::<SimpleHmac<sha3::Sha3_256>>(),
            "sha3-384" => Algorithm::of::<SimpleHmac<sha3::Sha3_384>>(),
            "sha3-512" => Algorithm::of::<SimpleHmac<sha3::Sha3_512>>(),
            _ => return None,
        })
    }

    fn of<M: Mac + KeyInit>() -> Algorithm {
        Algorithm {
            output_len: M::output_size(),
            compute: compute_with::<M>,
            verify_prefix: verify_prefix_with::<M>,
        }
    }
}

fn new_mac<M: Mac + KeyInit>(key: &[u8], message: &[u8]) -> M {
    // HMAC accepts a key of any length, the empty one included (MAC-2): this cannot fail.
    let mut mac = <M as KeyInit>::new_from_slice(key).expect("HMAC accepts keys of any length");
    mac.update(message);
    mac
}

fn compute_with<M: Mac + KeyInit>(key: &[u8], message: &[u8]) -> Vec<u8> {
    new_mac::<M>(key, message).finalize().into_bytes().to_vec()
}

fn verify_prefix_with<M: Mac + KeyInit>(key: &[u8], message: &[u8], tag: &[u8]) -> bool {
    // `verify_truncated_left` compares `tag` with the leftmost `tag.len()` bytes of the HMAC
    // (MAC-4) in constant time (MAC-6); with `tag.len() == L` it is the full comparison.
    new_mac::<M>(key, message).verify_truncated_left(tag).is_ok()
}

/// The algorithm named by the field `algorithm` of `object`, if it is one of `allowed`.
fn algorithm_field(object: &Value, allowed: &[&str]) -> Result<Algorithm, Problem> {
    let name = str_field(object, "algorithm")?;
    match Algorithm::named(name) {
        Some(algorithm) if allowed.contains(&name) => Ok(algorithm),
        _ => Err(Problem::Unsupported(format!("algorithm {name:?} is not supported"))),
    }
}

// ---------------------------------------------------------------------------------------------------
// The `hmac` scheme: mac and mac-verify
// ---------------------------------------------------------------------------------------------------

fn hmac_mac(input: &Value) -> Result<Value, Problem> {
    let algorithm = algorithm_field(input, &ALGORITHM_NAMES)?;
    let key = b64_field(input, "key")?;
    let message = b64_field(input, "message")?;
    let tag_length = tag_length_field(input, &algorithm)?;
    // MAC-4: a truncated tag is the leftmost `t` bytes of the full output.
    let tag = &(algorithm.compute)(&key, &message)[..tag_length];
    Ok(json!({"tag": BASE64.encode(tag)}))
}

fn hmac_verify(input: &Value) -> Result<Value, Problem> {
    let algorithm = algorithm_field(input, &ALGORITHM_NAMES)?;
    let key = b64_field(input, "key")?;
    let message = b64_field(input, "message")?;
    let received = b64_field(input, "tag")?;
    // MAC-4: the tag length is the verifier's configuration, never inferred from the received tag.
    let tag_length = tag_length_field(input, &algorithm)?;
    // MAC-5: a tag of any other length is rejected before any comparison.
    if received.len() != tag_length {
        return Ok(invalid("wrong-tag-length"));
    }
    // MAC-5, MAC-6: same length, compared in constant time.
    if !(algorithm.verify_prefix)(&key, &message, &received) {
        return Ok(invalid("tag-mismatch"));
    }
    Ok(valid())
}

/// `input.tag_length`, checked against MAC-4: `1 ≤ t ≤ L`.
fn tag_length_field(input: &Value, algorithm: &Algorithm) -> Result<usize, String> {
    let tag_length =
        input["tag_length"].as_u64().ok_or("input.tag_length must be a non-negative integer")?;
    match usize::try_from(tag_length) {
        Ok(t) if (1..=algorithm.output_len).contains(&t) => Ok(t),
        _ => Err(format!(
            "input.tag_length {tag_length} is outside 1..={} for this algorithm (MAC-4)",
            algorithm.output_len
        )),
    }
}

// ---------------------------------------------------------------------------------------------------
// The `firstvision` scheme: sign
// ---------------------------------------------------------------------------------------------------

fn firstvision_sign(input: &Value) -> Result<Value, Problem> {
    let algorithm = algorithm_field(input, &FIRSTVISION_ALGORITHMS)?;
    let secret = b64_field(input, "secret")?;
    let api_key = str_field(input, "api_key")?;
    let request_id = str_field(input, "client_request_id")?;
    let timestamp = str_field(input, "timestamp")?;
    let body = b64_field(input, "body")?;
    // `method` and `path` are not signed (FV-8, §6).

    // FV-17: the values are signed exactly as given, never trimmed (FV-3 is for received header lines).
    // A value that breaks FV-5..7 is refused, with the reason a verifier would give: no conforming
    // verifier would accept the request. A refusal is an output, not an error.
    if let Some(reason) = field_problem(api_key, request_id, timestamp) {
        return Ok(json!({"refused": reason}));
    }

    // FV-8: Api-Key ‖ Client-Request-Id ‖ Timestamp ‖ body, no separators, body bytes as sent.
    let to_sign = string_to_sign(api_key, request_id, timestamp, &body);
    // FV-9: HMAC keyed with the secret's bytes as issued, full output.
    let mac = (algorithm.compute)(&secret, &to_sign);
    let signature = match str_field(input, "signature_encoding")? {
        // FV-10: the canonical encoding, Base64 of the raw MAC.
        "base64" => BASE64.encode(&mac),
        // FV-12: the legacy variant, Base64 of the MAC's lowercase hex text; only on request.
        "legacy-hex-base64" => BASE64.encode(lowercase_hex(&mac)),
        other => return Err(format!("unknown signature_encoding {other:?}").into()),
    };

    // FV-1: the signed headers, plus Content-Type for a request with a body.
    let mut headers = serde_json::Map::new();
    headers.insert("Api-Key".into(), api_key.into());
    headers.insert("Client-Request-Id".into(), request_id.into());
    headers.insert("Timestamp".into(), timestamp.into());
    headers.insert("Auth-Token-Type".into(), "HMAC".into());
    headers.insert("Authorization".into(), signature.clone().into());
    if !body.is_empty() {
        headers.insert("Content-Type".into(), "application/json".into());
    }
    Ok(json!({
        "signature": signature,
        "string_to_sign": BASE64.encode(&to_sign),
        "headers": headers,
    }))
}

/// The reason code for the first of the three signed values that breaks its syntax, in the order FV-5,
/// FV-6, FV-7; `None` if all are valid. Shared by the signer (FV-17) and the verifier (FV-16 steps 4-6).
/// The checks look at bytes: every byte must be ASCII, so a non-ASCII letter or digit never passes.
fn field_problem(api_key: &str, request_id: &str, timestamp: &str) -> Option<&'static str> {
    // FV-5: ^[A-Za-z0-9]{1,128}$
    if !(1..=128).contains(&api_key.len()) || !api_key.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Some("malformed-api-key");
    }
    // FV-6: ^[A-Za-z0-9-]{1,128}$
    if !(1..=128).contains(&request_id.len())
        || !request_id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
    {
        return Some("malformed-request-id");
    }
    // FV-7: ^[1-9][0-9]{0,15}$, checked explicitly: `str::parse` would accept `+1700…`.
    if parse_timestamp(timestamp).is_none() {
        return Some("malformed-timestamp");
    }
    None
}

/// FV-8: the bytes signed.
fn string_to_sign(api_key: &str, request_id: &str, timestamp: &str, body: &[u8]) -> Vec<u8> {
    [api_key.as_bytes(), request_id.as_bytes(), timestamp.as_bytes(), body].concat()
}

fn lowercase_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

// ---------------------------------------------------------------------------------------------------
// The `firstvision` scheme: verify (FV-16 gives the order of the checks)
// ---------------------------------------------------------------------------------------------------

/// The FV-1 fields, in the order their presence and uniqueness are reported.
const SIGNED_FIELDS: [&str; 5] =
    ["Api-Key", "Client-Request-Id", "Timestamp", "Auth-Token-Type", "Authorization"];

fn firstvision_verify(input: &Value) -> Result<Value, Problem> {
    // Parse the whole input first, so that a bad input is an adapter error, not a verdict.
    let request = &input["request"];
    let headers = headers_field(request)?;
    let body = b64_field(request, "body")?;
    let keys = input["keys"].as_array().ok_or("input.keys must be a list")?;
    let now = input["now_ms"].as_u64().ok_or("input.now_ms must be a non-negative integer")?;
    let window =
        input["window_ms"].as_u64().ok_or("input.window_ms must be a non-negative integer")?;
    let seen =
        input["seen_request_ids"].as_array().ok_or("input.seen_request_ids must be a list")?;
    let legacy_hex_base64 =
        input["legacy_hex_base64"].as_bool().ok_or("input.legacy_hex_base64 must be a boolean")?;

    // Collect the values of each FV-1 field. FV-2: names compare ASCII case-insensitively.
    // FV-3: values are trimmed of spaces and tabs at both ends, nothing else (not `str::trim`, which
    // also removes VT, FF, CR, U+00A0, U+3000 and every other Unicode white space).
    let values_of = |field: &str| -> Vec<&str> {
        headers
            .iter()
            .filter(|(name, _)| name.eq_ignore_ascii_case(field))
            .map(|(_, value)| value.trim_matches([' ', '\t']))
            .collect()
    };
    let fields: [Vec<&str>; 5] = SIGNED_FIELDS.map(values_of);
    // Step 1: every FV-1 field is present.
    if fields.iter().any(Vec::is_empty) {
        return Ok(invalid("missing-header"));
    }
    // Step 2, FV-4: none is repeated, even with equal values or different name cases.
    if fields.iter().any(|values| values.len() > 1) {
        return Ok(invalid("duplicate-header"));
    }
    let [api_key, request_id, timestamp, auth_type, authorization] = fields.map(|values| values[0]);

    // Step 3: the token type is exactly `HMAC`, case-sensitive.
    if auth_type != "HMAC" {
        return Ok(invalid("bad-auth-type"));
    }
    // Steps 4-6: the syntax of Api-Key (FV-5), Client-Request-Id (FV-6) and Timestamp (FV-7).
    if let Some(reason) = field_problem(api_key, request_id, timestamp) {
        return Ok(invalid(reason));
    }
    let ts = parse_timestamp(timestamp).expect("checked by field_problem");
    // Steps 7 and 8, FV-14: the window is inclusive, |now − ts| ≤ W passes.
    // (i128: no overflow whatever the inputs; 16 digits fit easily.)
    let (now, ts, window) = (i128::from(now), i128::from(ts), i128::from(window));
    if now - ts > window {
        return Ok(invalid("stale"));
    }
    if ts - now > window {
        return Ok(invalid("future"));
    }
    // Step 9: look the secret up by Api-Key (FV-9), after the clock checks.
    let Some(key) = keys.iter().find(|key| key["api_key"].as_str() == Some(api_key)) else {
        return Ok(invalid("unknown-api-key"));
    };
    let secret = b64_field(key, "secret")?;
    let algorithm = algorithm_field(key, &FIRSTVISION_ALGORITHMS)?;
    // Step 10, FV-11/FV-12: decode the signature strictly.
    let Some(received) = decode_signature(authorization, algorithm.output_len, legacy_hex_base64)
    else {
        return Ok(invalid("malformed-signature"));
    };
    // Step 11, FV-13: compare with the MAC of the received bytes, in constant time (MAC-6).
    let to_sign = string_to_sign(api_key, request_id, timestamp, &body);
    if !(algorithm.verify_prefix)(&secret, &to_sign, &received) {
        return Ok(invalid("signature-mismatch"));
    }
    // Step 12, FV-15: a Client-Request-Id seen before is a replay (byte for byte, case-sensitive).
    if seen.iter().any(|id| id.as_str() == Some(request_id)) {
        return Ok(invalid("replay"));
    }
    Ok(valid())
}

/// FV-7: `^[1-9][0-9]{0,15}$` with ASCII digits only, then its value.
fn parse_timestamp(text: &str) -> Option<u64> {
    let bytes = text.as_bytes();
    let syntax_ok =
        (1..=16).contains(&bytes.len()) && bytes[0] != b'0' && bytes.iter().all(u8::is_ascii_digit);
    // Safe to parse now: the text is 1..16 plain ASCII digits, which fit in a u64.
    if syntax_ok { text.parse().ok() } else { None }
}

/// FV-11 and FV-12: the MAC carried by an `Authorization` value, or `None` if it is malformed.
/// `mac_len` is `L`, the output length of the key's algorithm; the result is always `L` bytes.
fn decode_signature(text: &str, mac_len: usize, legacy_hex_base64: bool) -> Option<Vec<u8>> {
    let decoded = strict_base64_decode(text)?;
    if decoded.len() == mac_len {
        // FV-10: the canonical encoding of the raw MAC.
        return Some(decoded);
    }
    if legacy_hex_base64 && decoded.len() == 2 * mac_len {
        // FV-12: exactly 2L lowercase hex digits (uppercase is malformed), decoded to the MAC.
        return decode_lowercase_hex(&decoded);
    }
    None // a truncated, overlong, or other algorithm's signature (FV-11)
}

/// FV-11: strict Base64 (RFC 4648 §4) — standard alphabet, correct padding, nothing inside, and the
/// canonical text of its bytes (the unused bits of the last character are zero).
fn strict_base64_decode(text: &str) -> Option<Vec<u8>> {
    // Shape first: alphabet, then at most two `=` at the end, and whole 4-character groups.
    let data = text.trim_end_matches('=');
    let shape_ok = text.len().is_multiple_of(4)
        && text.len() - data.len() <= 2
        && data.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'/');
    if !shape_ok {
        return None;
    }
    // The STANDARD engine requires canonical padding and rejects non-zero trailing bits; the
    // round trip makes "exactly one text per byte string" explicit whatever the decoder does.
    let decoded = BASE64.decode(text).ok()?;
    (BASE64.encode(&decoded) == text).then_some(decoded)
}

/// Lowercase hex digits (`[0-9a-f]`, even count) to bytes; `None` for anything else.
fn decode_lowercase_hex(hex: &[u8]) -> Option<Vec<u8>> {
    fn nibble(digit: u8) -> Option<u8> {
        match digit {
            b'0'..=b'9' => Some(digit - b'0'),
            b'a'..=b'f' => Some(digit - b'a' + 10),
            _ => None,
        }
    }
    if !hex.len().is_multiple_of(2) {
        return None;
    }
    hex.chunks(2).map(|pair| Some((nibble(pair[0])? << 4) | nibble(pair[1])?)).collect()
}

// ---------------------------------------------------------------------------------------------------
// Input and output helpers
// ---------------------------------------------------------------------------------------------------

/// The `output` of an accepted `mac-verify` or `verify`.
fn valid() -> Value {
    json!({"valid": true})
}

/// The `output` of a rejected `mac-verify` or `verify`, with the spec's reason code.
fn invalid(reason: &str) -> Value {
    json!({"valid": false, "reason": reason})
}

fn str_field<'a>(object: &'a Value, name: &str) -> Result<&'a str, String> {
    object[name].as_str().ok_or_else(|| format!("input field {name:?} must be a string"))
}

/// A byte-string field: Base64 in the protocol (standard alphabet, padded).
fn b64_field(object: &Value, name: &str) -> Result<Vec<u8>, String> {
    let text = str_field(object, name)?;
    BASE64.decode(text).map_err(|err| format!("input field {name:?} is not valid Base64: {err}"))
}

/// `request.headers`: a list of `[name, value]` pairs in wire order.
fn headers_field(request: &Value) -> Result<Vec<(&str, &str)>, String> {
    let list = request["headers"].as_array().ok_or("input.request.headers must be a list")?;
    list.iter()
        .map(|pair| match pair.as_array().map(Vec::as_slice) {
            Some([name, value]) => match (name.as_str(), value.as_str()) {
                (Some(name), Some(value)) => Ok((name, value)),
                _ => Err("a header name and value must be strings".to_string()),
            },
            _ => Err("each header must be a [name, value] pair".to_string()),
        })
        .collect()
}
