//! A read-only image endpoint in the shape of Glance's Images API v2, over the
//! [`ComputeController`]'s `list_images` and `show_image`.
//!
//! It answers what openstacksdk and the `openstack` CLI read when a catalog names an
//! `image` service: the versions document at `/`, `GET /v2/images` with Glance's filters
//! and pagination, `GET /v2/images/{id}` (the image object, unwrapped) and the two
//! schemas. Every other method on those paths answers 405.
//!
//! Errors are JSON, as webob renders a Glance error to a client that accepts JSON
//! (`{"message": ..., "code": "404 Not Found", "title": "Not Found"}`); a refused token
//! answers keystonemiddleware's `{"error": {...}}` document with 401, as Glance's
//! authentication filter does.
//!
//! # Limitations
//!
//! - Listings are sorted by `created_at` then `id`, newest first (Glance's default);
//!   `sort`, `sort_key` and `sort_dir` are accepted and ignored.
//! - The `created_at` and `updated_at` range filters answer 400.
//! - Images carry no tags and no checksums; image data (`/file`) is not served.

use std::cmp::Reverse;
use std::sync::Arc;

use async_trait::async_trait;
use http::header::{ALLOW, CONTENT_TYPE};
use http::{HeaderValue, Method, StatusCode};
use serde_json::{Map, Value, json};
use time::OffsetDateTime;

use super::auth::TokenValidator;
use super::controller::{ComputeCall, ComputeController};
use super::fault::Fault;
use super::model::{Image, ImageQuery, ImageStatus};
use super::version::{ApiVersion, Endpoint};
use crate::core::{
    Application, BodyLimitExceeded, BoxError, Context, RemoteAddr, Request, RequestId, Response,
    ScriptName,
};

/// How many images a page holds when the request names no `limit` (Glance's
/// `limit_param_default`).
pub const DEFAULT_PAGE_SIZE: usize = 25;

/// The most images a page holds, whatever the request asks (Glance's `api_limit_max`).
pub const MAX_PAGE_SIZE: usize = 1000;

/// The versions `GET /` lists, newest first; the first is `CURRENT`.
const VERSIONS: [&str; 17] = [
    "2.16", "2.15", "2.14", "2.13", "2.12", "2.11", "2.10", "2.9", "2.8", "2.7", "2.6", "2.5",
    "2.4", "2.3", "2.2", "2.1", "2.0",
];

/// Query parameters that are not image properties.
const KNOWN_PARAMETERS: [&str; 20] = [
    "limit",
    "marker",
    "sort",
    "sort_key",
    "sort_dir",
    "member_status",
    "name",
    "id",
    "status",
    "visibility",
    "os_hidden",
    "owner",
    "protected",
    "disk_format",
    "container_format",
    "tag",
    "size_min",
    "size_max",
    "created_at",
    "updated_at",
];

/// How the image endpoint learns who calls.
#[derive(Clone)]
pub enum ImageAuth {
    /// `X-Auth-Token` must be a token the validator accepts (401 otherwise).
    Tokens(Arc<dyn TokenValidator>),
    /// No check, as Nova's NoAuth: `X-Auth-Token: user:project` names the caller (the
    /// project defaults to the user), who holds the roles `member` and `admin`. A
    /// request without a token is refused (401). For local fakes and tests only.
    NoAuth,
}

impl std::fmt::Debug for ImageAuth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ImageAuth::Tokens(_) => f.write_str("Tokens"),
            ImageAuth::NoAuth => f.write_str("NoAuth"),
        }
    }
}

/// The read-only image endpoint: an [`Application`] serving Glance's Images API v2 from
/// a [`ComputeController`]. Cheap to clone.
#[derive(Clone)]
pub struct ImageService {
    controller: Arc<dyn ComputeController>,
    auth: ImageAuth,
    region: Option<String>,
}

impl std::fmt::Debug for ImageService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ImageService")
            .field("auth", &self.auth)
            .field("region", &self.region)
            .finish_non_exhaustive()
    }
}

impl ImageService {
    /// The endpoint over `controller`, accepting the tokens `validator` accepts.
    pub fn with_tokens(
        controller: Arc<dyn ComputeController>,
        validator: Arc<dyn TokenValidator>,
    ) -> Self {
        ImageService::new(controller, ImageAuth::Tokens(validator))
    }

