//! The fake cloud as a [`ComputeController`]: the Compute API over the same state EC2
//! serves, so a server is an instance, a flavor an instance type, an image an AMI and a
//! key pair the project's EC2 key pair.
//!
//! - **Server ids** are UUIDs every instance gets at launch, whichever API launched it,
//!   indexed per region; the EC2 id `i-…` is not a server id, as it is not in Nova.
//! - **Names** are the instance's `Name` tag (the instance id when it has none), so a
//!   rename shows in both APIs. Nova's **metadata** is kept apart from the tags: the two
//!   differ in limits and reserved keys.
//! - **Status** follows the EC2 state and the task under way, as Nova reports them:
//!
//!   | EC2 state / task           | status          | vm_state   | task_state       | power |
//!   |----------------------------|-----------------|------------|------------------|-------|
//!   | pending (first launch)     | `BUILD`         | building   | spawning         | 0     |
//!   | pending (a start)          | `SHUTOFF`       | stopped    | powering-on      | 4     |
//!   | running                    | `ACTIVE`        | active     | –                | 1     |
//!   | running, rebooting         | `REBOOT`        | active     | rebooting        | 1     |
//!   | running, rebooting hard    | `HARD_REBOOT`   | active     | rebooting_hard   | 1     |
//!   | rebuilding                 | `REBUILD`       | active     | rebuilding       | 1     |
//!   | resizing                   | `RESIZE`        | active     | resize_migrating | 1     |
//!   | resized, not confirmed     | `VERIFY_RESIZE` | resized    | –                | 1 / 4 |
//!   | reverting a resize         | `REVERT_RESIZE` | resized    | resize_reverting | 1 / 4 |
//!   | stopping                   | `ACTIVE`        | active     | powering-off     | 1     |
//!   | stopped                    | `SHUTOFF`       | stopped    | –                | 4     |
//!   | shutting-down              | `ACTIVE`        | active     | deleting         | 1     |
//!   | terminated                 | `DELETED`       | deleted    | –                | 0     |
//!
//!   Tasks last the transition delay. Terminated servers are listed only to
//!   `changes-since` (or `status=DELETED`) queries and are otherwise not found.
//! - **Addresses**: the private address on network `private` (`fixed`) and the public or
//!   Elastic IP address on the same network (`floating`).
//! - The region is the context's, or the cloud's default region.
//!
//! # Limitations
//!
//! - Key pairs belong to the project, as in EC2, not to the user as in Nova: a `user_id`
//!   an administrator names is not looked at. Only `ssh` key pairs exist.
//! - `networks` other than `none` all mean the project's default network; `none` keeps
//!   the private address EC2 shows but the server lists no address.
//! - Quotas count pending and running instances, as the fake's EC2 instance quota does;
//!   cores and RAM are unlimited.

use std::collections::BTreeMap;

use async_trait::async_trait;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use sha2::{Digest, Sha224};
use time::OffsetDateTime;

use crate::ec2::controller::{CloudController, Ec2Call};
use crate::ec2::error::{Ec2Error, ErrorCode};
use crate::ec2::model::{
    CreateImageInput, InstanceStateName, MetadataOptionsRequest, NetworkInterfaceSpecification,
    RunInstancesInput, Text, UserData,
};
use crate::openstack::controller::{ComputeCall, ComputeController};
use crate::openstack::fault::Fault;
use crate::openstack::model::*;

use super::compute_catalog as catalog;
use super::images;
use super::instances::{self, Change};
use super::regions;
use super::state::{InstanceRecord, RegionState, ServerTask, TaskKind};
use super::volumes::{self, Moment};
use super::{FakeCloud, Scope, ids};

/// Nova's default `maxServerMeta`.
pub(super) const MAX_SERVER_META: usize = 128;

/// At most this many servers in one list, as Nova's `max_limit`.
const MAX_LIMIT: usize = 1000;

/// The characters of a generated administrator password: no look-alikes, as Nova's.
const PASSWORD_ALPHABET: &[u8] = b"23456789abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ";

/// How Nova sees an instance at one moment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct NovaState {
    pub(super) status: ServerStatus,
    pub(super) vm_state: &'static str,
    pub(super) task_state: Option<&'static str>,
    pub(super) power_state: u8,
}

impl NovaState {
    const fn new(
        status: ServerStatus,
        vm_state: &'static str,
        task_state: Option<&'static str>,
        power_state: u8,
    ) -> Self {
        NovaState {
            status,
            vm_state,
            task_state,
            power_state,
        }
    }
}

