//! `/os-keypairs`: list, show, create (or import) and delete, from `/v1.1` on.
//!
//! 2.2 adds the key `type` and answers 201 to a create and 204 to a delete (200 and
//! 202 before); 2.10 lets administrators name another user (`user_id`); 2.35 pages
//! the list.

use http::{Method, StatusCode};
use serde_json::{Map, Value, json};

use super::super::fault::Fault;
use super::super::model::{CreateKeyPair, KeyPair, KeyPairQuery, KeyPairRef};
use super::super::request::{ApiRequest, ApiResponse, Availability, Route};
use super::super::xml::XmlElement;
use super::input;
use super::views::{MAX_LIMIT, collection_links, stored_time};
use super::{Controller, call, is_admin, route, since};

/// The routes of `/os-keypairs`.
pub(super) fn routes(controller: &Controller) -> Vec<Route> {
    let served = Availability::SINCE_V1_1;
    vec![
        route(controller, Method::GET, "/os-keypairs", served, index),
        route(controller, Method::POST, "/os-keypairs", served, create),
        route(
            controller,
            Method::GET,
            "/os-keypairs/{keypair_name}",
            served,
            show,
        ),
        route(
            controller,
            Method::DELETE,
            "/os-keypairs/{keypair_name}",
            served,
            delete,
        ),
    ]
}

/// The key pair's fields, in order, as JSON and as XML child elements.
fn keypair_document(fields: Vec<(&'static str, Value)>) -> (Value, XmlElement) {
    let mut json = Map::new();
    let mut xml = XmlElement::new("keypair");
    for (name, value) in fields {
        let text = match &value {
            Value::String(text) => text.clone(),
            Value::Null => String::new(),
            other => other.to_string(),
        };
        xml = xml.text_child(name, text);
        json.insert(name.to_owned(), value);
    }
    (Value::Object(json), xml)
}

/// name, public_key, fingerprint, and `type` from 2.2.
fn common_fields(request: &ApiRequest, keypair: &KeyPair) -> Vec<(&'static str, Value)> {
    let mut fields = vec![
        ("name", keypair.name.clone().into()),
        ("public_key", keypair.public_key.clone().into()),
        ("fingerprint", keypair.fingerprint.clone().into()),
    ];
    if since(request, 2) {
        fields.push(("type", key_type(keypair).into()));
    }
    fields
}

fn key_type(keypair: &KeyPair) -> &str {
    if keypair.key_type.is_empty() {
        "ssh"
    } else {
        &keypair.key_type
    }
}

/// The `user_id` query parameter (2.10), which only an administrator may set to
/// another user.
fn other_user(request: &ApiRequest, operation: &str) -> Result<Option<String>, Fault> {
    if !since(request, 10) {
        return Ok(None);
    }
    let Some(user_id) = request.query_value("user_id") else {
        return Ok(None);
    };
    allow_user(request, user_id, operation)?;
    Ok(Some(user_id.to_owned()))
}

fn allow_user(request: &ApiRequest, user_id: &str, operation: &str) -> Result<(), Fault> {
    if user_id != request.context.user_id && !is_admin(&request.context) {
        return Err(Fault::forbidden(format!(
            "Policy doesn't allow os_compute_api:os-keypairs:{operation} to be performed."
        )));
    }
    Ok(())
}

/// `GET /os-keypairs`: each entry wrapped as `{"keypair": {...}}`.
async fn index(controller: Controller, request: ApiRequest) -> Result<ApiResponse, Fault> {
    let paged = since(&request, 35);
    let query = KeyPairQuery {
        user_id: other_user(&request, "index")?,
        limit: if paged {
            Some(
                input::query_limit(&request)?
                    .unwrap_or(MAX_LIMIT)
                    .min(MAX_LIMIT),
            )
        } else {
            None
        },
        marker: if paged {
            input::query_marker(&request)
        } else {
            None
        },
    };
    let keypairs = controller.list_keypairs(call(&request, query)).await?;
    let documents: Vec<(Value, XmlElement)> = keypairs
        .iter()
        .map(|keypair| keypair_document(common_fields(&request, keypair)))
        .collect();
    Ok(ApiResponse::document(
        &request,
        StatusCode::OK,
        || {
            let entries: Vec<Value> = documents
                .iter()
                .map(|(json, _)| json!({"keypair": json}))
                .collect();
            let mut body = json!({"keypairs": entries});
            if paged {
                let last = keypairs.last().map(|keypair| keypair.name.as_str());
                if let Some(links) = collection_links(&request, "os-keypairs", keypairs.len(), last)
                {
                    body["keypairs_links"] = links;
                }
            }
            body
        },
        || XmlElement::new("keypairs").children(documents.iter().map(|(_, xml)| xml.clone())),
    ))
}

/// `GET /os-keypairs/{keypair_name}`: with user, id and Nova's record fields.
async fn show(controller: Controller, request: ApiRequest) -> Result<ApiResponse, Fault> {
    let reference = KeyPairRef {
        name: request.param("keypair_name")?.to_owned(),
        user_id: other_user(&request, "show")?,
    };
    let keypair = controller.show_keypair(call(&request, reference)).await?;
    let mut fields = common_fields(&request, &keypair);
    fields.extend([
        ("user_id", keypair.user_id.clone().into()),
        ("created_at", stored_time(keypair.created_at)),
        ("deleted", false.into()),
        ("deleted_at", Value::Null),
        ("id", keypair.id.into()),
        ("updated_at", Value::Null),
    ]);
    let (json, xml) = keypair_document(fields);
    Ok(ApiResponse::document(
        &request,
        StatusCode::OK,
        || json!({"keypair": json}),
        || xml,
    ))
}

/// The name rule of key pairs: Nova's name rule and letters, digits, `_`, `-` and
/// spaces (on `/v2` and the legacy endpoints, leading and trailing spaces are
/// stripped instead).
fn keypair_name(request: &ApiRequest, value: &Value) -> Result<String, Fault> {
    let relaxed = !input::strict(request);
    let name = input::name("name", value, relaxed)?;
    if !relaxed
        && !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | ' '))
    {
        return Err(input::invalid(
            "name",
            value,
            &format!(
                "{} does not match '^[_\\\\- a-zA-Z0-9]+$'",
                input::repr(value)
            ),
        ));
    }
    Ok(name)
}

