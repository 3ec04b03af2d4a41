//! A minimal Identity API v3 (Keystone) for the fake cloud: password authentication of a
//! fixed list of users, tokens with a service catalog, and the few reads the `openstack`
//! CLI and openstacksdk make of it.
//!
//! [`Identity`] is an [`Application`] serving `/`, `/v3` and `/v3/auth/tokens` (issue,
//! validate, revoke) plus `/v3/auth/catalog`, `/v3/auth/projects`, `/v3/projects` and
//! `/v3/users/{id}`; it is also the [`TokenValidator`] the Compute API and the image
//! endpoint check its tokens with. Clones share one token store.
//!
//! Every user belongs to the `Default` domain and to one project; a project's id is its
//! name, and a user's id is the user's name, so the ids line up with the fake cloud's
//! projects and with NoAuth's `user:project` tokens.
//!
//! # Limitations
//!
//! - Only the `password` and `token` methods; a token is scoped to its user's project
//!   (a request for another project, a domain or the system is refused with 401).
//! - Tokens live in this process only, at most [`DEFAULT_MAX_TOKENS`] of them by default:
//!   past that the oldest are forgotten, revoked ones counting until they would expire.

use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use http::header::{CONTENT_TYPE, WWW_AUTHENTICATE};
use http::{HeaderValue, Method, StatusCode};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use time::{Duration, OffsetDateTime};
use zeroize::Zeroizing;

use crate::core::{
    Application, Body, BodyLimitExceeded, BoxError, Context, Request, RequestId, Response,
    ScriptName, SharedClock, SystemClock,
};
use crate::openstack::{Fault, TokenValidator};

/// How long a token lives unless the builder says otherwise (Keystone's default).
pub const DEFAULT_TOKEN_LIFETIME: Duration = Duration::hours(1);

/// How many tokens the store keeps unless the builder says otherwise.
pub const DEFAULT_MAX_TOKENS: usize = 10_000;

/// The one domain.
const DOMAIN_ID: &str = "default";
const DOMAIN_NAME: &str = "Default";

/// A user's password: compared in constant time, wiped from memory when dropped, never
/// shown by `Debug`.
#[derive(Clone)]
pub struct Password(Zeroizing<String>);

impl Password {
    /// Wraps `password`.
    pub fn new(password: impl Into<String>) -> Self {
        Password(Zeroizing::new(password.into()))
    }

    /// Whether `candidate` is this password. Both sides are hashed first, so the time
    /// taken tells nothing of either length.
    fn matches(&self, candidate: &str) -> bool {
        let expected = Sha256::digest(self.0.as_bytes());
        let given = Sha256::digest(candidate.as_bytes());
        bool::from(expected.ct_eq(&given))
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(<redacted>)")
    }
}

impl From<&str> for Password {
    fn from(password: &str) -> Self {
        Password::new(password)
    }
}

impl From<String> for Password {
    fn from(password: String) -> Self {
        Password::new(password)
    }
}

/// A user of the identity service.
#[derive(Clone, Debug)]
pub struct IdentityUser {
    /// The user's name, which is also its id.
    pub name: String,
    /// The user's password.
    pub password: Password,
    /// The one project the user may scope tokens to; its name is its id.
    pub project: String,
    /// The user's roles in that project (`admin` makes the user an administrator).
    pub roles: Vec<String>,
}

impl IdentityUser {
    /// `name`, with `password`, a member of `project`.
    pub fn new(
        name: impl Into<String>,
        password: impl Into<Password>,
        project: impl Into<String>,
    ) -> Self {
        IdentityUser {
            name: name.into(),
            password: password.into(),
            project: project.into(),
            roles: vec!["member".to_owned(), "reader".to_owned()],
        }
    }

    /// Replaces the roles (default: `member` and `reader`).
    pub fn roles<R: Into<String>>(mut self, roles: impl IntoIterator<Item = R>) -> Self {
        self.roles = roles.into_iter().map(Into::into).collect();
        self
    }
}