    /// The endpoint over `controller`, trusting `X-Auth-Token: user:project`.
    pub fn no_auth(controller: Arc<dyn ComputeController>) -> Self {
        ImageService::new(controller, ImageAuth::NoAuth)
    }

    /// The endpoint over `controller`, authenticating callers with `auth`.
    pub fn new(controller: Arc<dyn ComputeController>, auth: ImageAuth) -> Self {
        ImageService {
            controller,
            auth,
            region: None,
        }
    }

    /// The region the controller's calls name in `context.region` (default: none, so the
    /// controller picks its own default).
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = Some(region.into());
        self
    }

    async fn answer(&self, request: &Request, request_id: &RequestId) -> Result<Answer, Error> {
        if request.extensions().get::<BodyLimitExceeded>().is_some() {
            return Err(Error::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "Request Entity is too large.",
            ));
        }

        let context = match Route::of(ScriptName::path_under(request)) {
            Some(Route::Versions { explicit }) => {
                let status = if explicit {
                    StatusCode::OK
                } else {
                    StatusCode::MULTIPLE_CHOICES
                };
                return Ok(Answer::new(status, versions_document(request)));
            }
            // As behind Glance's authentication filter: no path is found without a token.
            _ => self.authenticate(request, request_id).await?,
        };
        let Some(Route::Api(route)) = Route::of(ScriptName::path_under(request)) else {
            return Err(Error::not_found());
        };
        if request.method() != Method::GET && request.method() != Method::HEAD {
            return Err(Error::method_not_allowed());
        }
        match route {
            ApiRoute::Images => self.list(request, context).await,
            ApiRoute::Image(id) => self.show(id, context).await,
            ApiRoute::ImageSchema => Ok(Answer::new(StatusCode::OK, image_schema())),
            ApiRoute::ImagesSchema => Ok(Answer::new(StatusCode::OK, images_schema())),
        }
    }

    async fn authenticate(
        &self,
        request: &Request,
        request_id: &RequestId,
    ) -> Result<Context, Error> {
        let token = request
            .headers()
            .get("x-auth-token")
            .and_then(|value| value.to_str().ok())
            .filter(|token| !token.is_empty())
            .ok_or_else(Error::unauthorized)?;
        let mut context = match &self.auth {
            ImageAuth::Tokens(validator) => validator
                .validate(token)
                .await
                .map_err(Error::from_fault)?
                .ok_or_else(Error::unauthorized)?,
            ImageAuth::NoAuth => {
                let (user, project) = match token.split_once(':') {
                    Some((user, project)) if !project.is_empty() => (user, project),
                    _ => (token, token),
                };
                Context {
                    user_id: user.to_owned(),
                    project_id: project.to_owned(),
                    roles: vec!["member".to_owned(), "admin".to_owned()],
                    is_admin: true,
                    ..Context::default()
                }
            }
        };
        context.request_id = request_id.clone();
        context.remote_addr = request.extensions().get::<RemoteAddr>().map(|addr| addr.0);
        if context.region.is_none() {
            context.region = self.region.clone();
        }
        Ok(context)
    }

    /// `GET /v2/images`.
    async fn list(&self, request: &Request, context: Context) -> Result<Answer, Error> {
        let parameters = Parameters::of(request);
        let filters = Filters::parse(&parameters)?;
        let limit = match parameters.get("limit") {
            Some(limit) => parse_limit(limit)?.min(MAX_PAGE_SIZE),
            None => DEFAULT_PAGE_SIZE,
        };

        // The controller narrows what it can; the filters are applied again here, so a
        // controller that ignores some of them still answers correctly.
        let query = ImageQuery {
            name: filters.name.clone(),
            ids: filters.ids.clone(),
            hidden: Some(filters.hidden),
            ..ImageQuery::default()
        };
        let call = ComputeCall::new(context, ApiVersion::V2_1, Endpoint::V2_1, query);
        let mut images: Vec<Image> = self
            .controller
            .list_images(call)
            .await
            .map_err(Error::from_fault)?
            .into_iter()
            .filter(|image| filters.accept(image))
            .collect();
        images.sort_by(|a, b| {
            (Reverse(a.created), Reverse(&a.id)).cmp(&(Reverse(b.created), Reverse(&b.id)))
        });

        let start = match parameters.get("marker") {
            Some(marker) => {
                let position = images.iter().position(|image| image.id == marker);
                position.map(|position| position + 1).ok_or_else(|| {
                    Error::bad_request(format!("Image with the given id {marker} was not found"))
                })?
            }
            None => 0,
        };
        let page: Vec<&Image> = images.iter().skip(start).take(limit).collect();

        let mut body = json!({
            "images": page.iter().map(|image| image_view(image)).collect::<Vec<_>>(),
            "first": parameters.link(None),
            "schema": "/v2/schemas/images",
        });
        if let Some(last) = page.last().filter(|_| page.len() == limit) {
            body["next"] = Value::String(parameters.link(Some(&last.id)));
        }
        Ok(Answer::new(StatusCode::OK, body))
    }

    /// `GET /v2/images/{id}`.
    async fn show(&self, id: &str, context: Context) -> Result<Answer, Error> {
        let call = ComputeCall::new(context, ApiVersion::V2_1, Endpoint::V2_1, id.to_owned());
        match self.controller.show_image(call).await {
            Ok(image) => Ok(Answer::new(StatusCode::OK, image_view(&image))),
            Err(fault) if fault.status() == StatusCode::NOT_FOUND => Err(Error::new(
                StatusCode::NOT_FOUND,
                format!("No image found with ID {id}"),
            )),
            Err(fault) => Err(Error::from_fault(fault)),
        }
    }
}

