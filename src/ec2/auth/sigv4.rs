//! AWS Signature Version 4, in the `Authorization` header or presigned in the query string.
//!
//! Follows AWS's "Create a signed AWS API request" with the rules of every service but S3:
//! the path is normalized (unless [`VerifyOptions::normalize_path`] is off) and encoded a
//! second time, and `X-Amz-Signature` is the one query parameter the canonical query string
//! leaves out.
//!
//! Where it is stricter than some AWS services: the payload hash is always the SHA-256 of the
//! exact body bytes, so `UNSIGNED-PAYLOAD` and a mismatching `x-amz-content-sha256` are
//! refused; `SignedHeaders` must name `host`; a session token must be signed unless
//! [`VerifyOptions::allow_unsigned_session_token`] says otherwise.

use std::fmt;

use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};
use time::format_description::well_known::Rfc2822;
use time::macros::format_description;
use time::{Duration, OffsetDateTime, PrimitiveDateTime};
use zeroize::Zeroizing;

use super::encoding;
use super::key_cache::SigningKeyCache;
use super::signature::{RawRequest, SignatureError, VerifyOptions};

/// The one algorithm SigV4 verification accepts.
pub const ALGORITHM: &str = "AWS4-HMAC-SHA256";

/// The longest a presigned URL may live, in seconds (seven days).
pub const MAX_EXPIRES_SECONDS: i64 = 604_800;

const SCOPE_TERMINATOR: &str = "aws4_request";
const SIGNATURE_PARAM: &str = "X-Amz-Signature";
const SESSION_TOKEN_PARAM: &str = "X-Amz-Security-Token";
const SESSION_TOKEN_HEADER: &str = "x-amz-security-token";

type HmacSha256 = Hmac<Sha256>;

/// A SigV4 signature as a request presents it, before the secret is known.
#[derive(Clone)]
pub struct SigV4Request {
    form: Form,
    access_key: String,
    scope: CredentialScope,
    request_date: String,
    request_time: OffsetDateTime,
    /// `SignedHeaders` as the canonical request carries it: sorted names joined by `;`.
    signed_headers: String,
    signature: [u8; 32],
    session_token: Option<SessionToken>,
    method: String,
    path: String,
    query: String,
    /// CanonicalHeaders, written once at parse time: it needs no secret.
    canonical_headers: String,
    payload_hash: [u8; 64],
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Form {
    Header,
    Presigned { expires: Duration },
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct CredentialScope {
    /// `date/region/service`, as the credential carries them.
    text: String,
    region_start: usize,
    service_start: usize,
}

impl CredentialScope {
    fn date(&self) -> &str {
        &self.text[..self.region_start - 1]
    }

    fn region(&self) -> &str {
        &self.text[self.region_start..self.service_start - 1]
    }

    fn service(&self) -> &str {
        &self.text[self.service_start..]
    }
}

impl fmt::Display for CredentialScope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{SCOPE_TERMINATOR}", self.text)
    }
}

