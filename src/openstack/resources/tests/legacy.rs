//! `/v1.0` and `/v1.1`: their own JSON views and their XML documents.

use http::{Method, StatusCode};
use serde_json::json;

use super::super::super::model::{
    BackupSchedule, CreateServer, CreateSharedIpGroup, DailyBackup, RateLimit, RateLimitEntry,
    SetBackupSchedule, WeeklyBackup,
};
use super::super::super::request::{ApiRequest, ApiResponse};
use super::super::super::version::{ApiVersion, Endpoint};
use super::super::testing::*;
use time::macros::datetime;

const DECLARATION: &str = "<?xml version='1.0' encoding='UTF-8'?>\n";
const V10: &str = "xmlns=\"http://docs.rackspacecloud.com/servers/api/v1.0\"";
const V11_ATOM: &str = "xmlns=\"http://docs.openstack.org/compute/api/v1.1\" \
                        xmlns:atom=\"http://www.w3.org/2005/Atom\"";

fn v1_0() -> ApiRequest {
    let mut request = request(Endpoint::V1_0, ApiVersion::V1_0);
    request.links.project_id = None;
    request
}

fn v1_1() -> ApiRequest {
    request(Endpoint::V1_1, ApiVersion::V1_1)
}

async fn get(api: &Api, template: &str, request: ApiRequest) -> ApiResponse {
    let response = api.call(template, request).await.unwrap();
    assert_eq!(response.status, StatusCode::OK);
    response
}

#[tokio::test]
async fn v1_0_shows_a_server_with_flat_addresses_and_ids() {
    let api = Api::sample();
    let response = get(
        &api,
        "/servers/{server_id}",
        v1_0().param("server_id", SERVER_ID),
    )
    .await;
    assert_eq!(
        json_body(&response),
        &json!({"server": {
            "id": SERVER_ID,
            "name": "new-server-test",
            "imageId": IMAGE_ID,
            "flavorId": "1",
            "hostId": "92154fab69d5883ba2c8622b7e65f745dd33257221c07af363c51b29",
            "status": "ACTIVE",
            "progress": 0,
            "addresses": {"public": ["172.24.4.10"], "private": ["192.168.1.30"]},
            "metadata": {"My Server Name": "Apache1"}
        }})
    );
}

#[tokio::test]
async fn v1_0_server_xml_has_attributes_metadata_and_public_private_addresses() {
    let api = Api::sample();
    let request = v1_0().param("server_id", SERVER_ID).xml();
    let response = get(&api, "/servers/{server_id}", request).await;
    assert_eq!(
        xml_document(&response, Endpoint::V1_0),
        format!(
            "{DECLARATION}<server {V10} id=\"{SERVER_ID}\" name=\"new-server-test\" \
             imageId=\"{IMAGE_ID}\" flavorId=\"1\" status=\"ACTIVE\" progress=\"0\" \
             hostId=\"92154fab69d5883ba2c8622b7e65f745dd33257221c07af363c51b29\">\
             <metadata><meta key=\"My Server Name\">Apache1</meta></metadata>\
             <addresses><public><ip addr=\"172.24.4.10\"/></public>\
             <private><ip addr=\"192.168.1.30\"/></private></addresses></server>"
        )
    );
}

#[tokio::test]
async fn v1_0_lists_servers_by_id_and_name() {
    let api = Api::sample();
    let response = get(&api, "/servers", v1_0()).await;
    assert_eq!(
        json_body(&response),
        &json!({"servers": [{"id": SERVER_ID, "name": "new-server-test"}]})
    );
    let response = get(&api, "/servers", v1_0().xml()).await;
    assert_eq!(
        xml_document(&response, Endpoint::V1_0),
        format!(
            "{DECLARATION}<servers {V10}><server id=\"{SERVER_ID}\" name=\"new-server-test\"/>\
             </servers>"
        )
    );
}

