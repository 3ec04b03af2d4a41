//! `/servers`: list (with Nova's filters and paging), detail, show, create, update and
//! delete.

use std::collections::BTreeMap;

use http::{HeaderValue, Method, StatusCode, header};
use serde_json::{Value, json};

use super::super::fault::Fault;
use super::super::model::{
    ChangePassword, CreateServer, NetworkRequest, RequestedNetwork, Server, ServerQuery,
    ServerSort, ServerSortKey, ServerStatus, SortDir, UpdateServer,
};
use super::super::request::{ApiRequest, ApiResponse, Availability, Route};
use super::super::version::Endpoint;
use super::super::xml::XmlElement;
use super::input::{self, Fields};
use super::server_views::{
    ServerView, disk_config, server_json, server_xml, summary_json, summary_xml,
};
use super::views::{MAX_LIMIT, collection_links, links};
use super::{Controller, call, is_admin, route, since};

/// The routes of `/servers`.
pub(super) fn routes(controller: &Controller) -> Vec<Route> {
    let everywhere = Availability::EVERYWHERE;
    vec![
        route(controller, Method::GET, "/servers", everywhere, index),
        route(
            controller,
            Method::GET,
            "/servers/detail",
            everywhere,
            detail,
        ),
        route(controller, Method::POST, "/servers", everywhere, create),
        route(
            controller,
            Method::GET,
            "/servers/{server_id}",
            everywhere,
            show,
        ),
        route(
            controller,
            Method::PUT,
            "/servers/{server_id}",
            everywhere,
            update,
        ),
        route(
            controller,
            Method::DELETE,
            "/servers/{server_id}",
            everywhere,
            delete,
        ),
    ]
}

/// `GET /servers`.
async fn index(controller: Controller, request: ApiRequest) -> Result<ApiResponse, Fault> {
    let servers = list(&controller, &request, "index").await?;
    let entries: Vec<Value> = servers
        .iter()
        .map(|server| summary_json(&request, server))
        .collect();
    Ok(list_response(
        &request,
        "servers",
        entries,
        &servers,
        |server| summary_xml(&request, server),
    ))
}

/// `GET /servers/detail`.
async fn detail(controller: Controller, request: ApiRequest) -> Result<ApiResponse, Fault> {
    let servers = list(&controller, &request, "detail").await?;
    let entries: Vec<Value> = servers
        .iter()
        .map(|server| server_json(&request, server, ServerView::Full))
        .collect();
    Ok(list_response(
        &request,
        "servers/detail",
        entries,
        &servers,
        |server| server_xml(&request, server),
    ))
}

/// `{"servers": [...], "servers_links": [...]}`, or `<servers>`.
fn list_response(
    request: &ApiRequest,
    path: &str,
    entries: Vec<Value>,
    servers: &[Server],
    xml: impl Fn(&Server) -> XmlElement,
) -> ApiResponse {
    ApiResponse::document(
        request,
        StatusCode::OK,
        || {
            let mut body = json!({"servers": entries});
            if request.endpoint != Endpoint::V1_0 {
                let last = servers.last().map(|server| server.id.as_str());
                if let Some(links) = collection_links(request, path, servers.len(), last) {
                    body["servers_links"] = links;
                }
            }
            body
        },
        || XmlElement::new("servers").children(servers.iter().map(xml)),
    )
}

/// The servers the query selects; an unknown status lists none (400 from 2.38).
async fn list(
    controller: &Controller,
    request: &ApiRequest,
    rule: &str,
) -> Result<Vec<Server>, Fault> {
    check_all_tenants(request, rule)?;
    let Some(query) = server_query(request)? else {
        return Ok(Vec::new());
    };
    controller.list_servers(call(request, query)).await
}

/// Refuses `all_tenants` to anyone but an administrator, as Nova's policy `rule` (`index`
/// or `detail`) does; a value
/// that is not a boolean is 400 (a bare `all_tenants` means true).
///
/// Limitation: an administrator's `all_tenants` is accepted but lists their own project's
/// servers only.
fn check_all_tenants(request: &ApiRequest, rule: &str) -> Result<(), Fault> {
    let Some(value) = request.query_value("all_tenants") else {
        return Ok(());
    };
    let all_tenants = match value.to_ascii_lowercase().as_str() {
        "" | "1" | "t" | "true" | "y" | "yes" | "on" => true,
        "0" | "f" | "false" | "n" | "no" | "off" => false,
        _ => {
            return Err(Fault::bad_request(format!(
                "Invalid input received: Unrecognized value '{value}', acceptable values \
                 are: '0', '1', 'f', 'false', 'n', 'no', 'off', 'on', 't', 'true', 'y', 'yes'"
            )));
        }
    };
    if all_tenants && !is_admin(&request.context) {
        return Err(Fault::forbidden(format!(
            "Policy doesn't allow os_compute_api:servers:{rule}:get_all_tenants to be \
             performed."
        )));
    }
    Ok(())
}

