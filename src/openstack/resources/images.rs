//! `/images`, the Compute API's image proxy: list, detail, show and delete, on
//! `/v1.0`, `/v1.1`, `/v2` and on `/v2.1` up to 2.35 (Nova's last proxy microversion);
//! `/v1.0` also creates images (`POST /images` with `serverId`).

use http::{Method, StatusCode};
use serde_json::{Map, Value, json};

use super::super::fault::Fault;
use super::super::model::{CreateImage, Image, ImageQuery, ImageStatus};
use super::super::request::{ApiRequest, ApiResponse, Availability, Route};
use super::super::version::{ApiVersion, Endpoint};
use super::super::xml::XmlElement;
use super::input;
use super::server_views::metadata_xml;
use super::views::{
    atom_link, atom_links, collection_links, image_endpoint, isotime_or_null, links,
};
use super::{Controller, call, route};

/// The last microversion serving the image proxy.
const LAST_PROXY_VERSION: ApiVersion = ApiVersion::new(2, 35);

/// The routes of `/images`.
pub(super) fn routes(controller: &Controller) -> Vec<Route> {
    let proxy = Availability::EVERYWHERE.until(LAST_PROXY_VERSION);
    vec![
        route(controller, Method::GET, "/images", proxy, index),
        route(controller, Method::GET, "/images/detail", proxy, detail),
        route(controller, Method::GET, "/images/{image_id}", proxy, show),
        route(
            controller,
            Method::DELETE,
            "/images/{image_id}",
            proxy,
            delete,
        ),
        route(
            controller,
            Method::POST,
            "/images",
            Availability::V1_0_ONLY,
            create,
        ),
    ]
}

/// `self`, `bookmark` and the image endpoint's `alternate` link.
fn image_links(request: &ApiRequest, id: &str) -> Value {
    json!([
        {"rel": "self", "href": request.links.self_link("images", id)},
        {"rel": "bookmark", "href": request.links.bookmark_link("images", id)},
        {
            "rel": "alternate",
            "type": "application/vnd.openstack.image",
            "href": format!("{}/images/{id}", image_endpoint(&request.links)),
        },
    ])
}

/// The image's entry in `GET /images`.
fn summary_json(request: &ApiRequest, image: &Image) -> Value {
    if request.endpoint == Endpoint::V1_0 {
        return json!({"id": image.id, "name": image.name});
    }
    json!({
        "id": image.id,
        "name": image.name,
        "links": image_links(request, &image.id),
    })
}

/// The image's full view.
fn image_json(request: &ApiRequest, image: &Image) -> Value {
    let mut out = Map::new();
    out.insert("id".into(), image.id.clone().into());
    out.insert("name".into(), image.name.clone().into());
    out.insert("created".into(), isotime_or_null(image.created));
    out.insert("updated".into(), isotime_or_null(image.updated));
    out.insert("status".into(), image.status.as_str().into());
    out.insert("progress".into(), image.progress.into());
    if request.endpoint == Endpoint::V1_0 {
        if let Some(server) = &image.server_id {
            out.insert("serverId".into(), server.clone().into());
        }
        return Value::Object(out);
    }

    out.insert("minRam".into(), image.min_ram.into());
    out.insert("minDisk".into(), image.min_disk.into());
    out.insert("metadata".into(), json!(image.metadata));
    out.insert("OS-EXT-IMG-SIZE:size".into(), image.size.into());
    out.insert("links".into(), image_links(request, &image.id));
    if let Some(server) = &image.server_id {
        out.insert(
            "server".into(),
            json!({
                "id": server,
                "links": links(&request.links, "servers", server),
            }),
        );
    }
    if let Some(auto) = image.metadata.get("auto_disk_config") {
        let auto = input::boolean("auto_disk_config", &Value::from(auto.as_str())).unwrap_or(false);
        out.insert(
            "OS-DCF:diskConfig".into(),
            if auto { "AUTO" } else { "MANUAL" }.into(),
        );
    }
    Value::Object(out)
}

/// `<image>`: on `/v1.0` every field an attribute; on `/v1.1` the attributes, the
/// server it was made from, its metadata and links.
fn image_xml(request: &ApiRequest, image: &Image, detailed: bool) -> XmlElement {
    let mut element = XmlElement::new("image")
        .attr("id", &image.id)
        .attr("name", &image.name);
    if request.endpoint == Endpoint::V1_0 {
        if !detailed {
            return element;
        }
        return element
            .attr_opt("serverId", image.server_id.as_deref())
            .attr("updated", text(isotime_or_null(image.updated)))
            .attr("created", text(isotime_or_null(image.created)))
            .attr("status", image.status.as_str())
            .attr("progress", image.progress.to_string());
    }
    let links = [
        atom_links(&request.links, "images", &image.id),
        vec![
            atom_link(
                "alternate",
                &format!("{}/images/{}", image_endpoint(&request.links), image.id),
            )
            .attr("type", "application/vnd.openstack.image"),
        ],
    ]
    .concat();
    if !detailed {
        return element.children(links);
    }
    element = element
        .attr("created", text(isotime_or_null(image.created)))
        .attr("updated", text(isotime_or_null(image.updated)))
        .attr("status", image.status.as_str())
        .attr("progress", image.progress.to_string());
    if let Some(server) = &image.server_id {
        element = element.child(
            XmlElement::new("server")
                .attr("id", server)
                .children(atom_links(&request.links, "servers", server)),
        );
    }
    if !image.metadata.is_empty() {
        element = element.child(metadata_xml(&image.metadata));
    }
    element.children(links)
}