/// One service of the catalog: its type, its name and its public URL.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Service {
    kind: String,
    name: String,
    url: String,
}

/// The service catalog every token carries: one public endpoint per service, in one
/// region.
///
/// openstacksdk and the `openstack` CLI use a compute URL as given, with nothing
/// appended, so give the versioned one (`http://HOST:8774/v2.1`); the image URL is
/// Glance's root (`http://HOST:9292`), where version discovery starts; the identity URL
/// is the versioned one (`http://HOST:5000/v3`). The CLI refuses to work when the
/// catalog has no identity entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Catalog {
    region: String,
    services: Vec<Service>,
}

impl Catalog {
    /// A catalog in `RegionOne` naming the identity service at `identity_url`.
    pub fn new(identity_url: impl Into<String>) -> Self {
        Catalog {
            region: "RegionOne".to_owned(),
            services: Vec::new(),
        }
        .service("identity", "keystone", identity_url)
    }

    /// The region every endpoint is in (default: `RegionOne`).
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = region.into();
        self
    }

    /// Adds the compute service (`nova`).
    pub fn compute(self, url: impl Into<String>) -> Self {
        self.service("compute", "nova", url)
    }

    /// Adds the image service (`glance`).
    pub fn image(self, url: impl Into<String>) -> Self {
        self.service("image", "glance", url)
    }

    /// Adds a service of `kind` named `name`, or moves the one of that kind to `url`.
    pub fn service(
        mut self,
        kind: impl Into<String>,
        name: impl Into<String>,
        url: impl Into<String>,
    ) -> Self {
        let service = Service {
            kind: kind.into(),
            name: name.into(),
            url: url.into(),
        };
        match self
            .services
            .iter_mut()
            .find(|known| known.kind == service.kind)
        {
            Some(known) => *known = service,
            None => self.services.push(service),
        }
        self
    }

    /// The public URL of the service of `kind`.
    pub fn url(&self, kind: &str) -> Option<&str> {
        self.services
            .iter()
            .find(|service| service.kind == kind)
            .map(|service| service.url.as_str())
    }

    fn to_json(&self) -> Value {
        let services: Vec<Value> = self
            .services
            .iter()
            .map(|service| {
                json!({
                    "type": service.kind,
                    "name": service.name,
                    "id": derived_id("service", &service.kind),
                    "endpoints": [{
                        "id": derived_id("endpoint", &service.kind),
                        "interface": "public",
                        "region": self.region,
                        "region_id": self.region,
                        "url": service.url,
                    }],
                })
            })
            .collect();
        Value::Array(services)
    }
}

/// The fake identity service. Cheap to clone: clones share the users and the tokens.
#[derive(Clone)]
pub struct Identity {
    inner: Arc<Inner>,
}

struct Inner {
    users: Vec<IdentityUser>,
    catalog: Catalog,
    clock: SharedClock,
    token_lifetime: Duration,
    max_tokens: usize,
    tokens: Mutex<TokenStore>,
}

impl fmt::Debug for Identity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Identity")
            .field("users", &self.inner.users.len())
            .field("catalog", &self.inner.catalog)
            .field("token_lifetime", &self.inner.token_lifetime)
            .finish_non_exhaustive()
    }
}

/// Builds an [`Identity`].
#[derive(Debug)]
pub struct IdentityBuilder {
    users: Vec<IdentityUser>,
    catalog: Catalog,
    clock: SharedClock,
    token_lifetime: Duration,
    max_tokens: usize,
}

impl IdentityBuilder {
    /// Adds a user.
    pub fn user(mut self, user: IdentityUser) -> Self {
        self.users.push(user);
        self
    }

    /// Adds users.
    pub fn users(mut self, users: impl IntoIterator<Item = IdentityUser>) -> Self {
        self.users.extend(users);
        self
    }

