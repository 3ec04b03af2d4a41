//! The AWS SigV4 signing test suite: every signed request verifies, every tampered one is
//! refused, and each signing step matches the suite's files.
//!
//! The suite lives in `shared/sigv4-test-suite` beside the repository (see its README). A
//! missing suite fails these tests; nothing is skipped.

use std::fs;
use std::path::PathBuf;

use cumulo::ec2::auth::signature::{RawRequest, SignatureError, SignedRequest, VerifyOptions};
use cumulo::ec2::auth::sigv4;
use sha2::{Digest, Sha256};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

const SUITE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/sigv4-test-suite");
const CASES_WITH_CONTEXT: usize = 38;
const FORMS: [&str; 2] = ["header", "query"];

/// The request targets `http::Uri` refuses (a raw space); they are verified through
/// [`SignedRequest::parse_raw`] only.
const NOT_HTTP_URIS: [&str; 4] = [
    "get-space-normalized/header",
    "get-space-normalized/query",
    "get-space-unnormalized/header",
    "get-space-unnormalized/query",
];

struct Case {
    name: String,
    access_key: String,
    secret: String,
    session_token: Option<String>,
    omit_session_token: bool,
    region: String,
    service: String,
    normalize: bool,
    time: OffsetDateTime,
}

impl Case {
    fn options(&self) -> VerifyOptions {
        VerifyOptions {
            service: self.service.clone(),
            regions: vec![self.region.clone()],
            normalize_path: self.normalize,
            allow_unsigned_session_token: self.omit_session_token,
            ..VerifyOptions::default()
        }
    }

    fn request(&self, file: &str) -> Request {
        Request::parse(&read(&self.name, file))
    }

    fn verify(&self, request: &Request) -> Result<(), SignatureError> {
        self.verify_at(request, self.time, &self.options())
    }

    fn verify_at(
        &self,
        request: &Request,
        now: OffsetDateTime,
        options: &VerifyOptions,
    ) -> Result<(), SignatureError> {
        request
            .parse_raw()?
            .verify(self.secret.as_bytes(), now, options)
    }
}

fn suite_dir() -> PathBuf {
    let dir = PathBuf::from(SUITE);
    assert!(
        dir.join("README.md").is_file(),
        "the SigV4 test suite is missing at {}: clone `shared/` beside the repository",
        dir.display()
    );
    dir
}

fn read(case: &str, file: &str) -> String {
    let path = suite_dir().join(case).join(file);
    fs::read_to_string(&path).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

fn case_names() -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(suite_dir())
        .expect("the suite directory is readable")
        .map(|entry| entry.expect("a readable entry"))
        .filter(|entry| entry.path().is_dir())
        .map(|entry| entry.file_name().into_string().expect("a UTF-8 case name"))
        .collect();
    names.sort();
    names
}

fn cases_with_context() -> Vec<Case> {
    let cases: Vec<Case> = case_names()
        .into_iter()
        .filter(|name| suite_dir().join(name).join("context.json").is_file())
        .map(|name| {
            let context: serde_json::Value =
                serde_json::from_str(&read(&name, "context.json")).expect("context.json is JSON");
            let text = |pointer: &str| -> String {
                context
                    .pointer(pointer)
                    .and_then(serde_json::Value::as_str)
                    .unwrap_or_else(|| panic!("{name}: context.json lacks {pointer}"))
                    .to_owned()
            };
            Case {
                access_key: text("/credentials/access_key_id"),
                secret: text("/credentials/secret_access_key"),
                session_token: context
                    .pointer("/credentials/token")
                    .and_then(serde_json::Value::as_str)
                    .map(str::to_owned),
                omit_session_token: context["omit_session_token"].as_bool().unwrap_or(false),
                region: text("/region"),
                service: text("/service"),
                normalize: context["normalize"]
                    .as_bool()
                    .expect("normalize is a boolean"),
                time: OffsetDateTime::parse(&text("/timestamp"), &Rfc3339)
                    .expect("timestamp is RFC 3339"),
                name,
            }
        })
        .collect();
    assert_eq!(cases.len(), CASES_WITH_CONTEXT);
    cases
}

