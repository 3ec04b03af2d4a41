//! Serve any [`Application`] with hyper on a tokio listener (feature `hyper`).
//!
//! The body is read up to a cap before the chain runs; past the cap the adapter stops
//! reading and hands the chain an empty body marked with [`BodyLimitExceeded`], so the
//! protocol's fault wrapper answers in its own format with HTTP 413. Header count and
//! size are bounded, slow clients time out, and [`Server::serve_with_shutdown`] drains
//! connections gracefully.

use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use http_body_util::BodyExt;
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;

use crate::core::{
    Application, Body, BodyLimitExceeded, BodyReadFailed, RemoteAddr, Request, Response,
};

/// Limits the adapter enforces on every connection.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServerConfig {
    /// The largest request body read, in bytes (default 1 MiB).
    pub body_limit: usize,
    /// The most headers a request may have (default 100).
    pub max_headers: usize,
    /// The largest read buffer, which bounds the request head (default 64 KiB).
    pub max_head_bytes: usize,
    /// How long a client may take to send a request's head (default 30 s).
    pub header_read_timeout: Duration,
    /// How long a client may take to send a request's body (default 30 s).
    pub body_read_timeout: Duration,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            body_limit: 1024 * 1024,
            max_headers: 100,
            max_head_bytes: 64 * 1024,
            header_read_timeout: Duration::from_secs(30),
            body_read_timeout: Duration::from_secs(30),
        }
    }
}

/// A hyper server for one [`Application`].
#[derive(Clone)]
pub struct Server {
    app: Arc<dyn Application>,
    config: ServerConfig,
}

impl std::fmt::Debug for Server {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Server")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl Server {
    /// A server for `app` with the default limits.
    pub fn new(app: Arc<dyn Application>) -> Self {
        Server {
            app,
            config: ServerConfig::default(),
        }
    }

    /// Sets the limits.
    pub fn config(mut self, config: ServerConfig) -> Self {
        self.config = config;
        self
    }

    /// Serves connections from `listener` until the process ends.
    pub async fn serve(self, listener: TcpListener) -> std::io::Result<()> {
        self.serve_with_shutdown(listener, std::future::pending())
            .await
    }

    /// Serves connections from `listener` until `shutdown` completes, then waits for the
    /// open connections to finish their requests.
    pub async fn serve_with_shutdown(
        self,
        listener: TcpListener,
        shutdown: impl Future<Output = ()>,
    ) -> std::io::Result<()> {
        let mut builder = auto::Builder::new(TokioExecutor::new());
        builder
            .http1()
            .timer(TokioTimer::new())
            .header_read_timeout(self.config.header_read_timeout)
            .max_headers(self.config.max_headers)
            .max_buf_size(self.config.max_head_bytes.max(8192));
        builder
            .http2()
            .timer(TokioTimer::new())
            .max_header_list_size(u32::try_from(self.config.max_head_bytes).unwrap_or(u32::MAX));
        let graceful = GracefulShutdown::new();
        let mut shutdown = std::pin::pin!(shutdown);

        loop {
            let (stream, remote) = tokio::select! {
                accepted = listener.accept() => match accepted {
                    Ok(accepted) => accepted,
                    Err(error) => {
                        // Running out of descriptors must not end the server.
                        tracing::warn!(target: "cumulo::server", %error, "accept failed");
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        continue;
                    }
                },
                () = &mut shutdown => break,
            };
            let _ = stream.set_nodelay(true);
            let app = self.app.clone();
            let config = self.config.clone();
            let service = hyper::service::service_fn(move |request: http::Request<Incoming>| {
                let app = app.clone();
                let config = config.clone();
                async move { Ok::<_, Infallible>(answer(&*app, request, remote, &config).await) }
            });
            let connection = builder
                .serve_connection(TokioIo::new(stream), service)
                .into_owned();
            let connection = graceful.watch(connection);
            tokio::spawn(async move {
                if let Err(error) = connection.await {
                    tracing::debug!(target: "cumulo::server", %error, "connection ended");
                }
            });
        }

        graceful.shutdown().await;
        Ok(())
    }
}

/// Reads a request body up to `limit` bytes within `timeout`. `None` when the body is
/// over the limit; an error when the client was too slow or the body could not be read.
async fn read_body<B>(
    body: B,
    declared: Option<u64>,
    limit: usize,
    timeout: Duration,
) -> Result<Option<bytes::Bytes>, BodyReadFailed>
where
    B: http_body::Body<Data = bytes::Bytes>,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    if declared.is_some_and(|length| length > limit as u64) {
        return Ok(None);
    }
    let mut collect = std::pin::pin!(http_body_util::Limited::new(body, limit).collect());

    // A small body usually arrives with the head: taking it on a first poll spares such a
    // request building a timeout (a clock read and a runtime handle) it would never use.
    let mut first_poll = None;
    std::future::poll_fn(|cx| {
        first_poll = Some(collect.as_mut().poll(cx));
        std::task::Poll::Ready(())
    })
    .await;
    let collected = match first_poll {
        Some(std::task::Poll::Ready(collected)) => collected,
        _ => match tokio::time::timeout(timeout, collect).await {
            Ok(collected) => collected,
            Err(_) => return Err(BodyReadFailed::TimedOut),
        },
    };
    match collected {
        Ok(collected) => Ok(Some(collected.to_bytes())),
        Err(error) if error.is::<http_body_util::LengthLimitError>() => Ok(None),
        Err(_) => Err(BodyReadFailed::Malformed),
    }
}

fn declared_length(headers: &http::HeaderMap) -> Option<u64> {
    headers
        .get(http::header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse().ok())
}

async fn answer(
    app: &dyn Application,
    request: http::Request<Incoming>,
    remote: SocketAddr,
    config: &ServerConfig,
) -> Response {
    let (mut parts, body) = request.into_parts();
    let declared = declared_length(&parts.headers);
    let body = match read_body(body, declared, config.body_limit, config.body_read_timeout).await {
        Ok(Some(bytes)) => Body::from(bytes),
        Ok(None) => {
            parts.extensions.insert(BodyLimitExceeded {
                limit: config.body_limit,
            });
            Body::empty()
        }
        Err(failed) => {
            parts.extensions.insert(failed);
            Body::empty()
        }
    };
    parts.extensions.insert(RemoteAddr(remote));
    let request = Request::from_parts(parts, body);
    match app.call(request).await {
        Ok(response) => response,
        Err(error) => {
            // Only a chain without a fault wrapper gets here.
            tracing::error!(target: "cumulo::server", %error, "unhandled error");
            let mut response = Response::new(Body::from("Internal Server Error"));
            *response.status_mut() = http::StatusCode::INTERNAL_SERVER_ERROR;
            response
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http_body_util::Full;

    #[tokio::test]
    async fn bodies_over_the_cap_are_not_read() {
        let small = read_body(
            Full::new(bytes::Bytes::from_static(b"abc")),
            Some(3),
            4,
            Duration::from_secs(1),
        );
        assert_eq!(small.await, Ok(Some(bytes::Bytes::from_static(b"abc"))));
        let declared_large = read_body(
            Full::new(bytes::Bytes::new()),
            Some(5),
            4,
            Duration::from_secs(1),
        );
        assert_eq!(declared_large.await, Ok(None));
        let actual_large = read_body(
            Full::new(bytes::Bytes::from_static(b"abcde")),
            None,
            4,
            Duration::from_secs(1),
        );
        assert_eq!(actual_large.await, Ok(None));
    }
}