#[async_trait]
impl Application for ImageService {
    async fn call(&self, request: Request) -> Result<Response, BoxError> {
        let request_id = request
            .extensions()
            .get::<RequestId>()
            .cloned()
            .unwrap_or_else(RequestId::generate);
        let answer = self.answer(&request, &request_id).await;
        let status = match &answer {
            Ok(answer) => answer.status,
            Err(error) => error.status,
        };
        if status.is_server_error() {
            tracing::error!(
                target: "cumulo::openstack::image",
                method = %request.method(),
                path = request.uri().path(),
                status = status.as_u16(),
                request_id = %request_id,
                "image request failed",
            );
        } else {
            tracing::debug!(
                target: "cumulo::openstack::image",
                method = %request.method(),
                path = request.uri().path(),
                status = status.as_u16(),
                request_id = %request_id,
                "image request",
            );
        }
        let response = match answer {
            Ok(answer) => json_response(answer.status, &answer.body),
            Err(error) => error.into_response(),
        };
        let mut response = response;
        if let Ok(value) = HeaderValue::from_str(request_id.as_str()) {
            response
                .headers_mut()
                .insert("x-openstack-request-id", value);
        }
        if request.method() == Method::HEAD {
            *response.body_mut() = crate::core::Body::empty();
        }
        Ok(response)
    }
}

/// The paths served.
enum Route<'a> {
    /// `/` (300) or `/versions` (200): no token needed.
    Versions {
        explicit: bool,
    },
    Api(ApiRoute<'a>),
}

/// The paths that need a token.
enum ApiRoute<'a> {
    Images,
    Image(&'a str),
    ImageSchema,
    ImagesSchema,
}

impl<'a> Route<'a> {
    fn of(path: &'a str) -> Option<Route<'a>> {
        let route = match path.trim_end_matches('/') {
            "" => return Some(Route::Versions { explicit: false }),
            "/versions" => return Some(Route::Versions { explicit: true }),
            "/v2/images" => ApiRoute::Images,
            "/v2/schemas/image" => ApiRoute::ImageSchema,
            "/v2/schemas/images" => ApiRoute::ImagesSchema,
            other => {
                let id = other.strip_prefix("/v2/images/")?;
                if id.is_empty() || id.contains('/') {
                    return None;
                }
                ApiRoute::Image(id)
            }
        };
        Some(Route::Api(route))
    }
}

/// A successful answer: a status and a JSON document.
struct Answer {
    status: StatusCode,
    body: Value,
}

impl Answer {
    fn new(status: StatusCode, body: Value) -> Self {
        Answer { status, body }
    }
}

/// An error of the image endpoint: an HTTP status and the message webob shows.
#[derive(Debug)]
struct Error {
    status: StatusCode,
    message: String,
}

impl Error {
    fn new(status: StatusCode, message: impl Into<String>) -> Self {
        Error {
            status,
            message: message.into(),
        }
    }

