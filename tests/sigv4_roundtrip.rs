//! Requests signed by the AWS SDK's own signer (`aws-sigv4`) verify, and any one changed
//! byte of them is refused.

use std::time::{Duration as StdDuration, SystemTime};

use aws_credential_types::Credentials;
use aws_sigv4::http_request::{
    SignableBody, SignableRequest, SignatureLocation, SigningSettings, sign,
};
use aws_sigv4::sign::v4;
use cumulo::ec2::auth::encoding::percent_encode;
use cumulo::ec2::auth::signature::{SignatureError, SignedRequest, VerifyOptions};
use proptest::prelude::*;
use time::OffsetDateTime;
use time::macros::datetime;

const ACCESS_KEY: &str = "AKIDROUNDTRIP";
const SECRET: &str = "roundtrip/Secret+Key=";
const HOST: &str = "ec2.us-east-1.amazonaws.com";
const REGION: &str = "us-east-1";
const NOW: OffsetDateTime = datetime!(2024-02-29 23:59:30 UTC);
const PRESIGNED_FOR: StdDuration = StdDuration::from_secs(300);

/// A request before signing. `path` is already percent-encoded; `params` are not.
#[derive(Debug, Clone)]
struct Unsigned {
    method: &'static str,
    path: String,
    params: Vec<(String, String)>,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Unsigned {
    fn ec2_call() -> Self {
        Self {
            method: "POST",
            path: "/".into(),
            params: vec![
                ("Action".into(), "DescribeInstances".into()),
                ("Version".into(), "2016-11-15".into()),
            ],
            headers: vec![("content-type".into(), "text/plain".into())],
            body: b"InstanceId.1=i-0123456789abcdef0".to_vec(),
        }
    }

    fn target(&self) -> String {
        let query = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(&self.params)
            .finish();
        if query.is_empty() {
            self.path.clone()
        } else {
            format!("{}?{query}", self.path)
        }
    }

    /// Signs with `aws-sigv4`, then shapes the request as an HTTP/1.1 server receives it:
    /// origin-form target and a `Host` header.
    fn sign(&self, location: SignatureLocation, session_token: Option<&str>) -> Received {
        let identity = Credentials::new(
            ACCESS_KEY,
            SECRET,
            session_token.map(str::to_owned),
            None,
            "roundtrip",
        )
        .into();
        let mut settings = SigningSettings::default();
        settings.signature_location = location;
        settings.expires_in = Some(PRESIGNED_FOR);
        let params = v4::SigningParams::builder()
            .identity(&identity)
            .region(REGION)
            .name("ec2")
            .time(SystemTime::from(NOW))
            .settings(settings)
            .build()
            .expect("complete signing parameters")
            .into();
        let signable = SignableRequest::new(
            self.method,
            format!("https://{HOST}{}", self.target()),
            self.headers
                .iter()
                .map(|(name, value)| (name.as_str(), value.as_str())),
            SignableBody::Bytes(&self.body),
        )
        .expect("a signable request");
        let (instructions, _) = sign(signable, &params).expect("signed").into_parts();

        let mut builder = http::Request::builder()
            .method(self.method)
            .uri(self.target())
            .header("host", HOST);
        for (name, value) in &self.headers {
            builder = builder.header(name, value);
        }
        let mut request = builder.body(self.body.clone()).expect("a valid request");
        instructions.apply_to_request_http1x(&mut request);
        Received(request)
    }
}

/// A signed request as the server receives it.
#[derive(Debug)]
struct Received(http::Request<Vec<u8>>);

impl Received {
    fn params(&self) -> Vec<(String, String)> {
        let query = self.0.uri().query().unwrap_or_default();
        form_urlencoded::parse(query.as_bytes())
            .into_owned()
            .collect()
    }

    fn parse(&self) -> Result<SignedRequest, SignatureError> {
        let (parts, body) = self.clone_request().into_parts();
        SignedRequest::parse(&parts, &body, &self.params())
    }

    fn verify(&self) -> Result<(), SignatureError> {
        self.parse()?.verify(SECRET.as_bytes(), NOW, &options())
    }

