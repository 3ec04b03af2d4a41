//! EBS volumes: CreateVolume, DeleteVolume, DescribeVolumes, AttachVolume, DetachVolume.
//!
//! States follow AWS on the injected clock and are computed when read: a volume is
//! `creating` until the transition delay has passed, then `available`; an attachment is
//! `attaching`, then `attached`; a detachment is `detaching`, then the volume is
//! `available` again. A volume attached to an instance that has terminated is detached.
//!
//! Each instance launched with RunInstances gets its root volume: in use from launch,
//! attached at the image's root device, deleted when the instance terminates.
//!
//! # Limitations
//!
//! - RunInstances' `volume` tag specifications and block device mappings do not reach
//!   root volumes, and instances made with [`FakeCloud::seed_instances`] have none.
//! - DeleteVolume removes a volume at once; it never shows `deleting`.
//! - A ClientToken whose volume was deleted answers `InvalidVolume.NotFound`.

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use time::{Duration, OffsetDateTime};

use crate::ec2::error::{Ec2Error, ErrorCode};
use crate::ec2::model::*;

use super::images::tag_list;
use super::state::{InstanceRecord, RegionState, Tags, timestamp};
use super::{FakeCloud, Scope, filters, ids, paging, regions, tags};

/// The volume types AWS offers, with their sizes in GiB and provisioned IOPS ranges.
struct VolumeKind {
    name: &'static str,
    min_size: i32,
    max_size: i32,
    /// Provisioned IOPS the type takes: `(min, max, most per GiB)`.
    iops: Option<(i32, i32, i32)>,
}

const VOLUME_KINDS: &[VolumeKind] = &[
    VolumeKind {
        name: "gp2",
        min_size: 1,
        max_size: 16384,
        iops: None,
    },
    VolumeKind {
        name: "gp3",
        min_size: 1,
        max_size: 16384,
        iops: Some((3000, 16000, 500)),
    },
    VolumeKind {
        name: "io1",
        min_size: 4,
        max_size: 16384,
        iops: Some((100, 64000, 50)),
    },
    VolumeKind {
        name: "io2",
        min_size: 4,
        max_size: 65536,
        iops: Some((100, 256000, 1000)),
    },
    VolumeKind {
        name: "st1",
        min_size: 125,
        max_size: 16384,
        iops: None,
    },
    VolumeKind {
        name: "sc1",
        min_size: 125,
        max_size: 16384,
        iops: None,
    },
    VolumeKind {
        name: "standard",
        min_size: 1,
        max_size: 1024,
        iops: None,
    },
];

/// The volume type of CreateVolume without `VolumeType`.
const DEFAULT_VOLUME_TYPE: &str = "gp2";

/// A volume as it was last changed; its state is computed from the timestamps.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct VolumeRecord {
    pub(crate) volume_id: String,
    pub(crate) project_id: String,
    /// Where the project's volumes list it.
    pub(crate) seq: u64,
    pub(crate) size: i32,
    pub(crate) snapshot_id: Option<String>,
    pub(crate) zone_index: usize,
    pub(crate) availability_zone: String,
    pub(crate) volume_type: String,
    pub(crate) iops: Option<i32>,
    pub(crate) throughput: Option<i32>,
    pub(crate) encrypted: bool,
    pub(crate) kms_key_id: Option<String>,
    pub(crate) multi_attach_enabled: bool,
    pub(crate) tags: Tags,
    #[serde(with = "timestamp")]
    pub(crate) create_time: OffsetDateTime,
    /// The last attachment, which may since have been detached.
    pub(crate) attachment: Option<AttachmentRecord>,
}

/// An attachment as it was last changed.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct AttachmentRecord {
    pub(crate) instance_id: String,
    pub(crate) device: String,
    pub(crate) delete_on_termination: bool,
    #[serde(with = "timestamp")]
    pub(crate) attach_time: OffsetDateTime,
    /// Whether a DetachVolume began, and when the attachment last changed.
    pub(crate) detaching: bool,
    #[serde(with = "timestamp")]
    pub(crate) changed_at: OffsetDateTime,
}

/// One project's volumes and snapshots in one region.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub(crate) struct ProjectStorage {
    /// The next sequence number: volumes and snapshots are listed by it.
    pub(crate) next_seq: u64,
    /// Sequence number → volume id.
    pub(crate) volume_order: BTreeMap<u64, String>,
    /// Sequence number → snapshot id.
    pub(crate) snapshot_order: BTreeMap<u64, String>,
    /// CreateVolume idempotency tokens.
    pub(crate) volume_tokens: HashMap<String, VolumeTokenRecord>,
}

impl ProjectStorage {
    pub(crate) fn next_seq(&mut self) -> u64 {
        let seq = self.next_seq;
        self.next_seq += 1;
        seq
    }
}