    /// The clock tokens expire on (default: the system clock).
    pub fn clock(mut self, clock: SharedClock) -> Self {
        self.clock = clock;
        self
    }

    /// How long a token lives (default: [`DEFAULT_TOKEN_LIFETIME`]).
    pub fn token_lifetime(mut self, lifetime: Duration) -> Self {
        self.token_lifetime = lifetime;
        self
    }

    /// How many tokens the store keeps (default: [`DEFAULT_MAX_TOKENS`], at least one).
    pub fn max_tokens(mut self, max_tokens: usize) -> Self {
        self.max_tokens = max_tokens.max(1);
        self
    }

    /// The service.
    pub fn build(self) -> Identity {
        Identity {
            inner: Arc::new(Inner {
                users: self.users,
                catalog: self.catalog,
                clock: self.clock,
                token_lifetime: self.token_lifetime,
                max_tokens: self.max_tokens,
                tokens: Mutex::new(TokenStore::default()),
            }),
        }
    }
}

/// What a token stands for.
#[derive(Clone, Debug)]
struct TokenRecord {
    user: String,
    project: String,
    roles: Vec<String>,
    methods: Vec<String>,
    issued_at: OffsetDateTime,
    expires_at: OffsetDateTime,
    audit_id: String,
}

/// The live tokens, by the SHA-256 of the token: the store never holds a token itself.
/// `order` lists the digests as issued, which is also the order they expire in.
#[derive(Default)]
struct TokenStore {
    records: HashMap<[u8; 32], TokenRecord>,
    order: VecDeque<[u8; 32]>,
}

impl TokenStore {
    /// Forgets expired tokens, then the oldest ones while more than `room` remain.
    fn prune(&mut self, now: OffsetDateTime, room: usize) {
        while let Some(oldest) = self.order.front() {
            let expired = self
                .records
                .get(oldest)
                .is_none_or(|record| record.expires_at <= now);
            if !expired && self.order.len() <= room {
                break;
            }
            if let Some(oldest) = self.order.pop_front() {
                self.records.remove(&oldest);
            }
        }
    }
}

fn digest(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

/// A stable 32-hex-digit id for a catalog entry or a role.
fn derived_id(kind: &str, name: &str) -> String {
    let digest = Sha256::digest(format!("{kind}:{name}").as_bytes());
    hex::encode(&digest[..16])
}

/// `2026-03-04T05:06:07.000000Z`, as Keystone writes token times.
fn keystone_time(at: OffsetDateTime) -> String {
    let at = at.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}Z",
        at.year(),
        u8::from(at.month()),
        at.day(),
        at.hour(),
        at.minute(),
        at.second(),
        at.microsecond()
    )
}

fn random_text(bytes: usize) -> Result<String, KeystoneError> {
    let mut random = Zeroizing::new(vec![0u8; bytes]);
    getrandom::fill(&mut random).map_err(|_| KeystoneError::internal())?;
    Ok(URL_SAFE_NO_PAD.encode(&*random))
}

impl Identity {
    /// Starts a service whose tokens carry `catalog`.
    pub fn builder(catalog: Catalog) -> IdentityBuilder {
        IdentityBuilder {
            users: Vec::new(),
            catalog,
            clock: Arc::new(SystemClock),
            token_lifetime: DEFAULT_TOKEN_LIFETIME,
            max_tokens: DEFAULT_MAX_TOKENS,
        }
    }

    /// A service with `users`, whose tokens carry `catalog`, on the system clock.
    pub fn new(catalog: Catalog, users: impl IntoIterator<Item = IdentityUser>) -> Self {
        Identity::builder(catalog).users(users).build()
    }

    /// The catalog tokens carry.
    pub fn catalog(&self) -> &Catalog {
        &self.inner.catalog
    }

