//! The instance metadata service: the EC2-style tree and the OpenStack tree, served to the
//! instance that asks, after Nova's metadata handler (feature `metadata`).
//!
//! # Who is asking
//!
//! - A request carrying any of `X-Instance-ID`, `X-Tenant-ID` and
//!   `X-Instance-ID-Signature` comes through a metadata proxy: all three must be there
//!   (else 400), the signature must be the hex HMAC-SHA256 of the instance id under the
//!   shared secret (else 403; compared in constant time), and the instance must belong to
//!   the tenant (else 404). Without a shared secret these headers are refused (400).
//! - Any other request is from the instance whose address is the connection's remote
//!   address or, when [`MetadataServiceBuilder::trust_forwarded_for`] is set, the last
//!   address of `X-Forwarded-For` (the one the trusted proxy saw). No instance there: 404.
//!
//! Lookups are cached for [`MetadataServiceBuilder::cache_ttl`] (15 s by default).
//!
//! # Sessions
//!
//! `PUT /latest/api/token` with `X-aws-ec2-metadata-token-ttl-seconds` (1–21600, else
//! 400) answers a token for the calling instance and echoes the TTL header; a token
//! request carrying `X-Forwarded-For` is refused (403). A request presenting
//! `X-aws-ec2-metadata-token` is answered only when the token is valid, unexpired and the
//! caller's (else 401), whether or not tokens are required. Tokens are required (401
//! without one) when the builder says so or the instance's metadata does.
//!
//! # Passwords
//!
//! `POST /openstack/{version}/password` keeps the body as the instance's password, once:
//! a second post is 409, a body over [`PASSWORD_MAX_BYTES`] is 400.
//!
//! Every refusal is `text/plain` with the status [`MetadataError`] names.
//!
//! ```
//! # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
//! use std::net::IpAddr;
//! use std::sync::Arc;
//!
//! use async_trait::async_trait;
//! use cumulo::core::{Application, Body, RemoteAddr, Request};
//! use cumulo::metadata::{InstanceMetadata, MetadataProvider, MetadataService, ProviderError};
//!
//! struct OneInstance;
//!
//! #[async_trait]
//! impl MetadataProvider for OneInstance {
//!     async fn instance_by_address(
//!         &self,
//!         _address: IpAddr,
//!     ) -> Result<Option<InstanceMetadata>, ProviderError> {
//!         Ok(Some(InstanceMetadata {
//!             instance_id: "i-0123456789abcdef0".into(),
//!             ..InstanceMetadata::default()
//!         }))
//!     }
//!
//!     async fn instance_by_id(
//!         &self,
//!         _instance_id: &str,
//!         _project_id: &str,
//!     ) -> Result<Option<InstanceMetadata>, ProviderError> {
//!         Ok(None)
//!     }
//! }
//!
//! let service = MetadataService::builder(Arc::new(OneInstance)).build();
//! let mut request = Request::new(Body::empty());
//! *request.uri_mut() = "/latest/meta-data/instance-id".parse().unwrap();
//! request.extensions_mut().insert(RemoteAddr("10.0.0.5:40000".parse().unwrap()));
//! let response = service.call(request).await.unwrap();
//! assert_eq!(response.body().as_bytes(), b"i-0123456789abcdef0");
//! # });
//! ```

mod ec2;
mod error;
mod openstack;
mod provider;
mod token;
mod tree;

use std::collections::HashMap;
use std::fmt;
use std::net::IpAddr;
use std::sync::{Arc, Mutex, PoisonError};

use async_trait::async_trait;
use hmac::{Hmac, KeyInit, Mac};
use http::{HeaderMap, Method};
use sha2::Sha256;
use time::OffsetDateTime;
use zeroize::Zeroizing;

use crate::core::{
    Application, BodyLimitExceeded, BodyReadFailed, BoxError, RemoteAddr, Request, Response,
    ScriptName, SharedClock, SystemClock,
};

pub use error::MetadataError;
pub use openstack::PASSWORD_MAX_BYTES;
pub use provider::{
    IamCredentials, InstanceMetadata, MetadataProvider, NetworkInterface, PasswordError,
    ProviderError, PublicKey,
};
pub use token::{MAX_TTL_SECONDS, TOKEN_HEADER, TTL_HEADER};

use token::TokenKey;
use tree::Node;

