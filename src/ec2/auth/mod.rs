//! Authentication: Ec2Auth verifies AWS signatures (V4 and the EC2 query V2) against a
//! [`CredentialStore`]; [`NoAuth`] trusts the access key as `user:project`, for local fakes.

pub mod encoding;
mod key_cache;
pub mod signature;
pub mod signer;
pub mod sigv2;
pub mod sigv4;

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use async_trait::async_trait;
use subtle::ConstantTimeEq;
use zeroize::Zeroize;

use self::signature::{SignatureError, SignedRequest, VerifyOptions};
use super::error::{Ec2Error, ErrorCode};
use super::params::Params;
use crate::core::{
    Application, BoxError, Context, Middleware, RemoteAddr, Request, RequestId, Response,
    SharedClock,
};

/// A secret: zeroed when dropped, redacted in `Debug`, compared in constant time.
#[derive(Clone)]
pub struct SecretKey(Vec<u8>);

impl SecretKey {
    /// Wraps secret bytes.
    pub fn new(secret: impl Into<Vec<u8>>) -> Self {
        SecretKey(secret.into())
    }

    /// The secret's bytes, for signing.
    pub fn expose(&self) -> &[u8] {
        &self.0
    }
}

impl Drop for SecretKey {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

impl fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretKey(<redacted>)")
    }
}

impl PartialEq for SecretKey {
    fn eq(&self, other: &Self) -> bool {
        self.0.ct_eq(&other.0).into()
    }
}

impl Eq for SecretKey {}

/// What an access key stands for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Credential {
    /// The access key id the client sends.
    pub access_key: String,
    /// The secret the client signs with.
    pub secret: SecretKey,
    /// The user the key belongs to.
    pub user_id: String,
    /// The project the key acts in.
    pub project_id: String,
    /// The user's roles in the project.
    pub roles: Vec<String>,
    /// For temporary credentials: the session token the client must send as
    /// `X-Amz-Security-Token`.
    pub session_token: Option<SecretKey>,
}

impl Credential {
    /// A long-term credential of `user_id` in `project_id` with role `member`.
    pub fn new(
        access_key: impl Into<String>,
        secret: impl Into<Vec<u8>>,
        user_id: impl Into<String>,
        project_id: impl Into<String>,
    ) -> Self {
        Credential {
            access_key: access_key.into(),
            secret: SecretKey::new(secret),
            user_id: user_id.into(),
            project_id: project_id.into(),
            roles: vec!["member".to_owned()],
            session_token: None,
        }
    }

    /// The same credential with these roles.
    pub fn with_roles<R: Into<String>>(mut self, roles: impl IntoIterator<Item = R>) -> Self {
        self.roles = roles.into_iter().map(Into::into).collect();
        self
    }

    /// The same credential, usable only with this session token.
    pub fn with_session_token(mut self, token: impl Into<Vec<u8>>) -> Self {
        self.session_token = Some(SecretKey::new(token));
        self
    }

    /// Whether the roles include `admin`.
    pub fn is_admin(&self) -> bool {
        self.roles
            .iter()
            .any(|role| role.eq_ignore_ascii_case("admin"))
    }
}

/// Where access keys are looked up.
#[async_trait]
pub trait CredentialStore: Send + Sync + 'static {
    /// The credential of `access_key`, if there is one.
    async fn lookup(&self, access_key: &str) -> Option<Arc<Credential>>;
}

/// A fixed set of credentials, held in memory.
#[derive(Clone, Debug, Default)]
pub struct StaticCredentials {
    by_access_key: HashMap<String, Arc<Credential>>,
}

impl StaticCredentials {
    /// An empty set.
    pub fn new() -> Self {
        StaticCredentials::default()
    }

    /// Adds a credential (replacing one with the same access key).
    pub fn with(mut self, credential: Credential) -> Self {
        self.insert(credential);
        self
    }

    /// Adds a credential (replacing one with the same access key).
    pub fn insert(&mut self, credential: Credential) {
        self.by_access_key
            .insert(credential.access_key.clone(), Arc::new(credential));
    }

    /// The credentials, in no particular order.
    pub fn iter(&self) -> impl Iterator<Item = &Credential> {
        self.by_access_key.values().map(|credential| &**credential)
    }
}

