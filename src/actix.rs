//! Mount any [`Application`] in actix-web (feature `actix`): an EC2 chain, a router, the
//! metadata service.
//!
//! [`to`] makes an actix-web `Route` that answers every request with the application,
//! so it mounts as a scope's default service:
//!
//! ```no_run
//! use std::sync::Arc;
//!
//! use actix_web::{App, HttpServer, web};
//! use cumulo::ec2::Ec2Api;
//! use cumulo::fake::FakeCloud;
//!
//! # async fn run() -> std::io::Result<()> {
//! let ec2 = Ec2Api::builder(Arc::new(FakeCloud::new())).build();
//! HttpServer::new(move || {
//!     let ec2 = cumulo::actix::to(ec2.clone());
//!     App::new().service(web::scope("/services/Cloud").default_service(ec2))
//! })
//! .bind(("127.0.0.1", 8773))?
//! .run()
//! .await
//! # }
//! ```
//!
//! The body is read up to a cap (1 MiB by default); past it the request reaches the
//! application empty and marked [`BodyLimitExceeded`], so the protocol answers 413 in its
//! own format. The peer's address becomes [`RemoteAddr`], and a scope's prefix becomes
//! [`ScriptName`], as with [`UrlMap`](crate::core::UrlMap).

use std::sync::Arc;

use actix_web::http::StatusCode;
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, web};

use crate::core::{
    Application, Body, BodyLimitExceeded, BodyReadFailed, RemoteAddr, Request, ScriptName,
};

/// The default body cap: 1 MiB.
pub const DEFAULT_BODY_LIMIT: usize = 1024 * 1024;

/// An actix-web route answering every request with `app`, with the default body cap.
pub fn to(app: Arc<dyn Application>) -> actix_web::Route {
    ActixService::new(app).into_route()
}

/// An [`Application`] as actix-web sees it.
#[derive(Clone)]
pub struct ActixService {
    app: Arc<dyn Application>,
    body_limit: usize,
}

impl std::fmt::Debug for ActixService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ActixService")
            .field("body_limit", &self.body_limit)
            .finish_non_exhaustive()
    }
}

impl ActixService {
    /// Wraps `app`, with a 1 MiB body cap.
    pub fn new(app: Arc<dyn Application>) -> Self {
        ActixService {
            app,
            body_limit: DEFAULT_BODY_LIMIT,
        }
    }

    /// Sets the body cap.
    pub fn body_limit(mut self, limit: usize) -> Self {
        self.body_limit = limit;
        self
    }

    /// The route to mount.
    pub fn into_route(self) -> actix_web::Route {
        web::to(move |request: HttpRequest, payload: web::Payload| {
            let service = self.clone();
            async move { service.answer(request, payload).await }
        })
    }

    /// Answers one actix-web request with the application.
    pub async fn answer(&self, request: HttpRequest, payload: web::Payload) -> HttpResponse {
        let (body, marker) = match payload.to_bytes_limited(self.body_limit).await {
            Ok(Ok(bytes)) => (Body::from(bytes), None),
            Ok(Err(_)) => (Body::empty(), Some(Marker::ReadFailed)),
            Err(_) => (Body::empty(), Some(Marker::TooLarge)),
        };
        let Some(mut converted) = convert_request(&request, body) else {
            return plain(StatusCode::BAD_REQUEST, "Bad Request");
        };
        let extensions = converted.extensions_mut();
        match marker {
            Some(Marker::TooLarge) => {
                extensions.insert(BodyLimitExceeded {
                    limit: self.body_limit,
                });
            }
            Some(Marker::ReadFailed) => {
                extensions.insert(BodyReadFailed::Malformed);
            }
            None => {}
        }
        if let Some(peer) = request.peer_addr() {
            extensions.insert(RemoteAddr(peer));
        }
        if let Some(prefix) = scope_prefix(&request) {
            extensions.insert(ScriptName(prefix));
        }
        match self.app.call(converted).await {
            Ok(response) => convert_response(response),
            Err(error) => {
                // Only a chain without a fault wrapper gets here.
                tracing::error!(target: "cumulo::actix", %error, "unhandled error");
                plain(StatusCode::INTERNAL_SERVER_ERROR, "Internal Server Error")
            }
        }
    }
}

enum Marker {
    TooLarge,
    ReadFailed,
}

/// The part of the path the enclosing scopes matched, if any.
fn scope_prefix(request: &HttpRequest) -> Option<String> {
    let path = request.path();
    let rest = request.match_info().unprocessed();
    let prefix = path.strip_suffix(rest)?.trim_end_matches('/');
    (!prefix.is_empty()).then(|| prefix.to_owned())
}

fn convert_request(request: &HttpRequest, body: Body) -> Option<Request> {
    let version = match request.version() {
        actix_web::http::Version::HTTP_09 => http::Version::HTTP_09,
        actix_web::http::Version::HTTP_10 => http::Version::HTTP_10,
        actix_web::http::Version::HTTP_2 => http::Version::HTTP_2,
        actix_web::http::Version::HTTP_3 => http::Version::HTTP_3,
        _ => http::Version::HTTP_11,
    };
    let mut builder = http::Request::builder()
        .method(request.method().as_str())
        .uri(request.uri().to_string())
        .version(version);
    for (name, value) in request.headers() {
        builder = builder.header(name.as_str(), value.as_bytes());
    }
    builder.body(body).ok()
}

fn convert_response(response: crate::core::Response) -> HttpResponse {
    let (parts, body) = response.into_parts();
    let status =
        StatusCode::from_u16(parts.status.as_u16()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut builder = HttpResponse::build(status);
    for (name, value) in &parts.headers {
        let name = HeaderName::from_bytes(name.as_str().as_bytes());
        let value = HeaderValue::from_bytes(value.as_bytes());
        if let (Ok(name), Ok(value)) = (name, value) {
            builder.append_header((name, value));
        }
    }
    builder.body(body.into_bytes())
}

fn plain(status: StatusCode, text: &'static str) -> HttpResponse {
    HttpResponse::build(status)
        .content_type("text/plain")
        .body(text)
}
