//! Placeholder: replaced by the signature verifier.
#![allow(missing_docs, dead_code)]
#[derive(Clone, Debug)]
pub struct VerifyOptions {
    pub service: String,
    pub regions: Vec<String>,
    pub max_skew: time::Duration,
    pub normalize_path: bool,
}
impl Default for VerifyOptions {
    fn default() -> Self {
        VerifyOptions {
            service: "ec2".into(),
            regions: vec![],
            max_skew: time::Duration::minutes(15),
            normalize_path: true,
        }
    }
}
#[derive(Debug)]
pub enum SignatureError {
    Missing,
    Expired,
}
impl std::fmt::Display for SignatureError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{self:?}")
    }
}
impl std::error::Error for SignatureError {}
impl SignatureError {
    pub fn is_expired(&self) -> bool {
        matches!(self, SignatureError::Expired)
    }
}
#[derive(Debug)]
pub enum SignedRequest {}
impl SignedRequest {
    pub fn parse(
        _parts: &http::request::Parts,
        _body: &[u8],
        _params: &[(String, String)],
    ) -> Result<Self, SignatureError> {
        Err(SignatureError::Missing)
    }
    pub fn access_key(&self) -> &str {
        match *self {}
    }
    pub fn session_token(&self) -> Option<&str> {
        match *self {}
    }
    pub fn region(&self) -> Option<&str> {
        match *self {}
    }
    pub fn verify(
        &self,
        _secret: &[u8],
        _now: time::OffsetDateTime,
        _options: &VerifyOptions,
    ) -> Result<(), SignatureError> {
        match *self {}
    }
}
