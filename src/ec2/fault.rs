//! FaultWrapper: the outermost EC2 layer. Every error and every panic below it becomes
//! EC2 error XML with a `RequestID`; nothing else ever reaches the client.
//!
//! Nova answered some middleware failures with webob's HTML pages; this wrapper never
//! does. Statuses follow AWS (see [`ErrorCode::status`]).

use std::panic::AssertUnwindSafe;
use std::task::Poll;

use async_trait::async_trait;
use http::header::{CONTENT_TYPE, HeaderValue};

use super::auth::AuthRejected;
use super::error::{Ec2Error, ErrorCode};
use crate::core::{
    Application, Body, BodyLimitExceeded, BodyReadFailed, BoxError, Middleware, Request, RequestId,
    Response, RouteError,
};

/// Turns errors and panics into EC2 error responses, and gives every request an id.
#[derive(Clone, Copy, Debug, Default)]
pub struct FaultWrapper {
    _private: (),
}

impl FaultWrapper {
    /// A new fault wrapper.
    pub fn new() -> Self {
        FaultWrapper::default()
    }
}

/// The EC2 error an error from inside the chain stands for.
pub(crate) fn to_ec2_error(error: &BoxError) -> Ec2Error {
    if let Some(ec2) = error.downcast_ref::<Ec2Error>() {
        return ec2.clone();
    }
    if let Some(rejected) = error.downcast_ref::<AuthRejected>() {
        return rejected.error.clone();
    }
    if let Some(route) = error.downcast_ref::<RouteError>() {
        return match route {
            RouteError::NotFound => Ec2Error::new(
                ErrorCode::InvalidRequest,
                "The requested resource was not found.",
            ),
            RouteError::MethodNotAllowed { .. } => Ec2Error::new(
                ErrorCode::InvalidRequest,
                "The HTTP method is not supported.",
            ),
        };
    }
    tracing::error!(target: "cumulo::ec2", %error, "unexpected error inside the EC2 chain");
    Ec2Error::internal()
}

/// An EC2 error response.
pub fn error_response(error: &Ec2Error, request_id: &RequestId) -> Response {
    let mut response = Response::new(Body::from(error.to_xml(request_id.uuid())));
    *response.status_mut() = error.status();
    let headers = response.headers_mut();
    headers.insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/xml;charset=UTF-8"),
    );
    if let Ok(value) = HeaderValue::from_str(request_id.uuid()) {
        headers.insert(REQUEST_ID_HEADER, value);
    }
    response
}

/// The header AWS names the request id in.
const REQUEST_ID_HEADER: http::HeaderName = http::HeaderName::from_static("x-amzn-requestid");

#[async_trait]
impl Middleware for FaultWrapper {
    async fn handle(
        &self,
        mut request: Request,
        next: &dyn Application,
    ) -> Result<Response, BoxError> {
        let request_id = RequestId::generate();
        request.extensions_mut().insert(request_id.clone());

        if let Some(failed) = request.extensions().get::<BodyReadFailed>() {
            let error = match failed {
                BodyReadFailed::TimedOut => Ec2Error::new(
                    ErrorCode::RequestTimeout,
                    "The request body was not received in time.",
                ),
                BodyReadFailed::Malformed => Ec2Error::new(
                    ErrorCode::InvalidRequest,
                    "The request body is malformed or incomplete.",
                ),
            };
            let mut response = error_response(&error, &request_id);
            let close = HeaderValue::from_static("close");
            response
                .headers_mut()
                .insert(http::header::CONNECTION, close);
            return Ok(response);
        }
        if let Some(exceeded) = request.extensions().get::<BodyLimitExceeded>() {
            let error = Ec2Error::new(
                ErrorCode::RequestEntityTooLarge,
                format!(
                    "The request body exceeds the limit of {} bytes.",
                    exceeded.limit
                ),
            );
            return Ok(error_response(&error, &request_id));
        }

        let mut call = next.call(request);
        let outcome = std::future::poll_fn(|cx| {
            match std::panic::catch_unwind(AssertUnwindSafe(|| call.as_mut().poll(cx))) {
                Ok(Poll::Ready(result)) => Poll::Ready(Some(result)),
                Ok(Poll::Pending) => Poll::Pending,
                Err(_panic) => Poll::Ready(None),
            }
        })
        .await;

        match outcome {
            Some(Ok(mut response)) => {
                if let Ok(value) = HeaderValue::from_str(request_id.uuid()) {
                    response
                        .headers_mut()
                        .entry(REQUEST_ID_HEADER)
                        .or_insert(value);
                }
                Ok(response)
            }
            Some(Err(error)) => Ok(error_response(&to_ec2_error(&error), &request_id)),
            None => {
                tracing::error!(
                    target: "cumulo::ec2",
                    request_id = %request_id,
                    "panic inside the EC2 chain"
                );
                Ok(error_response(&Ec2Error::internal(), &request_id))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::{Pipeline, from_fn};

    fn body_text(response: &Response) -> String {
        String::from_utf8(response.body().as_bytes().to_vec()).unwrap()
    }

    async fn answer(app: impl Application, request: Request) -> Response {
        Pipeline::new()
            .with(FaultWrapper::new())
            .app(app)
            .call(request)
            .await
            .unwrap()
    }

    #[tokio::test]
    async fn ec2_errors_become_error_xml_with_their_status() {
        let app = from_fn(|_| async {
            Err(Ec2Error::new(
                ErrorCode::InvalidInstanceIdNotFound,
                "The instance ID 'i-1' does not exist",
            )
            .into())
        });
        let response = answer(app, Request::new(Body::empty())).await;
        assert_eq!(response.status(), 400);
        assert_eq!(response.headers()[CONTENT_TYPE], "text/xml;charset=UTF-8");
        let request_id = response.headers()["x-amzn-requestid"]
            .to_str()
            .unwrap()
            .to_owned();
        assert_eq!(
            body_text(&response),
            format!(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response><Errors><Error>\
                 <Code>InvalidInstanceID.NotFound</Code><Message>The instance ID 'i-1' does not \
                 exist</Message></Error></Errors><RequestID>{request_id}</RequestID></Response>"
            )
        );
    }

    #[tokio::test]
    async fn panics_become_internal_error_without_details() {
        let app = from_fn(|_| async { panic!("database password is hunter2") });
        let response = answer(app, Request::new(Body::empty())).await;
        assert_eq!(response.status(), 500);
        let text = body_text(&response);
        assert!(text.contains("<Code>InternalError</Code>"), "{text}");
        assert!(!text.contains("hunter2"));
    }

    #[tokio::test]
    async fn unknown_errors_become_internal_error() {
        let app = from_fn(|_| async { Err("disk on fire".into()) });
        let response = answer(app, Request::new(Body::empty())).await;
        assert_eq!(response.status(), 500);
        assert!(!body_text(&response).contains("disk on fire"));
    }

    #[tokio::test]
    async fn an_over_cap_body_is_413_before_the_chain_runs() {
        let app = from_fn(|_| async { panic!("must not run") });
        let mut request = Request::new(Body::empty());
        request
            .extensions_mut()
            .insert(BodyLimitExceeded { limit: 1024 });
        let response = answer(app, request).await;
        assert_eq!(response.status(), 413);
        assert!(body_text(&response).contains("<Code>RequestEntityTooLarge</Code>"));
    }
}