#[async_trait]
impl CredentialStore for StaticCredentials {
    async fn lookup(&self, access_key: &str) -> Option<Arc<Credential>> {
        self.by_access_key.get(access_key).cloned()
    }
}

/// An authentication failure of a known access key: what [`Lockout`](super::lockout::Lockout)
/// counts. It renders as its `error`.
#[derive(Clone, Debug)]
pub struct AuthRejected {
    /// The access key the request presented.
    pub access_key: String,
    /// What the client is told.
    pub error: Ec2Error,
}

impl AuthRejected {
    /// A rejection of `access_key`, answered with `error`.
    pub fn new(access_key: impl Into<String>, error: Ec2Error) -> Self {
        AuthRejected {
            access_key: access_key.into(),
            error,
        }
    }
}

impl fmt::Display for AuthRejected {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.error, f)
    }
}

impl std::error::Error for AuthRejected {}

/// The one message every signature failure gets, so that nothing tells a client which
/// part of its request was wrong.
pub const AUTH_FAILURE_MESSAGE: &str =
    "AWS was not able to validate the provided access credentials";

fn auth_failure() -> Ec2Error {
    Ec2Error::new(ErrorCode::AuthFailure, AUTH_FAILURE_MESSAGE)
}

fn signature_error_to_ec2(error: &SignatureError) -> Ec2Error {
    if error.is_expired() {
        Ec2Error::new(
            ErrorCode::RequestExpired,
            "Request has expired, or its timestamp is outside the allowed clock skew.",
        )
    } else {
        auth_failure()
    }
}

/// The access key a request presents, wherever its signature form puts it: the
/// `Credential=` of a SigV4 `Authorization` header, `X-Amz-Credential`, or
/// `AWSAccessKeyId`.
pub fn access_key_of(request: &mut Request) -> Option<String> {
    if let Some(header) = request.headers().get(http::header::AUTHORIZATION) {
        let header = header.to_str().ok()?;
        return credential_component(header).map(|credential| {
            let end = credential.bytes().position(|byte| byte == b'/');
            credential[..end.unwrap_or(credential.len())].to_owned()
        });
    }
    let params = Params::of(request);
    if let Some(credential) = params.get("X-Amz-Credential") {
        return credential.split('/').next().map(str::to_owned);
    }
    params.get("AWSAccessKeyId").map(str::to_owned)
}

/// The value of the `Credential=` component of a SigV4 `Authorization` header: the text
/// after the first `Credential=` that starts the header or follows a space or comma, up to
/// the next space or comma.
fn credential_component(header: &str) -> Option<&str> {
    // Scanned byte by byte: the name sits near the start of a well-formed header, where a
    // substring search costs more to set up than the scan itself. The name cannot overlap
    // itself, so every start tried is one the first-match search would have reached.
    const NAME: &[u8] = b"Credential=";
    let bytes = header.as_bytes();
    let start = (0..bytes.len()).find(|&start| {
        bytes[start..].starts_with(NAME) && (start == 0 || matches!(bytes[start - 1], b' ' | b','))
    })?;
    let value = &header[start + NAME.len()..];
    let end = value.bytes().position(|byte| matches!(byte, b' ' | b','));
    Some(&value[..end.unwrap_or(value.len())])
}

/// Ec2Auth: verifies each request's signature and puts the caller's [`Context`] in its
/// extensions.
///
/// Accepts SigV4 (an `Authorization` header, or a presigned query) and the EC2 query
/// SigV2 (`HmacSHA256` and `HmacSHA1`). The body is hashed as received, before anything
/// parses it. A SigV4 credential scope must name the service `ec2` and a region the
/// server serves; that region becomes the context's region. SigV2 requests use the
/// default region.
pub struct Ec2Auth {
    credentials: Arc<dyn CredentialStore>,
    clock: SharedClock,
    options: VerifyOptions,
    default_region: String,
    signing_keys: Arc<key_cache::SigningKeyCache>,
}

impl fmt::Debug for Ec2Auth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Ec2Auth")
            .field("regions", &self.options.regions)
            .field("max_skew", &self.options.max_skew)
            .field("default_region", &self.default_region)
            .finish_non_exhaustive()
    }
}

