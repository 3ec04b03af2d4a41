//! `/flavors`: list, detail and show, in Nova's 2.1 view (`/v1.0`: id, name, ram and
//! disk), filtered by `minRam`, `minDisk` and `is_public`, paged by `limit` and
//! `marker`; and a flavor's extra specs, read-only (`/flavors/{id}/os-extra_specs`,
//! from `/v1.1` on).

use http::{Method, StatusCode};
use serde_json::{Value, json};

use super::super::fault::Fault;
use super::super::model::{Flavor, FlavorQuery};
use super::super::request::{ApiRequest, ApiResponse, Availability, Route};
use super::super::version::Endpoint;
use super::super::xml::XmlElement;
use super::input;
use super::views::{MAX_LIMIT, atom_links, collection_links, links};
use super::{Controller, call, route};

/// The routes of `/flavors`.
pub(super) fn routes(controller: &Controller) -> Vec<Route> {
    let everywhere = Availability::EVERYWHERE;
    vec![
        route(controller, Method::GET, "/flavors", everywhere, index),
        route(
            controller,
            Method::GET,
            "/flavors/detail",
            everywhere,
            detail,
        ),
        route(
            controller,
            Method::GET,
            "/flavors/{flavor_id}",
            everywhere,
            show,
        ),
        route(
            controller,
            Method::GET,
            "/flavors/{flavor_id}/os-extra_specs",
            Availability::SINCE_V1_1,
            extra_specs,
        ),
        route(
            controller,
            Method::GET,
            "/flavors/{flavor_id}/os-extra_specs/{key}",
            Availability::SINCE_V1_1,
            extra_spec,
        ),
    ]
}

/// The flavor's entry in `GET /flavors`.
fn summary_json(request: &ApiRequest, flavor: &Flavor) -> Value {
    if request.endpoint == Endpoint::V1_0 {
        return json!({"id": flavor.id, "name": flavor.name});
    }
    json!({
        "id": flavor.id,
        "name": flavor.name,
        "links": links(&request.links, "flavors", &flavor.id),
    })
}

/// The flavor's full view.
pub(super) fn flavor_json(request: &ApiRequest, flavor: &Flavor) -> Value {
    if request.endpoint == Endpoint::V1_0 {
        return json!({
            "id": flavor.id,
            "name": flavor.name,
            "ram": flavor.ram,
            "disk": flavor.disk,
        });
    }
    // Before 2.75 Nova shows no swap and no bandwidth factor as "".
    let swap = if flavor.swap == 0 {
        json!("")
    } else {
        json!(flavor.swap)
    };
    let rxtx_factor = if flavor.rxtx_factor == 0.0 {
        json!("")
    } else {
        json!(flavor.rxtx_factor)
    };
    json!({
        "id": flavor.id,
        "name": flavor.name,
        "ram": flavor.ram,
        "disk": flavor.disk,
        "swap": swap,
        "OS-FLV-EXT-DATA:ephemeral": flavor.ephemeral,
        "OS-FLV-DISABLED:disabled": flavor.disabled,
        "vcpus": flavor.vcpus,
        "os-flavor-access:is_public": flavor.is_public,
        "rxtx_factor": rxtx_factor,
        "links": links(&request.links, "flavors", &flavor.id),
    })
}

/// `<flavor id name [ram disk vcpus]>` with its links on `/v1.1`.
fn flavor_xml(request: &ApiRequest, flavor: &Flavor, detailed: bool) -> XmlElement {
    let mut element = XmlElement::new("flavor")
        .attr("id", &flavor.id)
        .attr("name", &flavor.name);
    if detailed {
        element = element
            .attr("ram", flavor.ram.to_string())
            .attr("disk", flavor.disk.to_string());
    }
    if request.endpoint == Endpoint::V1_0 {
        return element;
    }
    if detailed {
        element = element.attr("vcpus", flavor.vcpus.to_string());
    }
    element.children(atom_links(&request.links, "flavors", &flavor.id))
}

