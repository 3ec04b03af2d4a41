use std::collections::BTreeMap;
use std::sync::Mutex;

use time::macros::datetime;

use super::*;
use crate::core::Body;
use crate::openstack::model::ImageVisibility;

/// A controller holding fixed images; it records who asked and ignores the query, so
/// the endpoint's own filtering is what the tests see.
#[derive(Default)]
struct FixedImages {
    images: Vec<Image>,
    callers: Mutex<Vec<(String, String)>>,
}

#[async_trait]
impl ComputeController for FixedImages {
    async fn list_images(&self, call: ComputeCall<ImageQuery>) -> Result<Vec<Image>, Fault> {
        self.record(&call.context);
        Ok(self.images.clone())
    }

    async fn show_image(&self, call: ComputeCall<String>) -> Result<Image, Fault> {
        self.record(&call.context);
        self.images
            .iter()
            .find(|image| image.id == call.input)
            .cloned()
            .ok_or_else(|| Fault::not_found("Image not found."))
    }
}

impl FixedImages {
    fn record(&self, context: &Context) {
        self.callers
            .lock()
            .unwrap()
            .push((context.user_id.clone(), context.project_id.clone()));
    }
}

fn image(id: &str, name: &str, day: u8) -> Image {
    Image {
        id: id.into(),
        name: name.into(),
        status: ImageStatus::Active,
        created: Some(datetime!(2026-03-01 10:00:00 UTC) + time::Duration::days(day.into())),
        min_disk: 1,
        min_ram: 256,
        progress: 100,
        size: 1024,
        owner: "default".into(),
        disk_format: "ami".into(),
        container_format: "ami".into(),
        ..Image::default()
    }
}

/// Five images: `cirros` (oldest), `ubuntu`, a hidden `hidden`, a community
/// `community` and a private snapshot `snap` (newest).
fn catalog() -> Vec<Image> {
    let mut hidden = image("ami-3", "hidden", 3);
    hidden.hidden = true;
    let mut community = image("ami-4", "community", 4);
    community.visibility = ImageVisibility::Community;
    let mut snapshot = image("ami-5", "snap", 5);
    snapshot.visibility = ImageVisibility::Private;
    snapshot.status = ImageStatus::Saving;
    snapshot.server_id = Some("i-1".into());
    snapshot.metadata = BTreeMap::from([("image_type".into(), "snapshot".into())]);
    let mut ubuntu = image("ami-2", "ubuntu", 2);
    ubuntu.metadata = BTreeMap::from([("os_distro".into(), "ubuntu".into())]);
    vec![
        image("ami-1", "cirros", 1),
        ubuntu,
        hidden,
        community,
        snapshot,
    ]
}

fn service() -> (ImageService, Arc<FixedImages>) {
    let controller = Arc::new(FixedImages {
        images: catalog(),
        ..FixedImages::default()
    });
    (ImageService::no_auth(controller.clone()), controller)
}

fn get(uri: &str) -> Request {
    http::Request::builder()
        .uri(uri)
        .header("host", "image.example:9292")
        .header("x-auth-token", "demo:default")
        .body(Body::empty())
        .unwrap()
}

async fn send(service: &ImageService, request: Request) -> (StatusCode, Value) {
    let response = service.call(request).await.unwrap();
    assert_eq!(response.headers()[CONTENT_TYPE], "application/json");
    let body = serde_json::from_slice(response.body().as_bytes()).unwrap();
    (response.status(), body)
}

fn ids(body: &Value) -> Vec<&str> {
    body["images"]
        .as_array()
        .unwrap()
        .iter()
        .map(|image| image["id"].as_str().unwrap())
        .collect()
}

