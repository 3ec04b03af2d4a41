//! The Compute API chain, driven end to end with HTTP requests.

use std::sync::Arc;

use async_trait::async_trait;
use http::{Method, StatusCode};
use serde_json::{Value, json};

use super::resources::testing::{Recorder, SERVER_ID};
use super::{
    ApiRequest, ApiResponse, Availability, ComputeApi, ComputeAuth, Extension, ExtensionDescriptor,
    Fault, Handler, ResponseBody, Route, TokenValidator,
};
use crate::core::{Application, Body, Context, Response, UrlMap};

const HOST: &str = "openstack.example.com";

struct Widgets;

#[async_trait]
impl Handler for Widgets {
    async fn handle(&self, request: ApiRequest) -> Result<ApiResponse, Fault> {
        if request.query_value("explode").is_some() {
            panic!("widget factory password is hunter2");
        }
        Ok(ApiResponse::new(
            StatusCode::OK,
            ResponseBody::Json(json!({"widgets": [], "project": request.links.project_id})),
        ))
    }
}

fn widgets() -> Extension {
    Extension::new(ExtensionDescriptor {
        name: "Widgets".into(),
        alias: "os-widgets".into(),
        namespace: "http://docs.example.com/compute/ext/widgets/api/v1.1".into(),
        description: "Widgets of a project.".into(),
        updated: "2011-08-08T00:00:00Z".into(),
    })
    .route(Route {
        method: Method::GET,
        template: "/os-widgets",
        availability: Availability::SINCE_V1_1,
        handler: Arc::new(Widgets),
    })
}

fn api_over(recorder: Arc<Recorder>) -> Arc<dyn Application> {
    ComputeApi::builder(recorder)
        .auth(ComputeAuth::NoAuth)
        .projects(|project: &str| matches!(project, "demo" | "servers"))
        .extension(widgets())
        .region("RegionOne")
        .build()
}

fn api() -> Arc<dyn Application> {
    api_over(Arc::new(Recorder::sample()))
}

async fn send(
    app: &Arc<dyn Application>,
    method: Method,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> Response {
    let mut builder = http::Request::builder()
        .method(method)
        .uri(path)
        .header("host", HOST);
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    let request = builder.body(Body::from(body.to_owned())).unwrap();
    app.call(request).await.unwrap()
}

async fn get(app: &Arc<dyn Application>, path: &str, headers: &[(&str, &str)]) -> Response {
    send(app, Method::GET, path, headers, "").await
}

const DEMO: (&str, &str) = ("x-auth-token", "fake:demo");

fn json_of(response: &Response) -> Value {
    serde_json::from_slice(response.body().as_bytes()).unwrap()
}

fn text_of(response: &Response) -> String {
    String::from_utf8(response.body().as_bytes().to_vec()).unwrap()
}

fn header<'a>(response: &'a Response, name: &str) -> Option<&'a str> {
    response
        .headers()
        .get(name)
        .map(|value| value.to_str().unwrap())
}

fn not_found() -> Value {
    json!({"itemNotFound": {"code": 404, "message": "The resource could not be found."}})
}

#[tokio::test]
async fn routes_answer_with_and_without_a_project_in_the_path() {
    let app = api();
    let bare = get(&app, "/v2.1/servers", &[DEMO]).await;
    assert_eq!(bare.status(), 200);
    assert_eq!(
        json_of(&bare)["servers"][0]["links"][0]["href"],
        format!("http://{HOST}/v2.1/servers/{SERVER_ID}")
    );
    let scoped = get(&app, "/v2.1/demo/servers", &[DEMO]).await;
    assert_eq!(scoped.status(), 200);
    assert_eq!(
        json_of(&scoped)["servers"][0]["links"][0]["href"],
        format!("http://{HOST}/v2.1/demo/servers/{SERVER_ID}")
    );
    let legacy = get(&app, "/v2/demo/os-widgets", &[DEMO]).await;
    assert_eq!(json_of(&legacy), json!({"widgets": [], "project": "demo"}));
}

#[tokio::test]
async fn an_unknown_project_is_not_found() {
    let response = get(&api(), "/v2.1/nosuch/servers", &[DEMO]).await;
    assert_eq!(response.status(), 404);
    assert_eq!(json_of(&response), not_found());
}

#[tokio::test]
async fn a_project_other_than_the_callers_is_a_bad_request() {
    let other = ("x-auth-token", "fake:other");
    let response = get(&api(), "/v2.1/demo/servers", &[other]).await;
    assert_eq!(response.status(), 400);
    assert_eq!(
        json_of(&response),
        json!({"badRequest": {"code": 400, "message": "Malformed request URL: URL's \
               project_id 'demo' doesn't match Context's project_id 'other'"}})
    );
}

