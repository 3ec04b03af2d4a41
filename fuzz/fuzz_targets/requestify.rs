//! Arbitrary bytes as a query string and a form body, through parameter parsing,
//! Requestify, the argument accessors and the validator: none may panic.

#![no_main]

use cumulo::core::Body;
use cumulo::ec2::params::Params;
use cumulo::ec2::{Args, requestify, validator};
use libfuzzer_sys::fuzz_target;

/// Paths the handlers read, so the accessors walk real shapes as well as fuzzed ones.
const PATHS: &[&str] = &[
    "InstanceId",
    "Filter",
    "MaxResults",
    "DryRun",
    "Filter.1.Value",
];

fuzz_target!(|data: &[u8]| {
    // The bytes before the first newline are the query, the rest the form body.
    let (query, body) = match data.iter().position(|&byte| byte == b'\n') {
        Some(split) => (&data[..split], &data[split + 1..]),
        None => (&[][..], data),
    };
    let uri = format!("/?{}", String::from_utf8_lossy(query));
    let request = |uri: &str| {
        http::Request::builder()
            .method("POST")
            .uri(uri)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(Body::from(body.to_vec()))
    };
    // A query `http::Uri` refuses is dropped; the body is still read.
    let Ok(mut request) = request(&uri).or_else(|_| request("/")) else {
        return;
    };
    let params = Params::of(&mut request);

    // The tree is built from every pair, even those Requestify would refuse.
    let args = Args::from_pairs(params.0.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    exercise(&args, &args.keys());

    if let Ok(ec2_request) = requestify::parse(&params) {
        let keys = ec2_request.args.keys();
        exercise(&ec2_request.args, &keys);
        let _ = validator::validate(&ec2_request);
    }
});

/// How many of an input's own keys the accessors are tried on: each accessor looks a path
/// up from the root, so trying every key of a large input costs its square and would spend
/// the run on a few inputs.
const KEYS_EXERCISED: usize = 32;

fn exercise(args: &Args, keys: &[String]) {
    let own = keys.iter().take(KEYS_EXERCISED).map(String::as_str);
    for path in PATHS.iter().copied().chain(own) {
        let _ = args.filters(path);
        let _ = args.strings(path);
        let _ = args.number::<i64>(path);
        let _ = args.number::<u32>(path);
        let _ = args.boolean(path);
        let _ = args.str(path);
        if let Some(node) = args.get(path) {
            let _ = node.children().count();
        }
    }
    let _ = args.check_all_read();
}
