//! `/servers`: views per microversion, filters, paging, create, update and delete.

use http::{Method, StatusCode};
use serde_json::{Value, json};
use time::macros::datetime;

use super::super::super::model::{
    ChangePassword, CreateServer, NetworkRequest, RequestedNetwork, ServerQuery, ServerSort,
    ServerSortKey, ServerStatus, SortDir, UpdateServer,
};
use super::super::super::request::{ApiRequest, ApiResponse};
use super::super::super::version::{ApiVersion, Endpoint};
use super::super::testing::*;

const SERVER: &str = "/servers/{server_id}";

fn self_link() -> String {
    format!("http://openstack.example.com/v2.1/demo/servers/{SERVER_ID}")
}

fn bookmark_link() -> String {
    format!("http://openstack.example.com/demo/servers/{SERVER_ID}")
}

/// The sample server at 2.1 as a project member sees it.
fn full_view_2_1() -> Value {
    json!({
        "accessIPv4": "1.2.3.4",
        "accessIPv6": "80fe::",
        "addresses": {"private": [
            {
                "addr": "192.168.1.30",
                "OS-EXT-IPS-MAC:mac_addr": "00:0c:29:0d:11:74",
                "OS-EXT-IPS:type": "fixed",
                "version": 4
            },
            {
                "addr": "172.24.4.10",
                "OS-EXT-IPS-MAC:mac_addr": "00:0c:29:0d:11:74",
                "OS-EXT-IPS:type": "floating",
                "version": 4
            }
        ]},
        "created": "2013-09-03T04:01:32Z",
        "flavor": {
            "id": "1",
            "links": [{"href": "http://openstack.example.com/demo/flavors/1", "rel": "bookmark"}]
        },
        "hostId": "92154fab69d5883ba2c8622b7e65f745dd33257221c07af363c51b29",
        "id": SERVER_ID,
        "image": {
            "id": IMAGE_ID,
            "links": [{
                "href": format!("http://openstack.example.com/demo/images/{IMAGE_ID}"),
                "rel": "bookmark"
            }]
        },
        "key_name": null,
        "links": [
            {"href": self_link(), "rel": "self"},
            {"href": bookmark_link(), "rel": "bookmark"}
        ],
        "metadata": {"My Server Name": "Apache1"},
        "name": "new-server-test",
        "config_drive": "",
        "OS-DCF:diskConfig": "AUTO",
        "OS-EXT-AZ:availability_zone": "us-west",
        "OS-EXT-STS:power_state": 1,
        "OS-EXT-STS:task_state": null,
        "OS-EXT-STS:vm_state": "active",
        "os-extended-volumes:volumes_attached": [{"id": "volume_id1"}],
        "OS-SRV-USG:launched_at": "2013-09-23T13:37:00.880302",
        "OS-SRV-USG:terminated_at": null,
        "progress": 0,
        "security_groups": [{"name": "default"}],
        "status": "ACTIVE",
        "tenant_id": "demo",
        "updated": "2013-09-03T04:01:33Z",
        "user_id": "admin"
    })
}

/// What an administrator sees at 2.1 besides: host, hypervisor and instance name.
fn with_admin_2_1(mut view: Value) -> Value {
    view["OS-EXT-SRV-ATTR:host"] = json!("compute");
    view["OS-EXT-SRV-ATTR:hypervisor_hostname"] = json!("fake-mini");
    view["OS-EXT-SRV-ATTR:instance_name"] = json!("instance-00000001");
    view
}

/// What 2.3 adds for administrators, and to every volume.
fn with_admin_2_3(view: Value) -> Value {
    let mut view = with_admin_2_1(view);
    view["OS-EXT-SRV-ATTR:hostname"] = json!("new-server-test");
    view["OS-EXT-SRV-ATTR:kernel_id"] = json!("");
    view["OS-EXT-SRV-ATTR:launch_index"] = json!(0);
    view["OS-EXT-SRV-ATTR:ramdisk_id"] = json!("");
    view["OS-EXT-SRV-ATTR:reservation_id"] = json!("r-00000001");
    view["OS-EXT-SRV-ATTR:root_device_name"] = json!("/dev/sda");
    view["OS-EXT-SRV-ATTR:user_data"] = json!("IyEvYmluL2Jhc2gK");
    view["os-extended-volumes:volumes_attached"] =
        json!([{"id": "volume_id1", "delete_on_termination": false}]);
    view
}

async fn show(request: ApiRequest) -> Value {
    let api = Api::sample();
    let response = api
        .call(SERVER, request.param("server_id", SERVER_ID))
        .await
        .unwrap();
    assert_eq!(response.status, StatusCode::OK);
    json_body(&response).clone()
}

