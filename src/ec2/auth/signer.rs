//! A SigV4 signer for requests cumulo itself sends: tests, benchmarks and the in-process
//! client of [`crate::testing`]. Servers only verify.

use sha2::{Digest, Sha256};
use time::OffsetDateTime;
use time::macros::format_description;

use super::sigv4;
use crate::core::Request;

/// Signs `request` with SigV4 in the `Authorization` header, as AWS SDKs do: it sets
/// `host` (when missing) and `x-amz-date`, and signs those with `content-type` and
/// `x-amz-security-token` when present.
pub fn sign_v4(
    request: &mut Request,
    access_key: &str,
    secret: &[u8],
    region: &str,
    service: &str,
    now: OffsetDateTime,
) {
    let date_time = now
        .format(format_description!(
            "[year][month][day]T[hour][minute][second]Z"
        ))
        .expect("a UTC time formats");
    let date = &date_time[..8];
    if !request.headers().contains_key(http::header::HOST) {
        let host = request.uri().authority().map(|a| a.as_str().to_owned());
        let host = host.unwrap_or_else(|| "localhost".to_owned());
        request
            .headers_mut()
            .insert(http::header::HOST, host.parse().expect("a host header"));
    }
    request
        .headers_mut()
        .insert("x-amz-date", date_time.parse().expect("a date header"));

    let mut signed_headers = vec!["host", "x-amz-date"];
    for optional in ["content-type", "x-amz-security-token"] {
        if request.headers().contains_key(optional) {
            signed_headers.push(optional);
        }
    }
    signed_headers.sort_unstable();
    let headers: Vec<(String, String)> = request
        .headers()
        .iter()
        .map(|(name, value)| {
            (
                name.as_str().to_owned(),
                String::from_utf8_lossy(value.as_bytes()).into_owned(),
            )
        })
        .collect();
    let payload_hash = hex::encode(Sha256::digest(request.body().as_bytes()));
    let canonical_request = sigv4::canonical_request(
        request.method().as_str(),
        request.uri().path(),
        request.uri().query().unwrap_or(""),
        &headers,
        &signed_headers,
        &payload_hash,
        true,
    );
    let credential_scope = format!("{date}/{region}/{service}/aws4_request");
    let string_to_sign = sigv4::string_to_sign(&date_time, &credential_scope, &canonical_request);
    let key = sigv4::signing_key(secret, date, region, service);
    let signature = sigv4::signature(&key, &string_to_sign);
    let authorization = format!(
        "{} Credential={access_key}/{credential_scope}, SignedHeaders={}, Signature={signature}",
        sigv4::ALGORITHM,
        signed_headers.join(";"),
    );
    request.headers_mut().insert(
        http::header::AUTHORIZATION,
        authorization.parse().expect("an auth header"),
    );
}
