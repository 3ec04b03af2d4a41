//! An arbitrary request through `SignedRequest::parse_raw` and, when it parses, `verify`
//! with a fixed secret and clock: neither may panic.

#![no_main]

use arbitrary::Arbitrary;
use cumulo::ec2::auth::signature::{RawRequest, SignedRequest, VerifyOptions};
use libfuzzer_sys::fuzz_target;
use time::macros::datetime;

/// An `Authorization` header laid out as SigV4 writes it, with fuzzed parts, so most
/// inputs get past the outer syntax.
#[derive(Arbitrary, Debug)]
struct Authorization {
    algorithm: Option<String>,
    access_key: String,
    scope_date: String,
    region: String,
    service: String,
    terminator: Option<String>,
    signed_headers: Vec<String>,
    signature: String,
}

impl Authorization {
    fn header(&self) -> String {
        format!(
            "{} Credential={}/{}/{}/{}/{}, SignedHeaders={}, Signature={}",
            self.algorithm.as_deref().unwrap_or("AWS4-HMAC-SHA256"),
            self.access_key,
            self.scope_date,
            self.region,
            self.service,
            self.terminator.as_deref().unwrap_or("aws4_request"),
            self.signed_headers.join(";"),
            self.signature,
        )
    }
}

#[derive(Arbitrary, Debug)]
struct Input {
    method: String,
    path: String,
    query: String,
    headers: Vec<(String, Vec<u8>)>,
    authorization: Option<Authorization>,
    amz_date: Option<String>,
    form_body: bool,
    body: Vec<u8>,
}

fuzz_target!(|input: Input| {
    let authorization = input.authorization.as_ref().map(Authorization::header);
    let mut headers: Vec<(&str, &[u8])> = input
        .headers
        .iter()
        .map(|(name, value)| (name.as_str(), value.as_slice()))
        .collect();
    if let Some(authorization) = &authorization {
        headers.push(("authorization", authorization.as_bytes()));
    }
    if let Some(amz_date) = &input.amz_date {
        headers.push(("x-amz-date", amz_date.as_bytes()));
    }
    let mut params: Vec<(String, String)> = form_urlencoded::parse(input.query.as_bytes())
        .into_owned()
        .collect();
    if input.form_body {
        params.extend(form_urlencoded::parse(&input.body).into_owned());
    }
    let raw = RawRequest {
        method: &input.method,
        path: &input.path,
        query: &input.query,
        headers: &headers,
        body: &input.body,
    };
    if let Ok(signed) = SignedRequest::parse_raw(&raw, &params) {
        let _ = signed.to_string();
        let _ = (signed.access_key(), signed.region(), signed.session_token());
        let options = VerifyOptions {
            regions: vec!["us-east-1".to_owned()],
            ..VerifyOptions::default()
        };
        let now = datetime!(2026-01-01 12:00 UTC);
        let _ = signed.verify(b"fuzz-secret", now, &options);
    }
});