/// The [`ServerQuery`] of the request's filters, or `None` when a status filter names
/// no status (the list is then empty).
///
/// Limitation: of several `status` values, only the first known one filters.
fn server_query(request: &ApiRequest) -> Result<Option<ServerQuery>, Fault> {
    let mut query = ServerQuery {
        name: request.query_value("name").map(str::to_owned),
        image: request.query_value("image").map(str::to_owned),
        flavor: request.query_value("flavor").map(str::to_owned),
        ip: request.query_value("ip").map(str::to_owned),
        reservation_id: request.query_value("reservation_id").map(str::to_owned),
        changes_since: input::query_time(request, "changes-since")?,
        limit: Some(
            input::query_limit(request)?
                .unwrap_or(MAX_LIMIT)
                .min(MAX_LIMIT),
        ),
        marker: input::query_marker(request),
        sort: server_sort(request)?,
        ..ServerQuery::default()
    };

    let statuses: Vec<&str> = request.query_values("status").collect();
    if !statuses.is_empty() {
        match statuses
            .iter()
            .find_map(|name| ServerStatus::from_name(name))
        {
            Some(ServerStatus::Deleted) if !is_admin(&request.context) => {
                return Err(Fault::forbidden(
                    "Only administrators may list deleted instances",
                ));
            }
            Some(status) => query.status = Some(status),
            None if since(request, 38) => {
                return Err(Fault::bad_request("Invalid status value"));
            }
            None => return Ok(None),
        }
    }

    if since(request, 26) {
        let tags = |name: &str| -> Vec<String> {
            request
                .query_value(name)
                .map(|value| value.split(',').map(str::to_owned).collect())
                .unwrap_or_default()
        };
        query.tags = tags("tags");
        query.tags_any = tags("tags-any");
        query.not_tags = tags("not-tags");
        query.not_tags_any = tags("not-tags-any");
    }
    Ok(Some(query))
}

/// Sort keys Nova accepts and ignores.
const IGNORED_SORT_KEYS: [&str; 22] = [
    "architecture",
    "cell_name",
    "cleaned",
    "default_ephemeral_device",
    "default_swap_device",
    "deleted",
    "deleted_at",
    "disable_terminate",
    "ephemeral_gb",
    "ephemeral_key_uuid",
    "id",
    "key_data",
    "launched_on",
    "locked",
    "memory_mb",
    "os_type",
    "reservation_id",
    "root_gb",
    "shutdown_terminate",
    "user_data",
    "vcpus",
    "vm_mode",
];

/// The order `sort_key` and `sort_dir` ask for, as Nova reads them: no key means
/// `created_at`, no direction `desc`; a key Nova ignores is dropped with the direction
/// at its place; `host` and `node` are for administrators; keys without a direction
/// take the first one; `created_at` then `uuid` break ties.
fn server_sort(request: &ApiRequest) -> Result<Vec<ServerSort>, Fault> {
    let invalid = |name: &str, value: &str| {
        Fault::bad_request(format!(
            "Invalid input for query parameters {name}. Value: {value}. \
             '{value}' is not one of the allowed values."
        ))
    };
    let mut dirs = request
        .query_values("sort_dir")
        .map(|value| match value.trim() {
            "asc" => Ok(SortDir::Asc),
            "desc" => Ok(SortDir::Desc),
            _ => Err(invalid("sort_dir", value)),
        })
        .collect::<Result<Vec<_>, _>>()?;
    let mut keys = Vec::new();
    for value in request.query_values("sort_key") {
        let name = value.trim();
        let key = ServerSortKey::from_name(name);
        if key.is_none() && !IGNORED_SORT_KEYS.contains(&name) {
            return Err(invalid("sort_key", value));
        }
        if matches!(key, Some(ServerSortKey::Host | ServerSortKey::Node))
            && !is_admin(&request.context)
        {
            return Err(Fault::forbidden(format!(
                "Only administrators can sort servers by {name}"
            )));
        }
        keys.push(key);
    }
    if keys.is_empty() {
        keys.push(Some(ServerSortKey::CreatedAt));
    }
    if dirs.is_empty() {
        dirs.push(SortDir::Desc);
    }
    let mut kept = Vec::with_capacity(keys.len() + 2);
    for key in keys {
        match key {
            Some(key) => kept.push(key),
            None if kept.len() < dirs.len() => {
                dirs.remove(kept.len());
            }
            None => {}
        }
    }
    let default_dir = dirs.first().copied().unwrap_or(SortDir::Desc);
    if dirs.len() > kept.len() {
        return Err(Fault::bad_request(
            "Sort direction size exceeds sort key size",
        ));
    }
    dirs.resize(kept.len(), default_dir);
    for key in [ServerSortKey::CreatedAt, ServerSortKey::Uuid] {
        if !kept.contains(&key) {
            kept.push(key);
            dirs.push(default_dir);
        }
    }
    Ok(kept
        .into_iter()
        .zip(dirs)
        .map(|(key, dir)| ServerSort { key, dir })
        .collect())
}