/// The Nova state of `record` at `moment` (see the module's table).
pub(super) fn nova_state(record: &InstanceRecord, moment: Moment) -> NovaState {
    use InstanceStateName as S;
    use ServerStatus as Status;
    let task = record
        .server
        .task
        .as_ref()
        .filter(|task| moment.now - task.started_at < moment.delay)
        .map(|task| task.kind);
    let state = record.state_at(moment.now, moment.delay);
    let restarted = record
        .server
        .created_at
        .is_some_and(|created| record.launch_time > created);
    match state {
        S::Terminated => NovaState::new(Status::Deleted, "deleted", None, 0),
        S::ShuttingDown => NovaState::new(Status::Active, "active", Some("deleting"), 1),
        S::Stopping => NovaState::new(Status::Active, "active", Some("powering-off"), 1),
        S::Pending if restarted => {
            NovaState::new(Status::Shutoff, "stopped", Some("powering-on"), 4)
        }
        S::Pending => NovaState::new(Status::Build, "building", Some("spawning"), 0),
        S::Running | S::Stopped => {
            let running = state == S::Running;
            let power = if running { 1 } else { 4 };
            let settled_vm = if record.server.resized_from.is_some() {
                "resized"
            } else if running {
                "active"
            } else {
                "stopped"
            };
            let busy_vm = if running { "active" } else { "stopped" };
            match task {
                Some(TaskKind::Reboot) => {
                    NovaState::new(Status::Reboot, "active", Some("rebooting"), power)
                }
                Some(TaskKind::HardReboot) => {
                    NovaState::new(Status::HardReboot, "active", Some("rebooting_hard"), power)
                }
                Some(TaskKind::Rebuild) => {
                    NovaState::new(Status::Rebuild, busy_vm, Some("rebuilding"), power)
                }
                Some(TaskKind::Resize) => {
                    NovaState::new(Status::Resize, busy_vm, Some("resize_migrating"), power)
                }
                Some(TaskKind::RevertResize) => NovaState::new(
                    Status::RevertResize,
                    "resized",
                    Some("resize_reverting"),
                    power,
                ),
                None => match settled_vm {
                    "resized" => NovaState::new(Status::VerifyResize, "resized", None, power),
                    "active" => NovaState::new(Status::Active, "active", None, power),
                    _ => NovaState::new(Status::Shutoff, "stopped", None, power),
                },
            }
        }
    }
}

/// `Instance {id} could not be found.`: a missing, foreign or deleted server.
pub(super) fn server_not_found(server_id: &str) -> Fault {
    Fault::not_found(format!("Instance {server_id} could not be found."))
}

/// Nova's answer to an action the server's state does not allow.
fn invalid_state(action: &str, server_id: &str, nova: NovaState) -> Fault {
    let (attribute, state) = match nova.task_state {
        Some(task) => ("task_state", task),
        None => ("vm_state", nova.vm_state),
    };
    Fault::conflict(format!(
        "Cannot '{action}' instance {server_id} while it is in {attribute} {state}"
    ))
}

/// Refuses `action` unless the server is idle in one of `vm_states`.
fn check_state(
    record: &InstanceRecord,
    moment: Moment,
    action: &str,
    vm_states: &[&str],
) -> Result<NovaState, Fault> {
    let nova = nova_state(record, moment);
    if nova.task_state.is_some() || !vm_states.contains(&nova.vm_state) {
        return Err(invalid_state(action, &record.server.uuid, nova));
    }
    Ok(nova)
}

/// The last segment of a reference that may be a link.
fn last_segment(reference: &str) -> &str {
    reference
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or(reference)
}

/// A random administrator password of 12 characters.
fn generate_password() -> String {
    ids::random_bytes::<12>()
        .iter()
        .map(|byte| char::from(PASSWORD_ALPHABET[usize::from(*byte) % PASSWORD_ALPHABET.len()]))
        .collect()
}

/// An EC2 error met where the Compute API expected none: a `badRequest` with its message.
fn bad_request(error: Ec2Error) -> Fault {
    Fault::bad_request(error.message().to_owned())
}

/// Nova's checks of metadata items: 128 at most, keys and values of 255 characters.
pub(super) fn check_metadata(metadata: &BTreeMap<String, String>) -> Result<(), Fault> {
    if metadata.len() > MAX_SERVER_META {
        return Err(Fault::forbidden(format!(
            "Maximum number of metadata items exceeds {MAX_SERVER_META}"
        )));
    }
    for (key, value) in metadata {
        if key.is_empty() {
            return Err(Fault::bad_request("Metadata property key blank."));
        }
        if key.chars().count() > 255 {
            return Err(Fault::bad_request(
                "Metadata property key greater than 255 characters.",
            ));
        }
        if value.chars().count() > 255 {
            return Err(Fault::bad_request(
                "Metadata property value greater than 255 characters.",
            ));
        }
    }
    Ok(())
}

/// The project's live record of server `server_id` in the region.
pub(super) fn find<'a>(
    region: &'a RegionState,
    scope: &Scope,
    server_id: &str,
    moment: Moment,
) -> Result<&'a InstanceRecord, Fault> {
    region
        .server_ids
        .get(server_id)
        .and_then(|instance_id| region.instances.get(instance_id))
        .filter(|record| record.project_id == scope.project)
        .filter(|record| record.state_at(moment.now, moment.delay) != InstanceStateName::Terminated)
        .ok_or_else(|| server_not_found(server_id))
}

/// The server's name: its `Name` tag, else its instance id.
fn name_of(record: &InstanceRecord) -> String {
    record
        .tags
        .get("Name")
        .map_or_else(|| record.instance_id.to_string(), Text::to_string)
}

/// When the record last changed: an API call or a transient state settling.
fn updated_at(record: &InstanceRecord, moment: Moment) -> OffsetDateTime {
    let settled = record.state_at(moment.now, moment.delay) != record.state;
    let changed = if settled {
        record.changed_at + moment.delay
    } else {
        record.changed_at
    };
    let task_end = record
        .server
        .task
        .as_ref()
        .map(|task| (task.started_at + moment.delay).min(moment.now));
    [Some(changed), record.server.updated_at, task_end]
        .into_iter()
        .flatten()
        .max()
        .unwrap_or(changed)
}