    fn bad_request(message: impl Into<String>) -> Self {
        Error::new(StatusCode::BAD_REQUEST, message)
    }

    fn not_found() -> Self {
        Error::new(StatusCode::NOT_FOUND, "The resource could not be found.")
    }

    fn method_not_allowed() -> Self {
        Error::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "The method is not allowed for this resource.",
        )
    }

    fn unauthorized() -> Self {
        Error::new(
            StatusCode::UNAUTHORIZED,
            "The request you have made requires authentication.",
        )
    }

    /// A controller's fault, keeping its status; a server error's message stays in the
    /// log.
    fn from_fault(fault: Fault) -> Self {
        if fault.status().is_server_error() {
            tracing::error!(
                target: "cumulo::openstack::image",
                status = fault.status().as_u16(),
                message = fault.message(),
                "the controller failed",
            );
            let message = match fault.status() {
                StatusCode::SERVICE_UNAVAILABLE => fault.message().to_owned(),
                _ => "The server has either erred or is incapable of performing the \
                      requested operation."
                    .to_owned(),
            };
            return Error::new(fault.status(), message);
        }
        Error::new(fault.status(), fault.message())
    }

    fn into_response(self) -> Response {
        let title = self.status.canonical_reason().unwrap_or("Error");
        let body = if self.status == StatusCode::UNAUTHORIZED {
            json!({"error": {"code": 401, "title": title, "message": self.message}})
        } else {
            json!({
                "message": self.message,
                "code": format!("{} {title}", self.status.as_u16()),
                "title": title,
            })
        };
        let mut response = json_response(self.status, &body);
        if self.status == StatusCode::METHOD_NOT_ALLOWED {
            response
                .headers_mut()
                .insert(ALLOW, HeaderValue::from_static("GET, HEAD"));
        }
        response
    }
}

fn json_response(status: StatusCode, body: &Value) -> Response {
    let mut response = Response::new(body.to_string().into());
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response
}

/// The query string's parameters, in order; a repeated name keeps its last value at its
/// first place, as Glance's links show them.
struct Parameters(Vec<(String, String)>);

impl Parameters {
    fn of(request: &Request) -> Self {
        let mut parameters: Vec<(String, String)> = Vec::new();
        let query = request.uri().query().unwrap_or_default();
        for (name, value) in form_urlencoded::parse(query.as_bytes()) {
            match parameters.iter_mut().find(|(known, _)| *known == name) {
                Some(entry) => entry.1 = value.into_owned(),
                None => parameters.push((name.into_owned(), value.into_owned())),
            }
        }
        Parameters(parameters)
    }

    fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(known, _)| known == name)
            .map(|(_, value)| value.as_str())
    }

    /// `/v2/images` with these parameters, without `marker`, then with `marker` when
    /// given (the `first` and `next` links).
    fn link(&self, marker: Option<&str>) -> String {
        let mut query = form_urlencoded::Serializer::new(String::new());
        for (name, value) in self.0.iter().filter(|(name, _)| name != "marker") {
            query.append_pair(name, value);
        }
        if let Some(marker) = marker {
            query.append_pair("marker", marker);
        }
        let query = query.finish();
        if query.is_empty() {
            "/v2/images".to_owned()
        } else {
            format!("/v2/images?{query}")
        }
    }
}

fn parse_limit(limit: &str) -> Result<usize, Error> {
    let limit: i64 = limit
        .trim()
        .parse()
        .map_err(|_| Error::bad_request("limit param must be an integer"))?;
    usize::try_from(limit).map_err(|_| Error::bad_request("limit param must be positive"))
}

/// Which visibilities a listing shows.
#[derive(Debug, PartialEq, Eq)]
enum VisibilityFilter {
    /// Glance's default: everything but community images.
    Default,
    /// `visibility=all`.
    All,
    /// `visibility=public` and the like.
    Only(String),
}

