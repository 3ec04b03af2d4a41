//! Arbitrary query parameters carrying a SigV2 `Signature` through
//! `SignedRequest::parse_raw` and `verify`: neither may panic.

#![no_main]

use arbitrary::Arbitrary;
use cumulo::ec2::auth::signature::{RawRequest, SignedRequest, VerifyOptions};
use libfuzzer_sys::fuzz_target;
use time::macros::datetime;

#[derive(Arbitrary, Debug)]
struct Input {
    post: bool,
    host: Option<Vec<u8>>,
    path: String,
    signature: String,
    /// `None` sends `SignatureVersion=2`.
    signature_version: Option<String>,
    signature_method: Option<String>,
    access_key: Option<String>,
    timestamp: Option<String>,
    expires: Option<String>,
    security_token: Option<String>,
    params: Vec<(String, String)>,
}

fuzz_target!(|input: Input| {
    let mut params: Vec<(String, String)> = input.params.clone();
    let mut push = |name: &str, value: Option<&str>| {
        if let Some(value) = value {
            params.push((name.to_owned(), value.to_owned()));
        }
    };
    push("Signature", Some(&input.signature));
    push(
        "SignatureVersion",
        Some(input.signature_version.as_deref().unwrap_or("2")),
    );
    push("SignatureMethod", input.signature_method.as_deref());
    push("AWSAccessKeyId", input.access_key.as_deref());
    push("Timestamp", input.timestamp.as_deref());
    push("Expires", input.expires.as_deref());
    push("SecurityToken", input.security_token.as_deref());

    let mut encoded = form_urlencoded::Serializer::new(String::new());
    for (name, value) in &params {
        encoded.append_pair(name, value);
    }
    let encoded = encoded.finish();
    let (method, query, body) = if input.post {
        ("POST", "", encoded.as_bytes())
    } else {
        ("GET", encoded.as_str(), &[][..])
    };
    let mut headers: Vec<(&str, &[u8])> = Vec::new();
    if let Some(host) = &input.host {
        headers.push(("host", host));
    }
    if input.post {
        headers.push(("content-type", b"application/x-www-form-urlencoded"));
    }
    let raw = RawRequest {
        method,
        path: &input.path,
        query,
        headers: &headers,
        body,
    };
    if let Ok(signed) = SignedRequest::parse_raw(&raw, &params) {
        let _ = signed.to_string();
        let _ = (signed.access_key(), signed.session_token());
        let now = datetime!(2026-01-01 12:00 UTC);
        let _ = signed.verify(b"fuzz-secret", now, &VerifyOptions::default());
    }
});