/// `POST /os-keypairs`: generates a key pair (answering its private key) or imports
/// `public_key`.
async fn create(controller: Controller, request: ApiRequest) -> Result<ApiResponse, Fault> {
    let fields = input::body_member(&request, "keypair")?;
    input::Fields::root(input::body(&request)?).only(&["keypair"], input::strict(&request))?;
    let mut allowed = vec!["name", "public_key"];
    if since(&request, 2) {
        allowed.push("type");
    }
    if since(&request, 10) {
        allowed.push("user_id");
    }
    fields.only(&allowed, input::strict(&request))?;

    let name = keypair_name(&request, fields.required("name")?)?;
    let public_key = fields.string("public_key")?.map(str::to_owned);
    let key_type = match fields.get("type") {
        Some(value) if since(&request, 2) => match input::string("type", value)? {
            kind @ ("ssh" | "x509") => kind.to_owned(),
            _ => {
                return Err(input::invalid(
                    "type",
                    value,
                    &format!("{} is not one of ['ssh', 'x509']", input::repr(value)),
                ));
            }
        },
        _ => "ssh".to_owned(),
    };
    let user_id = match fields.get("user_id") {
        Some(value) if since(&request, 10) => {
            let user_id = input::string("user_id", value)?;
            allow_user(&request, user_id, "create")?;
            Some(user_id.to_owned())
        }
        _ => None,
    };

    let input = CreateKeyPair {
        name,
        public_key,
        key_type,
        user_id,
    };
    let keypair = controller.create_keypair(call(&request, input)).await?;

    let mut fields = common_fields(&request, &keypair);
    fields.push(("user_id", keypair.user_id.clone().into()));
    if let Some(private_key) = &keypair.private_key {
        fields.push(("private_key", private_key.clone().into()));
    }
    let (json, xml) = keypair_document(fields);
    let status = if since(&request, 2) {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok(ApiResponse::document(
        &request,
        status,
        || json!({"keypair": json}),
        || xml,
    ))
}

/// `DELETE /os-keypairs/{keypair_name}`: 202 at 2.1, 204 from 2.2.
async fn delete(controller: Controller, request: ApiRequest) -> Result<ApiResponse, Fault> {
    let reference = KeyPairRef {
        name: request.param("keypair_name")?.to_owned(),
        user_id: other_user(&request, "delete")?,
    };
    controller.delete_keypair(call(&request, reference)).await?;
    let status = if since(&request, 2) {
        StatusCode::NO_CONTENT
    } else {
        StatusCode::ACCEPTED
    };
    Ok(ApiResponse::empty(status))
}
