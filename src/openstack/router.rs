//! The APIRouter over a ProjectMapper: version documents, then every route under each
//! endpoint both with and without a project as its first segment, server actions by
//! their body's key, and the handler's answer serialized in the negotiated format.
//!
//! Nova's ProjectMapper takes a project id of hex digits and dashes; here a project is
//! any name the [`ProjectDirectory`] knows, and a path is first routed as if it had no
//! project, so a project named like a collection (`servers`) never hides a route.

use std::collections::HashMap;
use std::sync::Arc;

use async_trait::async_trait;
use http::header::{ALLOW, CONTENT_TYPE, HeaderValue, LOCATION};
use http::{Method, StatusCode};
use serde_json::Value;

use super::body::parse_body;
use super::discovery;
use super::fault::Fault;
use super::faultwrap::namespace;
use super::negotiate::{Negotiation, base_url};
use super::request::{
    ApiRequest, ApiResponse, Availability, Format, Handler, Links, ResponseBody, Route,
    ServerAction,
};
use super::version::{ApiVersion, Endpoint};
use crate::core::{Application, Body, BoxError, Context, PathParams, Request, Response};

/// Which projects may appear as the first segment of a path (`/v2.1/{project_id}/...`).
pub trait ProjectDirectory: Send + Sync + 'static {
    /// Whether `project_id` names a project.
    fn contains(&self, project_id: &str) -> bool;
}

impl<F> ProjectDirectory for F
where
    F: Fn(&str) -> bool + Send + Sync + 'static,
{
    fn contains(&self, project_id: &str) -> bool {
        self(project_id)
    }
}

/// The routes of one path template.
type RouteTable = Vec<Route>;

/// Routes Compute API requests to their handlers.
pub(crate) struct ApiRouter {
    paths: matchit::Router<usize>,
    tables: Vec<RouteTable>,
    projects: Option<Arc<dyn ProjectDirectory>>,
}

impl std::fmt::Debug for ApiRouter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ApiRouter")
            .field("templates", &self.tables.len())
            .finish_non_exhaustive()
    }
}

/// What a path and method resolved to.
enum Resolution<'a> {
    Found(&'a Route, PathParams),
    MethodNotAllowed(Vec<Method>),
    NotFound,
}

impl ApiRouter {
    /// A router over `routes`; a path's first segment is a project when `projects`
    /// knows it (without a directory: when it is the caller's own project).
    ///
    /// # Panics
    ///
    /// When a template is not a valid matchit template or conflicts with another (two
    /// extensions claiming `/widgets/{id}` and `/widgets/{name}`): routes are fixed when
    /// the API is built, so this is a programming error.
    pub(crate) fn new(routes: Vec<Route>, projects: Option<Arc<dyn ProjectDirectory>>) -> Self {
        let mut paths = matchit::Router::new();
        let mut tables: Vec<RouteTable> = Vec::new();
        let mut indexes: HashMap<&'static str, usize> = HashMap::new();
        for route in routes {
            let index = *indexes.entry(route.template).or_insert_with(|| {
                paths
                    .insert(route.template, tables.len())
                    .unwrap_or_else(|error| panic!("route {}: {error}", route.template));
                tables.push(Vec::new());
                tables.len() - 1
            });
            tables[index].push(route);
        }
        ApiRouter {
            paths,
            tables,
            projects,
        }
    }

    fn resolve(
        &self,
        method: &Method,
        path: &str,
        endpoint: Endpoint,
        version: ApiVersion,
    ) -> Resolution<'_> {
        let Ok(matched) = self.paths.at(path) else {
            return Resolution::NotFound;
        };
        let served: Vec<&Route> = self.tables[*matched.value]
            .iter()
            .filter(|route| route.availability.serves(endpoint, version))
            .collect();
        if served.is_empty() {
            return Resolution::NotFound;
        }
        match served.iter().find(|route| route.method == method) {
            Some(route) => {
                let params = matched
                    .params
                    .iter()
                    .map(|(name, value)| (name.to_owned(), percent_decode(value)))
                    .collect();
                Resolution::Found(route, PathParams(params))
            }
            None => {
                let mut allowed: Vec<Method> =
                    served.iter().map(|route| route.method.clone()).collect();
                allowed.sort_by(|a, b| a.as_str().cmp(b.as_str()));
                allowed.dedup();
                Resolution::MethodNotAllowed(allowed)
            }
        }
    }

    fn is_project(&self, segment: &str, context: &Context) -> bool {
        match &self.projects {
            Some(directory) => directory.contains(segment),
            None => !context.project_id.is_empty() && segment == context.project_id,
        }
    }
}

