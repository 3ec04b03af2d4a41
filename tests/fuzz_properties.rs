//! Cheap property versions of the fuzz targets in `fuzz/`: the request parsers never panic
//! on arbitrary input, and the argument tree keeps list indexes in numeric order.

use cumulo::core::Body;
use cumulo::ec2::auth::signature::{RawRequest, SignedRequest, VerifyOptions};
use cumulo::ec2::params::Params;
use cumulo::ec2::{Args, requestify, validator};
use proptest::prelude::*;
use time::macros::datetime;

fn form_request(query: &str, body: &str) -> Option<cumulo::core::Request> {
    http::Request::builder()
        .method("POST")
        .uri(format!("/?{query}"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from(body.to_owned()))
        .ok()
}

/// Parses and validates what `params` hold, reading the argument tree as handlers do.
fn requestify_and_validate(params: &Params) {
    if let Ok(request) = requestify::parse(params) {
        for key in request.args.keys() {
            let _ = request.args.number::<i64>(&key);
            let _ = request.args.boolean(&key);
            let _ = request.args.strings(&key);
            let _ = request.args.filters(&key);
        }
        let _ = request.args.filters("Filter");
        let _ = validator::validate(&request);
    }
}

fn verify_fixed(signed: &SignedRequest) {
    let now = datetime!(2026-01-01 12:00 UTC);
    let _ = signed.verify(b"secret", now, &VerifyOptions::default());
}

/// Keys shaped like EC2 parameters, with dots, digits and the odd stray byte.
fn dotted_key() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            "[0-9]{1,20}",
            "(Filter|Name|Value|InstanceId|Tag|Key)",
            "[A-Za-z\\-]{0,4}",
        ],
        1..14,
    )
    .prop_map(|segments| segments.join("."))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn arbitrary_query_strings_never_panic_requestify(
        query in "[ -~]{0,200}",
        body in "[ -~]{0,200}",
    ) {
        let query = format!("Action=DescribeInstances&Version=2016-11-15&{query}");
        if let Some(mut request) = form_request(&query, &body) {
            requestify_and_validate(&Params::of(&mut request));
        }
    }

    #[test]
    fn arbitrary_dotted_keys_never_panic_requestify(
        pairs in prop::collection::vec((dotted_key(), ".{0,12}"), 0..12),
    ) {
        let mut all = vec![
            ("Action".to_owned(), "DescribeInstances".to_owned()),
            ("Version".to_owned(), "2016-11-15".to_owned()),
        ];
        all.extend(pairs);
        requestify_and_validate(&Params(all));
    }

    #[test]
    fn arbitrary_authorization_headers_never_panic_signed_request_parse(
        authorization in prop_oneof![
            ".{0,200}",
            concat!(
                "AWS4-HMAC-SHA256 Credential=[ -~]{0,60}, ",
                "SignedHeaders=[ -~]{0,30}, Signature=[ -~]{0,70}"
            ),
            concat!(
                "AWS4-HMAC-SHA256 Credential=AKID/[0-9]{0,9}/[a-z0-9\\-]{0,10}/[a-z]{0,4}/",
                "[a-z0-9_]{0,13}, SignedHeaders=(host|host;x-amz-date|[a-z;\\-]{0,20}), ",
                "Signature=[0-9a-f]{0,64}"
            ),
        ],
        amz_date in "[0-9TZ]{0,20}",
        path in "[ -~]{0,30}",
        query in "[ -~]{0,60}",
    ) {
        let headers: [(&str, &[u8]); 3] = [
            ("host", b"ec2.us-east-1.amazonaws.com"),
            ("x-amz-date", amz_date.as_bytes()),
            ("authorization", authorization.as_bytes()),
        ];
        let raw = RawRequest {
            method: "GET",
            path: &path,
            query: &query,
            headers: &headers,
            body: b"",
        };
        let params: Vec<(String, String)> =
            form_urlencoded::parse(query.as_bytes()).into_owned().collect();
        if let Ok(signed) = SignedRequest::parse_raw(&raw, &params) {
            verify_fixed(&signed);
        }
    }

    #[test]
    fn arbitrary_presigned_queries_never_panic_signed_request_parse(
        credential in "[ -~]{0,60}",
        date in "[0-9TZ]{0,20}",
        expires in "[0-9\\-]{0,12}",
        signed_headers in "[a-z;]{0,20}",
        signature in "[0-9a-f]{0,64}",
    ) {
        let query = form_urlencoded::Serializer::new(String::new())
            .append_pair("X-Amz-Algorithm", "AWS4-HMAC-SHA256")
            .append_pair("X-Amz-Credential", &credential)
            .append_pair("X-Amz-Date", &date)
            .append_pair("X-Amz-Expires", &expires)
            .append_pair("X-Amz-SignedHeaders", &signed_headers)
            .append_pair("X-Amz-Signature", &signature)
            .finish();
        let headers: [(&str, &[u8]); 1] = [("host", b"ec2.us-east-1.amazonaws.com")];
        let raw = RawRequest {
            method: "GET",
            path: "/",
            query: &query,
            headers: &headers,
            body: b"",
        };
        let params: Vec<(String, String)> =
            form_urlencoded::parse(query.as_bytes()).into_owned().collect();
        if let Ok(signed) = SignedRequest::parse_raw(&raw, &params) {
            verify_fixed(&signed);
        }
    }

    #[test]
    fn arbitrary_sigv2_parameters_never_panic_signed_request_parse(
        signature in ".{0,60}",
        method in prop::option::of("(HmacSHA1|HmacSHA256|[ -~]{0,12})"),
        timestamp in prop::option::of("[0-9TZ:.+\\-]{0,30}"),
        expires in prop::option::of("[0-9TZ:.+\\-]{0,30}"),
        extra in prop::collection::vec((".{0,10}", ".{0,10}"), 0..6),
    ) {
        let mut params = vec![
            ("Signature".to_owned(), signature),
            ("SignatureVersion".to_owned(), "2".to_owned()),
            ("AWSAccessKeyId".to_owned(), "AKID".to_owned()),
        ];
        params.extend(method.map(|method| ("SignatureMethod".to_owned(), method)));
        params.extend(timestamp.map(|time| ("Timestamp".to_owned(), time)));
        params.extend(expires.map(|time| ("Expires".to_owned(), time)));
        params.extend(extra);
        let mut query = form_urlencoded::Serializer::new(String::new());
        for (name, value) in &params {
            query.append_pair(name, value);
        }
        let query = query.finish();
        let headers: [(&str, &[u8]); 1] = [("host", b"ec2.us-east-1.amazonaws.com")];
        let raw = RawRequest {
            method: "GET",
            path: "/",
            query: &query,
            headers: &headers,
            body: b"",
        };
        if let Ok(signed) = SignedRequest::parse_raw(&raw, &params) {
            verify_fixed(&signed);
        }
    }

    #[test]
    fn argument_tree_keeps_numeric_order_for_any_index_set(
        indexes in prop::collection::btree_set(1u64..=999_999_999_999_999_999, 1..40),
    ) {
        let pairs: Vec<(String, String)> = indexes
            .iter()
            .rev()
            .map(|index| (format!("InstanceId.{index}"), format!("i-{index}")))
            .collect();
        let args = Args::from_pairs(pairs);
        let expected: Vec<String> = indexes.iter().map(|index| format!("i-{index}")).collect();
        prop_assert_eq!(args.strings("InstanceId"), expected);
    }
}