    /// How many tokens the store holds (live, or revoked but not yet forgotten).
    pub fn token_count(&self) -> usize {
        self.lock_tokens().records.len()
    }

    fn lock_tokens(&self) -> std::sync::MutexGuard<'_, TokenStore> {
        self.inner
            .tokens
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn user_named(&self, name: &str) -> Option<&IdentityUser> {
        self.inner.users.iter().find(|user| user.name == name)
    }

    /// The live token `token`, if any.
    fn live(&self, token: &str) -> Option<TokenRecord> {
        let now = self.inner.clock.now();
        let key = digest(token);
        let mut store = self.lock_tokens();
        match store.records.get(&key) {
            Some(record) if record.expires_at > now => Some(record.clone()),
            Some(_) => {
                store.records.remove(&key);
                None
            }
            None => None,
        }
    }

    /// Stores a new token for `record`, answering the token.
    fn issue(&self, record: TokenRecord) -> Result<String, KeystoneError> {
        let token = random_text(32)?;
        let key = digest(&token);
        let mut store = self.lock_tokens();
        store.prune(record.issued_at, self.inner.max_tokens - 1);
        store.order.push_back(key);
        store.records.insert(key, record);
        Ok(token)
    }

    /// `{"token": {...}}` for `record`.
    fn token_document(&self, record: &TokenRecord, with_catalog: bool) -> Value {
        let domain = json!({"id": DOMAIN_ID, "name": DOMAIN_NAME});
        let roles: Vec<Value> = record
            .roles
            .iter()
            .map(|role| json!({"id": derived_id("role", role), "name": role}))
            .collect();
        let mut token = json!({
            "methods": record.methods,
            "user": {
                "id": record.user,
                "name": record.user,
                "domain": domain,
                "password_expires_at": null,
            },
            "audit_ids": [record.audit_id],
            "expires_at": keystone_time(record.expires_at),
            "issued_at": keystone_time(record.issued_at),
            "project": {"id": record.project, "name": record.project, "domain": domain},
            "is_domain": false,
            "roles": roles,
        });
        if with_catalog {
            token["catalog"] = self.inner.catalog.to_json();
        }
        json!({ "token": token })
    }

    /// `POST /v3/auth/tokens`.
    fn authenticate(&self, request: &Request) -> Result<Response, KeystoneError> {
        let body: Value = serde_json::from_slice(request.body().as_bytes())
            .map_err(|_| KeystoneError::validation("valid JSON", "request body"))?;
        let auth = body
            .get("auth")
            .filter(|auth| auth.is_object())
            .ok_or_else(|| KeystoneError::validation("auth", "request body"))?;
        let identity = auth
            .get("identity")
            .ok_or_else(|| KeystoneError::validation("identity", "auth"))?;
        let methods: Vec<&str> = identity
            .get("methods")
            .and_then(Value::as_array)
            .ok_or_else(|| KeystoneError::validation("methods", "identity"))?
            .iter()
            .filter_map(Value::as_str)
            .collect();

        // Identify the user, by password or by a token it already holds.
        let now = self.inner.clock.now();
        let (user, mut methods_done, expires_at) = if methods.contains(&"password") {
            let user = self.password_user(identity)?;
            let expires_at = now + self.inner.token_lifetime;
            (user, vec!["password".to_owned()], expires_at)
        } else if methods.contains(&"token") {
            let token = identity
                .pointer("/token/id")
                .and_then(Value::as_str)
                .ok_or_else(|| KeystoneError::validation("id", "token"))?;
            let record = self.live(token).ok_or_else(KeystoneError::unauthorized)?;
            let user = self
                .user_named(&record.user)
                .ok_or_else(KeystoneError::unauthorized)?;
            // A token made from a token never outlives it.
            (user, record.methods, record.expires_at)
        } else {
            return Err(KeystoneError::new(
                StatusCode::UNAUTHORIZED,
                "Attempted to authenticate with an unsupported method.",
            ));
        };
        if methods.contains(&"token") && !methods_done.iter().any(|done| done == "token") {
            methods_done.insert(0, "token".to_owned());
        }

        // Scope: the user's project, whether named, implied or left out.
        match auth.get("scope") {
            None | Some(Value::Null) => {}
            Some(Value::String(scope)) if scope == "unscoped" => {}
            Some(scope) => {
                let project = scope
                    .get("project")
                    .ok_or_else(KeystoneError::unauthorized)?;
                let named = project
                    .get("id")
                    .or_else(|| project.get("name"))
                    .and_then(Value::as_str)
                    .ok_or_else(|| KeystoneError::validation("id or name", "project"))?;
                if project.get("id").is_none() {
                    check_domain(project)?;
                }
                if named != user.project {
                    return Err(KeystoneError::unauthorized());
                }
            }
        }

        let record = TokenRecord {
            user: user.name.clone(),
            project: user.project.clone(),
            roles: user.roles.clone(),
            methods: methods_done,
            issued_at: now,
            expires_at,
            audit_id: random_text(16)?,
        };
        let document = self.token_document(&record, !no_catalog(request));
        let token = self.issue(record)?;
        let mut response = json_response(StatusCode::CREATED, &document);
        let token = HeaderValue::from_str(&token).map_err(|_| KeystoneError::internal())?;
        response.headers_mut().insert("x-subject-token", token);
        Ok(response)
    }

