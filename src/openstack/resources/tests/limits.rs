//! `/limits` per microversion, and the table of every route.

use http::StatusCode;
use serde_json::{Value, json};

use super::super::super::request::Availability;
use super::super::super::version::ApiVersion;
use super::super::testing::*;

fn absolute_2_1() -> Value {
    json!({
        "maxImageMeta": 128,
        "maxPersonality": 5,
        "maxPersonalitySize": 10240,
        "maxSecurityGroupRules": -1,
        "maxSecurityGroups": -1,
        "maxServerMeta": 128,
        "maxTotalCores": 20,
        "maxTotalFloatingIps": -1,
        "maxTotalInstances": 10,
        "maxTotalKeypairs": 100,
        "maxTotalRAMSize": 51200,
        "maxServerGroups": 10,
        "maxServerGroupMembers": 10,
        "totalCoresUsed": 0,
        "totalInstancesUsed": 0,
        "totalRAMUsed": 0,
        "totalSecurityGroupsUsed": 0,
        "totalFloatingIpsUsed": 0,
        "totalServerGroupsUsed": 0
    })
}

async fn limits(minor: u16) -> Value {
    let api = Api::sample();
    let response = api.call("/limits", v2_1(minor)).await.unwrap();
    assert_eq!(response.status, StatusCode::OK);
    json_body(&response).clone()
}

#[tokio::test]
async fn limits_at_2_1_match_nova_s_sample() {
    assert_eq!(
        limits(1).await,
        json!({"limits": {"absolute": absolute_2_1(), "rate": []}})
    );
}

#[tokio::test]
async fn limits_drop_the_network_limits_at_2_36_and_max_image_meta_at_2_39() {
    let mut absolute = absolute_2_1();
    let map = absolute.as_object_mut().unwrap();
    for name in [
        "maxSecurityGroupRules",
        "maxSecurityGroups",
        "maxTotalFloatingIps",
        "totalSecurityGroupsUsed",
        "totalFloatingIpsUsed",
    ] {
        map.remove(name);
    }
    assert_eq!(
        limits(36).await,
        json!({"limits": {"absolute": absolute.clone(), "rate": []}})
    );

    absolute.as_object_mut().unwrap().remove("maxImageMeta");
    assert_eq!(
        limits(39).await,
        json!({"limits": {"absolute": absolute, "rate": []}})
    );
}

#[tokio::test]
async fn another_project_s_limits_are_for_administrators() {
    let api = Api::sample();
    let fault = api
        .call("/limits", v2_1(1).query("tenant_id", "other"))
        .await
        .unwrap_err();
    assert_eq!(fault.status(), StatusCode::FORBIDDEN);
    api.call("/limits", v2_1(1).admin().query("tenant_id", "other"))
        .await
        .unwrap();
    api.call("/limits", v2_1(1).query("reserved", "False"))
        .await
        .unwrap();
    assert_eq!(
        api.recorder.calls(),
        [
            "limits 2.1 ()",
            "limits project other",
            "limits 2.1 ()",
            "limits project demo"
        ]
    );
}

fn availability_name(availability: Availability) -> String {
    let proxy = Availability::EVERYWHERE.until(ApiVersion::new(2, 35));
    let name = if availability == Availability::EVERYWHERE {
        "everywhere"
    } else if availability == Availability::SINCE_V1_1 {
        "since v1.1"
    } else if availability == Availability::V1_0_ONLY {
        "v1.0 only"
    } else if availability == proxy {
        "everywhere, v2.1 until 2.35"
    } else {
        return format!("{availability:?}");
    };
    name.to_owned()
}