/// The filters of `GET /v2/images`.
#[derive(Debug)]
struct Filters {
    name: Option<String>,
    ids: Option<Vec<String>>,
    status: Option<String>,
    visibility: VisibilityFilter,
    hidden: bool,
    owner: Option<String>,
    protected: Option<bool>,
    disk_format: Option<String>,
    container_format: Option<String>,
    tagged: bool,
    size_min: Option<u64>,
    size_max: Option<u64>,
    properties: Vec<(String, String)>,
}

impl Filters {
    fn parse(parameters: &Parameters) -> Result<Self, Error> {
        let visibility = match parameters.get("visibility") {
            None | Some("") => VisibilityFilter::Default,
            Some("all") => VisibilityFilter::All,
            Some(value @ ("public" | "private" | "shared" | "community")) => {
                VisibilityFilter::Only(value.to_owned())
            }
            Some(value) => {
                return Err(Error::bad_request(format!(
                    "Invalid visibility value: {value}"
                )));
            }
        };
        let hidden = match parameters.get("os_hidden") {
            None => false,
            Some(value) => boolean_filter("os_hidden", value)?,
        };
        let protected = parameters
            .get("protected")
            .map(|value| boolean_filter("protected", value))
            .transpose()?;
        let ids = parameters.get("id").map(id_filter).transpose()?;
        if let Some(status) = parameters.get("status")
            && !GLANCE_STATUSES.contains(&status)
        {
            return Err(Error::bad_request(format!(
                "Invalid status value: {status}"
            )));
        }
        if parameters.get("updated_at").is_some() || parameters.get("created_at").is_some() {
            return Err(Error::bad_request(
                "Filtering by created_at or updated_at is not supported by this endpoint.",
            ));
        }
        let properties = parameters
            .0
            .iter()
            .filter(|(name, _)| !KNOWN_PARAMETERS.contains(&name.as_str()))
            .cloned()
            .collect();
        Ok(Filters {
            name: parameters.get("name").map(str::to_owned),
            ids,
            status: parameters.get("status").map(str::to_owned),
            visibility,
            hidden,
            owner: parameters.get("owner").map(str::to_owned),
            protected,
            disk_format: parameters.get("disk_format").map(str::to_owned),
            container_format: parameters.get("container_format").map(str::to_owned),
            tagged: parameters.get("tag").is_some(),
            size_min: size_filter(parameters, "size_min")?,
            size_max: size_filter(parameters, "size_max")?,
            properties,
        })
    }

    fn accept(&self, image: &Image) -> bool {
        let same = |wanted: &Option<String>, actual: &str| {
            wanted.as_deref().is_none_or(|wanted| wanted == actual)
        };
        let visible = match &self.visibility {
            VisibilityFilter::Default => image.visibility.as_str() != "community",
            VisibilityFilter::All => true,
            VisibilityFilter::Only(visibility) => image.visibility.as_str() == visibility,
        };
        visible
            && !self.tagged
            && image.hidden == self.hidden
            && same(&self.name, &image.name)
            && same(&self.status, glance_status(image.status))
            && same(&self.owner, &image.owner)
            && same(&self.disk_format, &image.disk_format)
            && same(&self.container_format, &image.container_format)
            && self
                .protected
                .is_none_or(|protected| protected == image.protected)
            && self.size_min.is_none_or(|min| image.size >= min)
            && self.size_max.is_none_or(|max| image.size <= max)
            && self.ids.as_ref().is_none_or(|ids| ids.contains(&image.id))
            && self
                .properties
                .iter()
                .all(|(name, value)| image.metadata.get(name).is_some_and(|held| held == value))
    }
}

fn boolean_filter(name: &str, value: &str) -> Result<bool, Error> {
    match value.to_ascii_lowercase().as_str() {
        "true" => Ok(true),
        "false" => Ok(false),
        _ => Err(Error::bad_request(format!(
            "Invalid value '{value}' for '{name}' filter. Valid values are 'true' or 'false'."
        ))),
    }
}

