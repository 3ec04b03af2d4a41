//! Server actions, server addresses and server metadata.

use http::{Method, StatusCode};
use serde_json::{Value, json};

use super::super::super::model::{
    ChangePassword, CreateImage, RebootServer, RebootType, RebuildServer, ResizeServer,
    ServerMetadataKey, SetServerMetadata,
};
use super::super::super::request::{ApiRequest, ApiResponse};
use super::super::super::version::{ApiVersion, Endpoint};
use super::super::testing::*;
use super::servers::core_view;

#[tokio::test]
async fn reboot_takes_soft_or_hard_in_nova_s_spellings() {
    let api = Api::sample();
    let response = api
        .act(v2_1(1), json!({"reboot": {"type": "hard"}}))
        .await
        .unwrap();
    assert_eq!(response, ApiResponse::empty(StatusCode::ACCEPTED));
    let input = RebootServer {
        server_id: SERVER_ID.into(),
        reboot_type: RebootType::Hard,
    };
    assert_eq!(
        api.recorder.calls(),
        [format!("reboot_server 2.1 {input:?}")]
    );

    let cases = [
        (
            json!({"reboot": {}}),
            "Invalid input for field/attribute reboot. Value: {}. 'type' is a required property",
        ),
        (
            json!({"reboot": {"type": "GENTLE"}}),
            "Invalid input for field/attribute type. Value: GENTLE. 'GENTLE' is not one of \
             ['HARD', 'Hard', 'hard', 'SOFT', 'Soft', 'soft']",
        ),
        (
            json!({"reboot": "SOFT"}),
            "Invalid input for field/attribute reboot. Value: SOFT. 'SOFT' is not of type 'object'",
        ),
    ];
    for (body, message) in cases {
        let fault = api.act(v2_1(1), body).await.unwrap_err();
        assert_eq!(fault.status(), StatusCode::BAD_REQUEST);
        assert_eq!(fault.message(), message);
    }
}

#[tokio::test]
async fn start_and_stop_pass_the_controller_s_answer_through() {
    let api = Api::sample();
    let response = api.act(v2_1(1), json!({"os-stop": null})).await.unwrap();
    assert_eq!(response, ApiResponse::empty(StatusCode::ACCEPTED));
    let fault = api
        .act(v2_1(1), json!({"os-start": null}))
        .await
        .unwrap_err();
    assert_eq!(fault.status(), StatusCode::CONFLICT);
    assert_eq!(
        fault.message(),
        format!("Cannot 'start' instance {SERVER_ID} while it is in vm_state active")
    );
    assert_eq!(
        api.recorder.calls(),
        [
            format!("stop_server 2.1 {SERVER_ID:?}"),
            format!("start_server 2.1 {SERVER_ID:?}")
        ]
    );
}

#[tokio::test]
async fn resize_reads_flavor_ref_and_v1_0_reads_flavor_id() {
    let api = Api::sample();
    let response = api
        .act(
            v2_1(1),
            json!({"resize": {"flavorRef": "http://openstack.example.com/demo/flavors/2"}}),
        )
        .await
        .unwrap();
    assert_eq!(response, ApiResponse::empty(StatusCode::ACCEPTED));
    let v1_0 = request(Endpoint::V1_0, ApiVersion::V1_0);
    api.act(v1_0, json!({"resize": {"flavorId": 3}}))
        .await
        .unwrap();
    let resize = |flavor: &str| ResizeServer {
        server_id: SERVER_ID.into(),
        flavor_ref: flavor.into(),
    };
    assert_eq!(
        api.recorder.calls(),
        [
            format!("resize_server 2.1 {:?}", resize("2")),
            format!("resize_server 1.0 {:?}", resize("3"))
        ]
    );
    let fault = api
        .act(v2_1(1), json!({"resize": {"flavorId": "2"}}))
        .await
        .unwrap_err();
    assert_eq!(
        fault.message(),
        "Invalid input for field/attribute resize. Value: {\"flavorId\":\"2\"}. \
         Additional properties are not allowed ('flavorId' was unexpected)"
    );
}

