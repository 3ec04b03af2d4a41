//! What never reaches a log: credentials, signatures, tokens and secrets.

/// Header names whose values are never logged.
pub const SENSITIVE_HEADERS: &[&str] = &[
    "authorization",
    "x-amz-security-token",
    "x-amz-content-sha256",
    "x-auth-token",
    "x-subject-token",
    "x-aws-ec2-metadata-token",
    "x-instance-id-signature",
    "x-metadata-provider-signature",
    "cookie",
    "set-cookie",
    "proxy-authorization",
];

/// Query and form parameter names (compared without case) whose values are never logged.
pub const SENSITIVE_PARAMS: &[&str] = &[
    "signature",
    "x-amz-signature",
    "x-amz-security-token",
    "x-amz-credential",
    "securitytoken",
    "userdata",
    "publickeymaterial",
    "password",
    "adminpass",
    "secretaccesskey",
];

/// The text logged in place of a redacted value.
pub const REDACTED: &str = "<redacted>";

/// Whether a header's value must stay out of logs.
pub fn is_sensitive_header(name: &str) -> bool {
    SENSITIVE_HEADERS
        .iter()
        .any(|sensitive| name.eq_ignore_ascii_case(sensitive))
}

/// Whether a parameter's value must stay out of logs.
///
/// Nested EC2 keys count by their last segment (`LaunchSpecification.UserData`).
pub fn is_sensitive_param(name: &str) -> bool {
    let last = name.rsplit('.').next().unwrap_or(name);
    SENSITIVE_PARAMS
        .iter()
        .any(|sensitive| last.eq_ignore_ascii_case(sensitive))
}

/// A query string with the values of sensitive parameters replaced by [`REDACTED`].
pub fn redact_query(query: &str) -> String {
    let mut out = String::with_capacity(query.len());
    for (index, pair) in query.split('&').enumerate() {
        if index > 0 {
            out.push('&');
        }
        match pair.split_once('=') {
            Some((key, _)) => {
                let decoded: String = form_urlencoded::parse(key.as_bytes())
                    .next()
                    .map(|(k, _)| k.into_owned())
                    .unwrap_or_default();
                out.push_str(key);
                out.push('=');
                if is_sensitive_param(&decoded) {
                    out.push_str(REDACTED);
                } else {
                    out.push_str(&pair[key.len() + 1..]);
                }
            }
            None => out.push_str(pair),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_keeps_ordinary_values_and_hides_secrets() {
        let query = "Action=RunInstances&UserData=c2VjcmV0&X-Amz-Signature=abc&ImageId=ami-1";
        assert_eq!(
            redact_query(query),
            "Action=RunInstances&UserData=<redacted>&X-Amz-Signature=<redacted>&ImageId=ami-1"
        );
    }

    #[test]
    fn nested_and_cased_names_are_sensitive() {
        assert!(is_sensitive_param("LaunchSpecification.UserData"));
        assert!(is_sensitive_param("signature"));
        assert!(!is_sensitive_param("InstanceId.1"));
        assert!(is_sensitive_header("Authorization"));
        assert!(!is_sensitive_header("content-type"));
    }
}