    /// The user a `password` method names, when the password is right.
    fn password_user(&self, identity: &Value) -> Result<&IdentityUser, KeystoneError> {
        let user = identity
            .pointer("/password/user")
            .ok_or_else(|| KeystoneError::validation("user", "password"))?;
        let password = user
            .get("password")
            .and_then(Value::as_str)
            .ok_or_else(|| KeystoneError::validation("password", "user"))?;
        let name = match (user.get("id"), user.get("name")) {
            (Some(id), _) => id.as_str(),
            (None, Some(name)) => {
                check_domain(user)?;
                name.as_str()
            }
            (None, None) => None,
        }
        .ok_or_else(|| KeystoneError::validation("id or name", "user"))?;
        match self.user_named(name) {
            Some(found) if found.password.matches(password) => Ok(found),
            _ => Err(KeystoneError::unauthorized()),
        }
    }

    /// The caller's token record (`X-Auth-Token`).
    fn caller(&self, request: &Request) -> Result<TokenRecord, KeystoneError> {
        header(request, "x-auth-token")
            .and_then(|token| self.live(token))
            .ok_or_else(KeystoneError::unauthorized)
    }

    /// The token `X-Subject-Token` names, for `GET`, `HEAD` and `DELETE`.
    fn subject(&self, request: &Request) -> Result<(String, TokenRecord), KeystoneError> {
        self.caller(request)?;
        let subject = header(request, "x-subject-token")
            .ok_or_else(|| KeystoneError::validation("X-Subject-Token", "request headers"))?;
        let record = self
            .live(subject)
            .ok_or_else(|| KeystoneError::new(StatusCode::NOT_FOUND, "Could not find token."))?;
        Ok((subject.to_owned(), record))
    }

    fn validate_subject(&self, request: &Request) -> Result<Response, KeystoneError> {
        let (subject, record) = self.subject(request)?;
        let document = self.token_document(&record, !no_catalog(request));
        let mut response = json_response(StatusCode::OK, &document);
        let subject = HeaderValue::from_str(&subject).map_err(|_| KeystoneError::internal())?;
        response.headers_mut().insert("x-subject-token", subject);
        Ok(response)
    }

    fn revoke_subject(&self, request: &Request) -> Result<Response, KeystoneError> {
        let (subject, _) = self.subject(request)?;
        self.lock_tokens().records.remove(&digest(&subject));
        let mut response = Response::new(Body::empty());
        *response.status_mut() = StatusCode::NO_CONTENT;
        Ok(response)
    }