/// What a CreateVolume ClientToken created, and with which parameters.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct VolumeTokenRecord {
    pub(crate) parameters: String,
    pub(crate) volume_id: String,
}

/// The project's storage entry in a region, created on first use.
pub(crate) fn storage_entry<'a>(
    region: &'a mut RegionState,
    scope: &Scope,
) -> &'a mut ProjectStorage {
    region.storage.entry(scope.project.clone()).or_default()
}

/// `InvalidVolume.NotFound` for one id.
pub(crate) fn not_found(volume_id: &str) -> Ec2Error {
    Ec2Error::new(
        ErrorCode::InvalidVolumeNotFound,
        format!("The volume '{volume_id}' does not exist."),
    )
}

fn instance_not_found(instance_id: &str) -> Ec2Error {
    Ec2Error::new(
        ErrorCode::InvalidInstanceIdNotFound,
        format!("The instance ID '{instance_id}' does not exist"),
    )
}

fn in_state(volume_id: &str, state: &str) -> Ec2Error {
    Ec2Error::new(
        ErrorCode::IncorrectState,
        format!("Volume '{volume_id}' is in the '{state}' state."),
    )
}

/// The project's volume `volume_id`, or none for a missing, foreign or deleted one.
pub(crate) fn owned<'a>(
    region: &'a RegionState,
    scope: &Scope,
    volume_id: &str,
    moment: Moment,
) -> Option<&'a VolumeRecord> {
    region
        .volumes
        .get(volume_id)
        .filter(|volume| volume.project_id == scope.project)
        .filter(|volume| view(region, volume, moment).state != VolumeState::Deleted)
}

fn owned_instance<'a>(
    region: &'a RegionState,
    scope: &Scope,
    instance_id: &str,
) -> Option<&'a InstanceRecord> {
    region
        .instances
        .get(instance_id)
        .filter(|instance| instance.project_id == scope.project)
}

/// How a volume looks at one moment.
pub(crate) struct VolumeView<'a> {
    pub(crate) record: &'a VolumeRecord,
    pub(crate) state: VolumeState,
    /// The attachment and its state, while there is one.
    pub(crate) attachment: Option<(&'a AttachmentRecord, AttachmentState)>,
}

/// The clock and the delay, which every computed state needs.
#[derive(Clone, Copy)]
pub(crate) struct Moment {
    pub(crate) now: OffsetDateTime,
    pub(crate) delay: Duration,
}

impl Moment {
    pub(crate) fn of(cloud: &FakeCloud) -> Self {
        Moment {
            now: cloud.config_clock_now(),
            delay: cloud.transition_delay(),
        }
    }

    /// Whether something that changed at `at` has settled.
    pub(crate) fn settled(self, at: OffsetDateTime) -> bool {
        self.now - at >= self.delay
    }
}

/// The volume's state at `moment`. An attachment ends when its detachment settles or
/// its instance has terminated (or is gone); the volume then is `available`, or
/// `deleted` when it was to be deleted on termination.
pub(crate) fn view<'a>(
    region: &'a RegionState,
    record: &'a VolumeRecord,
    moment: Moment,
) -> VolumeView<'a> {
    // A volume is attached only once created, but a root volume is attached from launch.
    if record.attachment.is_none() && !moment.settled(record.create_time) {
        return VolumeView {
            record,
            state: VolumeState::Creating,
            attachment: None,
        };
    }
    let mut deleted = false;
    let attachment = record.attachment.as_ref().and_then(|attachment| {
        let settled = moment.settled(attachment.changed_at);
        let state = match (attachment.detaching, settled) {
            (false, false) => AttachmentState::Attaching,
            (false, true) => AttachmentState::Attached,
            (true, false) => AttachmentState::Detaching,
            (true, true) => return None,
        };
        let instance_live = region
            .instances
            .get(&attachment.instance_id)
            .is_some_and(|instance| {
                instance.state_at(moment.now, moment.delay) != InstanceStateName::Terminated
            });
        deleted = !instance_live && attachment.delete_on_termination;
        instance_live.then_some((attachment, state))
    });
    let state = if deleted {
        VolumeState::Deleted
    } else if attachment.is_some() {
        VolumeState::InUse
    } else {
        VolumeState::Available
    };
    VolumeView {
        record,
        state,
        attachment,
    }
}

/// The EBS part of `launch`'s mapping of the root device, if it maps it.
pub(crate) fn root_mapping<'a>(
    launch: &'a RunInstancesInput,
    root_device: &str,
) -> Option<&'a EbsBlockDevice> {
    launch
        .block_device_mappings
        .iter()
        .filter(|mapping| mapping.device_name.as_deref() == Some(root_device))
        .find_map(|mapping| mapping.ebs.as_ref())
}

