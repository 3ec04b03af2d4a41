//! Applications, middlewares and the pipelines that compose them.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use async_trait::async_trait;

use super::Body;

/// A request as every layer sees it: the body is already buffered.
pub type Request = http::Request<Body>;

/// A response as every layer produces it.
pub type Response = http::Response<Body>;

/// An error travelling up the chain; the protocol's fault wrapper renders it.
///
/// Layers return typed errors (an EC2 error, an OpenStack fault, an authentication
/// rejection) boxed here; outer layers downcast what they need, so a lockout counts a
/// typed rejection rather than a status code.
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// Something that answers requests: a WSGI application.
///
/// Inside a chain the answer stays a `Result`, so middlewares see typed failures. The
/// outermost layer of a protocol (its fault wrapper) turns every error, and every panic,
/// into a response in the protocol's own format.
#[async_trait]
pub trait Application: Send + Sync + 'static {
    /// Answers one request.
    async fn call(&self, request: Request) -> Result<Response, BoxError>;
}

/// The future every layer returns.
type Answer<'a> = Pin<Box<dyn Future<Output = Result<Response, BoxError>> + Send + 'a>>;

// Pointers forward the inner future as it is: no second boxed future per call.
impl<A: Application + ?Sized> Application for Arc<A> {
    fn call<'life0, 'async_trait>(&'life0 self, request: Request) -> Answer<'async_trait>
    where
        'life0: 'async_trait,
        Self: 'async_trait,
    {
        (**self).call(request)
    }
}

impl<A: Application + ?Sized> Application for Box<A> {
    fn call<'life0, 'async_trait>(&'life0 self, request: Request) -> Answer<'async_trait>
    where
        'life0: 'async_trait,
        Self: 'async_trait,
    {
        (**self).call(request)
    }
}

/// A filter around the rest of a chain: a WSGI middleware.
///
/// It may answer by itself, change the request, call `next`, or change what `next`
/// answered.
#[async_trait]
pub trait Middleware: Send + Sync + 'static {
    /// Handles one request, with `next` as the rest of the chain.
    async fn handle(&self, request: Request, next: &dyn Application) -> Result<Response, BoxError>;
}

impl<M: Middleware + ?Sized> Middleware for Arc<M> {
    fn handle<'life0, 'life1, 'async_trait>(
        &'life0 self,
        request: Request,
        next: &'life1 dyn Application,
    ) -> Answer<'async_trait>
    where
        'life0: 'async_trait,
        'life1: 'async_trait,
        Self: 'async_trait,
    {
        (**self).handle(request, next)
    }
}

/// A middleware bound to the application it wraps; itself an [`Application`].
pub struct Layered {
    middleware: Arc<dyn Middleware>,
    next: Arc<dyn Application>,
}

impl Layered {
    /// Wraps `next` in `middleware`.
    pub fn new(middleware: Arc<dyn Middleware>, next: Arc<dyn Application>) -> Self {
        Layered { middleware, next }
    }
}

impl std::fmt::Debug for Layered {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Layered").finish_non_exhaustive()
    }
}

impl Application for Layered {
    // The middleware's own future is the answer: no second boxed future per layer.
    fn call<'life0, 'async_trait>(&'life0 self, request: Request) -> Answer<'async_trait>
    where
        'life0: 'async_trait,
        Self: 'async_trait,
    {
        self.middleware.handle(request, &*self.next)
    }
}

/// Composes middlewares over an application, outermost first, as a paste pipeline lists
/// its filters.
///
/// ```
/// use cumulo::core::{Pipeline, Debug, from_fn, Response};
///
/// let app = Pipeline::new()
///     .with(Debug::new())
///     .app(from_fn(|_request| async { Ok(Response::new("hello".into())) }));
/// # let _ = app;
/// ```
#[derive(Default)]
pub struct Pipeline {
    filters: Vec<Arc<dyn Middleware>>,
}

impl std::fmt::Debug for Pipeline {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pipeline")
            .field("filters", &self.filters.len())
            .finish()
    }
}

impl Pipeline {
    /// An empty pipeline.
    pub fn new() -> Self {
        Pipeline::default()
    }

    /// Adds a filter inside the ones added before it.
    pub fn with(mut self, middleware: impl Middleware) -> Self {
        self.filters.push(Arc::new(middleware));
        self
    }

    /// Adds a filter that is already shared.
    pub fn with_shared(mut self, middleware: Arc<dyn Middleware>) -> Self {
        self.filters.push(middleware);
        self
    }

    /// Ends the pipeline with the application at its core.
    pub fn app(self, app: impl Application) -> Arc<dyn Application> {
        self.app_shared(Arc::new(app))
    }

    /// Ends the pipeline with an application that is already shared.
    pub fn app_shared(self, app: Arc<dyn Application>) -> Arc<dyn Application> {
        self.filters
            .into_iter()
            .rev()
            .fold(app, |next, middleware| {
                Arc::new(Layered::new(middleware, next))
            })
    }
}

/// An application made from an async closure.
pub fn from_fn<F, Fut>(f: F) -> FnApplication<F>
where
    F: Fn(Request) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<Response, BoxError>> + Send + 'static,
{
    FnApplication(f)
}

/// The application [`from_fn`] returns.
#[derive(Clone, Copy)]
pub struct FnApplication<F>(F);

impl<F> std::fmt::Debug for FnApplication<F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("FnApplication")
    }
}

#[async_trait]
impl<F, Fut> Application for FnApplication<F>
where
    F: Fn(Request) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<Response, BoxError>> + Send + 'static,
{
    async fn call(&self, request: Request) -> Result<Response, BoxError> {
        (self.0)(request).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Tag(&'static str);

    #[async_trait]
    impl Middleware for Tag {
        async fn handle(
            &self,
            mut request: Request,
            next: &dyn Application,
        ) -> Result<Response, BoxError> {
            let seen = request
                .headers()
                .get("x-order")
                .map(|v| v.to_str().unwrap().to_owned());
            let order = format!("{}{}", seen.unwrap_or_default(), self.0);
            request
                .headers_mut()
                .insert("x-order", order.parse().unwrap());
            next.call(request).await
        }
    }

    #[tokio::test]
    async fn pipeline_runs_filters_outermost_first() {
        let app = Pipeline::new()
            .with(Tag("a"))
            .with(Tag("b"))
            .with(Tag("c"))
            .app(from_fn(|request: Request| async move {
                let order = request.headers()["x-order"].to_str().unwrap().to_owned();
                Ok(Response::new(order.into()))
            }));
        let response = app.call(Request::new(Body::empty())).await.unwrap();
        assert_eq!(response.body().as_bytes(), b"abc");
    }
}