/// The header a metadata proxy names the instance in.
pub const INSTANCE_ID_HEADER: &str = "x-instance-id";
/// The header a metadata proxy names the instance's project in.
pub const TENANT_ID_HEADER: &str = "x-tenant-id";
/// The header a metadata proxy signs the instance id in.
pub const SIGNATURE_HEADER: &str = "x-instance-id-signature";

/// How many lookups the cache keeps at most; past it, expired ones go, then all.
const CACHE_CAPACITY: usize = 4096;

/// The hex HMAC-SHA256 of `instance_id` under `secret`: what a metadata proxy sends in
/// `X-Instance-ID-Signature`.
pub fn instance_id_signature(secret: &[u8], instance_id: &str) -> String {
    hex::encode(signature_mac(secret, instance_id).finalize().into_bytes())
}

fn signature_mac(secret: &[u8], instance_id: &str) -> Hmac<Sha256> {
    let mut mac =
        <Hmac<Sha256> as KeyInit>::new_from_slice(secret).expect("HMAC accepts keys of any length");
    mac.update(instance_id.as_bytes());
    mac
}

/// The metadata service, an [`Application`] over a [`MetadataProvider`].
pub struct MetadataService {
    provider: Arc<dyn MetadataProvider>,
    shared_secret: Option<Zeroizing<Vec<u8>>>,
    trust_forwarded_for: bool,
    tokens_required: bool,
    token_key: TokenKey,
    cache: LookupCache,
    clock: SharedClock,
}

impl fmt::Debug for MetadataService {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MetadataService")
            .field("signed_requests", &self.shared_secret.is_some())
            .field("trust_forwarded_for", &self.trust_forwarded_for)
            .field("tokens_required", &self.tokens_required)
            .finish_non_exhaustive()
    }
}

/// Builds a [`MetadataService`].
pub struct MetadataServiceBuilder {
    provider: Arc<dyn MetadataProvider>,
    shared_secret: Option<Zeroizing<Vec<u8>>>,
    trust_forwarded_for: bool,
    tokens_required: bool,
    cache_ttl: std::time::Duration,
    clock: SharedClock,
}

impl fmt::Debug for MetadataServiceBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MetadataServiceBuilder")
            .field("signed_requests", &self.shared_secret.is_some())
            .field("trust_forwarded_for", &self.trust_forwarded_for)
            .field("tokens_required", &self.tokens_required)
            .field("cache_ttl", &self.cache_ttl)
            .finish_non_exhaustive()
    }
}

impl MetadataServiceBuilder {
    /// Accepts requests signed by a metadata proxy with this secret (default: refused).
    pub fn shared_secret(mut self, secret: impl Into<Vec<u8>>) -> Self {
        self.shared_secret = Some(Zeroizing::new(secret.into()));
        self
    }

    /// Reads the caller's address from `X-Forwarded-For` (default: false, the
    /// connection's remote address). Set it only behind a proxy that sets the header.
    pub fn trust_forwarded_for(mut self, trust: bool) -> Self {
        self.trust_forwarded_for = trust;
        self
    }

    /// Answers only requests that present a session token (default: false).
    pub fn require_tokens(mut self, required: bool) -> Self {
        self.tokens_required = required;
        self
    }

    /// How long a lookup is reused (default: 15 s; zero turns the cache off).
    pub fn cache_ttl(mut self, ttl: std::time::Duration) -> Self {
        self.cache_ttl = ttl;
        self
    }

    /// The clock for token expiry and the cache (default: the system clock).
    pub fn clock(mut self, clock: SharedClock) -> Self {
        self.clock = clock;
        self
    }

    /// The service.
    ///
    /// # Panics
    ///
    /// If the system's random source cannot give the token key.
    pub fn build(self) -> MetadataService {
        let token_key = TokenKey::random().expect("the system random source works");
        self.build_with_key(token_key)
    }

    fn build_with_key(self, token_key: TokenKey) -> MetadataService {
        let ttl = time::Duration::try_from(self.cache_ttl).unwrap_or(time::Duration::MAX);
        MetadataService {
            provider: self.provider,
            shared_secret: self.shared_secret,
            trust_forwarded_for: self.trust_forwarded_for,
            tokens_required: self.tokens_required,
            token_key,
            cache: LookupCache::new(ttl),
            clock: self.clock,
        }
    }
}