/// Adds the root volume of each of `instance_ids` that has none yet: attached at the
/// image's root device from launch, sized and typed as the image's block device mapping
/// says, deleted on termination, unless `launch`'s mapping of the root device sets its
/// size or DeleteOnTermination; tagged with `launch`'s `volume` tags.
pub(crate) fn add_root_volumes<'a>(
    cloud: &FakeCloud,
    scope: &Scope,
    instance_ids: impl IntoIterator<Item = &'a str>,
    launch: &RunInstancesInput,
) {
    let mut volume_tags = Tags::new();
    for specification in &launch.tag_specifications {
        if specification.resource_type == "volume" {
            // RunInstances checked these tags before launching.
            let _ = tags::apply(&mut volume_tags, &specification.tags);
        }
    }
    let mut state = cloud.write();
    let Some(region) = state.regions.get_mut(&scope.region) else {
        return;
    };
    for instance_id in instance_ids {
        let Some(instance) = region.instances.get(instance_id) else {
            continue;
        };
        let volume_id = instance.root_volume_id.to_string();
        if region.volumes.contains_key(&volume_id) {
            continue;
        }
        let image = region.images.get(instance.image_id.as_ref());
        let root_device = instance.image.root_device_name.as_ref();
        let root_mapping = root_mapping(launch, root_device);
        let image_size = image.map_or(8, |image| image.volume_size);
        let mut record = VolumeRecord {
            volume_id: volume_id.clone(),
            project_id: instance.project_id.clone(),
            seq: 0,
            size: root_mapping
                .and_then(|ebs| ebs.volume_size)
                .unwrap_or(image_size)
                .clamp(1, 65536) as i32,
            snapshot_id: image.and_then(|image| image.snapshot_id.clone()),
            zone_index: instance.zone_index,
            availability_zone: instance.network.availability_zone.to_string(),
            volume_type: "gp3".into(),
            iops: Some(3000),
            throughput: Some(125),
            encrypted: false,
            kms_key_id: None,
            multi_attach_enabled: false,
            tags: volume_tags.clone(),
            create_time: instance.launch_time,
            attachment: Some(AttachmentRecord {
                instance_id: instance_id.to_owned(),
                device: root_device.to_owned(),
                delete_on_termination: instance.root_delete_on_termination,
                attach_time: attach_time(instance.launch_time),
                detaching: false,
                changed_at: instance.launch_time,
            }),
        };
        let storage = storage_entry(region, scope);
        record.seq = storage.next_seq();
        storage.volume_order.insert(record.seq, volume_id.clone());
        region.volumes.insert(volume_id, record);
    }
}

fn attachment_of(
    record: &VolumeRecord,
    attachment: &AttachmentRecord,
    state: AttachmentState,
    delete_on_termination: Option<bool>,
) -> VolumeAttachment {
    VolumeAttachment {
        volume_id: record.volume_id.clone(),
        instance_id: attachment.instance_id.clone(),
        device: attachment.device.clone(),
        state,
        attach_time: attachment.attach_time,
        delete_on_termination,
    }
}

/// A volume as DescribeVolumes and CreateVolume show it.
pub(crate) fn render(view: &VolumeView<'_>) -> Volume {
    let record = view.record;
    Volume {
        volume_id: record.volume_id.clone(),
        size: record.size,
        snapshot_id: record.snapshot_id.clone(),
        availability_zone: record.availability_zone.clone(),
        state: view.state,
        create_time: record.create_time,
        attachments: view
            .attachment
            .iter()
            .map(|(attachment, state)| {
                attachment_of(
                    record,
                    attachment,
                    *state,
                    Some(attachment.delete_on_termination),
                )
            })
            .collect(),
        volume_type: record.volume_type.clone(),
        iops: record.iops,
        throughput: record.throughput,
        encrypted: record.encrypted,
        kms_key_id: record.kms_key_id.clone(),
        multi_attach_enabled: record.multi_attach_enabled,
        tags: tag_list(&record.tags),
    }
}

/// The default KMS key of the account in the region, which encrypts volumes that name
/// none.
pub(crate) fn default_kms_key(scope: &Scope) -> String {
    let seed = format!("cumulo-kms:{}/{}", scope.account, scope.region);
    let key = hex::encode(Sha256::digest(seed.as_bytes()));
    format!(
        "arn:aws:kms:{}:{}:key/{}-{}-{}-{}-{}",
        scope.region,
        scope.account,
        &key[..8],
        &key[8..12],
        &key[12..16],
        &key[16..20],
        &key[20..32]
    )
}

