//! Requestify: the request's parameters become an [`Ec2Request`]: the action, the API
//! version, and the dotted-key argument tree without the authentication parameters.

use std::sync::Arc;

use async_trait::async_trait;

use super::args::Args;
use super::controller::Action;
use super::error::{Ec2Error, ErrorCode};
use super::params::Params;
use crate::core::{Application, BoxError, Middleware, Request, Response};

/// A parsed EC2 request, carried in the request's extensions.
#[derive(Clone, Debug, PartialEq)]
pub struct Ec2Request {
    /// The action to run.
    pub action: Action,
    /// The API version the client speaks, such as `2016-11-15`; it names the response
    /// namespace.
    pub version: String,
    /// The arguments, without `Action`, `Version` and the signature parameters.
    pub args: Args,
}

/// Parameters that belong to authentication, not to the action.
const AUTH_PARAMETERS: &[&str] = &[
    "Action",
    "Version",
    "AWSAccessKeyId",
    "Signature",
    "SignatureMethod",
    "SignatureVersion",
    "Timestamp",
    "Expires",
    "SecurityToken",
];

fn is_auth_parameter(name: &str) -> bool {
    AUTH_PARAMETERS.contains(&name) || name.starts_with("X-Amz-")
}

/// Builds an [`Ec2Request`] from the parameters.
///
/// `Action` and `Version` are required (`MissingAction`, `MissingParameter`); an action
/// cumulo does not know is `InvalidAction`.
pub fn parse(params: &Params) -> Result<Ec2Request, Ec2Error> {
    let action_name = params
        .get("Action")
        .filter(|name| !name.is_empty())
        .ok_or_else(|| {
            Ec2Error::new(
                ErrorCode::MissingAction,
                "The request must contain the parameter Action",
            )
        })?;
    let action = Action::from_name(action_name).ok_or_else(|| {
        let shown: String = action_name.chars().take(128).collect();
        Ec2Error::new(
            ErrorCode::InvalidAction,
            format!("The action {shown} is not valid for this web service."),
        )
    })?;
    let version = params
        .get("Version")
        .filter(|version| !version.is_empty())
        .ok_or_else(|| Ec2Error::missing_parameter("Version"))?;
    if !is_api_version(version) {
        return Err(Ec2Error::new(
            ErrorCode::InvalidParameterValue,
            "Value for parameter Version is invalid: it must be a date such as 2016-11-15.",
        ));
    }
    for (name, _) in &params.0 {
        if !is_auth_parameter(name) {
            super::args::check_key(name)?;
        }
    }
    let args = Args::from_pairs(
        params
            .0
            .iter()
            .filter(|(name, _)| !is_auth_parameter(name))
            .map(|(name, value)| (name.as_str(), value.as_str())),
    );
    Ok(Ec2Request {
        action,
        version: version.to_owned(),
        args,
    })
}

/// Whether `version` looks like an EC2 API version: `YYYY-MM-DD`.
fn is_api_version(version: &str) -> bool {
    let bytes = version.as_bytes();
    bytes.len() == 10
        && bytes.iter().enumerate().all(|(index, byte)| match index {
            4 | 7 => *byte == b'-',
            _ => byte.is_ascii_digit(),
        })
}

/// The Requestify middleware.
#[derive(Clone, Copy, Debug, Default)]
pub struct Requestify {
    _private: (),
}

impl Requestify {
    /// A new Requestify.
    pub fn new() -> Self {
        Requestify::default()
    }
}

#[async_trait]
impl Middleware for Requestify {
    async fn handle(
        &self,
        mut request: Request,
        next: &dyn Application,
    ) -> Result<Response, BoxError> {
        // The Query API is GET and POST only.
        if !matches!(*request.method(), http::Method::GET | http::Method::POST) {
            return Err(Ec2Error::new(
                ErrorCode::InvalidRequest,
                format!("The HTTP method {} is not supported.", request.method()),
            )
            .into());
        }
        let params = Params::of(&mut request);
        let ec2_request = parse(&params)?;
        request.extensions_mut().insert(Arc::new(ec2_request));
        next.call(request).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(pairs: &[(&str, &str)]) -> Params {
        Params(
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        )
    }

    #[test]
    fn strips_authentication_parameters() {
        let request = parse(&params(&[
            ("Action", "DescribeInstances"),
            ("Version", "2016-11-15"),
            ("AWSAccessKeyId", "AKID"),
            ("Signature", "sig"),
            ("SignatureVersion", "2"),
            ("SignatureMethod", "HmacSHA256"),
            ("Timestamp", "2026-01-01T00:00:00Z"),
            ("X-Amz-Date", "20260101T000000Z"),
            ("InstanceId.1", "i-12345678"),
        ]))
        .unwrap();
        assert_eq!(request.action, Action::DescribeInstances);
        assert_eq!(request.version, "2016-11-15");
        assert_eq!(request.args.keys(), ["InstanceId.1"]);
    }

    #[test]
    fn authentication_parameters_are_never_unknown() {
        let request = parse(&params(&[
            ("Action", "DescribeRegions"),
            ("Version", "2016-11-15"),
            ("AWSAccessKeyId", "AKID"),
            ("Signature", "sig"),
            ("SignatureVersion", "2"),
            ("SignatureMethod", "HmacSHA256"),
            ("Timestamp", "2026-01-01T00:00:00Z"),
            ("Expires", "2026-01-01T00:15:00Z"),
            ("SecurityToken", "token"),
            ("X-Amz-Algorithm", "AWS4-HMAC-SHA256"),
            (
                "X-Amz-Credential",
                "AKID/20260101/us-east-1/ec2/aws4_request",
            ),
            ("X-Amz-Date", "20260101T000000Z"),
            ("X-Amz-Expires", "300"),
            ("X-Amz-SignedHeaders", "host"),
            ("X-Amz-Security-Token", "token"),
            ("X-Amz-Signature", "sig"),
        ]))
        .unwrap();
        assert!(request.args.check_all_read().is_ok());
    }

    #[test]
    fn a_name_that_cannot_be_a_parameter_is_unknown_before_any_input_is_read() {
        for key in ["", "Filter..Name", ".InstanceId"] {
            let error = parse(&params(&[
                ("Action", "DescribeRegions"),
                ("Version", "2016-11-15"),
                (key, "x"),
            ]))
            .unwrap_err();
            assert_eq!(error.code(), ErrorCode::UnknownParameter);
            assert_eq!(
                error.message(),
                format!("The parameter {key} is not recognized")
            );
        }
    }

    #[test]
    fn unknown_action_is_invalid_action() {
        let error = parse(&params(&[("Action", "FooBar"), ("Version", "2016-11-15")])).unwrap_err();
        assert_eq!(error.code(), ErrorCode::InvalidAction);
        assert_eq!(
            error.message(),
            "The action FooBar is not valid for this web service."
        );
    }

    #[test]
    fn action_and_version_are_required() {
        let no_action = parse(&params(&[("Version", "2016-11-15")])).unwrap_err();
        assert_eq!(no_action.code(), ErrorCode::MissingAction);
        let no_version = parse(&params(&[("Action", "DescribeRegions")])).unwrap_err();
        assert_eq!(no_version.code(), ErrorCode::MissingParameter);
        assert_eq!(
            no_version.message(),
            "The request must contain the parameter Version"
        );
        let bad_version = parse(&params(&[
            ("Action", "DescribeRegions"),
            ("Version", "\"/><x"),
        ]))
        .unwrap_err();
        assert_eq!(bad_version.code(), ErrorCode::InvalidParameterValue);
    }
}