#[tokio::test]
async fn show_at_2_1_is_nova_s_full_view_without_admin_attributes() {
    assert_eq!(show(v2_1(1)).await, json!({"server": full_view_2_1()}));
}

#[tokio::test]
async fn show_at_2_1_for_an_administrator_adds_the_host_attributes() {
    assert_eq!(
        show(v2_1(1).admin()).await,
        json!({"server": with_admin_2_1(full_view_2_1())})
    );
}

#[tokio::test]
async fn show_at_2_3_for_an_administrator_adds_the_ec2_attributes_and_volume_flags() {
    assert_eq!(
        show(v2_1(3).admin()).await,
        json!({"server": with_admin_2_3(full_view_2_1())})
    );
}

#[tokio::test]
async fn show_at_2_3_for_a_member_adds_only_volume_flags() {
    let mut expected = full_view_2_1();
    expected["os-extended-volumes:volumes_attached"] =
        json!([{"id": "volume_id1", "delete_on_termination": false}]);
    assert_eq!(show(v2_1(3)).await, json!({"server": expected}));
}

#[tokio::test]
async fn show_at_2_9_adds_locked() {
    let mut expected = full_view_2_1();
    expected["os-extended-volumes:volumes_attached"] =
        json!([{"id": "volume_id1", "delete_on_termination": false}]);
    expected["locked"] = json!(false);
    assert_eq!(show(v2_1(9)).await, json!({"server": expected}));
}

#[tokio::test]
async fn show_at_2_16_adds_host_status_for_administrators_only() {
    let mut member = full_view_2_1();
    member["os-extended-volumes:volumes_attached"] =
        json!([{"id": "volume_id1", "delete_on_termination": false}]);
    member["locked"] = json!(false);
    assert_eq!(show(v2_1(16)).await, json!({"server": member}));

    let mut admin = with_admin_2_3(full_view_2_1());
    admin["locked"] = json!(false);
    admin["host_status"] = json!("UP");
    assert_eq!(show(v2_1(16).admin()).await, json!({"server": admin}));
}

#[tokio::test]
async fn show_at_2_19_adds_description_and_2_26_tags() {
    let mut at_2_19 = full_view_2_1();
    at_2_19["os-extended-volumes:volumes_attached"] =
        json!([{"id": "volume_id1", "delete_on_termination": false}]);
    at_2_19["locked"] = json!(false);
    at_2_19["description"] = Value::Null;
    assert_eq!(show(v2_1(19)).await, json!({"server": at_2_19.clone()}));

    let mut at_2_26 = at_2_19;
    at_2_26["tags"] = json!(["web"]);
    assert_eq!(show(v2_1(26)).await, json!({"server": at_2_26}));
}

#[tokio::test]
async fn show_at_2_47_embeds_the_flavor() {
    let mut expected = full_view_2_1();
    expected["os-extended-volumes:volumes_attached"] =
        json!([{"id": "volume_id1", "delete_on_termination": false}]);
    expected["locked"] = json!(false);
    expected["description"] = Value::Null;
    expected["tags"] = json!(["web"]);
    expected["flavor"] = json!({
        "disk": 1,
        "ephemeral": 0,
        "extra_specs": {"hw:numa_nodes": "1"},
        "original_name": "m1.tiny",
        "ram": 512,
        "swap": 0,
        "vcpus": 1
    });
    assert_eq!(show(v2_1(47)).await, json!({"server": expected}));
}

#[tokio::test]
async fn a_building_server_shows_no_addresses() {
    let mut recorder = Recorder::sample();
    recorder.servers[0].status = ServerStatus::Build;
    let api = Api::over(recorder);
    let response = api
        .call(SERVER, v2_1(1).param("server_id", SERVER_ID))
        .await
        .unwrap();
    let body = json_body(&response);
    assert_eq!(body["server"]["addresses"], json!({}));
    assert_eq!(body["server"]["status"], json!("BUILD"));
}

#[tokio::test]
async fn show_of_an_unknown_server_is_the_controller_s_not_found() {
    let api = Api::sample();
    let fault = api
        .call(SERVER, v2_1(1).param("server_id", "nope"))
        .await
        .unwrap_err();
    assert_eq!(fault.status(), StatusCode::NOT_FOUND);
    assert_eq!(fault.message(), "Instance nope could not be found.");
}

