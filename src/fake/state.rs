//! The fake cloud's state: plain data (no handles, no closures), serializable with serde,
//! so it can be saved, restored and seeded.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::ops::Deref;
use std::sync::{Mutex, PoisonError};

use serde::{Deserialize, Serialize};
use time::{Duration, OffsetDateTime};

use crate::ec2::model::{Instance, InstanceStateName, Shared, Text};

pub(crate) use super::images::{DeviceMapping, LaunchGrant};
pub(crate) use super::snapshots::SnapshotRecord;
pub(crate) use super::volumes::{ProjectStorage, VolumeRecord};

/// Everything the fake knows, by region.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub(crate) struct State {
    /// Per region, by name.
    pub(crate) regions: BTreeMap<String, RegionState>,
    /// The next launch sequence number: instances are ordered by it.
    pub(crate) next_launch_seq: u64,
}

impl State {
    /// The resources of `region`, to change; a region the cloud does not hold is an
    /// internal error (scopes only name served regions).
    pub(crate) fn region_mut(
        &mut self,
        region: &str,
    ) -> Result<&mut RegionState, crate::ec2::error::Ec2Error> {
        self.regions
            .get_mut(region)
            .ok_or_else(crate::ec2::error::Ec2Error::internal)
    }
}

/// One region's resources.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub(crate) struct RegionState {
    /// Every instance of every project, by id.
    pub(crate) instances: Instances,
    /// Per project.
    pub(crate) projects: HashMap<String, ProjectRegion>,
    /// The public catalog and the accounts' own images, by id.
    pub(crate) images: BTreeMap<String, ImageRecord>,
    /// The `order` of the next image made in the region.
    #[serde(default)]
    pub(crate) next_image_order: u64,
    /// Every volume of every project, by id.
    #[serde(default)]
    pub(crate) volumes: HashMap<String, VolumeRecord>,
    /// Every snapshot of every project, by id.
    #[serde(default)]
    pub(crate) snapshots: HashMap<String, SnapshotRecord>,
    /// Per project: the order of its volumes and snapshots, and its volume tokens.
    #[serde(default)]
    pub(crate) storage: HashMap<String, ProjectStorage>,
    /// Every instance's server id (the UUID the Compute API names it by) → instance id.
    #[serde(default)]
    pub(crate) server_ids: HashMap<String, String>,
}

/// One project's resources in one region.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub(crate) struct ProjectRegion {
    /// The project's instances in launch order: launch sequence → instance id.
    pub(crate) launch_order: BTreeMap<u64, String>,
    /// Instances that are pending or running, for the instance limit.
    pub(crate) active_instances: usize,
    /// The next host number of each default subnet (zone index order).
    pub(crate) next_host: Vec<u32>,
    /// RunInstances idempotency tokens.
    pub(crate) client_tokens: HashMap<String, ClientTokenRecord>,
    /// Key pairs, by name.
    pub(crate) key_pairs: BTreeMap<String, KeyPairRecord>,
    /// Security groups of the default VPC.
    #[serde(default)]
    pub(crate) security_groups: super::security_groups::GroupStore,
    /// Elastic IP addresses.
    #[serde(default)]
    pub(crate) addresses: super::addresses::AddressStore,
    /// Shared IP groups of the Compute API v1.0, by id.
    #[serde(default)]
    pub(crate) shared_ip_groups: BTreeMap<i64, SharedIpGroupRecord>,
    /// The id of the next shared IP group, less one.
    #[serde(default)]
    pub(crate) last_shared_ip_group_id: i64,
}

/// A shared IP group of the Compute API v1.0.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub(crate) struct SharedIpGroupRecord {
    pub(crate) name: String,
    /// The server ids (UUIDs) of its members, in the order they joined.
    pub(crate) servers: Vec<String>,
}

/// Instance records by id. A record can be changed only through [`Instances::get_mut`],
/// which bumps its revision, so no change can leave an out-of-date rendering behind.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub(crate) struct Instances(HashMap<String, InstanceRecord>);

