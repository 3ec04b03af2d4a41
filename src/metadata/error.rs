//! The metadata service's refusals, each with its HTTP status and plain-text body.

use std::fmt;

use http::StatusCode;

use crate::core::{Body, Response};

/// Why the metadata service refused a request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MetadataError {
    /// 404: the path is not in the tree, or no instance matches the caller.
    NotFound,
    /// 405: the path does not take this method.
    MethodNotAllowed,
    /// 400: a signed-request header is missing.
    MissingHeader(&'static str),
    /// 400: a signed-request header appears more than once or is not text.
    MalformedHeader(&'static str),
    /// 400: signed requests came in, but no shared secret is configured.
    SignedRequestsDisabled,
    /// 400: `X-Forwarded-For` is trusted but does not end in an IP address.
    BadForwardedFor,
    /// 400: the token TTL header is missing or outside 1–21600.
    BadTokenTtl,
    /// 400: a posted password is longer than the service keeps.
    PasswordTooLong,
    /// 400: a posted password is not UTF-8 text.
    PasswordNotText,
    /// 401: the token is missing where required, invalid, expired or another instance's.
    Unauthorized,
    /// 403: the `X-Instance-ID-Signature` does not match.
    BadSignature,
    /// 403: a token request came through a proxy (`X-Forwarded-For`).
    ForwardedTokenRequest,
    /// 400: the body was malformed or cut off.
    BodyMalformed,
    /// 408: the body did not arrive in time.
    BodyTimedOut,
    /// 409: the instance already has a password.
    PasswordAlreadySet,
    /// 413: the body went past the adapter's cap.
    BodyTooLarge,
    /// 500: the provider failed.
    ProviderFailed,
    /// 501: the provider keeps no passwords.
    PasswordUnsupported,
}

impl MetadataError {
    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        use MetadataError::*;
        match self {
            NotFound => StatusCode::NOT_FOUND,
            MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            MissingHeader(_)
            | MalformedHeader(_)
            | SignedRequestsDisabled
            | BadForwardedFor
            | BadTokenTtl
            | PasswordTooLong
            | PasswordNotText => StatusCode::BAD_REQUEST,
            Unauthorized => StatusCode::UNAUTHORIZED,
            BadSignature | ForwardedTokenRequest => StatusCode::FORBIDDEN,
            BodyMalformed => StatusCode::BAD_REQUEST,
            BodyTimedOut => StatusCode::REQUEST_TIMEOUT,
            PasswordAlreadySet => StatusCode::CONFLICT,
            BodyTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            ProviderFailed => StatusCode::INTERNAL_SERVER_ERROR,
            PasswordUnsupported => StatusCode::NOT_IMPLEMENTED,
        }
    }

    /// The response: the message as `text/plain`.
    pub fn to_response(&self) -> Response {
        let mut response = Response::new(Body::from(self.to_string()));
        *response.status_mut() = self.status();
        response.headers_mut().insert(
            http::header::CONTENT_TYPE,
            http::HeaderValue::from_static("text/plain"),
        );
        response
    }
}

impl fmt::Display for MetadataError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use MetadataError::*;
        match self {
            NotFound => f.write_str("Not Found"),
            MethodNotAllowed => f.write_str("Method Not Allowed"),
            MissingHeader(name) => write!(f, "The request has no {name} header."),
            MalformedHeader(name) => write!(f, "The request needs exactly one text {name} header."),
            SignedRequestsDisabled => {
                f.write_str("Signed instance headers are not accepted: no shared secret is set.")
            }
            BadForwardedFor => f.write_str("X-Forwarded-For does not end in an IP address."),
            BadTokenTtl => f.write_str(
                "X-aws-ec2-metadata-token-ttl-seconds must be a whole number from 1 to 21600.",
            ),
            PasswordTooLong => write!(
                f,
                "The password is longer than {} bytes.",
                super::openstack::PASSWORD_MAX_BYTES
            ),
            PasswordNotText => f.write_str("The password is not UTF-8 text."),
            Unauthorized => f.write_str("Unauthorized"),
            BadSignature => f.write_str("The X-Instance-ID-Signature does not match."),
            ForwardedTokenRequest => f.write_str("Token requests may not pass through a proxy."),
            BodyMalformed => f.write_str("The request body is malformed or incomplete."),
            BodyTimedOut => f.write_str("The request body was not received in time."),
            PasswordAlreadySet => f.write_str("The instance already has a password."),
            BodyTooLarge => f.write_str("The request body is too large."),
            ProviderFailed => f.write_str("The instance could not be looked up; try again."),
            PasswordUnsupported => f.write_str("This cloud keeps no instance passwords."),
        }
    }
}

impl std::error::Error for MetadataError {}
