//! hmac-conformance adapter (protocol v1, scheme `sigv4`) for the `aws-sigv4` crate, the signer of the AWS
//! SDK for Rust. One loop serves both modes: it answers `hello` and `case` lines and stops at `stop` or at
//! the end of input. Build (from the repository root):
//!
//!     cargo build --locked --release --manifest-path thirdparty/sigv4/rust-aws-sigv4/Cargo.toml

use std::io::{self, BufRead, Write};
use std::time::{Duration, SystemTime};

use aws_credential_types::Credentials;
use aws_sigv4::http_request::{
    PayloadChecksumKind, PercentEncodingMode, SessionTokenMode, SignableBody, SignableRequest,
    SignatureLocation, SigningSettings, sign,
};
use aws_sigv4::sign::v4;
use aws_smithy_runtime_api::client::identity::Identity;
use aws_smithy_types::date_time::{DateTime, Format};
use serde_json::{Value, json};

/// Pinned with `=` in Cargo.toml; Cargo gives a program no way to read a dependency's version.
const LIBRARY_VERSION: &str = "1.6.4";

fn text<'a>(value: &'a Value, key: &str) -> Result<&'a str, String> {
    value[key].as_str().ok_or_else(|| format!("input.{key} is not a string"))
}

/// "20150830T123600Z" -> SystemTime
fn signing_time(basic: &str) -> Result<SystemTime, String> {
    if basic.len() != 16 || !basic.is_ascii() {
        return Err(format!("bad time {basic:?}"));
    }
    let (d, t) = (&basic[..8], &basic[9..15]);
    let rfc3339 =
        format!("{}-{}-{}T{}:{}:{}Z", &d[..4], &d[4..6], &d[6..], &t[..2], &t[2..4], &t[4..]);
    let parsed = DateTime::from_str(&rfc3339, Format::DateTime).map_err(|e| e.to_string())?;
    SystemTime::try_from(parsed).map_err(|e| e.to_string())
}

fn sign_case(input: &Value) -> Result<Value, String> {
    let request = &input["request"];
    let creds = &input["credentials"];
    let query_mode = text(input, "mode")? == "query";
    let payload = text(input, "payload")?;
    let body =
        aws_smithy_types::base64::decode(text(request, "body")?).map_err(|e| e.to_string())?;

    let mut settings = SigningSettings::default();
    settings.percent_encoding_mode = match text(input, "uri_encoding")? {
        "single" => PercentEncodingMode::Single,
        _ => PercentEncodingMode::Double,
    };
    settings.uri_path_normalization_mode = input["normalize_path"].as_bool().unwrap_or(true).into();
    settings.payload_checksum_kind = match payload {
        "hash-header" | "unsigned-header" => PayloadChecksumKind::XAmzSha256,
        _ => PayloadChecksumKind::NoHeader,
    };
    if input["session_token"] == "unsigned" {
        settings.session_token_mode = SessionTokenMode::Exclude;
    }
    if query_mode {
        settings.signature_location = SignatureLocation::QueryParams;
        settings.expires_in =
            Some(Duration::from_secs(input["expires"].as_u64().unwrap_or_default()));
    }

    let identity: Identity = Credentials::new(
        text(creds, "access_key_id")?,
        text(creds, "secret_access_key")?,
        creds["session_token"].as_str().map(String::from),
        None,
        "hmac-conformance",
    )
    .into();
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region(text(input, "region")?)
        .name(text(input, "service")?)
        .time(signing_time(text(input, "time")?)?)
        .settings(settings)
        .build()
        .map_err(|e| e.to_string())?
        .into();

    let headers: Vec<(&str, &str)> = request["headers"]
        .as_array()
        .ok_or("input.request.headers is not a list")?
        .iter()
        .map(|pair| (pair[0].as_str().unwrap_or_default(), pair[1].as_str().unwrap_or_default()))
        .collect();
    let host =
        headers.iter().find(|(name, _)| name.eq_ignore_ascii_case("host")).map_or("", |h| h.1);
    let signable_body = match payload {
        "unsigned" | "unsigned-header" => SignableBody::UnsignedPayload,
        _ => SignableBody::Bytes(&body),
    };
    let signable = SignableRequest::new(
        text(request, "method")?,
        format!("https://{host}{}", text(request, "target")?),
        headers.iter().copied(),
        signable_body,
    )
    .map_err(|e| error_chain(&e))?;

    let (instructions, signature) =
        sign(signable, &params).map_err(|e| error_chain(&e))?.into_parts();
    // The instructions are exactly what signing adds: headers in header mode, query parameters (not yet
    // percent-encoded) in query mode.
    let added: Vec<Value> = if query_mode {
        instructions.params().iter().map(|(name, value)| json!([name, value])).collect()
    } else {
        instructions.headers().map(|(name, value)| json!([name, value])).collect()
    };
    Ok(json!({"signature": signature, "added": added}))
}

fn error_chain(error: &dyn std::error::Error) -> String {
    let mut message = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        message.push_str(": ");
        message.push_str(&cause.to_string());
        source = cause.source();
    }
    message
}

fn answer(message: &Value) -> Value {
    let seq = message["seq"].clone();
    match sign_case(&message["input"]) {
        Ok(output) => json!({"type": "result", "seq": seq, "output": output}),
        Err(error) => json!({"type": "result", "seq": seq, "error": {"message": error}}),
    }
}

fn hello() -> Value {
    json!({
        "type": "hello",
        "protocol": 1,
        "implementation": {
            "name": "aws-sigv4",
            "version": LIBRARY_VERSION,
            "language": "rust",
            "homepage": "https://crates.io/crates/aws-sigv4",
        },
        "supports": {"sigv4": {
            "operations": ["sign"],
            "features": ["query", "session-token", "unsigned-session-token", "single-encoding", "no-normalize",
                         "unsigned-payload", "payload-header"],
        }},
    })
}

fn main() -> io::Result<()> {
    let stdin = io::stdin();
    let mut stdout = io::stdout().lock();
    for line in stdin.lock().lines() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        let message: Value = match serde_json::from_str(&line) {
            Ok(message) => message,
            Err(error) => {
                eprintln!("ignoring a line that is not JSON: {error}");
                continue;
            }
        };
        let reply = match message["type"].as_str() {
            Some("hello") => hello(),
            Some("case") => answer(&message),
            _ => break,
        };
        writeln!(stdout, "{reply}")?;
        stdout.flush()?;
    }
    Ok(())
}