fn v1_1_server_xml(root_attributes: &str) -> String {
    format!(
        "<server {root_attributes}id=\"{SERVER_ID}\" userId=\"admin\" tenantId=\"demo\" \
         hostId=\"92154fab69d5883ba2c8622b7e65f745dd33257221c07af363c51b29\" \
         name=\"new-server-test\" created=\"2013-09-03T04:01:32Z\" \
         updated=\"2013-09-03T04:01:33Z\" status=\"ACTIVE\" accessIPv4=\"1.2.3.4\" \
         accessIPv6=\"80fe::\" progress=\"0\">\
         <atom:link rel=\"self\" \
         href=\"http://openstack.example.com/v1.1/demo/servers/{SERVER_ID}\"/>\
         <atom:link rel=\"bookmark\" \
         href=\"http://openstack.example.com/demo/servers/{SERVER_ID}\"/>\
         <image id=\"{IMAGE_ID}\"><atom:link rel=\"bookmark\" \
         href=\"http://openstack.example.com/demo/images/{IMAGE_ID}\"/></image>\
         <flavor id=\"1\"><atom:link rel=\"bookmark\" \
         href=\"http://openstack.example.com/demo/flavors/1\"/></flavor>\
         <metadata><meta key=\"My Server Name\">Apache1</meta></metadata>\
         <addresses><network id=\"private\"><ip version=\"4\" addr=\"192.168.1.30\"/>\
         <ip version=\"4\" addr=\"172.24.4.10\"/></network></addresses></server>"
    )
}

#[tokio::test]
async fn v1_1_server_xml_follows_the_diablo_serializer() {
    let api = Api::sample();
    let request = v1_1().param("server_id", SERVER_ID).xml();
    let response = get(&api, "/servers/{server_id}", request).await;
    assert_eq!(
        xml_document(&response, Endpoint::V1_1),
        format!("{DECLARATION}{}", v1_1_server_xml(&format!("{V11_ATOM} ")))
    );
}

#[tokio::test]
async fn v1_1_server_detail_xml_lists_detailed_servers() {
    let api = Api::sample();
    let response = get(&api, "/servers/detail", v1_1().xml()).await;
    assert_eq!(
        xml_document(&response, Endpoint::V1_1),
        format!(
            "{DECLARATION}<servers {V11_ATOM}>{}</servers>",
            v1_1_server_xml("")
        )
    );
}

#[tokio::test]
async fn v1_1_create_in_xml_answers_the_server_with_its_password() {
    let api = Api::sample();
    let request = v1_1().method(Method::POST).xml().body(
        json!({"server": {"name": "new-server-test", "imageRef": IMAGE_ID, "flavorRef": "1"}}),
    );
    let response = api.call("/servers", request).await.unwrap();
    assert_eq!(response.status, StatusCode::ACCEPTED);
    let expected = v1_1_server_xml(&format!("{V11_ATOM} ")).replacen(
        " progress=\"0\">",
        " progress=\"0\" adminPass=\"6NpUwoz2QDRN\">",
        1,
    );
    assert_eq!(
        xml_document(&response, Endpoint::V1_1),
        format!("{DECLARATION}{expected}")
    );
    assert_eq!(
        location(&response),
        Some(format!("http://openstack.example.com/v1.1/demo/servers/{SERVER_ID}").as_str())
    );
}

#[tokio::test]
async fn v1_0_create_takes_image_id_and_flavor_id_and_answers_the_full_server() {
    let api = Api::sample();
    let request = v1_0()
        .method(Method::POST)
        .body(json!({"server": {"name": "new-server-test", "imageId": 2, "flavorId": 1}}));
    let response = api.call("/servers", request).await.unwrap();
    assert_eq!(response.status, StatusCode::ACCEPTED);
    assert_eq!(location(&response), None);
    assert_eq!(
        json_body(&response)["server"]["adminPass"],
        json!("6NpUwoz2QDRN")
    );
    assert_eq!(json_body(&response)["server"]["flavorId"], json!("1"));
    let expected = CreateServer {
        name: "new-server-test".into(),
        image_ref: Some("2".into()),
        flavor_ref: "1".into(),
        min_count: 1,
        max_count: 1,
        ..CreateServer::default()
    };
    assert_eq!(
        api.recorder.calls(),
        [format!("create_server 1.0 {expected:?}")]
    );
}