/// The server `record` is, at `moment`.
pub(super) fn view(
    region: &RegionState,
    scope: &Scope,
    record: &InstanceRecord,
    moment: Moment,
) -> Server {
    let nova = nova_state(record, moment);
    let zone = regions::zone_name(&scope.region, record.zone_index);
    let host = format!("cumulo-{zone}");
    let host_id = hex::encode(Sha224::digest(format!("{}{host}", record.project_id)));
    let mut addresses = Vec::new();
    if !record.server.no_network {
        let mut private = vec![ServerAddress {
            addr: record.network.private_ip_address.to_string(),
            version: 4,
            mac_addr: record.mac_address.to_string(),
            kind: AddressKind::Fixed,
        }];
        let state = record.state_at(moment.now, moment.delay);
        let public_shown = match state {
            InstanceStateName::Pending | InstanceStateName::Running => true,
            InstanceStateName::Stopping | InstanceStateName::Stopped => record.elastic_ip.is_some(),
            _ => false,
        };
        if let Some(public) = record.network.public.as_ref().filter(|_| public_shown) {
            private.push(ServerAddress {
                addr: public.ip_address.to_string(),
                version: 4,
                mac_addr: record.mac_address.to_string(),
                kind: AddressKind::Floating,
            });
        }
        addresses.push(ServerNetwork {
            label: "private".into(),
            addresses: private,
        });
    }
    let volumes_attached = volumes::attached_to(region, record, moment)
        .filter(|(volume, _, _)| volume.volume_id != *record.root_volume_id)
        .map(|(volume, attachment, _)| AttachedVolume {
            id: volume.volume_id.clone(),
            delete_on_termination: attachment.delete_on_termination,
        })
        .collect();
    let terminated = nova.status == ServerStatus::Deleted;
    let hostname = record
        .network
        .private_dns_name
        .split('.')
        .next()
        .unwrap_or_default()
        .to_owned();
    Server {
        id: record.server.uuid.clone(),
        name: name_of(record),
        status: nova.status,
        tenant_id: record.project_id.clone(),
        user_id: record.server.user_id.clone(),
        metadata: record.server.metadata.clone(),
        host_id,
        image_id: Some(record.image_id.to_string()),
        flavor: catalog::flavor_or_unknown(&record.instance_type),
        created: Some(record.server.created_at.unwrap_or(record.launch_time)),
        updated: Some(updated_at(record, moment)),
        addresses,
        access_ipv4: record.server.access_ipv4.clone(),
        access_ipv6: record.server.access_ipv6.clone(),
        key_name: record.key_name.as_ref().map(Text::to_string),
        availability_zone: zone,
        security_groups: record.group_names.iter().map(Text::to_string).collect(),
        vm_state: nova.vm_state.into(),
        task_state: nova.task_state.map(str::to_owned),
        power_state: nova.power_state,
        launched_at: (nova.status != ServerStatus::Build).then_some(record.launch_time),
        terminated_at: terminated.then(|| record.changed_at + moment.delay),
        volumes_attached,
        locked: false,
        description: record.server.description.clone(),
        tags: record.server.tags.clone(),
        progress: if nova.status == ServerStatus::Active {
            100
        } else {
            0
        },
        config_drive: record.server.config_drive,
        disk_config: "MANUAL".into(),
        host_attributes: ServerHostAttributes {
            host: host.clone(),
            hypervisor_hostname: host,
            instance_name: record.instance_id.to_string(),
            reservation_id: record.reservation_id.to_string(),
            launch_index: record.launch_index,
            kernel_id: record
                .kernel_id
                .as_ref()
                .map(Text::to_string)
                .unwrap_or_default(),
            ramdisk_id: record
                .ramdisk_id
                .as_ref()
                .map(Text::to_string)
                .unwrap_or_default(),
            hostname,
            root_device_name: record.image.root_device_name.to_string(),
            user_data: record.user_data.clone(),
        },
        host_status: "UP".into(),
        admin_pass: None,
    }
}

/// Whether `name` matches Nova's `name` filter as the fake reads it: `^…$` anchors,
/// otherwise a substring.
fn name_matches(pattern: &str, name: &str) -> bool {
    let (start, rest) = match pattern.strip_prefix('^') {
        Some(rest) => (true, rest),
        None => (false, pattern),
    };
    let (end, body) = match rest.strip_suffix('$') {
        Some(body) => (true, body),
        None => (false, rest),
    };
    match (start, end) {
        (true, true) => name == body,
        (true, false) => name.starts_with(body),
        (false, true) => name.ends_with(body),
        (false, false) => name.contains(body),
    }
}