#[test]
fn every_route_and_where_it_is_served() {
    let api = Api::sample();
    let controller: std::sync::Arc<dyn super::super::super::controller::ComputeController> =
        api.recorder.clone();
    let table: Vec<String> = super::super::routes(&controller)
        .iter()
        .map(|route| {
            format!(
                "{} {} ({})",
                route.method,
                route.template,
                availability_name(route.availability)
            )
        })
        .collect();
    assert_eq!(
        table,
        [
            "GET /servers (everywhere)",
            "GET /servers/detail (everywhere)",
            "POST /servers (everywhere)",
            "GET /servers/{server_id} (everywhere)",
            "PUT /servers/{server_id} (everywhere)",
            "DELETE /servers/{server_id} (everywhere)",
            "GET /servers/{server_id}/ips (everywhere)",
            "GET /servers/{server_id}/ips/{network} (everywhere)",
            "GET /servers/{server_id}/metadata (since v1.1)",
            "PUT /servers/{server_id}/metadata (since v1.1)",
            "POST /servers/{server_id}/metadata (since v1.1)",
            "GET /servers/{server_id}/metadata/{key} (since v1.1)",
            "PUT /servers/{server_id}/metadata/{key} (since v1.1)",
            "DELETE /servers/{server_id}/metadata/{key} (since v1.1)",
            "GET /servers/{server_id}/backup_schedule (v1.0 only)",
            "POST /servers/{server_id}/backup_schedule (v1.0 only)",
            "DELETE /servers/{server_id}/backup_schedule (v1.0 only)",
            "GET /flavors (everywhere)",
            "GET /flavors/detail (everywhere)",
            "GET /flavors/{flavor_id} (everywhere)",
            "GET /flavors/{flavor_id}/os-extra_specs (since v1.1)",
            "GET /flavors/{flavor_id}/os-extra_specs/{key} (since v1.1)",
            "GET /images (everywhere, v2.1 until 2.35)",
            "GET /images/detail (everywhere, v2.1 until 2.35)",
            "GET /images/{image_id} (everywhere, v2.1 until 2.35)",
            "DELETE /images/{image_id} (everywhere, v2.1 until 2.35)",
            "POST /images (v1.0 only)",
            "GET /os-keypairs (since v1.1)",
            "POST /os-keypairs (since v1.1)",
            "GET /os-keypairs/{keypair_name} (since v1.1)",
            "DELETE /os-keypairs/{keypair_name} (since v1.1)",
            "GET /limits (everywhere)",
            "GET /shared_ip_groups (v1.0 only)",
            "GET /shared_ip_groups/detail (v1.0 only)",
            "POST /shared_ip_groups (v1.0 only)",
            "GET /shared_ip_groups/{group_id} (v1.0 only)",
            "DELETE /shared_ip_groups/{group_id} (v1.0 only)",
        ]
    );

    // The templates coexist in one router, static segments winning over parameters.
    let mut router = matchit::Router::new();
    let mut inserted = std::collections::HashSet::new();
    for route in super::super::routes(&controller) {
        if inserted.insert(route.template) {
            router
                .insert(route.template, route.template)
                .unwrap_or_else(|error| panic!("{}: {error}", route.template));
        }
    }
    let matched = |path: &str| *router.at(path).unwrap().value;
    assert_eq!(matched("/servers/detail"), "/servers/detail");
    assert_eq!(matched("/servers/abc"), "/servers/{server_id}");
    assert_eq!(matched("/images/detail"), "/images/detail");
    assert_eq!(matched("/flavors/t3.micro"), "/flavors/{flavor_id}");
}

#[test]
fn every_server_action_by_name() {
    let api = Api::sample();
    let controller: std::sync::Arc<dyn super::super::super::controller::ComputeController> =
        api.recorder.clone();
    let names: Vec<(&str, String)> = super::super::server_actions(&controller)
        .iter()
        .map(|action| (action.name, availability_name(action.availability)))
        .collect();
    assert_eq!(
        names,
        [
            ("reboot", "everywhere".to_owned()),
            ("os-start", "since v1.1".to_owned()),
            ("os-stop", "since v1.1".to_owned()),
            ("resize", "everywhere".to_owned()),
            ("confirmResize", "everywhere".to_owned()),
            ("revertResize", "everywhere".to_owned()),
            ("rebuild", "everywhere".to_owned()),
            ("createImage", "since v1.1".to_owned()),
            ("changePassword", "since v1.1".to_owned()),
        ]
    );
}