/// A request as the suite writes it: request line, headers (a line starting with
/// whitespace continues the previous one), blank line, body; `\n` line endings.
#[derive(Clone)]
struct Request {
    method: String,
    target: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Request {
    fn parse(text: &str) -> Self {
        let (head, body) = text
            .split_once("\n\n")
            .unwrap_or((text.trim_end_matches('\n'), ""));
        let mut lines = head.lines();
        let request_line = lines.next().expect("a request line");
        let (method, target) = request_line.split_once(' ').expect("a method and a target");
        let target = target.strip_suffix(" HTTP/1.1").unwrap_or(target);

        let mut headers: Vec<(String, String)> = Vec::new();
        for line in lines {
            if line.starts_with([' ', '\t']) {
                let (_, value) = headers
                    .last_mut()
                    .expect("a header before its continuation");
                value.push(' ');
                value.push_str(line.trim());
            } else {
                let (name, value) = line.split_once(':').expect("a header line");
                headers.push((name.to_owned(), value.trim().to_owned()));
            }
        }
        Self {
            method: method.to_owned(),
            target: target.to_owned(),
            headers,
            body: body.as_bytes().to_vec(),
        }
    }

    fn path_and_query(&self) -> (&str, &str) {
        self.target.split_once('?').unwrap_or((&self.target, ""))
    }

    /// The decoded query and form body parameters, as a caller hands them over.
    fn params(&self) -> Vec<(String, String)> {
        let (_, query) = self.path_and_query();
        let mut params: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes())
            .into_owned()
            .collect();
        let is_form = self.headers.iter().any(|(name, value)| {
            name.eq_ignore_ascii_case("content-type")
                && value.starts_with("application/x-www-form-urlencoded")
        });
        if is_form {
            params.extend(form_urlencoded::parse(&self.body).into_owned());
        }
        params
    }

    fn parse_raw(&self) -> Result<SignedRequest, SignatureError> {
        let (path, query) = self.path_and_query();
        let headers: Vec<(&str, &[u8])> = self
            .headers
            .iter()
            .map(|(name, value)| (name.as_str(), value.as_bytes()))
            .collect();
        let raw = RawRequest {
            method: &self.method,
            path,
            query,
            headers: &headers,
            body: &self.body,
        };
        SignedRequest::parse_raw(&raw, &self.params())
    }

    /// Goes through `http::Request`, or `None` where `http::Uri` cannot hold the target.
    fn parse_http(&self) -> Option<Result<SignedRequest, SignatureError>> {
        let uri: http::Uri = self.target.parse().ok()?;
        let mut builder = http::Request::builder()
            .method(self.method.as_str())
            .uri(uri);
        for (name, value) in &self.headers {
            builder = builder.header(name, value);
        }
        let (parts, body) = builder
            .body(self.body.clone())
            .expect("a valid request")
            .into_parts();
        Some(SignedRequest::parse(&parts, &body, &self.params()))
    }

    fn header_mut(&mut self, name: &str) -> &mut String {
        let (_, value) = self
            .headers
            .iter_mut()
            .find(|(candidate, _)| candidate.eq_ignore_ascii_case(name))
            .unwrap_or_else(|| panic!("no {name} header"));
        value
    }

    fn query_pairs(&self) -> Vec<(String, String)> {
        let (_, query) = self.path_and_query();
        query
            .split('&')
            .filter(|piece| !piece.is_empty())
            .map(|piece| {
                let (name, value) = piece.split_once('=').unwrap_or((piece, ""));
                (name.to_owned(), value.to_owned())
            })
            .collect()
    }

    fn set_query(&mut self, pairs: &[(String, String)]) {
        let (path, _) = self.path_and_query();
        let query: Vec<String> = pairs
            .iter()
            .map(|(name, value)| format!("{name}={value}"))
            .collect();
        self.target = format!("{path}?{}", query.join("&"));
    }

    fn with_query_value(&self, index: usize, change: impl Fn(&str) -> String) -> Self {
        let mut pairs = self.query_pairs();
        pairs[index].1 = change(&pairs[index].1);
        let mut changed = self.clone();
        changed.set_query(&pairs);
        changed
    }
}