/// Whether `server` passes every filter of `query` but the marker and limit.
fn wanted(query: &ServerQuery, server: &Server, record: &InstanceRecord) -> bool {
    let has = |tag: &String| server.tags.contains(tag);
    query
        .name
        .as_ref()
        .is_none_or(|pattern| name_matches(pattern, &server.name))
        && query.status.is_none_or(|status| status == server.status)
        && query
            .image
            .as_ref()
            .is_none_or(|image| last_segment(image) == record.image_id.as_ref())
        && query
            .flavor
            .as_ref()
            .is_none_or(|flavor| last_segment(flavor) == record.instance_type.as_ref())
        && query.ip.as_ref().is_none_or(|prefix| {
            server
                .addresses
                .iter()
                .flat_map(|network| &network.addresses)
                .any(|address| address.addr.starts_with(prefix.as_str()))
        })
        && query
            .changes_since
            .is_none_or(|since| server.updated.is_some_and(|updated| updated >= since))
        && query.tags.iter().all(has)
        && (query.tags_any.is_empty() || query.tags_any.iter().any(has))
        && (query.not_tags.is_empty() || !query.not_tags.iter().all(has))
        && !query.not_tags_any.iter().any(has)
        && query
            .reservation_id
            .as_ref()
            .is_none_or(|reservation| reservation == record.reservation_id.as_ref())
}

impl FakeCloud {
    /// The region, project and account of a Compute API call.
    pub(super) fn compute_scope<I>(&self, call: &ComputeCall<I>) -> Result<Scope, Fault> {
        self.scope(&Ec2Call::new(call.context.clone(), ()))
            .map_err(bad_request)
    }

    /// Runs `change` on the project's live server `server_id`, under the write lock.
    pub(super) fn with_server<T>(
        &self,
        scope: &Scope,
        server_id: &str,
        change: impl FnOnce(&mut InstanceRecord, Moment) -> Result<T, Fault>,
    ) -> Result<T, Fault> {
        let moment = Moment::of(self);
        let mut state = self.write();
        let region = state.region_mut(&scope.region).map_err(bad_request)?;
        let instance_id = find(region, scope, server_id, moment)?
            .instance_id
            .to_string();
        let record = region
            .instances
            .get_mut(&instance_id)
            .ok_or_else(Fault::internal)?;
        change(record, moment)
    }

    /// Reads the project's live server `server_id` with the region it is in.
    pub(super) fn read_server<T>(
        &self,
        scope: &Scope,
        server_id: &str,
        read: impl FnOnce(&RegionState, &InstanceRecord, Moment) -> Result<T, Fault>,
    ) -> Result<T, Fault> {
        let moment = Moment::of(self);
        let state = self.read();
        let region = state
            .regions
            .get(&scope.region)
            .ok_or_else(Fault::internal)?;
        let record = find(region, scope, server_id, moment)?;
        read(region, record, moment)
    }

    /// The server's view now.
    fn server_view(&self, scope: &Scope, server_id: &str) -> Result<Server, Fault> {
        self.read_server(scope, server_id, |region, record, moment| {
            Ok(view(region, scope, record, moment))
        })
    }

    /// Checks the server's state for `action`, and answers its instance id.
    fn idle_instance(
        &self,
        scope: &Scope,
        server_id: &str,
        action: &str,
        vm_states: &[&str],
    ) -> Result<(String, NovaState), Fault> {
        self.read_server(scope, server_id, |_, record, moment| {
            let nova = check_state(record, moment, action, vm_states)?;
            Ok((record.instance_id.to_string(), nova))
        })
    }

    /// Applies an EC2 state change to one instance, as one of the server's actions.
    fn change_instance(
        &self,
        scope: &Scope,
        instance_id: &str,
        change: Change,
    ) -> Result<(), Fault> {
        instances::change(self, scope, &[instance_id.to_owned()], change)
            .map(|_| ())
            .map_err(|error| match error.code() {
                ErrorCode::OperationNotPermitted | ErrorCode::IncorrectInstanceState => {
                    Fault::conflict(error.message().to_owned())
                }
                _ => bad_request(error),
            })
    }

    /// Starts `kind` on the server now.
    fn start_task(&self, scope: &Scope, server_id: &str, kind: TaskKind) -> Result<(), Fault> {
        self.with_server(scope, server_id, |record, moment| {
            record.server.task = Some(ServerTask {
                kind,
                started_at: moment.now,
            });
            record.server.updated_at = Some(moment.now);
            Ok(())
        })
    }