#[tokio::test]
async fn v1_0_addresses_are_public_and_private() {
    let api = Api::sample();
    let response = get(
        &api,
        "/servers/{server_id}/ips",
        v1_0().param("server_id", SERVER_ID),
    )
    .await;
    assert_eq!(
        json_body(&response),
        &json!({"addresses": {"public": ["172.24.4.10"], "private": ["192.168.1.30"]}})
    );
    let request = v1_0()
        .param("server_id", SERVER_ID)
        .param("network", "public")
        .xml();
    let response = get(&api, "/servers/{server_id}/ips/{network}", request).await;
    assert_eq!(
        xml_document(&response, Endpoint::V1_0),
        format!("{DECLARATION}<public {V10}><ip addr=\"172.24.4.10\"/></public>")
    );
    let fault = api
        .call(
            "/servers/{server_id}/ips/{network}",
            v1_0()
                .param("server_id", SERVER_ID)
                .param("network", "private-net"),
        )
        .await
        .unwrap_err();
    assert_eq!(fault.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn v1_1_addresses_in_xml_are_networks() {
    let api = Api::sample();
    let request = v1_1().param("server_id", SERVER_ID).xml();
    let response = get(&api, "/servers/{server_id}/ips", request).await;
    assert_eq!(
        xml_document(&response, Endpoint::V1_1),
        format!(
            "{DECLARATION}<addresses xmlns=\"http://docs.openstack.org/compute/api/v1.1\">\
             <network id=\"private\"><ip version=\"4\" addr=\"192.168.1.30\"/>\
             <ip version=\"4\" addr=\"172.24.4.10\"/></network></addresses>"
        )
    );
}

#[tokio::test]
async fn v1_1_metadata_in_xml_is_meta_elements() {
    let api = Api::sample();
    let request = v1_1().param("server_id", SERVER_ID).xml();
    let response = get(&api, "/servers/{server_id}/metadata", request).await;
    assert_eq!(
        xml_document(&response, Endpoint::V1_1),
        format!(
            "{DECLARATION}<metadata xmlns=\"http://docs.openstack.org/compute/api/v1.1\">\
             <meta key=\"My Server Name\">Apache1</meta></metadata>"
        )
    );
    let request = v1_1()
        .param("server_id", SERVER_ID)
        .param("key", "My Server Name")
        .xml();
    let response = get(&api, "/servers/{server_id}/metadata/{key}", request).await;
    assert_eq!(
        xml_document(&response, Endpoint::V1_1),
        format!(
            "{DECLARATION}<meta xmlns=\"http://docs.openstack.org/compute/api/v1.1\" \
             key=\"My Server Name\">Apache1</meta>"
        )
    );
}

#[tokio::test]
async fn flavors_in_v1_0_and_v1_1_xml() {
    let api = Api::sample();
    let response = get(
        &api,
        "/flavors/{flavor_id}",
        v1_0().param("flavor_id", "1").xml(),
    )
    .await;
    assert_eq!(
        xml_document(&response, Endpoint::V1_0),
        format!("{DECLARATION}<flavor {V10} id=\"1\" name=\"m1.tiny\" ram=\"512\" disk=\"1\"/>")
    );
    let response = get(&api, "/flavors/{flavor_id}", v1_0().param("flavor_id", "1")).await;
    assert_eq!(
        json_body(&response),
        &json!({"flavor": {"id": "1", "name": "m1.tiny", "ram": 512, "disk": 1}})
    );

    let response = get(
        &api,
        "/flavors/{flavor_id}",
        v1_1().param("flavor_id", "1").xml(),
    )
    .await;
    assert_eq!(
        xml_document(&response, Endpoint::V1_1),
        format!(
            "{DECLARATION}<flavor {V11_ATOM} id=\"1\" name=\"m1.tiny\" ram=\"512\" disk=\"1\" \
             vcpus=\"1\"><atom:link rel=\"self\" \
             href=\"http://openstack.example.com/v1.1/demo/flavors/1\"/>\
             <atom:link rel=\"bookmark\" \
             href=\"http://openstack.example.com/demo/flavors/1\"/></flavor>"
        )
    );
    let response = get(&api, "/flavors", v1_1().xml()).await;
    assert_eq!(
        xml_document(&response, Endpoint::V1_1),
        format!(
            "{DECLARATION}<flavors {V11_ATOM}><flavor id=\"1\" name=\"m1.tiny\">\
             <atom:link rel=\"self\" href=\"http://openstack.example.com/v1.1/demo/flavors/1\"/>\
             <atom:link rel=\"bookmark\" href=\"http://openstack.example.com/demo/flavors/1\"/>\
             </flavor></flavors>"
        )
    );
}

#[tokio::test]
async fn images_in_v1_0_json_and_v1_1_xml() {
    let api = Api::sample();
    let response = get(&api, "/images/detail", v1_0()).await;
    assert_eq!(
        json_body(&response),
        &json!({"images": [{
            "id": IMAGE_ID,
            "name": "fakeimage7",
            "created": "2011-01-01T01:02:03Z",
            "updated": "2011-01-01T01:02:03Z",
            "status": "ACTIVE",
            "progress": 100
        }]})
    );
    let request = v1_1().param("image_id", IMAGE_ID).xml();
    let response = get(&api, "/images/{image_id}", request).await;
    assert_eq!(
        xml_document(&response, Endpoint::V1_1),
        format!(
            "{DECLARATION}<image {V11_ATOM} id=\"{IMAGE_ID}\" name=\"fakeimage7\" \
             created=\"2011-01-01T01:02:03Z\" updated=\"2011-01-01T01:02:03Z\" \
             status=\"ACTIVE\" progress=\"100\"><metadata>\
             <meta key=\"architecture\">x86_64</meta><meta key=\"auto_disk_config\">True</meta>\
             </metadata>\
             <atom:link rel=\"self\" \
             href=\"http://openstack.example.com/v1.1/demo/images/{IMAGE_ID}\"/>\
             <atom:link rel=\"bookmark\" \
             href=\"http://openstack.example.com/demo/images/{IMAGE_ID}\"/>\
             <atom:link rel=\"alternate\" \
             href=\"http://openstack.example.com:9292/images/{IMAGE_ID}\" \
             type=\"application/vnd.openstack.image\"/></image>"
        )
    );
}

#[tokio::test]
async fn v1_0_creates_an_image_from_a_server() {
    let api = Api::sample();
    let request = v1_0()
        .method(Method::POST)
        .body(json!({"image": {"serverId": SERVER_ID, "name": "snap"}}));
    let response = api.call("/images", request).await.unwrap();
    assert_eq!(response.status, StatusCode::ACCEPTED);
    assert_eq!(json_body(&response)["image"]["id"], json!(IMAGE_ID));
    assert_eq!(
        api.recorder.calls(),
        [
            format!(
                "create_image 1.0 CreateImage {{ server_id: \"{SERVER_ID}\", name: \"snap\", \
                 metadata: {{}} }}"
            ),
            format!("show_image 1.0 \"{IMAGE_ID}\"")
        ]
    );
}

#[tokio::test]
async fn backup_schedules_show_in_json_and_as_xml_attributes() {
    let api = Api::sample();
    let template = "/servers/{server_id}/backup_schedule";
    let response = get(&api, template, v1_0().param("server_id", SERVER_ID)).await;
    assert_eq!(
        json_body(&response),
        &json!({"backupSchedule": {"enabled": true, "weekly": "THURSDAY", "daily": "H_0400_0600"}})
    );
    let response = get(&api, template, v1_0().param("server_id", SERVER_ID).xml()).await;
    assert_eq!(
        xml_document(&response, Endpoint::V1_0),
        format!(
            "{DECLARATION}<backupSchedule {V10} enabled=\"true\" weekly=\"THURSDAY\" \
             daily=\"H_0400_0600\"/>"
        )
    );
}

#[tokio::test]
async fn backup_schedules_are_set_with_valid_values_only() {
    let api = Api::sample();
    let template = "/servers/{server_id}/backup_schedule";
    let set = |body| {
        v1_0()
            .method(Method::POST)
            .param("server_id", SERVER_ID)
            .body(body)
    };
    // An XML body arrives with the attributes as strings.
    let response = api
        .call(
            template,
            set(json!({"backupSchedule": {
                "enabled": "true", "weekly": "SUNDAY", "daily": "H_2200_0000"
            }})),
        )
        .await
        .unwrap();
    assert_eq!(response, ApiResponse::empty(StatusCode::NO_CONTENT));
    let expected = SetBackupSchedule {
        server_id: SERVER_ID.into(),
        schedule: BackupSchedule {
            enabled: true,
            weekly: WeeklyBackup::Sunday,
            daily: DailyBackup(Some(22)),
        },
    };
    assert_eq!(
        api.recorder.calls(),
        [format!("set_backup_schedule 1.0 {expected:?}")]
    );

    let cases = [
        (
            json!({"backupSchedule": {"enabled": true, "weekly": "FUNDAY", "daily": "DISABLED"}}),
            "Invalid input for field/attribute weekly. Value: FUNDAY. 'FUNDAY' is not one of \
             ['DISABLED', 'SUNDAY', 'MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', \
             'SATURDAY']",
        ),
        (
            json!({"backupSchedule": {
                "enabled": true, "weekly": "SUNDAY", "daily": "H_0100_0300"
            }}),
            "Invalid input for field/attribute daily. Value: H_0100_0300. 'H_0100_0300' is not \
             one of ['DISABLED', 'H_0000_0200', 'H_0200_0400', 'H_0400_0600', 'H_0600_0800', \
             'H_0800_1000', 'H_1000_1200', 'H_1200_1400', 'H_1400_1600', 'H_1600_1800', \
             'H_1800_2000', 'H_2000_2200', 'H_2200_0000']",
        ),
        (
            json!({"backupSchedule": {
                "enabled": "maybe", "weekly": "SUNDAY", "daily": "DISABLED"
            }}),
            "Invalid input for field/attribute enabled. Value: maybe. 'maybe' is not a valid \
             boolean",
        ),
        (
            json!({"backupSchedule": {"enabled": true, "weekly": "SUNDAY"}}),
            "Invalid input for field/attribute backupSchedule. Value: \
             {\"enabled\":true,\"weekly\":\"SUNDAY\"}. 'daily' is a required property",
        ),
    ];
    for (body, message) in cases {
        let fault = api.call(template, set(body)).await.unwrap_err();
        assert_eq!(fault.status(), StatusCode::BAD_REQUEST);
        assert_eq!(fault.message(), message);
    }

    let response = api
        .call(
            template,
            v1_0().method(Method::DELETE).param("server_id", SERVER_ID),
        )
        .await
        .unwrap();
    assert_eq!(response, ApiResponse::empty(StatusCode::NO_CONTENT));
}

#[tokio::test]
async fn shared_ip_groups_list_show_create_and_delete() {
    let api = Api::sample();
    let response = get(&api, "/shared_ip_groups", v1_0()).await;
    assert_eq!(
        json_body(&response),
        &json!({"sharedIpGroups": [{"id": 1234, "name": "Shared IP Group 1"}]})
    );
    let response = get(&api, "/shared_ip_groups/detail", v1_0()).await;
    assert_eq!(
        json_body(&response),
        &json!({"sharedIpGroups": [{"id": 1234, "name": "Shared IP Group 1", "servers": ["422"]}]})
    );
    let request = v1_0().param("group_id", "1234").xml();
    let response = get(&api, "/shared_ip_groups/{group_id}", request).await;
    assert_eq!(
        xml_document(&response, Endpoint::V1_0),
        format!(
            "{DECLARATION}<sharedIpGroup {V10} id=\"1234\" name=\"Shared IP Group 1\">\
             <servers><server id=\"422\"/></servers></sharedIpGroup>"
        )
    );
    let response = get(&api, "/shared_ip_groups", v1_0().xml()).await;
    assert_eq!(
        xml_document(&response, Endpoint::V1_0),
        format!(
            "{DECLARATION}<sharedIpGroups {V10}><sharedIpGroup id=\"1234\" \
             name=\"Shared IP Group 1\"/></sharedIpGroups>"
        )
    );

    let request = v1_0()
        .method(Method::POST)
        .body(json!({"sharedIpGroup": {"name": "Shared IP Group 2", "server": 422}}));
    let response = api.call("/shared_ip_groups", request).await.unwrap();
    assert_eq!(response.status, StatusCode::CREATED);
    assert_eq!(
        json_body(&response),
        &json!({"sharedIpGroup": {"id": 5678, "name": "Shared IP Group 2", "servers": ["422"]}})
    );

    let fault = api
        .call(
            "/shared_ip_groups/{group_id}",
            v1_0().param("group_id", "twelve"),
        )
        .await
        .unwrap_err();
    assert_eq!(fault.status(), StatusCode::NOT_FOUND);

    let response = api
        .call(
            "/shared_ip_groups/{group_id}",
            v1_0().method(Method::DELETE).param("group_id", "1234"),
        )
        .await
        .unwrap();
    assert_eq!(response, ApiResponse::empty(StatusCode::NO_CONTENT));
    let create = CreateSharedIpGroup {
        name: "Shared IP Group 2".into(),
        server: Some("422".into()),
    };
    let calls = api.recorder.calls();
    assert_eq!(calls[4], format!("create_shared_ip_group 1.0 {create:?}"));
    assert_eq!(calls[5], "delete_shared_ip_group 1.0 1234");
}

#[tokio::test]
async fn limits_in_v1_0_are_flat_and_in_v1_1_xml_grouped() {
    let mut recorder = Recorder::sample();
    recorder.limits.rate = vec![RateLimit {
        uri: "*".into(),
        regex: ".*".into(),
        limits: vec![RateLimitEntry {
            verb: "POST".into(),
            value: 10,
            remaining: 2,
            unit: "MINUTE".into(),
            next_available: Some(datetime!(2011-12-15 22:42:45 UTC)),
        }],
    }];
    let api = Api::over(recorder);
    let response = get(&api, "/limits", v1_0()).await;
    assert_eq!(
        json_body(&response),
        &json!({"limits": {
            "rate": [{
                "verb": "POST", "URI": "*", "regex": ".*", "value": 10, "remaining": 2,
                "unit": "MINUTE", "resetTime": 1323988965
            }],
            "absolute": {
                "maxTotalRAMSize": 51200, "maxTotalInstances": 10, "maxTotalCores": 20,
                "maxServerMeta": 128, "maxImageMeta": 128, "maxPersonality": 5,
                "maxPersonalitySize": 10240
            }
        }})
    );
    let response = get(&api, "/limits", v1_0().xml()).await;
    assert_eq!(
        xml_document(&response, Endpoint::V1_0),
        format!(
            "{DECLARATION}<limits {V10}><rate><limit verb=\"POST\" URI=\"*\" regex=\".*\" \
             value=\"10\" remaining=\"2\" unit=\"MINUTE\" resetTime=\"1323988965\"/></rate>\
             <absolute><limit name=\"maxTotalRAMSize\" value=\"51200\"/>\
             <limit name=\"maxTotalInstances\" value=\"10\"/>\
             <limit name=\"maxTotalCores\" value=\"20\"/>\
             <limit name=\"maxServerMeta\" value=\"128\"/>\
             <limit name=\"maxImageMeta\" value=\"128\"/>\
             <limit name=\"maxPersonality\" value=\"5\"/>\
             <limit name=\"maxPersonalitySize\" value=\"10240\"/></absolute></limits>"
        )
    );

    let response = get(&api, "/limits", v1_1().xml()).await;
    let absolute = [
        ("maxTotalRAMSize", 51200),
        ("maxTotalInstances", 10),
        ("maxTotalCores", 20),
        ("maxServerMeta", 128),
        ("maxImageMeta", 128),
        ("maxPersonality", 5),
        ("maxPersonalitySize", 10240),
        ("maxTotalKeypairs", 100),
        ("maxServerGroups", 10),
        ("maxServerGroupMembers", 10),
        ("totalRAMUsed", 0),
        ("totalCoresUsed", 0),
        ("totalInstancesUsed", 0),
        ("totalServerGroupsUsed", 0),
        ("maxTotalFloatingIps", -1),
        ("maxSecurityGroups", -1),
        ("maxSecurityGroupRules", -1),
        ("totalFloatingIpsUsed", 0),
        ("totalSecurityGroupsUsed", 0),
    ]
    .map(|(name, value)| format!("<limit name=\"{name}\" value=\"{value}\"/>"))
    .concat();
    assert_eq!(
        xml_document(&response, Endpoint::V1_1),
        format!(
            "{DECLARATION}<limits xmlns=\"http://docs.openstack.org/compute/api/v1.1\">\
             <rates><rate uri=\"*\" regex=\".*\"><limit value=\"10\" verb=\"POST\" \
             remaining=\"2\" unit=\"MINUTE\" next-available=\"2011-12-15T22:42:45Z\"/>\
             </rate></rates><absolute>{absolute}</absolute></limits>"
        )
    );
    let response = get(&api, "/limits", v1_1()).await;
    assert_eq!(
        json_body(&response)["limits"]["rate"],
        json!([{"uri": "*", "regex": ".*", "limit": [{
            "verb": "POST", "value": 10, "remaining": 2, "unit": "MINUTE",
            "next-available": "2011-12-15T22:42:45Z"
        }]}])
    );
}