fn signed_v4(request: &Request) -> cumulo::ec2::auth::sigv4::SigV4Request {
    match request.parse_raw() {
        Ok(SignedRequest::V4(request)) => request,
        other => panic!("not a SigV4 request: {other:?}"),
    }
}

#[test]
fn every_case_with_context_verifies_in_both_forms() {
    let mut verified_raw = 0;
    let mut verified_http = 0;
    let mut not_http = Vec::new();

    for case in cases_with_context() {
        for form in FORMS {
            let request = case.request(&format!("{form}-signed-request.txt"));
            let label = format!("{}/{form}", case.name);

            let signed = request
                .parse_raw()
                .unwrap_or_else(|error| panic!("{label}: {error}"));
            assert_eq!(signed.access_key(), case.access_key, "{label}");
            assert_eq!(signed.region(), Some(case.region.as_str()), "{label}");
            assert_eq!(
                signed.session_token(),
                case.session_token.as_deref(),
                "{label}"
            );

            assert_eq!(case.verify(&request), Ok(()), "{label}");
            verified_raw += 1;

            match request.parse_http() {
                Some(signed) => {
                    let result = signed.and_then(|signed| {
                        signed.verify(case.secret.as_bytes(), case.time, &case.options())
                    });
                    assert_eq!(result, Ok(()), "{label} through http::Request");
                    verified_http += 1;
                }
                None => not_http.push(label),
            }
        }
    }

    assert_eq!(verified_raw, 2 * CASES_WITH_CONTEXT);
    assert_eq!(verified_http, 2 * CASES_WITH_CONTEXT - NOT_HTTP_URIS.len());
    assert_eq!(not_http, NOT_HTTP_URIS);
}

#[test]
fn canonical_request_string_to_sign_and_signature_match_every_case() {
    let mut matched = 0;
    for case in cases_with_context() {
        for form in FORMS {
            let label = format!("{}/{form}", case.name);
            let mut request = case.request(&format!("{form}-signed-request.txt"));
            if case.omit_session_token && form == "query" {
                // The suite adds the token to the URL after signing: sign what came before.
                let pairs: Vec<_> = request
                    .query_pairs()
                    .into_iter()
                    .filter(|(name, _)| name != "X-Amz-Security-Token")
                    .collect();
                request.set_query(&pairs);
            }
            let signed = signed_v4(&request);
            let (path, query) = request.path_and_query();
            let payload_hash = hex::encode(Sha256::digest(&request.body));

            let signed_headers: Vec<&str> = signed.signed_headers().collect();
            let canonical_request = sigv4::canonical_request(
                &request.method,
                path,
                query,
                &request.headers,
                &signed_headers,
                &payload_hash,
                case.normalize,
            );
            assert_eq!(
                canonical_request,
                read(&case.name, &format!("{form}-canonical-request.txt")),
                "{label}"
            );

            let date = case.time.format(time::macros::format_description!(
                "[year][month][day]T[hour][minute][second]Z"
            ));
            let date = date.expect("a formattable timestamp");
            let scope = format!(
                "{}/{}/{}/aws4_request",
                &date[..8],
                case.region,
                case.service
            );
            let string_to_sign = sigv4::string_to_sign(&date, &scope, &canonical_request);
            assert_eq!(
                string_to_sign,
                read(&case.name, &format!("{form}-string-to-sign.txt")),
                "{label}"
            );

            let key = sigv4::signing_key(
                case.secret.as_bytes(),
                &date[..8],
                &case.region,
                &case.service,
            );
            assert_eq!(
                sigv4::signature(&key, &string_to_sign),
                read(&case.name, &format!("{form}-signature.txt")),
                "{label}"
            );
            matched += 1;
        }
    }
    assert_eq!(matched, 2 * CASES_WITH_CONTEXT);
}