#[tokio::test]
async fn confirm_resize_answers_204_and_revert_resize_202() {
    let api = Api::sample();
    let confirmed = api
        .act(v2_1(1), json!({"confirmResize": null}))
        .await
        .unwrap();
    assert_eq!(confirmed, ApiResponse::empty(StatusCode::NO_CONTENT));
    let reverted = api
        .act(v2_1(1), json!({"revertResize": null}))
        .await
        .unwrap();
    assert_eq!(reverted, ApiResponse::empty(StatusCode::ACCEPTED));
}

#[tokio::test]
async fn rebuild_answers_the_shorter_view_with_the_password() {
    let api = Api::sample();
    let body = json!({"rebuild": {
        "imageRef": IMAGE_ID,
        "name": "rebuilt",
        "adminPass": "seekr3t",
        "metadata": {"meta_var": "meta_val"}
    }});
    let response = api.act(v2_1(1), body).await.unwrap();
    assert_eq!(response.status, StatusCode::ACCEPTED);
    let mut expected = core_view("rebuilt");
    expected["adminPass"] = json!("seekr3t");
    assert_eq!(json_body(&response), &json!({"server": expected}));
    assert_eq!(
        location(&response),
        Some(format!("http://openstack.example.com/v2.1/demo/servers/{SERVER_ID}").as_str())
    );
    let input = RebuildServer {
        server_id: SERVER_ID.into(),
        image_ref: IMAGE_ID.into(),
        name: Some("rebuilt".into()),
        admin_pass: Some("seekr3t".into()),
        metadata: Some([("meta_var".to_owned(), "meta_val".to_owned())].into()),
        ..RebuildServer::default()
    };
    assert_eq!(
        api.recorder.calls(),
        [format!("rebuild_server 2.1 {input:?}")]
    );
}

#[tokio::test]
async fn rebuild_on_v1_0_reads_image_id_and_answers_no_body() {
    let api = Api::sample();
    let v1_0 = request(Endpoint::V1_0, ApiVersion::V1_0);
    let response = api
        .act(v1_0, json!({"rebuild": {"imageId": 2}}))
        .await
        .unwrap();
    assert_eq!(response, ApiResponse::empty(StatusCode::ACCEPTED));
    let input = RebuildServer {
        server_id: SERVER_ID.into(),
        image_ref: "2".into(),
        ..RebuildServer::default()
    };
    assert_eq!(
        api.recorder.calls(),
        [format!("rebuild_server 1.0 {input:?}")]
    );
}

#[tokio::test]
async fn create_image_answers_a_location_before_2_45_and_the_id_from_2_45() {
    let api = Api::sample();
    let body = json!({"createImage": {"name": "snap", "metadata": {"k": "v"}}});
    let response = api.act(v2_1(44), body.clone()).await.unwrap();
    assert_eq!(response.status, StatusCode::ACCEPTED);
    assert_eq!(response.body, Default::default());
    assert_eq!(
        location(&response),
        Some(format!("http://openstack.example.com:9292/images/{IMAGE_ID}").as_str())
    );

    let response = api.act(v2_1(45), body).await.unwrap();
    assert_eq!(response.status, StatusCode::ACCEPTED);
    assert_eq!(location(&response), None);
    assert_eq!(json_body(&response), &json!({"image_id": IMAGE_ID}));

    let input = CreateImage {
        server_id: SERVER_ID.into(),
        name: "snap".into(),
        metadata: [("k".to_owned(), "v".to_owned())].into(),
    };
    assert_eq!(
        api.recorder.calls(),
        [
            format!("create_image 2.44 {input:?}"),
            format!("create_image 2.45 {input:?}")
        ]
    );

    let fault = api
        .act(v2_1(45), json!({"createImage": {}}))
        .await
        .unwrap_err();
    assert_eq!(
        fault.message(),
        "Invalid input for field/attribute createImage. Value: {}. 'name' is a required property"
    );
}

