//! Flavors and images.

use http::{Method, StatusCode};
use serde_json::{Value, json};
use time::macros::datetime;

use super::super::super::model::{FlavorQuery, ImageQuery, ImageStatus};
use super::super::super::request::ApiResponse;
use super::super::super::version::{ApiVersion, Endpoint};
use super::super::testing::*;

fn flavor_links() -> Value {
    json!([
        {"href": "http://openstack.example.com/v2.1/demo/flavors/1", "rel": "self"},
        {"href": "http://openstack.example.com/demo/flavors/1", "rel": "bookmark"}
    ])
}

fn flavor_detail() -> Value {
    json!({
        "OS-FLV-DISABLED:disabled": false,
        "disk": 1,
        "OS-FLV-EXT-DATA:ephemeral": 0,
        "os-flavor-access:is_public": true,
        "id": "1",
        "links": flavor_links(),
        "name": "m1.tiny",
        "ram": 512,
        "swap": "",
        "vcpus": 1,
        "rxtx_factor": 1.0
    })
}

#[tokio::test]
async fn flavors_list_detail_and_show_in_nova_s_2_1_view() {
    let api = Api::sample();
    let response = api.call("/flavors", v2_1(1)).await.unwrap();
    assert_eq!(
        json_body(&response),
        &json!({"flavors": [{"id": "1", "links": flavor_links(), "name": "m1.tiny"}]})
    );
    let response = api.call("/flavors/detail", v2_1(47)).await.unwrap();
    assert_eq!(json_body(&response), &json!({"flavors": [flavor_detail()]}));
    let response = api
        .call("/flavors/{flavor_id}", v2_1(1).param("flavor_id", "1"))
        .await
        .unwrap();
    assert_eq!(json_body(&response), &json!({"flavor": flavor_detail()}));
}

#[tokio::test]
async fn a_flavor_with_swap_shows_it_as_a_number() {
    let mut recorder = Recorder::sample();
    recorder.flavors[0].swap = 1024;
    let api = Api::over(recorder);
    let response = api
        .call("/flavors/{flavor_id}", v2_1(1).param("flavor_id", "1"))
        .await
        .unwrap();
    assert_eq!(json_body(&response)["flavor"]["swap"], json!(1024));
}

#[tokio::test]
async fn flavor_filters_reach_the_controller() {
    let api = Api::sample();
    let request = v2_1(1)
        .query("minRam", "512")
        .query("minDisk", "1")
        .query("is_public", "None")
        .query("limit", "1")
        .query("marker", "0");
    let response = api.call("/flavors", request).await.unwrap();
    assert_eq!(
        json_body(&response)["flavors_links"],
        json!([{
            "href": "http://openstack.example.com/v2.1/demo/flavors?is_public=None&limit=1\
                     &marker=1&minDisk=1&minRam=512",
            "rel": "next"
        }])
    );
    api.call("/flavors/detail", v2_1(1).query("is_public", "false"))
        .await
        .unwrap();
    api.call("/flavors", v2_1(1)).await.unwrap();
    let query = |min_ram, min_disk, is_public, limit, marker: Option<&str>| FlavorQuery {
        min_ram,
        min_disk,
        is_public,
        limit: Some(limit),
        marker: marker.map(str::to_owned),
    };
    assert_eq!(
        api.recorder.calls(),
        [
            format!(
                "list_flavors 2.1 {:?}",
                query(Some(512), Some(1), None, 1, Some("0"))
            ),
            format!(
                "list_flavors 2.1 {:?}",
                query(None, None, Some(false), 1000, None)
            ),
            format!(
                "list_flavors 2.1 {:?}",
                query(None, None, Some(true), 1000, None)
            ),
        ]
    );
}

#[tokio::test]
async fn malformed_flavor_filters_are_bad_requests() {
    let api = Api::sample();
    let cases = [
        ("minRam", "lots", "Invalid minRam filter [lots]"),
        ("minDisk", "-1", "Invalid minDisk filter [-1]"),
        ("is_public", "perhaps", "Invalid is_public filter [perhaps]"),
    ];
    for (name, value, message) in cases {
        let fault = api
            .call("/flavors", v2_1(1).query(name, value))
            .await
            .unwrap_err();
        assert_eq!(fault.status(), StatusCode::BAD_REQUEST);
        assert_eq!(fault.message(), message);
    }
}

#[tokio::test]
async fn a_flavor_s_extra_specs_read_whole_and_by_key() {
    let api = Api::sample();
    let response = api
        .call(
            "/flavors/{flavor_id}/os-extra_specs",
            v2_1(1).param("flavor_id", "1"),
        )
        .await
        .unwrap();
    assert_eq!(response.status, StatusCode::OK);
    assert_eq!(
        json_body(&response),
        &json!({"extra_specs": {"hw:numa_nodes": "1"}})
    );
    let response = api
        .call(
            "/flavors/{flavor_id}/os-extra_specs/{key}",
            v2_1(1)
                .param("flavor_id", "1")
                .param("key", "hw:numa_nodes"),
        )
        .await
        .unwrap();
    assert_eq!(json_body(&response), &json!({"hw:numa_nodes": "1"}));
    let fault = api
        .call(
            "/flavors/{flavor_id}/os-extra_specs/{key}",
            v2_1(1).param("flavor_id", "1").param("key", "hw:cpu_arch"),
        )
        .await
        .unwrap_err();
    assert_eq!(fault.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        fault.message(),
        "Flavor 1 has no extra specs with key hw:cpu_arch."
    );
}

