//! What a request negotiated before any layer answers it: the endpoint its path names,
//! the response's media type (path suffix, then `Accept`, then JSON) and, on `/v2.1`,
//! the microversion of its version headers.
//!
//! The fault wrapper works this out first, so that a fault raised anywhere below is
//! rendered the way the request asked; the router reads the same answer.

use http::{HeaderMap, Request, StatusCode};

use super::fault::Fault;
use super::request::MediaType;
use super::version::{ApiVersion, Endpoint};
use crate::core::ScriptName;

/// The header Nova reads microversions from.
pub const API_VERSION_HEADER: &str = "openstack-api-version";
/// The legacy microversion header.
pub const LEGACY_API_VERSION_HEADER: &str = "x-openstack-nova-api-version";

/// Request extension: what the request negotiated.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Negotiation {
    /// The script name the API is mounted under (`""` at the root).
    pub(crate) script_name: String,
    /// The endpoint the path names, when it names one.
    pub(crate) endpoint: Option<Endpoint>,
    /// The path under the endpoint, without a format suffix (`/demo/servers`); for a
    /// path outside every endpoint, the whole path under the script name.
    pub(crate) path: String,
    /// The response's media type.
    pub(crate) media: MediaType,
    /// The microversion: `Ok` on `/v2.1` when the headers are valid.
    pub(crate) version: Result<ApiVersion, Fault>,
}

impl Negotiation {
    /// Works out what `request` negotiated.
    pub(crate) fn of<B>(request: &Request<B>) -> Negotiation {
        let script_name = request
            .extensions()
            .get::<ScriptName>()
            .map(|script| script.0.clone())
            .unwrap_or_default();
        let full_path = request.uri().path();
        let path = full_path.strip_prefix(&script_name).unwrap_or(full_path);
        let (endpoint, rest) = split_endpoint(path);
        let (path, suffix) = match endpoint {
            Some(endpoint) if endpoint.serves_xml() => strip_format_suffix(rest),
            Some(_) => (rest, None),
            None => (path, None),
        };
        let media = match endpoint {
            Some(endpoint) if endpoint.serves_xml() => {
                suffix.unwrap_or_else(|| from_accept(request.headers()))
            }
            _ => MediaType::JSON,
        };
        let version = match endpoint {
            Some(Endpoint::V2_1) => requested_version(request.headers()),
            Some(Endpoint::V2) => Ok(ApiVersion::V2_1),
            Some(Endpoint::V1_1) => Ok(ApiVersion::V1_1),
            Some(Endpoint::V1_0) | None => Ok(ApiVersion::V1_0),
        };
        Negotiation {
            script_name,
            endpoint,
            path: path.to_owned(),
            media,
            version,
        }
    }

    /// The negotiation stored in `request`, or worked out now.
    pub(crate) fn stored<B>(request: &Request<B>) -> Negotiation {
        request
            .extensions()
            .get::<Negotiation>()
            .cloned()
            .unwrap_or_else(|| Negotiation::of(request))
    }

    /// The microversion to echo in the response's headers: `/v2.1` with valid headers.
    pub(crate) fn echoed_version(&self) -> Option<ApiVersion> {
        match (self.endpoint, &self.version) {
            (Some(Endpoint::V2_1), Ok(version)) => Some(*version),
            _ => None,
        }
    }
}

/// The endpoint a path under the script name starts with, and the rest of the path.
pub(crate) fn split_endpoint(path: &str) -> (Option<Endpoint>, &str) {
    let trimmed = path.strip_prefix('/').unwrap_or(path);
    let (first, rest) = match trimmed.find('/') {
        Some(slash) => (&trimmed[..slash], &trimmed[slash..]),
        None => (trimmed, ""),
    };
    let endpoint = match first {
        "v1.0" => Endpoint::V1_0,
        "v1.1" => Endpoint::V1_1,
        "v2" => Endpoint::V2,
        "v2.1" => Endpoint::V2_1,
        _ => return (None, path),
    };
    (Some(endpoint), rest)
}

/// Strips a `.json` or `.xml` suffix from the path's last segment. Any other dot is
/// part of an id (`/servers/my.server`).
fn strip_format_suffix(path: &str) -> (&str, Option<MediaType>) {
    let last_segment = path.rsplit('/').next().unwrap_or("");
    for (suffix, media) in [(".json", MediaType::JSON), (".xml", MediaType::XML)] {
        if last_segment.ends_with(suffix) {
            return (&path[..path.len() - suffix.len()], Some(media));
        }
    }
    (path, None)
}