    async fn create_servers(
        &self,
        call: &ComputeCall<CreateServer>,
    ) -> Result<CreatedServers, Fault> {
        let scope = self.compute_scope(call)?;
        let input = &call.input;
        let moment = Moment::of(self);

        // Counts.
        let min_count = input.min_count.max(1);
        let max_count = if input.max_count == 0 {
            min_count
        } else {
            input.max_count
        };
        if min_count > max_count {
            return Err(Fault::bad_request("min_count must be <= max_count"));
        }

        // What the servers are made of.
        let image_id = match &input.image_ref {
            Some(reference) if !reference.is_empty() => last_segment(reference).to_owned(),
            _ => return Err(Fault::bad_request("Missing imageRef attribute")),
        };
        let flavor_id = last_segment(&input.flavor_ref).to_owned();
        let flavor = catalog::flavor(&flavor_id)
            .ok_or_else(|| Fault::bad_request(format!("Flavor {flavor_id} could not be found.")))?;
        check_metadata(&input.metadata)?;
        if let Some(user_data) = &input.user_data
            && STANDARD.decode(user_data.trim()).is_err()
        {
            return Err(Fault::bad_request("User data needs to be valid base 64."));
        }
        let zone = match input.availability_zone.as_deref() {
            None | Some("") | Some("nova") => None,
            Some(zone) => match regions::zone_index(&scope.region, zone) {
                Some(_) => Some(zone.to_owned()),
                None => {
                    return Err(Fault::bad_request(
                        "The requested availability zone is not available",
                    ));
                }
            },
        };
        {
            let state = self.read();
            let region = state
                .regions
                .get(&scope.region)
                .ok_or_else(Fault::internal)?;
            let image = catalog::visible_image(region, &scope, &image_id)
                .ok_or_else(|| Fault::bad_request("Can not find requested image"))?;
            if !instances::type_runs(&flavor.id, &image.traits.architecture) {
                return Err(Fault::bad_request(format!(
                    "Flavor {} does not run {} images.",
                    flavor.id, image.traits.architecture
                )));
            }
            let project = region.projects.get(&scope.project);
            if let Some(key_name) = &input.key_name
                && !project.is_some_and(|project| project.key_pairs.contains_key(key_name))
            {
                return Err(Fault::bad_request("Invalid key_name provided."));
            }
            let used = project.map_or(0, |project| project.active_instances);
            let allowed = self.instance_limit();
            if used + min_count as usize > allowed {
                return Err(Fault::forbidden(format!(
                    "Quota exceeded for instances: Requested {min_count}, but already used \
                     {used} of {allowed} instances"
                )));
            }
        }

        // Launch, as RunInstances does.
        let no_network = input.networks == NetworkRequest::None;
        let network_interfaces = if no_network {
            vec![NetworkInterfaceSpecification {
                device_index: Some(0),
                associate_public_ip_address: Some(false),
                ..NetworkInterfaceSpecification::default()
            }]
        } else {
            Vec::new()
        };
        let run = RunInstancesInput {
            image_id: Some(image_id),
            min_count: i64::from(min_count),
            max_count: i64::from(max_count),
            instance_type: Some(flavor.id.clone()),
            key_name: input.key_name.clone(),
            security_groups: input.security_groups.clone(),
            user_data: input.user_data.clone().map(UserData),
            network_interfaces,
            // Nova's metadata service never asks for a session token.
            metadata_options: Some(MetadataOptionsRequest {
                http_tokens: Some("optional".into()),
                ..MetadataOptionsRequest::default()
            }),
            ..RunInstancesInput::default()
        };
        let mut run = run;
        run.placement.availability_zone = zone;
        let output = self
            .run_instances(Ec2Call::new(call.context.clone(), run))
            .await
            .map_err(|error| match error.code() {
                ErrorCode::InstanceLimitExceeded => Fault::forbidden(format!(
                    "Quota exceeded for instances: Requested {min_count}, but already used \
                     {} of {} instances",
                    self.instance_limit(),
                    self.instance_limit()
                )),
                _ => bad_request(error),
            })?;
        let reservation = output.reservation;

        // What Nova keeps besides.
        let launched: Vec<String> = reservation
            .instances
            .iter()
            .map(|instance| instance.instance_id.to_string())
            .collect();
        let mut first_server_id = String::new();
        {
            let mut state = self.write();
            let region = state.region_mut(&scope.region).map_err(bad_request)?;
            for (index, instance_id) in launched.iter().enumerate() {
                let Some(record) = region.instances.get_mut(instance_id) else {
                    continue;
                };
                let name = match launched.len() {
                    1 => input.name.clone(),
                    _ => format!("{}-{}", input.name, index + 1),
                };
                if !input.name.is_empty() {
                    record.tags.insert("Name".into(), name.into());
                }
                let server = &mut record.server;
                server.user_id = call.context.user_id.clone();
                server.metadata = input.metadata.clone();
                server.description = input.description.clone();
                server.access_ipv4 = input.access_ipv4.clone().unwrap_or_default();
                server.access_ipv6 = input.access_ipv6.clone().unwrap_or_default();
                server.tags = input.tags.clone();
                server.config_drive = input.config_drive;
                server.no_network = no_network;
                server.updated_at = Some(moment.now);
                if index == 0 {
                    first_server_id = server.uuid.clone();
                }
            }
        }
        // The answer shows the server as it was launched, as RunInstances does.
        let mut server = self.server_view(&scope, &first_server_id)?;
        server.status = ServerStatus::Build;
        server.vm_state = "building".into();
        server.task_state = Some("spawning".into());
        server.power_state = 0;
        server.progress = 0;
        server.launched_at = None;
        server.admin_pass = Some(input.admin_pass.clone().unwrap_or_else(generate_password));
        Ok(CreatedServers {
            server,
            reservation_id: reservation.reservation_id.to_string(),
        })
    }