#[test]
fn cases_without_context_canonicalize_with_double_encoding() {
    let without_context: Vec<String> = case_names()
        .into_iter()
        .filter(|name| !suite_dir().join(name).join("context.json").exists())
        .collect();
    assert_eq!(without_context, ["double-encode-path", "double-url-encode"]);

    // Both were signed at the time their canonical requests show, whatever request.txt says.
    let signing_date = "20210511T154045Z";
    for name in &without_context {
        let mut request = Request::parse(&read(name, "request.txt"));
        *request.header_mut("x-amz-date") = signing_date.to_owned();
        let (path, query) = request.path_and_query();
        let canonical_request = sigv4::canonical_request(
            &request.method,
            path,
            query,
            &request.headers,
            &["host", "x-amz-date"],
            &hex::encode(Sha256::digest(&request.body)),
            true,
        );
        assert_eq!(
            canonical_request,
            read(name, "header-canonical-request.txt"),
            "{name}"
        );
    }

    let request = Request::parse(&read("double-url-encode", "request.txt"));
    let (path, query) = request.path_and_query();
    let canonical_request = sigv4::canonical_request(
        &request.method,
        path,
        query,
        &request.headers,
        &["host", "x-amz-date"],
        &hex::encode(Sha256::digest(&request.body)),
        true,
    );
    let string_to_sign = sigv4::string_to_sign(
        signing_date,
        "20210511/us-east-2/lambda/aws4_request",
        &canonical_request,
    );
    assert_eq!(
        string_to_sign,
        read("double-url-encode", "header-string-to-sign.txt").trim_end()
    );

    // Signed with get-vanilla's secret, so it verifies too.
    let vanilla = get_vanilla();
    let key = sigv4::signing_key(vanilla.secret.as_bytes(), "20210511", "us-east-2", "lambda");
    assert_eq!(
        sigv4::signature(&key, &string_to_sign),
        "4b93abbcc68be32bd64c18e2c71150660ab4c29bbd6c32a383a7517a88fc1804"
    );
    let signed = Request::parse(&read("double-url-encode", "header-signed-request.txt"));
    let options = VerifyOptions {
        service: "lambda".into(),
        regions: vec!["us-east-2".into()],
        ..VerifyOptions::default()
    };
    let now = time::macros::datetime!(2021-05-11 15:40:45 UTC);
    assert_eq!(vanilla.verify_at(&signed, now, &options), Ok(()));
    let through_http = signed.parse_http().expect("an http::Uri target");
    let through_http =
        through_http.and_then(|signed| signed.verify(vanilla.secret.as_bytes(), now, &options));
    assert_eq!(through_http, Ok(()));
}

/// One way of tampering with a signed request, and the refusal it must meet.
struct Tampering {
    what: String,
    request: Request,
    expected: Result<(), SignatureError>,
}

fn tamperings(case: &Case, form: &str, request: &Request) -> Vec<Tampering> {
    let mut tamperings = Vec::new();
    let mut add = |what: String, request: Request, expected| {
        tamperings.push(Tampering {
            what,
            request,
            expected,
        });
    };
    let signed = signed_v4(request);

    let mut changed = request.clone();
    if form == "header" {
        let authorization = changed.header_mut("authorization");
        let last = authorization.pop().expect("a signature");
        authorization.push(if last == '0' { '1' } else { '0' });
    } else {
        let index = signature_index(request);
        changed = request.with_query_value(index, flip_last_hex_digit);
    }
    add(
        "one signature digit".into(),
        changed,
        Err(SignatureError::Mismatch),
    );

    if !request.body.is_empty() {
        let mut changed = request.clone();
        changed.body[0] ^= 1;
        add(
            "one body byte".into(),
            changed,
            Err(SignatureError::Mismatch),
        );
    }

    for name in signed.signed_headers() {
        if name == "x-amz-date" {
            continue;
        }
        let mut changed = request.clone();
        let value = changed.header_mut(name);
        let last = value.pop().expect("a non-empty header value");
        value.push(if last == 'x' { 'y' } else { 'x' });
        add(
            format!("header {name}"),
            changed,
            Err(SignatureError::Mismatch),
        );
    }

    let mut changed = request.clone();
    changed.method = if request.method == "GET" {
        "POST"
    } else {
        "GET"
    }
    .to_owned();
    add("method".into(), changed, Err(SignatureError::Mismatch));

    let mut changed = request.clone();
    let (path, query) = request.path_and_query();
    changed.target = if query.is_empty() {
        format!("{path}x")
    } else {
        format!("{path}x?{query}")
    };
    add("path".into(), changed, Err(SignatureError::Mismatch));

    for (index, (name, _)) in request.query_pairs().iter().enumerate() {
        if name == "X-Amz-Signature" {
            continue;
        }
        let expected = match name.as_str() {
            "X-Amz-Algorithm" => Err(SignatureError::UnsupportedAlgorithm),
            "X-Amz-Credential" | "X-Amz-Date" | "X-Amz-Expires" => {
                Err(SignatureError::Malformed(""))
            }
            "X-Amz-SignedHeaders" => Err(SignatureError::SignedHeaderMissing),
            // The option this case needs accepts a token added after signing, changed or not.
            "X-Amz-Security-Token" if case.omit_session_token => Ok(()),
            _ => Err(SignatureError::Mismatch),
        };
        let changed = request.with_query_value(index, |value| format!("{value}x"));
        add(format!("query {name}"), changed, expected);
    }

    let later = case.time + time::Duration::SECOND;
    let later = later
        .format(time::macros::format_description!(
            "[year][month][day]T[hour][minute][second]Z"
        ))
        .expect("a formattable time");
    let changed = if form == "header" {
        let mut changed = request.clone();
        *changed.header_mut("x-amz-date") = later;
        changed
    } else {
        let index = query_index(request, "X-Amz-Date");
        request.with_query_value(index, |_| later.clone())
    };
    add("date".into(), changed, Err(SignatureError::Mismatch));

    tamperings
}