/// The media type `Accept` prefers among those the legacy endpoints serve; JSON when
/// it names none of them.
fn from_accept(headers: &HeaderMap) -> MediaType {
    let mut ranges: Vec<(f32, usize, MediaType)> = Vec::new();
    for value in headers.get_all(http::header::ACCEPT) {
        let Ok(value) = value.to_str() else { continue };
        for range in value.split(',') {
            let mut parts = range.split(';');
            let kind = parts.next().unwrap_or("").trim().to_ascii_lowercase();
            let quality = parts
                .filter_map(|parameter| parameter.trim().strip_prefix("q="))
                .find_map(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            let media = match kind.as_str() {
                "application/json" => MediaType::JSON,
                "application/xml" => MediaType::XML,
                "application/vnd.openstack.compute+json" => MediaType::VND_JSON,
                "application/vnd.openstack.compute+xml" => MediaType::VND_XML,
                "*/*" | "application/*" => MediaType::JSON,
                _ => continue,
            };
            if quality > 0.0 {
                ranges.push((quality, ranges.len(), media));
            }
        }
    }
    ranges
        .into_iter()
        .max_by(|a, b| a.0.total_cmp(&b.0).then(b.1.cmp(&a.1)))
        .map(|(_, _, media)| media)
        .unwrap_or(MediaType::JSON)
}

/// The microversion the headers ask for: `OpenStack-API-Version: compute 2.X` first,
/// then `X-OpenStack-Nova-API-Version: 2.X`; 2.1 when neither is sent; `latest` is
/// [`ApiVersion::MAX`].
///
/// A malformed version is 400 `badRequest`; one outside 2.1 to the maximum is 406, with
/// Nova's messages.
pub fn requested_version(headers: &HeaderMap) -> Result<ApiVersion, Fault> {
    let compute = headers
        .get_all(API_VERSION_HEADER)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .find_map(|entry| {
            let mut words = entry.split_whitespace();
            let service = words.next()?;
            let version = words.next()?;
            service
                .eq_ignore_ascii_case("compute")
                .then(|| version.to_owned())
        });
    let legacy = || {
        headers
            .get(LEGACY_API_VERSION_HEADER)
            .map(|value| String::from_utf8_lossy(value.as_bytes()).trim().to_owned())
    };
    let Some(text) = compute.or_else(legacy) else {
        return Ok(ApiVersion::MIN);
    };
    if text.eq_ignore_ascii_case("latest") {
        return Ok(ApiVersion::MAX);
    }
    if !well_formed(&text) {
        return Err(Fault::bad_request(format!(
            "API Version String {text} is of invalid format. Must be of format \
             MajorNum.MinorNum."
        )));
    }
    match parse_version(&text) {
        Some(version) if (ApiVersion::MIN..=ApiVersion::MAX).contains(&version) => Ok(version),
        _ => Err(Fault::new(
            StatusCode::NOT_ACCEPTABLE,
            format!(
                "Version {text} is not supported by the API. Minimum is {} and maximum \
                 is {}.",
                ApiVersion::MIN,
                ApiVersion::MAX
            ),
        )),
    }
}

/// Whether `text` is `major.minor` as Nova's pattern has it: decimal numbers without
/// leading zeros, the major one not 0.
fn well_formed(text: &str) -> bool {
    let Some((major, minor)) = text.split_once('.') else {
        return false;
    };
    let number = |part: &str| {
        !part.is_empty()
            && part.bytes().all(|b| b.is_ascii_digit())
            && (part == "0" || !part.starts_with('0'))
    };
    number(major) && major != "0" && number(minor)
}

/// A well-formed `major.minor`, or `None` when a number is too large for any version.
fn parse_version(text: &str) -> Option<ApiVersion> {
    let (major, minor) = text.split_once('.')?;
    Some(ApiVersion::new(major.parse().ok()?, minor.parse().ok()?))
}

/// The scheme, host and script name the client used, without a trailing slash
/// (`http://cloud.example:8774/compute`).
///
/// # Limitations
///
/// The scheme is `http` unless the request's URI names one: a TLS-terminating proxy in
/// front shows up in links as plain HTTP.
pub(crate) fn base_url<B>(request: &Request<B>) -> String {
    let mut base = ScriptName::base_url(request);
    base.pop();
    base
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::Body;

    fn negotiate(path: &str, accept: Option<&str>) -> Negotiation {
        let mut builder = http::Request::builder().uri(path);
        if let Some(accept) = accept {
            builder = builder.header("accept", accept);
        }
        Negotiation::of(&builder.body(Body::empty()).unwrap())
    }

    #[test]
    fn a_format_suffix_beats_accept_on_the_legacy_endpoints() {
        let json = negotiate("/v1.1/demo/servers.json", Some("application/xml"));
        assert_eq!(json.media, MediaType::JSON);
        assert_eq!(json.path, "/demo/servers");
        let xml = negotiate("/v1.0/servers/detail.xml", None);
        assert_eq!(
            (xml.media, xml.path.as_str()),
            (MediaType::XML, "/servers/detail")
        );
    }

    #[test]
    fn a_dot_inside_an_id_is_not_a_suffix() {
        let negotiation = negotiate("/v1.1/servers/my.server", None);
        assert_eq!(negotiation.path, "/servers/my.server");
        assert_eq!(negotiation.media, MediaType::JSON);
    }

    #[test]
    fn accept_picks_the_best_served_type_and_keeps_vendor_types() {
        let vendor = "text/html;q=0.9, application/vnd.openstack.compute+xml";
        assert_eq!(negotiate("/v1.1/x", Some(vendor)).media, MediaType::VND_XML);
        let weighed = "application/xml;q=0.5, application/json;q=0.8";
        assert_eq!(negotiate("/v1.1/x", Some(weighed)).media, MediaType::JSON);
        assert_eq!(negotiate("/v1.0/x", Some("*/*")).media, MediaType::JSON);
        assert_eq!(
            negotiate("/v1.0/x", Some("text/html")).media,
            MediaType::JSON
        );
    }

    #[test]
    fn the_modern_endpoints_answer_json_whatever_is_asked() {
        let negotiation = negotiate("/v2.1/servers.xml", Some("application/xml"));
        assert_eq!(negotiation.media, MediaType::JSON);
        assert_eq!(negotiation.path, "/servers.xml");
        assert_eq!(negotiate("/servers", None).endpoint, None);
    }

    fn version_of(headers: &[(&str, &str)]) -> Result<ApiVersion, Fault> {
        let mut map = HeaderMap::new();
        for (name, value) in headers {
            map.append(
                http::HeaderName::from_bytes(name.as_bytes()).unwrap(),
                value.parse().unwrap(),
            );
        }
        requested_version(&map)
    }

    #[test]
    fn microversions_come_from_either_header_the_new_one_first() {
        assert_eq!(version_of(&[]), Ok(ApiVersion::V2_1));
        assert_eq!(
            version_of(&[("X-OpenStack-Nova-API-Version", "2.10")]),
            Ok(ApiVersion::new(2, 10))
        );
        assert_eq!(
            version_of(&[
                ("X-OpenStack-Nova-API-Version", "2.10"),
                ("OpenStack-API-Version", "identity 3.9, compute 2.37"),
            ]),
            Ok(ApiVersion::new(2, 37))
        );
        assert_eq!(
            version_of(&[("OpenStack-API-Version", "compute latest")]),
            Ok(ApiVersion::MAX)
        );
    }

    #[test]
    fn malformed_versions_are_400_and_unserved_ones_406() {
        let malformed = version_of(&[("OpenStack-API-Version", "compute 2.x")]).unwrap_err();
        assert_eq!(malformed.status(), StatusCode::BAD_REQUEST);
        assert_eq!(
            malformed.message(),
            "API Version String 2.x is of invalid format. Must be of format MajorNum.MinorNum."
        );
        let unserved = version_of(&[("OpenStack-API-Version", "compute 2.99")]).unwrap_err();
        assert_eq!(unserved.status(), StatusCode::NOT_ACCEPTABLE);
        assert_eq!(
            unserved.message(),
            "Version 2.99 is not supported by the API. Minimum is 2.1 and maximum is 2.47."
        );
        let old = version_of(&[("X-OpenStack-Nova-API-Version", "2.0")]).unwrap_err();
        assert_eq!(old.status(), StatusCode::NOT_ACCEPTABLE);
    }

    #[test]
    fn leading_zeros_are_malformed_and_huge_versions_unserved() {
        for text in ["2.01", "02.1", "0.5", "2.1.0", "+2.1"] {
            let fault =
                version_of(&[("OpenStack-API-Version", &format!("compute {text}"))]).unwrap_err();
            assert_eq!(fault.status(), StatusCode::BAD_REQUEST, "{text}");
        }
        let huge = "2.99999999999999999999";
        let fault = version_of(&[("X-OpenStack-Nova-API-Version", huge)]).unwrap_err();
        assert_eq!(fault.status(), StatusCode::NOT_ACCEPTABLE);
        assert_eq!(
            fault.message(),
            "Version 2.99999999999999999999 is not supported by the API. Minimum is 2.1 and \
             maximum is 2.47."
        );
        assert_eq!(
            version_of(&[("OpenStack-API-Version", "compute 2.10")]),
            Ok(ApiVersion::new(2, 10))
        );
    }
}