    fn list(&self, call: &ComputeCall<ServerQuery>) -> Result<Vec<Server>, Fault> {
        let scope = self.compute_scope(call)?;
        let query = &call.input;
        let moment = Moment::of(self);
        let state = self.read();
        let region = state
            .regions
            .get(&scope.region)
            .ok_or_else(Fault::internal)?;
        let Some(project) = region.projects.get(&scope.project) else {
            return match &query.marker {
                Some(marker) => Err(marker_not_found(marker)),
                None => Ok(Vec::new()),
            };
        };
        let before = match &query.marker {
            None => u64::MAX,
            Some(marker) => region
                .server_ids
                .get(marker)
                .and_then(|instance_id| region.instances.get(instance_id))
                .filter(|record| record.project_id == scope.project)
                .map(|record| record.launch_seq)
                .ok_or_else(|| marker_not_found(marker))?,
        };
        let show_deleted =
            query.changes_since.is_some() || query.status == Some(ServerStatus::Deleted);
        let limit = query.limit.unwrap_or(MAX_LIMIT).min(MAX_LIMIT);
        let newest_first = query.sort.is_empty() || query.sort == ServerSort::NEWEST_FIRST;
        // Newest first is launch order backwards: a page starts right below its marker.
        // Any other order sorts every server the filters keep.
        let range = if newest_first { ..before } else { ..u64::MAX };
        let servers = project
            .launch_order
            .range(range)
            .rev()
            .filter_map(|(_, instance_id)| region.instances.get(instance_id))
            .filter(|record| {
                show_deleted
                    || record.state_at(moment.now, moment.delay) != InstanceStateName::Terminated
            })
            .map(|record| (view(region, &scope, record, moment), record))
            .filter(|(server, record)| wanted(query, server, record))
            .map(|(server, _)| server);
        if newest_first {
            return Ok(servers.take(limit).collect());
        }
        let mut servers: Vec<Server> = servers.collect();
        servers.sort_by(|a, b| ServerSort::compare(&query.sort, a, b));
        let start = match &query.marker {
            None => 0,
            Some(marker) => servers
                .iter()
                .position(|server| &server.id == marker)
                .map_or(servers.len(), |position| position + 1),
        };
        Ok(servers.into_iter().skip(start).take(limit).collect())
    }
}

/// `marker [x] not found`, as Nova answers a marker it does not know.
pub(super) fn marker_not_found(marker: &str) -> Fault {
    Fault::bad_request(format!("marker [{marker}] not found"))
}

#[async_trait]
impl ComputeController for FakeCloud {
    async fn list_servers(&self, call: ComputeCall<ServerQuery>) -> Result<Vec<Server>, Fault> {
        self.list(&call)
    }

    async fn show_server(&self, call: ComputeCall<String>) -> Result<Server, Fault> {
        let scope = self.compute_scope(&call)?;
        self.server_view(&scope, &call.input)
    }

    async fn create_server(
        &self,
        call: ComputeCall<CreateServer>,
    ) -> Result<CreatedServers, Fault> {
        self.create_servers(&call).await
    }

    async fn update_server(&self, call: ComputeCall<UpdateServer>) -> Result<Server, Fault> {
        let scope = self.compute_scope(&call)?;
        let input = &call.input;
        self.with_server(&scope, &input.server_id, |record, moment| {
            if let Some(name) = &input.name {
                record.tags.insert("Name".into(), name.clone().into());
            }
            if let Some(description) = &input.description {
                record.server.description = description.clone();
            }
            if let Some(address) = &input.access_ipv4 {
                record.server.access_ipv4 = address.clone();
            }
            if let Some(address) = &input.access_ipv6 {
                record.server.access_ipv6 = address.clone();
            }
            record.server.updated_at = Some(moment.now);
            Ok(())
        })?;
        self.server_view(&scope, &input.server_id)
    }

    async fn delete_server(&self, call: ComputeCall<String>) -> Result<(), Fault> {
        let scope = self.compute_scope(&call)?;
        let instance_id = self.read_server(&scope, &call.input, |_, record, _| {
            Ok(record.instance_id.to_string())
        })?;
        self.change_instance(&scope, &instance_id, Change::Terminate)
    }

    async fn reboot_server(&self, call: ComputeCall<RebootServer>) -> Result<(), Fault> {
        let scope = self.compute_scope(&call)?;
        let server_id = &call.input.server_id;
        let (kind, vm_states): (_, &[&str]) = match call.input.reboot_type {
            RebootType::Soft => (TaskKind::Reboot, &["active"]),
            RebootType::Hard => (TaskKind::HardReboot, &["active", "stopped"]),
        };
        let (instance_id, nova) = self.idle_instance(&scope, server_id, "reboot", vm_states)?;
        let change = match nova.vm_state {
            "stopped" => Change::Start,
            _ => Change::Reboot,
        };
        self.change_instance(&scope, &instance_id, change)?;
        self.start_task(&scope, server_id, kind)
    }

    async fn start_server(&self, call: ComputeCall<String>) -> Result<(), Fault> {
        let scope = self.compute_scope(&call)?;
        let (instance_id, _) = self.idle_instance(&scope, &call.input, "start", &["stopped"])?;
        self.change_instance(&scope, &instance_id, Change::Start)
    }

    async fn stop_server(&self, call: ComputeCall<String>) -> Result<(), Fault> {
        let scope = self.compute_scope(&call)?;
        let (instance_id, _) = self.idle_instance(&scope, &call.input, "stop", &["active"])?;
        self.change_instance(&scope, &instance_id, Change::Stop)
    }

