//! Finding and verifying the AWS signature an EC2 request carries.
//!
//! Verification runs in two steps so that the secret can be looked up in between:
//! [`SignedRequest::parse`] finds what the request presents (access key, scope, signature)
//! without any secret, and [`SignedRequest::verify`] checks it against the secret and an
//! injected clock.
//!
//! Three forms are recognised: SigV4 in the `Authorization` header, SigV4 presigned in the
//! query string, and the EC2 query form of SigV2 (`SignatureVersion=2`). A request that
//! carries more than one of them is refused.
//!
//! No error, `Debug` or `Display` output here contains a secret, a signature or a session
//! token.

use std::fmt;

use super::encoding;
use super::key_cache::SigningKeyCache;
use super::sigv2::SigV2Request;
use super::sigv4::SigV4Request;

/// How requests are verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifyOptions {
    /// The service name the SigV4 credential scope must carry: `ec2` in production.
    pub service: String,
    /// The regions this server serves. A SigV4 scope naming another region is refused with
    /// [`SignatureError::UnknownRegion`]; an empty list accepts any region.
    pub regions: Vec<String>,
    /// How far the request time may be from the clock, either way: SigV4 `X-Amz-Date`,
    /// SigV2 `Timestamp`, and how far a presigned `X-Amz-Date` may lie in the future.
    pub max_skew: time::Duration,
    /// Whether the SigV4 canonical path is normalized (dot segments and empty segments
    /// removed). Every AWS service but S3 signs normalized paths.
    pub normalize_path: bool,
    /// Accept a SigV4 session token that is not covered by the signature: a
    /// `X-Amz-Security-Token` header missing from `SignedHeaders`, or a presigned
    /// `X-Amz-Security-Token` parameter added after signing. Some SDKs sign that way for a
    /// few services; EC2 clients do not, so this is off by default.
    pub allow_unsigned_session_token: bool,
}

impl Default for VerifyOptions {
    fn default() -> Self {
        Self {
            service: "ec2".to_owned(),
            regions: Vec::new(),
            max_skew: time::Duration::minutes(15),
            normalize_path: true,
            allow_unsigned_session_token: false,
        }
    }
}

impl VerifyOptions {
    pub(crate) fn serves_region(&self, region: &str) -> bool {
        self.regions.is_empty() || self.regions.iter().any(|served| served == region)
    }
}

/// Why a request's signature was refused.
///
/// The wire answer is `RequestExpired` for [`SignatureError::Expired`] and one identical
/// `AuthFailure` for everything else, so that a client learns nothing about which check
/// failed; the variants are for logs and tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum SignatureError {
    /// The request carries no signature at all.
    Missing,
    /// The signature, its parameters or the request date cannot be read.
    Malformed(&'static str),
    /// The request is signed with an algorithm or signature version other than SigV4
    /// (`AWS4-HMAC-SHA256`) and EC2 SigV2 (`HmacSHA256`, `HmacSHA1`).
    UnsupportedAlgorithm,
    /// The credential scope names another service.
    WrongService,
    /// The credential scope names a region this server does not serve.
    UnknownRegion,
    /// The credential scope date is not the day of the request date.
    ScopeDateMismatch,
    /// `SignedHeaders` leaves out `host`, or names a header the request does not carry.
    SignedHeaderMissing,
    /// The request carries a session token that the signature does not cover.
    UnsignedSessionToken,
    /// The request time is outside the allowed skew, or the presigned URL or `Expires` time
    /// has passed.
    Expired,
    /// The signature does not match the request.
    Mismatch,
}

impl SignatureError {
    /// Whether this is [`SignatureError::Expired`], which EC2 answers with `RequestExpired`.
    pub fn is_expired(&self) -> bool {
        matches!(self, Self::Expired)
    }
}