fn query_index(request: &Request, name: &str) -> usize {
    request
        .query_pairs()
        .iter()
        .position(|(candidate, _)| candidate == name)
        .unwrap_or_else(|| panic!("no {name} parameter"))
}

fn signature_index(request: &Request) -> usize {
    query_index(request, "X-Amz-Signature")
}

fn flip_last_hex_digit(value: &str) -> String {
    let mut value = value.to_owned();
    let last = value.pop().expect("a signature");
    value.push(if last == '0' { '1' } else { '0' });
    value
}

/// Compares results, treating every `Malformed` reason as the same.
fn same_outcome(
    actual: &Result<(), SignatureError>,
    expected: &Result<(), SignatureError>,
) -> bool {
    match (actual, expected) {
        (Err(SignatureError::Malformed(_)), Err(SignatureError::Malformed(_))) => true,
        _ => actual == expected,
    }
}

#[test]
fn any_tampered_signed_part_is_refused() {
    let mut refused = 0;
    let mut accepted_unsigned_tokens = 0;
    for case in cases_with_context() {
        for form in FORMS {
            let request = case.request(&format!("{form}-signed-request.txt"));
            for tampering in tamperings(&case, form, &request) {
                let result = case.verify(&tampering.request);
                assert!(
                    same_outcome(&result, &tampering.expected),
                    "{}/{form}, {}: got {result:?}, expected {:?}",
                    case.name,
                    tampering.what,
                    tampering.expected
                );
                match result {
                    Ok(()) => accepted_unsigned_tokens += 1,
                    Err(_) => refused += 1,
                }
            }
        }
    }
    assert_eq!(refused, 622);
    assert_eq!(accepted_unsigned_tokens, 1);
}

fn get_vanilla() -> Case {
    cases_with_context()
        .into_iter()
        .find(|case| case.name == "get-vanilla")
        .expect("the get-vanilla case")
}

fn case_named(name: &str) -> Case {
    cases_with_context()
        .into_iter()
        .find(|case| case.name == name)
        .unwrap_or_else(|| panic!("no case {name}"))
}

#[test]
fn header_form_date_must_be_within_the_skew_either_way() {
    let case = get_vanilla();
    let request = case.request("header-signed-request.txt");
    let options = case.options();
    let skew = options.max_skew;
    let second = time::Duration::SECOND;

    assert_eq!(skew, time::Duration::minutes(15));
    assert_eq!(case.verify_at(&request, case.time + skew, &options), Ok(()));
    assert_eq!(case.verify_at(&request, case.time - skew, &options), Ok(()));
    assert_eq!(
        case.verify_at(&request, case.time + skew + second, &options),
        Err(SignatureError::Expired)
    );
    assert_eq!(
        case.verify_at(&request, case.time - skew - second, &options),
        Err(SignatureError::Expired)
    );
    assert!(SignatureError::Expired.is_expired());
    assert!(!SignatureError::Mismatch.is_expired());
}