#[derive(Clone)]
struct SessionToken {
    value: String,
    location: TokenLocation,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TokenLocation {
    Header { signed: bool },
    Query,
}

/// Leaves out the signature and the session token.
impl fmt::Debug for SigV4Request {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigV4Request")
            .field("form", &self.form)
            .field("access_key", &self.access_key)
            .field("credential_scope", &self.scope.to_string())
            .field("request_date", &self.request_date)
            .field("signed_headers", &self.signed_headers)
            .field("has_session_token", &self.session_token.is_some())
            .field("method", &self.method)
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

impl SigV4Request {
    /// Reads an `Authorization: AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…,
    /// Signature=…` header; the request date is `X-Amz-Date`, or `Date` without it.
    pub(crate) fn parse_header(
        request: &RawRequest<'_>,
        authorization: &str,
    ) -> Result<Self, SignatureError> {
        let (algorithm, components) = authorization.split_once(' ').unwrap_or((authorization, ""));
        if algorithm != ALGORITHM {
            return Err(SignatureError::UnsupportedAlgorithm);
        }

        let (mut credential, mut signed_headers, mut signature) = (None, None, None);
        for component in components.split(',') {
            let Some((name, value)) = component.trim().split_once('=') else {
                return Err(SignatureError::Malformed(
                    "Authorization component without '='",
                ));
            };
            let slot = match name {
                "Credential" => &mut credential,
                "SignedHeaders" => &mut signed_headers,
                "Signature" => &mut signature,
                _ => return Err(SignatureError::Malformed("unknown Authorization component")),
            };
            if slot.replace(value).is_some() {
                return Err(SignatureError::Malformed(
                    "repeated Authorization component",
                ));
            }
        }
        let missing = SignatureError::Malformed("Authorization lacks a component");

        let (request_date, request_time) = match request.single_header("x-amz-date")? {
            Some(date) => parse_request_date(utf8(date, "X-Amz-Date is not UTF-8")?)?,
            None => {
                let date = request
                    .single_header("date")?
                    .ok_or(SignatureError::Malformed("no X-Amz-Date or Date header"))?;
                parse_http_date(utf8(date, "Date is not UTF-8")?)?
            }
        };

        let session_token = match request.single_header(SESSION_TOKEN_HEADER)? {
            Some(token) => Some(SessionToken {
                value: utf8(token, "X-Amz-Security-Token is not UTF-8")?.to_owned(),
                location: TokenLocation::Header { signed: false },
            }),
            None => query_session_token(request)?,
        };

        Self::new(
            request,
            Form::Header,
            credential.ok_or(missing)?,
            signed_headers.ok_or(missing)?,
            signature.ok_or(missing)?,
            (request_date, request_time),
            session_token,
        )
    }

    /// Reads the `X-Amz-*` parameters of a presigned URL.
    pub(crate) fn parse_presigned(request: &RawRequest<'_>) -> Result<Self, SignatureError> {
        let mut params: [(&str, Option<String>); 6] = [
            ("X-Amz-Algorithm", None),
            ("X-Amz-Credential", None),
            ("X-Amz-Date", None),
            ("X-Amz-Expires", None),
            ("X-Amz-SignedHeaders", None),
            (SIGNATURE_PARAM, None),
        ];
        for (name, value) in encoding::query_pairs(request.query) {
            let Some((_, slot)) = params
                .iter_mut()
                .find(|(known, _)| known.as_bytes() == name)
            else {
                continue;
            };
            let value = String::from_utf8(value)
                .map_err(|_| SignatureError::Malformed("X-Amz parameter is not UTF-8"))?;
            if slot.replace(value).is_some() {
                return Err(SignatureError::Malformed("repeated X-Amz parameter"));
            }
        }
        let [
            algorithm,
            credential,
            date,
            expires,
            signed_headers,
            signature,
        ] = params.map(|(_, value)| value);
        let missing = SignatureError::Malformed("presigned URL lacks an X-Amz parameter");

        if algorithm.ok_or(missing)? != ALGORITHM {
            return Err(SignatureError::UnsupportedAlgorithm);
        }
        let expires = expires
            .ok_or(missing)?
            .parse::<i64>()
            .ok()
            .filter(|seconds| (1..=MAX_EXPIRES_SECONDS).contains(seconds))
            .ok_or(SignatureError::Malformed(
                "X-Amz-Expires is not 1 to 604800",
            ))?;

        let session_token = match query_session_token(request)? {
            Some(token) => Some(token),
            None => match request.single_header(SESSION_TOKEN_HEADER)? {
                Some(token) => Some(SessionToken {
                    value: utf8(token, "X-Amz-Security-Token is not UTF-8")?.to_owned(),
                    location: TokenLocation::Header { signed: false },
                }),
                None => None,
            },
        };

        Self::new(
            request,
            Form::Presigned {
                expires: Duration::seconds(expires),
            },
            &credential.ok_or(missing)?,
            &signed_headers.ok_or(missing)?,
            &signature.ok_or(missing)?,
            parse_request_date(&date.ok_or(missing)?)?,
            session_token,
        )
    }

