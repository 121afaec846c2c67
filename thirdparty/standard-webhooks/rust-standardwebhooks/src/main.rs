//! hmac-conformance adapter (protocol v1) for the `standardwebhooks` crate.
//!
//! One loop serves both modes (jsonl: persistent, cmd: one-shot); see README.md. Only `sign` is offered:
//! the crate's `verify` always reads the system clock, so no verify vector can be run against it.

use std::io::{self, BufRead, Write};

use base64::{engine::general_purpose::STANDARD, Engine};
use serde_json::{json, Value};
use standardwebhooks::{Webhook, WebhookError};

const LIBRARY: &str = "standardwebhooks";

/// What one case gets: an output, a skip (the input cannot be expressed in the crate's types) or an error.
enum Answer {
    Output(Value),
    Skip(String),
    Error(String),
}

/// The crate's version as resolved in the committed Cargo.lock, which `--locked` builds use.
fn library_version() -> &'static str {
    let lock = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.lock"));
    let entry = format!("name = \"{LIBRARY}\"\nversion = \"");
    lock.find(&entry)
        .map(|at| &lock[at + entry.len()..])
        .and_then(|rest| rest.split('"').next())
        .unwrap_or("unknown")
}

fn text<'a>(input: &'a Value, field: &str) -> Result<&'a str, String> {
    input[field]
        .as_str()
        .ok_or_else(|| format!("input.{field} is not a string"))
}

fn sign(input: &Value) -> Result<Answer, String> {
    let webhook = match Webhook::new(text(input, "secret")?) {
        Ok(webhook) => webhook,
        Err(err) => {
            eprintln!("Webhook::new: {err}");
            return Ok(Answer::Output(json!({"refused": "malformed-secret"})));
        }
    };
    // sign() takes an i64 and writes it back in decimal; only the exact decimal text of an integer maps
    // onto one without this adapter deciding what gets signed.
    let timestamp_text = text(input, "timestamp")?;
    let timestamp = match timestamp_text.parse::<i64>() {
        Ok(value) if value.to_string() == timestamp_text => value,
        _ => {
            return Ok(Answer::Skip(format!(
                "sign() takes an i64; {timestamp_text:?} is not the decimal text of an integer"
            )))
        }
    };
    let payload = STANDARD
        .decode(text(input, "payload")?)
        .map_err(|err| format!("input.payload: {err}"))?;
    match webhook.sign(text(input, "msg_id")?, timestamp, &payload) {
        Ok(signature) => Ok(Answer::Output(json!({"signature": signature}))),
        // Not a reason code of the spec: the crate refuses payloads that are not UTF-8 (see README.md).
        Err(WebhookError::InvalidPayload) => {
            Ok(Answer::Output(json!({"refused": "malformed-payload"})))
        }
        Err(err) => Err(format!("sign: {err}")),
    }
}

fn answer(message: &Value) -> Value {
    let answer = if message["scheme"] == "standard-webhooks" && message["operation"] == "sign" {
        sign(&message["input"]).unwrap_or_else(Answer::Error)
    } else {
        Answer::Skip(format!(
            "{LIBRARY} has no verify that can be given the case's clock"
        ))
    };
    let mut result = json!({"type": "result", "seq": message["seq"]});
    match answer {
        Answer::Output(output) => result["output"] = output,
        Answer::Skip(reason) => result["skip"] = json!({"reason": reason}),
        Answer::Error(message) => {
            eprintln!("{message}");
            result["error"] = json!({"message": message});
        }
    }
    result
}

fn hello() -> Value {
    json!({
        "type": "hello",
        "protocol": 1,
        "implementation": {
            "name": LIBRARY,
            "version": library_version(),
            "language": "rust",
            "homepage": "https://crates.io/crates/standardwebhooks",
        },
        "supports": {"standard-webhooks": {"operations": ["sign"], "features": []}},
    })
}

fn main() -> io::Result<()> {
    let mut out = io::stdout().lock();
    for line in io::stdin().lock().lines() {
        let line = line?;
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
        let reply = match message["type"].as_str() {
            Some("hello") => hello(),
            Some("case") => answer(&message),
            Some("stop") => break,
            other => {
                eprintln!("ignoring message of type {other:?}");
                continue;
            }
        };
        writeln!(out, "{reply}")?;
        out.flush()?;
    }
    Ok(())
}
