//! What a resource handler receives and answers: the request after routing, version and
//! content negotiation, authentication and body parsing, and a response the protocol
//! layer serializes in the negotiated format.

use std::sync::Arc;

use async_trait::async_trait;
use http::{HeaderMap, Method, StatusCode};

use super::fault::Fault;
use super::version::{ApiVersion, Endpoint};
use super::xml::XmlElement;
use crate::core::{Context, PathParams};

/// The format of a response body.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Format {
    /// JSON: the default, and the only format of `/v2` and `/v2.1`.
    #[default]
    Json,
    /// XML, on `/v1.0` and `/v1.1` only.
    Xml,
}

/// The negotiated response type: its format and the `Content-Type` to answer with
/// (`application/json`, or the `application/vnd.openstack.compute+json` a client asked
/// for, and their XML counterparts).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MediaType {
    /// JSON or XML.
    pub format: Format,
    /// The `Content-Type` of the answer.
    pub content_type: &'static str,
}

impl MediaType {
    /// `application/json`.
    pub const JSON: MediaType = MediaType {
        format: Format::Json,
        content_type: "application/json",
    };
    /// `application/xml`.
    pub const XML: MediaType = MediaType {
        format: Format::Xml,
        content_type: "application/xml",
    };
    /// `application/vnd.openstack.compute+json`.
    pub const VND_JSON: MediaType = MediaType {
        format: Format::Json,
        content_type: "application/vnd.openstack.compute+json",
    };
    /// `application/vnd.openstack.compute+xml`.
    pub const VND_XML: MediaType = MediaType {
        format: Format::Xml,
        content_type: "application/vnd.openstack.compute+xml",
    };
}

impl Default for MediaType {
    fn default() -> Self {
        MediaType::JSON
    }
}

/// How links to resources are spelled for this request: Nova's `self` links carry the
/// version segment, its `bookmark` links do not; both carry the project when the
/// request's path did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Links {
    /// The scheme, host and mount prefix the client used, without a trailing slash
    /// (`http://127.0.0.1:8774`, `http://cloud.example/compute`).
    pub base: String,
    /// The endpoint's path segment (`v2.1`).
    pub version_segment: &'static str,
    /// The project segment of the request's path, when it had one.
    pub project_id: Option<String>,
}

impl Links {
    fn prefix(&self) -> String {
        match &self.project_id {
            Some(project) => format!("{}/{project}", self.base),
            None => self.base.clone(),
        }
    }

    /// `{base}/{version}[/{project}]/{collection}/{id}`: the `self` link.
    pub fn self_link(&self, collection: &str, id: &str) -> String {
        match &self.project_id {
            Some(project) => format!(
                "{}/{}/{project}/{collection}/{id}",
                self.base, self.version_segment
            ),
            None => format!("{}/{}/{collection}/{id}", self.base, self.version_segment),
        }
    }

    /// `{base}[/{project}]/{collection}/{id}`: the `bookmark` link.
    pub fn bookmark_link(&self, collection: &str, id: &str) -> String {
        format!("{}/{collection}/{id}", self.prefix())
    }

    /// `{base}/{version}[/{project}]/{path}?{query}`: a `next` link of a paged list.
    pub fn collection_link(&self, path: &str, query: &str) -> String {
        let versioned = match &self.project_id {
            Some(project) => format!("{}/{}/{project}/{path}", self.base, self.version_segment),
            None => format!("{}/{}/{path}", self.base, self.version_segment),
        };
        if query.is_empty() {
            versioned
        } else {
            format!("{versioned}?{query}")
        }
    }
}

/// A request as a resource handler sees it.
#[derive(Clone, Debug)]
pub struct ApiRequest {
    /// The method.
    pub method: Method,
    /// The caller.
    pub context: Context,
    /// The version asked for (see [`ComputeCall::version`](super::ComputeCall)).
    pub version: ApiVersion,
    /// The endpoint addressed.
    pub endpoint: Endpoint,
    /// The negotiated response type.
    pub media: MediaType,
    /// The parameters the route captured (`server_id`...), without any format suffix.
    pub params: PathParams,
    /// The query string's pairs, decoded, in order.
    pub query: Vec<(String, String)>,
    /// The body, parsed by its `Content-Type`: JSON as it is, XML turned into the JSON
    /// the same request would have sent. `None` when the request had no body.
    pub body: Option<serde_json::Value>,
    /// How to spell links.
    pub links: Links,
    /// The request's headers.
    pub headers: HeaderMap,
}

