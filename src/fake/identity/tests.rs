use time::macros::datetime;

use super::*;
use crate::core::ManualClock;

const START: OffsetDateTime = datetime!(2026-03-04 05:06:07 UTC);

fn catalog() -> Catalog {
    Catalog::new("http://cloud.example:5000/v3")
        .compute("http://cloud.example:8774/v2.1")
        .image("http://cloud.example:9292")
}

fn identity() -> (Identity, Arc<ManualClock>) {
    let clock = Arc::new(ManualClock::new(START));
    let identity = Identity::builder(catalog())
        .user(IdentityUser::new("demo", "demo", "default"))
        .user(IdentityUser::new("root", "s3cret", "ops").roles(["admin", "member"]))
        .clock(clock.clone())
        .build();
    (identity, clock)
}

fn request(method: Method, uri: &str, body: Value) -> Request {
    let body = if body.is_null() {
        Body::empty()
    } else {
        Body::from(body.to_string())
    };
    http::Request::builder()
        .method(method)
        .uri(uri)
        .header("host", "cloud.example:5000")
        .header("content-type", "application/json")
        .body(body)
        .unwrap()
}

fn with_tokens(mut request: Request, caller: &str, subject: &str) -> Request {
    let headers = request.headers_mut();
    headers.insert("x-auth-token", HeaderValue::from_str(caller).unwrap());
    headers.insert("x-subject-token", HeaderValue::from_str(subject).unwrap());
    request
}

async fn send(identity: &Identity, request: Request) -> (StatusCode, Value, Response) {
    let response = identity.call(request).await.unwrap();
    let body = if response.body().is_empty() {
        Value::Null
    } else {
        assert_eq!(response.headers()[CONTENT_TYPE], "application/json");
        serde_json::from_slice(response.body().as_bytes()).unwrap()
    };
    (response.status(), body, response)
}

fn password_auth(user: Value, password: &str, scope: Option<Value>) -> Value {
    let mut user = user;
    user["password"] = json!(password);
    let mut auth = json!({"auth": {"identity": {
        "methods": ["password"],
        "password": {"user": user},
    }}});
    if let Some(scope) = scope {
        auth["auth"]["scope"] = scope;
    }
    auth
}

fn demo_auth() -> Value {
    password_auth(
        json!({"name": "demo", "domain": {"name": "Default"}}),
        "demo",
        Some(json!({"project": {"name": "default", "domain": {"id": "default"}}})),
    )
}

