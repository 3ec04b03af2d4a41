//! The Compute API's fault: an HTTP status, a message and, for `overLimit`, when to
//! retry; named by status as Nova's `status_to_type` names it.
//!
//! Renders as JSON, `{"itemNotFound": {"code": 404, "message": "..."}}`, or, on the XML
//! routes of `/v1.0` and `/v1.1`, as
//! `<itemNotFound code="404" xmlns="..."><message>...</message></itemNotFound>`.

use std::fmt;

use http::StatusCode;

/// A fault a handler or controller answers with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fault {
    status: StatusCode,
    message: String,
    details: Option<String>,
    retry_after: Option<String>,
}

impl Fault {
    /// A fault with `status` and `message`.
    pub fn new(status: StatusCode, message: impl Into<String>) -> Self {
        Fault {
            status,
            message: message.into(),
            details: None,
            retry_after: None,
        }
    }

    /// 400 `badRequest`.
    pub fn bad_request(message: impl Into<String>) -> Self {
        Fault::new(StatusCode::BAD_REQUEST, message)
    }

    /// 401 `unauthorized`.
    pub fn unauthorized(message: impl Into<String>) -> Self {
        Fault::new(StatusCode::UNAUTHORIZED, message)
    }

    /// 403 `forbidden` (also what Nova answers for an exceeded quota).
    pub fn forbidden(message: impl Into<String>) -> Self {
        Fault::new(StatusCode::FORBIDDEN, message)
    }

    /// 404 `itemNotFound`.
    pub fn not_found(message: impl Into<String>) -> Self {
        Fault::new(StatusCode::NOT_FOUND, message)
    }

    /// 405 `badMethod`.
    pub fn bad_method(message: impl Into<String>) -> Self {
        Fault::new(StatusCode::METHOD_NOT_ALLOWED, message)
    }

    /// 409 `conflictingRequest`: an action in the wrong state, a name already taken.
    pub fn conflict(message: impl Into<String>) -> Self {
        Fault::new(StatusCode::CONFLICT, message)
    }

    /// 413 `overLimit`.
    pub fn over_limit(message: impl Into<String>) -> Self {
        Fault::new(StatusCode::PAYLOAD_TOO_LARGE, message)
    }

    /// 415 `badMediaType`.
    pub fn bad_media_type(message: impl Into<String>) -> Self {
        Fault::new(StatusCode::UNSUPPORTED_MEDIA_TYPE, message)
    }

    /// 500 `computeFault`, with Nova's generic message: what failed is logged, never
    /// shown.
    pub fn internal() -> Self {
        Fault::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Unexpected API Error. Please report this at http://bugs.launchpad.net/nova/ \
             and attach the Nova API log if possible.",
        )
    }

    /// 501 `notImplemented`: what a [`ComputeController`](super::ComputeController)
    /// method answers unless the host implements it.
    pub fn not_implemented(what: &str) -> Self {
        Fault::new(
            StatusCode::NOT_IMPLEMENTED,
            format!("{what} is not implemented by this cloud."),
        )
    }

    /// 503 `serviceUnavailable`.
    pub fn unavailable(message: impl Into<String>) -> Self {
        Fault::new(StatusCode::SERVICE_UNAVAILABLE, message)
    }

    /// Adds `details`.
    pub fn with_details(mut self, details: impl Into<String>) -> Self {
        self.details = Some(details.into());
        self
    }

    /// Adds the `Retry-After` value an `overLimit` fault shows as `retryAfter`.
    pub fn with_retry_after(mut self, retry_after: impl Into<String>) -> Self {
        self.retry_after = Some(retry_after.into());
        self
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The message.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The details, when set.
    pub fn details(&self) -> Option<&str> {
        self.details.as_deref()
    }

    /// The `Retry-After` value, when set.
    pub fn retry_after(&self) -> Option<&str> {
        self.retry_after.as_deref()
    }

    /// The fault's name: Nova's `status_to_type`.
    pub fn name(&self) -> &'static str {
        status_to_type(self.status)
    }
}

impl fmt::Display for Fault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} ({}): {}",
            self.name(),
            self.status.as_u16(),
            self.message
        )
    }
}

impl std::error::Error for Fault {}

/// The name of the fault for `status`, as Nova's `status_to_type` gives it.
pub fn status_to_type(status: StatusCode) -> &'static str {
    match status.as_u16() {
        400 => "badRequest",
        401 => "unauthorized",
        403 => "forbidden",
        404 => "itemNotFound",
        405 => "badMethod",
        409 => "conflictingRequest",
        413 | 429 => "overLimit",
        415 => "badMediaType",
        501 => "notImplemented",
        503 => "serviceUnavailable",
        _ => "computeFault",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_name_their_faults_as_nova_does() {
        let names: Vec<(u16, &str)> = [
            400, 401, 403, 404, 405, 409, 413, 415, 429, 500, 501, 503, 418,
        ]
        .into_iter()
        .map(|code| (code, status_to_type(StatusCode::from_u16(code).unwrap())))
        .collect();
        assert_eq!(
            names,
            [
                (400, "badRequest"),
                (401, "unauthorized"),
                (403, "forbidden"),
                (404, "itemNotFound"),
                (405, "badMethod"),
                (409, "conflictingRequest"),
                (413, "overLimit"),
                (415, "badMediaType"),
                (429, "overLimit"),
                (500, "computeFault"),
                (501, "notImplemented"),
                (503, "serviceUnavailable"),
                (418, "computeFault"),
            ]
        );
    }

    #[test]
    fn a_fault_keeps_its_status() {
        let fault = Fault::bad_request("scram");
        assert_eq!(fault.status(), StatusCode::BAD_REQUEST);
        assert_eq!(fault.name(), "badRequest");
        assert_eq!(fault.message(), "scram");
    }
}