impl fmt::Display for SignatureError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Missing => f.write_str("the request is not signed"),
            Self::Malformed(reason) => write!(f, "malformed signature: {reason}"),
            Self::UnsupportedAlgorithm => f.write_str("unsupported signature algorithm"),
            Self::WrongService => f.write_str("the credential scope names another service"),
            Self::UnknownRegion => f.write_str("the credential scope names an unknown region"),
            Self::ScopeDateMismatch => {
                f.write_str("the credential scope date is not the request date")
            }
            Self::SignedHeaderMissing => {
                f.write_str("a required signed header is missing from the request")
            }
            Self::UnsignedSessionToken => f.write_str("the session token is not signed"),
            Self::Expired => f.write_str("the request has expired"),
            Self::Mismatch => f.write_str("the signature does not match"),
        }
    }
}

impl std::error::Error for SignatureError {}

/// The parts of an HTTP request that a signature covers, as they arrived.
///
/// [`SignedRequest::parse`] builds this from `http` types; [`SignedRequest::parse_raw`]
/// takes it directly, for request targets `http::Uri` cannot hold.
#[derive(Debug, Clone, Copy)]
pub struct RawRequest<'a> {
    /// The method, as sent (`GET`, `POST`).
    pub method: &'a str,
    /// The path of the request target, still percent-encoded.
    pub path: &'a str,
    /// The query string without the `?`, still percent-encoded; empty when there is none.
    pub query: &'a str,
    /// Every header, in the order received, names in any case. For HTTP/2 the caller adds
    /// `host` from the `:authority` pseudo-header.
    pub headers: &'a [(&'a str, &'a [u8])],
    /// The exact body bytes.
    pub body: &'a [u8],
}

impl<'a> RawRequest<'a> {
    /// The values of every header called `name`, in the order received.
    pub(crate) fn header_values(&self, name: &'a str) -> impl Iterator<Item = &'a [u8]> + 'a {
        self.headers
            .iter()
            .filter(move |(candidate, _)| candidate.eq_ignore_ascii_case(name))
            .map(|(_, value)| *value)
    }

    /// The one value of header `name`; more than one is malformed.
    pub(crate) fn single_header(&self, name: &'a str) -> Result<Option<&'a [u8]>, SignatureError> {
        let mut values = self.header_values(name);
        let first = values.next();
        if values.next().is_some() {
            return Err(SignatureError::Malformed("a signature header is repeated"));
        }
        Ok(first)
    }
}

/// What a request presents as its signature, before the secret is known.
///
/// The caller looks [`SignedRequest::access_key`] up in its credential store, then calls
/// [`SignedRequest::verify`] with the secret.
#[derive(Debug, Clone)]
pub enum SignedRequest {
    /// Signature Version 4, in the `Authorization` header or presigned in the query.
    V4(SigV4Request),
    /// EC2 query Signature Version 2.
    V2(SigV2Request),
}

impl SignedRequest {
    /// Finds the signature in an HTTP request.
    ///
    /// An `Authorization: AWS4-HMAC-SHA256 …` header is SigV4 in header form; an
    /// `X-Amz-Signature`, `X-Amz-Algorithm` or `X-Amz-Credential` query parameter is SigV4
    /// presigned; a `Signature` parameter (query or form body) is SigV2, which must say
    /// `SignatureVersion=2`. `params` are the decoded query parameters followed by the
    /// decoded form body parameters, in the order received.
    ///
    /// Without a `Host` header (HTTP/2), the host is the URI authority.
    ///
    /// # Errors
    ///
    /// [`SignatureError::Missing`] without a signature, [`SignatureError::Malformed`] when
    /// it cannot be read or there is more than one, [`SignatureError::UnsupportedAlgorithm`]
    /// for other algorithms, [`SignatureError::SignedHeaderMissing`] when SigV4
    /// `SignedHeaders` lacks `host` or names a header the request does not carry.
    pub fn parse(
        parts: &http::request::Parts,
        body: &[u8],
        params: &[(String, String)],
    ) -> Result<Self, SignatureError> {
        Self::parse_head(&parts.method, &parts.uri, &parts.headers, body, params)
    }

    /// [`SignedRequest::parse`] for a request still in one piece.
    pub(crate) fn parse_request(
        request: &crate::core::Request,
        params: &[(String, String)],
    ) -> Result<Self, SignatureError> {
        let body = request.body().as_bytes();
        Self::parse_head(
            request.method(),
            request.uri(),
            request.headers(),
            body,
            params,
        )
    }