#[tokio::test]
async fn create_image_on_v1_1_locates_the_image_on_the_compute_api() {
    let api = Api::sample();
    let v1_1 = request(Endpoint::V1_1, ApiVersion::V1_1);
    let response = api
        .act(v1_1, json!({"createImage": {"name": "snap"}}))
        .await
        .unwrap();
    assert_eq!(
        location(&response),
        Some(format!("http://openstack.example.com/v1.1/demo/images/{IMAGE_ID}").as_str())
    );
}

#[tokio::test]
async fn change_password_needs_an_admin_pass() {
    let api = Api::sample();
    let response = api
        .act(v2_1(1), json!({"changePassword": {"adminPass": "n3w"}}))
        .await
        .unwrap();
    assert_eq!(response, ApiResponse::empty(StatusCode::ACCEPTED));
    let input = ChangePassword {
        server_id: SERVER_ID.into(),
        admin_pass: "n3w".into(),
    };
    assert_eq!(
        api.recorder.calls(),
        [format!("change_password 2.1 {input:?}")]
    );
    let fault = api
        .act(v2_1(1), json!({"changePassword": {"adminPass": 7}}))
        .await
        .unwrap_err();
    assert_eq!(
        fault.message(),
        "Invalid input for field/attribute adminPass. Value: 7. 7 is not of type 'string'"
    );
}

#[test]
fn actions_are_served_where_nova_served_them() {
    let api = Api::sample();
    let served = |name: &str| {
        let availability = api.action(name).availability;
        [
            availability.serves(Endpoint::V1_0, ApiVersion::V1_0),
            availability.serves(Endpoint::V1_1, ApiVersion::V1_1),
            availability.serves(Endpoint::V2, ApiVersion::V2_1),
            availability.serves(Endpoint::V2_1, ApiVersion::MAX),
        ]
    };
    for name in [
        "reboot",
        "resize",
        "confirmResize",
        "revertResize",
        "rebuild",
    ] {
        assert_eq!(served(name), [true; 4], "{name}");
    }
    for name in ["os-start", "os-stop", "createImage", "changePassword"] {
        assert_eq!(served(name), [false, true, true, true], "{name}");
    }
}

const IPS: &str = "/servers/{server_id}/ips";
const NETWORK: &str = "/servers/{server_id}/ips/{network}";

#[tokio::test]
async fn ips_list_every_network_and_one_on_request() {
    let api = Api::sample();
    let response = api
        .call(IPS, v2_1(1).param("server_id", SERVER_ID))
        .await
        .unwrap();
    assert_eq!(
        json_body(&response),
        &json!({"addresses": {"private": [
            {"addr": "192.168.1.30", "version": 4},
            {"addr": "172.24.4.10", "version": 4}
        ]}})
    );
    let request = v2_1(1)
        .param("server_id", SERVER_ID)
        .param("network", "private");
    let response = api.call(NETWORK, request).await.unwrap();
    assert_eq!(
        json_body(&response),
        &json!({"private": [
            {"addr": "192.168.1.30", "version": 4},
            {"addr": "172.24.4.10", "version": 4}
        ]})
    );
    let request = v2_1(1)
        .param("server_id", SERVER_ID)
        .param("network", "public");
    let fault = api.call(NETWORK, request).await.unwrap_err();
    assert_eq!(fault.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        fault.message(),
        "Instance is not a member of specified network"
    );
}

const METADATA: &str = "/servers/{server_id}/metadata";
const ITEM: &str = "/servers/{server_id}/metadata/{key}";

fn metadata_request(method: Method, body: Option<Value>) -> ApiRequest {
    let request = v2_1(1).method(method).param("server_id", SERVER_ID);
    match body {
        Some(body) => request.body(body),
        None => request,
    }
}

