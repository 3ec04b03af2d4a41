//! Behaviour of the fake cloud through the Compute API, and what EC2 sees of it.

use std::collections::BTreeMap;

use http::StatusCode;
use time::Duration;

use super::test_support::*;
use super::*;
use crate::core::Context;
use crate::openstack::controller::{ComputeCall, ComputeController};
use crate::openstack::fault::Fault;
use crate::openstack::model::{self as os, ServerStatus};
use crate::openstack::version::{ApiVersion, Endpoint};

const ED25519_PUBLIC_KEY: &str = concat!(
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGEg0Udf2ziZNW201SrbFcpJKxngqP0Srhev6nq+",
    "n2EZ bob@example",
);

/// A Compute API call of `project` in us-east-1.
fn os_call<I>(project: &str, input: I) -> ComputeCall<I> {
    let context = Context {
        user_id: format!("{project}-user"),
        ..context(project)
    };
    ComputeCall::new(context, ApiVersion::V2_1, Endpoint::V2_1, input)
}

/// A `t3.micro` server of the catalog's Amazon Linux.
async fn server_input(cloud: &FakeCloud, name: &str) -> os::CreateServer {
    os::CreateServer {
        name: name.into(),
        image_ref: Some(catalog_image(cloud).await),
        flavor_ref: "t3.micro".into(),
        min_count: 1,
        max_count: 1,
        ..Default::default()
    }
}

async fn create_in(cloud: &FakeCloud, project: &str, name: &str) -> os::Server {
    let input = server_input(cloud, name).await;
    cloud
        .create_server(os_call(project, input))
        .await
        .unwrap()
        .server
}

async fn show(cloud: &FakeCloud, server_id: &str) -> Result<os::Server, Fault> {
    cloud
        .show_server(os_call("default", server_id.to_owned()))
        .await
}

async fn status_of(cloud: &FakeCloud, server_id: &str) -> (ServerStatus, String, Option<String>) {
    let server = show(cloud, server_id).await.unwrap();
    (server.status, server.vm_state, server.task_state)
}

async fn ec2_instances(cloud: &FakeCloud, project: &str) -> Vec<Shared<Instance>> {
    cloud
        .describe_instances(call_as(project, DescribeInstancesInput::default()))
        .await
        .unwrap()
        .reservations
        .into_iter()
        .flat_map(|reservation| reservation.instances)
        .collect()
}

async fn list(cloud: &FakeCloud, query: os::ServerQuery) -> Result<Vec<os::Server>, Fault> {
    cloud.list_servers(os_call("default", query)).await
}

fn names(servers: &[os::Server]) -> Vec<&str> {
    servers.iter().map(|server| server.name.as_str()).collect()
}

// Servers and instances.

#[tokio::test]
async fn every_operation_is_implemented() {
    let cloud = quick_cloud();
    let answers =
        crate::openstack::controller::call_every_operation(&cloud, context("default")).await;
    assert_eq!(answers.len(), 34);
    for (method, answer) in answers {
        if let Err(fault) = answer {
            assert_ne!(fault.status(), StatusCode::NOT_IMPLEMENTED, "{method}");
        }
    }
}

#[tokio::test]
async fn a_server_created_through_openstack_is_an_instance_of_its_project_only() {
    let cloud = quick_cloud();
    let created = cloud
        .create_server(os_call("default", server_input(&cloud, "web").await))
        .await
        .unwrap();
    let server = created.server;
    assert_eq!(server.id.len(), 36);
    assert_eq!(server.status, ServerStatus::Build);
    assert_eq!(server.tenant_id, "default");
    assert_eq!(server.user_id, "default-user");
    assert_eq!(server.flavor.id, "t3.micro");
    assert_eq!(server.flavor.vcpus, 2);
    assert_eq!(server.flavor.ram, 1024);
    assert_eq!(server.admin_pass.as_ref().map(String::len), Some(12));
    assert!(created.reservation_id.starts_with("r-"));

    let instances = ec2_instances(&cloud, "default").await;
    assert_eq!(instances.len(), 1);
    let instance = &instances[0];
    assert_eq!(instance.instance_type.to_string(), "t3.micro");
    assert_eq!(instance.state, InstanceStateName::Running);
    let tags: Vec<(String, String)> = instance
        .tags
        .iter()
        .map(|tag| (tag.key.to_string(), tag.value.to_string()))
        .collect();
    assert_eq!(tags, vec![("Name".to_owned(), "web".to_owned())]);
    assert_eq!(
        server.host_attributes.instance_name,
        instance.instance_id.to_string()
    );
    assert!(ec2_instances(&cloud, "other").await.is_empty());

    let shown = show(&cloud, &server.id).await.unwrap();
    assert_eq!(shown.status, ServerStatus::Active);
    assert_eq!(shown.admin_pass, None);
    assert_eq!(shown.name, "web");
}