    fn new(
        request: &RawRequest<'_>,
        form: Form,
        credential: &str,
        signed_headers: &str,
        signature: &str,
        (request_date, request_time): (String, OffsetDateTime),
        mut session_token: Option<SessionToken>,
    ) -> Result<Self, SignatureError> {
        let (access_key, scope) = parse_credential(credential)?;
        let signed_headers = parse_signed_headers(signed_headers)?;
        let signature = parse_hex_signature(signature)?;

        if !signed_headers.split(';').any(|name| name == "host") {
            return Err(SignatureError::SignedHeaderMissing);
        }
        let mut canonical_headers = String::with_capacity(256);
        for name in signed_headers.split(';') {
            canonical_headers.push_str(name);
            canonical_headers.push(':');
            let mut present = false;
            for value in request.header_values(name) {
                let value = utf8(value, "signed header value is not UTF-8")?;
                if present {
                    canonical_headers.push(',');
                }
                push_trimmed(&mut canonical_headers, value);
                present = true;
            }
            if !present {
                return Err(SignatureError::SignedHeaderMissing);
            }
            canonical_headers.push('\n');
        }

        if let Some(SessionToken {
            location: TokenLocation::Header { signed },
            ..
        }) = &mut session_token
        {
            *signed = signed_headers
                .split(';')
                .any(|name| name == SESSION_TOKEN_HEADER);
        }

        Ok(Self {
            form,
            access_key: access_key.to_owned(),
            scope,
            request_date,
            request_time,
            signed_headers,
            signature,
            session_token,
            method: request.method.to_owned(),
            path: request.path.to_owned(),
            query: request.query.to_owned(),
            canonical_headers,
            payload_hash: {
                let mut hex = [0u8; 64];
                lower_hex(&Sha256::digest(request.body), &mut hex);
                hex
            },
        })
    }

    /// The access key of the credential scope.
    pub fn access_key(&self) -> &str {
        &self.access_key
    }

    /// The region of the credential scope.
    pub fn region(&self) -> &str {
        self.scope.region()
    }

    /// The service of the credential scope.
    pub fn service(&self) -> &str {
        self.scope.service()
    }

    /// The date of the credential scope, `YYYYMMDD`.
    pub fn scope_date(&self) -> &str {
        self.scope.date()
    }

    /// The request time: `X-Amz-Date`, or the `Date` header.
    pub fn request_time(&self) -> OffsetDateTime {
        self.request_time
    }

    /// The lower-case names in `SignedHeaders`, sorted.
    pub fn signed_headers(&self) -> impl Iterator<Item = &str> {
        self.signed_headers.split(';')
    }

    /// `X-Amz-Security-Token`, from the header or the query string.
    pub fn session_token(&self) -> Option<&str> {
        self.session_token
            .as_ref()
            .map(|token| token.value.as_str())
    }

    /// Whether the signature came in the query string rather than the `Authorization` header.
    pub fn is_presigned(&self) -> bool {
        matches!(self.form, Form::Presigned { .. })
    }

    /// Checks the credential scope against `options`, the request time against `now`, and
    /// the signature against `secret`.
    ///
    /// # Errors
    ///
    /// In the order checked: [`SignatureError::WrongService`],
    /// [`SignatureError::UnknownRegion`], [`SignatureError::ScopeDateMismatch`],
    /// [`SignatureError::Expired`], [`SignatureError::UnsignedSessionToken`] and
    /// [`SignatureError::Mismatch`].
    pub fn verify(
        &self,
        secret: &[u8],
        now: OffsetDateTime,
        options: &VerifyOptions,
    ) -> Result<(), SignatureError> {
        self.verify_with_keys(secret, now, options, None)
    }