#[test]
fn presigned_url_lives_until_it_expires_and_not_before_the_skew() {
    let case = get_vanilla();
    let request = case.request("query-signed-request.txt");
    let options = case.options();
    let expires = time::Duration::seconds(3600);
    let second = time::Duration::SECOND;

    assert_eq!(
        case.verify_at(&request, case.time + expires, &options),
        Ok(())
    );
    assert_eq!(
        case.verify_at(&request, case.time + expires + second, &options),
        Err(SignatureError::Expired)
    );
    assert_eq!(
        case.verify_at(&request, case.time - options.max_skew, &options),
        Ok(())
    );
    assert_eq!(
        case.verify_at(&request, case.time - options.max_skew - second, &options),
        Err(SignatureError::Expired)
    );
}

#[test]
fn presigned_expiry_must_be_one_second_to_seven_days() {
    let case = get_vanilla();
    let request = case.request("query-signed-request.txt");
    let index = query_index(&request, "X-Amz-Expires");
    for expires in ["0", "604801", "-1", "", "1e3"] {
        let changed = request.with_query_value(index, |_| expires.to_owned());
        assert_eq!(
            case.verify(&changed),
            Err(SignatureError::Malformed(
                "X-Amz-Expires is not 1 to 604800"
            )),
            "X-Amz-Expires={expires}"
        );
    }
}

#[test]
fn scope_must_name_the_configured_service_and_a_served_region() {
    let case = get_vanilla();
    for form in FORMS {
        let request = case.request(&format!("{form}-signed-request.txt"));
        let ec2 = VerifyOptions {
            service: "ec2".into(),
            ..case.options()
        };
        assert_eq!(
            case.verify_at(&request, case.time, &ec2),
            Err(SignatureError::WrongService)
        );

        let elsewhere = VerifyOptions {
            regions: vec!["us-west-2".into()],
            ..case.options()
        };
        assert_eq!(
            case.verify_at(&request, case.time, &elsewhere),
            Err(SignatureError::UnknownRegion)
        );

        let several = VerifyOptions {
            regions: vec!["us-west-2".into(), "us-east-1".into()],
            ..case.options()
        };
        assert_eq!(case.verify_at(&request, case.time, &several), Ok(()));

        let any = VerifyOptions {
            regions: Vec::new(),
            ..case.options()
        };
        assert_eq!(case.verify_at(&request, case.time, &any), Ok(()));
    }
}

#[test]
fn scope_date_must_be_the_request_date() {
    let case = get_vanilla();
    let mut request = case.request("header-signed-request.txt");
    let authorization = request.header_mut("authorization");
    *authorization = authorization.replace("/20150830/", "/20150831/");
    assert_eq!(
        case.verify(&request),
        Err(SignatureError::ScopeDateMismatch)
    );
}

#[test]
fn signed_headers_must_include_host_and_be_present() {
    let case = get_vanilla();
    let original = case.request("header-signed-request.txt");

    let mut without_host_signed = original.clone();
    let authorization = without_host_signed.header_mut("authorization");
    *authorization =
        authorization.replace("SignedHeaders=host;x-amz-date", "SignedHeaders=x-amz-date");
    assert_eq!(
        case.verify(&without_host_signed),
        Err(SignatureError::SignedHeaderMissing)
    );

    let mut without_header = original.clone();
    let authorization = without_header.header_mut("authorization");
    *authorization = authorization.replace("x-amz-date,", "x-amz-date;my-header,");
    assert_eq!(
        case.verify(&without_header),
        Err(SignatureError::SignedHeaderMissing)
    );

    let mut without_host = original;
    without_host
        .headers
        .retain(|(name, _)| !name.eq_ignore_ascii_case("host"));
    assert_eq!(
        case.verify(&without_host),
        Err(SignatureError::SignedHeaderMissing)
    );
}

#[test]
fn other_algorithms_are_unsupported() {
    let case = get_vanilla();
    let mut request = case.request("header-signed-request.txt");
    let authorization = request.header_mut("authorization");
    *authorization = authorization.replace("AWS4-HMAC-SHA256", "AWS4-HMAC-SHA512");
    assert_eq!(
        case.verify(&request),
        Err(SignatureError::UnsupportedAlgorithm)
    );

    let request = case.request("query-signed-request.txt");
    let index = query_index(&request, "X-Amz-Algorithm");
    let changed = request.with_query_value(index, |_| "AWS4-ECDSA-P256-SHA256".to_owned());
    assert_eq!(
        case.verify(&changed),
        Err(SignatureError::UnsupportedAlgorithm)
    );
}