fn text(value: Value) -> String {
    value.as_str().unwrap_or_default().to_owned()
}

/// The status filter: Glance's spellings (`active`, `queued`, `saving`, `deleted`,
/// `pending_delete`, `killed`) in any case, or the Compute API's.
fn status_filter(value: &str) -> Result<ImageStatus, Fault> {
    match value.to_ascii_lowercase().as_str() {
        "active" => Ok(ImageStatus::Active),
        "queued" | "saving" => Ok(ImageStatus::Saving),
        "deleted" | "pending_delete" => Ok(ImageStatus::Deleted),
        "killed" | "error" => Ok(ImageStatus::Error),
        _ => Err(Fault::bad_request(format!("Invalid status value: {value}"))),
    }
}

/// The [`ImageQuery`] of the request.
fn image_query(request: &ApiRequest) -> Result<ImageQuery, Fault> {
    Ok(ImageQuery {
        name: request.query_value("name").map(str::to_owned),
        status: request
            .query_value("status")
            .map(status_filter)
            .transpose()?,
        server: request.query_value("server").map(input::id_from_href),
        changes_since: input::query_time(request, "changes-since")?,
        limit: input::query_limit(request)?,
        marker: input::query_marker(request),
        ..ImageQuery::default()
    })
}

/// `GET /images`.
async fn index(controller: Controller, request: ApiRequest) -> Result<ApiResponse, Fault> {
    list(controller, request, false).await
}

/// `GET /images/detail`.
async fn detail(controller: Controller, request: ApiRequest) -> Result<ApiResponse, Fault> {
    list(controller, request, true).await
}

async fn list(
    controller: Controller,
    request: ApiRequest,
    detailed: bool,
) -> Result<ApiResponse, Fault> {
    let query = image_query(&request)?;
    let images = controller.list_images(call(&request, query)).await?;
    let path = if detailed { "images/detail" } else { "images" };
    Ok(ApiResponse::document(
        &request,
        StatusCode::OK,
        || {
            let entries: Vec<Value> = images
                .iter()
                .map(|image| {
                    if detailed {
                        image_json(&request, image)
                    } else {
                        summary_json(&request, image)
                    }
                })
                .collect();
            let mut body = json!({"images": entries});
            if request.endpoint != Endpoint::V1_0 {
                let last = images.last().map(|image| image.id.as_str());
                if let Some(links) = collection_links(&request, path, images.len(), last) {
                    body["images_links"] = links;
                }
            }
            body
        },
        || {
            XmlElement::new("images").children(
                images
                    .iter()
                    .map(|image| image_xml(&request, image, detailed)),
            )
        },
    ))
}

fn image_document(request: &ApiRequest, status: StatusCode, image: &Image) -> ApiResponse {
    ApiResponse::document(
        request,
        status,
        || json!({"image": image_json(request, image)}),
        || image_xml(request, image, true),
    )
}

/// `GET /images/{image_id}`.
async fn show(controller: Controller, request: ApiRequest) -> Result<ApiResponse, Fault> {
    let id = request.param("image_id")?.to_owned();
    let image = controller.show_image(call(&request, id)).await?;
    Ok(image_document(&request, StatusCode::OK, &image))
}

/// `DELETE /images/{image_id}`: 204.
async fn delete(controller: Controller, request: ApiRequest) -> Result<ApiResponse, Fault> {
    let id = request.param("image_id")?.to_owned();
    controller.delete_image(call(&request, id)).await?;
    Ok(ApiResponse::empty(StatusCode::NO_CONTENT))
}

/// `POST /images` (`/v1.0`): `{"image": {"serverId": ..., "name": ...}}` snapshots the
/// server; 202 with the new image.
async fn create(controller: Controller, request: ApiRequest) -> Result<ApiResponse, Fault> {
    let image = input::body_member(&request, "image")?;
    let server_id = match image.required("serverId")? {
        Value::String(id) => id.clone(),
        Value::Number(id) => id.to_string(),
        other => {
            return Err(input::invalid(
                "serverId",
                other,
                &format!("{} is not of type 'string', 'integer'", input::repr(other)),
            ));
        }
    };
    let name = input::name("name", image.required("name")?, true)?;
    let input = CreateImage {
        server_id,
        name,
        metadata: Default::default(),
    };
    let image_id = controller.create_image(call(&request, input)).await?;
    let image = controller.show_image(call(&request, image_id)).await?;
    Ok(image_document(&request, StatusCode::ACCEPTED, &image))
}