fn size_filter(parameters: &Parameters, name: &str) -> Result<Option<u64>, Error> {
    parameters
        .get(name)
        .map(|value| {
            value
                .parse()
                .map_err(|_| Error::bad_request(format!("Invalid value for {name}: {value}")))
        })
        .transpose()
}

/// `id=X`, or `id=in:a,b` with values optionally in double quotes (`in:"a,b",c`), as
/// the API working group's filtering guideline spells a list.
fn id_filter(value: &str) -> Result<Vec<String>, Error> {
    let Some(list) = value.strip_prefix("in:") else {
        return Ok(vec![value.to_owned()]);
    };
    let invalid = |why: &str| Error::bad_request(format!("Invalid filter value {list}. {why}"));
    let mut ids = Vec::new();
    let mut rest = list;
    while !rest.is_empty() {
        if let Some(quoted) = rest.strip_prefix('"') {
            let mut id = String::new();
            let mut characters = quoted.char_indices();
            let end = loop {
                match characters.next() {
                    Some((_, '\\')) => {
                        if let Some((_, escaped)) = characters.next() {
                            id.push('\\');
                            id.push(escaped);
                        }
                    }
                    Some((index, '"')) => break index,
                    Some((_, character)) => id.push(character),
                    None => return Err(invalid("The quote is not closed.")),
                }
            };
            rest = &quoted[end + 1..];
            match rest.strip_prefix(',') {
                Some(after) => rest = after,
                None if rest.is_empty() => {}
                None => return Err(invalid("There is no comma after closing quotation mark.")),
            }
            ids.push(id);
        } else {
            let (id, after) = rest.split_once(',').unwrap_or((rest, ""));
            if id.contains('"') {
                return Err(invalid("There is no comma before opening quotation mark."));
            }
            ids.push(id.to_owned());
            rest = after;
        }
    }
    Ok(ids)
}

/// An image's status as Glance spells it.
/// The statuses Glance's `status` filter accepts.
const GLANCE_STATUSES: &[&str] = &[
    "queued",
    "saving",
    "active",
    "killed",
    "deleted",
    "pending_delete",
    "deactivated",
    "uploading",
    "importing",
];

fn glance_status(status: ImageStatus) -> &'static str {
    match status {
        ImageStatus::Active => "active",
        ImageStatus::Saving => "saving",
        ImageStatus::Deleted => "deleted",
        ImageStatus::Error => "killed",
        ImageStatus::Unknown => "queued",
    }
}

/// `2026-03-04T05:06:07Z`, as Glance's `isotime` writes times.
fn isotime(at: Option<OffsetDateTime>) -> Value {
    let Some(at) = at else {
        return Value::Null;
    };
    let at = at.to_offset(time::UtcOffset::UTC);
    Value::String(format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        at.year(),
        u8::from(at.month()),
        at.day(),
        at.hour(),
        at.minute(),
        at.second()
    ))
}

/// The image as Glance shows it: its properties at the top level, then its attributes.
fn image_view(image: &Image) -> Value {
    let mut view = Map::new();
    for (key, value) in &image.metadata {
        view.insert(key.clone(), Value::String(value.clone()));
    }
    if let Some(server) = &image.server_id {
        view.entry("instance_uuid")
            .or_insert_with(|| Value::String(server.clone()));
    }
    let id = &image.id;
    let attributes = json!({
        "id": id,
        "name": image.name,
        "status": glance_status(image.status),
        "visibility": image.visibility.as_str(),
        "owner": image.owner,
        "protected": image.protected,
        "os_hidden": image.hidden,
        "min_disk": image.min_disk,
        "min_ram": image.min_ram,
        "size": image.size,
        "virtual_size": null,
        "checksum": null,
        "os_hash_algo": null,
        "os_hash_value": null,
        "disk_format": image.disk_format,
        "container_format": image.container_format,
        "created_at": isotime(image.created),
        "updated_at": isotime(image.updated.or(image.created)),
        "tags": [],
        "self": format!("/v2/images/{id}"),
        "file": format!("/v2/images/{id}/file"),
        "schema": "/v2/schemas/image",
    });
    if let Value::Object(attributes) = attributes {
        view.extend(attributes);
    }
    Value::Object(view)
}