impl Instances {
    /// The record of `instance_id`, to change: its revision moves on, so the next
    /// Describe renders it afresh.
    pub(crate) fn get_mut(&mut self, instance_id: &str) -> Option<&mut InstanceRecord> {
        let record = self.0.get_mut(instance_id)?;
        record.revision += 1;
        Some(record)
    }

    /// Adds a new record under its id.
    pub(crate) fn insert(&mut self, record: InstanceRecord) {
        self.0.insert(record.instance_id.to_string(), record);
    }
}

impl Deref for Instances {
    type Target = HashMap<String, InstanceRecord>;

    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

/// The tags of a resource, by key.
pub(crate) type Tags = BTreeMap<Text, Text>;

/// What a ClientToken launched, and with which parameters.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct ClientTokenRecord {
    /// A digest of the call's parameters.
    pub(crate) parameters: String,
    /// The reservation it made.
    pub(crate) reservation_id: String,
    /// Its instances, in launch order.
    pub(crate) instance_ids: Vec<String>,
}

/// The state of an instance at the moment it last changed: a transient state settles
/// (`pending` → `running`, `stopping` → `stopped`, `shutting-down` → `terminated`) once
/// the transition delay has passed.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct InstanceRecord {
    pub(crate) instance_id: Text,
    pub(crate) project_id: String,
    pub(crate) reservation_id: Text,
    pub(crate) launch_seq: u64,
    pub(crate) launch_index: i64,
    pub(crate) image_id: Text,
    pub(crate) instance_type: Text,
    pub(crate) key_name: Option<Text>,
    pub(crate) zone_index: usize,
    pub(crate) private_ip: [u8; 4],
    pub(crate) public_ip: Option<[u8; 4]>,
    /// The addresses, names and network ids as responses show them.
    pub(crate) network: InstanceNetwork,
    pub(crate) mac_address: Text,
    pub(crate) network_interface_id: Text,
    pub(crate) attachment_id: Text,
    pub(crate) root_volume_id: Text,
    /// The volumes AttachVolume attached to the instance, in the order attached. A volume
    /// stays listed after it is detached or attached elsewhere; its own attachment says
    /// whether it is still attached here.
    #[serde(default)]
    pub(crate) attached_volumes: Vec<Text>,
    /// Whether the root volume goes when the instance terminates (RunInstances' mapping
    /// of the root device may keep it).
    #[serde(default = "yes")]
    pub(crate) root_delete_on_termination: bool,
    pub(crate) group_ids: Vec<Text>,
    /// The names of `group_ids`, in the same order (`default` when missing).
    #[serde(default)]
    pub(crate) group_names: Vec<Text>,
    /// The Elastic IP address associated with the instance, which `network.public` shows.
    #[serde(default)]
    pub(crate) elastic_ip: Option<[u8; 4]>,
    pub(crate) user_data: Option<String>,
    /// The password the instance posted to the metadata service.
    #[serde(default)]
    pub(crate) password: Option<String>,
    pub(crate) tags: Tags,
    #[serde(with = "timestamp")]
    pub(crate) launch_time: OffsetDateTime,
    pub(crate) client_token: Option<Text>,
    pub(crate) disable_api_termination: bool,
    pub(crate) disable_api_stop: bool,
    pub(crate) shutdown_behavior: String,
    pub(crate) ebs_optimized: bool,
    pub(crate) monitoring: bool,
    pub(crate) source_dest_check: bool,
    pub(crate) ena_support: bool,
    pub(crate) sriov_net_support: Option<String>,
    pub(crate) kernel_id: Option<Text>,
    pub(crate) ramdisk_id: Option<Text>,
    pub(crate) tenancy: Text,
    pub(crate) placement_group: Text,
    pub(crate) iam_instance_profile: Option<String>,
    pub(crate) http_tokens: Text,
    pub(crate) hibernation: bool,
    pub(crate) enclave: bool,
    pub(crate) image: ImageTraits,
    #[serde(with = "state_name")]
    pub(crate) state: InstanceStateName,
    #[serde(with = "timestamp")]
    pub(crate) changed_at: OffsetDateTime,
    /// `stateTransitionReason`, such as `User initiated (2026-01-02 03:04:05 GMT)`.
    pub(crate) transition_reason: Text,
    /// What the Compute API knows of the instance besides what EC2 does.
    #[serde(default)]
    pub(crate) server: ServerRecord,
    /// Moves on at every change to the record (see [`Instances::get_mut`]). It starts
    /// again from zero in a restored state, whose records have no renderings yet.
    #[serde(skip)]
    pub(crate) revision: u64,
    /// The instance as Describe last showed it.
    #[serde(skip)]
    pub(crate) rendered: RenderedInstance,
}