#[test]
fn an_authorization_header_without_components_is_malformed() {
    let case = get_vanilla();
    let mut request = case.request("header-signed-request.txt");
    *request.header_mut("authorization") = "AWS4-HMAC-SHA256".into();
    assert_eq!(
        request.parse_raw().err(),
        Some(SignatureError::Malformed(
            "Authorization component without '='"
        ))
    );
}

#[test]
fn a_request_without_a_signature_is_missing_one_and_two_signatures_are_malformed() {
    let case = get_vanilla();
    let unsigned = case.request("request.txt");
    assert_eq!(unsigned.parse_raw().err(), Some(SignatureError::Missing));

    let mut both = case.request("query-signed-request.txt");
    let header = case.request("header-signed-request.txt");
    both.headers.extend(
        header
            .headers
            .into_iter()
            .filter(|(name, _)| name == "Authorization"),
    );
    assert_eq!(
        both.parse_raw().err(),
        Some(SignatureError::Malformed("more than one signature"))
    );
}

#[test]
fn uppercase_hex_signatures_are_malformed() {
    let case = get_vanilla();
    let mut request = case.request("header-signed-request.txt");
    let authorization = request.header_mut("authorization");
    *authorization = authorization.replace("Signature=5fa00fa", "Signature=5FA00FA");
    assert_eq!(
        case.verify(&request),
        Err(SignatureError::Malformed(
            "Signature is not 64 lower-case hex digits"
        ))
    );
}

#[test]
fn the_path_is_normalized_only_when_asked() {
    let case = case_named("get-slash-dot-slash-unnormalized");
    let request = case.request("header-signed-request.txt");
    let normalizing = VerifyOptions {
        normalize_path: true,
        ..case.options()
    };
    assert_eq!(
        case.verify_at(&request, case.time, &normalizing),
        Err(SignatureError::Mismatch)
    );
}

#[test]
fn a_session_token_added_after_signing_needs_the_option() {
    let case = case_named("post-sts-header-after");
    assert!(case.omit_session_token);
    let strict = VerifyOptions {
        allow_unsigned_session_token: false,
        ..case.options()
    };

    let header = case.request("header-signed-request.txt");
    assert_eq!(
        case.verify_at(&header, case.time, &strict),
        Err(SignatureError::UnsignedSessionToken)
    );
    let query = case.request("query-signed-request.txt");
    assert_eq!(
        case.verify_at(&query, case.time, &strict),
        Err(SignatureError::Mismatch)
    );
}

#[test]
fn the_date_header_stands_in_for_x_amz_date() {
    let case = get_vanilla();
    let mut request = case.request("header-signed-request.txt");
    for (name, value) in &mut request.headers {
        if name == "X-Amz-Date" {
            *name = "Date".to_owned();
            *value = "Sun, 30 Aug 2015 12:36:00 GMT".to_owned();
        }
    }
    let authorization = request.header_mut("authorization");
    *authorization = authorization.replace("host;x-amz-date", "date;host");
    let signed = signed_v4(&request);
    assert_eq!(signed.request_time(), case.time);
    // The signature covered x-amz-date, not date: only the signature refuses it.
    assert_eq!(case.verify(&request), Err(SignatureError::Mismatch));
}

#[test]
fn debug_output_leaves_out_signatures_and_tokens() {
    let case = case_named("post-sts-header-before");
    for form in FORMS {
        let request = case.request(&format!("{form}-signed-request.txt"));
        let debug = format!("{:?}", request.parse_raw().expect("a signed request"));
        let token = case.session_token.as_deref().expect("a token");
        let signature = read(&case.name, &format!("{form}-signature.txt"));
        assert!(!debug.contains(token), "{form}: {debug}");
        assert!(!debug.contains(&signature), "{form}: {debug}");
        assert!(!debug.contains(&case.secret), "{form}: {debug}");
    }
}