/// `GET /servers/{server_id}`.
async fn show(controller: Controller, request: ApiRequest) -> Result<ApiResponse, Fault> {
    let id = request.param("server_id")?.to_owned();
    let server = controller.show_server(call(&request, id)).await?;
    Ok(server_document(
        &request,
        StatusCode::OK,
        &server,
        ServerView::Full,
    ))
}

/// `{"server": view}` or the `<server>` element.
pub(super) fn server_document(
    request: &ApiRequest,
    status: StatusCode,
    server: &Server,
    view: ServerView,
) -> ApiResponse {
    ApiResponse::document(
        request,
        status,
        || json!({"server": server_json(request, server, view)}),
        || server_xml(request, server),
    )
}

/// The fields `POST /servers` accepts at the request's microversion.
fn create_fields(request: &ApiRequest) -> Vec<&'static str> {
    let mut fields = vec![
        "name",
        "imageRef",
        "flavorRef",
        "adminPass",
        "metadata",
        "networks",
        "OS-DCF:diskConfig",
        "accessIPv4",
        "accessIPv6",
        "personality",
        "availability_zone",
        "block_device_mapping",
        "block_device_mapping_v2",
        "config_drive",
        "key_name",
        "min_count",
        "max_count",
        "return_reservation_id",
        "security_groups",
        "user_data",
    ];
    if since(request, 19) {
        fields.push("description");
    }
    if since(request, 26) {
        fields.push("tags");
    }
    fields
}

/// `POST /servers`: 202 with the new server's id, links, disk config, security groups
/// and administrator password, and its link as `Location`; or the reservation id when
/// the request asked `return_reservation_id`.
async fn create(controller: Controller, request: ApiRequest) -> Result<ApiResponse, Fault> {
    let strict = input::strict(&request);
    let server = input::body_member(&request, "server")?;
    Fields::root(input::body(&request)?).only(
        &["server", "os:scheduler_hints", "OS-SCH-HNT:scheduler_hints"],
        strict,
    )?;
    server.only(&create_fields(&request), strict)?;
    input::check_disk_config(&server)?;

    let input = create_input(&request, server)?;
    let security_groups = server.get("security_groups").cloned();
    let return_reservation_id = match server.get("return_reservation_id") {
        Some(value) => input::boolean("return_reservation_id", value)?,
        None => false,
    };

    let created = controller.create_server(call(&request, input)).await?;

    if return_reservation_id {
        return Ok(ApiResponse::document(
            &request,
            StatusCode::ACCEPTED,
            || json!({"reservation_id": created.reservation_id}),
            || XmlElement::new("server").attr("reservation_id", &created.reservation_id),
        ));
    }

    let new = &created.server;
    let mut response = ApiResponse::document(
        &request,
        StatusCode::ACCEPTED,
        || {
            let mut body = if request.endpoint == Endpoint::V1_0 {
                server_json(&request, new, ServerView::Full)
            } else {
                json!({
                    "id": new.id,
                    "links": links(&request.links, "servers", &new.id),
                    "OS-DCF:diskConfig": disk_config(new),
                    "security_groups": security_groups
                        .unwrap_or_else(|| json!([{"name": "default"}])),
                })
            };
            if let Some(password) = &new.admin_pass {
                body["adminPass"] = password.clone().into();
            }
            json!({"server": body})
        },
        || server_xml(&request, new).attr_opt("adminPass", new.admin_pass.as_deref()),
    );
    if request.endpoint != Endpoint::V1_0 {
        let location = request.links.self_link("servers", &new.id);
        if let Ok(value) = HeaderValue::from_str(&location) {
            response.headers.insert(header::LOCATION, value);
        }
    }
    Ok(response)
}