#[tokio::test]
async fn list_answers_ids_names_and_links_with_a_next_link_on_a_full_page() {
    let api = Api::sample();
    let response = api
        .call("/servers", v2_1(1).query("limit", "1"))
        .await
        .unwrap();
    assert_eq!(
        json_body(&response),
        &json!({
            "servers": [{
                "id": SERVER_ID,
                "links": [
                    {"href": self_link(), "rel": "self"},
                    {"href": bookmark_link(), "rel": "bookmark"}
                ],
                "name": "new-server-test"
            }],
            "servers_links": [{
                "href": format!(
                    "http://openstack.example.com/v2.1/demo/servers?limit=1&marker={SERVER_ID}"
                ),
                "rel": "next"
            }]
        })
    );
}

#[tokio::test]
async fn a_page_shorter_than_the_limit_has_no_next_link() {
    let api = Api::sample();
    let response = api
        .call("/servers", v2_1(1).query("limit", "2"))
        .await
        .unwrap();
    assert_eq!(json_body(&response).get("servers_links"), None);
}

#[tokio::test]
async fn the_next_link_keeps_the_query_sorted_and_appends_the_marker() {
    let api = Api::sample();
    let request = v2_1(1).query("name", "new").query("limit", "1");
    let response = api.call("/servers/detail", request).await.unwrap();
    assert_eq!(
        json_body(&response)["servers_links"],
        json!([{
            "href": format!(
                "http://openstack.example.com/v2.1/demo/servers/detail\
                 ?limit=1&name=new&marker={SERVER_ID}"
            ),
            "rel": "next"
        }])
    );
}

#[tokio::test]
async fn detail_lists_full_views() {
    let api = Api::sample();
    let response = api.call("/servers/detail", v2_1(1)).await.unwrap();
    assert_eq!(json_body(&response), &json!({"servers": [full_view_2_1()]}));
}

#[tokio::test]
async fn filters_reach_the_controller() {
    let api = Api::sample();
    let request = v2_1(26)
        .query("name", "^web")
        .query("status", "shutoff")
        .query("image", IMAGE_ID)
        .query("flavor", "1")
        .query("ip", "10.0.")
        .query("reservation_id", "r-1")
        .query("changes-since", "2013-09-03T04:01:32Z")
        .query("tags", "a,b")
        .query("tags-any", "c")
        .query("not-tags", "d")
        .query("not-tags-any", "e,f")
        .query("limit", "5")
        .query("marker", "m-1");
    api.call("/servers/detail", request).await.unwrap();
    let expected = ServerQuery {
        name: Some("^web".into()),
        status: Some(ServerStatus::Shutoff),
        image: Some(IMAGE_ID.into()),
        flavor: Some("1".into()),
        ip: Some("10.0.".into()),
        changes_since: Some(datetime!(2013-09-03 04:01:32 UTC)),
        tags: vec!["a".into(), "b".into()],
        tags_any: vec!["c".into()],
        not_tags: vec!["d".into()],
        not_tags_any: vec!["e".into(), "f".into()],
        reservation_id: Some("r-1".into()),
        limit: Some(5),
        marker: Some("m-1".into()),
        sort: ServerSort::newest_first(),
    };
    assert_eq!(
        api.recorder.calls(),
        [format!("list_servers 2.26 {expected:?}")]
    );
}

/// A query parameter: name and value.
type Param = (&'static str, &'static str);

fn sorts(pairs: &[(ServerSortKey, SortDir)]) -> Vec<ServerSort> {
    pairs
        .iter()
        .map(|&(key, dir)| ServerSort { key, dir })
        .collect()
}

#[tokio::test]
async fn sort_keys_and_directions_are_read_as_nova_reads_them() {
    use ServerSortKey::{CreatedAt, DisplayName, Host, LaunchedAt, Uuid};
    use SortDir::{Asc, Desc};
    let cases: [(&[Param], Vec<ServerSort>); 4] = [
        (
            &[
                ("sort_key", "display_name"),
                ("sort_dir", "asc"),
                ("sort_key", "id"),
                ("sort_key", "launched_at"),
            ],
            sorts(&[
                (DisplayName, Asc),
                (LaunchedAt, Asc),
                (CreatedAt, Asc),
                (Uuid, Asc),
            ]),
        ),
        (
            &[
                ("sort_key", "id"),
                ("sort_dir", "asc"),
                ("sort_key", "display_name"),
                ("sort_dir", "desc"),
            ],
            sorts(&[(DisplayName, Desc), (CreatedAt, Desc), (Uuid, Desc)]),
        ),
        (
            &[("sort_dir", "asc")],
            sorts(&[(CreatedAt, Asc), (Uuid, Asc)]),
        ),
        (
            &[("sort_key", "uuid"), ("sort_key", "created_at")],
            sorts(&[(Uuid, Desc), (CreatedAt, Desc)]),
        ),
    ];
    for (query, expected) in cases {
        let api = Api::sample();
        let mut request = v2_1(1);
        for (name, value) in query {
            request = request.query(name, value);
        }
        api.call("/servers", request).await.unwrap();
        let expected = ServerQuery {
            limit: Some(1000),
            sort: expected,
            ..ServerQuery::default()
        };
        assert_eq!(
            api.recorder.calls(),
            [format!("list_servers 2.1 {expected:?}")],
            "{query:?}"
        );
    }
    let api = Api::sample();
    api.call("/servers", v2_1(1).admin().query("sort_key", "host"))
        .await
        .unwrap();
    let expected = ServerQuery {
        limit: Some(1000),
        sort: sorts(&[(Host, Desc), (CreatedAt, Desc), (Uuid, Desc)]),
        ..ServerQuery::default()
    };
    assert_eq!(
        api.recorder.calls(),
        [format!("list_servers 2.1 {expected:?}")]
    );
}

