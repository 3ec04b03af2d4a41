//! FaultWrapper: the outermost Compute API layer. Every error and every panic below it
//! becomes a fault in the format the request negotiated, and every response carries the
//! request id and, on `/v2.1`, the microversion it was answered at.
//!
//! As Nova's `FaultWrapper` and `wsgi.Fault` do: the fault is named by its status, a
//! 500 never shows what failed (it is logged), `overLimit` carries `retryAfter`, and a
//! fault raised by a handler is rendered once, as it is.

use std::panic::AssertUnwindSafe;
use std::task::Poll;

use async_trait::async_trait;
use http::header::{CONTENT_TYPE, HeaderValue, RETRY_AFTER, VARY};
use http::{HeaderMap, HeaderName, StatusCode};
use serde_json::{Map, Value};

use super::fault::Fault;
use super::negotiate::{API_VERSION_HEADER, LEGACY_API_VERSION_HEADER, Negotiation};
use super::request::Format;
use super::version::{ApiVersion, Endpoint};
use super::xml::{XMLNS_V10, XMLNS_V11, XmlElement};
use crate::core::{
    Application, Body, BodyLimitExceeded, BodyReadFailed, BoxError, Middleware, Request, RequestId,
    Response, RouteError,
};

/// The request id header of OpenStack services.
pub const OPENSTACK_REQUEST_ID: HeaderName = HeaderName::from_static("x-openstack-request-id");
/// The request id header novaclient reads.
pub const COMPUTE_REQUEST_ID: HeaderName = HeaderName::from_static("x-compute-request-id");

/// Turns errors and panics into Compute API faults, and gives every request an id.
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

/// The fault an error from inside the chain stands for; what is not a fault is logged
/// and hidden behind [`Fault::internal`].
pub(crate) fn to_fault(error: &BoxError) -> Fault {
    if let Some(fault) = error.downcast_ref::<Fault>() {
        return fault.clone();
    }
    if let Some(route) = error.downcast_ref::<RouteError>() {
        return match route {
            RouteError::NotFound => Fault::not_found("The resource could not be found."),
            RouteError::MethodNotAllowed { .. } => {
                Fault::bad_method("The method is not allowed for this resource.")
            }
        };
    }
    tracing::error!(
        target: "cumulo::openstack",
        %error,
        "unexpected error inside the Compute API chain"
    );
    Fault::internal()
}

/// The fault as a response in the negotiated format.
pub(crate) fn fault_response(fault: &Fault, negotiation: &Negotiation) -> Response {
    let mut response = if negotiation.media.format == Format::Xml {
        let mut element = XmlElement::new(fault.name())
            .attr("code", fault.status().as_u16().to_string())
            .text_child("message", fault.message());
        if let Some(details) = fault.details() {
            element = element.text_child("details", details);
        }
        if let Some(retry_after) = overlimit_retry(fault) {
            element = element.text_child("retryAfter", retry_after);
        }
        Response::new(Body::from(
            element.to_document(namespace(negotiation.endpoint)),
        ))
    } else {
        let mut fields = Map::new();
        fields.insert("code".into(), Value::from(fault.status().as_u16()));
        fields.insert("message".into(), Value::from(fault.message()));
        if let Some(details) = fault.details() {
            fields.insert("details".into(), Value::from(details));
        }
        if let Some(retry_after) = overlimit_retry(fault) {
            fields.insert("retryAfter".into(), Value::from(retry_after));
        }
        let mut document = Map::new();
        document.insert(fault.name().into(), Value::Object(fields));
        Response::new(Body::from(Value::Object(document).to_string()))
    };
    *response.status_mut() = fault.status();
    let headers = response.headers_mut();
    headers.insert(
        CONTENT_TYPE,
        HeaderValue::from_static(negotiation.media.content_type),
    );
    if let Some(retry_after) = fault.retry_after()
        && let Ok(value) = HeaderValue::from_str(retry_after)
    {
        headers.insert(RETRY_AFTER, value);
    }
    response
}

/// The `retryAfter` of a 413 or 429 fault.
fn overlimit_retry(fault: &Fault) -> Option<&str> {
    let limited = matches!(
        fault.status(),
        StatusCode::PAYLOAD_TOO_LARGE | StatusCode::TOO_MANY_REQUESTS
    );
    fault.retry_after().filter(|_| limited)
}

/// The XML namespace of an endpoint's documents: v1.0's on `/v1.0`, v1.1's elsewhere.
pub(crate) fn namespace(endpoint: Option<Endpoint>) -> &'static str {
    match endpoint {
        Some(Endpoint::V1_0) => XMLNS_V10,
        _ => XMLNS_V11,
    }
}

/// Adds the request id headers and, on `/v2.1`, the microversion's.
pub(crate) fn stamp(headers: &mut HeaderMap, request_id: &RequestId, version: Option<ApiVersion>) {
    if let Ok(value) = HeaderValue::from_str(request_id.as_str()) {
        headers.insert(OPENSTACK_REQUEST_ID, value.clone());
        headers.insert(COMPUTE_REQUEST_ID, value);
    }
    if let Some(version) = version {
        if let Ok(value) = HeaderValue::from_str(&format!("compute {version}")) {
            headers.insert(API_VERSION_HEADER, value);
        }
        if let Ok(value) = HeaderValue::from_str(&version.to_string()) {
            headers.insert(LEGACY_API_VERSION_HEADER, value);
        }
        headers.insert(
            VARY,
            HeaderValue::from_static("OpenStack-API-Version, X-OpenStack-Nova-API-Version"),
        );
    }
}