    fn clone_request(&self) -> http::Request<Vec<u8>> {
        let mut builder = http::Request::builder()
            .method(self.0.method().clone())
            .uri(self.0.uri().clone());
        for (name, value) in self.0.headers() {
            builder = builder.header(name, value);
        }
        builder
            .body(self.0.body().clone())
            .expect("a valid request")
    }

    fn with_target(&self, target: String) -> Self {
        let mut request = self.clone_request();
        *request.uri_mut() = target.parse().expect("a valid target");
        Self(request)
    }

    fn raw_query_pairs(&self) -> Vec<(String, String)> {
        self.0
            .uri()
            .query()
            .unwrap_or_default()
            .split('&')
            .map(|piece| {
                let (name, value) = piece.split_once('=').unwrap_or((piece, ""));
                (name.to_owned(), value.to_owned())
            })
            .collect()
    }

    /// Replaces the raw value of query parameter `index`.
    fn with_raw_query_value(&self, index: usize, value: String) -> Self {
        let mut pairs = self.raw_query_pairs();
        pairs[index].1 = value;
        let query: Vec<String> = pairs
            .iter()
            .map(|(name, value)| format!("{name}={value}"))
            .collect();
        self.with_target(format!("{}?{}", self.0.uri().path(), query.join("&")))
    }