/// The Compute API's side of an instance: its server id and what Nova keeps that EC2
/// has no place for. The server's name is the instance's `Name` tag; its metadata is kept
/// here, apart from the tags, because Nova's metadata and EC2's tags differ in limits and
/// reserved keys.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub(crate) struct ServerRecord {
    /// The server id: a UUID, given at launch by either API.
    pub(crate) uuid: String,
    /// The user that created the server (empty for an instance RunInstances launched).
    #[serde(default)]
    pub(crate) user_id: String,
    /// When the instance was launched first (`launch_time` moves at each start).
    #[serde(default, with = "optional_timestamp")]
    pub(crate) created_at: Option<OffsetDateTime>,
    /// When the Compute API last changed the server.
    #[serde(default, with = "optional_timestamp")]
    pub(crate) updated_at: Option<OffsetDateTime>,
    #[serde(default)]
    pub(crate) metadata: BTreeMap<String, String>,
    #[serde(default)]
    pub(crate) description: Option<String>,
    #[serde(default)]
    pub(crate) access_ipv4: String,
    #[serde(default)]
    pub(crate) access_ipv6: String,
    /// Nova's server tags (microversion 2.26 on).
    #[serde(default)]
    pub(crate) tags: Vec<String>,
    #[serde(default)]
    pub(crate) config_drive: bool,
    /// Whether the server was created without a network (`networks: none`).
    #[serde(default)]
    pub(crate) no_network: bool,
    /// The task under way, which ends once the transition delay has passed.
    #[serde(default)]
    pub(crate) task: Option<ServerTask>,
    /// The instance type before a resize that is not yet confirmed or reverted.
    #[serde(default)]
    pub(crate) resized_from: Option<String>,
    /// The v1.0 backup schedule, when one was set.
    #[serde(default)]
    pub(crate) backup_schedule: Option<BackupScheduleRecord>,
}

/// A Nova task that lasts the transition delay.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct ServerTask {
    pub(crate) kind: TaskKind,
    #[serde(with = "timestamp")]
    pub(crate) started_at: OffsetDateTime,
}

/// What a [`ServerTask`] does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) enum TaskKind {
    Reboot,
    HardReboot,
    Rebuild,
    Resize,
    RevertResize,
}

/// A v1.0 backup schedule: the weekly day and the daily window as the API spells them.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub(crate) struct BackupScheduleRecord {
    pub(crate) enabled: bool,
    pub(crate) weekly: String,
    pub(crate) daily: String,
}

/// What a rendered instance depends on besides its Describe flavour: the record's
/// revision and the state the record shows at the time of the Describe, since a
/// transient state settles with time alone.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct RenderKey {
    pub(crate) revision: u64,
    pub(crate) state: InstanceStateName,
}

/// The last instance rendered from a record for DescribeInstances (slot 0) and for
/// DescribeInstancesV6 (slot 1), each with the key it was rendered for. Describe holds
/// only a read lock on the state, hence the mutex.
///
/// It is a cache, not state: clones start empty, `Debug` shows none of it, and serde
/// skips it.
#[derive(Default)]
pub(crate) struct RenderedInstance(Mutex<[RenderSlot; 2]>);

/// A rendered instance and the key it was rendered for, if any yet.
type RenderSlot = Option<(RenderKey, Shared<Instance>)>;

impl RenderedInstance {
    /// The instance rendered for `key` and `ipv6`, rendered by `render` unless the last
    /// one is still current.
    pub(crate) fn get_or_render(
        &self,
        key: RenderKey,
        ipv6: bool,
        render: impl FnOnce() -> Instance,
    ) -> Shared<Instance> {
        // A panic in `render` leaves the slots as they were, so a poisoned lock is safe.
        let mut slots = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        let slot = &mut slots[usize::from(ipv6)];
        match slot {
            Some((current, instance)) if *current == key => instance.clone(),
            _ => {
                let instance = Shared::new(render());
                *slot = Some((key, instance.clone()));
                instance
            }
        }
    }
}