/// The image a `block_device_mapping_v2` boots from, when it only says "boot this image"
/// (one entry: source `image`, boot index 0, destination `local` or `volume`), as the
/// `openstack` CLI sends with every `--image`; `None` without a mapping.
///
/// Limitation: any other mapping (blank, snapshot or volume sources, several devices,
/// the legacy `block_device_mapping`) is refused with `notImplemented`.
fn boot_image(server: &Fields<'_>, image_ref: Option<&str>) -> Result<Option<String>, Fault> {
    let refused = || Fault::not_implemented("Booting from a block device mapping");
    if matches!(server.get("block_device_mapping"), Some(Value::Array(items)) if !items.is_empty())
    {
        return Err(refused());
    }
    let entries = match server.get("block_device_mapping_v2") {
        Some(Value::Array(entries)) if !entries.is_empty() => entries,
        _ => return Ok(None),
    };
    let [entry] = entries.as_slice() else {
        return Err(refused());
    };
    let field = |name: &str| entry.get(name);
    let boots_first = match field("boot_index") {
        Some(Value::Number(index)) => index.as_i64() == Some(0),
        Some(Value::String(index)) => index == "0",
        _ => false,
    };
    let from_image = field("source_type").and_then(Value::as_str) == Some("image");
    let destination = field("destination_type").and_then(Value::as_str);
    let uuid = field("uuid")
        .and_then(Value::as_str)
        .filter(|uuid| !uuid.is_empty());
    match (boots_first && from_image, destination, uuid) {
        (true, Some("local" | "volume") | None, Some(uuid))
            if image_ref.is_none_or(|image| image == uuid) =>
        {
            Ok(Some(uuid.to_owned()))
        }
        _ => Err(refused()),
    }
}

/// The typed input of a create.
///
/// Limitation: `personality` (files to inject, gone from Nova at 2.57) and scheduler
/// hints are accepted and not acted on.
fn create_input(request: &ApiRequest, server: Fields<'_>) -> Result<CreateServer, Fault> {
    let relaxed = !input::strict(request);
    let name = input::name("name", server.required("name")?, relaxed)?;

    // `/v1.0` names the image and flavor `imageId` and `flavorId`.
    let legacy = request.endpoint == Endpoint::V1_0;
    let image_field = if legacy && server.has("imageId") {
        "imageId"
    } else {
        "imageRef"
    };
    let flavor_field = if legacy && server.has("flavorId") {
        "flavorId"
    } else {
        "flavorRef"
    };

    let flavor_ref = input::reference(flavor_field, server.required(flavor_field)?)?;

    let image_ref = match server.get(image_field) {
        Some(Value::String(text)) if text.is_empty() => None,
        Some(value) => Some(input::reference(image_field, value)?),
        None => None,
    };
    let image_ref = match boot_image(&server, image_ref.as_deref())? {
        Some(image) => Some(image),
        None => image_ref,
    };
    let Some(image_ref) = image_ref else {
        return Err(Fault::bad_request("Missing imageRef attribute"));
    };

    let min_count = match server.get("min_count") {
        Some(value) => input::positive_integer("min_count", value)?,
        None => 1,
    };
    let max_count = match server.get("max_count") {
        Some(value) => input::positive_integer("max_count", value)?,
        None => min_count,
    };
    if min_count > max_count {
        return Err(Fault::bad_request("min_count must be <= max_count"));
    }

    let metadata = match server.get("metadata") {
        Some(value) => input::metadata("metadata", value)?,
        None => BTreeMap::new(),
    };
    let user_data = match server.get("user_data") {
        Some(Value::Null) if relaxed => None,
        Some(value) => {
            let text = input::base64_text("user_data", value)?;
            if text.len() > 65535 {
                return Err(input::invalid(
                    "user_data",
                    value,
                    &format!("{} is too long", input::repr(value)),
                ));
            }
            Some(text)
        }
        None => None,
    };
    let description = match server.get("description") {
        Some(value) if since(request, 19) => input::description(value)?,
        _ => None,
    };
    let tags = match server.get("tags") {
        Some(value) if since(request, 26) => tag_list(value)?,
        _ => Vec::new(),
    };

    Ok(CreateServer {
        name,
        image_ref: Some(image_ref),
        flavor_ref,
        networks: networks(request, server)?,
        key_name: optional_name(server, "key_name", relaxed)?,
        security_groups: security_groups(server, relaxed)?,
        user_data,
        metadata,
        availability_zone: optional_name(server, "availability_zone", relaxed)?,
        admin_pass: server.string("adminPass")?.map(str::to_owned),
        description,
        tags,
        access_ipv4: server
            .get("accessIPv4")
            .map(|value| input::ipv4("accessIPv4", value))
            .transpose()?,
        access_ipv6: server
            .get("accessIPv6")
            .map(|value| input::ipv6("accessIPv6", value))
            .transpose()?,
        config_drive: match server.get("config_drive") {
            Some(value) => input::boolean("config_drive", value)?,
            None => false,
        },
        min_count,
        max_count,
    })
}

