//! `/os-keypairs` per microversion.

use http::{Method, StatusCode};
use serde_json::json;

use super::super::super::model::{CreateKeyPair, KeyPairQuery, KeyPairRef};
use super::super::super::request::ApiResponse;
use super::super::super::version::{ApiVersion, Endpoint};
use super::super::testing::*;

const PUBLIC_KEY: &str = "ssh-rsa AAAA Generated-by-Nova\n";
const FINGERPRINT: &str = "44:fe:29:6e:23:14:b9:53:5b:65:82:58:1c:fe:5a:c3";

fn create(minor: u16, keypair: serde_json::Value) -> super::super::super::request::ApiRequest {
    v2_1(minor)
        .method(Method::POST)
        .body(json!({"keypair": keypair}))
}

#[tokio::test]
async fn creating_a_key_pair_answers_200_at_2_1_and_201_with_its_type_from_2_2() {
    let api = Api::sample();
    let response = api
        .call("/os-keypairs", create(1, json!({"name": "keypair-2"})))
        .await
        .unwrap();
    assert_eq!(response.status, StatusCode::OK);
    assert_eq!(
        json_body(&response),
        &json!({"keypair": {
            "fingerprint": FINGERPRINT,
            "name": "keypair-2",
            "private_key": "-----BEGIN PRIVATE KEY-----\n",
            "public_key": PUBLIC_KEY,
            "user_id": "fake"
        }})
    );

    let response = api
        .call(
            "/os-keypairs",
            create(2, json!({"name": "keypair-3", "type": "x509"})),
        )
        .await
        .unwrap();
    assert_eq!(response.status, StatusCode::CREATED);
    assert_eq!(
        json_body(&response),
        &json!({"keypair": {
            "fingerprint": FINGERPRINT,
            "name": "keypair-3",
            "type": "x509",
            "private_key": "-----BEGIN PRIVATE KEY-----\n",
            "public_key": PUBLIC_KEY,
            "user_id": "fake"
        }})
    );
    let input = |name: &str, key_type: &str| CreateKeyPair {
        name: name.into(),
        key_type: key_type.into(),
        ..CreateKeyPair::default()
    };
    assert_eq!(
        api.recorder.calls(),
        [
            format!("create_keypair 2.1 {:?}", input("keypair-2", "ssh")),
            format!("create_keypair 2.2 {:?}", input("keypair-3", "x509"))
        ]
    );
}

#[tokio::test]
async fn importing_a_key_answers_no_private_key() {
    let api = Api::sample();
    let body = json!({"name": "imported", "public_key": "ssh-ed25519 AAAAC3 me@host"});
    let response = api.call("/os-keypairs", create(10, body)).await.unwrap();
    assert_eq!(
        json_body(&response),
        &json!({"keypair": {
            "fingerprint": FINGERPRINT,
            "name": "imported",
            "type": "ssh",
            "public_key": "ssh-ed25519 AAAAC3 me@host",
            "user_id": "fake"
        }})
    );
}

#[tokio::test]
async fn key_pair_input_is_checked_per_microversion() {
    let api = Api::sample();
    let cases = [
        (
            create(1, json!({"name": "a", "type": "ssh"})),
            "Invalid input for field/attribute keypair. Value: {\"name\":\"a\",\"type\":\"ssh\"}. \
             Additional properties are not allowed ('type' was unexpected)",
        ),
        (
            create(2, json!({"name": "a", "type": "pgp"})),
            "Invalid input for field/attribute type. Value: pgp. 'pgp' is not one of \
             ['ssh', 'x509']",
        ),
        (
            create(2, json!({"name": "a@b"})),
            "Invalid input for field/attribute name. Value: a@b. 'a@b' does not match \
             '^[_\\\\- a-zA-Z0-9]+$'",
        ),
        (
            create(2, json!({"public_key": "ssh-rsa AAAA"})),
            "Invalid input for field/attribute keypair. Value: {\"public_key\":\"ssh-rsa AAAA\"}. \
             'name' is a required property",
        ),
        (
            create(9, json!({"name": "a", "user_id": "other"})),
            "Invalid input for field/attribute keypair. \
             Value: {\"name\":\"a\",\"user_id\":\"other\"}. \
             Additional properties are not allowed ('user_id' was unexpected)",
        ),
    ];
    for (request, message) in cases {
        let fault = api.call("/os-keypairs", request).await.unwrap_err();
        assert_eq!(fault.status(), StatusCode::BAD_REQUEST);
        assert_eq!(fault.message(), message);
    }
    assert_eq!(api.recorder.calls(), Vec::<String>::new());
}