    /// [`SigV4Request::verify`], taking the signing key from `keys` when it holds it.
    pub(crate) fn verify_with_keys(
        &self,
        secret: &[u8],
        now: OffsetDateTime,
        options: &VerifyOptions,
        keys: Option<&SigningKeyCache>,
    ) -> Result<(), SignatureError> {
        // Credential scope
        if self.scope.service() != options.service {
            return Err(SignatureError::WrongService);
        }
        if !options.serves_region(self.scope.region()) {
            return Err(SignatureError::UnknownRegion);
        }
        if self.scope.date() != &self.request_date[..8] {
            return Err(SignatureError::ScopeDateMismatch);
        }

        // Request time; a presigned URL may be used until it expires.
        let age = now - self.request_time;
        let in_time = match self.form {
            Form::Header => age.abs() <= options.max_skew,
            Form::Presigned { expires } => -age <= options.max_skew && age <= expires,
        };
        if !in_time {
            return Err(SignatureError::Expired);
        }

        // Session token
        let token_location = self.session_token.as_ref().map(|token| token.location);
        if token_location == Some(TokenLocation::Header { signed: false })
            && !options.allow_unsigned_session_token
        {
            return Err(SignatureError::UnsignedSessionToken);
        }

        // Task 3: signing key. Tasks 1, 2 and 4 follow in `signature_matches`, tried once
        // more without a token that some SDKs add to a URL after signing.
        let scope = [self.scope.date(), self.scope.region(), self.scope.service()];
        let derive = || signing_key(secret, scope[0], scope[1], scope[2]);
        let key = match keys {
            Some(keys) => keys.get(&self.access_key, secret, scope, derive),
            None => derive(),
        };
        if self.signature_matches(&key, options.normalize_path, &[SIGNATURE_PARAM]) {
            return Ok(());
        }
        let token_added_after_signing = self.is_presigned()
            && token_location == Some(TokenLocation::Query)
            && options.allow_unsigned_session_token;
        let excluded = [SIGNATURE_PARAM, SESSION_TOKEN_PARAM];
        if token_added_after_signing
            && self.signature_matches(&key, options.normalize_path, &excluded)
        {
            return Ok(());
        }
        Err(SignatureError::Mismatch)
    }

