//! EC2 query Signature Version 2 (`SignatureVersion=2`), with HmacSHA256 or HmacSHA1.
//!
//! The string to sign is `VERB\nhost\npath\n` followed by every parameter but `Signature`,
//! sorted by name and RFC 3986-encoded, as boto 2 and Nova's EC2 API compute it; the
//! signature is its base64 HMAC. A request carries exactly one of `Timestamp`, which must be
//! within the allowed skew, and `Expires`, which must not have passed.
//!
//! boto 2 signs the host without a default port, so a signature that does not match the
//! `Host` header with its port is tried once more with the port left out.

use std::fmt;

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use hmac::{Hmac, KeyInit, Mac};
use sha1::Sha1;
use sha2::Sha256;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::encoding;
use super::signature::{RawRequest, SignatureError, VerifyOptions};

/// The HMAC a SigV2 request is signed with (`SignatureMethod`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignatureMethod {
    /// `HmacSHA256`.
    HmacSha256,
    /// `HmacSHA1`.
    HmacSha1,
}

impl SignatureMethod {
    /// Reads the `SignatureMethod` parameter.
    pub fn from_param(value: &str) -> Option<Self> {
        match value {
            "HmacSHA256" => Some(Self::HmacSha256),
            "HmacSHA1" => Some(Self::HmacSha1),
            _ => None,
        }
    }

    /// The `SignatureMethod` parameter value.
    pub fn as_param(self) -> &'static str {
        match self {
            Self::HmacSha256 => "HmacSHA256",
            Self::HmacSha1 => "HmacSHA1",
        }
    }

    fn verify(self, secret: &[u8], string_to_sign: &str, signature: &[u8]) -> bool {
        match self {
            Self::HmacSha256 => {
                let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(secret)
                    .expect("HMAC accepts keys of any length");
                mac.update(string_to_sign.as_bytes());
                mac.verify_slice(signature).is_ok()
            }
            Self::HmacSha1 => {
                let mut mac = <Hmac<Sha1> as KeyInit>::new_from_slice(secret)
                    .expect("HMAC accepts keys of any length");
                mac.update(string_to_sign.as_bytes());
                mac.verify_slice(signature).is_ok()
            }
        }
    }
}

impl fmt::Display for SignatureMethod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_param())
    }
}

/// A SigV2 signature as a request presents it, before the secret is known.
#[derive(Clone)]
pub struct SigV2Request {
    access_key: String,
    signature_method: SignatureMethod,
    signature: Vec<u8>,
    validity: Validity,
    session_token: Option<String>,
    method: String,
    host: String,
    path: String,
    params: Vec<(String, String)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Validity {
    Timestamp(OffsetDateTime),
    Expires(OffsetDateTime),
}

/// Leaves out the signature, the session token and the parameters (which carry both).
impl fmt::Debug for SigV2Request {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigV2Request")
            .field("access_key", &self.access_key)
            .field("signature_method", &self.signature_method)
            .field("validity", &self.validity)
            .field("has_session_token", &self.session_token.is_some())
            .field("method", &self.method)
            .field("host", &self.host)
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

impl SigV2Request {
    /// Reads the SigV2 parameters; `params` are the query and form body parameters.
    pub(crate) fn parse(
        request: &RawRequest<'_>,
        params: &[(String, String)],
    ) -> Result<Self, SignatureError> {
        match single_param(params, "SignatureVersion")? {
            None => return Err(SignatureError::Malformed("SignatureVersion is missing")),
            Some("2") => {}
            Some(_) => return Err(SignatureError::UnsupportedAlgorithm),
        }
        let signature_method = single_param(params, "SignatureMethod")?
            .ok_or(SignatureError::Malformed("SignatureMethod is missing"))
            .map(SignatureMethod::from_param)?
            .ok_or(SignatureError::UnsupportedAlgorithm)?;
        let access_key = single_param(params, "AWSAccessKeyId")?
            .filter(|access_key| !access_key.is_empty())
            .ok_or(SignatureError::Malformed("AWSAccessKeyId is missing"))?;
        let signature = single_param(params, "Signature")?
            .and_then(|signature| BASE64.decode(signature).ok())
            .ok_or(SignatureError::Malformed("Signature is not base64"))?;

        let validity = match (
            single_param(params, "Timestamp")?,
            single_param(params, "Expires")?,
        ) {
            (Some(timestamp), None) => Validity::Timestamp(parse_time(timestamp)?),
            (None, Some(expires)) => Validity::Expires(parse_time(expires)?),
            (Some(_), Some(_)) => {
                return Err(SignatureError::Malformed("both Timestamp and Expires"));
            }
            (None, None) => return Err(SignatureError::Malformed("no Timestamp or Expires")),
        };

        let host = request
            .single_header("host")?
            .ok_or(SignatureError::Malformed("no Host header"))?;
        let host = std::str::from_utf8(host)
            .map_err(|_| SignatureError::Malformed("Host is not UTF-8"))?
            .to_ascii_lowercase();
        let path = if request.path.is_empty() {
            "/"
        } else {
            request.path
        };

        Ok(Self {
            access_key: access_key.to_owned(),
            signature_method,
            signature,
            validity,
            session_token: single_param(params, "SecurityToken")?.map(str::to_owned),
            method: request.method.to_owned(),
            host,
            path: path.to_owned(),
            params: params
                .iter()
                .filter(|(name, _)| name != "Signature")
                .cloned()
                .collect(),
        })
    }