/// An optional name field (`key_name`, `availability_zone`).
fn optional_name(server: Fields<'_>, field: &str, relaxed: bool) -> Result<Option<String>, Fault> {
    server
        .get(field)
        .map(|value| input::name(field, value, relaxed))
        .transpose()
}

/// `security_groups: [{"name": ...}]`, without repeats.
fn security_groups(server: Fields<'_>, relaxed: bool) -> Result<Vec<String>, Fault> {
    let Some(value) = server.get("security_groups") else {
        return Ok(Vec::new());
    };
    let Value::Array(items) = value else {
        return Err(input::invalid(
            "security_groups",
            value,
            &format!("{} is not of type 'array'", input::repr(value)),
        ));
    };
    let mut names: Vec<String> = Vec::new();
    for item in items {
        let Value::Object(map) = item else {
            return Err(input::invalid(
                "security_groups",
                item,
                &format!("{} is not of type 'object'", input::repr(item)),
            ));
        };
        let group = Fields::new("security_groups", map);
        group.only(&["name"], !relaxed)?;
        if let Some(name) = group.get("name") {
            let name = input::name("name", name, relaxed)?;
            if !names.contains(&name) {
                names.push(name);
            }
        }
    }
    Ok(names)
}

/// Server tags: at most 50, each 1 to 60 characters without `/` or `,`.
fn tag_list(value: &Value) -> Result<Vec<String>, Fault> {
    let Value::Array(items) = value else {
        return Err(input::invalid(
            "tags",
            value,
            &format!("{} is not of type 'array'", input::repr(value)),
        ));
    };
    if items.len() > 50 {
        return Err(input::invalid(
            "tags",
            value,
            "The list has more than 50 items",
        ));
    }
    items
        .iter()
        .map(|item| {
            let tag = input::bounded("tags", item, 1, 60)?;
            if tag.contains(['/', ',']) {
                return Err(input::invalid(
                    "tags",
                    item,
                    &format!("{} does not match '^[^,/]*$'", input::repr(item)),
                ));
            }
            Ok(tag.to_owned())
        })
        .collect()
}

/// `networks`: required from 2.37 as `"auto"`, `"none"` or a list; before, an
/// optional list (absent means `auto`).
fn networks(request: &ApiRequest, server: Fields<'_>) -> Result<NetworkRequest, Fault> {
    let Some(value) = server.get("networks") else {
        if since(request, 37) {
            server.required("networks")?;
        }
        return Ok(NetworkRequest::Auto);
    };
    match value {
        Value::String(text) if since(request, 37) => match text.as_str() {
            "auto" => Ok(NetworkRequest::Auto),
            "none" => Ok(NetworkRequest::None),
            _ => Err(input::invalid(
                "networks",
                value,
                &format!(
                    "{} is not valid under any of the given schemas",
                    input::repr(value)
                ),
            )),
        },
        Value::Array(items) => {
            let tags_allowed = (since(request, 32) && !since(request, 37)) || since(request, 42);
            let mut allowed = vec!["fixed_ip", "port", "uuid"];
            if tags_allowed {
                allowed.push("tag");
            }
            let mut requested = Vec::with_capacity(items.len());
            let mut ports: Vec<String> = Vec::new();
            for item in items {
                let Value::Object(map) = item else {
                    return Err(input::invalid(
                        "networks",
                        item,
                        &format!("{} is not of type 'object'", input::repr(item)),
                    ));
                };
                let network = Fields::new("networks", map);
                network.only(&allowed, input::strict(request))?;
                requested.push(requested_network(network, &mut ports, tags_allowed)?);
            }
            Ok(NetworkRequest::List(requested))
        }
        other => Err(input::invalid(
            "networks",
            other,
            &format!("{} is not of type 'array'", input::repr(other)),
        )),
    }
}

