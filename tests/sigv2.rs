//! EC2 query Signature Version 2: hand-computed vectors, host ports, and the
//! `Timestamp`/`Expires` rules.
//!
//! Each expected signature was computed apart from this crate, as base64 of the HMAC of the
//! string to sign written out in the test.

use cumulo::ec2::auth::signature::{SignatureError, SignedRequest, VerifyOptions};
use cumulo::ec2::auth::sigv2;
use time::OffsetDateTime;
use time::macros::datetime;

const SECRET: &[u8] = b"wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

const DESCRIBE_STRING_TO_SIGN: &str = "GET\nec2.amazonaws.com\n/\n\
    AWSAccessKeyId=AKIDEXAMPLE&Action=DescribeInstances&\
    Filter.1.Value.1=a%20b~c%2F%E1%88%B4&InstanceId.1=i-1234&SignatureMethod=HmacSHA256&\
    SignatureVersion=2&Timestamp=2011-10-03T15%3A19%3A30Z&Version=2011-10-01";
const DESCRIBE_SIGNATURE: &str = "KA0GlqRT/9bqv6AY4EBfJJ6lsuFhStxLIY5zSQgJklc=";
const DESCRIBE_TIME: OffsetDateTime = datetime!(2011-10-03 15:19:30 UTC);

const RUN_STRING_TO_SIGN: &str = "POST\nnova.example.org\n/services/Cloud/\n\
    AWSAccessKeyId=AKIDEXAMPLE&Action=RunInstances&Expires=2011-10-03T15%3A30%3A00Z&\
    ImageId=ami-00000001&MaxCount=1&MinCount=1&SecurityToken=tok%2Fen%2B&\
    SignatureMethod=HmacSHA1&SignatureVersion=2&Version=2010-08-31";
/// Signed over the host without its port, as boto 2 does.
const RUN_SIGNATURE: &str = "ZF4dW9j/kBRe/ZC9tKMbhhFxR+Q=";
/// Signed over `nova.example.org:8773`.
const RUN_SIGNATURE_WITH_PORT: &str = "f1StzQQxRzM+AQwSILgsRJxz/fY=";
const RUN_EXPIRES: OffsetDateTime = datetime!(2011-10-03 15:30:00 UTC);

fn describe_params() -> Vec<(String, String)> {
    owned(&[
        ("Action", "DescribeInstances"),
        ("Version", "2011-10-01"),
        ("InstanceId.1", "i-1234"),
        ("Filter.1.Value.1", "a b~c/ሴ"),
        ("AWSAccessKeyId", "AKIDEXAMPLE"),
        ("SignatureVersion", "2"),
        ("SignatureMethod", "HmacSHA256"),
        ("Timestamp", "2011-10-03T15:19:30Z"),
        ("Signature", DESCRIBE_SIGNATURE),
    ])
}

fn run_params(signature: &str) -> Vec<(String, String)> {
    owned(&[
        ("Action", "RunInstances"),
        ("ImageId", "ami-00000001"),
        ("MinCount", "1"),
        ("MaxCount", "1"),
        ("AWSAccessKeyId", "AKIDEXAMPLE"),
        ("SignatureMethod", "HmacSHA1"),
        ("SignatureVersion", "2"),
        ("Expires", "2011-10-03T15:30:00Z"),
        ("Version", "2010-08-31"),
        ("SecurityToken", "tok/en+"),
        ("Signature", signature),
    ])
}

fn owned(params: &[(&str, &str)]) -> Vec<(String, String)> {
    params
        .iter()
        .map(|&(name, value)| (name.to_owned(), value.to_owned()))
        .collect()
}

/// A request as received, its parameters in the query (`GET`) or form body (`POST`).
struct Request {
    method: &'static str,
    host: String,
    path: String,
    params: Vec<(String, String)>,
}

impl Request {
    fn describe() -> Self {
        Self {
            method: "GET",
            host: "ec2.amazonaws.com".into(),
            path: "/".into(),
            params: describe_params(),
        }
    }

    fn run(signature: &str) -> Self {
        Self {
            method: "POST",
            host: "nova.example.org:8773".into(),
            path: "/services/Cloud/".into(),
            params: run_params(signature),
        }
    }

    fn with_param(mut self, name: &str, value: Option<&str>) -> Self {
        self.params.retain(|(candidate, _)| candidate != name);
        if let Some(value) = value {
            self.params.push((name.to_owned(), value.to_owned()));
        }
        self
    }