fn image_links() -> Value {
    json!([
        {
            "href": format!("http://openstack.example.com/v2.1/demo/images/{IMAGE_ID}"),
            "rel": "self"
        },
        {
            "href": format!("http://openstack.example.com/demo/images/{IMAGE_ID}"),
            "rel": "bookmark"
        },
        {
            "href": format!("http://openstack.example.com:9292/images/{IMAGE_ID}"),
            "rel": "alternate",
            "type": "application/vnd.openstack.image"
        }
    ])
}

fn image_detail() -> Value {
    json!({
        "OS-DCF:diskConfig": "AUTO",
        "OS-EXT-IMG-SIZE:size": 74185822,
        "created": "2011-01-01T01:02:03Z",
        "id": IMAGE_ID,
        "links": image_links(),
        "metadata": {"architecture": "x86_64", "auto_disk_config": "True"},
        "minDisk": 0,
        "minRam": 0,
        "name": "fakeimage7",
        "progress": 100,
        "status": "ACTIVE",
        "updated": "2011-01-01T01:02:03Z"
    })
}

#[tokio::test]
async fn images_list_detail_and_show_in_nova_s_proxy_view() {
    let api = Api::sample();
    let response = api.call("/images", v2_1(1)).await.unwrap();
    assert_eq!(
        json_body(&response),
        &json!({"images": [{"id": IMAGE_ID, "links": image_links(), "name": "fakeimage7"}]})
    );
    let response = api.call("/images/detail", v2_1(35)).await.unwrap();
    assert_eq!(json_body(&response), &json!({"images": [image_detail()]}));
    let response = api
        .call("/images/{image_id}", v2_1(1).param("image_id", IMAGE_ID))
        .await
        .unwrap();
    assert_eq!(json_body(&response), &json!({"image": image_detail()}));
}

#[tokio::test]
async fn a_snapshot_names_its_server() {
    let mut recorder = Recorder::sample();
    recorder.images[0].server_id = Some(SERVER_ID.into());
    recorder.images[0].metadata.clear();
    let api = Api::over(recorder);
    let response = api
        .call("/images/{image_id}", v2_1(1).param("image_id", IMAGE_ID))
        .await
        .unwrap();
    let mut expected = image_detail();
    let image = expected.as_object_mut().unwrap();
    image.remove("OS-DCF:diskConfig");
    image.insert("metadata".into(), json!({}));
    image.insert(
        "server".into(),
        json!({
            "id": SERVER_ID,
            "links": [
                {
                    "href": format!("http://openstack.example.com/v2.1/demo/servers/{SERVER_ID}"),
                    "rel": "self"
                },
                {
                    "href": format!("http://openstack.example.com/demo/servers/{SERVER_ID}"),
                    "rel": "bookmark"
                }
            ]
        }),
    );
    assert_eq!(json_body(&response), &json!({"image": expected}));
}

#[tokio::test]
async fn images_are_gone_from_2_36() {
    let api = Api::sample();
    for (method, template) in [
        (Method::GET, "/images"),
        (Method::GET, "/images/detail"),
        (Method::GET, "/images/{image_id}"),
        (Method::DELETE, "/images/{image_id}"),
    ] {
        let availability = api.route(&method, template).availability;
        assert!(
            availability.serves(Endpoint::V2_1, ApiVersion::new(2, 35)),
            "{method} {template}"
        );
        assert!(
            !availability.serves(Endpoint::V2_1, ApiVersion::new(2, 36)),
            "{method} {template}"
        );
        assert!(availability.serves(Endpoint::V2, ApiVersion::V2_1));
        assert!(availability.serves(Endpoint::V1_0, ApiVersion::V1_0));
        assert!(availability.serves(Endpoint::V1_1, ApiVersion::V1_1));
    }
}

#[tokio::test]
async fn image_filters_reach_the_controller() {
    let api = Api::sample();
    let request = v2_1(1)
        .query("name", "fakeimage7")
        .query("status", "queued")
        .query(
            "server",
            &format!("http://openstack.example.com/servers/{SERVER_ID}"),
        )
        .query("changes-since", "2011-01-01T00:00:00+01:00")
        .query("limit", "3")
        .query("marker", "m");
    api.call("/images/detail", request).await.unwrap();
    let expected = ImageQuery {
        name: Some("fakeimage7".into()),
        status: Some(ImageStatus::Saving),
        server: Some(SERVER_ID.into()),
        changes_since: Some(datetime!(2010-12-31 23:00:00 UTC)),
        limit: Some(3),
        marker: Some("m".into()),
        ..ImageQuery::default()
    };
    assert_eq!(
        api.recorder.calls(),
        [format!("list_images 2.1 {expected:?}")]
    );

    let fault = api
        .call("/images", v2_1(1).query("status", "sleeping"))
        .await
        .unwrap_err();
    assert_eq!(fault.status(), StatusCode::BAD_REQUEST);
    assert_eq!(fault.message(), "Invalid status value: sleeping");
}

#[tokio::test]
async fn deleting_an_image_answers_204() {
    let api = Api::sample();
    let request = v2_1(1).method(Method::DELETE).param("image_id", IMAGE_ID);
    let response = api.call("/images/{image_id}", request).await.unwrap();
    assert_eq!(response, ApiResponse::empty(StatusCode::NO_CONTENT));
    assert_eq!(
        api.recorder.calls(),
        [format!("delete_image 2.1 {IMAGE_ID:?}")]
    );
}