#[async_trait]
impl Middleware for FaultWrapper {
    async fn handle(
        &self,
        mut request: Request,
        next: &dyn Application,
    ) -> Result<Response, BoxError> {
        let request_id = RequestId::generate();
        request.extensions_mut().insert(request_id.clone());
        let negotiation = Negotiation::of(&request);
        request.extensions_mut().insert(negotiation.clone());
        let echoed = negotiation.echoed_version();

        let early = if let Some(failed) = request.extensions().get::<BodyReadFailed>() {
            Some(match failed {
                BodyReadFailed::TimedOut => Fault::new(
                    StatusCode::REQUEST_TIMEOUT,
                    "The request body was not received in time.",
                ),
                BodyReadFailed::Malformed => {
                    Fault::bad_request("The request body is malformed or incomplete.")
                }
            })
        } else {
            request
                .extensions()
                .get::<BodyLimitExceeded>()
                .map(|_| Fault::over_limit("Request is too large."))
        };
        if let Some(fault) = early {
            let mut response = fault_response(&fault, &negotiation);
            stamp(response.headers_mut(), &request_id, echoed);
            return Ok(response);
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

        let mut response = match outcome {
            Some(Ok(response)) => response,
            Some(Err(error)) => fault_response(&to_fault(&error), &negotiation),
            None => {
                tracing::error!(
                    target: "cumulo::openstack",
                    request_id = %request_id,
                    "panic inside the Compute API chain"
                );
                fault_response(&Fault::internal(), &negotiation)
            }
        };
        stamp(response.headers_mut(), &request_id, echoed);
        Ok(response)
    }
}

#[cfg(test)]
mod tests {
    //! Nova's `test_faults.py`, and what the wrapper adds to it.

    use super::*;
    use crate::core::{Pipeline, from_fn};
    use serde_json::json;

    fn body_text(response: &Response) -> String {
        String::from_utf8(response.body().as_bytes().to_vec()).unwrap()
    }

    fn body_json(response: &Response) -> Value {
        serde_json::from_slice(response.body().as_bytes()).unwrap()
    }

    fn request(path: &str, accept: Option<&str>) -> Request {
        let mut builder = http::Request::builder().uri(path);
        if let Some(accept) = accept {
            builder = builder.header("accept", accept);
        }
        builder.body(Body::empty()).unwrap()
    }

    async fn raising(fault: Fault, request: Request) -> Response {
        Pipeline::new()
            .with(FaultWrapper::new())
            .app(from_fn(move |_| {
                let fault = fault.clone();
                async move { Err(fault.into()) }
            }))
            .call(request)
            .await
            .unwrap()
    }

    #[tokio::test]
    async fn a_400_fault_is_json_by_suffix_and_by_accept() {
        for request in [
            request("/v1.1/servers.json", Some("application/xml")),
            request("/v1.1/servers", Some("application/json")),
        ] {
            let response = raising(Fault::bad_request("scram"), request).await;
            assert_eq!(response.status(), 400);
            assert_eq!(response.headers()[CONTENT_TYPE], "application/json");
            assert_eq!(
                body_json(&response),
                json!({"badRequest": {"message": "scram", "code": 400}})
            );
        }
    }

    #[tokio::test]
    async fn a_413_fault_carries_retry_after_in_body_and_header() {
        let fault = Fault::over_limit("sorry").with_retry_after("4");
        let response = raising(fault, request("/v2.1/servers", None)).await;
        assert_eq!(response.status(), 413);
        assert_eq!(response.headers()[RETRY_AFTER], "4");
        assert_eq!(
            body_json(&response),
            json!({"overLimit": {"message": "sorry", "code": 413, "retryAfter": "4"}})
        );
    }

    #[tokio::test]
    async fn a_429_fault_is_over_limit_too() {
        let fault = Fault::new(StatusCode::TOO_MANY_REQUESTS, "slow down").with_retry_after("7");
        let response = raising(fault, request("/v2.1/servers", None)).await;
        assert_eq!(response.status(), 429);
        assert_eq!(
            body_json(&response),
            json!({"overLimit": {"message": "slow down", "code": 429, "retryAfter": "7"}})
        );
    }

    #[tokio::test]
    async fn the_fault_keeps_its_status_and_details() {
        let fault = Fault::conflict("busy").with_details("resizing");
        let response = raising(fault, request("/v2/servers", None)).await;
        assert_eq!(response.status(), 409);
        assert_eq!(
            body_json(&response),
            json!({"conflictingRequest": {"message": "busy", "code": 409, "details": "resizing"}})
        );
    }

