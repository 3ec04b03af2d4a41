//! The server actions (`POST /servers/{server_id}/action`): reboot, os-start,
//! os-stop, resize, confirmResize, revertResize, rebuild, createImage and
//! changePassword, with `/v1.0`'s spellings (`imageId`, `flavorId`).

use http::{HeaderValue, StatusCode, header};
use serde_json::json;

use super::super::fault::Fault;
use super::super::model::{
    ChangePassword, CreateImage, RebootServer, RebootType, RebuildServer, ResizeServer,
};
use super::super::request::{ApiRequest, ApiResponse, Availability, ResponseBody, ServerAction};
use super::super::version::Endpoint;
use super::input::{self, Fields};
use super::server_views::{ServerView, server_json, server_xml};
use super::views::image_endpoint;
use super::{Controller, action, call, since};

/// Every built-in server action.
pub(super) fn actions(controller: &Controller) -> Vec<ServerAction> {
    let everywhere = Availability::EVERYWHERE;
    let since_v1_1 = Availability::SINCE_V1_1;
    vec![
        action(controller, "reboot", everywhere, reboot),
        action(controller, "os-start", since_v1_1, start),
        action(controller, "os-stop", since_v1_1, stop),
        action(controller, "resize", everywhere, resize),
        action(controller, "confirmResize", everywhere, confirm_resize),
        action(controller, "revertResize", everywhere, revert_resize),
        action(controller, "rebuild", everywhere, rebuild),
        action(controller, "createImage", since_v1_1, create_image),
        action(controller, "changePassword", since_v1_1, change_password),
    ]
}

/// The action's own object (`{"reboot": {...}}` → `{...}`), the body holding nothing
/// else.
fn action_fields<'a>(request: &'a ApiRequest, name: &'static str) -> Result<Fields<'a>, Fault> {
    let fields = input::body_member(request, name)?;
    Fields::root(input::body(request)?).only(&[name], input::strict(request))?;
    Ok(fields)
}

/// Checks a body that holds only the action's key, with any value.
fn bare_action(request: &ApiRequest, name: &str) -> Result<(), Fault> {
    let root = input::body(request)?;
    let fields = Fields::root(root);
    fields.required(name)?;
    fields.only(&[name], input::strict(request))
}

fn server_id(request: &ApiRequest) -> Result<String, Fault> {
    request.param("server_id").map(str::to_owned)
}

/// `reboot`: `type` SOFT or HARD (any case Nova's schema lists).
async fn reboot(controller: Controller, request: ApiRequest) -> Result<ApiResponse, Fault> {
    let fields = action_fields(&request, "reboot")?;
    fields.only(&["type"], input::strict(&request))?;
    let value = fields.required("type")?;
    let reboot_type = match input::string("type", value)? {
        "SOFT" | "Soft" | "soft" => RebootType::Soft,
        "HARD" | "Hard" | "hard" => RebootType::Hard,
        _ => {
            return Err(input::invalid(
                "type",
                value,
                &format!(
                    "{} is not one of ['HARD', 'Hard', 'hard', 'SOFT', 'Soft', 'soft']",
                    input::repr(value)
                ),
            ));
        }
    };
    let input = RebootServer {
        server_id: server_id(&request)?,
        reboot_type,
    };
    controller.reboot_server(call(&request, input)).await?;
    Ok(ApiResponse::empty(StatusCode::ACCEPTED))
}

/// `os-start`.
async fn start(controller: Controller, request: ApiRequest) -> Result<ApiResponse, Fault> {
    bare_action(&request, "os-start")?;
    controller
        .start_server(call(&request, server_id(&request)?))
        .await?;
    Ok(ApiResponse::empty(StatusCode::ACCEPTED))
}

/// `os-stop`.
async fn stop(controller: Controller, request: ApiRequest) -> Result<ApiResponse, Fault> {
    bare_action(&request, "os-stop")?;
    controller
        .stop_server(call(&request, server_id(&request)?))
        .await?;
    Ok(ApiResponse::empty(StatusCode::ACCEPTED))
}

/// `resize`: `flavorRef` (`/v1.0`: `flavorId`).
async fn resize(controller: Controller, request: ApiRequest) -> Result<ApiResponse, Fault> {
    let fields = action_fields(&request, "resize")?;
    let field = if request.endpoint == Endpoint::V1_0 {
        "flavorId"
    } else {
        "flavorRef"
    };
    fields.only(&[field, "OS-DCF:diskConfig"], input::strict(&request))?;
    input::check_disk_config(&fields)?;
    let flavor_ref = input::reference(field, fields.required(field)?)?;
    let input = ResizeServer {
        server_id: server_id(&request)?,
        flavor_ref,
    };
    controller.resize_server(call(&request, input)).await?;
    Ok(ApiResponse::empty(StatusCode::ACCEPTED))
}

/// `confirmResize`: 204.
async fn confirm_resize(controller: Controller, request: ApiRequest) -> Result<ApiResponse, Fault> {
    bare_action(&request, "confirmResize")?;
    controller
        .confirm_resize(call(&request, server_id(&request)?))
        .await?;
    Ok(ApiResponse::empty(StatusCode::NO_CONTENT))
}