#[tokio::test]
async fn bad_sort_parameters_are_refused() {
    let api = Api::sample();
    let cases: [(&[Param], StatusCode, &str); 4] = [
        (
            &[("sort_key", "bogus")],
            StatusCode::BAD_REQUEST,
            "Invalid input for query parameters sort_key. Value: bogus. \
             'bogus' is not one of the allowed values.",
        ),
        (
            &[("sort_dir", "up")],
            StatusCode::BAD_REQUEST,
            "Invalid input for query parameters sort_dir. Value: up. \
             'up' is not one of the allowed values.",
        ),
        (
            &[("sort_dir", "asc"), ("sort_dir", "desc")],
            StatusCode::BAD_REQUEST,
            "Sort direction size exceeds sort key size",
        ),
        (
            &[("sort_key", "node")],
            StatusCode::FORBIDDEN,
            "Only administrators can sort servers by node",
        ),
    ];
    for (query, status, message) in cases {
        let mut request = v2_1(1);
        for (name, value) in query {
            request = request.query(name, value);
        }
        let fault = api.call("/servers/detail", request).await.unwrap_err();
        assert_eq!(
            (fault.status(), fault.message()),
            (status, message),
            "{query:?}"
        );
    }
    assert_eq!(api.recorder.calls(), Vec::<String>::new());
}

#[tokio::test]
async fn tag_filters_are_ignored_before_2_26_and_limits_cap_at_1000() {
    let api = Api::sample();
    let request = v2_1(25).query("tags", "a").query("limit", "5000");
    api.call("/servers", request).await.unwrap();
    let expected = ServerQuery {
        limit: Some(1000),
        sort: ServerSort::newest_first(),
        ..ServerQuery::default()
    };
    assert_eq!(
        api.recorder.calls(),
        [format!("list_servers 2.25 {expected:?}")]
    );
}

#[tokio::test]
async fn an_unknown_status_lists_nothing_before_2_38_and_is_refused_from_2_38() {
    let api = Api::sample();
    let response = api
        .call("/servers", v2_1(37).query("status", "sleeping"))
        .await
        .unwrap();
    assert_eq!(json_body(&response), &json!({"servers": []}));
    assert_eq!(api.recorder.calls(), Vec::<String>::new());

    let fault = api
        .call("/servers", v2_1(38).query("status", "sleeping"))
        .await
        .unwrap_err();
    assert_eq!(fault.status(), StatusCode::BAD_REQUEST);
    assert_eq!(fault.message(), "Invalid status value");
}

#[tokio::test]
async fn only_administrators_list_all_projects_servers() {
    let api = Api::sample();
    for (path, rule) in [("/servers", "index"), ("/servers/detail", "detail")] {
        for value in ["1", "True", "yes", ""] {
            let fault = api
                .call(path, v2_1(1).query("all_tenants", value))
                .await
                .unwrap_err();
            assert_eq!(fault.status(), StatusCode::FORBIDDEN);
            assert_eq!(
                fault.message(),
                format!(
                    "Policy doesn't allow os_compute_api:servers:{rule}:get_all_tenants to be \
                     performed."
                )
            );
        }
    }
    let fault = api
        .call("/servers", v2_1(1).query("all_tenants", "maybe"))
        .await
        .unwrap_err();
    assert_eq!(fault.status(), StatusCode::BAD_REQUEST);
    assert_eq!(
        fault.message(),
        "Invalid input received: Unrecognized value 'maybe', acceptable values are: '0', \
         '1', 'f', 'false', 'n', 'no', 'off', 'on', 't', 'true', 'y', 'yes'"
    );
    let own = api
        .call("/servers", v2_1(1).query("all_tenants", "false"))
        .await;
    assert!(own.is_ok());
    let admin = api
        .call("/servers", v2_1(1).admin().query("all_tenants", "1"))
        .await;
    assert!(admin.is_ok());
}