/// The [`FlavorQuery`] of the request.
fn flavor_query(request: &ApiRequest) -> Result<FlavorQuery, Fault> {
    let integer = |name: &str| -> Result<Option<u64>, Fault> {
        request
            .query_value(name)
            .map(|value| {
                value
                    .parse::<u64>()
                    .map_err(|_| Fault::bad_request(format!("Invalid {name} filter [{value}]")))
            })
            .transpose()
    };
    // `is_public=None` (what openstacksdk sends) asks for public and private flavors;
    // which private ones a project may see is the controller's to decide.
    let is_public = match request.query_value("is_public") {
        None => Some(true),
        Some(value) if value.eq_ignore_ascii_case("none") => None,
        Some(value) => Some(
            input::boolean("is_public", &Value::from(value))
                .map_err(|_| Fault::bad_request(format!("Invalid is_public filter [{value}]")))?,
        ),
    };
    Ok(FlavorQuery {
        min_ram: integer("minRam")?,
        min_disk: integer("minDisk")?,
        is_public,
        limit: Some(
            input::query_limit(request)?
                .unwrap_or(MAX_LIMIT)
                .min(MAX_LIMIT),
        ),
        marker: input::query_marker(request),
    })
}

/// `GET /flavors`.
async fn index(controller: Controller, request: ApiRequest) -> Result<ApiResponse, Fault> {
    list(controller, request, false).await
}

/// `GET /flavors/detail`.
async fn detail(controller: Controller, request: ApiRequest) -> Result<ApiResponse, Fault> {
    list(controller, request, true).await
}

async fn list(
    controller: Controller,
    request: ApiRequest,
    detailed: bool,
) -> Result<ApiResponse, Fault> {
    let query = flavor_query(&request)?;
    let flavors = controller.list_flavors(call(&request, query)).await?;
    let path = if detailed {
        "flavors/detail"
    } else {
        "flavors"
    };
    Ok(ApiResponse::document(
        &request,
        StatusCode::OK,
        || {
            let entries: Vec<Value> = flavors
                .iter()
                .map(|flavor| {
                    if detailed {
                        flavor_json(&request, flavor)
                    } else {
                        summary_json(&request, flavor)
                    }
                })
                .collect();
            let mut body = json!({"flavors": entries});
            if request.endpoint != Endpoint::V1_0 {
                let last = flavors.last().map(|flavor| flavor.id.as_str());
                if let Some(links) = collection_links(&request, path, flavors.len(), last) {
                    body["flavors_links"] = links;
                }
            }
            body
        },
        || {
            XmlElement::new("flavors").children(
                flavors
                    .iter()
                    .map(|flavor| flavor_xml(&request, flavor, detailed)),
            )
        },
    ))
}

/// `GET /flavors/{flavor_id}`.
async fn show(controller: Controller, request: ApiRequest) -> Result<ApiResponse, Fault> {
    let id = request.param("flavor_id")?.to_owned();
    let flavor = controller.show_flavor(call(&request, id)).await?;
    Ok(ApiResponse::document(
        &request,
        StatusCode::OK,
        || json!({"flavor": flavor_json(&request, &flavor)}),
        || flavor_xml(&request, &flavor, true),
    ))
}

/// `GET /flavors/{flavor_id}/os-extra_specs`: `{"extra_specs": {key: value}}`.
async fn extra_specs(controller: Controller, request: ApiRequest) -> Result<ApiResponse, Fault> {
    let id = request.param("flavor_id")?.to_owned();
    let flavor = controller.show_flavor(call(&request, id)).await?;
    Ok(ApiResponse::document(
        &request,
        StatusCode::OK,
        || json!({"extra_specs": flavor.extra_specs}),
        || {
            XmlElement::new("extra_specs").children(
                flavor
                    .extra_specs
                    .iter()
                    .map(|(key, value)| XmlElement::new("extra_spec").attr("key", key).text(value)),
            )
        },
    ))
}

/// `GET /flavors/{flavor_id}/os-extra_specs/{key}`: `{key: value}`, 404 for a key the
/// flavor does not have.
async fn extra_spec(controller: Controller, request: ApiRequest) -> Result<ApiResponse, Fault> {
    let id = request.param("flavor_id")?.to_owned();
    let key = request.param("key")?.to_owned();
    let flavor = controller.show_flavor(call(&request, id)).await?;
    let Some(value) = flavor.extra_specs.get(&key) else {
        return Err(Fault::not_found(format!(
            "Flavor {} has no extra specs with key {key}.",
            flavor.id
        )));
    };
    Ok(ApiResponse::document(
        &request,
        StatusCode::OK,
        || json!({ key.as_str(): value }),
        || XmlElement::new("extra_spec").attr("key", &key).text(value),
    ))
}