    fn signature_matches(
        &self,
        signing_key: &[u8; 32],
        normalize_path: bool,
        excluded_params: &[&str],
    ) -> bool {
        // Task 1: canonical request, hashed as it is laid out rather than built first.
        let mut canonical_request = Sha256::new();
        canonical_request.update(self.method.as_bytes());
        canonical_request.update(b"\n");
        canonical_request.update(canonical_uri(&self.path, normalize_path).as_bytes());
        canonical_request.update(b"\n");
        let query = canonical_query_string(&self.query, excluded_params);
        canonical_request.update(query.as_bytes());
        canonical_request.update(b"\n");
        canonical_request.update(self.canonical_headers.as_bytes());
        canonical_request.update(b"\n");
        canonical_request.update(self.signed_headers.as_bytes());
        canonical_request.update(b"\n");
        canonical_request.update(self.payload_hash);
        let mut hashed_canonical_request = [0u8; 64];
        lower_hex(&canonical_request.finalize(), &mut hashed_canonical_request);

        // Task 2: string to sign, fed straight into task 4's HMAC.
        let mut mac = <HmacSha256 as KeyInit>::new_from_slice(signing_key)
            .expect("HMAC accepts keys of any length");
        for part in [
            ALGORITHM.as_bytes(),
            b"\n",
            self.request_date.as_bytes(),
            b"\n",
            self.scope.text.as_bytes(),
            b"/",
            SCOPE_TERMINATOR.as_bytes(),
            b"\n",
            &hashed_canonical_request,
        ] {
            mac.update(part);
        }

        // Task 4: signature, compared in constant time
        mac.verify_slice(&self.signature).is_ok()
    }
}

/// Builds the canonical request (SigV4 task 1) for a request as received.
///
/// `raw_path` and `raw_query` are still percent-encoded, as on the wire; `X-Amz-Signature`
/// is left out of the query. `headers` may repeat a name and use any case; only those named
/// in `signed_headers` are used. `payload_hash` is the lower-case hex SHA-256 of the body.
pub fn canonical_request<N, V, S>(
    method: &str,
    raw_path: &str,
    raw_query: &str,
    headers: &[(N, V)],
    signed_headers: &[S],
    payload_hash: &str,
    normalize_path: bool,
) -> String
where
    N: AsRef<str>,
    V: AsRef<str>,
    S: AsRef<str>,
{
    let mut signed_headers: Vec<String> = signed_headers
        .iter()
        .map(|name| name.as_ref().to_ascii_lowercase())
        .collect();
    signed_headers.sort();
    signed_headers.dedup();

    assemble_canonical_request(
        method,
        &canonical_uri(raw_path, normalize_path),
        &canonical_query_string(raw_query, &[SIGNATURE_PARAM]),
        &canonical_headers(headers, &signed_headers),
        &signed_headers.join(";"),
        payload_hash,
    )
}

fn assemble_canonical_request(
    method: &str,
    canonical_uri: &str,
    canonical_query_string: &str,
    canonical_headers: &str,
    signed_headers: &str,
    hashed_payload: &str,
) -> String {
    format!(
        "{method}\n{canonical_uri}\n{canonical_query_string}\n{canonical_headers}\n\
         {signed_headers}\n{hashed_payload}"
    )
}

/// CanonicalURI: the path, normalized if asked, each segment percent-encoded once more.
pub fn canonical_uri(raw_path: &str, normalize_path: bool) -> String {
    if normalize_path {
        encoding::percent_encode_path(&encoding::normalize_path(raw_path))
    } else if raw_path.is_empty() {
        "/".to_owned()
    } else {
        encoding::percent_encode_path(raw_path)
    }
}

/// CanonicalQueryString: every parameter but those named in `excluded_params`, decoded,
/// re-encoded per RFC 3986, sorted by name then value, joined with `&`.
pub fn canonical_query_string(raw_query: &str, excluded_params: &[&str]) -> String {
    let mut pairs: Vec<(String, String)> = encoding::query_pairs(raw_query)
        .filter(|(name, _)| {
            !excluded_params
                .iter()
                .any(|excluded| excluded.as_bytes() == name)
        })
        .map(|(name, value)| {
            (
                encoding::percent_encode(&name),
                encoding::percent_encode(&value),
            )
        })
        .collect();
    pairs.sort();

    let mut query = String::with_capacity(raw_query.len());
    for (index, (name, value)) in pairs.iter().enumerate() {
        if index > 0 {
            query.push('&');
        }
        query.push_str(name);
        query.push('=');
        query.push_str(value);
    }
    query
}

/// CanonicalHeaders: one `name:value` line per signed header, in the order of
/// `signed_headers` (lower-case, sorted); repeated headers are joined with `,` in the order
/// received, each value trimmed with its runs of spaces folded to one.
pub fn canonical_headers<N, V, S>(headers: &[(N, V)], signed_headers: &[S]) -> String
where
    N: AsRef<str>,
    V: AsRef<str>,
    S: AsRef<str>,
{
    let mut canonical = String::new();
    for name in signed_headers {
        let name = name.as_ref();
        canonical.push_str(name);
        canonical.push(':');
        let values = headers
            .iter()
            .filter(|(candidate, _)| candidate.as_ref().eq_ignore_ascii_case(name));
        for (index, (_, value)) in values.enumerate() {
            if index > 0 {
                canonical.push(',');
            }
            push_trimmed(&mut canonical, value.as_ref());
        }
        canonical.push('\n');
    }
    canonical
}

fn push_trimmed(out: &mut String, value: &str) {
    let value = value.trim_matches([' ', '\t']);
    if !value.contains("  ") {
        out.push_str(value);
        return;
    }
    let mut previous_was_space = false;
    for character in value.chars() {
        if character == ' ' && previous_was_space {
            continue;
        }
        previous_was_space = character == ' ';
        out.push(character);
    }
}

/// The string to sign (SigV4 task 2): algorithm, request date (`YYYYMMDDTHHMMSSZ`),
/// credential scope and the hex SHA-256 of the canonical request, one per line.
pub fn string_to_sign(
    request_date: &str,
    credential_scope: &str,
    canonical_request: &str,
) -> String {
    let hashed_canonical_request = hex::encode(Sha256::digest(canonical_request.as_bytes()));
    format!("{ALGORITHM}\n{request_date}\n{credential_scope}\n{hashed_canonical_request}")
}

/// The signing key (SigV4 task 3): HMAC-SHA256 chained over the scope's date, region,
/// service and `aws4_request`, starting from `AWS4` + the secret.
///
/// Every intermediate key is wiped when dropped, and so is the result.
///
/// Limitation: the HMAC state inside `hmac` (built without its `zeroize` feature) and the
/// caller's `secret` are not wiped here.
pub fn signing_key(secret: &[u8], date: &str, region: &str, service: &str) -> Zeroizing<[u8; 32]> {
    let mut secret_key = Zeroizing::new(Vec::with_capacity(4 + secret.len()));
    secret_key.extend_from_slice(b"AWS4");
    secret_key.extend_from_slice(secret);

    let date_key = hmac_sha256(&secret_key, date.as_bytes());
    let region_key = hmac_sha256(&*date_key, region.as_bytes());
    let service_key = hmac_sha256(&*region_key, service.as_bytes());
    hmac_sha256(&*service_key, SCOPE_TERMINATOR.as_bytes())
}

/// The signature (SigV4 task 4): lower-case hex HMAC-SHA256 of the string to sign.
pub fn signature(signing_key: &[u8; 32], string_to_sign: &str) -> String {
    hex::encode(*hmac_sha256(signing_key, string_to_sign.as_bytes()))
}

/// Writes `bytes` as lower-case hex into `out`, which holds twice as many bytes.
fn lower_hex(bytes: &[u8], out: &mut [u8]) {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    for (byte, pair) in bytes.iter().zip(out.chunks_exact_mut(2)) {
        pair[0] = DIGITS[usize::from(byte >> 4)];
        pair[1] = DIGITS[usize::from(byte & 0x0f)];
    }
}

fn hmac_sha256(key: &[u8], data: &[u8]) -> Zeroizing<[u8; 32]> {
    let mut mac =
        <HmacSha256 as KeyInit>::new_from_slice(key).expect("HMAC accepts keys of any length");
    mac.update(data);
    Zeroizing::new(mac.finalize().into_bytes().into())
}

fn parse_credential(credential: &str) -> Result<(&str, CredentialScope), SignatureError> {
    let malformed =
        SignatureError::Malformed("Credential is not key/date/region/service/aws4_request");
    let mut parts = credential.split('/');
    let (Some(access_key), Some(date), Some(region), Some(service), Some(terminator), None) = (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    ) else {
        return Err(malformed);
    };
    let date_is_valid = date.len() == 8 && date.bytes().all(|byte| byte.is_ascii_digit());
    if access_key.is_empty() || !date_is_valid || terminator != SCOPE_TERMINATOR {
        return Err(malformed);
    }
    let region_start = date.len() + 1;
    let service_start = region_start + region.len() + 1;
    let mut text = String::with_capacity(service_start + service.len());
    for (index, part) in [date, region, service].into_iter().enumerate() {
        if index > 0 {
            text.push('/');
        }
        text.push_str(part);
    }
    let scope = CredentialScope {
        text,
        region_start,
        service_start,
    };
    Ok((access_key, scope))
}

/// Checks `SignedHeaders` and returns it sorted, as the canonical request carries it.
fn parse_signed_headers(signed_headers: &str) -> Result<String, SignatureError> {
    let mut names = Vec::with_capacity(8);
    for name in signed_headers.split(';') {
        let is_token = !name.is_empty()
            && name
                .bytes()
                .all(|byte| byte.is_ascii_graphic() && !byte.is_ascii_uppercase());
        if !is_token {
            return Err(SignatureError::Malformed(
                "SignedHeaders is not lower-case names",
            ));
        }
        names.push(name);
    }
    if names.is_sorted_by(|a, b| a < b) {
        return Ok(signed_headers.to_owned());
    }
    names.sort_unstable();
    let count = names.len();
    names.dedup();
    if names.len() != count {
        return Err(SignatureError::Malformed("SignedHeaders repeats a name"));
    }
    Ok(names.join(";"))
}

fn parse_hex_signature(signature: &str) -> Result<[u8; 32], SignatureError> {
    let malformed = SignatureError::Malformed("Signature is not 64 lower-case hex digits");
    let digits = signature.as_bytes();
    if digits.len() != 64 {
        return Err(malformed);
    }
    let mut bytes = [0; 32];
    for (byte, pair) in bytes.iter_mut().zip(digits.chunks_exact(2)) {
        let (Some(high), Some(low)) = (lower_hex_value(pair[0]), lower_hex_value(pair[1])) else {
            return Err(malformed);
        };
        *byte = high << 4 | low;
    }
    Ok(bytes)
}

fn lower_hex_value(digit: u8) -> Option<u8> {
    match digit {
        b'0'..=b'9' => Some(digit - b'0'),
        b'a'..=b'f' => Some(digit - b'a' + 10),
        _ => None,
    }
}

/// Parses `YYYYMMDDTHHMMSSZ`, keeping the text as the string to sign carries it.
fn parse_request_date(date: &str) -> Result<(String, OffsetDateTime), SignatureError> {
    let format = format_description!("[year][month][day]T[hour][minute][second]Z");
    let time = PrimitiveDateTime::parse(date, format)
        .map_err(|_| SignatureError::Malformed("X-Amz-Date is not YYYYMMDDTHHMMSSZ"))?
        .assume_utc();
    Ok((date.to_owned(), time))
}

/// Parses an HTTP `Date` header and writes it the way the string to sign needs.
fn parse_http_date(date: &str) -> Result<(String, OffsetDateTime), SignatureError> {
    let time = OffsetDateTime::parse(date, &Rfc2822)
        .map_err(|_| SignatureError::Malformed("Date is not an HTTP date"))?
        .to_offset(time::UtcOffset::UTC);
    let format = format_description!("[year][month][day]T[hour][minute][second]Z");
    let text = time
        .format(format)
        .map_err(|_| SignatureError::Malformed("Date is out of range"))?;
    Ok((text, time))
}

fn query_session_token(request: &RawRequest<'_>) -> Result<Option<SessionToken>, SignatureError> {
    let mut tokens = encoding::query_pairs(request.query)
        .filter(|(name, _)| name == SESSION_TOKEN_PARAM.as_bytes())
        .map(|(_, value)| value);
    let token = tokens.next();
    if tokens.next().is_some() {
        return Err(SignatureError::Malformed("repeated X-Amz-Security-Token"));
    }
    token
        .map(|value| {
            let value = String::from_utf8(value)
                .map_err(|_| SignatureError::Malformed("X-Amz-Security-Token is not UTF-8"))?;
            Ok(SessionToken {
                value,
                location: TokenLocation::Query,
            })
        })
        .transpose()
}

fn utf8<'a>(bytes: &'a [u8], reason: &'static str) -> Result<&'a str, SignatureError> {
    std::str::from_utf8(bytes).map_err(|_| SignatureError::Malformed(reason))
}