#[tokio::test]
async fn the_root_lists_the_versions_with_300_and_without_a_token() {
    let (service, _) = service();
    let request = http::Request::builder()
        .uri("/")
        .header("host", "image.example:9292")
        .body(Body::empty())
        .unwrap();
    let (status, body) = send(&service, request).await;
    assert_eq!(status, StatusCode::MULTIPLE_CHOICES);
    let versions = body["versions"].as_array().unwrap();
    assert_eq!(versions.len(), 17);
    assert_eq!(
        versions[0],
        json!({
            "id": "v2.16",
            "status": "CURRENT",
            "links": [{"rel": "self", "href": "http://image.example:9292/v2/"}],
        })
    );
    assert_eq!(versions[16]["id"], "v2.0");
    assert_eq!(versions[16]["status"], "SUPPORTED");

    let (status, _) = send(&service, get("/versions")).await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn a_listing_hides_hidden_and_community_images_newest_first() {
    let (service, controller) = service();
    let (status, body) = send(&service, get("/v2/images")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(ids(&body), ["ami-5", "ami-2", "ami-1"]);
    assert_eq!(body["first"], "/v2/images");
    assert_eq!(body["schema"], "/v2/schemas/images");
    assert_eq!(body.get("next"), None);
    assert_eq!(
        *controller.callers.lock().unwrap(),
        [("demo".to_owned(), "default".to_owned())]
    );
}

#[tokio::test]
async fn an_image_shows_unwrapped_with_its_properties_at_the_top() {
    let (service, _) = service();
    let (status, body) = send(&service, get("/v2/images/ami-5")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        body,
        json!({
            "id": "ami-5",
            "name": "snap",
            "status": "saving",
            "visibility": "private",
            "owner": "default",
            "protected": false,
            "os_hidden": false,
            "min_disk": 1,
            "min_ram": 256,
            "size": 1024,
            "virtual_size": null,
            "checksum": null,
            "os_hash_algo": null,
            "os_hash_value": null,
            "disk_format": "ami",
            "container_format": "ami",
            "created_at": "2026-03-06T10:00:00Z",
            "updated_at": "2026-03-06T10:00:00Z",
            "tags": [],
            "self": "/v2/images/ami-5",
            "file": "/v2/images/ami-5/file",
            "schema": "/v2/schemas/image",
            "image_type": "snapshot",
            "instance_uuid": "i-1",
        })
    );
}

#[tokio::test]
async fn an_unknown_image_is_a_404_in_webobs_json_form() {
    let (service, _) = service();
    let (status, body) = send(&service, get("/v2/images/ami-9")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(
        body,
        json!({
            "message": "No image found with ID ami-9",
            "code": "404 Not Found",
            "title": "Not Found",
        })
    );
}

#[tokio::test]
async fn ids_filter_with_in_and_quotes() {
    let (service, _) = service();
    let (_, body) = send(&service, get("/v2/images?id=in:ami-1,ami-3,ami-2")).await;
    assert_eq!(ids(&body), ["ami-2", "ami-1"]);
    let (_, body) = send(&service, get("/v2/images?id=in:%22ami-1%22,ami-5")).await;
    assert_eq!(ids(&body), ["ami-5", "ami-1"]);
    let (_, body) = send(&service, get("/v2/images?id=ami-2")).await;
    assert_eq!(ids(&body), ["ami-2"]);
    let (status, body) = send(&service, get("/v2/images?id=in:%22ami-1")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        body["message"],
        "Invalid filter value \"ami-1. The quote is not closed."
    );
}

#[test]
fn quoted_values_may_hold_commas_and_escaped_quotes() {
    assert_eq!(
        id_filter(r#"in:"a,b",c,"d\"e""#).unwrap(),
        ["a,b", "c", r#"d\"e"#]
    );
    assert!(id_filter(r#"in:a"b""#).is_err());
    assert!(id_filter(r#"in:"a"b"#).is_err());
}

#[tokio::test]
async fn os_hidden_true_lists_only_hidden_images() {
    let (service, _) = service();
    let (_, body) = send(&service, get("/v2/images?os_hidden=True")).await;
    assert_eq!(ids(&body), ["ami-3"]);
    let (status, body) = send(&service, get("/v2/images?os_hidden=maybe")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        body["message"],
        "Invalid value 'maybe' for 'os_hidden' filter. Valid values are 'true' or 'false'."
    );
}

#[tokio::test]
async fn visibility_status_name_and_properties_filter() {
    let (service, _) = service();
    let (_, body) = send(&service, get("/v2/images?visibility=community")).await;
    assert_eq!(ids(&body), ["ami-4"]);
    let (_, body) = send(&service, get("/v2/images?visibility=all")).await;
    assert_eq!(ids(&body), ["ami-5", "ami-4", "ami-2", "ami-1"]);
    let (_, body) = send(&service, get("/v2/images?status=active")).await;
    assert_eq!(ids(&body), ["ami-2", "ami-1"]);
    let (_, body) = send(&service, get("/v2/images?name=cirros")).await;
    assert_eq!(ids(&body), ["ami-1"]);
    let (_, body) = send(&service, get("/v2/images?os_distro=ubuntu")).await;
    assert_eq!(ids(&body), ["ami-2"]);
    let (_, body) = send(&service, get("/v2/images?tag=gold")).await;
    assert_eq!(ids(&body), Vec::<&str>::new());
    let (status, body) = send(&service, get("/v2/images?visibility=everyone")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["message"], "Invalid visibility value: everyone");
    let (status, body) = send(&service, get("/v2/images?status=zzz")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["message"], "Invalid status value: zzz");
}

#[tokio::test]
async fn a_full_page_links_the_next_one_after_its_last_image() {
    let (service, _) = service();
    let (_, body) = send(&service, get("/v2/images?limit=2&name=cirros&limit=2")).await;
    assert_eq!(ids(&body), ["ami-1"]);
    assert_eq!(body.get("next"), None);

    let (_, body) = send(&service, get("/v2/images?limit=2&visibility=all")).await;
    assert_eq!(ids(&body), ["ami-5", "ami-4"]);
    assert_eq!(body["first"], "/v2/images?limit=2&visibility=all");
    assert_eq!(
        body["next"],
        "/v2/images?limit=2&visibility=all&marker=ami-4"
    );

    let (_, body) = send(
        &service,
        get("/v2/images?marker=ami-4&limit=2&visibility=all"),
    )
    .await;
    assert_eq!(ids(&body), ["ami-2", "ami-1"]);
    assert_eq!(body["first"], "/v2/images?limit=2&visibility=all");
    assert_eq!(
        body["next"],
        "/v2/images?limit=2&visibility=all&marker=ami-1"
    );

    let (_, body) = send(
        &service,
        get("/v2/images?limit=2&visibility=all&marker=ami-1"),
    )
    .await;
    assert_eq!(ids(&body), Vec::<&str>::new());
    assert_eq!(body.get("next"), None);
}

#[tokio::test]
async fn an_unknown_marker_or_a_bad_limit_is_a_400() {
    let (service, _) = service();
    let (status, body) = send(&service, get("/v2/images?marker=ami-9")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        body,
        json!({
            "message": "Image with the given id ami-9 was not found",
            "code": "400 Bad Request",
            "title": "Bad Request",
        })
    );
    let (status, body) = send(&service, get("/v2/images?limit=ten")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["message"], "limit param must be an integer");
    let (status, body) = send(&service, get("/v2/images?limit=-1")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["message"], "limit param must be positive");
}

#[tokio::test]
async fn other_methods_are_405_and_unknown_paths_404() {
    let (service, _) = service();
    let mut request = get("/v2/images/ami-1");
    *request.method_mut() = Method::DELETE;
    let response = service.call(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(response.headers()[ALLOW], "GET, HEAD");
    let body: Value = serde_json::from_slice(response.body().as_bytes()).unwrap();
    assert_eq!(
        body,
        json!({
            "message": "The method is not allowed for this resource.",
            "code": "405 Method Not Allowed",
            "title": "Method Not Allowed",
        })
    );

    let mut request = get("/v2/images");
    *request.method_mut() = Method::POST;
    let (status, _) = send(&service, request).await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);

    let (status, body) = send(&service, get("/v2/images/ami-1/file")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["message"], "The resource could not be found.");
}

#[tokio::test]
async fn the_schemas_are_served() {
    let (service, _) = service();
    let (status, body) = send(&service, get("/v2/schemas/image")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["name"], "image");
    assert_eq!(body["additionalProperties"], json!({"type": "string"}));
    let (status, body) = send(&service, get("/v2/schemas/images")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["name"], "images");
    assert_eq!(body["properties"]["images"]["items"]["name"], "image");
}

#[tokio::test]
async fn every_answer_carries_a_request_id() {
    let (service, _) = service();
    let response = service.call(get("/v2/images/ami-9")).await.unwrap();
    let id = response.headers()["x-openstack-request-id"]
        .to_str()
        .unwrap();
    assert!(id.starts_with("req-"), "{id}");
    assert_eq!(id.len(), 40);

    let mut request = get("/v2/images");
    request
        .extensions_mut()
        .insert(RequestId::from("req-given"));
    let response = service.call(request).await.unwrap();
    assert_eq!(response.headers()["x-openstack-request-id"], "req-given");
}

#[tokio::test]
async fn an_oversized_body_is_a_413() {
    let (service, _) = service();
    let mut request = get("/v2/images");
    request
        .extensions_mut()
        .insert(BodyLimitExceeded { limit: 10 });
    let (status, body) = send(&service, request).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(body["code"], "413 Payload Too Large");
}

struct OneToken;

#[async_trait]
impl TokenValidator for OneToken {
    async fn validate(&self, token: &str) -> Result<Option<Context>, Fault> {
        Ok((token == "good").then(|| Context {
            user_id: "alice".into(),
            project_id: "research".into(),
            region: Some("RegionTwo".into()),
            ..Context::default()
        }))
    }
}

#[tokio::test]
async fn with_tokens_a_request_needs_one_the_validator_accepts() {
    let controller = Arc::new(FixedImages {
        images: catalog(),
        ..FixedImages::default()
    });
    let service = ImageService::with_tokens(controller.clone(), Arc::new(OneToken));
    let unauthorized = json!({"error": {
        "code": 401,
        "title": "Unauthorized",
        "message": "The request you have made requires authentication.",
    }});

    let mut request = get("/v2/images");
    request.headers_mut().remove("x-auth-token");
    assert_eq!(
        send(&service, request).await,
        (StatusCode::UNAUTHORIZED, unauthorized.clone())
    );
    let mut request = get("/v2/images/nowhere/at/all");
    request
        .headers_mut()
        .insert("x-auth-token", HeaderValue::from_static("bad"));
    assert_eq!(
        send(&service, request).await,
        (StatusCode::UNAUTHORIZED, unauthorized)
    );

    let mut request = get("/v2/images/ami-1");
    request
        .headers_mut()
        .insert("x-auth-token", HeaderValue::from_static("good"));
    let (status, _) = send(&service, request).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        *controller.callers.lock().unwrap(),
        [("alice".to_owned(), "research".to_owned())]
    );
}

#[tokio::test]
async fn a_controller_failure_keeps_its_status_not_its_message() {
    struct Broken;
    #[async_trait]
    impl ComputeController for Broken {
        async fn list_images(&self, _: ComputeCall<ImageQuery>) -> Result<Vec<Image>, Fault> {
            Err(Fault::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "database password rejected",
            ))
        }
    }
    let service = ImageService::no_auth(Arc::new(Broken));
    let (status, body) = send(&service, get("/v2/images")).await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(
        body["message"],
        "The server has either erred or is incapable of performing the requested operation."
    );
}