impl MetadataService {
    /// A builder over `provider`.
    pub fn builder(provider: Arc<dyn MetadataProvider>) -> MetadataServiceBuilder {
        MetadataServiceBuilder {
            provider,
            shared_secret: None,
            trust_forwarded_for: false,
            tokens_required: false,
            cache_ttl: std::time::Duration::from_secs(15),
            clock: Arc::new(SystemClock),
        }
    }

    async fn answer(&self, request: &Request) -> Result<Response, MetadataError> {
        if request.extensions().get::<BodyLimitExceeded>().is_some() {
            return Err(MetadataError::BodyTooLarge);
        }
        match request.extensions().get::<BodyReadFailed>() {
            Some(BodyReadFailed::TimedOut) => return Err(MetadataError::BodyTimedOut),
            Some(BodyReadFailed::Malformed) => return Err(MetadataError::BodyMalformed),
            None => {}
        }
        // Under a UrlMap prefix, the tree starts below the prefix.
        let full_path = request.uri().path();
        let path = match request.extensions().get::<ScriptName>() {
            Some(ScriptName(prefix)) => {
                full_path.strip_prefix(prefix.as_str()).unwrap_or(full_path)
            }
            None => full_path,
        };
        let path: Vec<&str> = path
            .split('/')
            .filter(|segment| !segment.is_empty())
            .collect();
        if path
            .iter()
            .any(|segment| *segment == "." || *segment == "..")
        {
            return Err(MetadataError::NotFound);
        }
        let method = request.method();

        if path == ["latest", "api", "token"] {
            if method != Method::PUT {
                return Err(MetadataError::MethodNotAllowed);
            }
            return self.issue_token(request).await;
        }
        let password_post = method == Method::POST && path.first() == Some(&"openstack");
        if method != Method::GET && method != Method::HEAD && !password_post {
            return Err(MetadataError::MethodNotAllowed);
        }

        let token = request.headers().get(TOKEN_HEADER);
        if path.is_empty() && token.is_none() && !self.tokens_required {
            return Ok(ec2::versions().to_response());
        }
        let (instance, via) = self.identify(request).await?;
        self.check_token(token, &instance, via)?;

        match path.split_first() {
            None => Ok(ec2::versions().to_response()),
            Some((&"openstack", rest)) => self.openstack(request, rest, &instance).await,
            Some((version, rest)) => {
                if !ec2::is_version(version) {
                    return Err(MetadataError::NotFound);
                }
                let root = ec2::version_root(version, &instance);
                lookup(&root, rest)
            }
        }
    }

    async fn openstack(
        &self,
        request: &Request,
        path: &[&str],
        instance: &InstanceMetadata,
    ) -> Result<Response, MetadataError> {
        let Some((version, rest)) = path.split_first() else {
            if request.method() == Method::POST {
                return Err(MetadataError::MethodNotAllowed);
            }
            return Ok(openstack::versions().to_response());
        };
        if !openstack::is_version(version) {
            return Err(MetadataError::NotFound);
        }
        if request.method() == Method::POST {
            return match rest {
                ["password"] if openstack::has_password(version) => {
                    self.post_password(request, instance).await
                }
                ["password"] => Err(MetadataError::NotFound),
                _ => Err(MetadataError::MethodNotAllowed),
            };
        }
        lookup(&openstack::version_root(version, instance), rest)
    }

    async fn post_password(
        &self,
        request: &Request,
        instance: &InstanceMetadata,
    ) -> Result<Response, MetadataError> {
        if instance
            .password
            .as_deref()
            .is_some_and(|set| !set.is_empty())
        {
            return Err(MetadataError::PasswordAlreadySet);
        }
        let body = request.body().as_bytes();
        if body.len() > PASSWORD_MAX_BYTES {
            return Err(MetadataError::PasswordTooLong);
        }
        let password = std::str::from_utf8(body).map_err(|_| MetadataError::PasswordNotText)?;
        let kept = self
            .provider
            .set_password(&instance.instance_id, password)
            .await;
        self.cache.forget_instance(&instance.instance_id);
        match kept {
            Ok(()) => Ok(Node::text("").to_response()),
            Err(PasswordError::AlreadySet) => Err(MetadataError::PasswordAlreadySet),
            Err(PasswordError::Unsupported) => Err(MetadataError::PasswordUnsupported),
            Err(PasswordError::Failed(message)) => {
                tracing::error!(target: "cumulo::metadata", %message, "keeping a password failed");
                Err(MetadataError::ProviderFailed)
            }
        }
    }

