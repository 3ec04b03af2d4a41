//! `/shared_ip_groups` (`/v1.0` only): groups of servers that may share public
//! addresses; list, detail, show, create (201) and delete (204).

use http::{Method, StatusCode};
use serde_json::{Value, json};

use super::super::fault::Fault;
use super::super::model::{CreateSharedIpGroup, SharedIpGroup};
use super::super::request::{ApiRequest, ApiResponse, Availability, Route};
use super::super::xml::XmlElement;
use super::input;
use super::{Controller, call, route};

/// The routes of `/shared_ip_groups`.
pub(super) fn routes(controller: &Controller) -> Vec<Route> {
    let served = Availability::V1_0_ONLY;
    vec![
        route(controller, Method::GET, "/shared_ip_groups", served, index),
        route(
            controller,
            Method::GET,
            "/shared_ip_groups/detail",
            served,
            detail,
        ),
        route(
            controller,
            Method::POST,
            "/shared_ip_groups",
            served,
            create,
        ),
        route(
            controller,
            Method::GET,
            "/shared_ip_groups/{group_id}",
            served,
            show,
        ),
        route(
            controller,
            Method::DELETE,
            "/shared_ip_groups/{group_id}",
            served,
            delete,
        ),
    ]
}

fn group_json(group: &SharedIpGroup, detailed: bool) -> Value {
    if detailed {
        json!({"id": group.id, "name": group.name, "servers": group.servers})
    } else {
        json!({"id": group.id, "name": group.name})
    }
}

fn group_xml(group: &SharedIpGroup, detailed: bool) -> XmlElement {
    let element = XmlElement::new("sharedIpGroup")
        .attr("id", group.id.to_string())
        .attr("name", &group.name);
    if !detailed {
        return element;
    }
    element.child(
        XmlElement::new("servers").children(
            group
                .servers
                .iter()
                .map(|server| XmlElement::new("server").attr("id", server)),
        ),
    )
}

/// The group id of the path; one that is not a number names no group.
fn group_id(request: &ApiRequest) -> Result<i64, Fault> {
    let id = request.param("group_id")?;
    id.parse()
        .map_err(|_| Fault::not_found(format!("Shared IP group {id} could not be found.")))
}

async fn list(
    controller: Controller,
    request: ApiRequest,
    detailed: bool,
) -> Result<ApiResponse, Fault> {
    let groups = controller.list_shared_ip_groups(call(&request, ())).await?;
    Ok(ApiResponse::document(
        &request,
        StatusCode::OK,
        || {
            let entries: Vec<Value> = groups
                .iter()
                .map(|group| group_json(group, detailed))
                .collect();
            json!({"sharedIpGroups": entries})
        },
        || {
            XmlElement::new("sharedIpGroups")
                .children(groups.iter().map(|group| group_xml(group, detailed)))
        },
    ))
}

/// `GET /shared_ip_groups`: ids and names.
async fn index(controller: Controller, request: ApiRequest) -> Result<ApiResponse, Fault> {
    list(controller, request, false).await
}

/// `GET /shared_ip_groups/detail`: with their servers.
async fn detail(controller: Controller, request: ApiRequest) -> Result<ApiResponse, Fault> {
    list(controller, request, true).await
}

fn group_document(request: &ApiRequest, status: StatusCode, group: &SharedIpGroup) -> ApiResponse {
    ApiResponse::document(
        request,
        status,
        || json!({"sharedIpGroup": group_json(group, true)}),
        || group_xml(group, true),
    )
}

/// `GET /shared_ip_groups/{group_id}`.
async fn show(controller: Controller, request: ApiRequest) -> Result<ApiResponse, Fault> {
    let id = group_id(&request)?;
    let group = controller.show_shared_ip_group(call(&request, id)).await?;
    Ok(group_document(&request, StatusCode::OK, &group))
}

/// `POST /shared_ip_groups` with `{"sharedIpGroup": {"name": ..., "server": ...}}`:
/// 201 with the group.
async fn create(controller: Controller, request: ApiRequest) -> Result<ApiResponse, Fault> {
    let fields = input::body_member(&request, "sharedIpGroup")?;
    let name = input::name("name", fields.required("name")?, true)?;
    let server = match fields.get("server") {
        None | Some(Value::Null) => None,
        Some(Value::String(id)) => Some(id.clone()),
        Some(Value::Number(id)) => Some(id.to_string()),
        Some(other) => {
            return Err(input::invalid(
                "server",
                other,
                &format!("{} is not of type 'string', 'integer'", input::repr(other)),
            ));
        }
    };
    let input = CreateSharedIpGroup { name, server };
    let group = controller
        .create_shared_ip_group(call(&request, input))
        .await?;
    Ok(group_document(&request, StatusCode::CREATED, &group))
}

/// `DELETE /shared_ip_groups/{group_id}`: 204.
async fn delete(controller: Controller, request: ApiRequest) -> Result<ApiResponse, Fault> {
    let id = group_id(&request)?;
    controller
        .delete_shared_ip_group(call(&request, id))
        .await?;
    Ok(ApiResponse::empty(StatusCode::NO_CONTENT))
}
