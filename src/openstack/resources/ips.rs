//! `/servers/{server_id}/ips`: a server's addresses, all of them or one network's.
//! `/v1.0` knows two networks, `public` and `private`.

use http::{Method, StatusCode};
use serde_json::{Value, json};

use super::super::fault::Fault;
use super::super::model::{ServerNetwork, ServerStatus};
use super::super::request::{ApiRequest, ApiResponse, Availability, Route};
use super::super::version::Endpoint;
use super::server_views::{
    addresses_json, addresses_xml, network_entries, network_xml, v1_0_addresses, v1_0_ip_list,
};
use super::{Controller, call, route};

/// The routes of `/servers/{server_id}/ips`.
pub(super) fn routes(controller: &Controller) -> Vec<Route> {
    let everywhere = Availability::EVERYWHERE;
    vec![
        route(
            controller,
            Method::GET,
            "/servers/{server_id}/ips",
            everywhere,
            index,
        ),
        route(
            controller,
            Method::GET,
            "/servers/{server_id}/ips/{network}",
            everywhere,
            show,
        ),
    ]
}

/// `GET /servers/{server_id}/ips`: `{"addresses": {...}}`.
async fn index(controller: Controller, request: ApiRequest) -> Result<ApiResponse, Fault> {
    let id = request.param("server_id")?.to_owned();
    let server = controller.show_server(call(&request, id)).await?;
    Ok(ApiResponse::document(
        &request,
        StatusCode::OK,
        || {
            if request.endpoint == Endpoint::V1_0 {
                let (public, private) = v1_0_addresses(&server);
                return json!({"addresses": {"public": public, "private": private}});
            }
            json!({"addresses": addresses_json(&server, false)})
        },
        || addresses_xml(&request, &server),
    ))
}

/// `GET /servers/{server_id}/ips/{network}`: `{"label": [...]}`.
async fn show(controller: Controller, request: ApiRequest) -> Result<ApiResponse, Fault> {
    let id = request.param("server_id")?.to_owned();
    let label = request.param("network")?.to_owned();
    let server = controller.show_server(call(&request, id)).await?;
    let not_member = || Fault::not_found("Instance is not a member of specified network");

    if request.endpoint == Endpoint::V1_0 {
        let (public, private) = v1_0_addresses(&server);
        let addresses = match label.as_str() {
            "public" => public,
            "private" => private,
            _ => return Err(not_member()),
        };
        return Ok(ApiResponse::document(
            &request,
            StatusCode::OK,
            || json!({ label.as_str(): addresses }),
            || v1_0_ip_list(&label, &addresses),
        ));
    }

    let member = server
        .addresses
        .iter()
        .any(|network| network.label == label);
    if !member || server.status == ServerStatus::Build {
        return Err(not_member());
    }
    // A label a server holds on several ports lists every port's addresses.
    let network = ServerNetwork {
        label: label.clone(),
        addresses: server
            .addresses
            .iter()
            .filter(|network| network.label == label)
            .flat_map(|network| network.addresses.iter().cloned())
            .collect(),
    };
    let entries: Vec<Value> = network_entries(&network, false);
    Ok(ApiResponse::document(
        &request,
        StatusCode::OK,
        || json!({ label.as_str(): entries }),
        || network_xml(&network),
    ))
}
