//! Authentication of Compute API requests: Nova's NoAuthMiddleware, which trusts a
//! `user:project` token and answers the legacy handshake, or tokens a
//! [`TokenValidator`] checks.
//!
//! Version documents never need a token. On `/v1.0` and `/v1.1` a request without a
//! token is the legacy handshake (even at the endpoint's root, where the Rackspace-era
//! clients authenticate); on `/v2` and `/v2.1` it is refused with 401.

use std::sync::Arc;

use async_trait::async_trait;
use http::StatusCode;
use http::header::{CONTENT_TYPE, HeaderValue};

use super::auth::TokenValidator;
use super::fault::Fault;
use super::negotiate::{Negotiation, base_url};
use super::version::Endpoint;
use crate::core::{
    Application, Body, BoxError, Context, Middleware, RemoteAddr, Request, RequestId, Response,
};

/// The header a token travels in.
const AUTH_TOKEN: &str = "x-auth-token";

/// What Keystone's middleware answers a request it cannot authenticate.
const AUTHENTICATION_REQUIRED: &str = "The request you have made requires authentication.";

/// How the Compute API authenticates callers.
#[derive(Clone)]
pub enum ComputeAuth {
    /// Nova's NoAuthMiddleware: the token `user:project` is trusted as it is; for local
    /// fakes and tests only.
    NoAuth,
    /// Tokens checked by a validator (a Keystone client, a static table).
    Token(Arc<dyn TokenValidator>),
    /// Tokens the validator knows stand for what it says; any other token is read as
    /// NoAuth reads it, and the legacy handshake is served. For fakes that accept both
    /// an identity service's tokens and `user:project`.
    NoAuthOr(Arc<dyn TokenValidator>),
}

impl std::fmt::Debug for ComputeAuth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ComputeAuth::NoAuth => f.write_str("NoAuth"),
            ComputeAuth::Token(_) => f.write_str("Token"),
            ComputeAuth::NoAuthOr(_) => f.write_str("NoAuthOr"),
        }
    }
}

/// Puts the caller's [`Context`] in the request, or answers for it.
#[derive(Debug)]
pub struct Authenticate {
    auth: ComputeAuth,
    region: Option<String>,
}

impl Authenticate {
    /// Authenticates with `auth`; contexts name `region` when set.
    pub fn new(auth: ComputeAuth, region: Option<String>) -> Self {
        Authenticate { auth, region }
    }
}

/// Whether the path under the script name asks for a version document: the root, a
/// path outside every endpoint, or an endpoint's own root.
fn is_discovery(negotiation: &Negotiation) -> bool {
    negotiation.endpoint.is_none() || negotiation.path.is_empty() || negotiation.path == "/"
}

/// Nova's NoAuth context for `user:project`: the project defaults to the user, and
/// the user `admin` is an administrator.
fn noauth_context(token: &str) -> Context {
    let (user, project) = token.split_once(':').unwrap_or((token, ""));
    let project = if project.is_empty() { user } else { project };
    let is_admin = user == "admin";
    let mut roles = vec!["member".to_owned()];
    if is_admin {
        roles.push("admin".to_owned());
    }
    Context {
        user_id: user.to_owned(),
        project_id: project.to_owned(),
        roles,
        is_admin,
        ..Context::default()
    }
}

/// The legacy handshake: 204 with a token and the management URL.
fn handshake(request: &Request, endpoint: Endpoint) -> Response {
    let header = |name: &str| {
        request
            .headers()
            .get(name)
            .and_then(|value| value.to_str().ok())
            .filter(|value| !value.is_empty())
    };
    let user = header("x-auth-user").unwrap_or("admin");
    let project = header("x-auth-project-id").unwrap_or(user);
    let base = base_url(request);
    let management_url = match endpoint {
        Endpoint::V1_0 => format!("{base}/v1.0"),
        _ => format!("{base}/v1.1/{project}"),
    };
    let mut response = Response::new(Body::empty());
    *response.status_mut() = StatusCode::NO_CONTENT;
    let headers = response.headers_mut();
    let token = format!("{user}:{project}");
    for (name, value) in [
        ("x-auth-token", token.as_str()),
        ("x-server-management-url", management_url.as_str()),
        ("x-storage-url", ""),
        ("x-cdn-management-url", ""),
    ] {
        if let Ok(value) = HeaderValue::from_str(value) {
            headers.insert(name, value);
        }
    }
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("text/plain"));
    response
}

#[async_trait]
impl Middleware for Authenticate {
    async fn handle(
        &self,
        mut request: Request,
        next: &dyn Application,
    ) -> Result<Response, BoxError> {
        let negotiation = Negotiation::stored(&request);
        let token = request
            .headers()
            .get(AUTH_TOKEN)
            .map(|value| String::from_utf8_lossy(value.as_bytes()).into_owned());
        let legacy = negotiation
            .endpoint
            .filter(|endpoint| endpoint.serves_xml());

        let noauth = matches!(self.auth, ComputeAuth::NoAuth | ComputeAuth::NoAuthOr(_));
        if let (true, Some(endpoint), None) = (noauth, legacy, &token) {
            return Ok(handshake(&request, endpoint));
        }
        if is_discovery(&negotiation) {
            return next.call(request).await;
        }
        let Some(token) = token else {
            return Err(Fault::unauthorized(AUTHENTICATION_REQUIRED).into());
        };

        let mut context = match &self.auth {
            ComputeAuth::NoAuth => noauth_context(&token),
            ComputeAuth::Token(validator) => validator
                .validate(&token)
                .await?
                .ok_or_else(|| Fault::unauthorized(AUTHENTICATION_REQUIRED))?,
            ComputeAuth::NoAuthOr(validator) => match validator.validate(&token).await? {
                Some(context) => context,
                None => noauth_context(&token),
            },
        };
        if let Some(request_id) = request.extensions().get::<RequestId>() {
            context.request_id = request_id.clone();
        }
        if context.remote_addr.is_none() {
            context.remote_addr = request.extensions().get::<RemoteAddr>().map(|addr| addr.0);
        }
        if context.region.is_none() {
            context.region = self.region.clone();
        }
        request.extensions_mut().insert(context);
        next.call(request).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn noauth_tokens_name_user_and_project() {
        let context = noauth_context("fake:demo");
        assert_eq!(
            (context.user_id.as_str(), context.project_id.as_str()),
            ("fake", "demo")
        );
        assert_eq!(context.roles, ["member"]);
        assert!(!context.is_admin);
        let admin = noauth_context("admin");
        assert_eq!(admin.project_id, "admin");
        assert_eq!(admin.roles, ["member", "admin"]);
        assert!(admin.is_admin);
    }
}