    fn parse(&self) -> Result<SignedRequest, SignatureError> {
        let encoded = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(&self.params)
            .finish();
        let builder = http::Request::builder()
            .method(self.method)
            .header("host", &self.host);
        let request = if self.method == "GET" {
            builder
                .uri(format!("{}?{encoded}", self.path))
                .body(Vec::new())
        } else {
            builder
                .uri(&self.path)
                .header("content-type", "application/x-www-form-urlencoded")
                .body(encoded.into_bytes())
        };
        let (parts, body) = request.expect("a valid request").into_parts();
        SignedRequest::parse(&parts, &body, &self.params)
    }

    fn verify_at(&self, now: OffsetDateTime) -> Result<(), SignatureError> {
        self.parse()?.verify(SECRET, now, &VerifyOptions::default())
    }
}

#[test]
fn string_to_sign_sorts_and_encodes_every_parameter_but_the_signature() {
    let describe = sigv2::string_to_sign("GET", "EC2.amazonaws.com", "/", &describe_params());
    assert_eq!(describe, DESCRIBE_STRING_TO_SIGN);

    let run = sigv2::string_to_sign(
        "POST",
        "nova.example.org",
        "/services/Cloud/",
        &run_params(""),
    );
    assert_eq!(run, RUN_STRING_TO_SIGN);
}

#[test]
fn hmac_sha256_query_request_verifies() {
    let signed = Request::describe().parse().expect("a SigV2 request");
    assert_eq!(signed.to_string(), "SigV2 HmacSHA256");
    assert_eq!(signed.access_key(), "AKIDEXAMPLE");
    assert_eq!(signed.session_token(), None);
    assert_eq!(signed.region(), None);
    assert_eq!(
        signed.verify(SECRET, DESCRIBE_TIME, &VerifyOptions::default()),
        Ok(())
    );
}

#[test]
fn hmac_sha1_form_request_signed_without_the_port_verifies() {
    let signed = Request::run(RUN_SIGNATURE)
        .parse()
        .expect("a SigV2 request");
    assert_eq!(signed.to_string(), "SigV2 HmacSHA1");
    assert_eq!(signed.session_token(), Some("tok/en+"));
    assert_eq!(
        signed.verify(SECRET, RUN_EXPIRES, &VerifyOptions::default()),
        Ok(())
    );
}

#[test]
fn a_request_signed_with_the_port_verifies_too() {
    assert_eq!(
        Request::run(RUN_SIGNATURE_WITH_PORT).verify_at(RUN_EXPIRES),
        Ok(())
    );
}

#[test]
fn the_host_compares_without_case() {
    let mut request = Request::describe();
    request.host = "EC2.Amazonaws.COM".into();
    assert_eq!(request.verify_at(DESCRIBE_TIME), Ok(()));
}

#[test]
fn any_changed_part_is_a_mismatch() {
    let mut changed_value = Request::describe();
    changed_value.params[2].1 = "i-1235".into();
    assert_eq!(
        changed_value.verify_at(DESCRIBE_TIME),
        Err(SignatureError::Mismatch)
    );

    let extra = Request::describe().with_param("InstanceId.2", Some("i-9"));
    assert_eq!(
        extra.verify_at(DESCRIBE_TIME),
        Err(SignatureError::Mismatch)
    );

    let mut other_host = Request::describe();
    other_host.host = "ec2.amazonaws.co".into();
    assert_eq!(
        other_host.verify_at(DESCRIBE_TIME),
        Err(SignatureError::Mismatch)
    );

    let mut other_port = Request::run(RUN_SIGNATURE_WITH_PORT);
    other_port.host = "nova.example.org:8774".into();
    assert_eq!(
        other_port.verify_at(RUN_EXPIRES),
        Err(SignatureError::Mismatch)
    );

    let mut other_path = Request::describe();
    other_path.path = "/x".into();
    assert_eq!(
        other_path.verify_at(DESCRIBE_TIME),
        Err(SignatureError::Mismatch)
    );

    let mut other_method = Request::run(RUN_SIGNATURE);
    other_method.method = "PUT";
    assert_eq!(
        other_method.verify_at(RUN_EXPIRES),
        Err(SignatureError::Mismatch)
    );

    let other_signature = Request::describe().with_param(
        "Signature",
        Some("KA0GlqRT/9bqv6AY4EBfJJ6lsuFhStxLIY5zSQgJklg="),
    );
    assert_eq!(
        other_signature.verify_at(DESCRIBE_TIME),
        Err(SignatureError::Mismatch)
    );

    let signed = Request::describe().parse().expect("a SigV2 request");
    assert_eq!(
        signed.verify(b"another secret", DESCRIBE_TIME, &VerifyOptions::default()),
        Err(SignatureError::Mismatch)
    );
}