#[tokio::test]
async fn only_administrators_list_deleted_servers() {
    let api = Api::sample();
    let fault = api
        .call("/servers", v2_1(1).query("status", "DELETED"))
        .await
        .unwrap_err();
    assert_eq!(fault.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        fault.message(),
        "Only administrators may list deleted instances"
    );
    let response = api
        .call("/servers", v2_1(1).admin().query("status", "DELETED"))
        .await;
    assert!(response.is_ok());
}

#[tokio::test]
async fn a_malformed_changes_since_or_limit_is_a_bad_request() {
    let api = Api::sample();
    let cases = [
        (
            ("changes-since", "yesterday"),
            "Invalid input for query parameters changes-since. Value: yesterday. \
             'yesterday' is not a 'date-time'",
        ),
        (
            ("limit", "ten"),
            "Invalid input for query parameters limit. Value: ten. 'ten' does not match \
             '^[0-9]*$'",
        ),
        (
            ("limit", "-1"),
            "Invalid input for query parameters limit. Value: -1. '-1' does not match \
             '^[0-9]*$'",
        ),
    ];
    for ((name, value), message) in cases {
        let fault = api
            .call("/servers/detail", v2_1(1).query(name, value))
            .await
            .unwrap_err();
        assert_eq!(fault.status(), StatusCode::BAD_REQUEST, "{name}={value}");
        assert_eq!(fault.message(), message);
    }
    assert_eq!(api.recorder.calls(), Vec::<String>::new());
}

fn create_body(server: Value) -> ApiRequest {
    v2_1(1).method(Method::POST).body(json!({"server": server}))
}

#[tokio::test]
async fn create_answers_202_with_password_links_and_location() {
    let api = Api::sample();
    let request = create_body(json!({
        "name": "new-server-test",
        "imageRef": format!("http://openstack.example.com/demo/images/{IMAGE_ID}"),
        "flavorRef": 1,
        "metadata": {"My Server Name": "Apache1"},
        "user_data": "IyEvYmluL2Jhc2gK",
        "key_name": "keypair-1",
        "availability_zone": "us-west",
        "accessIPv4": "1.2.3.4",
        "min_count": "2",
        "max_count": 3,
        "config_drive": "true",
        "security_groups": [{"name": "web"}, {"name": "web"}],
        "networks": [{"uuid": "net-1", "fixed_ip": "10.0.0.5"}, {"port": "port-1"}]
    }));
    let response = api.call("/servers", request).await.unwrap();
    assert_eq!(response.status, StatusCode::ACCEPTED);
    assert_eq!(location(&response), Some(self_link().as_str()));
    assert_eq!(
        json_body(&response),
        &json!({"server": {
            "OS-DCF:diskConfig": "AUTO",
            "adminPass": "6NpUwoz2QDRN",
            "id": SERVER_ID,
            "links": [
                {"href": self_link(), "rel": "self"},
                {"href": bookmark_link(), "rel": "bookmark"}
            ],
            "security_groups": [{"name": "web"}, {"name": "web"}]
        }})
    );
    let expected = CreateServer {
        name: "new-server-test".into(),
        image_ref: Some(IMAGE_ID.into()),
        flavor_ref: "1".into(),
        networks: NetworkRequest::List(vec![
            RequestedNetwork {
                uuid: Some("net-1".into()),
                fixed_ip: Some("10.0.0.5".into()),
                ..RequestedNetwork::default()
            },
            RequestedNetwork {
                port: Some("port-1".into()),
                ..RequestedNetwork::default()
            },
        ]),
        key_name: Some("keypair-1".into()),
        security_groups: vec!["web".into()],
        user_data: Some("IyEvYmluL2Jhc2gK".into()),
        metadata: [("My Server Name".to_owned(), "Apache1".to_owned())].into(),
        availability_zone: Some("us-west".into()),
        access_ipv4: Some("1.2.3.4".into()),
        config_drive: true,
        min_count: 2,
        max_count: 3,
        ..CreateServer::default()
    };
    assert_eq!(
        api.recorder.calls(),
        [format!("create_server 2.1 {expected:?}")]
    );
}