    async fn resize_server(&self, call: ComputeCall<ResizeServer>) -> Result<(), Fault> {
        let scope = self.compute_scope(&call)?;
        let flavor_id = last_segment(&call.input.flavor_ref).to_owned();
        let flavor = catalog::flavor(&flavor_id)
            .ok_or_else(|| Fault::bad_request(format!("Flavor {flavor_id} could not be found.")))?;
        self.with_server(&scope, &call.input.server_id, |record, moment| {
            check_state(record, moment, "resize", &["active", "stopped"])?;
            if record.instance_type.as_ref() == flavor.id {
                return Err(Fault::bad_request(
                    "When resizing, instances must change flavor!",
                ));
            }
            if !instances::type_runs(&flavor.id, &record.image.architecture) {
                return Err(Fault::bad_request(format!(
                    "Flavor {} does not run {} images.",
                    flavor.id, record.image.architecture
                )));
            }
            let old = std::mem::replace(&mut record.instance_type, flavor.id.clone().into());
            record.server.resized_from = Some(old.to_string());
            record.server.task = Some(ServerTask {
                kind: TaskKind::Resize,
                started_at: moment.now,
            });
            record.server.updated_at = Some(moment.now);
            Ok(())
        })
    }

    async fn confirm_resize(&self, call: ComputeCall<String>) -> Result<(), Fault> {
        let scope = self.compute_scope(&call)?;
        self.with_server(&scope, &call.input, |record, moment| {
            check_state(record, moment, "confirmResize", &["resized"])?;
            record.server.resized_from = None;
            record.server.updated_at = Some(moment.now);
            Ok(())
        })
    }

    async fn revert_resize(&self, call: ComputeCall<String>) -> Result<(), Fault> {
        let scope = self.compute_scope(&call)?;
        self.with_server(&scope, &call.input, |record, moment| {
            check_state(record, moment, "revertResize", &["resized"])?;
            if let Some(old) = record.server.resized_from.take() {
                record.instance_type = old.into();
            }
            record.server.task = Some(ServerTask {
                kind: TaskKind::RevertResize,
                started_at: moment.now,
            });
            record.server.updated_at = Some(moment.now);
            Ok(())
        })
    }

    async fn rebuild_server(&self, call: ComputeCall<RebuildServer>) -> Result<Server, Fault> {
        let scope = self.compute_scope(&call)?;
        let input = &call.input;
        let image_id = last_segment(&input.image_ref).to_owned();
        if let Some(metadata) = &input.metadata {
            check_metadata(metadata)?;
        }
        let image = {
            let state = self.read();
            let region = state
                .regions
                .get(&scope.region)
                .ok_or_else(Fault::internal)?;
            catalog::visible_image(region, &scope, &image_id)
                .cloned()
                .ok_or_else(|| Fault::bad_request("Cannot find image for rebuild"))?
        };
        self.with_server(&scope, &input.server_id, |record, moment| {
            check_state(record, moment, "rebuild", &["active", "stopped"])?;
            if !instances::type_runs(&record.instance_type, &image.traits.architecture) {
                return Err(Fault::bad_request(format!(
                    "Flavor {} does not run {} images.",
                    record.instance_type, image.traits.architecture
                )));
            }
            record.image_id = image.image_id.clone().into();
            record.image = image.traits.clone();
            record.kernel_id = image.kernel_id.clone().map(Text::from);
            record.ramdisk_id = image.ramdisk_id.clone().map(Text::from);
            if let Some(name) = &input.name {
                record.tags.insert("Name".into(), name.clone().into());
            }
            if let Some(metadata) = &input.metadata {
                record.server.metadata = metadata.clone();
            }
            if let Some(description) = &input.description {
                record.server.description = description.clone();
            }
            if let Some(address) = &input.access_ipv4 {
                record.server.access_ipv4 = address.clone();
            }
            if let Some(address) = &input.access_ipv6 {
                record.server.access_ipv6 = address.clone();
            }
            record.server.task = Some(ServerTask {
                kind: TaskKind::Rebuild,
                started_at: moment.now,
            });
            record.server.updated_at = Some(moment.now);
            Ok(())
        })?;
        let mut server = self.server_view(&scope, &input.server_id)?;
        server.admin_pass = Some(input.admin_pass.clone().unwrap_or_else(generate_password));
        Ok(server)
    }

    async fn create_image(&self, call: ComputeCall<CreateImage>) -> Result<String, Fault> {
        let scope = self.compute_scope(&call)?;
        let input = &call.input;
        check_metadata(&input.metadata)?;
        let (instance_id, _) = self.idle_instance(
            &scope,
            &input.server_id,
            "createImage",
            &["active", "stopped"],
        )?;
        let create = CreateImageInput {
            instance_id,
            name: input.name.clone(),
            no_reboot: true,
            ..CreateImageInput::default()
        };
        let image_id = images::create(self, &scope, &create, images::ImageNaming::Glance)
            .map_err(bad_request)?
            .image_id;
        let mut state = self.write();
        let region = state.region_mut(&scope.region).map_err(bad_request)?;
        if let Some(image) = region.images.get_mut(&image_id) {
            for (key, value) in &input.metadata {
                image.tags.insert(key.clone().into(), value.clone().into());
            }
        }
        Ok(image_id)
    }

    async fn change_password(&self, call: ComputeCall<ChangePassword>) -> Result<(), Fault> {
        let scope = self.compute_scope(&call)?;
        self.with_server(&scope, &call.input.server_id, |record, moment| {
            check_state(record, moment, "changePassword", &["active"])?;
            record.server.updated_at = Some(moment.now);
            Ok(())
        })
    }

    async fn server_metadata(
        &self,
        call: ComputeCall<String>,
    ) -> Result<BTreeMap<String, String>, Fault> {
        let scope = self.compute_scope(&call)?;
        self.read_server(&scope, &call.input, |_, record, _| {
            Ok(record.server.metadata.clone())
        })
    }