#[tokio::test]
async fn only_administrators_name_another_user_from_2_10() {
    let api = Api::sample();
    let fault = api
        .call(
            "/os-keypairs",
            create(10, json!({"name": "a", "user_id": "other"})),
        )
        .await
        .unwrap_err();
    assert_eq!(fault.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        fault.message(),
        "Policy doesn't allow os_compute_api:os-keypairs:create to be performed."
    );
    let fault = api
        .call("/os-keypairs", v2_1(10).query("user_id", "other"))
        .await
        .unwrap_err();
    assert_eq!(fault.status(), StatusCode::FORBIDDEN);

    api.call("/os-keypairs", v2_1(10).admin().query("user_id", "other"))
        .await
        .unwrap();
    // Before 2.10 the parameter means nothing.
    api.call("/os-keypairs", v2_1(9).query("user_id", "other"))
        .await
        .unwrap();
    let query = |user_id: Option<&str>| KeyPairQuery {
        user_id: user_id.map(str::to_owned),
        ..KeyPairQuery::default()
    };
    assert_eq!(
        api.recorder.calls(),
        [
            format!("list_keypairs 2.10 {:?}", query(Some("other"))),
            format!("list_keypairs 2.9 {:?}", query(None))
        ]
    );
}

#[tokio::test]
async fn the_list_wraps_each_key_pair_and_pages_from_2_35() {
    let api = Api::sample();
    let response = api.call("/os-keypairs", v2_1(1)).await.unwrap();
    assert_eq!(
        json_body(&response),
        &json!({"keypairs": [{"keypair": {
            "fingerprint": FINGERPRINT, "name": "keypair-1", "public_key": PUBLIC_KEY
        }}]})
    );
    let response = api
        .call("/os-keypairs", v2_1(35).query("limit", "1"))
        .await
        .unwrap();
    assert_eq!(
        json_body(&response),
        &json!({
            "keypairs": [{"keypair": {
                "fingerprint": FINGERPRINT, "name": "keypair-1", "public_key": PUBLIC_KEY,
                "type": "ssh"
            }}],
            "keypairs_links": [{
                "href": concat!(
                    "http://openstack.example.com/v2.1/demo/os-keypairs",
                    "?limit=1&marker=keypair-1"
                ),
                "rel": "next"
            }]
        })
    );
    // Before 2.35 paging parameters are not read.
    api.call("/os-keypairs", v2_1(34).query("limit", "x"))
        .await
        .unwrap();
}

#[tokio::test]
async fn show_answers_nova_s_record_fields() {
    let api = Api::sample();
    let request = v2_1(1).param("keypair_name", "keypair-1");
    let response = api
        .call("/os-keypairs/{keypair_name}", request)
        .await
        .unwrap();
    let at_2_1 = json!({
        "fingerprint": FINGERPRINT,
        "name": "keypair-1",
        "public_key": PUBLIC_KEY,
        "user_id": "fake",
        "deleted": false,
        "created_at": "2014-05-07T12:06:13.681238",
        "updated_at": null,
        "deleted_at": null,
        "id": 1
    });
    assert_eq!(json_body(&response), &json!({"keypair": at_2_1.clone()}));

    let request = v2_1(2).param("keypair_name", "keypair-1");
    let response = api
        .call("/os-keypairs/{keypair_name}", request)
        .await
        .unwrap();
    let mut at_2_2 = at_2_1;
    at_2_2["type"] = json!("ssh");
    assert_eq!(json_body(&response), &json!({"keypair": at_2_2}));
}

#[tokio::test]
async fn deleting_answers_202_at_2_1_and_204_from_2_2() {
    let api = Api::sample();
    let delete = |minor| {
        v2_1(minor)
            .method(Method::DELETE)
            .param("keypair_name", "keypair-1")
    };
    let template = "/os-keypairs/{keypair_name}";
    let response = api.call(template, delete(1)).await.unwrap();
    assert_eq!(response, ApiResponse::empty(StatusCode::ACCEPTED));
    let response = api.call(template, delete(2)).await.unwrap();
    assert_eq!(response, ApiResponse::empty(StatusCode::NO_CONTENT));
    let reference = KeyPairRef {
        name: "keypair-1".into(),
        user_id: None,
    };
    assert_eq!(
        api.recorder.calls(),
        [
            format!("delete_keypair 2.1 {reference:?}"),
            format!("delete_keypair 2.2 {reference:?}")
        ]
    );
}

#[tokio::test]
async fn key_pairs_are_served_from_v1_1_and_shown_in_xml() {
    let api = Api::sample();
    let availability = api.route(&Method::GET, "/os-keypairs").availability;
    assert!(!availability.serves(Endpoint::V1_0, ApiVersion::V1_0));
    assert!(availability.serves(Endpoint::V1_1, ApiVersion::V1_1));

    let request = request(Endpoint::V1_1, ApiVersion::V1_1).xml();
    let response = api.call("/os-keypairs", request).await.unwrap();
    assert_eq!(
        xml_document(&response, Endpoint::V1_1),
        format!(
            "<?xml version='1.0' encoding='UTF-8'?>\n\
             <keypairs xmlns=\"http://docs.openstack.org/compute/api/v1.1\"><keypair>\
             <name>keypair-1</name><public_key>{PUBLIC_KEY}</public_key>\
             <fingerprint>{FINGERPRINT}</fingerprint></keypair></keypairs>"
        )
    );
}