impl ApiRequest {
    /// The parameter `name` the route captured. Routes are fixed, so a missing one is a
    /// programming error answered as an internal fault.
    pub fn param(&self, name: &str) -> Result<&str, Fault> {
        self.params.get(name).ok_or_else(Fault::internal)
    }

    /// The value of query parameter `name`; the last one when it is repeated, as Nova
    /// reads a repeated parameter.
    pub fn query_value(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .rfind(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }

    /// Every value of query parameter `name`, in order.
    pub fn query_values<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.query
            .iter()
            .filter(move |(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }

    /// Whether the response is XML.
    pub fn wants_xml(&self) -> bool {
        self.media.format == Format::Xml
    }
}

/// A response body before serialization.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum ResponseBody {
    /// No body (202, 204).
    #[default]
    Empty,
    /// A JSON document.
    Json(serde_json::Value),
    /// An XML document's root; the protocol layer adds the declaration and namespace.
    Xml(XmlElement),
}

/// What a handler answers.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ApiResponse {
    /// The status.
    pub status: StatusCode,
    /// Headers to add (`Location`...).
    pub headers: HeaderMap,
    /// The body.
    pub body: ResponseBody,
}

impl ApiResponse {
    /// `status` with `body`.
    pub fn new(status: StatusCode, body: ResponseBody) -> Self {
        ApiResponse {
            status,
            headers: HeaderMap::new(),
            body,
        }
    }

    /// `status` without a body.
    pub fn empty(status: StatusCode) -> Self {
        ApiResponse::new(status, ResponseBody::Empty)
    }

    /// `status` with the JSON document, or the XML one when the request negotiated XML.
    pub fn document(
        request: &ApiRequest,
        status: StatusCode,
        json: impl FnOnce() -> serde_json::Value,
        xml: impl FnOnce() -> XmlElement,
    ) -> Self {
        let body = if request.wants_xml() {
            ResponseBody::Xml(xml())
        } else {
            ResponseBody::Json(json())
        };
        ApiResponse::new(status, body)
    }
}

/// A resource handler: one operation on one route.
#[async_trait]
pub trait Handler: Send + Sync + 'static {
    /// Answers one request.
    async fn handle(&self, request: ApiRequest) -> Result<ApiResponse, Fault>;
}

/// Which endpoints and versions an operation is served at; outside them the route
/// answers 404, as Nova does for a method its microversion does not have.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Availability {
    /// The endpoints serving it.
    pub endpoints: &'static [Endpoint],
    /// The first microversion serving it on `/v2.1`.
    pub min_version: ApiVersion,
    /// The last microversion serving it on `/v2.1` (`None`: still served).
    pub max_version: Option<ApiVersion>,
}

impl Availability {
    /// Every endpoint, every version.
    pub const EVERYWHERE: Availability = Availability {
        endpoints: &[Endpoint::V1_0, Endpoint::V1_1, Endpoint::V2, Endpoint::V2_1],
        min_version: ApiVersion::MIN,
        max_version: None,
    };
    /// `/v1.1`, `/v2` and `/v2.1` (every version).
    pub const SINCE_V1_1: Availability = Availability {
        endpoints: &[Endpoint::V1_1, Endpoint::V2, Endpoint::V2_1],
        min_version: ApiVersion::MIN,
        max_version: None,
    };
    /// `/v1.0` only.
    pub const V1_0_ONLY: Availability = Availability {
        endpoints: &[Endpoint::V1_0],
        min_version: ApiVersion::MIN,
        max_version: None,
    };

    /// The same, served on `/v2.1` only up to `max` (inclusive).
    pub const fn until(self, max: ApiVersion) -> Self {
        Availability {
            max_version: Some(max),
            ..self
        }
    }