    fn with_header(&self, name: &str, change: impl Fn(&str) -> String) -> Self {
        let mut request = self.clone_request();
        let value = request.headers()[name]
            .to_str()
            .expect("a visible header value");
        let value = change(value);
        request.headers_mut().insert(
            http::HeaderName::from_bytes(name.as_bytes()).expect("a header name"),
            value.parse().expect("a header value"),
        );
        Self(request)
    }
}

fn options() -> VerifyOptions {
    VerifyOptions {
        regions: vec![REGION.into()],
        ..VerifyOptions::default()
    }
}

fn both_locations() -> [SignatureLocation; 2] {
    [SignatureLocation::Headers, SignatureLocation::QueryParams]
}

/// `text` with the byte at `index` (taken modulo its length) replaced by another
/// character from `alphabet`.
fn change_byte(text: &str, index: usize, alphabet: &str) -> String {
    let index = index % text.len();
    let old = text.as_bytes()[index];
    let new = alphabet
        .bytes()
        .find(|&candidate| candidate != old)
        .expect("an alternative");
    let mut bytes = text.as_bytes().to_vec();
    bytes[index] = new;
    String::from_utf8(bytes).expect("ASCII replaced by ASCII")
}

#[test]
fn an_ec2_call_signed_by_the_sdk_verifies_in_both_forms() {
    for location in both_locations() {
        let received = Unsigned::ec2_call().sign(location, None);
        let signed = received.parse().expect("a signed request");
        assert_eq!(signed.access_key(), ACCESS_KEY);
        assert_eq!(signed.region(), Some(REGION));
        assert_eq!(signed.session_token(), None);
        assert_eq!(
            signed.verify(SECRET.as_bytes(), NOW, &options()),
            Ok(()),
            "{location:?}"
        );
    }
}

#[test]
fn a_session_token_signed_by_the_sdk_is_covered_and_reported() {
    for location in both_locations() {
        let received = Unsigned::ec2_call().sign(location, Some("session/token+="));
        let signed = received.parse().expect("a signed request");
        assert_eq!(signed.session_token(), Some("session/token+="));
        assert_eq!(received.verify(), Ok(()), "{location:?}");

        let changed = match location {
            SignatureLocation::Headers => {
                received.with_header("x-amz-security-token", |_| "session/token+-".into())
            }
            _ => {
                let index = received
                    .raw_query_pairs()
                    .iter()
                    .position(|(name, _)| name == "X-Amz-Security-Token")
                    .expect("a token parameter");
                received.with_raw_query_value(index, "session%2Ftoken%2B-".into())
            }
        };
        assert_eq!(
            changed.verify(),
            Err(SignatureError::Mismatch),
            "{location:?}"
        );
    }
}

#[test]
fn http2_requests_take_the_host_from_the_authority() {
    let received = Unsigned::ec2_call().sign(SignatureLocation::Headers, None);
    let mut request = received.clone_request();
    request.headers_mut().remove(http::header::HOST);
    *request.uri_mut() = format!(
        "https://{HOST}/?{}",
        request.uri().query().unwrap_or_default()
    )
    .parse()
    .expect("an absolute URI");
    *request.version_mut() = http::Version::HTTP_2;
    assert_eq!(Received(request).verify(), Ok(()));
}

#[test]
fn a_presigned_url_expires_after_its_lifetime() {
    let received = Unsigned::ec2_call().sign(SignatureLocation::QueryParams, None);
    let signed = received.parse().expect("a signed request");
    let lifetime = time::Duration::try_from(PRESIGNED_FOR).expect("a short lifetime");
    let verify_at = |now| signed.verify(SECRET.as_bytes(), now, &options());
    assert_eq!(verify_at(NOW + lifetime), Ok(()));
    assert_eq!(
        verify_at(NOW + lifetime + time::Duration::SECOND),
        Err(SignatureError::Expired)
    );
}

#[test]
fn a_wrong_secret_is_a_mismatch() {
    for location in both_locations() {
        let signed = Unsigned::ec2_call()
            .sign(location, None)
            .parse()
            .expect("signed");
        assert_eq!(
            signed.verify(b"another secret", NOW, &options()),
            Err(SignatureError::Mismatch)
        );
    }
}

fn unsigned_requests() -> impl Strategy<Value = Unsigned> {
    let method = prop::sample::select(vec!["GET", "POST", "PUT", "DELETE"]);
    // Dot segments are left out: normalization would hide a change next to them.
    let segment = "[A-Za-z0-9_~-]{1,6}|\\PC{1,4}";
    let segment = segment.prop_filter("not a dot segment", |s: &String| s != "." && s != "..");
    let path = prop::collection::vec(segment, 0..4).prop_map(|segments| {
        let encoded: Vec<String> = segments
            .iter()
            .map(|s| percent_encode(s.as_bytes()))
            .collect();
        format!("/{}", encoded.join("/"))
    });
    let params = prop::collection::vec(("p\\PC{0,8}", "\\PC{0,16}"), 0..5);
    let header_value = "[!-~]([ !-~]{0,20}[!-~])?";
    let headers = prop::collection::vec(("x-h[a-z0-9-]{0,8}", header_value), 0..4);
    let body = prop::collection::vec(any::<u8>(), 0..200);
    (method, path, params, headers, body).prop_map(|(method, path, params, headers, body)| {
        Unsigned {
            method,
            path,
            params,
            headers,
            body,
        }
    })
}

fn locations() -> impl Strategy<Value = SignatureLocation> {
    prop::sample::select(both_locations().to_vec())
}

/// One way to change a signed request by one byte (or one second, for the date).
#[derive(Debug, Clone)]
enum Change {
    BodyByte { index: usize, xor: u8 },
    ParamValue { index: usize },
    HeaderByte { index: usize, byte: usize },
    SignatureDigit { digit: usize },
    HostByte { byte: usize },
    Method,
    PathByte { byte: usize },
    DateSecond,
}

fn changes() -> impl Strategy<Value = Change> {
    prop_oneof![
        (any::<usize>(), 1..=255u8).prop_map(|(index, xor)| Change::BodyByte { index, xor }),
        any::<usize>().prop_map(|index| Change::ParamValue { index }),
        (any::<usize>(), any::<usize>())
            .prop_map(|(index, byte)| Change::HeaderByte { index, byte }),
        any::<usize>().prop_map(|digit| Change::SignatureDigit { digit }),
        any::<usize>().prop_map(|byte| Change::HostByte { byte }),
        Just(Change::Method),
        any::<usize>().prop_map(|byte| Change::PathByte { byte }),
        Just(Change::DateSecond),
    ]
}

/// Applies `change`, or returns `None` where the request has nothing of that kind.
fn apply(
    change: &Change,
    unsigned: &Unsigned,
    location: SignatureLocation,
    received: &Received,
) -> Option<Received> {
    let presigned = location == SignatureLocation::QueryParams;
    let changed = match *change {
        Change::BodyByte { index, xor } => {
            if unsigned.body.is_empty() {
                return None;
            }
            let mut request = received.clone_request();
            let index = index % unsigned.body.len();
            request.body_mut()[index] ^= xor;
            Received(request)
        }
        Change::ParamValue { index } => {
            if unsigned.params.is_empty() {
                return None;
            }
            // The SDK keeps the request's own parameters first, in order.
            let index = index % unsigned.params.len();
            let (name, value) = &unsigned.params[index];
            let mut other = value.clone();
            let last = other.pop();
            other.push(if last == Some('a') { 'b' } else { 'a' });
            let raw_name: String = form_urlencoded::byte_serialize(name.as_bytes()).collect();
            assert_eq!(received.raw_query_pairs()[index].0, raw_name);
            let raw_value = form_urlencoded::byte_serialize(other.as_bytes()).collect();
            received.with_raw_query_value(index, raw_value)
        }
        Change::HeaderByte { index, byte } => {
            if unsigned.headers.is_empty() {
                return None;
            }
            let (name, _) = &unsigned.headers[index % unsigned.headers.len()];
            let repeated = unsigned
                .headers
                .iter()
                .filter(|(other, _)| other == name)
                .count();
            if repeated > 1 {
                return None;
            }
            received.with_header(name, |value| change_byte(value, byte, "ab"))
        }
        Change::SignatureDigit { digit } => {
            if presigned {
                let position = received
                    .raw_query_pairs()
                    .iter()
                    .position(|(name, _)| name == "X-Amz-Signature")
                    .expect("a signature parameter");
                let signature = received.raw_query_pairs()[position].1.clone();
                received.with_raw_query_value(position, change_byte(&signature, digit, "01"))
            } else {
                received.with_header("authorization", |value| {
                    let signature_start = value.len() - 64;
                    let (head, signature) = value.split_at(signature_start);
                    format!("{head}{}", change_byte(signature, digit, "01"))
                })
            }
        }
        Change::HostByte { byte } => {
            received.with_header("host", |host| change_byte(host, byte, "ab"))
        }
        Change::Method => {
            let mut request = received.clone_request();
            *request.method_mut() = http::Method::PATCH;
            Received(request)
        }
        Change::PathByte { byte } => {
            let path = received.0.uri().path();
            if path.len() < 2 {
                return None;
            }
            let tail = change_byte(&path[1..], byte, "ab");
            let query = received.0.uri().query().unwrap_or_default();
            received.with_target(format!("/{tail}?{query}"))
        }
        Change::DateSecond => {
            let format =
                time::macros::format_description!("[year][month][day]T[hour][minute][second]Z");
            let later = (NOW + time::Duration::SECOND)
                .format(format)
                .expect("a date");
            if presigned {
                let position = received
                    .raw_query_pairs()
                    .iter()
                    .position(|(name, _)| name == "X-Amz-Date")
                    .expect("a date parameter");
                received.with_raw_query_value(position, later)
            } else {
                received.with_header("x-amz-date", |_| later.clone())
            }
        }
    };
    Some(changed)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn any_request_signed_by_the_sdk_verifies(
        unsigned in unsigned_requests(),
        location in locations(),
    ) {
        let received = unsigned.sign(location, None);
        prop_assert_eq!(received.verify(), Ok(()));
    }

    #[test]
    fn any_one_changed_byte_is_refused(
        unsigned in unsigned_requests(),
        location in locations(),
        change in changes(),
    ) {
        let received = unsigned.sign(location, None);
        prop_assert_eq!(received.verify(), Ok(()));
        if let Some(changed) = apply(&change, &unsigned, location, &received) {
            prop_assert_eq!(changed.verify(), Err(SignatureError::Mismatch));
        }
    }
}