/// The zone CreateVolume names, by name or id.
fn zone_of(scope: &Scope, input: &CreateVolumeInput) -> Result<usize, Ec2Error> {
    let zone_error = |zone: &str| {
        Ec2Error::new(
            ErrorCode::InvalidZoneNotFound,
            format!("The zone '{zone}' does not exist."),
        )
    };
    if let Some(zone) = &input.availability_zone {
        return regions::zone_index(&scope.region, zone).ok_or_else(|| zone_error(zone));
    }
    let zone_id = input.availability_zone_id.as_deref().unwrap_or_default();
    (0..regions::ZONE_LETTERS.len())
        .find(|&index| regions::zone_id(&scope.region, index) == zone_id)
        .ok_or_else(|| zone_error(zone_id))
}

/// A digest of everything a CreateVolume call asked for, to compare ClientToken repeats.
fn parameters_digest(input: &CreateVolumeInput) -> String {
    let mut hasher = Sha256::new();
    hasher.update(format!("{input:?}").as_bytes());
    hex::encode(hasher.finalize())
}

fn too_small(size: i32, minimum: i32) -> Ec2Error {
    Ec2Error::new(
        ErrorCode::InvalidParameterValue,
        format!("Volume of {size}GiB is too small; minimum is {minimum}GiB."),
    )
}

/// What CreateVolume settled before creating anything.
struct Plan {
    zone_index: usize,
    size: i32,
    volume_type: &'static str,
    iops: Option<i32>,
    throughput: Option<i32>,
    encrypted: bool,
    kms_key_id: Option<String>,
    tags: Tags,
}

fn plan_volume(
    region: &RegionState,
    scope: &Scope,
    input: &CreateVolumeInput,
) -> Result<Plan, Ec2Error> {
    let zone_index = zone_of(scope, input)?;

    // Snapshot and size.
    let snapshot = match &input.snapshot_id {
        None => None,
        Some(snapshot_id) => Some(
            super::snapshots::owned(region, scope, snapshot_id)
                .ok_or_else(|| super::snapshots::not_found(snapshot_id))?,
        ),
    };
    let size = match (input.size, snapshot) {
        (Some(size), Some(snapshot)) if size < snapshot.volume_size => {
            return Err(too_small(size, snapshot.volume_size));
        }
        (Some(size), _) => size,
        (None, Some(snapshot)) => snapshot.volume_size,
        (None, None) => return Err(Ec2Error::missing_parameter("size")),
    };

    // Type, size limits and performance. Multi-Attach exists only for Provisioned IOPS
    // volumes, whatever else the type is.
    let type_name = input.volume_type.as_deref().unwrap_or(DEFAULT_VOLUME_TYPE);
    if input.multi_attach_enabled && !matches!(type_name, "io1" | "io2") {
        return Err(Ec2Error::new(
            ErrorCode::InvalidParameterDependency,
            format!(
                "The parameter MultiAttachEnabled is supported only for io1 and io2 volumes, \
                 not {type_name} volumes."
            ),
        ));
    }
    let kind = VOLUME_KINDS
        .iter()
        .find(|kind| kind.name == type_name)
        .ok_or_else(|| {
            Ec2Error::invalid_value(
                "volumeType",
                type_name,
                "Valid types are gp2, gp3, io1, io2, st1, sc1 and standard.",
            )
        })?;
    if size < kind.min_size {
        return Err(too_small(size, kind.min_size));
    }
    if size > kind.max_size {
        return Err(Ec2Error::new(
            ErrorCode::InvalidParameterValue,
            format!(
                "Volume of {size}GiB is too large; maximum is {}GiB.",
                kind.max_size
            ),
        ));
    }
    let iops = match (kind.iops, input.iops) {
        (None, Some(_)) => {
            return Err(Ec2Error::new(
                ErrorCode::InvalidParameterCombination,
                format!(
                    "The parameter iops is not supported for {} volumes.",
                    kind.name
                ),
            ));
        }
        (None, None) if kind.name == "gp2" => Some((3 * size).clamp(100, 16000)),
        (None, None) => None,
        (Some(_), None) if kind.name == "gp3" => Some(3000),
        (Some(_), None) => {
            return Err(Ec2Error::new(
                ErrorCode::MissingParameter,
                format!(
                    "The parameter iops must be specified for {} volumes.",
                    kind.name
                ),
            ));
        }
        (Some((min, max, per_gib)), Some(iops)) => {
            if iops < min || iops > max {
                return Err(Ec2Error::invalid_value(
                    "iops",
                    &iops.to_string(),
                    &format!(
                        "Expecting a value between {min} and {max} for {} volumes.",
                        kind.name
                    ),
                ));
            }
            if i64::from(iops) > i64::from(per_gib) * i64::from(size) {
                return Err(Ec2Error::new(
                    ErrorCode::InvalidParameterValue,
                    format!(
                        "Iops to volume size ratio of {:.6} is too high; maximum is {:.6}",
                        f64::from(iops) / f64::from(size),
                        f64::from(per_gib)
                    ),
                ));
            }
            Some(iops)
        }
    };
    let throughput = match (kind.name, input.throughput) {
        ("gp3", None) => Some(125),
        ("gp3", Some(throughput @ 125..=1000)) => Some(throughput),
        ("gp3", Some(throughput)) => {
            return Err(Ec2Error::invalid_value(
                "throughput",
                &throughput.to_string(),
                "Expecting a value between 125 and 1000.",
            ));
        }
        (_, None) => None,
        (name, Some(_)) => {
            return Err(Ec2Error::new(
                ErrorCode::InvalidParameterCombination,
                format!("The parameter throughput is not supported for {name} volumes."),
            ));
        }
    };

    // Encryption follows the snapshot's; a key is only taken for an encrypted volume.
    let encrypted = input.encrypted.unwrap_or(false) || snapshot.is_some_and(|s| s.encrypted);
    if input.kms_key_id.is_some() && !encrypted {
        return Err(Ec2Error::new(
            ErrorCode::InvalidParameterDependency,
            "The parameter KmsKeyId requires the parameter Encrypted to be set.",
        ));
    }
    let kms_key_id = if encrypted {
        input
            .kms_key_id
            .clone()
            .or_else(|| snapshot.and_then(|s| s.kms_key_id.clone()))
            .or_else(|| Some(default_kms_key(scope)))
    } else {
        None
    };

    // Tags.
    let mut volume_tags = Tags::new();
    for specification in &input.tag_specifications {
        if specification.resource_type != "volume" {
            return Err(Ec2Error::new(
                ErrorCode::InvalidParameterValue,
                format!(
                    "'{}' is not a valid taggable resource type for this operation.",
                    specification.resource_type
                ),
            ));
        }
        tags::apply(&mut volume_tags, &specification.tags)?;
    }

    Ok(Plan {
        zone_index,
        size,
        volume_type: kind.name,
        iops,
        throughput,
        encrypted,
        kms_key_id,
        tags: volume_tags,
    })
}