    async fn issue_token(&self, request: &Request) -> Result<Response, MetadataError> {
        if request.headers().contains_key(http::header::FORWARDED)
            || request.headers().contains_key("x-forwarded-for")
        {
            return Err(MetadataError::ForwardedTokenRequest);
        }
        let ttl = token::parse_ttl(request.headers().get(TTL_HEADER))
            .ok_or(MetadataError::BadTokenTtl)?;
        let (instance, _) = self.identify(request).await?;
        let token = self
            .token_key
            .issue(&instance.instance_id, self.clock.now(), ttl)
            .map_err(|_| MetadataError::ProviderFailed)?;
        let mut response = Node::text(token).to_response();
        response
            .headers_mut()
            .insert(TTL_HEADER, http::HeaderValue::from(ttl));
        Ok(response)
    }

    /// A token presented must be valid. Without one, the request is refused when this
    /// service requires tokens, or when the instance does and it asks directly: through
    /// a signing proxy, which cannot fetch a token (a forwarded token request is
    /// refused), the instance reads as on Nova, without one.
    fn check_token(
        &self,
        token: Option<&http::HeaderValue>,
        instance: &InstanceMetadata,
        via: Via,
    ) -> Result<(), MetadataError> {
        match token {
            Some(token) => self
                .token_key
                .verify(token.as_bytes(), &instance.instance_id, self.clock.now())
                .map_err(|_| MetadataError::Unauthorized),
            None if self.tokens_required || (instance.tokens_required && via == Via::Address) => {
                Err(MetadataError::Unauthorized)
            }
            None => Ok(()),
        }
    }

    /// The instance that is asking, and how it was told.
    async fn identify(
        &self,
        request: &Request,
    ) -> Result<(Arc<InstanceMetadata>, Via), MetadataError> {
        let headers = request.headers();
        let signed = [INSTANCE_ID_HEADER, TENANT_ID_HEADER, SIGNATURE_HEADER]
            .iter()
            .any(|name| headers.contains_key(*name));
        if signed {
            let instance = self.identify_signed(headers).await?;
            return Ok((instance, Via::Proxy));
        }
        let address = self.caller_address(request)?;
        let key = CacheKey::Address(address);
        let now = self.clock.now();
        if let Some(instance) = self.cache.get(&key, now) {
            return Ok((instance, Via::Address));
        }
        let found = self.provider.instance_by_address(address).await;
        let instance = Arc::new(found_instance(found)?);
        self.cache.insert(key, instance.clone(), now);
        Ok((instance, Via::Address))
    }

    async fn identify_signed(
        &self,
        headers: &HeaderMap,
    ) -> Result<Arc<InstanceMetadata>, MetadataError> {
        let Some(secret) = &self.shared_secret else {
            return Err(MetadataError::SignedRequestsDisabled);
        };
        let instance_id = single_header(headers, INSTANCE_ID_HEADER, "X-Instance-ID")?;
        let tenant_id = single_header(headers, TENANT_ID_HEADER, "X-Tenant-ID")?;
        let signature = single_header(headers, SIGNATURE_HEADER, "X-Instance-ID-Signature")?;
        let signature = hex::decode(signature).map_err(|_| MetadataError::BadSignature)?;
        signature_mac(secret, instance_id)
            .verify_slice(&signature)
            .map_err(|_| MetadataError::BadSignature)?;

        let key = CacheKey::Instance(instance_id.to_owned(), tenant_id.to_owned());
        let now = self.clock.now();
        let instance = match self.cache.get(&key, now) {
            Some(instance) => instance,
            None => {
                let found = self.provider.instance_by_id(instance_id, tenant_id).await;
                let instance = Arc::new(found_instance(found)?);
                self.cache.insert(key, instance.clone(), now);
                instance
            }
        };
        if instance.project_id != tenant_id {
            return Err(MetadataError::NotFound);
        }
        Ok(instance)
    }