    /// The same, served on `/v2.1` only from `min` on.
    pub const fn since(self, min: ApiVersion) -> Self {
        Availability {
            min_version: min,
            ..self
        }
    }

    /// Whether a request to `endpoint` at `version` is served.
    pub fn serves(&self, endpoint: Endpoint, version: ApiVersion) -> bool {
        if !self.endpoints.contains(&endpoint) {
            return false;
        }
        if endpoint != Endpoint::V2_1 {
            return true;
        }
        version >= self.min_version && self.max_version.is_none_or(|max| version <= max)
    }
}

/// One operation on one path: what the APIRouter routes.
#[derive(Clone)]
pub struct Route {
    /// The method.
    pub method: Method,
    /// The path under the endpoint and project, as a matchit template
    /// (`/servers/{server_id}`).
    pub template: &'static str,
    /// Where it is served.
    pub availability: Availability,
    /// What answers it.
    pub handler: Arc<dyn Handler>,
}

impl std::fmt::Debug for Route {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Route")
            .field("method", &self.method)
            .field("template", &self.template)
            .finish_non_exhaustive()
    }
}

/// A server action: `POST /servers/{server_id}/action` with a body whose one key is
/// `name` (`{"reboot": {"type": "SOFT"}}`).
#[derive(Clone)]
pub struct ServerAction {
    /// The body's key.
    pub name: &'static str,
    /// Where it is served.
    pub availability: Availability,
    /// What answers it; `request.body` is the whole body, `server_id` is in the params.
    pub handler: Arc<dyn Handler>,
}

impl std::fmt::Debug for ServerAction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServerAction")
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_follow_nova_self_and_bookmark_forms() {
        let links = Links {
            base: "http://cloud:8774".into(),
            version_segment: "v2.1",
            project_id: Some("demo".into()),
        };
        assert_eq!(
            links.self_link("servers", "abc"),
            "http://cloud:8774/v2.1/demo/servers/abc"
        );
        assert_eq!(
            links.bookmark_link("servers", "abc"),
            "http://cloud:8774/demo/servers/abc"
        );
        assert_eq!(
            links.collection_link("servers", "limit=1&marker=abc"),
            "http://cloud:8774/v2.1/demo/servers?limit=1&marker=abc"
        );
        let bare = Links {
            project_id: None,
            ..links
        };
        assert_eq!(
            bare.self_link("flavors", "t3.micro"),
            "http://cloud:8774/v2.1/flavors/t3.micro"
        );
    }

    #[test]
    fn a_repeated_query_parameter_reads_as_its_last_value() {
        let request = ApiRequest {
            method: Method::GET,
            context: Context::default(),
            version: ApiVersion::V2_1,
            endpoint: Endpoint::V2_1,
            media: MediaType::JSON,
            params: PathParams::default(),
            query: vec![
                ("limit".into(), "1".into()),
                ("name".into(), "web".into()),
                ("limit".into(), "2".into()),
            ],
            body: None,
            links: Links::default(),
            headers: HeaderMap::new(),
        };
        assert_eq!(request.query_value("limit"), Some("2"));
        assert_eq!(
            request.query_values("limit").collect::<Vec<_>>(),
            ["1", "2"]
        );
        assert_eq!(request.query_value("marker"), None);
    }

    #[test]
    fn availability_bounds_microversions_on_v2_1_only() {
        let images = Availability::SINCE_V1_1.until(ApiVersion::new(2, 35));
        assert!(images.serves(Endpoint::V2_1, ApiVersion::new(2, 35)));
        assert!(!images.serves(Endpoint::V2_1, ApiVersion::new(2, 36)));
        assert!(images.serves(Endpoint::V2, ApiVersion::V2_1));
        assert!(!images.serves(Endpoint::V1_0, ApiVersion::V1_0));
        assert!(Availability::V1_0_ONLY.serves(Endpoint::V1_0, ApiVersion::V1_0));
        assert!(!Availability::V1_0_ONLY.serves(Endpoint::V1_1, ApiVersion::V1_1));
    }
}