    async fn set_server_metadata(
        &self,
        call: ComputeCall<SetServerMetadata>,
    ) -> Result<BTreeMap<String, String>, Fault> {
        let scope = self.compute_scope(&call)?;
        let input = &call.input;
        self.with_server(&scope, &input.server_id, |record, moment| {
            let mut metadata = if input.replace {
                BTreeMap::new()
            } else {
                record.server.metadata.clone()
            };
            metadata.extend(input.metadata.clone());
            check_metadata(&metadata)?;
            record.server.metadata = metadata.clone();
            record.server.updated_at = Some(moment.now);
            Ok(metadata)
        })
    }

    async fn delete_server_metadata(
        &self,
        call: ComputeCall<ServerMetadataKey>,
    ) -> Result<(), Fault> {
        let scope = self.compute_scope(&call)?;
        let input = &call.input;
        self.with_server(&scope, &input.server_id, |record, moment| {
            record
                .server
                .metadata
                .remove(&input.key)
                .ok_or_else(|| Fault::not_found("Metadata item was not found"))?;
            record.server.updated_at = Some(moment.now);
            Ok(())
        })
    }

    async fn list_flavors(&self, call: ComputeCall<FlavorQuery>) -> Result<Vec<Flavor>, Fault> {
        catalog::list_flavors(&call.input)
    }

    async fn show_flavor(&self, call: ComputeCall<String>) -> Result<Flavor, Fault> {
        catalog::flavor(&call.input)
            .ok_or_else(|| Fault::not_found(format!("Flavor {} could not be found.", call.input)))
    }

    async fn list_images(&self, call: ComputeCall<ImageQuery>) -> Result<Vec<Image>, Fault> {
        let scope = self.compute_scope(&call)?;
        catalog::list_images(self, &scope, &call.input)
    }

    async fn show_image(&self, call: ComputeCall<String>) -> Result<Image, Fault> {
        let scope = self.compute_scope(&call)?;
        catalog::show_image(self, &scope, &call.input)
    }

    async fn delete_image(&self, call: ComputeCall<String>) -> Result<(), Fault> {
        let scope = self.compute_scope(&call)?;
        catalog::delete_image(self, &scope, &call).await
    }

    async fn list_keypairs(&self, call: ComputeCall<KeyPairQuery>) -> Result<Vec<KeyPair>, Fault> {
        let scope = self.compute_scope(&call)?;
        catalog::list_keypairs(self, &scope, &call)
    }

    async fn show_keypair(&self, call: ComputeCall<KeyPairRef>) -> Result<KeyPair, Fault> {
        let scope = self.compute_scope(&call)?;
        catalog::show_keypair(self, &scope, &call.context.user_id, &call.input.name)
    }

    async fn create_keypair(&self, call: ComputeCall<CreateKeyPair>) -> Result<KeyPair, Fault> {
        let scope = self.compute_scope(&call)?;
        catalog::create_keypair(self, &scope, &call).await
    }

    async fn delete_keypair(&self, call: ComputeCall<KeyPairRef>) -> Result<(), Fault> {
        let scope = self.compute_scope(&call)?;
        catalog::delete_keypair(self, &scope, &call)
    }

    async fn limits(&self, call: ComputeCall<()>) -> Result<Limits, Fault> {
        let scope = self.compute_scope(&call)?;
        catalog::limits(self, &scope)
    }

    async fn backup_schedule(&self, call: ComputeCall<String>) -> Result<BackupSchedule, Fault> {
        let scope = self.compute_scope(&call)?;
        catalog::backup_schedule(self, &scope, &call.input)
    }

    async fn set_backup_schedule(&self, call: ComputeCall<SetBackupSchedule>) -> Result<(), Fault> {
        let scope = self.compute_scope(&call)?;
        let input = &call.input;
        catalog::set_backup_schedule(self, &scope, &input.server_id, input.schedule)
    }

    async fn delete_backup_schedule(&self, call: ComputeCall<String>) -> Result<(), Fault> {
        let scope = self.compute_scope(&call)?;
        catalog::set_backup_schedule(self, &scope, &call.input, BackupSchedule::default())
    }

    async fn list_shared_ip_groups(
        &self,
        call: ComputeCall<()>,
    ) -> Result<Vec<SharedIpGroup>, Fault> {
        let scope = self.compute_scope(&call)?;
        Ok(catalog::list_shared_ip_groups(self, &scope))
    }

    async fn show_shared_ip_group(&self, call: ComputeCall<i64>) -> Result<SharedIpGroup, Fault> {
        let scope = self.compute_scope(&call)?;
        catalog::show_shared_ip_group(self, &scope, call.input)
    }

    async fn create_shared_ip_group(
        &self,
        call: ComputeCall<CreateSharedIpGroup>,
    ) -> Result<SharedIpGroup, Fault> {
        let scope = self.compute_scope(&call)?;
        catalog::create_shared_ip_group(self, &scope, &call.input)
    }

    async fn delete_shared_ip_group(&self, call: ComputeCall<i64>) -> Result<(), Fault> {
        let scope = self.compute_scope(&call)?;
        catalog::delete_shared_ip_group(self, &scope, call.input)
    }
}