/// Glance's versions document: every version links to `/v2/`.
fn versions_document(request: &Request) -> Value {
    let href = format!("{}v2/", ScriptName::base_url(request));
    let versions: Vec<Value> = VERSIONS
        .iter()
        .enumerate()
        .map(|(index, version)| {
            json!({
                "id": format!("v{version}"),
                "status": if index == 0 { "CURRENT" } else { "SUPPORTED" },
                "links": [{"rel": "self", "href": href}],
            })
        })
        .collect();
    json!({ "versions": versions })
}

/// The attributes of an image in `GET /v2/schemas/image`.
fn image_properties() -> Value {
    let text = |description: &str| json!({"type": "string", "description": description});
    let nullable_text = |description: &str| read_only(json!(["null", "string"]), description);
    let count = |description: &str| read_only(json!(["null", "integer"]), description);
    json!({
        "id": {"type": "string", "description": "An identifier for the image"},
        "name": {"type": ["null", "string"], "description": "Descriptive name for the image"},
        "status": {
            "type": "string",
            "readOnly": true,
            "description": "Status of the image",
            "enum": [
                "queued", "saving", "active", "killed", "deleted", "uploading",
                "importing", "pending_delete", "deactivated",
            ],
        },
        "visibility": {
            "type": "string",
            "description": "Scope of image accessibility",
            "enum": ["community", "public", "private", "shared"],
        },
        "protected": {"type": "boolean", "description": "If true, image will not be deletable."},
        "os_hidden": {
            "type": "boolean",
            "description": "If true, image will not appear in default image list response.",
        },
        "checksum": nullable_text("md5 hash of image contents."),
        "os_hash_algo": nullable_text("Algorithm to calculate the os_hash_value"),
        "os_hash_value": nullable_text("Hexdigest of the image contents"),
        "owner": {"type": ["null", "string"], "description": "Owner of the image"},
        "size": count("Size of image file in bytes"),
        "virtual_size": count("Virtual size of image in bytes"),
        "container_format": {
            "type": ["null", "string"],
            "description": "Format of the container",
            "enum": [null, "ami", "ari", "aki", "bare", "ovf", "ova", "docker", "compressed"],
        },
        "disk_format": {
            "type": ["null", "string"],
            "description": "Format of the disk",
            "enum": [
                null, "ami", "ari", "aki", "vhd", "vhdx", "vmdk", "raw", "qcow2", "vdi",
                "iso", "ploop",
            ],
        },
        "created_at": text("Date and time of image registration"),
        "updated_at": text("Date and time of the last image modification"),
        "tags": {
            "type": "array",
            "description": "List of strings related to the image",
            "items": {"type": "string", "maxLength": 255},
        },
        "min_ram": {
            "type": "integer",
            "description": "Amount of ram (in MB) required to boot image.",
        },
        "min_disk": {
            "type": "integer",
            "description": "Amount of disk space (in GB) required to boot image.",
        },
        "self": {"type": "string", "readOnly": true, "description": "An image self url"},
        "file": {"type": "string", "readOnly": true, "description": "An image file url"},
        "schema": {"type": "string", "readOnly": true, "description": "An image schema url"},
    })
}

/// A read-only attribute of `kind` in a schema.
fn read_only(kind: Value, description: &str) -> Value {
    json!({"type": kind, "readOnly": true, "description": description})
}

/// `GET /v2/schemas/image`: a permissive schema, extra properties being strings.
fn image_schema() -> Value {
    json!({
        "name": "image",
        "properties": image_properties(),
        "additionalProperties": {"type": "string"},
        "links": [
            {"rel": "self", "href": "{self}"},
            {"rel": "enclosure", "href": "{file}"},
            {"rel": "describedby", "href": "{schema}"},
        ],
    })
}

/// `GET /v2/schemas/images`.
fn images_schema() -> Value {
    json!({
        "name": "images",
        "properties": {
            "images": {"type": "array", "items": image_schema()},
            "schema": {"type": "string"},
            "first": {"type": "string"},
            "next": {"type": "string"},
        },
        "links": [
            {"rel": "first", "href": "{first}"},
            {"rel": "next", "href": "{next}"},
            {"rel": "describedby", "href": "{schema}"},
        ],
    })
}

#[cfg(test)]
mod tests;