#[tokio::test]
async fn create_without_security_groups_echoes_default() {
    let api = Api::sample();
    let request = create_body(json!({"name": "a", "imageRef": IMAGE_ID, "flavorRef": "1"}));
    let response = api.call("/servers", request).await.unwrap();
    assert_eq!(
        json_body(&response)["server"]["security_groups"],
        json!([{"name": "default"}])
    );
}

#[tokio::test]
async fn create_with_return_reservation_id_answers_only_the_reservation() {
    let api = Api::sample();
    let request = create_body(json!({
        "name": "a", "imageRef": IMAGE_ID, "flavorRef": "1", "return_reservation_id": true
    }));
    let response = api.call("/servers", request).await.unwrap();
    assert_eq!(response.status, StatusCode::ACCEPTED);
    assert_eq!(
        json_body(&response),
        &json!({"reservation_id": "r-3fhpjulh"})
    );
}

#[tokio::test]
async fn networks_are_required_from_2_37_as_auto_none_or_a_list() {
    let api = Api::sample();
    let server = json!({"name": "a", "imageRef": IMAGE_ID, "flavorRef": "1"});
    let fault = api
        .call(
            "/servers",
            v2_1(37)
                .method(Method::POST)
                .body(json!({"server": server})),
        )
        .await
        .unwrap_err();
    assert_eq!(
        fault.message(),
        format!(
            "Invalid input for field/attribute server. Value: {server}. \
             'networks' is a required property"
        )
    );

    for (networks, expected) in [
        ("none", NetworkRequest::None),
        ("auto", NetworkRequest::Auto),
    ] {
        let api = Api::sample();
        let body = json!({"server": {
            "name": "a", "imageRef": IMAGE_ID, "flavorRef": "1", "networks": networks
        }});
        api.call("/servers", v2_1(37).method(Method::POST).body(body))
            .await
            .unwrap();
        let input = CreateServer {
            name: "a".into(),
            image_ref: Some(IMAGE_ID.into()),
            flavor_ref: "1".into(),
            networks: expected,
            min_count: 1,
            max_count: 1,
            ..CreateServer::default()
        };
        assert_eq!(
            api.recorder.calls(),
            [format!("create_server 2.37 {input:?}")]
        );
    }

    let fault = api
        .call(
            "/servers",
            create_body(json!({
                "name": "a", "imageRef": IMAGE_ID, "flavorRef": "1", "networks": "auto"
            })),
        )
        .await
        .unwrap_err();
    assert_eq!(
        fault.message(),
        "Invalid input for field/attribute networks. Value: auto. 'auto' is not of type 'array'"
    );
}

#[tokio::test]
async fn create_refuses_bad_input_with_nova_messages() {
    let cases = [
        (json!({"servr": {}}), "'server' is a required property"),
        (
            json!({"server": {"imageRef": IMAGE_ID, "flavorRef": "1"}}),
            "Invalid input for field/attribute server. Value: {\"flavorRef\":\"1\",\
             \"imageRef\":\"70a599e0-31e7-49b7-b260-868f441e862b\"}. 'name' is a required property",
        ),
        (
            json!({"server": {"name": "", "imageRef": IMAGE_ID, "flavorRef": "1"}}),
            "Invalid input for field/attribute name. Value: . '' is too short",
        ),
        (
            json!({"server": {"name": "a", "flavorRef": "1"}}),
            "Missing imageRef attribute",
        ),
        (
            json!({"server": {"name": "a", "imageRef": IMAGE_ID, "flavorRef": "1",
                "user_data": "not base64!"}}),
            "Invalid input for field/attribute user_data. Value: not base64!. \
             'not base64!' is not a 'base64'",
        ),
        (
            json!({"server": {"name": "a", "imageRef": IMAGE_ID, "flavorRef": "1",
                "min_count": 3, "max_count": 2}}),
            "min_count must be <= max_count",
        ),
        (
            json!({"server": {"name": "a", "imageRef": IMAGE_ID, "flavorRef": "1",
                "accessIPv4": "1.2.3"}}),
            "Invalid input for field/attribute accessIPv4. Value: 1.2.3. '1.2.3' is not a 'ipv4'",
        ),
        (
            json!({"server": {"name": "a", "imageRef": IMAGE_ID, "flavorRef": "1",
                "OS-DCF:diskConfig": "SOMETIMES"}}),
            "Invalid input for field/attribute OS-DCF:diskConfig. Value: SOMETIMES. \
             'SOMETIMES' is not one of ['AUTO', 'MANUAL']",
        ),
        (
            json!({"server": {"name": "a", "imageRef": IMAGE_ID, "flavorRef": "1",
                "networks": [{"fixed_ip": "10.0.0.1"}]}}),
            "Bad network format: missing 'uuid'",
        ),
        (
            json!({"server": {"name": "a", "imageRef": IMAGE_ID, "flavorRef": "1",
                "colour": "red"}}),
            "Invalid input for field/attribute server. Value: {\"colour\":\"red\",\
             \"flavorRef\":\"1\",\"imageRef\":\"70a599e0-31e7-49b7-b260-868f441e862b\",\
             \"name\":\"a\"}. Additional properties are not allowed ('colour' was unexpected)",
        ),
    ];
    for (body, message) in cases {
        let api = Api::sample();
        let fault = api
            .call("/servers", v2_1(1).method(Method::POST).body(body.clone()))
            .await
            .unwrap_err();
        assert_eq!(fault.status(), StatusCode::BAD_REQUEST, "{body}");
        assert_eq!(fault.message(), message, "{body}");
        assert_eq!(api.recorder.calls(), Vec::<String>::new());
    }
}

