//! `/servers/{server_id}/metadata`: a server's metadata, all of it (`GET`, `PUT`
//! replaces, `POST` merges) or one item (`GET`, `PUT`, `DELETE`). Served from `/v1.1`
//! on.

use std::collections::BTreeMap;

use http::{Method, StatusCode};
use serde_json::json;

use super::super::fault::Fault;
use super::super::model::{ServerMetadataKey, SetServerMetadata};
use super::super::request::{ApiRequest, ApiResponse, Availability, Route};
use super::input;
use super::server_views::{meta_xml, metadata_xml};
use super::{Controller, call, route};

/// The routes of `/servers/{server_id}/metadata`.
pub(super) fn routes(controller: &Controller) -> Vec<Route> {
    let served = Availability::SINCE_V1_1;
    let all = "/servers/{server_id}/metadata";
    let item = "/servers/{server_id}/metadata/{key}";
    vec![
        route(controller, Method::GET, all, served, index),
        route(controller, Method::PUT, all, served, replace),
        route(controller, Method::POST, all, served, merge),
        route(controller, Method::GET, item, served, show),
        route(controller, Method::PUT, item, served, set_item),
        route(controller, Method::DELETE, item, served, delete),
    ]
}

fn not_found() -> Fault {
    Fault::not_found("Metadata item was not found")
}

/// `{"metadata": {...}}` or `<metadata>`.
fn metadata_document(request: &ApiRequest, metadata: &BTreeMap<String, String>) -> ApiResponse {
    ApiResponse::document(
        request,
        StatusCode::OK,
        || json!({"metadata": metadata}),
        || metadata_xml(metadata),
    )
}

/// `{"meta": {key: value}}` or `<meta key>`.
fn item_document(request: &ApiRequest, key: &str, value: &str) -> ApiResponse {
    ApiResponse::document(
        request,
        StatusCode::OK,
        || json!({"meta": {key: value}}),
        || meta_xml(key, value),
    )
}

/// `GET /servers/{server_id}/metadata`.
async fn index(controller: Controller, request: ApiRequest) -> Result<ApiResponse, Fault> {
    let id = request.param("server_id")?.to_owned();
    let metadata = controller.server_metadata(call(&request, id)).await?;
    Ok(metadata_document(&request, &metadata))
}

/// The `metadata` object of a `PUT` or `POST` body.
fn body_metadata(request: &ApiRequest) -> Result<BTreeMap<String, String>, Fault> {
    let root = input::Fields::root(input::body(request)?);
    let value = root.required("metadata")?;
    root.only(&["metadata"], input::strict(request))?;
    input::metadata("metadata", value)
}

/// `PUT /servers/{server_id}/metadata`: the items replace all metadata.
async fn replace(controller: Controller, request: ApiRequest) -> Result<ApiResponse, Fault> {
    set_all(controller, request, true).await
}

/// `POST /servers/{server_id}/metadata`: the items merge into the metadata.
async fn merge(controller: Controller, request: ApiRequest) -> Result<ApiResponse, Fault> {
    set_all(controller, request, false).await
}

async fn set_all(
    controller: Controller,
    request: ApiRequest,
    replace: bool,
) -> Result<ApiResponse, Fault> {
    let server_id = request.param("server_id")?.to_owned();
    let metadata = body_metadata(&request)?;
    let change = SetServerMetadata {
        server_id,
        metadata,
        replace,
    };
    let metadata = controller
        .set_server_metadata(call(&request, change))
        .await?;
    Ok(metadata_document(&request, &metadata))
}

/// `GET /servers/{server_id}/metadata/{key}`.
async fn show(controller: Controller, request: ApiRequest) -> Result<ApiResponse, Fault> {
    let id = request.param("server_id")?.to_owned();
    let key = request.param("key")?.to_owned();
    let metadata = controller.server_metadata(call(&request, id)).await?;
    let value = metadata.get(&key).ok_or_else(not_found)?;
    Ok(item_document(&request, &key, value))
}

/// `PUT /servers/{server_id}/metadata/{key}` with `{"meta": {key: value}}`: one item,
/// whose key is the path's.
async fn set_item(controller: Controller, request: ApiRequest) -> Result<ApiResponse, Fault> {
    let server_id = request.param("server_id")?.to_owned();
    let key = request.param("key")?.to_owned();

    let root = input::Fields::root(input::body(&request)?);
    let meta = root.required("meta")?;
    root.only(&["meta"], input::strict(&request))?;
    let items = input::metadata("meta", meta)?;
    match items.len() {
        0 => {
            return Err(input::invalid(
                "meta",
                meta,
                &format!("{} does not have enough properties", input::repr(meta)),
            ));
        }
        1 => {}
        _ => {
            return Err(input::invalid(
                "meta",
                meta,
                &format!("{} has too many properties", input::repr(meta)),
            ));
        }
    }
    let Some(value) = items.get(&key).cloned() else {
        return Err(Fault::bad_request("Request body and URI mismatch"));
    };

    let change = SetServerMetadata {
        server_id,
        metadata: items,
        replace: false,
    };
    controller
        .set_server_metadata(call(&request, change))
        .await?;
    Ok(item_document(&request, &key, &value))
}

/// `DELETE /servers/{server_id}/metadata/{key}`: 204; a key the server lacks is
/// `itemNotFound`.
async fn delete(controller: Controller, request: ApiRequest) -> Result<ApiResponse, Fault> {
    let server_id = request.param("server_id")?.to_owned();
    let key = request.param("key")?.to_owned();
    let metadata = controller
        .server_metadata(call(&request, server_id.clone()))
        .await?;
    if !metadata.contains_key(&key) {
        return Err(not_found());
    }
    let item = ServerMetadataKey { server_id, key };
    controller
        .delete_server_metadata(call(&request, item))
        .await?;
    Ok(ApiResponse::empty(StatusCode::NO_CONTENT))
}