#[tokio::test]
async fn a_project_named_like_a_collection_never_hides_a_route() {
    let recorder = Arc::new(Recorder::sample());
    let app = api_over(Arc::clone(&recorder));
    let token = ("x-auth-token", "fake:servers");
    let listed = get(&app, "/v2.1/servers", &[token]).await;
    assert_eq!(listed.status(), 200);
    let detailed = get(&app, "/v2.1/servers/servers/detail", &[token]).await;
    assert_eq!(detailed.status(), 200);
    assert_eq!(json_of(&detailed)["servers"][0]["id"], SERVER_ID);
    assert_eq!(recorder.calls().len(), 2);
}

#[tokio::test]
async fn version_documents_need_no_token() {
    let app = api();
    let root = get(&app, "/", &[]).await;
    assert_eq!(root.status(), 200);
    let versions = json_of(&root);
    let ids: Vec<&Value> = versions["versions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|version| &version["id"])
        .collect();
    assert_eq!(ids, [&json!("v2.0"), &json!("v2.1")]);
    assert_eq!(
        header(&root, "x-compute-request-id"),
        header(&root, "x-openstack-request-id")
    );

    let v21 = get(&app, "/v2.1/", &[]).await;
    assert_eq!(v21.status(), 200);
    let document = json_of(&v21);
    assert_eq!(document["version"]["version"], "2.47");
    assert_eq!(
        document["version"]["links"][0]["href"],
        format!("http://{HOST}/v2.1/")
    );
    assert_eq!(header(&v21, "openstack-api-version"), Some("compute 2.1"));

    let v2 = get(&app, "/v2/", &[]).await;
    assert_eq!(json_of(&v2)["version"]["id"], "v2.0");
    assert_eq!(header(&v2, "openstack-api-version"), None);
}

#[tokio::test]
async fn an_endpoint_without_its_slash_redirects() {
    let response = get(&api(), "/v2.1", &[]).await;
    assert_eq!(response.status(), StatusCode::FOUND);
    assert_eq!(
        header(&response, "location"),
        Some("http://openstack.example.com/v2.1/")
    );
}

#[tokio::test]
async fn an_unversioned_path_offers_its_choices() {
    let response = get(&api(), "/servers/detail", &[]).await;
    assert_eq!(response.status(), StatusCode::MULTIPLE_CHOICES);
    assert_eq!(
        json_of(&response),
        json!({"choices": [
            {
                "id": "v2.0",
                "status": "SUPPORTED",
                "links": [{"rel": "self", "href": format!("http://{HOST}/v2/servers/detail")}],
                "media-types": [{
                    "base": "application/json",
                    "type": "application/vnd.openstack.compute+json;version=2",
                }],
            },
            {
                "id": "v2.1",
                "status": "CURRENT",
                "links": [{"rel": "self", "href": format!("http://{HOST}/v2.1/servers/detail")}],
                "media-types": [{
                    "base": "application/json",
                    "type": "application/vnd.openstack.compute+json;version=2.1",
                }],
            },
        ]})
    );
}

#[tokio::test]
async fn the_modern_endpoints_refuse_a_request_without_token() {
    let response = get(&api(), "/v2.1/servers", &[]).await;
    assert_eq!(response.status(), 401);
    assert_eq!(
        json_of(&response),
        json!({"unauthorized": {"code": 401,
               "message": "The request you have made requires authentication."}})
    );
}

#[tokio::test]
async fn the_legacy_endpoints_answer_the_noauth_handshake() {
    let app = api();
    let headers = [("x-auth-user", "joe"), ("x-auth-project-id", "acme")];
    let v11 = get(&app, "/v1.1", &headers).await;
    assert_eq!(v11.status(), 204);
    assert_eq!(header(&v11, "x-auth-token"), Some("joe:acme"));
    assert_eq!(
        header(&v11, "x-server-management-url"),
        Some("http://openstack.example.com/v1.1/acme")
    );
    assert!(
        header(&v11, "x-compute-request-id")
            .unwrap()
            .starts_with("req-")
    );
    let v10 = get(&app, "/v1.0/servers", &[("x-auth-user", "joe")]).await;
    assert_eq!(v10.status(), 204);
    assert_eq!(header(&v10, "x-auth-token"), Some("joe:joe"));
    assert_eq!(
        header(&v10, "x-server-management-url"),
        Some("http://openstack.example.com/v1.0")
    );
}

#[tokio::test]
async fn microversions_are_echoed_with_vary_on_answers_and_faults() {
    let app = api();
    let latest = [DEMO, ("openstack-api-version", "compute latest")];
    let listed = get(&app, "/v2.1/servers", &latest).await;
    assert_eq!(listed.status(), 200);
    assert_eq!(
        header(&listed, "openstack-api-version"),
        Some("compute 2.47")
    );
    assert_eq!(
        header(&listed, "x-openstack-nova-api-version"),
        Some("2.47")
    );
    assert_eq!(
        header(&listed, "vary"),
        Some("OpenStack-API-Version, X-OpenStack-Nova-API-Version")
    );

    let legacy = [DEMO, ("x-openstack-nova-api-version", "2.10")];
    let missing = get(&app, "/v2.1/servers/nosuch", &legacy).await;
    assert_eq!(missing.status(), 404);
    assert_eq!(
        header(&missing, "openstack-api-version"),
        Some("compute 2.10")
    );
    assert_eq!(
        header(&missing, "x-openstack-nova-api-version"),
        Some("2.10")
    );

    let v2 = get(&app, "/v2/servers", &latest).await;
    assert_eq!(v2.status(), 200);
    assert_eq!(header(&v2, "vary"), None);
}

#[tokio::test]
async fn bad_microversions_are_400_and_406() {
    let app = api();
    let unserved = get(
        &app,
        "/v2.1/servers",
        &[DEMO, ("openstack-api-version", "compute 2.99")],
    )
    .await;
    assert_eq!(unserved.status(), 406);
    assert_eq!(
        json_of(&unserved),
        json!({"computeFault": {"code": 406, "message": "Version 2.99 is not supported by \
               the API. Minimum is 2.1 and maximum is 2.47."}})
    );
    let malformed = get(
        &app,
        "/v2.1/servers",
        &[DEMO, ("openstack-api-version", "compute 2")],
    )
    .await;
    assert_eq!(malformed.status(), 400);
    assert_eq!(
        json_of(&malformed)["badRequest"]["message"],
        "API Version String 2 is of invalid format. Must be of format MajorNum.MinorNum."
    );
}

#[tokio::test]
async fn a_route_past_its_microversion_or_endpoint_is_not_found() {
    let app = api();
    let images = get(
        &app,
        "/v2.1/images",
        &[DEMO, ("openstack-api-version", "compute 2.36")],
    )
    .await;
    assert_eq!(images.status(), 404);
    assert_eq!(json_of(&images), not_found());
    let groups = get(&app, "/v1.1/demo/shared_ip_groups", &[DEMO]).await;
    assert_eq!(groups.status(), 404);
}

#[tokio::test]
async fn a_known_path_with_another_method_is_405() {
    let response = send(&api(), Method::DELETE, "/v2.1/servers", &[DEMO], "").await;
    assert_eq!(response.status(), 405);
    assert_eq!(header(&response, "allow"), Some("GET, POST"));
    assert_eq!(
        json_of(&response),
        json!({"badMethod": {"code": 405,
               "message": "The method DELETE is not allowed for this resource."}})
    );
}

#[tokio::test]
async fn actions_dispatch_by_their_body_key() {
    let recorder = Arc::new(Recorder::sample());
    let app = api_over(Arc::clone(&recorder));
    let path = format!("/v2.1/demo/servers/{SERVER_ID}/action");
    let json = ("content-type", "application/json");
    let rebooted = send(
        &app,
        Method::POST,
        &path,
        &[DEMO, json],
        r#"{"reboot": {"type": "HARD"}}"#,
    )
    .await;
    assert_eq!(rebooted.status(), 202);
    assert_eq!(rebooted.body().as_bytes(), b"");
    assert!(
        header(&rebooted, "x-openstack-request-id")
            .unwrap()
            .starts_with("req-")
    );
    assert_eq!(recorder.calls().len(), 1);
    assert!(
        recorder.calls()[0].starts_with("reboot_server 2.1 "),
        "{:?}",
        recorder.calls()
    );

    let unknown = send(&app, Method::POST, &path, &[DEMO, json], r#"{"fly": null}"#).await;
    assert_eq!(unknown.status(), 400);
    assert_eq!(
        json_of(&unknown),
        json!({"badRequest": {"code": 400, "message": "There is no such action: fly"}})
    );
    let two = r#"{"os-start": null, "os-stop": null}"#;
    let ambiguous = send(&app, Method::POST, &path, &[DEMO, json], two).await;
    assert_eq!(
        json_of(&ambiguous)["badRequest"]["message"],
        "Malformed request body"
    );
    let empty = send(&app, Method::POST, &path, &[DEMO, json], "").await;
    assert_eq!(
        json_of(&empty)["badRequest"]["message"],
        "Malformed request body"
    );
}

#[tokio::test]
async fn malformed_and_empty_bodies_are_bad_requests() {
    let app = api();
    let json = ("content-type", "application/json");
    let malformed = send(
        &app,
        Method::POST,
        "/v2.1/servers",
        &[DEMO, json],
        "{\"server\":",
    )
    .await;
    assert_eq!(malformed.status(), 400);
    assert_eq!(
        json_of(&malformed),
        json!({"badRequest": {"code": 400, "message": "Malformed request body"}})
    );
    let empty = send(&app, Method::POST, "/v2.1/servers", &[DEMO, json], "").await;
    assert_eq!(empty.status(), 400);
    assert_eq!(
        json_of(&empty),
        json!({"badRequest": {"code": 400, "message": "None is not of type 'object'"}})
    );
    let csv = ("content-type", "text/csv");
    let unsupported = send(&app, Method::POST, "/v2.1/servers", &[DEMO, csv], "a,b").await;
    assert_eq!(unsupported.status(), 415);
    assert_eq!(
        json_of(&unsupported),
        json!({"badMediaType": {"code": 415, "message": "Unsupported Content-Type"}})
    );
    let bodiless_get = get(&app, "/v2.1/flavors", &[DEMO, csv]).await;
    assert_eq!(bodiless_get.status(), 200);
}

#[tokio::test]
async fn an_xml_body_reaches_the_handler_as_json() {
    let recorder = Arc::new(Recorder::sample());
    let app = api_over(Arc::clone(&recorder));
    let body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\
        <server xmlns=\"http://docs.openstack.org/compute/api/v1.1\" name=\"x\" \
        imageRef=\"1\" flavorRef=\"2\"><metadata><meta key=\"a\">b</meta></metadata></server>";
    let xml = ("content-type", "application/xml");
    let response = send(
        &app,
        Method::POST,
        "/v1.1/demo/servers.xml",
        &[DEMO, xml],
        body,
    )
    .await;
    assert_eq!(response.status(), 202, "{}", text_of(&response));
    assert_eq!(header(&response, "content-type"), Some("application/xml"));
    assert!(text_of(&response).starts_with("<?xml version='1.0' encoding='UTF-8'?>\n<server "));
    let call = &recorder.calls()[0];
    assert!(
        call.starts_with(
            "create_server 1.1 CreateServer { name: \"x\", image_ref: Some(\"1\"), \
             flavor_ref: \"2\""
        ),
        "{call}"
    );
    assert!(call.contains("\"a\": \"b\""), "{call}");
}

#[tokio::test]
async fn an_id_with_a_dot_is_not_a_format_suffix() {
    let app = api();
    let json = get(&app, "/v1.1/demo/servers/my.server", &[DEMO]).await;
    assert_eq!(json.status(), 404);
    assert_eq!(
        json_of(&json),
        json!({"itemNotFound": {"code": 404, "message": "Instance my.server could not be found."}})
    );
    let xml = get(&app, "/v1.1/demo/servers/my.server.xml", &[DEMO]).await;
    assert_eq!(
        text_of(&xml),
        "<?xml version='1.0' encoding='UTF-8'?>\n<itemNotFound \
         xmlns=\"http://docs.openstack.org/compute/api/v1.1\" code=\"404\">\
         <message>Instance my.server could not be found.</message></itemNotFound>"
    );
}

#[tokio::test]
async fn vendor_media_types_round_trip_in_content_type() {
    let accept = ("accept", "application/vnd.openstack.compute+json");
    let response = get(&api(), "/v1.1/demo/flavors", &[DEMO, accept]).await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        header(&response, "content-type"),
        Some("application/vnd.openstack.compute+json")
    );
}

#[tokio::test]
async fn extensions_are_routed_and_listed() {
    let app = api();
    let listed = get(&app, "/v2.1/demo/extensions", &[DEMO]).await;
    let descriptor = json!({
        "name": "Widgets",
        "alias": "os-widgets",
        "namespace": "http://docs.example.com/compute/ext/widgets/api/v1.1",
        "description": "Widgets of a project.",
        "updated": "2011-08-08T00:00:00Z",
        "links": [],
    });
    assert_eq!(
        json_of(&listed),
        json!({"extensions": [descriptor.clone()]})
    );
    let shown = get(&app, "/v1.1/extensions/os-widgets", &[DEMO]).await;
    assert_eq!(json_of(&shown), json!({"extension": descriptor}));
    let served = get(&app, "/v2.1/os-widgets", &[DEMO]).await;
    assert_eq!(json_of(&served), json!({"widgets": [], "project": null}));
    let v10 = get(&app, "/v1.0/extensions", &[DEMO]).await;
    assert_eq!(v10.status(), 404);
}

#[tokio::test]
async fn a_panicking_handler_is_a_500_that_hides_its_text() {
    let response = get(&api(), "/v2.1/os-widgets?explode=1", &[DEMO]).await;
    assert_eq!(response.status(), 500);
    let text = text_of(&response);
    assert!(
        text.starts_with("{\"computeFault\":{\"code\":500,"),
        "{text}"
    );
    assert!(!text.contains("hunter2"));
    assert!(header(&response, "x-compute-request-id").is_some());
}

struct OneToken;

#[async_trait]
impl TokenValidator for OneToken {
    async fn validate(&self, token: &str) -> Result<Option<Context>, Fault> {
        match token {
            "good" => Ok(Some(Context {
                user_id: "alice".into(),
                project_id: "demo".into(),
                roles: vec!["member".into()],
                ..Context::default()
            })),
            "down" => Err(Fault::unavailable("Identity is down.")),
            _ => Ok(None),
        }
    }
}

#[tokio::test]
async fn tokens_are_checked_by_the_validator() {
    let app = ComputeApi::builder(Arc::new(Recorder::sample()))
        .tokens(Arc::new(OneToken))
        .build();
    let good = get(&app, "/v2.1/demo/servers", &[("x-auth-token", "good")]).await;
    assert_eq!(good.status(), 200);
    let unknown = get(&app, "/v2.1/servers", &[("x-auth-token", "bad")]).await;
    assert_eq!(unknown.status(), 401);
    let down = get(&app, "/v2.1/servers", &[("x-auth-token", "down")]).await;
    assert_eq!(
        json_of(&down),
        json!({"serviceUnavailable": {"code": 503, "message": "Identity is down."}})
    );
    let legacy = get(&app, "/v1.1/servers", &[]).await;
    assert_eq!(legacy.status(), 401);
}

#[tokio::test]
async fn noauth_or_a_validator_takes_known_tokens_and_reads_the_rest_as_noauth() {
    let app = ComputeApi::builder(Arc::new(Recorder::sample()))
        .auth(ComputeAuth::NoAuthOr(Arc::new(OneToken)))
        .projects(|project: &str| matches!(project, "demo" | "other"))
        .extension(widgets())
        .build();
    // `good` is alice in demo by the validator, not user `good` in project `good`.
    let known = get(&app, "/v2.1/demo/os-widgets", &[("x-auth-token", "good")]).await;
    assert_eq!(known.status(), 200);
    assert_eq!(json_of(&known)["project"], "demo");
    let noauth = get(
        &app,
        "/v2.1/other/os-widgets",
        &[("x-auth-token", "bob:other")],
    )
    .await;
    assert_eq!(noauth.status(), 200);
    assert_eq!(json_of(&noauth)["project"], "other");
    // An unknown token without a colon is a NoAuth user of its own project, not demo.
    let stranger = get(
        &app,
        "/v2.1/demo/os-widgets",
        &[("x-auth-token", "stranger")],
    )
    .await;
    assert_eq!(stranger.status(), 400);
    let down = get(&app, "/v2.1/servers", &[("x-auth-token", "down")]).await;
    assert_eq!(down.status(), 503);
    let handshake = get(&app, "/v1.1/servers", &[("x-auth-user", "carol")]).await;
    assert_eq!(handshake.status(), 204);
    assert_eq!(header(&handshake, "x-auth-token"), Some("carol:carol"));
}

#[tokio::test]
async fn links_keep_the_prefix_the_api_is_mounted_under() {
    let map: Arc<dyn Application> = Arc::new(UrlMap::new().mount("/compute", api()));
    let document = get(&map, "/compute/v2.1/", &[]).await;
    assert_eq!(
        json_of(&document)["version"]["links"][0]["href"],
        format!("http://{HOST}/compute/v2.1/")
    );
    let listed = get(&map, "/compute/v2.1/demo/servers", &[DEMO]).await;
    assert_eq!(
        json_of(&listed)["servers"][0]["links"][0]["href"],
        format!("http://{HOST}/compute/v2.1/demo/servers/{SERVER_ID}")
    );
}
