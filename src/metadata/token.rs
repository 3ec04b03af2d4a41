//! Session tokens (EC2's IMDSv2): `PUT /latest/api/token` issues one bound to the calling
//! instance for a TTL; later requests present it in `X-aws-ec2-metadata-token`.
//!
//! Tokens are stateless: the expiry and a random nonce, authenticated with HMAC-SHA256
//! under a key drawn when the service starts, over those and the instance id. Nothing is
//! stored per token, so issuing many costs no memory; a restart invalidates them all.

use std::fmt;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use time::OffsetDateTime;
use zeroize::Zeroize;

/// The header a token request names its TTL in, and the answer echoes.
pub const TTL_HEADER: &str = "x-aws-ec2-metadata-token-ttl-seconds";
/// The header a request presents its token in.
pub const TOKEN_HEADER: &str = "x-aws-ec2-metadata-token";
/// The longest TTL, in seconds: six hours.
pub const MAX_TTL_SECONDS: u64 = 21_600;

const NONCE_BYTES: usize = 16;
const TAG_BYTES: usize = 32;
const TOKEN_BYTES: usize = 8 + NONCE_BYTES + TAG_BYTES;

type HmacSha256 = Hmac<Sha256>;

/// Issues and checks tokens under one key.
pub(crate) struct TokenKey([u8; 32]);

impl fmt::Debug for TokenKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TokenKey(<redacted>)")
    }
}

impl Drop for TokenKey {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

/// Why a presented token is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TokenRefusal {
    /// Not a token this service issued, or one issued to another instance.
    Invalid,
    /// Its TTL has passed.
    Expired,
}

impl TokenKey {
    /// A key from the system's random source.
    pub(crate) fn random() -> Result<TokenKey, getrandom::Error> {
        let mut key = [0u8; 32];
        getrandom::fill(&mut key)?;
        Ok(TokenKey(key))
    }

    /// A fixed key, for tests.
    #[cfg(test)]
    pub(crate) fn fixed(key: [u8; 32]) -> TokenKey {
        TokenKey(key)
    }

    /// A token for `instance_id`, valid for `ttl_seconds` from `now`.
    pub(crate) fn issue(
        &self,
        instance_id: &str,
        now: OffsetDateTime,
        ttl_seconds: u64,
    ) -> Result<String, getrandom::Error> {
        let expires = (now.unix_timestamp().max(0) as u64).saturating_add(ttl_seconds);
        let mut nonce = [0u8; NONCE_BYTES];
        getrandom::fill(&mut nonce)?;
        let mut token = Vec::with_capacity(TOKEN_BYTES);
        token.extend_from_slice(&expires.to_be_bytes());
        token.extend_from_slice(&nonce);
        let tag = self.tag(&token, instance_id).finalize().into_bytes();
        token.extend_from_slice(&tag);
        Ok(URL_SAFE_NO_PAD.encode(token))
    }

    /// Whether `token` was issued to `instance_id` and is still valid at `now`.
    pub(crate) fn verify(
        &self,
        token: &[u8],
        instance_id: &str,
        now: OffsetDateTime,
    ) -> Result<(), TokenRefusal> {
        let bytes = URL_SAFE_NO_PAD
            .decode(token)
            .map_err(|_| TokenRefusal::Invalid)?;
        if bytes.len() != TOKEN_BYTES {
            return Err(TokenRefusal::Invalid);
        }
        let (signed, tag) = bytes.split_at(8 + NONCE_BYTES);
        self.tag(signed, instance_id)
            .verify_slice(tag)
            .map_err(|_| TokenRefusal::Invalid)?;
        let mut expires = [0u8; 8];
        expires.copy_from_slice(&signed[..8]);
        let expires = u64::from_be_bytes(expires);
        if (now.unix_timestamp().max(0) as u64) >= expires {
            return Err(TokenRefusal::Expired);
        }
        Ok(())
    }

    fn tag(&self, signed: &[u8], instance_id: &str) -> HmacSha256 {
        let mut mac = <HmacSha256 as KeyInit>::new_from_slice(&self.0)
            .expect("HMAC accepts keys of any length");
        mac.update(b"cumulo-metadata-token\0");
        mac.update(signed);
        mac.update(instance_id.as_bytes());
        mac
    }
}

/// The TTL a token request names: whole seconds from 1 to [`MAX_TTL_SECONDS`].
pub(crate) fn parse_ttl(value: Option<&http::HeaderValue>) -> Option<u64> {
    let text = value?.to_str().ok()?;
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let ttl: u64 = text.parse().ok()?;
    (1..=MAX_TTL_SECONDS).contains(&ttl).then_some(ttl)
}