/// `revertResize`.
async fn revert_resize(controller: Controller, request: ApiRequest) -> Result<ApiResponse, Fault> {
    bare_action(&request, "revertResize")?;
    controller
        .revert_resize(call(&request, server_id(&request)?))
        .await?;
    Ok(ApiResponse::empty(StatusCode::ACCEPTED))
}

/// `rebuild`: `imageRef` and optionally a new name, password, metadata, description
/// and access addresses; answers the rebuilt server with its `adminPass` (`/v1.0`:
/// `imageId`, and no body).
async fn rebuild(controller: Controller, request: ApiRequest) -> Result<ApiResponse, Fault> {
    let fields = action_fields(&request, "rebuild")?;
    let legacy = request.endpoint == Endpoint::V1_0;
    let image_field = if legacy { "imageId" } else { "imageRef" };
    let mut allowed = vec![
        image_field,
        "name",
        "adminPass",
        "metadata",
        "preserve_ephemeral",
        "OS-DCF:diskConfig",
        "accessIPv4",
        "accessIPv6",
        "personality",
    ];
    if since(&request, 19) {
        allowed.push("description");
    }
    let relaxed = !input::strict(&request);
    fields.only(&allowed, !relaxed)?;
    input::check_disk_config(&fields)?;

    let input = RebuildServer {
        server_id: server_id(&request)?,
        image_ref: input::reference(image_field, fields.required(image_field)?)?,
        name: fields
            .get("name")
            .map(|value| input::name("name", value, relaxed))
            .transpose()?,
        admin_pass: fields.string("adminPass")?.map(str::to_owned),
        metadata: fields
            .get("metadata")
            .map(|value| input::metadata("metadata", value))
            .transpose()?,
        description: match fields.get("description") {
            Some(value) if since(&request, 19) => Some(input::description(value)?),
            _ => None,
        },
        access_ipv4: fields
            .get("accessIPv4")
            .map(|value| input::ipv4("accessIPv4", value))
            .transpose()?,
        access_ipv6: fields
            .get("accessIPv6")
            .map(|value| input::ipv6("accessIPv6", value))
            .transpose()?,
    };
    if let Some(value) = fields.get("preserve_ephemeral") {
        input::boolean("preserve_ephemeral", value)?;
    }

    let server = controller.rebuild_server(call(&request, input)).await?;
    if legacy {
        return Ok(ApiResponse::empty(StatusCode::ACCEPTED));
    }
    let mut response = ApiResponse::document(
        &request,
        StatusCode::ACCEPTED,
        || {
            let mut body = server_json(&request, &server, ServerView::Core);
            if let Some(password) = &server.admin_pass {
                body["adminPass"] = password.clone().into();
            }
            json!({"server": body})
        },
        || server_xml(&request, &server).attr_opt("adminPass", server.admin_pass.as_deref()),
    );
    insert_location(
        &mut response,
        &request.links.self_link("servers", &server.id),
    );
    Ok(response)
}

fn insert_location(response: &mut ApiResponse, location: &str) {
    if let Ok(value) = HeaderValue::from_str(location) {
        response.headers.insert(header::LOCATION, value);
    }
}

/// `createImage`: `name` and optional `metadata`. Before 2.45, 202 with the image's
/// link as `Location`; from 2.45, `{"image_id": ...}`.
async fn create_image(controller: Controller, request: ApiRequest) -> Result<ApiResponse, Fault> {
    let fields = action_fields(&request, "createImage")?;
    let relaxed = !input::strict(&request);
    fields.only(&["name", "metadata"], !relaxed)?;
    let input = CreateImage {
        server_id: server_id(&request)?,
        name: input::name("name", fields.required("name")?, relaxed)?,
        metadata: fields
            .get("metadata")
            .map(|value| input::metadata("metadata", value))
            .transpose()?
            .unwrap_or_default(),
    };
    let image_id = controller.create_image(call(&request, input)).await?;

    if since(&request, 45) {
        return Ok(ApiResponse::new(
            StatusCode::ACCEPTED,
            ResponseBody::Json(json!({"image_id": image_id})),
        ));
    }
    let location = match request.endpoint {
        Endpoint::V2 | Endpoint::V2_1 => {
            format!("{}/images/{image_id}", image_endpoint(&request.links))
        }
        Endpoint::V1_0 | Endpoint::V1_1 => request.links.self_link("images", &image_id),
    };
    let mut response = ApiResponse::empty(StatusCode::ACCEPTED);
    insert_location(&mut response, &location);
    Ok(response)
}

/// `changePassword`: `adminPass`.
async fn change_password(
    controller: Controller,
    request: ApiRequest,
) -> Result<ApiResponse, Fault> {
    let fields = action_fields(&request, "changePassword")?;
    fields.only(&["adminPass"], input::strict(&request))?;
    let admin_pass = fields.required_string("adminPass")?.to_owned();
    let input = ChangePassword {
        server_id: server_id(&request)?,
        admin_pass,
    };
    controller.change_password(call(&request, input)).await?;
    Ok(ApiResponse::empty(StatusCode::ACCEPTED))
}