/// `CreateVolume`: answers with the new volume `creating`.
pub(crate) fn create(
    cloud: &FakeCloud,
    scope: &Scope,
    input: &CreateVolumeInput,
) -> Result<Volume, Ec2Error> {
    let moment = Moment::of(cloud);
    let digest = parameters_digest(input);
    let mut state = cloud.write();
    let region = state
        .regions
        .get_mut(&scope.region)
        .ok_or_else(Ec2Error::internal)?;

    // A repeated ClientToken answers with what it created.
    if let Some(token) = &input.client_token {
        let repeat = region
            .storage
            .get(&scope.project)
            .and_then(|storage| storage.volume_tokens.get(token));
        if let Some(repeat) = repeat {
            if repeat.parameters != digest {
                return Err(Ec2Error::new(
                    ErrorCode::IdempotentParameterMismatch,
                    format!(
                        "Arguments on this idempotent request are inconsistent with arguments \
                         used in previous request(s) with client token '{token}'."
                    ),
                ));
            }
            let record = owned(region, scope, &repeat.volume_id, moment)
                .ok_or_else(|| not_found(&repeat.volume_id))?;
            return Ok(render(&view(region, record, moment)));
        }
    }

    let plan = plan_volume(region, scope, input)?;
    let quota = cloud.quotas().volumes;
    let held = region
        .storage
        .get(&scope.project)
        .map_or(0, |storage| storage.volume_order.len());
    if held >= quota {
        return Err(Ec2Error::new(
            ErrorCode::VolumeLimitExceeded,
            format!("The maximum number of volumes ({quota}) has been reached."),
        ));
    }

    let mut volume_id = ids::random_id("vol-");
    while region.volumes.contains_key(&volume_id) {
        volume_id = ids::random_id("vol-");
    }
    let storage = storage_entry(region, scope);
    let seq = storage.next_seq();
    storage.volume_order.insert(seq, volume_id.clone());
    if let Some(token) = &input.client_token {
        storage.volume_tokens.insert(
            token.clone(),
            VolumeTokenRecord {
                parameters: digest,
                volume_id: volume_id.clone(),
            },
        );
    }
    let record = VolumeRecord {
        volume_id: volume_id.clone(),
        project_id: scope.project.clone(),
        seq,
        size: plan.size,
        snapshot_id: input.snapshot_id.clone(),
        zone_index: plan.zone_index,
        availability_zone: regions::zone_name(&scope.region, plan.zone_index),
        volume_type: plan.volume_type.to_owned(),
        iops: plan.iops,
        throughput: plan.throughput,
        encrypted: plan.encrypted,
        kms_key_id: plan.kms_key_id,
        multi_attach_enabled: input.multi_attach_enabled,
        tags: plan.tags,
        create_time: moment.now,
        attachment: None,
    };
    let volume = render(&VolumeView {
        record: &record,
        state: VolumeState::Creating,
        attachment: None,
    });
    region.volumes.insert(volume_id, record);
    Ok(volume)
}