#[tokio::test]
async fn an_instance_run_through_ec2_is_a_server_found_by_its_uuid_only() {
    let cloud = quick_cloud();
    let input = RunInstancesInput {
        image_id: Some(catalog_image(&cloud).await),
        min_count: 1,
        max_count: 1,
        instance_type: Some("t2.micro".into()),
        ..Default::default()
    };
    let run = cloud.run_instances(call(input)).await.unwrap();
    let instance_id = run.reservation.instances[0].instance_id.to_string();

    let servers = list(&cloud, os::ServerQuery::default()).await.unwrap();
    assert_eq!(servers.len(), 1);
    let server = show(&cloud, &servers[0].id).await.unwrap();
    assert_eq!(server.name, instance_id);
    assert_eq!(server.status, ServerStatus::Active);
    assert_eq!(server.flavor.id, "t2.micro");
    assert_eq!(server.flavor.vcpus, 1);
    assert_eq!(server.addresses[0].label, "private");
    assert_eq!(server.addresses[0].addresses[0].addr, "172.31.0.4");
    assert_eq!(
        server.addresses[0].addresses[0].kind,
        os::AddressKind::Fixed
    );
    assert_eq!(
        server.addresses[0].addresses[1].kind,
        os::AddressKind::Floating
    );
    assert_eq!(server.availability_zone, "us-east-1a");
    assert_eq!(server.security_groups, vec!["default".to_owned()]);

    let by_instance_id = show(&cloud, &instance_id).await.unwrap_err();
    assert_eq!(
        by_instance_id,
        Fault::not_found(format!("Instance {instance_id} could not be found."))
    );
}