#[tokio::test]
async fn v2_ignores_unknown_fields_and_strips_names() {
    let api = Api::sample();
    let body = json!({"server": {
        "name": "  spaced  ", "imageRef": IMAGE_ID, "flavorRef": "1", "colour": "red"
    }});
    let request = request(Endpoint::V2, ApiVersion::V2_1)
        .method(Method::POST)
        .body(body);
    api.call("/servers", request).await.unwrap();
    let input = CreateServer {
        name: "spaced".into(),
        image_ref: Some(IMAGE_ID.into()),
        flavor_ref: "1".into(),
        min_count: 1,
        max_count: 1,
        ..CreateServer::default()
    };
    assert_eq!(
        api.recorder.calls(),
        [format!("create_server 2.1 {input:?}")]
    );
}

#[tokio::test]
async fn a_mapping_that_only_boots_the_image_boots_the_image() {
    // What the openstack CLI sends with `server create --image`.
    let body = json!({"server": {
        "name": "a", "flavorRef": "1", "imageRef": IMAGE_ID,
        "block_device_mapping_v2": [{"uuid": IMAGE_ID, "boot_index": 0,
            "source_type": "image", "destination_type": "local",
            "delete_on_termination": true}]
    }});
    let api = Api::sample();
    let request = v2_1(1).method(Method::POST).body(body);
    api.call("/servers", request).await.unwrap();
    let input = CreateServer {
        name: "a".into(),
        image_ref: Some(IMAGE_ID.into()),
        flavor_ref: "1".into(),
        min_count: 1,
        max_count: 1,
        ..CreateServer::default()
    };
    assert_eq!(
        api.recorder.calls(),
        [format!("create_server 2.1 {input:?}")]
    );
    // The mapping names another image than imageRef: not the simple case.
    let other = json!({"server": {
        "name": "a", "flavorRef": "1", "imageRef": IMAGE_ID,
        "block_device_mapping_v2": [{"uuid": "other", "boot_index": 0,
            "source_type": "image", "destination_type": "local"}]
    }});
    let fault = api
        .call("/servers", v2_1(1).method(Method::POST).body(other))
        .await
        .unwrap_err();
    assert_eq!(fault.status(), StatusCode::NOT_IMPLEMENTED);
}

#[tokio::test]
async fn block_device_mappings_are_not_implemented() {
    let api = Api::sample();
    let body = json!({
        "name": "a", "flavorRef": "1",
        "block_device_mapping_v2": [{"boot_index": 0, "uuid": "vol-1", "source_type": "volume"}]
    });
    let fault = api.call("/servers", create_body(body)).await.unwrap_err();
    assert_eq!(fault.status(), StatusCode::NOT_IMPLEMENTED);
    assert_eq!(
        fault.message(),
        "Booting from a block device mapping is not implemented by this cloud."
    );
}

/// The sample server in the shorter view `PUT` and `rebuild` answer before 2.75.
fn core_view_2_1() -> Value {
    json!({
        "accessIPv4": "1.2.3.4",
        "accessIPv6": "80fe::",
        "addresses": {"private": [
            {"addr": "192.168.1.30", "version": 4},
            {"addr": "172.24.4.10", "version": 4}
        ]},
        "created": "2013-09-03T04:01:32Z",
        "flavor": {
            "id": "1",
            "links": [{"href": "http://openstack.example.com/demo/flavors/1", "rel": "bookmark"}]
        },
        "hostId": "92154fab69d5883ba2c8622b7e65f745dd33257221c07af363c51b29",
        "id": SERVER_ID,
        "image": {
            "id": IMAGE_ID,
            "links": [{
                "href": format!("http://openstack.example.com/demo/images/{IMAGE_ID}"),
                "rel": "bookmark"
            }]
        },
        "links": [
            {"href": self_link(), "rel": "self"},
            {"href": bookmark_link(), "rel": "bookmark"}
        ],
        "metadata": {"My Server Name": "Apache1"},
        "name": "renamed",
        "OS-DCF:diskConfig": "AUTO",
        "progress": 0,
        "status": "ACTIVE",
        "tenant_id": "demo",
        "updated": "2013-09-03T04:01:33Z",
        "user_id": "admin"
    })
}