#[tokio::test]
async fn metadata_is_listed_replaced_and_merged() {
    let api = Api::sample();
    let response = api
        .call(METADATA, metadata_request(Method::GET, None))
        .await
        .unwrap();
    assert_eq!(
        json_body(&response),
        &json!({"metadata": {"My Server Name": "Apache1"}})
    );

    let body = json!({"metadata": {"foo": "Foo Value"}});
    let replaced = api
        .call(METADATA, metadata_request(Method::PUT, Some(body.clone())))
        .await
        .unwrap();
    assert_eq!(
        json_body(&replaced),
        &json!({"metadata": {"foo": "Foo Value"}})
    );
    let merged = api
        .call(METADATA, metadata_request(Method::POST, Some(body)))
        .await
        .unwrap();
    assert_eq!(
        json_body(&merged),
        &json!({"metadata": {"My Server Name": "Apache1", "foo": "Foo Value"}})
    );
    let change = |replace| SetServerMetadata {
        server_id: SERVER_ID.into(),
        metadata: [("foo".to_owned(), "Foo Value".to_owned())].into(),
        replace,
    };
    assert_eq!(
        api.recorder.calls(),
        [
            format!("server_metadata 2.1 {SERVER_ID:?}"),
            format!("set_server_metadata 2.1 {:?}", change(true)),
            format!("set_server_metadata 2.1 {:?}", change(false))
        ]
    );
}

#[tokio::test]
async fn a_metadata_item_is_shown_set_and_deleted() {
    let api = Api::sample();
    let item = |method, body| metadata_request(method, body).param("key", "My Server Name");

    let response = api.call(ITEM, item(Method::GET, None)).await.unwrap();
    assert_eq!(
        json_body(&response),
        &json!({"meta": {"My Server Name": "Apache1"}})
    );

    let body = json!({"meta": {"My Server Name": "Apache2"}});
    let response = api.call(ITEM, item(Method::PUT, Some(body))).await.unwrap();
    assert_eq!(response.status, StatusCode::OK);
    assert_eq!(
        json_body(&response),
        &json!({"meta": {"My Server Name": "Apache2"}})
    );

    let response = api.call(ITEM, item(Method::DELETE, None)).await.unwrap();
    assert_eq!(response, ApiResponse::empty(StatusCode::NO_CONTENT));
    let deleted = ServerMetadataKey {
        server_id: SERVER_ID.into(),
        key: "My Server Name".into(),
    };
    assert_eq!(
        api.recorder.calls().last(),
        Some(&format!("delete_server_metadata 2.1 {deleted:?}"))
    );
}

#[tokio::test]
async fn a_metadata_item_must_match_the_path_and_exist() {
    let api = Api::sample();
    let item = |method, body| metadata_request(method, body).param("key", "foo");
    let cases = [
        (
            json!({"meta": {"bar": "x"}}),
            "Request body and URI mismatch",
        ),
        (
            json!({"meta": {"foo": "x", "bar": "y"}}),
            "Invalid input for field/attribute meta. Value: {\"bar\":\"y\",\"foo\":\"x\"}. \
             {\"bar\":\"y\",\"foo\":\"x\"} has too many properties",
        ),
        (
            json!({"metadata": {"foo": "x"}}),
            "'meta' is a required property",
        ),
    ];
    for (body, message) in cases {
        let fault = api
            .call(ITEM, item(Method::PUT, Some(body)))
            .await
            .unwrap_err();
        assert_eq!(fault.status(), StatusCode::BAD_REQUEST);
        assert_eq!(fault.message(), message);
    }

    for method in [Method::GET, Method::DELETE] {
        let fault = api.call(ITEM, item(method, None)).await.unwrap_err();
        assert_eq!(fault.status(), StatusCode::NOT_FOUND);
        assert_eq!(fault.message(), "Metadata item was not found");
    }
    assert!(
        !api.recorder
            .calls()
            .iter()
            .any(|call| call.starts_with("delete_server_metadata") || call.starts_with("set_"))
    );
}