#[tokio::test]
async fn server_status_follows_the_instance_through_its_lifecycle() {
    let (cloud, clock) = slow_cloud();
    let id = create_in(&cloud, "default", "web").await.id;
    let active = (ServerStatus::Active, "active".to_owned(), None);
    let settle = || clock.advance(Duration::seconds(5));

    assert_eq!(
        status_of(&cloud, &id).await,
        (
            ServerStatus::Build,
            "building".to_owned(),
            Some("spawning".to_owned())
        )
    );
    settle();
    assert_eq!(status_of(&cloud, &id).await, active);
    assert_eq!(show(&cloud, &id).await.unwrap().power_state, 1);

    cloud
        .stop_server(os_call("default", id.clone()))
        .await
        .unwrap();
    assert_eq!(
        status_of(&cloud, &id).await,
        (
            ServerStatus::Active,
            "active".to_owned(),
            Some("powering-off".to_owned())
        )
    );
    settle();
    assert_eq!(
        status_of(&cloud, &id).await,
        (ServerStatus::Shutoff, "stopped".to_owned(), None)
    );
    assert_eq!(show(&cloud, &id).await.unwrap().power_state, 4);

    cloud
        .start_server(os_call("default", id.clone()))
        .await
        .unwrap();
    assert_eq!(
        status_of(&cloud, &id).await,
        (
            ServerStatus::Shutoff,
            "stopped".to_owned(),
            Some("powering-on".to_owned())
        )
    );
    settle();
    assert_eq!(status_of(&cloud, &id).await, active);

    for (reboot_type, status, task) in [
        (os::RebootType::Soft, ServerStatus::Reboot, "rebooting"),
        (
            os::RebootType::Hard,
            ServerStatus::HardReboot,
            "rebooting_hard",
        ),
    ] {
        let reboot = os::RebootServer {
            server_id: id.clone(),
            reboot_type,
        };
        cloud
            .reboot_server(os_call("default", reboot))
            .await
            .unwrap();
        assert_eq!(
            status_of(&cloud, &id).await,
            (status, "active".to_owned(), Some(task.to_owned()))
        );
        settle();
        assert_eq!(status_of(&cloud, &id).await, active);
    }

    let before_delete = START + Duration::seconds(20);
    cloud
        .delete_server(os_call("default", id.clone()))
        .await
        .unwrap();
    assert_eq!(
        status_of(&cloud, &id).await,
        (
            ServerStatus::Active,
            "active".to_owned(),
            Some("deleting".to_owned())
        )
    );
    settle();
    assert_eq!(
        show(&cloud, &id).await.unwrap_err().status(),
        StatusCode::NOT_FOUND
    );
    assert!(
        list(&cloud, os::ServerQuery::default())
            .await
            .unwrap()
            .is_empty()
    );
    let changed = list(
        &cloud,
        os::ServerQuery {
            changes_since: Some(before_delete),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(changed.len(), 1);
    assert_eq!(changed[0].status, ServerStatus::Deleted);
    assert_eq!(changed[0].vm_state, "deleted");
    assert_eq!(
        ec2_instances(&cloud, "default").await[0].state,
        InstanceStateName::Terminated
    );
}

#[tokio::test]
async fn actions_in_the_wrong_state_are_conflicts_worded_as_nova_words_them() {
    let (cloud, clock) = slow_cloud();
    let id = create_in(&cloud, "default", "web").await.id;
    let stop = |id: &str| cloud.stop_server(os_call("default", id.to_owned()));

    assert_eq!(
        stop(&id).await.unwrap_err(),
        Fault::conflict(format!(
            "Cannot 'stop' instance {id} while it is in task_state spawning"
        ))
    );
    clock.advance(Duration::seconds(5));
    let start = cloud.start_server(os_call("default", id.clone())).await;
    assert_eq!(
        start.unwrap_err(),
        Fault::conflict(format!(
            "Cannot 'start' instance {id} while it is in vm_state active"
        ))
    );
    let confirm = cloud.confirm_resize(os_call("default", id.clone())).await;
    assert_eq!(
        confirm.unwrap_err(),
        Fault::conflict(format!(
            "Cannot 'confirmResize' instance {id} while it is in vm_state active"
        ))
    );
    stop(&id).await.unwrap();
    clock.advance(Duration::seconds(5));
    assert_eq!(
        stop(&id).await.unwrap_err(),
        Fault::conflict(format!(
            "Cannot 'stop' instance {id} while it is in vm_state stopped"
        ))
    );
    let password = os::ChangePassword {
        server_id: id.clone(),
        admin_pass: "secret-secret".into(),
    };
    assert_eq!(
        cloud
            .change_password(os_call("default", password))
            .await
            .unwrap_err()
            .status(),
        StatusCode::CONFLICT
    );
    let soft = os::RebootServer {
        server_id: id.clone(),
        reboot_type: os::RebootType::Soft,
    };
    assert_eq!(
        cloud
            .reboot_server(os_call("default", soft))
            .await
            .unwrap_err(),
        Fault::conflict(format!(
            "Cannot 'reboot' instance {id} while it is in vm_state stopped"
        ))
    );
}

#[tokio::test]
async fn a_resize_waits_for_confirmation_and_a_revert_restores_the_flavor() {
    let (cloud, clock) = slow_cloud();
    let id = create_in(&cloud, "default", "web").await.id;
    clock.advance(Duration::seconds(5));
    let resize = |flavor: &str| {
        cloud.resize_server(os_call(
            "default",
            os::ResizeServer {
                server_id: id.clone(),
                flavor_ref: flavor.into(),
            },
        ))
    };

    assert_eq!(
        resize("t3.micro").await.unwrap_err(),
        Fault::bad_request("When resizing, instances must change flavor!")
    );
    assert_eq!(
        resize("t9.huge").await.unwrap_err(),
        Fault::bad_request("Flavor t9.huge could not be found.")
    );
    resize("t3.small").await.unwrap();
    assert_eq!(
        status_of(&cloud, &id).await,
        (
            ServerStatus::Resize,
            "active".to_owned(),
            Some("resize_migrating".to_owned())
        )
    );
    clock.advance(Duration::seconds(5));
    assert_eq!(
        status_of(&cloud, &id).await,
        (ServerStatus::VerifyResize, "resized".to_owned(), None)
    );
    assert_eq!(show(&cloud, &id).await.unwrap().flavor.id, "t3.small");
    cloud
        .confirm_resize(os_call("default", id.clone()))
        .await
        .unwrap();
    assert_eq!(
        status_of(&cloud, &id).await,
        (ServerStatus::Active, "active".to_owned(), None)
    );
    assert_eq!(
        ec2_instances(&cloud, "default").await[0]
            .instance_type
            .to_string(),
        "t3.small"
    );

    resize("m5.large").await.unwrap();
    clock.advance(Duration::seconds(5));
    cloud
        .revert_resize(os_call("default", id.clone()))
        .await
        .unwrap();
    assert_eq!(
        status_of(&cloud, &id).await,
        (
            ServerStatus::RevertResize,
            "resized".to_owned(),
            Some("resize_reverting".to_owned())
        )
    );
    clock.advance(Duration::seconds(5));
    let server = show(&cloud, &id).await.unwrap();
    assert_eq!(server.status, ServerStatus::Active);
    assert_eq!(server.flavor.id, "t3.small");
}

#[tokio::test]
async fn a_rebuild_changes_image_name_and_metadata_and_answers_a_new_password() {
    let (cloud, clock) = slow_cloud();
    let id = create_in(&cloud, "default", "web").await.id;
    clock.advance(Duration::seconds(5));
    let images = cloud
        .list_images(os_call("default", os::ImageQuery::default()))
        .await
        .unwrap();
    let other_image = images
        .iter()
        .find(|image| image.name.contains("x86_64") && image.name.starts_with("ubuntu"))
        .map(|image| image.id.clone())
        .unwrap_or_else(|| images.last().unwrap().id.clone());
    let rebuild = os::RebuildServer {
        server_id: id.clone(),
        image_ref: other_image.clone(),
        name: Some("rebuilt".into()),
        metadata: Some(BTreeMap::from([("role".into(), "db".into())])),
        admin_pass: Some("chosen-password".into()),
        ..Default::default()
    };
    let server = cloud
        .rebuild_server(os_call("default", rebuild))
        .await
        .unwrap();
    assert_eq!(server.status, ServerStatus::Rebuild);
    assert_eq!(server.name, "rebuilt");
    assert_eq!(server.image_id.as_deref(), Some(other_image.as_str()));
    assert_eq!(server.admin_pass.as_deref(), Some("chosen-password"));
    assert_eq!(server.metadata["role"], "db");
    clock.advance(Duration::seconds(5));
    assert_eq!(
        status_of(&cloud, &id).await,
        (ServerStatus::Active, "active".to_owned(), None)
    );
}

#[tokio::test]
async fn create_server_refuses_what_nova_refuses() {
    let cloud = FakeCloud::builder()
        .clock(std::sync::Arc::new(crate::core::ManualClock::new(START)))
        .instance_limit(2)
        .build();
    let refusal = |edit: fn(&mut os::CreateServer)| {
        let cloud = cloud.clone();
        async move {
            let mut input = server_input(&cloud, "web").await;
            edit(&mut input);
            cloud
                .create_server(os_call("default", input))
                .await
                .unwrap_err()
        }
    };
    assert_eq!(
        refusal(|input| input.image_ref = Some("ami-0123456789abcdef0".into())).await,
        Fault::bad_request("Can not find requested image")
    );
    assert_eq!(
        refusal(|input| input.flavor_ref = "x9.tiny".into()).await,
        Fault::bad_request("Flavor x9.tiny could not be found.")
    );
    assert_eq!(
        refusal(|input| input.key_name = Some("missing".into())).await,
        Fault::bad_request("Invalid key_name provided.")
    );
    assert_eq!(
        refusal(|input| input.user_data = Some("not base64!".into())).await,
        Fault::bad_request("User data needs to be valid base 64.")
    );
    assert_eq!(
        refusal(|input| {
            input.min_count = 3;
            input.max_count = 3;
        })
        .await,
        Fault::forbidden(
            "Quota exceeded for instances: Requested 3, but already used 0 of 2 instances"
        )
    );

    let mut many = server_input(&cloud, "web").await;
    many.min_count = 1;
    many.max_count = 5;
    cloud.create_server(os_call("default", many)).await.unwrap();
    let servers = list(&cloud, os::ServerQuery::default()).await.unwrap();
    assert_eq!(names(&servers), vec!["web-2", "web-1"]);
}

#[tokio::test]
async fn create_server_keeps_metadata_user_data_and_access_addresses() {
    let cloud = quick_cloud();
    let mut input = server_input(&cloud, "web").await;
    input.metadata = BTreeMap::from([("role".into(), "web".into())]);
    input.user_data = Some("IyEvYmluL3NoCg==".into());
    input.access_ipv4 = Some("203.0.113.7".into());
    input.description = Some("front end".into());
    input.availability_zone = Some("us-east-1b".into());
    input.networks = os::NetworkRequest::None;
    let id = cloud
        .create_server(os_call("default", input))
        .await
        .unwrap()
        .server
        .id;
    let server = show(&cloud, &id).await.unwrap();
    assert_eq!(server.metadata["role"], "web");
    assert_eq!(
        server.host_attributes.user_data.as_deref(),
        Some("IyEvYmluL3NoCg==")
    );
    assert_eq!(server.access_ipv4, "203.0.113.7");
    assert_eq!(server.description.as_deref(), Some("front end"));
    assert_eq!(server.availability_zone, "us-east-1b");
    assert!(server.addresses.is_empty());
}

#[tokio::test]
async fn update_renames_the_instance_ec2_sees() {
    let cloud = quick_cloud();
    let id = create_in(&cloud, "default", "web").await.id;
    let update = os::UpdateServer {
        server_id: id.clone(),
        name: Some("api".into()),
        description: Some(Some("the API".into())),
        access_ipv6: Some("2001:db8::7".into()),
        ..Default::default()
    };
    let server = cloud
        .update_server(os_call("default", update))
        .await
        .unwrap();
    assert_eq!(server.name, "api");
    assert_eq!(server.description.as_deref(), Some("the API"));
    assert_eq!(server.access_ipv6, "2001:db8::7");
    let instance = &ec2_instances(&cloud, "default").await[0];
    assert_eq!(instance.tags[0].value.to_string(), "api");
}

#[tokio::test]
async fn server_metadata_is_set_merged_deleted_and_limited() {
    let cloud = quick_cloud();
    let id = create_in(&cloud, "default", "web").await.id;
    let set = |items: &[(&str, &str)], replace: bool| {
        cloud.set_server_metadata(os_call(
            "default",
            os::SetServerMetadata {
                server_id: id.clone(),
                metadata: items
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect(),
                replace,
            },
        ))
    };
    set(&[("a", "1"), ("b", "2")], true).await.unwrap();
    let merged = set(&[("b", "3"), ("c", "4")], false).await.unwrap();
    assert_eq!(
        merged,
        BTreeMap::from([
            ("a".to_owned(), "1".to_owned()),
            ("b".to_owned(), "3".to_owned()),
            ("c".to_owned(), "4".to_owned()),
        ])
    );
    let replaced = set(&[("z", "9")], true).await.unwrap();
    assert_eq!(replaced.len(), 1);
    let key = |key: &str| os::ServerMetadataKey {
        server_id: id.clone(),
        key: key.into(),
    };
    cloud
        .delete_server_metadata(os_call("default", key("z")))
        .await
        .unwrap();
    assert_eq!(
        cloud
            .delete_server_metadata(os_call("default", key("z")))
            .await
            .unwrap_err(),
        Fault::not_found("Metadata item was not found")
    );
    let too_many: Vec<(String, String)> = (0..129)
        .map(|n| (format!("k{n}"), "v".to_owned()))
        .collect();
    let too_many: Vec<(&str, &str)> = too_many
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    assert_eq!(
        set(&too_many, true).await.unwrap_err(),
        Fault::forbidden("Maximum number of metadata items exceeds 128")
    );
    let metadata = cloud
        .server_metadata(os_call("default", id.clone()))
        .await
        .unwrap();
    assert!(metadata.is_empty());
}

#[tokio::test]
async fn lists_are_newest_first_filtered_and_paged_by_marker() {
    let cloud = quick_cloud();
    let mut ids = Vec::new();
    for name in ["alpha", "beta", "gamma", "alpine"] {
        ids.push(create_in(&cloud, "default", name).await.id);
    }
    let all = list(&cloud, os::ServerQuery::default()).await.unwrap();
    assert_eq!(names(&all), vec!["alpine", "gamma", "beta", "alpha"]);
    let query = |name: &str| os::ServerQuery {
        name: Some(name.into()),
        ..Default::default()
    };
    let al = list(&cloud, query("al")).await.unwrap();
    assert_eq!(names(&al), vec!["alpine", "alpha"]);
    let anchored = list(&cloud, query("^alp")).await.unwrap();
    assert_eq!(names(&anchored), vec!["alpine", "alpha"]);
    let exact = list(&cloud, query("^beta$")).await.unwrap();
    assert_eq!(names(&exact), vec!["beta"]);
    let page = list(
        &cloud,
        os::ServerQuery {
            marker: Some(ids[2].clone()),
            limit: Some(1),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(names(&page), vec!["beta"]);
    let flavor = list(
        &cloud,
        os::ServerQuery {
            flavor: Some("t2.micro".into()),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert!(flavor.is_empty());
    let shutoff = list(
        &cloud,
        os::ServerQuery {
            status: Some(ServerStatus::Shutoff),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert!(shutoff.is_empty());
    let unknown = list(
        &cloud,
        os::ServerQuery {
            marker: Some("nope".into()),
            ..Default::default()
        },
    )
    .await
    .unwrap_err();
    assert_eq!(unknown, Fault::bad_request("marker [nope] not found"));
}

#[tokio::test]
async fn lists_sort_by_any_key_in_either_direction_and_page_in_that_order() {
    use os::{ServerSort, ServerSortKey, SortDir};
    let cloud = quick_cloud();
    let mut ids = Vec::new();
    for name in ["gamma", "alpha", "delta", "beta"] {
        ids.push(create_in(&cloud, "default", name).await.id);
    }
    let by = |key, dir, marker: Option<&String>, limit| os::ServerQuery {
        sort: vec![
            ServerSort { key, dir },
            ServerSort {
                key: ServerSortKey::CreatedAt,
                dir,
            },
            ServerSort {
                key: ServerSortKey::Uuid,
                dir,
            },
        ],
        marker: marker.cloned(),
        limit,
        ..Default::default()
    };
    let ascending = list(
        &cloud,
        by(ServerSortKey::DisplayName, SortDir::Asc, None, None),
    )
    .await
    .unwrap();
    assert_eq!(names(&ascending), vec!["alpha", "beta", "delta", "gamma"]);
    let descending = list(
        &cloud,
        by(ServerSortKey::DisplayName, SortDir::Desc, None, None),
    )
    .await
    .unwrap();
    assert_eq!(names(&descending), vec!["gamma", "delta", "beta", "alpha"]);
    // The marker is the last server of the page before, in the order asked for.
    let page = list(
        &cloud,
        by(
            ServerSortKey::DisplayName,
            SortDir::Asc,
            Some(&ids[3]),
            Some(2),
        ),
    )
    .await
    .unwrap();
    assert_eq!(names(&page), vec!["delta", "gamma"]);
    let oldest_first = list(
        &cloud,
        by(ServerSortKey::CreatedAt, SortDir::Asc, None, None),
    )
    .await
    .unwrap();
    let listed: Vec<_> = oldest_first
        .iter()
        .map(|server| (server.created, server.id.clone()))
        .collect();
    let mut expected = listed.clone();
    expected.sort();
    assert_eq!(listed, expected);
    assert_eq!(listed.len(), 4);
    let unknown = list(
        &cloud,
        by(
            ServerSortKey::DisplayName,
            SortDir::Asc,
            Some(&"nope".to_owned()),
            None,
        ),
    )
    .await
    .unwrap_err();
    assert_eq!(unknown, Fault::bad_request("marker [nope] not found"));
}

#[tokio::test]
async fn another_projects_resources_answer_exactly_like_missing_ones() {
    let cloud = quick_cloud();
    let theirs = create_in(&cloud, "other", "theirs").await.id;
    let missing = "00000000-0000-4000-8000-000000000000";
    for id in [theirs.as_str(), missing] {
        assert_eq!(
            show(&cloud, id).await.unwrap_err(),
            Fault::not_found(format!("Instance {id} could not be found."))
        );
        assert_eq!(
            cloud
                .delete_server(os_call("default", id.to_owned()))
                .await
                .unwrap_err(),
            Fault::not_found(format!("Instance {id} could not be found."))
        );
    }
    assert!(
        list(&cloud, os::ServerQuery::default())
            .await
            .unwrap()
            .is_empty()
    );

    cloud
        .create_keypair(os_call(
            "other",
            os::CreateKeyPair {
                name: "theirs".into(),
                public_key: Some(ED25519_PUBLIC_KEY.into()),
                ..Default::default()
            },
        ))
        .await
        .unwrap();
    let keypair = os::KeyPairRef {
        name: "theirs".into(),
        user_id: None,
    };
    assert_eq!(
        cloud
            .show_keypair(os_call("default", keypair))
            .await
            .unwrap_err(),
        Fault::not_found("Keypair theirs not found for user default-user")
    );

    let image_id = ComputeController::create_image(
        &cloud,
        os_call(
            "other",
            os::CreateImage {
                server_id: theirs.clone(),
                name: "their-image".into(),
                ..Default::default()
            },
        ),
    )
    .await
    .unwrap();
    for id in [image_id.as_str(), "ami-0123456789abcdef0"] {
        assert_eq!(
            cloud
                .show_image(os_call("default", id.to_owned()))
                .await
                .unwrap_err(),
            Fault::not_found("Image not found.")
        );
    }
}

#[tokio::test]
async fn servers_are_found_by_uuid_among_a_hundred_thousand_instances() {
    let cloud = quick_cloud();
    cloud.seed_instances("bench", "us-east-1", 100_000);
    let ours = create_in(&cloud, "default", "needle").await.id;
    let started = std::time::Instant::now();
    for _ in 0..100 {
        assert_eq!(show(&cloud, &ours).await.unwrap().name, "needle");
    }
    assert!(started.elapsed() < std::time::Duration::from_secs(2));
    let listed = list(&cloud, os::ServerQuery::default()).await.unwrap();
    assert_eq!(names(&listed), vec!["needle"]);
}

#[tokio::test]
async fn save_and_restore_keep_server_ids_and_nova_data() {
    let cloud = quick_cloud();
    let mut input = server_input(&cloud, "web").await;
    input.metadata = BTreeMap::from([("role".into(), "web".into())]);
    let id = cloud
        .create_server(os_call("default", input))
        .await
        .unwrap()
        .server
        .id;
    let saved = serde_json::to_string(&cloud.save()).unwrap();
    cloud.reset();
    assert!(show(&cloud, &id).await.is_err());
    cloud.restore(serde_json::from_str(&saved).unwrap());
    let server = show(&cloud, &id).await.unwrap();
    assert_eq!(server.name, "web");
    assert_eq!(server.metadata["role"], "web");
}

// Images, flavors, key pairs, limits.

#[tokio::test]
async fn create_image_takes_any_name_nova_takes_twice_over() {
    let cloud = quick_cloud();
    let id = create_in(&cloud, "default", "web").await.id;
    let long = "s".repeat(255);
    let mut made = Vec::new();
    for name in ["x", "nightly: web ü", "nightly: web ü", long.as_str()] {
        let input = os::CreateImage {
            server_id: id.clone(),
            name: name.into(),
            metadata: BTreeMap::new(),
        };
        let image_id = ComputeController::create_image(&cloud, os_call("default", input))
            .await
            .unwrap();
        made.push(image_id);
    }

    let first = cloud
        .show_image(os_call("default", made[1].clone()))
        .await
        .unwrap();
    let second = cloud
        .show_image(os_call("default", made[2].clone()))
        .await
        .unwrap();
    assert_eq!(first.name, "nightly: web ü");
    assert_eq!(second.name, "nightly: web ü");
    assert_ne!(made[1], made[2]);
}

#[tokio::test]
async fn create_image_makes_an_ami_ec2_describes_and_only_its_owner_deletes() {
    let cloud = quick_cloud();
    let id = create_in(&cloud, "default", "web").await.id;
    let image_id = ComputeController::create_image(
        &cloud,
        os_call(
            "default",
            os::CreateImage {
                server_id: id.clone(),
                name: "web-snapshot".into(),
                metadata: BTreeMap::from([("purpose".into(), "backup".into())]),
            },
        ),
    )
    .await
    .unwrap();
    assert!(image_id.starts_with("ami-"));
    let described = cloud
        .describe_images(call(DescribeImagesInput {
            image_ids: vec![image_id.clone()],
            ..Default::default()
        }))
        .await
        .unwrap();
    assert_eq!(described.images[0].name.as_deref(), Some("web-snapshot"));

    let image = cloud
        .show_image(os_call("default", image_id.clone()))
        .await
        .unwrap();
    assert_eq!(image.name, "web-snapshot");
    assert_eq!(image.status, os::ImageStatus::Active);
    assert_eq!(image.owner, "default");
    assert_eq!(image.visibility, os::ImageVisibility::Private);
    assert_eq!(image.server_id.as_deref(), Some(id.as_str()));
    assert_eq!(image.metadata["purpose"], "backup");
    assert_eq!(image.metadata["image_type"], "snapshot");
    let snapshots = cloud
        .list_images(os_call(
            "default",
            os::ImageQuery {
                server: Some(id.clone()),
                ..Default::default()
            },
        ))
        .await
        .unwrap();
    assert_eq!(snapshots.len(), 1);
    let all = cloud
        .list_images(os_call("default", os::ImageQuery::default()))
        .await
        .unwrap();
    assert_eq!(all[0].id, image_id);
    assert_eq!(all.len(), 7);
    let by_ids = cloud
        .list_images(os_call(
            "default",
            os::ImageQuery {
                ids: Some(vec![image_id.clone(), all[1].id.clone()]),
                ..Default::default()
            },
        ))
        .await
        .unwrap();
    assert_eq!(by_ids.len(), 2);

    let catalog_id = catalog_image(&cloud).await;
    assert_eq!(
        cloud
            .delete_image(os_call("default", catalog_id))
            .await
            .unwrap_err(),
        Fault::forbidden("You are not allowed to delete the image.")
    );
    cloud
        .delete_image(os_call("default", image_id.clone()))
        .await
        .unwrap();
    assert_eq!(
        cloud
            .show_image(os_call("default", image_id))
            .await
            .unwrap_err(),
        Fault::not_found("Image not found.")
    );
}

#[tokio::test]
async fn flavors_are_the_instance_types_filtered_and_paged() {
    let cloud = quick_cloud();
    let flavors = |query: os::FlavorQuery| cloud.list_flavors(os_call("default", query));
    let all = flavors(os::FlavorQuery::default()).await.unwrap();
    assert_eq!(all.len(), instances::instance_types().count());
    assert!(all.windows(2).all(|pair| pair[0].id < pair[1].id));
    let big = flavors(os::FlavorQuery {
        min_ram: Some(600_000),
        ..Default::default()
    })
    .await
    .unwrap();
    let big: Vec<(&str, u64)> = big.iter().map(|f| (f.id.as_str(), f.ram)).collect();
    assert_eq!(
        big,
        vec![
            ("r5.24xlarge", 786_432),
            ("r6g.24xlarge", 786_432),
            ("r6i.24xlarge", 786_432)
        ]
    );
    let page = flavors(os::FlavorQuery {
        marker: Some("t3.micro".into()),
        limit: Some(2),
        ..Default::default()
    })
    .await
    .unwrap();
    let page: Vec<&str> = page.iter().map(|f| f.id.as_str()).collect();
    assert_eq!(page, vec!["t3.nano", "t3.small"]);
    assert!(
        flavors(os::FlavorQuery {
            is_public: Some(false),
            ..Default::default()
        })
        .await
        .unwrap()
        .is_empty()
    );
    let micro = cloud
        .show_flavor(os_call("default", "t2.micro".to_owned()))
        .await
        .unwrap();
    assert_eq!((micro.vcpus, micro.ram, micro.disk), (1, 1024, 8));
    assert_eq!(
        cloud
            .show_flavor(os_call("default", "m9.mega".to_owned()))
            .await
            .unwrap_err(),
        Fault::not_found("Flavor m9.mega could not be found.")
    );
}

#[tokio::test]
async fn key_pairs_are_shared_with_ec2_both_ways() {
    let cloud = quick_cloud();
    let created = cloud
        .create_keypair(os_call(
            "default",
            os::CreateKeyPair {
                name: "generated".into(),
                ..Default::default()
            },
        ))
        .await
        .unwrap();
    assert!(created.public_key.starts_with("ssh-rsa "));
    assert!(
        created
            .private_key
            .as_deref()
            .unwrap()
            .contains("PRIVATE KEY")
    );
    assert_eq!(created.key_type, "ssh");
    assert_eq!(created.user_id, "default-user");

    let described = cloud
        .describe_key_pairs(call(DescribeKeyPairsInput::default()))
        .await
        .unwrap();
    assert_eq!(described.key_pairs[0].key_name, "generated");
    assert_eq!(described.key_pairs[0].key_fingerprint, created.fingerprint);

    let material = ED25519_PUBLIC_KEY.as_bytes().to_vec();
    let imported = cloud
        .import_key_pair(call(ImportKeyPairInput {
            key_name: "from-ec2".into(),
            public_key_material: material,
            tag_specifications: vec![],
        }))
        .await
        .unwrap();
    let shown = cloud
        .show_keypair(os_call(
            "default",
            os::KeyPairRef {
                name: "from-ec2".into(),
                user_id: None,
            },
        ))
        .await
        .unwrap();
    assert_eq!(shown.fingerprint, imported.key_fingerprint);
    assert!(
        shown
            .public_key
            .starts_with("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5")
    );
    assert_eq!(shown.private_key, None);

    let duplicate = cloud
        .create_keypair(os_call(
            "default",
            os::CreateKeyPair {
                name: "from-ec2".into(),
                public_key: Some(ED25519_PUBLIC_KEY.into()),
                ..Default::default()
            },
        ))
        .await
        .unwrap_err();
    assert_eq!(
        duplicate,
        Fault::conflict("Key pair 'from-ec2' already exists.")
    );
    let invalid = cloud
        .create_keypair(os_call(
            "default",
            os::CreateKeyPair {
                name: "bad".into(),
                public_key: Some("ssh-rsa not-a-key".into()),
                ..Default::default()
            },
        ))
        .await
        .unwrap_err();
    assert_eq!(invalid.status(), StatusCode::BAD_REQUEST);

    let listed = cloud
        .list_keypairs(os_call("default", os::KeyPairQuery::default()))
        .await
        .unwrap();
    let listed: Vec<&str> = listed.iter().map(|k| k.name.as_str()).collect();
    assert_eq!(listed, vec!["from-ec2", "generated"]);

    let mut input = server_input(&cloud, "keyed").await;
    input.key_name = Some("from-ec2".into());
    let server = cloud
        .create_server(os_call("default", input))
        .await
        .unwrap()
        .server;
    assert_eq!(server.key_name.as_deref(), Some("from-ec2"));

    let reference = || os::KeyPairRef {
        name: "generated".into(),
        user_id: None,
    };
    cloud
        .delete_keypair(os_call("default", reference()))
        .await
        .unwrap();
    assert_eq!(
        cloud
            .delete_keypair(os_call("default", reference()))
            .await
            .unwrap_err(),
        Fault::not_found("Keypair generated not found for user default-user")
    );
    let described = cloud
        .describe_key_pairs(call(DescribeKeyPairsInput::default()))
        .await
        .unwrap();
    assert_eq!(described.key_pairs.len(), 1);
}

#[tokio::test]
async fn limits_show_the_quotas_and_the_projects_use_of_them() {
    let cloud = quick_cloud();
    create_in(&cloud, "default", "one").await;
    let mut bigger = server_input(&cloud, "two").await;
    bigger.flavor_ref = "m5.large".into();
    cloud
        .create_server(os_call("default", bigger))
        .await
        .unwrap();
    create_in(&cloud, "other", "theirs").await;
    cloud
        .allocate_address(call(AllocateAddressInput::default()))
        .await
        .unwrap();

    let limits = cloud.limits(os_call("default", ())).await.unwrap();
    let absolute = limits.absolute;
    assert_eq!(absolute.max_total_instances, 20);
    assert_eq!(absolute.total_instances_used, 2);
    assert_eq!(absolute.total_cores_used, 4);
    assert_eq!(absolute.total_ram_used, 1024 + 8192);
    assert_eq!(absolute.max_server_meta, 128);
    assert_eq!(absolute.max_total_keypairs, 5000);
    assert_eq!(absolute.max_total_floating_ips, 5);
    assert_eq!(absolute.total_floating_ips_used, 1);
    assert_eq!(absolute.total_security_groups_used, 1);
    assert!(limits.rate.is_empty());
}

// Version 1.0 resources.

#[tokio::test]
async fn backup_schedules_are_disabled_until_set_and_after_deletion() {
    let cloud = quick_cloud();
    let id = create_in(&cloud, "default", "web").await.id;
    let schedule = || cloud.backup_schedule(os_call("default", id.clone()));
    assert_eq!(schedule().await.unwrap(), os::BackupSchedule::default());
    let wanted = os::BackupSchedule {
        enabled: true,
        weekly: os::WeeklyBackup::Thursday,
        daily: os::DailyBackup(Some(4)),
    };
    cloud
        .set_backup_schedule(os_call(
            "default",
            os::SetBackupSchedule {
                server_id: id.clone(),
                schedule: wanted,
            },
        ))
        .await
        .unwrap();
    assert_eq!(schedule().await.unwrap(), wanted);
    cloud
        .delete_backup_schedule(os_call("default", id.clone()))
        .await
        .unwrap();
    assert_eq!(schedule().await.unwrap(), os::BackupSchedule::default());
    let missing = cloud
        .backup_schedule(os_call("other", id.clone()))
        .await
        .unwrap_err();
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn shared_ip_groups_are_numbered_per_project_and_hold_servers() {
    let cloud = quick_cloud();
    let id = create_in(&cloud, "default", "web").await.id;
    let create = |server: Option<String>| {
        cloud.create_shared_ip_group(os_call(
            "default",
            os::CreateSharedIpGroup {
                name: "group".into(),
                server,
            },
        ))
    };
    let first = create(Some(id.clone())).await.unwrap();
    assert_eq!(first.id, 1);
    assert_eq!(first.servers, vec![id.clone()]);
    assert_eq!(create(None).await.unwrap().id, 2);
    let unknown = create(Some("nope".into())).await.unwrap_err();
    assert_eq!(
        unknown,
        Fault::not_found("Instance nope could not be found.")
    );
    let listed = cloud
        .list_shared_ip_groups(os_call("default", ()))
        .await
        .unwrap();
    assert_eq!(listed.len(), 2);
    assert!(
        cloud
            .list_shared_ip_groups(os_call("other", ()))
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        cloud
            .show_shared_ip_group(os_call("other", 1))
            .await
            .unwrap_err(),
        Fault::not_found("Shared IP group 1 could not be found.")
    );
    cloud
        .delete_shared_ip_group(os_call("default", 1))
        .await
        .unwrap();
    assert_eq!(
        cloud
            .delete_shared_ip_group(os_call("default", 1))
            .await
            .unwrap_err(),
        Fault::not_found("Shared IP group 1 could not be found.")
    );
}

#[tokio::test]
async fn an_instance_type_set_through_ec2_settles_an_unconfirmed_resize() {
    let (cloud, clock) = slow_cloud();
    let id = create_in(&cloud, "default", "web").await.id;
    clock.advance(Duration::seconds(5));
    cloud
        .resize_server(os_call(
            "default",
            os::ResizeServer {
                server_id: id.clone(),
                flavor_ref: "t3.small".into(),
            },
        ))
        .await
        .unwrap();
    clock.advance(Duration::seconds(5));
    let instance_id = ec2_instances(&cloud, "default").await[0]
        .instance_id
        .to_string();
    cloud
        .stop_instances(call_as(
            "default",
            StopInstancesInput {
                instance_ids: vec![instance_id.clone()],
                ..Default::default()
            },
        ))
        .await
        .unwrap();
    clock.advance(Duration::seconds(5));
    cloud
        .modify_instance_attribute(call_as(
            "default",
            ModifyInstanceAttributeInput {
                instance_id,
                instance_type: Some("t3.large".into()),
                ..Default::default()
            },
        ))
        .await
        .unwrap();
    let server = show(&cloud, &id).await.unwrap();
    assert_eq!(server.flavor.id, "t3.large");
    assert_eq!(server.status, ServerStatus::Shutoff);
    let refused = cloud
        .revert_resize(os_call("default", id.clone()))
        .await
        .unwrap_err();
    assert_eq!(refused.status(), http::StatusCode::CONFLICT);
    assert_eq!(show(&cloud, &id).await.unwrap().flavor.id, "t3.large");
}