/// `DeleteVolume`: refused while the volume is attached.
pub(crate) fn delete(
    cloud: &FakeCloud,
    scope: &Scope,
    input: &DeleteVolumeInput,
) -> Result<(), Ec2Error> {
    let moment = Moment::of(cloud);
    let mut state = cloud.write();
    let region = state
        .regions
        .get_mut(&scope.region)
        .ok_or_else(Ec2Error::internal)?;
    let record = owned(region, scope, &input.volume_id, moment)
        .ok_or_else(|| not_found(&input.volume_id))?;
    if let Some((attachment, _)) = view(region, record, moment).attachment {
        return Err(Ec2Error::new(
            ErrorCode::VolumeInUse,
            format!(
                "Volume {} is currently attached to {}",
                record.volume_id, attachment.instance_id
            ),
        ));
    }
    let seq = record.seq;
    region.volumes.remove(&input.volume_id);
    if let Some(storage) = region.storage.get_mut(&scope.project) {
        storage.volume_order.remove(&seq);
    }
    Ok(())
}

const VOLUME_FILTERS: &[&str] = &[
    "volume-id",
    "status",
    "size",
    "availability-zone",
    "volume-type",
    "snapshot-id",
    "encrypted",
    "multi-attach-enabled",
    "create-time",
    "attachment.instance-id",
    "attachment.device",
    "attachment.status",
    "attachment.attach-time",
    "attachment.delete-on-termination",
    "tag-key",
    "tag-value",
];

fn boolean(value: bool) -> String {
    if value { "true" } else { "false" }.to_owned()
}

fn filter_values(view: &VolumeView<'_>, name: &str) -> Vec<String> {
    let record = view.record;
    let attachment = view.attachment;
    let one = |value: &str| vec![value.to_owned()];
    match name {
        "volume-id" => one(&record.volume_id),
        "status" => one(view.state.as_str()),
        "size" => vec![record.size.to_string()],
        "availability-zone" => one(&record.availability_zone),
        "volume-type" => one(&record.volume_type),
        "snapshot-id" => record.snapshot_id.iter().cloned().collect(),
        "encrypted" => vec![boolean(record.encrypted)],
        "multi-attach-enabled" => vec![boolean(record.multi_attach_enabled)],
        "create-time" => vec![crate::ec2::xml::format_timestamp(record.create_time)],
        "attachment.instance-id" => attachment
            .map(|(a, _)| a.instance_id.clone())
            .into_iter()
            .collect(),
        "attachment.device" => attachment
            .map(|(a, _)| a.device.clone())
            .into_iter()
            .collect(),
        "attachment.status" => attachment
            .map(|(_, state)| state.as_str().to_owned())
            .into_iter()
            .collect(),
        "attachment.attach-time" => attachment
            .map(|(a, _)| crate::ec2::xml::format_timestamp(a.attach_time))
            .into_iter()
            .collect(),
        "attachment.delete-on-termination" => attachment
            .map(|(a, _)| boolean(a.delete_on_termination))
            .into_iter()
            .collect(),
        "tag-key" => record.tags.keys().map(Text::to_string).collect(),
        "tag-value" => record.tags.values().map(Text::to_string).collect(),
        other => match other.strip_prefix("tag:") {
            Some(key) => record
                .tags
                .get(key)
                .map(Text::to_string)
                .into_iter()
                .collect(),
            None => vec![],
        },
    }
}

/// DescribeVolumes' page size: 5 to 500, or everything when absent.
fn page_size(max_results: Option<i32>) -> Result<usize, Ec2Error> {
    match max_results {
        None => Ok(usize::MAX),
        Some(size @ 5..=500) => Ok(size as usize),
        Some(size) => Err(Ec2Error::invalid_value(
            "maxResults",
            &size.to_string(),
            "Expecting a value between 5 and 500.",
        )),
    }
}