    fn project_json(project: &str, request: &Request) -> Value {
        json!({
            "id": project,
            "name": project,
            "domain_id": DOMAIN_ID,
            "description": "",
            "enabled": true,
            "parent_id": DOMAIN_ID,
            "is_domain": false,
            "tags": [],
            "options": {},
            "links": {"self": format!("{}v3/projects/{project}", ScriptName::base_url(request))},
        })
    }

    /// The projects `caller` may see: every project for an administrator, its own
    /// otherwise.
    fn visible_projects(&self, caller: &TokenRecord) -> Vec<String> {
        if !is_admin(&caller.roles) {
            return vec![caller.project.clone()];
        }
        let mut projects: Vec<String> = Vec::new();
        for user in &self.inner.users {
            if !projects.contains(&user.project) {
                projects.push(user.project.clone());
            }
        }
        projects
    }

    fn list_projects(&self, request: &Request, only_own: bool) -> Result<Response, KeystoneError> {
        let caller = self.caller(request)?;
        let wanted = query_value(request, "name");
        let projects = if only_own {
            vec![caller.project.clone()]
        } else {
            self.visible_projects(&caller)
        };
        let projects: Vec<Value> = projects
            .iter()
            .filter(|project| wanted.as_deref().is_none_or(|name| name == *project))
            .map(|project| Identity::project_json(project, request))
            .collect();
        let path = ScriptName::path_under(request).trim_end_matches('/');
        let base = ScriptName::base_url(request);
        let document = json!({
            "projects": projects,
            "links": {
                "self": format!("{}{}", base.trim_end_matches('/'), path),
                "previous": null,
                "next": null
            },
        });
        Ok(json_response(StatusCode::OK, &document))
    }

    fn show_project(&self, request: &Request, id: &str) -> Result<Response, KeystoneError> {
        let caller = self.caller(request)?;
        if !self
            .visible_projects(&caller)
            .iter()
            .any(|project| project == id)
        {
            if !is_admin(&caller.roles) {
                return Err(KeystoneError::forbidden("identity:get_project"));
            }
            return Err(KeystoneError::new(
                StatusCode::NOT_FOUND,
                format!("Could not find project: {id}."),
            ));
        }
        let document = json!({ "project": Identity::project_json(id, request) });
        Ok(json_response(StatusCode::OK, &document))
    }

    fn show_user(&self, request: &Request, id: &str) -> Result<Response, KeystoneError> {
        let caller = self.caller(request)?;
        if caller.user != id && !is_admin(&caller.roles) {
            return Err(KeystoneError::forbidden("identity:get_user"));
        }
        let user = self.user_named(id).ok_or_else(|| {
            KeystoneError::new(StatusCode::NOT_FOUND, format!("Could not find user: {id}."))
        })?;
        let document = json!({"user": {
            "id": user.name,
            "name": user.name,
            "domain_id": DOMAIN_ID,
            "default_project_id": user.project,
            "enabled": true,
            "password_expires_at": null,
            "options": {},
            "links": {"self": format!("{}v3/users/{}", ScriptName::base_url(request), user.name)},
        }});
        Ok(json_response(StatusCode::OK, &document))
    }

    fn catalog_document(&self, request: &Request) -> Result<Response, KeystoneError> {
        self.caller(request)?;
        let document = json!({
            "catalog": self.inner.catalog.to_json(),
            "links": {"self": format!("{}v3/auth/catalog", ScriptName::base_url(request)),
                      "previous": null, "next": null},
        });
        Ok(json_response(StatusCode::OK, &document))
    }