impl Clone for RenderedInstance {
    fn clone(&self) -> Self {
        RenderedInstance::default()
    }
}

impl fmt::Debug for RenderedInstance {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("RenderedInstance")
    }
}

/// An instance's place in its project's default network, written out once at launch
/// (and, for the public address, at each start) so that each Describe only shares it.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct InstanceNetwork {
    pub(crate) owner_id: Text,
    pub(crate) availability_zone: Text,
    pub(crate) vpc_id: Text,
    pub(crate) subnet_id: Text,
    /// `private_ip`, dotted.
    pub(crate) private_ip_address: Text,
    /// `ip-172-31-0-4.ec2.internal`.
    pub(crate) private_dns_name: Text,
    /// The address DescribeInstancesV6 shows.
    pub(crate) ipv6_address: Text,
    /// `public_ip` and its name, when the instance has one.
    pub(crate) public: Option<PublicAddress>,
}

/// A public IPv4 address and its DNS name, as responses show them.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct PublicAddress {
    /// Dotted.
    pub(crate) ip_address: Text,
    /// `ec2-3-4-5-6.compute-1.amazonaws.com`.
    pub(crate) dns_name: Text,
}

/// What an instance takes from its image.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct ImageTraits {
    pub(crate) architecture: Text,
    pub(crate) root_device_name: Text,
    pub(crate) virtualization_type: Text,
    pub(crate) platform: Option<Text>,
    pub(crate) platform_details: Text,
    pub(crate) usage_operation: Text,
    pub(crate) boot_mode: Option<Text>,
}

impl Default for ImageTraits {
    fn default() -> Self {
        ImageTraits {
            architecture: "x86_64".into(),
            root_device_name: "/dev/xvda".into(),
            virtualization_type: "hvm".into(),
            platform: None,
            platform_details: "Linux/UNIX".into(),
            usage_operation: "RunInstances".into(),
            boot_mode: None,
        }
    }
}

impl ImageTraits {
    /// What an instance of a well-formed image id the fake does not know takes (see
    /// `allow_unknown_images`): the defaults, with the root device `/dev/sda1` that most
    /// images other than Amazon Linux name.
    pub(crate) fn of_unknown_image() -> Self {
        ImageTraits {
            root_device_name: "/dev/sda1".into(),
            ..ImageTraits::default()
        }
    }
}

impl InstanceRecord {
    /// The state at `now`: a transient state settles once `delay` has passed.
    pub(crate) fn state_at(&self, now: OffsetDateTime, delay: Duration) -> InstanceStateName {
        match settled(self.state) {
            Some(settled) if now - self.changed_at >= delay => settled,
            _ => self.state,
        }
    }

    /// Moves a transient state that has settled by `now` to its settled state, so a
    /// change starts from what clients see.
    pub(crate) fn settle(&mut self, now: OffsetDateTime, delay: Duration) {
        let state = self.state_at(now, delay);
        if state != self.state {
            self.changed_at += delay;
            self.state = state;
        }
    }
}

/// The state a transient state settles to.
fn settled(state: InstanceStateName) -> Option<InstanceStateName> {
    match state {
        InstanceStateName::Pending => Some(InstanceStateName::Running),
        InstanceStateName::Stopping => Some(InstanceStateName::Stopped),
        InstanceStateName::ShuttingDown => Some(InstanceStateName::Terminated),
        _ => None,
    }
}

/// A key pair.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct KeyPairRecord {
    pub(crate) key_pair_id: String,
    pub(crate) key_name: String,
    pub(crate) key_type: String,
    pub(crate) fingerprint: String,
    pub(crate) public_key: String,
    #[serde(with = "timestamp")]
    pub(crate) create_time: OffsetDateTime,
    pub(crate) tags: Tags,
}

