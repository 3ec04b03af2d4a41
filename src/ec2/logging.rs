//! RequestLogging: one access-log event per request, with no secret in it.
//!
//! Fields reuse tower-http's names (`method`, `uri` → here `path`, `status`, `latency`)
//! plus `action`, `remote_addr` and `request_id`. The query string, signatures, tokens,
//! credentials and bodies are never logged. 5xx answers log at `ERROR`, others at `INFO`.

use std::time::Instant;

use async_trait::async_trait;

use super::auth::AuthRejected;
use super::error::Ec2Error;
use super::params::Params;
use crate::core::{Application, BoxError, Middleware, RemoteAddr, Request, RequestId, Response};

/// Logs each request under the `cumulo::ec2::access` target.
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
        Err(error) => {
            if let Some(ec2) = error.downcast_ref::<Ec2Error>() {
                ec2.status().as_u16()
            } else if let Some(rejected) = error.downcast_ref::<AuthRejected>() {
                rejected.error.status().as_u16()
            } else {
                500
            }
        }
    }
}

/// An action name fit for a log line: known characters only, bounded length.
fn loggable_action(action: Option<&str>) -> &str {
    match action {
        Some(action) if action.len() <= 64 && action.bytes().all(|b| b.is_ascii_alphanumeric()) => {
            action
        }
        Some(_) => "<invalid>",
        None => "-",
    }
}

/// What the access log records of a request, taken before the request moves on.
struct Entry {
    method: http::Method,
    path: String,
    params: std::sync::Arc<Params>,
    remote_addr: Option<std::net::SocketAddr>,
    request_id: Option<RequestId>,
}

#[async_trait]
impl Middleware for RequestLogging {
    async fn handle(
        &self,
        mut request: Request,
        next: &dyn Application,
    ) -> Result<Response, BoxError> {
        // Nothing is collected when no subscriber listens: the access log must not cost a
        // server that does not keep it.
        let info = tracing::enabled!(target: "cumulo::ec2::access", tracing::Level::INFO);
        let error = tracing::enabled!(target: "cumulo::ec2::access", tracing::Level::ERROR);
        if !info && !error {
            return next.call(request).await;
        }

        let started = Instant::now();
        let entry = Entry {
            method: request.method().clone(),
            path: request.uri().path().to_owned(),
            params: Params::of(&mut request),
            remote_addr: request.extensions().get::<RemoteAddr>().map(|addr| addr.0),
            request_id: request.extensions().get::<RequestId>().cloned(),
        };

        let result = next.call(request).await;

        let status = status_of(&result);
        if !(if status >= 500 { error } else { info }) {
            return result;
        }
        let latency = started.elapsed();
        let action = loggable_action(entry.params.get("Action"));
        let method = &entry.method;
        let path = entry.path.as_str();
        let remote_addr = entry.remote_addr.map(|addr| addr.to_string());
        let remote_addr = remote_addr.as_deref().unwrap_or("-");
        let request_id = entry
            .request_id
            .as_ref()
            .map(RequestId::as_str)
            .unwrap_or("");
        if status >= 500 {
            tracing::error!(
                target: "cumulo::ec2::access",
                %method, path, action, status, ?latency, remote_addr, request_id,
                "request failed"
            );
        } else {
            tracing::info!(
                target: "cumulo::ec2::access",
                %method, path, action, status, ?latency, remote_addr, request_id,
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
    fn actions_are_logged_only_when_plain() {
        assert_eq!(
            loggable_action(Some("DescribeInstances")),
            "DescribeInstances"
        );
        assert_eq!(loggable_action(Some("Describe\nInjected")), "<invalid>");
        assert_eq!(loggable_action(Some(&"A".repeat(65))), "<invalid>");
        assert_eq!(loggable_action(None), "-");
    }

    #[test]
    fn errors_count_with_their_ec2_status() {
        let error: BoxError = Ec2Error::new(crate::ec2::ErrorCode::AuthFailure, "refused").into();
        assert_eq!(status_of(&Err(error)), 401);
        assert_eq!(status_of(&Err("boom".into())), 500);
    }
}