    #[tokio::test]
    async fn a_403_is_forbidden() {
        let response = raising(Fault::forbidden("no"), request("/v1.1/x", None)).await;
        let text = body_text(&response);
        assert!(text.contains("\"forbidden\""), "{text}");
        assert!(!text.contains("resizeNotAllowed"));
    }

    #[tokio::test]
    async fn a_raised_fault_is_rendered_once_as_xml_by_suffix() {
        let response = raising(
            Fault::not_found("whut?"),
            request("/v1.1/servers/1.xml", None),
        )
        .await;
        assert_eq!(response.status(), 404);
        assert_eq!(response.headers()[CONTENT_TYPE], "application/xml");
        assert_eq!(
            body_text(&response),
            "<?xml version='1.0' encoding='UTF-8'?>\n<itemNotFound \
             xmlns=\"http://docs.openstack.org/compute/api/v1.1\" code=\"404\">\
             <message>whut?</message></itemNotFound>"
        );
    }

    #[tokio::test]
    async fn xml_faults_carry_the_endpoint_namespace() {
        let v11 = raising(
            Fault::bad_request("scram"),
            request("/v1.1", Some("application/xml")),
        )
        .await;
        assert_eq!(
            body_text(&v11),
            "<?xml version='1.0' encoding='UTF-8'?>\n<badRequest \
             xmlns=\"http://docs.openstack.org/compute/api/v1.1\" code=\"400\">\
             <message>scram</message></badRequest>"
        );
        let v10 = raising(
            Fault::over_limit("sorry").with_retry_after("4"),
            request("/v1.0/servers.xml", None),
        )
        .await;
        assert_eq!(
            body_text(&v10),
            "<?xml version='1.0' encoding='UTF-8'?>\n<overLimit \
             xmlns=\"http://docs.rackspacecloud.com/servers/api/v1.0\" code=\"413\">\
             <message>sorry</message><retryAfter>4</retryAfter></overLimit>"
        );
        let missing = raising(Fault::not_found("gone"), request("/v1.1/x.xml", None)).await;
        assert_eq!(
            body_text(&missing),
            "<?xml version='1.0' encoding='UTF-8'?>\n<itemNotFound \
             xmlns=\"http://docs.openstack.org/compute/api/v1.1\" code=\"404\">\
             <message>gone</message></itemNotFound>"
        );
    }

    #[tokio::test]
    async fn a_vendor_xml_accept_gets_an_xml_fault_of_that_type() {
        let accept = "application/vnd.openstack.compute+xml";
        let response = raising(
            Fault::bad_request("scram"),
            request("/v1.1/x", Some(accept)),
        )
        .await;
        assert_eq!(response.headers()[CONTENT_TYPE], accept);
        assert!(body_text(&response).contains("<badRequest "));
    }

    #[tokio::test]
    async fn a_panic_is_a_500_compute_fault_that_hides_its_text() {
        let app = Pipeline::new()
            .with(FaultWrapper::new())
            .app(from_fn(|_| async {
                panic!("database password is hunter2")
            }));
        let response = app.call(request("/v2.1/servers", None)).await.unwrap();
        assert_eq!(response.status(), 500);
        let text = body_text(&response);
        assert!(text.starts_with("{\"computeFault\":"), "{text}");
        assert!(!text.contains("hunter2"));
        let errored = Pipeline::new()
            .with(FaultWrapper::new())
            .app(from_fn(|_| async { Err("disk on fire".into()) }));
        let response = errored.call(request("/v1.1/x.xml", None)).await.unwrap();
        assert_eq!(response.status(), 500);
        assert!(body_text(&response).contains("<computeFault "));
        assert!(!body_text(&response).contains("disk on fire"));
    }

    #[tokio::test]
    async fn bodiless_answers_carry_the_request_id_twice() {
        let app =
            Pipeline::new()
                .with(FaultWrapper::new())
                .app(from_fn(|request: Request| async move {
                    let id = request.extensions().get::<RequestId>().unwrap().clone();
                    let mut response = Response::new(Body::empty());
                    *response.status_mut() = StatusCode::NO_CONTENT;
                    response
                        .headers_mut()
                        .insert("x-seen", id.as_str().parse().unwrap());
                    Ok(response)
                }));
        let response = app.call(request("/v2/servers/1", None)).await.unwrap();
        assert_eq!(response.status(), 204);
        let seen = response.headers()["x-seen"].clone();
        assert!(seen.to_str().unwrap().starts_with("req-"));
        assert_eq!(response.headers()[OPENSTACK_REQUEST_ID], seen);
        assert_eq!(response.headers()[COMPUTE_REQUEST_ID], seen);
    }

    #[tokio::test]
    async fn an_over_cap_body_is_413_over_limit() {
        let app = Pipeline::new()
            .with(FaultWrapper::new())
            .app(from_fn(|_| async { panic!("must not run") }));
        let mut request = request("/v2.1/servers", None);
        request
            .extensions_mut()
            .insert(BodyLimitExceeded { limit: 1024 });
        let response = app.call(request).await.unwrap();
        assert_eq!(response.status(), 413);
        assert_eq!(
            body_json(&response),
            json!({"overLimit": {"message": "Request is too large.", "code": 413}})
        );
    }
}