    fn answer(&self, request: &Request) -> Result<Response, KeystoneError> {
        if request.extensions().get::<BodyLimitExceeded>().is_some() {
            return Err(KeystoneError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "Request is too large.",
            ));
        }
        let method = request.method();
        let read = method == Method::GET || method == Method::HEAD;
        let path = ScriptName::path_under(request);
        let trimmed = path.trim_end_matches('/');
        let only = |allowed: bool| {
            if allowed {
                Ok(())
            } else {
                Err(KeystoneError::method_not_allowed())
            }
        };
        match trimmed {
            "" => {
                only(read)?;
                let versions = json!({"versions": {"values": [version_v3(request)]}});
                Ok(json_response(StatusCode::MULTIPLE_CHOICES, &versions))
            }
            "/v3" => {
                only(read)?;
                let version = json!({ "version": version_v3(request) });
                Ok(json_response(StatusCode::OK, &version))
            }
            "/v3/auth/tokens" => match *method {
                Method::POST => self.authenticate(request),
                Method::GET | Method::HEAD => self.validate_subject(request),
                Method::DELETE => self.revoke_subject(request),
                _ => Err(KeystoneError::method_not_allowed()),
            },
            "/v3/auth/catalog" => {
                only(read)?;
                self.catalog_document(request)
            }
            "/v3/auth/projects" => {
                only(read)?;
                self.list_projects(request, true)
            }
            "/v3/projects" => {
                only(read)?;
                self.list_projects(request, false)
            }
            other => {
                if let Some(id) = single_segment(other, "/v3/projects/") {
                    only(read)?;
                    self.show_project(request, id)
                } else if let Some(id) = single_segment(other, "/v3/users/") {
                    only(read)?;
                    self.show_user(request, id)
                } else {
                    Err(KeystoneError::new(
                        StatusCode::NOT_FOUND,
                        "The resource could not be found.",
                    ))
                }
            }
        }
    }
}

#[async_trait]
impl Application for Identity {
    async fn call(&self, request: Request) -> Result<Response, BoxError> {
        let request_id = request
            .extensions()
            .get::<RequestId>()
            .cloned()
            .unwrap_or_else(RequestId::generate);
        let mut response = match self.answer(&request) {
            Ok(response) => response,
            Err(error) => error.into_response(&request),
        };
        let status = response.status();
        if status.is_server_error() {
            tracing::error!(
                target: "cumulo::fake::identity",
                method = %request.method(),
                path = request.uri().path(),
                status = status.as_u16(),
                request_id = %request_id,
                "identity request failed",
            );
        } else {
            tracing::debug!(
                target: "cumulo::fake::identity",
                method = %request.method(),
                path = request.uri().path(),
                status = status.as_u16(),
                request_id = %request_id,
                "identity request",
            );
        }
        if let Ok(value) = HeaderValue::from_str(request_id.as_str()) {
            response
                .headers_mut()
                .insert("x-openstack-request-id", value);
        }
        if request.method() == Method::HEAD {
            *response.body_mut() = Body::empty();
        }
        Ok(response)
    }
}

#[async_trait]
impl TokenValidator for Identity {
    async fn validate(&self, token: &str) -> Result<Option<Context>, Fault> {
        Ok(self.live(token).map(|record| Context {
            is_admin: is_admin(&record.roles),
            user_id: record.user,
            project_id: record.project,
            roles: record.roles,
            ..Context::default()
        }))
    }
}

fn is_admin(roles: &[String]) -> bool {
    roles.iter().any(|role| role.eq_ignore_ascii_case("admin"))
}

/// Refuses a user or project named in a domain other than `Default`.
fn check_domain(named: &Value) -> Result<(), KeystoneError> {
    let Some(domain) = named.get("domain") else {
        return Ok(());
    };
    let id = domain.get("id").and_then(Value::as_str);
    let name = domain.get("name").and_then(Value::as_str);
    let default = match (id, name) {
        (Some(id), _) => id.eq_ignore_ascii_case(DOMAIN_ID),
        (None, Some(name)) => name.eq_ignore_ascii_case(DOMAIN_NAME),
        (None, None) => return Err(KeystoneError::validation("id or name", "domain")),
    };
    if default {
        Ok(())
    } else {
        Err(KeystoneError::unauthorized())
    }
}