/// One entry of a `networks` list: a port, or a network with an optional fixed
/// address.
fn requested_network(
    network: Fields<'_>,
    ports: &mut Vec<String>,
    tags_allowed: bool,
) -> Result<RequestedNetwork, Fault> {
    let fixed_ip = network
        .get("fixed_ip")
        .map(|value| input::ip_address("fixed_ip", value))
        .transpose()?;
    let port = match network.get("port") {
        None | Some(Value::Null) => None,
        Some(value) => Some(input::string("port", value)?.to_owned()),
    };
    let tag = match network.get("tag") {
        Some(value) if tags_allowed => Some(input::bounded("tag", value, 1, 60)?.to_owned()),
        _ => None,
    };
    if let Some(port) = &port {
        if ports.contains(port) {
            return Err(Fault::bad_request(format!(
                "Port ID '{port}' was specified twice: you cannot attach a port multiple times."
            )));
        }
        if let Some(address) = &fixed_ip {
            return Err(Fault::bad_request(format!(
                "Specified Fixed IP '{address}' cannot be used with port '{port}': the two \
                 cannot be specified together."
            )));
        }
        ports.push(port.clone());
        return Ok(RequestedNetwork {
            uuid: None,
            port: Some(port.clone()),
            fixed_ip: None,
            tag,
        });
    }
    let uuid = match network.get("uuid") {
        Some(value) => input::string("uuid", value)?.to_owned(),
        None => return Err(Fault::bad_request("Bad network format: missing 'uuid'")),
    };
    Ok(RequestedNetwork {
        uuid: Some(uuid),
        port: None,
        fixed_ip,
        tag,
    })
}

/// `PUT /servers/{server_id}`: the server afterwards (Nova's shorter update view);
/// `/v1.0` answers 204 and changes the administrator password when `adminPass` is
/// given.
async fn update(controller: Controller, request: ApiRequest) -> Result<ApiResponse, Fault> {
    let id = request.param("server_id")?.to_owned();
    let relaxed = !input::strict(&request);
    let server = input::body_member(&request, "server")?;
    Fields::root(input::body(&request)?).only(&["server"], !relaxed)?;
    let mut allowed = vec!["name", "OS-DCF:diskConfig", "accessIPv4", "accessIPv6"];
    if since(&request, 19) {
        allowed.push("description");
    }
    server.only(&allowed, !relaxed)?;
    input::check_disk_config(&server)?;

    let input = UpdateServer {
        server_id: id.clone(),
        name: server
            .get("name")
            .map(|value| input::name("name", value, relaxed))
            .transpose()?,
        description: match server.get("description") {
            Some(value) if since(&request, 19) => Some(input::description(value)?),
            _ => None,
        },
        access_ipv4: server
            .get("accessIPv4")
            .map(|value| input::ipv4("accessIPv4", value))
            .transpose()?,
        access_ipv6: server
            .get("accessIPv6")
            .map(|value| input::ipv6("accessIPv6", value))
            .transpose()?,
    };

    if request.endpoint == Endpoint::V1_0 {
        let password = server.string("adminPass")?.map(str::to_owned);
        controller.update_server(call(&request, input)).await?;
        if let Some(admin_pass) = password {
            let change = ChangePassword {
                server_id: id,
                admin_pass,
            };
            controller.change_password(call(&request, change)).await?;
        }
        return Ok(ApiResponse::empty(StatusCode::NO_CONTENT));
    }

    let updated = controller.update_server(call(&request, input)).await?;
    Ok(server_document(
        &request,
        StatusCode::OK,
        &updated,
        ServerView::Core,
    ))
}

/// `DELETE /servers/{server_id}`: 204.
async fn delete(controller: Controller, request: ApiRequest) -> Result<ApiResponse, Fault> {
    let id = request.param("server_id")?.to_owned();
    controller.delete_server(call(&request, id)).await?;
    Ok(ApiResponse::empty(StatusCode::NO_CONTENT))
}