    /// The connection's remote address, or the last `X-Forwarded-For` address when that
    /// is trusted.
    fn caller_address(&self, request: &Request) -> Result<IpAddr, MetadataError> {
        let forwarded = request.headers().get_all("x-forwarded-for");
        if let Some(last) = forwarded
            .iter()
            .next_back()
            .filter(|_| self.trust_forwarded_for)
        {
            let text = last.to_str().map_err(|_| MetadataError::BadForwardedFor)?;
            let hop = text.rsplit(',').next().unwrap_or_default().trim();
            let address: IpAddr = hop.parse().map_err(|_| MetadataError::BadForwardedFor)?;
            return Ok(address.to_canonical());
        }
        match request.extensions().get::<RemoteAddr>() {
            Some(RemoteAddr(remote)) => Ok(remote.ip().to_canonical()),
            None => Err(MetadataError::NotFound),
        }
    }
}

fn found_instance(
    found: Result<Option<InstanceMetadata>, ProviderError>,
) -> Result<InstanceMetadata, MetadataError> {
    match found {
        Ok(Some(instance)) => Ok(instance),
        Ok(None) => Err(MetadataError::NotFound),
        Err(error) => {
            tracing::error!(target: "cumulo::metadata", %error, "instance lookup failed");
            Err(MetadataError::ProviderFailed)
        }
    }
}

fn lookup(root: &Node, path: &[&str]) -> Result<Response, MetadataError> {
    root.lookup(path)
        .map(Node::to_response)
        .ok_or(MetadataError::NotFound)
}

/// The value of the one `name` header; `shown` is its name in messages.
fn single_header<'a>(
    headers: &'a HeaderMap,
    name: &str,
    shown: &'static str,
) -> Result<&'a str, MetadataError> {
    let mut values = headers.get_all(name).iter();
    let Some(value) = values.next() else {
        return Err(MetadataError::MissingHeader(shown));
    };
    if values.next().is_some() {
        return Err(MetadataError::MalformedHeader(shown));
    }
    match value.to_str() {
        Ok(text) if !text.is_empty() => Ok(text),
        _ => Err(MetadataError::MalformedHeader(shown)),
    }
}

#[async_trait]
impl Application for MetadataService {
    async fn call(&self, request: Request) -> Result<Response, BoxError> {
        let response = match self.answer(&request).await {
            Ok(response) => response,
            Err(error) => error.to_response(),
        };
        let status = response.status().as_u16();
        let method = request.method().as_str();
        let uri = request.uri().path();
        if status >= 500 {
            tracing::error!(target: "cumulo::metadata", method, uri, status, "metadata request");
        } else {
            tracing::debug!(target: "cumulo::metadata", method, uri, status, "metadata request");
        }
        Ok(response)
    }
}

/// What a cached lookup was keyed by.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum CacheKey {
    Address(IpAddr),
    Instance(String, String),
}

/// Lookups reused for a while, as Nova's handler caches them.
struct LookupCache {
    ttl: time::Duration,
    entries: Mutex<HashMap<CacheKey, (OffsetDateTime, Arc<InstanceMetadata>)>>,
}

impl LookupCache {
    fn new(ttl: time::Duration) -> Self {
        LookupCache {
            ttl,
            entries: Mutex::new(HashMap::new()),
        }
    }

    fn get(&self, key: &CacheKey, now: OffsetDateTime) -> Option<Arc<InstanceMetadata>> {
        let entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        match entries.get(key) {
            Some((expires, instance)) if now < *expires => Some(instance.clone()),
            _ => None,
        }
    }

    fn insert(&self, key: CacheKey, instance: Arc<InstanceMetadata>, now: OffsetDateTime) {
        if self.ttl <= time::Duration::ZERO {
            return;
        }
        let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        if entries.len() >= CACHE_CAPACITY {
            entries.retain(|_, (expires, _)| now < *expires);
            if entries.len() >= CACHE_CAPACITY {
                entries.clear();
            }
        }
        entries.insert(key, (now.saturating_add(self.ttl), instance));
    }

    fn forget_instance(&self, instance_id: &str) {
        let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        entries.retain(|_, (_, instance)| instance.instance_id != instance_id);
    }
}

/// How the asking instance was found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Via {
    /// By the address it calls from.
    Address,
    /// By a metadata proxy's signed headers.
    Proxy,
}

#[cfg(test)]
mod tests;