#[test]
fn timestamp_must_be_within_the_skew_either_way() {
    let request = Request::describe();
    let skew = VerifyOptions::default().max_skew;
    let second = time::Duration::SECOND;
    assert_eq!(request.verify_at(DESCRIBE_TIME + skew), Ok(()));
    assert_eq!(request.verify_at(DESCRIBE_TIME - skew), Ok(()));
    assert_eq!(
        request.verify_at(DESCRIBE_TIME + skew + second),
        Err(SignatureError::Expired)
    );
    assert_eq!(
        request.verify_at(DESCRIBE_TIME - skew - second),
        Err(SignatureError::Expired)
    );
}

#[test]
fn expires_must_not_have_passed() {
    let request = Request::run(RUN_SIGNATURE);
    assert_eq!(request.verify_at(RUN_EXPIRES), Ok(()));
    assert_eq!(
        request.verify_at(RUN_EXPIRES - time::Duration::days(1)),
        Ok(())
    );
    assert_eq!(
        request.verify_at(RUN_EXPIRES + time::Duration::SECOND),
        Err(SignatureError::Expired)
    );
}

#[test]
fn exactly_one_of_timestamp_and_expires() {
    let both = Request::describe().with_param("Expires", Some("2011-10-03T15:30:00Z"));
    assert_eq!(
        both.parse().err(),
        Some(SignatureError::Malformed("both Timestamp and Expires"))
    );

    let neither = Request::describe().with_param("Timestamp", None);
    assert_eq!(
        neither.parse().err(),
        Some(SignatureError::Malformed("no Timestamp or Expires"))
    );
}

#[test]
fn timestamps_take_fractions_and_offsets() {
    let unreadable = SignatureError::Malformed("Timestamp or Expires is not ISO 8601");
    let cases = [
        ("2011-10-03T15:19:30.1Z", Err(SignatureError::Mismatch)),
        ("2011-10-03T15:19:30.123456Z", Err(SignatureError::Mismatch)),
        ("2011-10-03T15:19:30+00:00", Err(SignatureError::Mismatch)),
        ("2011-10-03T17:19:30+02:00", Err(SignatureError::Mismatch)),
        ("2011-10-03T16:19:30Z", Err(SignatureError::Expired)),
        ("2011-10-03T15:19:30", Err(unreadable)),
        ("20111003T151930Z", Err(unreadable)),
        ("yesterday", Err(unreadable)),
    ];
    for (timestamp, expected) in cases {
        let request = Request::describe().with_param("Timestamp", Some(timestamp));
        assert_eq!(
            request.verify_at(DESCRIBE_TIME),
            expected,
            "Timestamp={timestamp}"
        );
    }
}

#[test]
fn only_version_2_with_hmac_sha256_or_sha1_is_supported() {
    let version_1 = Request::describe().with_param("SignatureVersion", Some("1"));
    assert_eq!(
        version_1.parse().err(),
        Some(SignatureError::UnsupportedAlgorithm)
    );

    let md5 = Request::describe().with_param("SignatureMethod", Some("HmacMD5"));
    assert_eq!(
        md5.parse().err(),
        Some(SignatureError::UnsupportedAlgorithm)
    );

    let no_version = Request::describe().with_param("SignatureVersion", None);
    assert_eq!(
        no_version.parse().err(),
        Some(SignatureError::Malformed("SignatureVersion is missing"))
    );

    let no_method = Request::describe().with_param("SignatureMethod", None);
    assert_eq!(
        no_method.parse().err(),
        Some(SignatureError::Malformed("SignatureMethod is missing"))
    );
}

#[test]
fn unreadable_signatures_and_missing_keys_are_malformed() {
    let not_base64 = Request::describe().with_param("Signature", Some("not base64!"));
    assert_eq!(
        not_base64.parse().err(),
        Some(SignatureError::Malformed("Signature is not base64"))
    );

    let no_key = Request::describe().with_param("AWSAccessKeyId", None);
    assert_eq!(
        no_key.parse().err(),
        Some(SignatureError::Malformed("AWSAccessKeyId is missing"))
    );

    let mut repeated = Request::describe();
    repeated
        .params
        .push(("AWSAccessKeyId".into(), "AKIDOTHER".into()));
    assert_eq!(
        repeated.parse().err(),
        Some(SignatureError::Malformed(
            "a signature parameter is repeated"
        ))
    );
}

#[test]
fn debug_output_leaves_out_the_signature_and_token() {
    let signed = Request::run(RUN_SIGNATURE)
        .parse()
        .expect("a SigV2 request");
    let debug = format!("{signed:?}");
    assert!(!debug.contains(RUN_SIGNATURE), "{debug}");
    assert!(!debug.contains("tok/en+"), "{debug}");
    assert!(debug.contains("AKIDEXAMPLE"), "{debug}");
}
