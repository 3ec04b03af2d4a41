//! The framework-agnostic core: bodies, applications, middlewares, pipelines and dispatch.
//!
//! Nothing here knows about EC2, OpenStack, hyper or tokio. A protocol is a chain of
//! [`Middleware`]s over an [`Application`], composed with a [`Pipeline`] the way a paste
//! pipeline lists WSGI filters.

mod app;
mod body;
mod clock;
mod context;
mod debug;
pub mod redact;
mod router;
mod urlmap;

pub use app::{Application, BoxError, Layered, Middleware, Pipeline, Request, Response, from_fn};
pub use body::{Body, BodyLimitExceeded, BodyReadFailed};
pub use clock::{Clock, ManualClock, SharedClock, SystemClock};
pub use context::{Context, RemoteAddr, RequestId};
pub use debug::Debug;
pub use router::{PathParams, RouteError, Router};
pub use urlmap::{HostPattern, ScriptName, UrlMap};