impl Ec2Auth {
    /// Verifies signatures against `credentials`, with time from `clock`, for service
    /// `ec2` in `regions` (the first is the default), with a 15 minute clock skew.
    pub fn new(
        credentials: Arc<dyn CredentialStore>,
        clock: SharedClock,
        regions: Vec<String>,
    ) -> Self {
        let default_region = regions
            .first()
            .cloned()
            .unwrap_or_else(|| "us-east-1".to_owned());
        let options = VerifyOptions {
            service: "ec2".to_owned(),
            regions,
            ..VerifyOptions::default()
        };
        Ec2Auth {
            credentials,
            clock,
            options,
            default_region,
            signing_keys: Arc::default(),
        }
    }

    /// Sets the region SigV2 requests (which name none) act in.
    pub fn default_region(mut self, region: impl Into<String>) -> Self {
        self.default_region = region.into();
        self
    }

    /// Sets the allowed clock skew (and presigned-date tolerance).
    pub fn max_skew(mut self, max_skew: time::Duration) -> Self {
        self.options.max_skew = max_skew;
        self
    }

    /// Sets all verification options at once.
    pub fn options(mut self, options: VerifyOptions) -> Self {
        self.options = options;
        self
    }

    async fn authenticate(&self, request: &mut Request) -> Result<Context, BoxError> {
        let params = Params::of(request);
        let parsed = SignedRequest::parse_request(request, &params.0);

        let signed = match parsed {
            Ok(signed) => signed,
            Err(error) => {
                tracing::debug!(target: "cumulo::ec2::auth", %error, "no valid signature");
                return Err(match access_key_of(request) {
                    Some(access_key) => {
                        AuthRejected::new(access_key, signature_error_to_ec2(&error)).into()
                    }
                    None => Ec2Error::new(
                        ErrorCode::AuthFailure,
                        "The request must be signed: no access key or signature was found.",
                    )
                    .into(),
                });
            }
        };
        let access_key = signed.access_key().to_owned();
        let reject = |error: Ec2Error| -> BoxError { AuthRejected::new(&access_key, error).into() };

        let Some(credential) = self.credentials.lookup(&access_key).await else {
            tracing::debug!(target: "cumulo::ec2::auth", "unknown access key");
            return Err(reject(auth_failure()));
        };
        if let Err(error) = signed.verify_with_keys(
            credential.secret.expose(),
            self.clock.now(),
            &self.options,
            Some(&self.signing_keys),
        ) {
            tracing::debug!(target: "cumulo::ec2::auth", %error, "signature refused");
            return Err(reject(signature_error_to_ec2(&error)));
        }
        match (&credential.session_token, signed.session_token()) {
            (None, _) => {}
            (Some(expected), Some(presented))
                if bool::from(expected.expose().ct_eq(presented.as_bytes())) => {}
            (Some(_), _) => {
                tracing::debug!(target: "cumulo::ec2::auth", "session token refused");
                return Err(reject(auth_failure()));
            }
        }

        Ok(Context {
            request_id: request_id_of(request),
            user_id: credential.user_id.clone(),
            project_id: credential.project_id.clone(),
            roles: credential.roles.clone(),
            is_admin: credential.is_admin(),
            remote_addr: request.extensions().get::<RemoteAddr>().map(|addr| addr.0),
            region: Some(signed.region().unwrap_or(&self.default_region).to_owned()),
        })
    }
}

fn request_id_of(request: &Request) -> RequestId {
    request
        .extensions()
        .get::<RequestId>()
        .cloned()
        .unwrap_or_else(RequestId::generate)
}

#[async_trait]
impl Middleware for Ec2Auth {
    async fn handle(
        &self,
        mut request: Request,
        next: &dyn Application,
    ) -> Result<Response, BoxError> {
        let context = self.authenticate(&mut request).await?;
        request.extensions_mut().insert(context);
        next.call(request).await
    }
}

/// NoAuth: no signature is checked; the access key names the caller as `user:project`
/// (the project defaults to the user). For local fakes and tests only.
#[derive(Clone, Debug)]
pub struct NoAuth {
    default_region: String,
    roles: Vec<String>,
}