pub(super) fn core_view(name: &str) -> Value {
    let mut view = core_view_2_1();
    view["name"] = json!(name);
    view
}

#[tokio::test]
async fn update_answers_the_shorter_view() {
    let api = Api::sample();
    let request = v2_1(1)
        .method(Method::PUT)
        .param("server_id", SERVER_ID)
        .body(json!({"server": {"name": "renamed", "accessIPv6": "80fe::"}}));
    let response = api.call(SERVER, request).await.unwrap();
    assert_eq!(response.status, StatusCode::OK);
    assert_eq!(json_body(&response), &json!({"server": core_view_2_1()}));
    let input = UpdateServer {
        server_id: SERVER_ID.into(),
        name: Some("renamed".into()),
        access_ipv6: Some("80fe::".into()),
        ..UpdateServer::default()
    };
    assert_eq!(
        api.recorder.calls(),
        [format!("update_server 2.1 {input:?}")]
    );
}

#[tokio::test]
async fn update_takes_a_description_from_2_19_and_shows_the_2_47_fields() {
    let api = Api::sample();
    let request = v2_1(47)
        .method(Method::PUT)
        .param("server_id", SERVER_ID)
        .body(json!({"server": {"name": "renamed", "description": null}}));
    let response = api.call(SERVER, request).await.unwrap();
    let mut expected = core_view_2_1();
    expected["locked"] = json!(false);
    expected["description"] = Value::Null;
    expected["tags"] = json!(["web"]);
    expected["flavor"] = json!({
        "disk": 1, "ephemeral": 0, "extra_specs": {"hw:numa_nodes": "1"},
        "original_name": "m1.tiny", "ram": 512, "swap": 0, "vcpus": 1
    });
    assert_eq!(json_body(&response), &json!({"server": expected}));
    let input = UpdateServer {
        server_id: SERVER_ID.into(),
        name: Some("renamed".into()),
        description: Some(None),
        ..UpdateServer::default()
    };
    assert_eq!(
        api.recorder.calls(),
        [format!("update_server 2.47 {input:?}")]
    );

    let fault = api
        .call(
            SERVER,
            v2_1(18)
                .method(Method::PUT)
                .param("server_id", SERVER_ID)
                .body(json!({"server": {"description": "x"}})),
        )
        .await
        .unwrap_err();
    assert_eq!(
        fault.message(),
        "Invalid input for field/attribute server. Value: {\"description\":\"x\"}. \
         Additional properties are not allowed ('description' was unexpected)"
    );
}

#[tokio::test]
async fn update_on_v1_0_answers_204_and_changes_the_password() {
    let api = Api::sample();
    let request = request(Endpoint::V1_0, ApiVersion::V1_0)
        .method(Method::PUT)
        .param("server_id", SERVER_ID)
        .body(json!({"server": {"name": "renamed", "adminPass": "s3cret"}}));
    let response = api.call(SERVER, request).await.unwrap();
    assert_eq!(response, ApiResponse::empty(StatusCode::NO_CONTENT));
    let update = UpdateServer {
        server_id: SERVER_ID.into(),
        name: Some("renamed".into()),
        ..UpdateServer::default()
    };
    let change = ChangePassword {
        server_id: SERVER_ID.into(),
        admin_pass: "s3cret".into(),
    };
    assert_eq!(
        api.recorder.calls(),
        [
            format!("update_server 1.0 {update:?}"),
            format!("change_password 1.0 {change:?}")
        ]
    );
}

#[tokio::test]
async fn delete_answers_204() {
    let api = Api::sample();
    let request = v2_1(1).method(Method::DELETE).param("server_id", SERVER_ID);
    let response = api.call(SERVER, request).await.unwrap();
    assert_eq!(response, ApiResponse::empty(StatusCode::NO_CONTENT));
    assert_eq!(
        api.recorder.calls(),
        [format!("delete_server 2.1 {SERVER_ID:?}")]
    );
}
