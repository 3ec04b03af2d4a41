//! Version discovery: the list of versions at the root, each endpoint's own document,
//! and the 300 Multiple Choices of a path outside every endpoint, in the shapes of
//! Nova's `doc/api_samples/versions`.
//!
//! The root lists what modern clients choose from, v2.0 and v2.1; the legacy endpoints
//! answer their own documents, marked `DEPRECATED`.
//!
//! # Limitations
//!
//! The documents are JSON only, even where a legacy client negotiated XML.

use serde_json::{Value, json};

use super::version::{ApiVersion, Endpoint};

/// What Nova's documents link as their description.
const DESCRIBED_BY: &str = "http://docs.openstack.org/";

struct VersionInfo {
    id: &'static str,
    segment: &'static str,
    status: &'static str,
    version: String,
    min_version: String,
    updated: &'static str,
    media_types: Vec<Value>,
}

fn json_media_type(version: &str) -> Value {
    json!({
        "base": "application/json",
        "type": format!("application/vnd.openstack.compute+json;version={version}"),
    })
}

fn xml_media_type(version: &str) -> Value {
    json!({
        "base": "application/xml",
        "type": format!("application/vnd.openstack.compute+xml;version={version}"),
    })
}

fn info(endpoint: Endpoint) -> VersionInfo {
    match endpoint {
        Endpoint::V1_0 => VersionInfo {
            id: "v1.0",
            segment: "v1.0",
            status: "DEPRECATED",
            version: String::new(),
            min_version: String::new(),
            updated: "2011-01-21T11:33:21Z",
            media_types: vec![xml_media_type("1.0"), json_media_type("1.0")],
        },
        Endpoint::V1_1 => VersionInfo {
            id: "v1.1",
            segment: "v1.1",
            status: "DEPRECATED",
            version: String::new(),
            min_version: String::new(),
            updated: "2011-01-21T11:33:21Z",
            media_types: vec![xml_media_type("1.1"), json_media_type("1.1")],
        },
        Endpoint::V2 => VersionInfo {
            id: "v2.0",
            segment: "v2",
            status: "SUPPORTED",
            version: String::new(),
            min_version: String::new(),
            updated: "2011-01-21T11:33:21Z",
            media_types: vec![json_media_type("2")],
        },
        Endpoint::V2_1 => VersionInfo {
            id: "v2.1",
            segment: "v2.1",
            status: "CURRENT",
            version: ApiVersion::MAX.to_string(),
            min_version: ApiVersion::MIN.to_string(),
            updated: "2013-07-23T11:33:21Z",
            media_types: vec![json_media_type("2.1")],
        },
    }
}

/// `GET /`: the versions modern clients choose from.
pub(crate) fn versions(base: &str) -> Value {
    let versions: Vec<Value> = [Endpoint::V2, Endpoint::V2_1]
        .into_iter()
        .map(|endpoint| {
            let info = info(endpoint);
            json!({
                "id": info.id,
                "status": info.status,
                "version": info.version,
                "min_version": info.min_version,
                "updated": info.updated,
                "links": [{"rel": "self", "href": format!("{base}/{}/", info.segment)}],
            })
        })
        .collect();
    json!({ "versions": versions })
}

/// `GET /{endpoint}/`: the endpoint's own document.
pub(crate) fn version(base: &str, endpoint: Endpoint) -> Value {
    let info = info(endpoint);
    json!({
        "version": {
            "id": info.id,
            "status": info.status,
            "version": info.version,
            "min_version": info.min_version,
            "updated": info.updated,
            "links": [
                {"rel": "self", "href": format!("{base}/{}/", info.segment)},
                {"rel": "describedby", "type": "text/html", "href": DESCRIBED_BY},
            ],
            "media-types": info.media_types,
        }
    })
}

/// A path outside every endpoint: where it is under each version (300).
pub(crate) fn choices(base: &str, path: &str) -> Value {
    let path = path.trim_matches('/');
    let choices: Vec<Value> = [Endpoint::V2, Endpoint::V2_1]
        .into_iter()
        .map(|endpoint| {
            let info = info(endpoint);
            json!({
                "id": info.id,
                "status": info.status,
                "links": [{"rel": "self", "href": format!("{base}/{}/{path}", info.segment)}],
                "media-types": info.media_types,
            })
        })
        .collect();
    json!({ "choices": choices })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_root_lists_v2_and_v2_1_as_nova_does() {
        assert_eq!(
            versions("http://openstack.example.com"),
            json!({"versions": [
                {
                    "id": "v2.0",
                    "links": [{"href": "http://openstack.example.com/v2/", "rel": "self"}],
                    "status": "SUPPORTED",
                    "version": "",
                    "min_version": "",
                    "updated": "2011-01-21T11:33:21Z",
                },
                {
                    "id": "v2.1",
                    "links": [{"href": "http://openstack.example.com/v2.1/", "rel": "self"}],
                    "status": "CURRENT",
                    "version": "2.47",
                    "min_version": "2.1",
                    "updated": "2013-07-23T11:33:21Z",
                },
            ]})
        );
    }

    #[test]
    fn the_v2_1_document_names_its_media_type() {
        assert_eq!(
            version("http://openstack.example.com", Endpoint::V2_1),
            json!({"version": {
                "id": "v2.1",
                "links": [
                    {"href": "http://openstack.example.com/v2.1/", "rel": "self"},
                    {"href": "http://docs.openstack.org/", "rel": "describedby",
                     "type": "text/html"},
                ],
                "media-types": [{
                    "base": "application/json",
                    "type": "application/vnd.openstack.compute+json;version=2.1",
                }],
                "status": "CURRENT",
                "version": "2.47",
                "min_version": "2.1",
                "updated": "2013-07-23T11:33:21Z",
            }})
        );
    }
}
