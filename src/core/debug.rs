//! A middleware that dumps each request and response for troubleshooting (Nova's
//! `wsgi.Debug`), with credentials and secrets redacted.

use async_trait::async_trait;

use super::redact::{REDACTED, is_sensitive_header, redact_query};
use super::{Application, BoxError, Middleware, Request, Response};

/// Logs every request and response at `DEBUG` under the `cumulo::debug` target: method,
/// path, redacted query, headers (sensitive ones redacted) and body sizes. Bodies
/// themselves are never logged, since they may carry secrets.
#[derive(Clone, Copy, Debug, Default)]
pub struct Debug {
    _private: (),
}

impl Debug {
    /// A new debug middleware.
    pub fn new() -> Self {
        Debug::default()
    }
}

fn header_lines(headers: &http::HeaderMap) -> String {
    let mut lines = String::new();
    for (name, value) in headers {
        let shown = if is_sensitive_header(name.as_str()) {
            REDACTED
        } else {
            value.to_str().unwrap_or("<binary>")
        };
        lines.push_str(name.as_str());
        lines.push_str(": ");
        lines.push_str(shown);
        lines.push('\n');
    }
    lines
}

#[async_trait]
impl Middleware for Debug {
    async fn handle(&self, request: Request, next: &dyn Application) -> Result<Response, BoxError> {
        tracing::debug!(
            target: "cumulo::debug",
            method = %request.method(),
            path = request.uri().path(),
            query = %redact_query(request.uri().query().unwrap_or("")),
            headers = %header_lines(request.headers()),
            body_bytes = request.body().len(),
            "request"
        );
        let result = next.call(request).await;
        match &result {
            Ok(response) => tracing::debug!(
                target: "cumulo::debug",
                status = response.status().as_u16(),
                headers = %header_lines(response.headers()),
                body_bytes = response.body().len(),
                "response"
            ),
            Err(error) => tracing::debug!(target: "cumulo::debug", %error, "error"),
        }
        result
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::{Body, Pipeline, from_fn};

    #[tokio::test]
    async fn passes_requests_and_responses_through_unchanged() {
        let app = Pipeline::new()
            .with(Debug::new())
            .app(from_fn(|request: Request| async move {
                Ok(Response::new(format!("{}", request.uri()).into()))
            }));
        let request = http::Request::builder()
            .uri("/services/Cloud?Action=DescribeRegions")
            .header("authorization", "AWS4-HMAC-SHA256 secret")
            .body(Body::empty())
            .unwrap();
        let response = app.call(request).await.unwrap();
        assert_eq!(
            response.body().as_bytes(),
            b"/services/Cloud?Action=DescribeRegions"
        );
    }

    #[test]
    fn header_dump_redacts_authorization() {
        let mut headers = http::HeaderMap::new();
        headers.insert(
            "authorization",
            "AWS4-HMAC-SHA256 Signature=abc".parse().unwrap(),
        );
        headers.insert("host", "ec2.example".parse().unwrap());
        assert_eq!(
            header_lines(&headers),
            "authorization: <redacted>\nhost: ec2.example\n"
        );
    }
}