impl NoAuth {
    /// Trusts every caller, in `default_region` unless a SigV4 scope names another, with
    /// roles `member` and `admin`.
    pub fn new(default_region: impl Into<String>) -> Self {
        NoAuth {
            default_region: default_region.into(),
            roles: vec!["member".to_owned(), "admin".to_owned()],
        }
    }

    /// Sets the roles every caller gets.
    pub fn roles<R: Into<String>>(mut self, roles: impl IntoIterator<Item = R>) -> Self {
        self.roles = roles.into_iter().map(Into::into).collect();
        self
    }
}

fn scope_region(request: &mut Request) -> Option<String> {
    let credential = match request.headers().get(http::header::AUTHORIZATION) {
        Some(header) => header
            .to_str()
            .ok()?
            .split([' ', ','])
            .find_map(|part| part.strip_prefix("Credential="))?
            .to_owned(),
        None => Params::of(request).get("X-Amz-Credential")?.to_owned(),
    };
    credential.split('/').nth(2).map(str::to_owned)
}

#[async_trait]
impl Middleware for NoAuth {
    async fn handle(
        &self,
        mut request: Request,
        next: &dyn Application,
    ) -> Result<Response, BoxError> {
        let Some(access_key) = access_key_of(&mut request) else {
            return Err(Ec2Error::new(
                ErrorCode::AuthFailure,
                "The request must name an access key (user:project).",
            )
            .into());
        };
        let (user_id, project_id) = match access_key.split_once(':') {
            Some((user, project)) if !project.is_empty() => (user.to_owned(), project.to_owned()),
            _ => (access_key.clone(), access_key.clone()),
        };
        let region = scope_region(&mut request).unwrap_or_else(|| self.default_region.clone());
        let context = Context {
            request_id: request_id_of(&request),
            user_id,
            project_id,
            is_admin: self
                .roles
                .iter()
                .any(|role| role.eq_ignore_ascii_case("admin")),
            roles: self.roles.clone(),
            remote_addr: request.extensions().get::<RemoteAddr>().map(|addr| addr.0),
            region: Some(region),
        };
        request.extensions_mut().insert(context);
        next.call(request).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::Body;

    #[test]
    fn credential_component_starts_after_a_separator() {
        let header = "AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/ec2/aws4_request, \
                      SignedHeaders=host, Signature=00";
        assert_eq!(
            credential_component(header),
            Some("AKID/20150830/us-east-1/ec2/aws4_request")
        );
        assert_eq!(
            credential_component("Credential=K/x,Signature=1"),
            Some("K/x")
        );
        assert_eq!(
            credential_component("XCredential=K, Credential=L"),
            Some("L")
        );
        assert_eq!(credential_component("XCredential=K"), None);
        assert_eq!(credential_component("Credential="), Some(""));
    }

    #[test]
    fn secrets_never_show_in_debug() {
        let credential =
            Credential::new("AKID", "very-secret", "alice", "p1").with_session_token("token-value");
        let shown = format!("{credential:?}");
        assert!(!shown.contains("very-secret"), "{shown}");
        assert!(!shown.contains("token-value"), "{shown}");
        assert!(shown.contains("SecretKey(<redacted>)"));
    }

    #[test]
    fn access_key_comes_from_every_signature_form() {
        let mut header = http::Request::builder()
            .uri("/")
            .header(
                "authorization",
                "AWS4-HMAC-SHA256 Credential=AKIDV4/20260301/us-east-1/ec2/aws4_request, \
                 SignedHeaders=host, Signature=00",
            )
            .body(Body::empty())
            .unwrap();
        assert_eq!(access_key_of(&mut header).as_deref(), Some("AKIDV4"));
        let mut presigned = http::Request::builder()
            .uri("/?X-Amz-Credential=AKIDQ%2F20260301%2Fus-east-1%2Fec2%2Faws4_request")
            .body(Body::empty())
            .unwrap();
        assert_eq!(access_key_of(&mut presigned).as_deref(), Some("AKIDQ"));
        let mut v2 = http::Request::builder()
            .uri("/?AWSAccessKeyId=AKIDV2&Signature=x")
            .body(Body::empty())
            .unwrap();
        assert_eq!(access_key_of(&mut v2).as_deref(), Some("AKIDV2"));
        let mut none = Request::new(Body::empty());
        assert_eq!(access_key_of(&mut none), None);
    }
}