/// An image: a catalog one (public) or an account's own.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct ImageRecord {
    /// Where DescribeImages lists it: catalog images first, in catalog order, then the
    /// accounts' images in the order they were made.
    pub(crate) order: u64,
    pub(crate) image_id: String,
    pub(crate) owner_id: String,
    pub(crate) owner_alias: Option<String>,
    pub(crate) name: String,
    pub(crate) description: String,
    pub(crate) location: String,
    pub(crate) creation_date: String,
    /// Whether the group `all` may launch it.
    pub(crate) public: bool,
    pub(crate) image_type: String,
    pub(crate) kernel_id: Option<String>,
    pub(crate) ramdisk_id: Option<String>,
    /// The root volume's snapshot, for an EBS-backed image.
    pub(crate) snapshot_id: Option<String>,
    pub(crate) volume_size: i64,
    pub(crate) ena_support: bool,
    pub(crate) traits: ImageTraits,
    pub(crate) tags: Tags,
    /// `ebs` or `instance-store`.
    #[serde(default = "default_root_device_type")]
    pub(crate) root_device_type: String,
    /// The root volume's type, for an EBS-backed image.
    #[serde(default = "default_root_volume_type")]
    pub(crate) root_volume_type: String,
    /// The block device mappings besides the root device's, in the order given.
    #[serde(default)]
    pub(crate) other_mappings: Vec<DeviceMapping>,
    /// Who besides the owner may launch it, in the order granted; a group `all` here
    /// goes with `public`.
    #[serde(default)]
    pub(crate) launch_permissions: Vec<LaunchGrant>,
    /// The instance CreateImage made it from.
    #[serde(default)]
    pub(crate) source_instance_id: Option<String>,
    #[serde(default)]
    pub(crate) sriov_net_support: Option<String>,
    #[serde(default)]
    pub(crate) imds_support: Option<String>,
    /// Deregistered images stay as records: DescribeImages returns nothing for their
    /// ids, and DeregisterImage answers `InvalidAMIID.Unavailable`.
    #[serde(default)]
    pub(crate) deregistered: bool,
}

fn default_root_device_type() -> String {
    "ebs".into()
}

fn default_root_volume_type() -> String {
    "gp3".into()
}

/// Timestamps as Unix nanoseconds.
pub(super) mod timestamp {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};
    use time::OffsetDateTime;

    pub(crate) fn serialize<S: Serializer>(at: &OffsetDateTime, s: S) -> Result<S::Ok, S::Error> {
        at.unix_timestamp_nanos().serialize(s)
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<OffsetDateTime, D::Error> {
        let nanos = i128::deserialize(d)?;
        OffsetDateTime::from_unix_timestamp_nanos(nanos).map_err(serde::de::Error::custom)
    }
}

/// Optional timestamps as Unix nanoseconds.
pub(super) mod optional_timestamp {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};
    use time::OffsetDateTime;

    pub(crate) fn serialize<S: Serializer>(
        at: &Option<OffsetDateTime>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        at.map(OffsetDateTime::unix_timestamp_nanos).serialize(s)
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<OffsetDateTime>, D::Error> {
        Option::<i128>::deserialize(d)?
            .map(OffsetDateTime::from_unix_timestamp_nanos)
            .transpose()
            .map_err(serde::de::Error::custom)
    }
}

/// Instance states by their wire names.
mod state_name {
    use serde::{Deserialize, Deserializer, Serializer};

    use crate::ec2::model::InstanceStateName;

    pub(crate) fn serialize<S: Serializer>(
        state: &InstanceStateName,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        s.serialize_str(state.as_str())
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<InstanceStateName, D::Error> {
        let name = String::deserialize(d)?;
        [
            InstanceStateName::Pending,
            InstanceStateName::Running,
            InstanceStateName::ShuttingDown,
            InstanceStateName::Terminated,
            InstanceStateName::Stopping,
            InstanceStateName::Stopped,
        ]
        .into_iter()
        .find(|state| state.as_str() == name)
        .ok_or_else(|| serde::de::Error::custom(format!("unknown instance state {name}")))
    }
}

/// The default of flags that are on unless turned off.
fn yes() -> bool {
    true
}