/// `DescribeVolumes`: the project's volumes in creation order.
pub(crate) fn describe(
    cloud: &FakeCloud,
    scope: &Scope,
    input: &DescribeVolumesInput,
) -> Result<DescribeVolumesOutput, Ec2Error> {
    filters::check_names(&input.filters, VOLUME_FILTERS, true)?;
    let page_size = page_size(input.max_results)?;
    if !input.volume_ids.is_empty() && input.max_results.is_some() {
        return Err(paging::ids_with_max_results("volumeSet"));
    }
    let after = input
        .next_token
        .as_deref()
        .map(paging::decode_seq)
        .transpose()?;

    let moment = Moment::of(cloud);
    let state = cloud.read();
    let region = &state.regions[&scope.region];
    let wanted = |view: &VolumeView<'_>| {
        filters::matches_all(&input.filters, |name| filter_values(view, name))
    };

    if !input.volume_ids.is_empty() {
        let mut records = Vec::with_capacity(input.volume_ids.len());
        for volume_id in &input.volume_ids {
            records
                .push(owned(region, scope, volume_id, moment).ok_or_else(|| not_found(volume_id))?);
        }
        records.sort_by_key(|record| record.seq);
        records.dedup_by_key(|record| record.seq);
        let volumes = records
            .into_iter()
            .map(|record| view(region, record, moment))
            .filter(wanted)
            .map(|view| render(&view))
            .collect();
        return Ok(DescribeVolumesOutput {
            volumes,
            next_token: None,
        });
    }
    let Some(storage) = region.storage.get(&scope.project) else {
        return Ok(DescribeVolumesOutput::default());
    };
    let start = after.map_or(0, |seq| seq + 1);
    let mut matching = storage
        .volume_order
        .range(start..)
        .filter_map(|(_, id)| region.volumes.get(id))
        .map(|record| view(region, record, moment))
        .filter(|view| view.state != VolumeState::Deleted)
        .filter(wanted);
    let page: Vec<VolumeView<'_>> = matching.by_ref().take(page_size).collect();
    let next_token = if page.len() == page_size && matching.next().is_some() {
        page.last()
            .map(|view| paging::encode_token(&view.record.seq.to_string()))
    } else {
        None
    };
    Ok(DescribeVolumesOutput {
        volumes: page.iter().map(render).collect(),
        next_token,
    })
}

/// Whether `device` names a block device: `/dev/sdf`, `/dev/xvdb`, `xvdf`.
fn is_device_name(device: &str) -> bool {
    let name = device.strip_prefix("/dev/").unwrap_or(device);
    let letters = name
        .strip_prefix("xvd")
        .or_else(|| name.strip_prefix("sd"))
        .or_else(|| name.strip_prefix("hd"));
    match letters {
        Some(rest) => {
            let rest = rest.trim_end_matches(|c: char| c.is_ascii_digit());
            !rest.is_empty() && rest.len() <= 2 && rest.bytes().all(|b| b.is_ascii_lowercase())
        }
        None => false,
    }
}

/// `AttachVolume`: answers with the attachment `attaching`.
pub(crate) fn attach(
    cloud: &FakeCloud,
    scope: &Scope,
    input: &AttachVolumeInput,
) -> Result<VolumeAttachment, Ec2Error> {
    let moment = Moment::of(cloud);
    let mut state = cloud.write();
    let region = state
        .regions
        .get_mut(&scope.region)
        .ok_or_else(Ec2Error::internal)?;

    // Checks.
    let record = owned(region, scope, &input.volume_id, moment)
        .ok_or_else(|| not_found(&input.volume_id))?;
    let instance = owned_instance(region, scope, &input.instance_id)
        .ok_or_else(|| instance_not_found(&input.instance_id))?;
    let current = view(region, record, moment);
    match current.state {
        VolumeState::Available => {}
        VolumeState::InUse => {
            return Err(Ec2Error::new(
                ErrorCode::VolumeInUse,
                format!("{} is already attached to an instance", record.volume_id),
            ));
        }
        other => return Err(in_state(&record.volume_id, other.as_str())),
    }
    let instance_state = instance.state_at(moment.now, moment.delay);
    if !matches!(
        instance_state,
        InstanceStateName::Running | InstanceStateName::Stopped
    ) {
        return Err(Ec2Error::new(
            ErrorCode::IncorrectInstanceState,
            format!(
                "Instance '{}' is not 'running' or 'stopped'; it is '{}'.",
                input.instance_id,
                instance_state.as_str()
            ),
        ));
    }
    if instance.zone_index != record.zone_index {
        return Err(Ec2Error::new(
            ErrorCode::InvalidVolumeZoneMismatch,
            format!(
                "The volume '{}' is not in the same availability zone as instance '{}'",
                record.volume_id, input.instance_id
            ),
        ));
    }
    if !is_device_name(&input.device) {
        return Err(Ec2Error::invalid_value(
            "device",
            &input.device,
            &format!("{} is not a valid EBS device name.", input.device),
        ));
    }
    let device_taken = attached_to(region, instance, moment)
        .any(|(_, attachment, _)| attachment.device == input.device);
    if device_taken {
        return Err(Ec2Error::new(
            ErrorCode::InvalidParameterValue,
            format!(
                "Invalid value '{}' for unixDevice. Attachment point {} is already in use",
                input.device, input.device
            ),
        ));
    }

    // Change.
    let record = region
        .volumes
        .get_mut(&input.volume_id)
        .ok_or_else(Ec2Error::internal)?;
    let attachment = AttachmentRecord {
        instance_id: input.instance_id.clone(),
        device: input.device.clone(),
        delete_on_termination: false,
        attach_time: attach_time(moment.now),
        detaching: false,
        changed_at: moment.now,
    };
    let answer = attachment_of(record, &attachment, AttachmentState::Attaching, None);
    record.attachment = Some(attachment);
    let instance = region
        .instances
        .get_mut(&input.instance_id)
        .ok_or_else(Ec2Error::internal)?;
    if !instance
        .attached_volumes
        .iter()
        .any(|id| **id == *input.volume_id)
    {
        instance.attached_volumes.push(Text::from(&input.volume_id));
    }
    Ok(answer)
}

