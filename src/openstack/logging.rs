//! RequestLogging: one access-log event per Compute API request, with no secret in it.
//!
//! Fields reuse tower-http's names (`method`, `path`, `status`, `latency`) plus
//! `remote_addr` and `request_id`. The query string, `X-Auth-Token` and bodies are never
//! logged. 5xx answers log at `ERROR`, others at `INFO`.

use std::time::Instant;

use async_trait::async_trait;

use super::fault::Fault;
use crate::core::{Application, BoxError, Middleware, RemoteAddr, Request, RequestId, Response};

/// Logs each request under the `cumulo::openstack::access` target.
#[derive(Clone, Copy, Debug, Default)]
pub struct RequestLogging {
    _private: (),
}

impl RequestLogging {
    /// A new request logger.
    pub fn new() -> Self {
        RequestLogging::default()
    }
}

fn status_of(result: &Result<Response, BoxError>) -> u16 {
    match result {
        Ok(response) => response.status().as_u16(),
        Err(error) => error
            .downcast_ref::<Fault>()
            .map_or(500, |fault| fault.status().as_u16()),
    }
}

#[async_trait]
impl Middleware for RequestLogging {
    async fn handle(&self, request: Request, next: &dyn Application) -> Result<Response, BoxError> {
        let target_enabled = tracing::enabled!(
            target: "cumulo::openstack::access",
            tracing::Level::ERROR
        );
        if !target_enabled {
            return next.call(request).await;
        }

        let started = Instant::now();
        let method = request.method().clone();
        let path = request.uri().path().to_owned();
        let remote_addr = request
            .extensions()
            .get::<RemoteAddr>()
            .map_or_else(|| "-".to_owned(), |addr| addr.0.to_string());
        let request_id = request
            .extensions()
            .get::<RequestId>()
            .map_or_else(String::new, |id| id.as_str().to_owned());

        let result = next.call(request).await;

        let status = status_of(&result);
        let latency = started.elapsed();
        if status >= 500 {
            tracing::error!(
                target: "cumulo::openstack::access",
                %method, path, status, ?latency, remote_addr, request_id,
                "request failed"
            );
        } else {
            tracing::info!(
                target: "cumulo::openstack::access",
                %method, path, status, ?latency, remote_addr, request_id,
                "request"
            );
        }
        result
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_count_with_their_fault_status() {
        let fault: BoxError = Fault::not_found("gone").into();
        assert_eq!(status_of(&Err(fault)), 404);
        assert_eq!(status_of(&Err("boom".into())), 500);
    }
}