/// A path segment with its `%XX` escapes decoded.
fn percent_decode(segment: &str) -> String {
    let bytes = segment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        let escaped = (bytes[index] == b'%')
            .then(|| segment.get(index + 1..index + 3))
            .flatten()
            .and_then(|hex| u8::from_str_radix(hex, 16).ok());
        match escaped {
            Some(byte) => {
                out.push(byte);
                index += 3;
            }
            None => {
                out.push(bytes[index]);
                index += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A JSON document as a response.
fn json_response(status: StatusCode, document: &Value) -> Response {
    let mut response = Response::new(Body::from(document.to_string()));
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response
}

/// The handler's answer in the negotiated format.
fn render(answer: ApiResponse, negotiation: &Negotiation) -> Response {
    let (body, content_type) = match answer.body {
        ResponseBody::Empty => (Body::empty(), None),
        ResponseBody::Json(document) => {
            let content_type = match negotiation.media.format {
                Format::Json => negotiation.media.content_type,
                Format::Xml => "application/json",
            };
            (Body::from(document.to_string()), Some(content_type))
        }
        ResponseBody::Xml(element) => {
            let content_type = match negotiation.media.format {
                Format::Xml => negotiation.media.content_type,
                Format::Json => "application/xml",
            };
            let document = element.to_document(namespace(negotiation.endpoint));
            (Body::from(document), Some(content_type))
        }
    };
    let mut response = Response::new(body);
    *response.status_mut() = answer.status;
    let headers = response.headers_mut();
    for (name, value) in &answer.headers {
        headers.append(name, value.clone());
    }
    if let Some(content_type) = content_type {
        headers.insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    }
    response
}

/// The pairs of a query string, decoded.
fn query_pairs(query: Option<&str>) -> Vec<(String, String)> {
    form_urlencoded::parse(query.unwrap_or("").as_bytes())
        .map(|(name, value)| (name.into_owned(), value.into_owned()))
        .collect()
}

#[async_trait]
impl Application for ApiRouter {
    async fn call(&self, request: Request) -> Result<Response, BoxError> {
        let negotiation = Negotiation::stored(&request);
        let base = base_url(&request);

        // Version discovery.
        let Some(endpoint) = negotiation.endpoint else {
            return Ok(match negotiation.path.as_str() {
                "" | "/" => json_response(StatusCode::OK, &discovery::versions(&base)),
                path => json_response(
                    StatusCode::MULTIPLE_CHOICES,
                    &discovery::choices(&base, path),
                ),
            });
        };
        let version = negotiation.version.clone()?;
        match negotiation.path.as_str() {
            "" => {
                let mut response = Response::new(Body::empty());
                *response.status_mut() = StatusCode::FOUND;
                let location = format!("{base}/{}/", endpoint.segment());
                if let Ok(location) = HeaderValue::from_str(&location) {
                    response.headers_mut().insert(LOCATION, location);
                }
                return Ok(response);
            }
            "/" => {
                let document = discovery::version(&base, endpoint);
                return Ok(json_response(StatusCode::OK, &document));
            }
            _ => {}
        }

        // ProjectMapper: the path as it is, then without a known project in front.
        let context = request
            .extensions()
            .get::<Context>()
            .cloned()
            .unwrap_or_default();
        let method = request.method().clone();
        let path = negotiation.path.as_str();
        let mut project_id = None;
        let mut resolution = self.resolve(&method, path, endpoint, version);
        if matches!(resolution, Resolution::NotFound) && endpoint != Endpoint::V1_0 {
            let trimmed = &path[1..];
            if let Some((segment, _)) = trimmed.split_once('/')
                && self.is_project(segment, &context)
            {
                let rest = &trimmed[segment.len()..];
                resolution = self.resolve(&method, rest, endpoint, version);
                project_id = Some(segment.to_owned());
            }
        }
        let (route, params) = match resolution {
            Resolution::Found(route, params) => (route, params),
            Resolution::NotFound => {
                return Err(Fault::not_found("The resource could not be found.").into());
            }
            Resolution::MethodNotAllowed(allowed) => {
                let allow: Vec<&str> = allowed.iter().map(Method::as_str).collect();
                let mut response = super::faultwrap::fault_response(
                    &Fault::bad_method(format!(
                        "The method {method} is not allowed for this resource."
                    )),
                    &negotiation,
                );
                if let Ok(value) = HeaderValue::from_str(&allow.join(", ")) {
                    response.headers_mut().insert(ALLOW, value);
                }
                return Ok(response);
            }
        };
        if let Some(project) = &project_id
            && *project != context.project_id
        {
            return Err(Fault::bad_request(format!(
                "Malformed request URL: URL's project_id '{project}' doesn't match \
                 Context's project_id '{}'",
                context.project_id
            ))
            .into());
        }

        let (parts, body) = request.into_parts();
        let body = parse_body(endpoint, &parts.headers, body.as_bytes())?;
        let api_request = ApiRequest {
            method: parts.method,
            context,
            version,
            endpoint,
            media: negotiation.media,
            params,
            query: query_pairs(parts.uri.query()),
            body,
            links: Links {
                base,
                version_segment: endpoint.segment(),
                project_id,
            },
            headers: parts.headers,
        };
        let answer = route.handler.handle(api_request).await?;
        Ok(render(answer, &negotiation))
    }
}

/// `POST /servers/{server_id}/action`: the [`ServerAction`] named by the body's one key.
pub(crate) struct ActionDispatch {
    actions: Vec<ServerAction>,
}

impl ActionDispatch {
    /// The action route over `actions`.
    pub(crate) fn route(actions: Vec<ServerAction>) -> Route {
        Route {
            method: Method::POST,
            template: "/servers/{server_id}/action",
            availability: Availability::EVERYWHERE,
            handler: Arc::new(ActionDispatch { actions }),
        }
    }
}

#[async_trait]
impl Handler for ActionDispatch {
    async fn handle(&self, request: ApiRequest) -> Result<ApiResponse, Fault> {
        let name = match &request.body {
            Some(Value::Object(body)) if body.len() == 1 => body.keys().next().cloned(),
            _ => None,
        }
        .ok_or_else(|| Fault::bad_request("Malformed request body"))?;
        let action = self
            .actions
            .iter()
            .find(|action| {
                action.name == name
                    && action
                        .availability
                        .serves(request.endpoint, request.version)
            })
            .ok_or_else(|| Fault::bad_request(format!("There is no such action: {name}")))?;
        action.handler.handle(request).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_segments_decode_their_escapes() {
        assert_eq!(percent_decode("my%20server"), "my server");
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("a%2Fb%zz"), "a/b%zz");
    }
}
