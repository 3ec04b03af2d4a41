//! tower adapters (feature `tower`): an [`Application`] as a `tower::Service`, a tower
//! service as an [`Application`], and a [`Middleware`] as a `tower::Layer`.
//!
//! With these, a cumulo chain mounts in axum (`Router::route_service`), runs under
//! hyper-util's `TowerToHyperService`, and takes tower-http layers.

use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use async_trait::async_trait;
use http_body_util::BodyExt;

use crate::core::{
    Application, Body, BodyLimitExceeded, BoxError, Layered, Middleware, Request, Response,
};

/// The default body cap of [`TowerService`]: 1 MiB.
pub const DEFAULT_BODY_LIMIT: usize = 1024 * 1024;

/// An [`Application`] as a `tower::Service` over any request body.
///
/// The body is collected up to a cap; past it the request reaches the application empty
/// and marked [`BodyLimitExceeded`]. Errors the application returns (a chain without a
/// fault wrapper) become a bare 500, so the service never fails.
///
/// # Limitations
///
/// A tower service is not told the peer's address, so requests carry no
/// [`RemoteAddr`](crate::core::RemoteAddr) unless a layer in front sets it: the metadata
/// service, which finds the caller by address, needs one (`examples/axum_apis.rs` sets it
/// from axum's `ConnectInfo`).
#[derive(Clone)]
pub struct TowerService {
    app: Arc<dyn Application>,
    body_limit: usize,
}

impl std::fmt::Debug for TowerService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TowerService")
            .field("body_limit", &self.body_limit)
            .finish()
    }
}

impl TowerService {
    /// Wraps `app`, with a 1 MiB body cap.
    pub fn new(app: Arc<dyn Application>) -> Self {
        TowerService {
            app,
            body_limit: DEFAULT_BODY_LIMIT,
        }
    }

    /// Sets the body cap.
    pub fn body_limit(mut self, limit: usize) -> Self {
        self.body_limit = limit;
        self
    }
}

impl<B> tower_service::Service<http::Request<B>> for TowerService
where
    B: http_body::Body + Send + 'static,
    B::Data: Send,
    B::Error: Into<BoxError>,
{
    type Response = Response;
    type Error = Infallible;
    type Future = Pin<Box<dyn Future<Output = Result<Response, Infallible>> + Send>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: http::Request<B>) -> Self::Future {
        let app = self.app.clone();
        let limit = self.body_limit;
        Box::pin(async move {
            let (mut parts, body) = request.into_parts();
            let body = match http_body_util::Limited::new(body, limit).collect().await {
                Ok(collected) => Body::from(collected.to_bytes()),
                Err(_) => {
                    parts.extensions.insert(BodyLimitExceeded { limit });
                    Body::empty()
                }
            };
            match app.call(Request::from_parts(parts, body)).await {
                Ok(response) => Ok(response),
                Err(error) => {
                    tracing::error!(target: "cumulo::tower", %error, "unhandled error");
                    let mut response = Response::new(Body::from("Internal Server Error"));
                    *response.status_mut() = http::StatusCode::INTERNAL_SERVER_ERROR;
                    Ok(response)
                }
            }
        })
    }
}

/// A tower service as an [`Application`], so tower-http layers can run inside a chain.
#[derive(Clone, Debug)]
pub struct FromTower<S> {
    service: S,
}

impl<S> FromTower<S> {
    /// Wraps `service`.
    pub fn new(service: S) -> Self {
        FromTower { service }
    }
}

#[async_trait]
impl<S, ResBody> Application for FromTower<S>
where
    S: tower_service::Service<Request, Response = http::Response<ResBody>>
        + Clone
        + Send
        + Sync
        + 'static,
    S::Error: Into<BoxError>,
    S::Future: Send,
    ResBody: http_body::Body + Send + 'static,
    ResBody::Data: Send,
    ResBody::Error: Into<BoxError>,
{
    async fn call(&self, request: Request) -> Result<Response, BoxError> {
        let mut service = self.service.clone();
        std::future::poll_fn(|cx| service.poll_ready(cx))
            .await
            .map_err(Into::into)?;
        let response = service.call(request).await.map_err(Into::into)?;
        let (parts, body) = response.into_parts();
        let bytes = body.collect().await.map_err(Into::into)?.to_bytes();
        Ok(Response::from_parts(parts, Body::from(bytes)))
    }
}

/// A [`Middleware`] as a `tower::Layer` over services that are [`Application`]s.
#[derive(Clone)]
pub struct MiddlewareLayer {
    middleware: Arc<dyn Middleware>,
}

impl std::fmt::Debug for MiddlewareLayer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MiddlewareLayer").finish_non_exhaustive()
    }
}

impl MiddlewareLayer {
    /// A layer applying `middleware`.
    pub fn new(middleware: impl Middleware) -> Self {
        MiddlewareLayer {
            middleware: Arc::new(middleware),
        }
    }
}

impl tower_layer::Layer<Arc<dyn Application>> for MiddlewareLayer {
    type Service = Arc<dyn Application>;

    fn layer(&self, inner: Arc<dyn Application>) -> Self::Service {
        Arc::new(Layered::new(self.middleware.clone(), inner))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::from_fn;
    use tower_service::Service;

    #[tokio::test]
    async fn application_answers_as_a_tower_service() {
        let app: Arc<dyn Application> = Arc::new(from_fn(|request: Request| async move {
            Ok(Response::new(Body::from(request.body().to_bytes())))
        }));
        let mut service = TowerService::new(app).body_limit(8);
        let request = http::Request::new(http_body_util::Full::new(bytes::Bytes::from("hello")));
        let response = service.call(request).await.unwrap();
        assert_eq!(response.body().as_bytes(), b"hello");

        let marked: Arc<dyn Application> = Arc::new(from_fn(|request: Request| async move {
            let limit = request
                .extensions()
                .get::<BodyLimitExceeded>()
                .map(|m| m.limit);
            Ok(Response::new(Body::from(format!("{limit:?}"))))
        }));
        let mut capped = TowerService::new(marked).body_limit(4);
        let large = http::Request::new(http_body_util::Full::new(bytes::Bytes::from("too long")));
        assert_eq!(
            capped.call(large).await.unwrap().body().as_bytes(),
            b"Some(4)"
        );
    }

    #[tokio::test]
    async fn tower_service_runs_as_an_application() {
        let service = tower_service_fn();
        let app = FromTower::new(service);
        let response = app.call(Request::new(Body::from("ping"))).await.unwrap();
        assert_eq!(response.body().as_bytes(), b"pong:ping");
    }

    #[derive(Clone)]
    struct Pong;

    impl Service<Request> for Pong {
        type Response = http::Response<http_body_util::Full<bytes::Bytes>>;
        type Error = Infallible;
        type Future = std::future::Ready<Result<Self::Response, Infallible>>;

        fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
            Poll::Ready(Ok(()))
        }

        fn call(&mut self, request: Request) -> Self::Future {
            let text = format!(
                "pong:{}",
                String::from_utf8_lossy(request.body().as_bytes())
            );
            std::future::ready(Ok(http::Response::new(http_body_util::Full::new(
                text.into(),
            ))))
        }
    }

    fn tower_service_fn() -> Pong {
        Pong
    }
}