/// Issues a token for `demo`, answering it.
async fn demo_token(identity: &Identity) -> String {
    let (status, _, response) = send(
        identity,
        request(Method::POST, "/v3/auth/tokens", demo_auth()),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    response.headers()["x-subject-token"]
        .to_str()
        .unwrap()
        .to_owned()
}

fn unauthorized() -> Value {
    json!({"error": {
        "code": 401,
        "title": "Unauthorized",
        "message": "The request you have made requires authentication.",
    }})
}

#[tokio::test]
async fn the_root_lists_v3_with_300_and_v3_describes_itself() {
    let (identity, _) = identity();
    let v3 = json!({
        "id": "v3.14",
        "status": "stable",
        "updated": "2020-04-07T00:00:00Z",
        "links": [{"rel": "self", "href": "http://cloud.example:5000/v3/"}],
        "media-types": [{
            "base": "application/json",
            "type": "application/vnd.openstack.identity-v3+json",
        }],
    });
    let (status, body, _) = send(&identity, request(Method::GET, "/", Value::Null)).await;
    assert_eq!(status, StatusCode::MULTIPLE_CHOICES);
    assert_eq!(body, json!({"versions": {"values": [v3.clone()]}}));
    for path in ["/v3", "/v3/"] {
        let (status, body, _) = send(&identity, request(Method::GET, path, Value::Null)).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(body, json!({ "version": v3 }));
    }
}

#[tokio::test]
async fn a_password_issues_a_scoped_token_with_the_catalog() {
    let (identity, _) = identity();
    let (status, body, response) = send(
        &identity,
        request(Method::POST, "/v3/auth/tokens", demo_auth()),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    let token = response.headers()["x-subject-token"].to_str().unwrap();
    assert_eq!(token.len(), 43);
    assert!(
        response.headers()["x-openstack-request-id"]
            .to_str()
            .unwrap()
            .starts_with("req-")
    );

    let audit_ids = body["token"]["audit_ids"].clone();
    assert_eq!(audit_ids[0].as_str().unwrap().len(), 22);
    let domain = json!({"id": "default", "name": "Default"});
    let endpoint = |kind: &str, url: &str| {
        json!([{
            "id": derived_id("endpoint", kind),
            "interface": "public",
            "region": "RegionOne",
            "region_id": "RegionOne",
            "url": url,
        }])
    };
    assert_eq!(
        body,
        json!({"token": {
            "methods": ["password"],
            "user": {
                "id": "demo",
                "name": "demo",
                "domain": domain,
                "password_expires_at": null,
            },
            "audit_ids": audit_ids,
            "expires_at": "2026-03-04T06:06:07.000000Z",
            "issued_at": "2026-03-04T05:06:07.000000Z",
            "project": {"id": "default", "name": "default", "domain": domain},
            "is_domain": false,
            "roles": [
                {"id": derived_id("role", "member"), "name": "member"},
                {"id": derived_id("role", "reader"), "name": "reader"},
            ],
            "catalog": [
                {
                    "type": "identity",
                    "name": "keystone",
                    "id": derived_id("service", "identity"),
                    "endpoints": endpoint("identity", "http://cloud.example:5000/v3"),
                },
                {
                    "type": "compute",
                    "name": "nova",
                    "id": derived_id("service", "compute"),
                    "endpoints": endpoint("compute", "http://cloud.example:8774/v2.1"),
                },
                {
                    "type": "image",
                    "name": "glance",
                    "id": derived_id("service", "image"),
                    "endpoints": endpoint("image", "http://cloud.example:9292"),
                },
            ],
        }})
    );
}

#[tokio::test]
async fn users_and_projects_may_be_named_by_id_or_left_unscoped() {
    let (identity, _) = identity();
    let by_id = password_auth(
        json!({"id": "root"}),
        "s3cret",
        Some(json!({"project": {"id": "ops"}})),
    );
    let unscoped = password_auth(json!({"name": "root"}), "s3cret", None);
    for auth in [by_id, unscoped] {
        let (status, body, _) =
            send(&identity, request(Method::POST, "/v3/auth/tokens", auth)).await;
        assert_eq!(status, StatusCode::CREATED);
        assert_eq!(body["token"]["project"]["id"], "ops");
        assert_eq!(body["token"]["user"]["id"], "root");
    }
}

#[tokio::test]
async fn a_wrong_password_an_unknown_user_or_a_foreign_scope_is_a_401() {
    let (identity, _) = identity();
    let wrong = [
        password_auth(json!({"name": "demo"}), "nope", None),
        password_auth(json!({"name": "nobody"}), "demo", None),
        password_auth(
            json!({"name": "demo", "domain": {"id": "other"}}),
            "demo",
            None,
        ),
        password_auth(
            json!({"name": "demo"}),
            "demo",
            Some(json!({"project": {"id": "ops"}})),
        ),
        password_auth(
            json!({"name": "demo"}),
            "demo",
            Some(json!({"domain": {"id": "default"}})),
        ),
    ];
    for auth in wrong {
        let (status, body, response) =
            send(&identity, request(Method::POST, "/v3/auth/tokens", auth)).await;
        assert_eq!((status, body), (StatusCode::UNAUTHORIZED, unauthorized()));
        assert_eq!(
            response.headers()[WWW_AUTHENTICATE],
            "Keystone uri=\"http://cloud.example:5000\""
        );
        assert!(response.headers().get("x-subject-token").is_none());
    }
    assert_eq!(identity.token_count(), 0);
}

#[tokio::test]
async fn a_malformed_body_is_a_400_in_keystones_form() {
    let (identity, _) = identity();
    let mut not_json = request(Method::POST, "/v3/auth/tokens", Value::Null);
    *not_json.body_mut() = Body::from("{auth");
    let (status, body, _) = send(&identity, not_json).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        body,
        json!({"error": {
            "code": 400,
            "title": "Bad Request",
            "message": "Expecting to find valid JSON in request body. The server could not \
                        comply with the request since it is either malformed or otherwise \
                        incorrect. The client is assumed to be in error.",
        }})
    );
    let no_identity = json!({"auth": {"scope": {"project": {"id": "default"}}}});
    let (status, body, _) = send(
        &identity,
        request(Method::POST, "/v3/auth/tokens", no_identity),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("Expecting to find identity in auth.")
    );
}

#[tokio::test]
async fn a_token_validates_until_it_expires_or_is_revoked() {
    let (identity, clock) = identity();
    let token = demo_token(&identity).await;
    let other = demo_token(&identity).await;

    let validate = with_tokens(
        request(Method::GET, "/v3/auth/tokens?nocatalog", Value::Null),
        &other,
        &token,
    );
    let (status, body, response) = send(&identity, validate).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(response.headers()["x-subject-token"], token.as_str());
    assert_eq!(body["token"]["user"]["name"], "demo");
    assert_eq!(body["token"].get("catalog"), None);

    let revoke = with_tokens(
        request(Method::DELETE, "/v3/auth/tokens", Value::Null),
        &other,
        &token,
    );
    let (status, body, _) = send(&identity, revoke).await;
    assert_eq!((status, body), (StatusCode::NO_CONTENT, Value::Null));

    let validate = with_tokens(
        request(Method::GET, "/v3/auth/tokens", Value::Null),
        &other,
        &token,
    );
    let (status, body, _) = send(&identity, validate).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(
        body,
        json!({"error": {"code": 404, "title": "Not Found", "message": "Could not find token."}})
    );

    clock.advance(Duration::hours(1));
    let validate = with_tokens(
        request(Method::GET, "/v3/auth/tokens", Value::Null),
        &other,
        &other,
    );
    let (status, body, _) = send(&identity, validate).await;
    assert_eq!((status, body), (StatusCode::UNAUTHORIZED, unauthorized()));
}

#[tokio::test]
async fn the_validator_gives_the_context_of_a_live_token_only() {
    let (identity, clock) = identity();
    let root = password_auth(json!({"name": "root"}), "s3cret", None);
    let (_, _, response) = send(&identity, request(Method::POST, "/v3/auth/tokens", root)).await;
    let token = response.headers()["x-subject-token"].to_str().unwrap();

    let validator: Arc<dyn TokenValidator> = Arc::new(identity.clone());
    assert_eq!(
        validator.validate(token).await.unwrap(),
        Some(Context {
            user_id: "root".into(),
            project_id: "ops".into(),
            roles: vec!["admin".into(), "member".into()],
            is_admin: true,
            ..Context::default()
        })
    );
    assert_eq!(validator.validate("forged").await.unwrap(), None);
    clock.advance(Duration::minutes(59));
    assert!(validator.validate(token).await.unwrap().is_some());
    clock.advance(Duration::minutes(1));
    assert_eq!(validator.validate(token).await.unwrap(), None);
}

#[tokio::test]
async fn a_token_made_from_a_token_keeps_its_expiry() {
    let (identity, clock) = identity();
    let first = demo_token(&identity).await;
    clock.advance(Duration::minutes(30));
    let rescope = json!({"auth": {
        "identity": {"methods": ["token"], "token": {"id": first}},
        "scope": {"project": {"id": "default"}},
    }});
    let (status, body, _) =
        send(&identity, request(Method::POST, "/v3/auth/tokens", rescope)).await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(body["token"]["methods"], json!(["token", "password"]));
    assert_eq!(body["token"]["issued_at"], "2026-03-04T05:36:07.000000Z");
    assert_eq!(body["token"]["expires_at"], "2026-03-04T06:06:07.000000Z");
}

#[tokio::test]
async fn the_store_forgets_expired_tokens_then_the_oldest() {
    let clock = Arc::new(ManualClock::new(START));
    let identity = Identity::builder(catalog())
        .user(IdentityUser::new("demo", "demo", "default"))
        .clock(clock.clone())
        .max_tokens(3)
        .build();
    let first = demo_token(&identity).await;
    clock.advance(Duration::minutes(10));
    let mut later = Vec::new();
    for _ in 0..3 {
        later.push(demo_token(&identity).await);
    }
    assert_eq!(identity.token_count(), 3);
    assert_eq!(identity.validate(&first).await.unwrap(), None);
    for token in &later {
        assert!(identity.validate(token).await.unwrap().is_some());
    }

    clock.advance(Duration::hours(1));
    demo_token(&identity).await;
    assert_eq!(identity.token_count(), 1);
}

#[tokio::test]
async fn projects_and_users_are_shown_to_their_owner_and_to_administrators() {
    let (identity, _) = identity();
    let demo = demo_token(&identity).await;
    let get = |path: &str, token: &str| {
        let mut request = request(Method::GET, path, Value::Null);
        request
            .headers_mut()
            .insert("x-auth-token", HeaderValue::from_str(token).unwrap());
        request
    };

    let (status, body, _) = send(&identity, get("/v3/auth/projects", &demo)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["projects"][0]["id"], "default");
    assert_eq!(
        body["projects"][0]["links"]["self"],
        "http://cloud.example:5000/v3/projects/default"
    );
    let (status, body, _) = send(&identity, get("/v3/projects/default", &demo)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["project"]["name"], "default");
    let (status, body, _) = send(&identity, get("/v3/projects/ops", &demo)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(
        body["error"]["message"],
        "You are not authorized to perform the requested action: identity:get_project."
    );
    let (status, body, _) = send(&identity, get("/v3/users/demo", &demo)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["user"]["default_project_id"], "default");

    let root = password_auth(json!({"name": "root"}), "s3cret", None);
    let (_, _, response) = send(&identity, request(Method::POST, "/v3/auth/tokens", root)).await;
    let root = response.headers()["x-subject-token"].to_str().unwrap();
    let (_, body, _) = send(&identity, get("/v3/projects", root)).await;
    let names: Vec<&str> = body["projects"]
        .as_array()
        .unwrap()
        .iter()
        .map(|project| project["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["default", "ops"]);
    let (_, body, _) = send(&identity, get("/v3/projects?name=ops", root)).await;
    assert_eq!(body["projects"].as_array().unwrap().len(), 1);
    let (status, _, _) = send(&identity, get("/v3/projects/nowhere", root)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let (status, body, _) = send(&identity, get("/v3/auth/catalog", root)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["catalog"].as_array().unwrap().len(), 3);
    let (status, body, _) = send(&identity, get("/v3/projects", "forged")).await;
    assert_eq!((status, body), (StatusCode::UNAUTHORIZED, unauthorized()));
}

#[tokio::test]
async fn other_methods_are_405_and_unknown_paths_404() {
    let (identity, _) = identity();
    let (status, body, _) = send(&identity, request(Method::PUT, "/v3", Value::Null)).await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(body["error"]["title"], "Method Not Allowed");
    let (status, body, _) = send(&identity, request(Method::GET, "/v3/domains", Value::Null)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(
        body,
        json!({"error": {
            "code": 404,
            "title": "Not Found",
            "message": "The resource could not be found.",
        }})
    );
}

#[tokio::test]
async fn an_oversized_body_is_a_413() {
    let (identity, _) = identity();
    let mut request = request(Method::POST, "/v3/auth/tokens", Value::Null);
    request
        .extensions_mut()
        .insert(BodyLimitExceeded { limit: 10 });
    let (status, body, _) = send(&identity, request).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(body["error"]["title"], "Request Entity Too Large");
}

#[test]
fn passwords_never_show_in_debug() {
    let user = IdentityUser::new("demo", "hunter2", "default");
    let shown = format!("{user:?}");
    assert!(shown.contains("Password(<redacted>)"), "{shown}");
    assert!(!shown.contains("hunter2"));
    assert!(user.password.matches("hunter2"));
    assert!(!user.password.matches("hunter"));
}

#[tokio::test]
async fn the_image_endpoint_accepts_the_identitys_tokens() {
    use crate::openstack::model::{Image, ImageQuery};
    use crate::openstack::{ComputeCall, ComputeController, ImageService};

    struct OneImage;
    #[async_trait]
    impl ComputeController for OneImage {
        async fn list_images(&self, call: ComputeCall<ImageQuery>) -> Result<Vec<Image>, Fault> {
            Ok(vec![Image {
                id: "ami-1".into(),
                owner: call.context.project_id,
                ..Image::default()
            }])
        }
    }

    let (identity, _) = identity();
    let token = demo_token(&identity).await;
    let images = ImageService::with_tokens(Arc::new(OneImage), Arc::new(identity.clone()));
    let mut list = request(Method::GET, "/v2/images", Value::Null);
    list.headers_mut()
        .insert("x-auth-token", HeaderValue::from_str(&token).unwrap());
    let response = images.call(list).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = serde_json::from_slice(response.body().as_bytes()).unwrap();
    assert_eq!(body["images"][0]["owner"], "default");
}