fn header<'a>(request: &'a Request, name: &str) -> Option<&'a str> {
    request
        .headers()
        .get(name)
        .and_then(|value| value.to_str().ok())
        .filter(|value| !value.is_empty())
}

fn query_value(request: &Request, name: &str) -> Option<String> {
    let query = request.uri().query()?;
    form_urlencoded::parse(query.as_bytes())
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.into_owned())
}

/// Whether the request asks for a token without its catalog (`?nocatalog`).
fn no_catalog(request: &Request) -> bool {
    let Some(query) = request.uri().query() else {
        return false;
    };
    form_urlencoded::parse(query.as_bytes()).any(|(key, value)| {
        key == "nocatalog" && !matches!(value.to_ascii_lowercase().as_str(), "false" | "0")
    })
}

fn single_segment<'a>(path: &'a str, prefix: &str) -> Option<&'a str> {
    path.strip_prefix(prefix)
        .filter(|rest| !rest.is_empty() && !rest.contains('/'))
}

/// Keystone's description of API v3.
fn version_v3(request: &Request) -> Value {
    json!({
        "id": "v3.14",
        "status": "stable",
        "updated": "2020-04-07T00:00:00Z",
        "links": [{"rel": "self", "href": format!("{}v3/", ScriptName::base_url(request))}],
        "media-types": [{
            "base": "application/json",
            "type": "application/vnd.openstack.identity-v3+json",
        }],
    })
}

fn json_response(status: StatusCode, body: &Value) -> Response {
    let mut response = Response::new(body.to_string().into());
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response
}

/// An error as Keystone answers it: `{"error": {"code", "title", "message"}}`.
#[derive(Debug)]
struct KeystoneError {
    status: StatusCode,
    message: String,
}

impl KeystoneError {
    fn new(status: StatusCode, message: impl Into<String>) -> Self {
        KeystoneError {
            status,
            message: message.into(),
        }
    }

    /// 400, with the message of Keystone's `ValidationError`.
    fn validation(attribute: &str, target: &str) -> Self {
        KeystoneError::new(
            StatusCode::BAD_REQUEST,
            format!(
                "Expecting to find {attribute} in {target}. The server could not comply with \
                 the request since it is either malformed or otherwise incorrect. The client \
                 is assumed to be in error."
            ),
        )
    }

    fn unauthorized() -> Self {
        KeystoneError::new(
            StatusCode::UNAUTHORIZED,
            "The request you have made requires authentication.",
        )
    }

    fn forbidden(action: &str) -> Self {
        KeystoneError::new(
            StatusCode::FORBIDDEN,
            format!("You are not authorized to perform the requested action: {action}."),
        )
    }

    fn method_not_allowed() -> Self {
        KeystoneError::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "The method is not allowed for the requested URL.",
        )
    }

    fn internal() -> Self {
        KeystoneError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "An unexpected error prevented the server from fulfilling your request.",
        )
    }

    fn into_response(self, request: &Request) -> Response {
        let title = match self.status {
            StatusCode::PAYLOAD_TOO_LARGE => "Request Entity Too Large",
            status => status.canonical_reason().unwrap_or("Error"),
        };
        let body = json!({"error": {
            "code": self.status.as_u16(),
            "title": title,
            "message": self.message,
        }});
        let mut response = json_response(self.status, &body);
        if self.status == StatusCode::UNAUTHORIZED {
            let base = ScriptName::base_url(request);
            let challenge = format!("Keystone uri=\"{}\"", base.trim_end_matches('/'));
            if let Ok(challenge) = HeaderValue::from_str(&challenge) {
                response.headers_mut().insert(WWW_AUTHENTICATE, challenge);
            }
        }
        response
    }
}

#[cfg(test)]
mod tests;