    fn parse_head(
        method: &http::Method,
        uri: &http::Uri,
        header_map: &http::HeaderMap,
        body: &[u8],
        params: &[(String, String)],
    ) -> Result<Self, SignatureError> {
        let mut headers: Vec<(&str, &[u8])> = header_map
            .iter()
            .map(|(name, value)| (name.as_str(), value.as_bytes()))
            .collect();
        let has_host = header_map.contains_key(http::header::HOST);
        if let (false, Some(authority)) = (has_host, uri.authority()) {
            headers.push(("host", authority.as_str().as_bytes()));
        }
        let raw = RawRequest {
            method: method.as_str(),
            path: uri.path(),
            query: uri.query().unwrap_or_default(),
            headers: &headers,
            body,
        };
        Self::parse_raw(&raw, params)
    }

    /// [`SignedRequest::parse`] for a request already taken apart.
    ///
    /// # Errors
    ///
    /// As [`SignedRequest::parse`].
    pub fn parse_raw(
        request: &RawRequest<'_>,
        params: &[(String, String)],
    ) -> Result<Self, SignatureError> {
        let authorization = request.single_header("authorization")?;
        let presigned = encoding::query_pairs(request.query).any(|(name, _)| {
            matches!(
                name.as_slice(),
                b"X-Amz-Signature" | b"X-Amz-Algorithm" | b"X-Amz-Credential"
            )
        });
        let version_2 = params.iter().any(|(name, _)| name == "Signature");

        let forms = [authorization.is_some(), presigned, version_2];
        match forms.iter().filter(|&&present| present).count() {
            0 => return Err(SignatureError::Missing),
            1 => {}
            _ => return Err(SignatureError::Malformed("more than one signature")),
        }

        if let Some(authorization) = authorization {
            let authorization = std::str::from_utf8(authorization)
                .map_err(|_| SignatureError::Malformed("Authorization is not UTF-8"))?;
            SigV4Request::parse_header(request, authorization).map(Self::V4)
        } else if presigned {
            SigV4Request::parse_presigned(request).map(Self::V4)
        } else {
            SigV2Request::parse(request, params).map(Self::V2)
        }
    }

    /// The access key the request claims to be signed with.
    pub fn access_key(&self) -> &str {
        match self {
            Self::V4(request) => request.access_key(),
            Self::V2(request) => request.access_key(),
        }
    }

    /// The session token: `X-Amz-Security-Token` (header or query) for SigV4,
    /// `SecurityToken` for SigV2.
    pub fn session_token(&self) -> Option<&str> {
        match self {
            Self::V4(request) => request.session_token(),
            Self::V2(request) => request.session_token(),
        }
    }

    /// The region of the SigV4 credential scope; SigV2 names none.
    pub fn region(&self) -> Option<&str> {
        match self {
            Self::V4(request) => Some(request.region()),
            Self::V2(_) => None,
        }
    }

    /// Verifies the signature with `secret`, the clock reading `now`.
    ///
    /// # Errors
    ///
    /// [`SignatureError::Expired`] when the request is out of time; another
    /// [`SignatureError`] for everything else that fails (see
    /// [`SigV4Request::verify`] and [`SigV2Request::verify`]).
    pub fn verify(
        &self,
        secret: &[u8],
        now: time::OffsetDateTime,
        options: &VerifyOptions,
    ) -> Result<(), SignatureError> {
        self.verify_with_keys(secret, now, options, None)
    }

    /// [`SignedRequest::verify`], taking a SigV4 signing key from `keys` when it holds it.
    pub(crate) fn verify_with_keys(
        &self,
        secret: &[u8],
        now: time::OffsetDateTime,
        options: &VerifyOptions,
        keys: Option<&SigningKeyCache>,
    ) -> Result<(), SignatureError> {
        match self {
            Self::V4(request) => request.verify_with_keys(secret, now, options, keys),
            Self::V2(request) => request.verify(secret, now, options),
        }
    }
}

/// Names the signature versions for logs.
impl fmt::Display for SignedRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::V4(request) if request.is_presigned() => f.write_str("SigV4 presigned"),
            Self::V4(_) => f.write_str("SigV4"),
            Self::V2(request) => write!(f, "SigV2 {}", request.signature_method()),
        }
    }
}