/// The time an attachment made at `now` shows: EC2 keeps attach times to the second.
pub(crate) fn attach_time(now: OffsetDateTime) -> OffsetDateTime {
    now.replace_nanosecond(0).unwrap_or(now)
}

/// The volumes attached to `instance` at `moment`, its root volume first, each with its
/// attachment and the attachment's state.
pub(crate) fn attached_to<'a>(
    region: &'a RegionState,
    instance: &'a InstanceRecord,
    moment: Moment,
) -> impl Iterator<Item = (&'a VolumeRecord, &'a AttachmentRecord, AttachmentState)> {
    std::iter::once(&instance.root_volume_id)
        .chain(&instance.attached_volumes)
        .filter_map(|volume_id| region.volumes.get(volume_id.as_ref()))
        .filter_map(move |record| {
            let (attachment, state) = view(region, record, moment).attachment?;
            (*attachment.instance_id == *instance.instance_id)
                .then_some((record, attachment, state))
        })
}

/// `DetachVolume`: answers with the attachment `detaching`.
pub(crate) fn detach(
    cloud: &FakeCloud,
    scope: &Scope,
    input: &DetachVolumeInput,
) -> Result<VolumeAttachment, Ec2Error> {
    let moment = Moment::of(cloud);
    let mut state = cloud.write();
    let region = state
        .regions
        .get_mut(&scope.region)
        .ok_or_else(Ec2Error::internal)?;

    // Checks.
    let record = owned(region, scope, &input.volume_id, moment)
        .ok_or_else(|| not_found(&input.volume_id))?;
    let current = view(region, record, moment);
    let Some((attachment, attachment_state)) = current.attachment else {
        return Err(in_state(&record.volume_id, current.state.as_str()));
    };
    if let Some(instance_id) = &input.instance_id
        && *instance_id != attachment.instance_id
    {
        return Err(Ec2Error::new(
            ErrorCode::InvalidAttachmentNotFound,
            format!(
                "The volume '{}' is not attached to instance '{instance_id}'",
                record.volume_id
            ),
        ));
    }
    if let Some(device) = &input.device
        && *device != attachment.device
    {
        return Err(Ec2Error::new(
            ErrorCode::InvalidAttachmentNotFound,
            format!(
                "The volume {} is not attached to instance {} as device {device}",
                record.volume_id, attachment.instance_id
            ),
        ));
    }
    let root_of_live_instance = attachment.delete_on_termination
        && region
            .instances
            .get(&attachment.instance_id)
            .is_some_and(|instance| {
                instance.root_volume_id.as_ref() == record.volume_id
                    && instance.state_at(moment.now, moment.delay) != InstanceStateName::Stopped
            });
    if root_of_live_instance {
        return Err(Ec2Error::new(
            ErrorCode::IncorrectState,
            format!(
                "Unable to detach root volume '{}' from instance '{}'",
                record.volume_id, attachment.instance_id
            ),
        ));
    }
    if attachment_state == AttachmentState::Detaching {
        // Limitation: Force does not shorten a detachment already under way.
        return Ok(attachment_of(record, attachment, attachment_state, None));
    }

    // Change.
    let record = region
        .volumes
        .get_mut(&input.volume_id)
        .ok_or_else(Ec2Error::internal)?;
    let answer = match record.attachment.as_mut() {
        Some(attachment) => {
            attachment.detaching = true;
            attachment.changed_at = moment.now;
            VolumeAttachment {
                volume_id: input.volume_id.clone(),
                instance_id: attachment.instance_id.clone(),
                device: attachment.device.clone(),
                state: AttachmentState::Detaching,
                attach_time: attachment.attach_time,
                delete_on_termination: None,
            }
        }
        None => return Err(Ec2Error::internal()),
    };
    Ok(answer)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn device_names_are_sd_xvd_or_hd_with_letters() {
        assert!(is_device_name("/dev/sdf"));
        assert!(is_device_name("/dev/xvdba"));
        assert!(is_device_name("xvdh"));
        assert!(is_device_name("/dev/sda1"));
        assert!(!is_device_name("/dev/"));
        assert!(!is_device_name("/dev/nvme0n1"));
        assert!(!is_device_name("sdf!"));
    }
}