    /// `AWSAccessKeyId`.
    pub fn access_key(&self) -> &str {
        &self.access_key
    }

    /// `SecurityToken`.
    pub fn session_token(&self) -> Option<&str> {
        self.session_token.as_deref()
    }

    /// `SignatureMethod`.
    pub fn signature_method(&self) -> SignatureMethod {
        self.signature_method
    }

    /// Checks `Timestamp` or `Expires` against `now` and the signature against `secret`.
    ///
    /// # Errors
    ///
    /// [`SignatureError::Expired`] when out of time, then [`SignatureError::Mismatch`].
    pub fn verify(
        &self,
        secret: &[u8],
        now: OffsetDateTime,
        options: &VerifyOptions,
    ) -> Result<(), SignatureError> {
        // Limitation: `Expires` has no upper bound, so a request may be signed to stay valid
        // for years.
        let in_time = match self.validity {
            Validity::Timestamp(timestamp) => (now - timestamp).abs() <= options.max_skew,
            Validity::Expires(expires) => now <= expires,
        };
        if !in_time {
            return Err(SignatureError::Expired);
        }

        let hosts = std::iter::once(self.host.as_str()).chain(without_port(&self.host));
        for host in hosts {
            let string_to_sign = string_to_sign(&self.method, host, &self.path, &self.params);
            if self
                .signature_method
                .verify(secret, &string_to_sign, &self.signature)
            {
                return Ok(());
            }
        }
        Err(SignatureError::Mismatch)
    }
}

/// The SigV2 string to sign: `method`, `host` (lower-cased) and `path` on a line each,
/// then every parameter but `Signature` as `name=value`, sorted by name (then value) in
/// byte order, both RFC 3986-encoded, joined with `&`.
pub fn string_to_sign<N, V>(method: &str, host: &str, path: &str, params: &[(N, V)]) -> String
where
    N: AsRef<str>,
    V: AsRef<str>,
{
    let mut sorted: Vec<(&str, &str)> = params
        .iter()
        .map(|(name, value)| (name.as_ref(), value.as_ref()))
        .filter(|(name, _)| *name != "Signature")
        .collect();
    sorted.sort();

    let host = host.to_ascii_lowercase();
    let mut string_to_sign = format!("{method}\n{host}\n{path}\n");
    for (index, (name, value)) in sorted.into_iter().enumerate() {
        if index > 0 {
            string_to_sign.push('&');
        }
        string_to_sign.push_str(&encoding::percent_encode(name.as_bytes()));
        string_to_sign.push('=');
        string_to_sign.push_str(&encoding::percent_encode(value.as_bytes()));
    }
    string_to_sign
}

fn single_param<'a>(
    params: &'a [(String, String)],
    name: &str,
) -> Result<Option<&'a str>, SignatureError> {
    let mut values = params
        .iter()
        .filter(|(candidate, _)| candidate == name)
        .map(|(_, value)| value.as_str());
    let value = values.next();
    if values.next().is_some() {
        return Err(SignatureError::Malformed(
            "a signature parameter is repeated",
        ));
    }
    Ok(value)
}

/// Parses `Timestamp` or `Expires`: `YYYY-MM-DDTHH:MM:SS`, optionally with a fraction,
/// then `Z` or an offset.
fn parse_time(value: &str) -> Result<OffsetDateTime, SignatureError> {
    OffsetDateTime::parse(value, &Rfc3339)
        .map_err(|_| SignatureError::Malformed("Timestamp or Expires is not ISO 8601"))
}

/// `host` without its `:port`, if it has one.
fn without_port(host: &str) -> Option<&str> {
    let (name, port) = host.rsplit_once(':')?;
    let is_port = !port.is_empty() && port.bytes().all(|byte| byte.is_ascii_digit());
    let is_name = !name.is_empty() && (!name.contains(':') || name.ends_with(']'));
    (is_port && is_name).then_some(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ports_are_stripped_from_names_and_bracketed_addresses_only() {
        assert_eq!(
            without_port("ec2.example.com:8773"),
            Some("ec2.example.com")
        );
        assert_eq!(without_port("[::1]:8773"), Some("[::1]"));
        assert_eq!(without_port("ec2.example.com"), None);
        assert_eq!(without_port("[::1]"), None);
        assert_eq!(without_port("::1"), None);
        assert_eq!(without_port("host:"), None);
    }
}
