//! EBS snapshots: CreateSnapshot, DeleteSnapshot, DescribeSnapshots.
//!
//! A snapshot is `pending` until the transition delay has passed, then `completed` at
//! `100%`. A project sees only its own snapshots: the snapshots behind the catalog
//! images belong to their publishers and are not shared.
//!
//! # Limitations
//!
//! - Snapshots cannot be shared (no ModifySnapshotAttribute), so `RestorableBy` and
//!   `Owner` only ever select the caller's own snapshots.
//! - A pending snapshot shows `0%`, never a progress in between.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::ec2::error::{Ec2Error, ErrorCode};
use crate::ec2::model::*;

use super::images::tag_list;
use super::state::{RegionState, Tags, timestamp};
use super::volumes::{self, Moment, storage_entry};
use super::{FakeCloud, Scope, filters, ids, paging, tags};

/// A snapshot as it was taken; its state is computed from the start time.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct SnapshotRecord {
    pub(crate) snapshot_id: String,
    pub(crate) project_id: String,
    pub(crate) owner_id: String,
    /// Where the project's snapshots list it.
    pub(crate) seq: u64,
    pub(crate) volume_id: String,
    pub(crate) volume_size: i32,
    pub(crate) description: String,
    pub(crate) encrypted: bool,
    pub(crate) kms_key_id: Option<String>,
    pub(crate) tags: Tags,
    #[serde(with = "timestamp")]
    pub(crate) start_time: OffsetDateTime,
}

/// `InvalidSnapshot.NotFound` for one id.
pub(crate) fn not_found(snapshot_id: &str) -> Ec2Error {
    Ec2Error::new(
        ErrorCode::InvalidSnapshotNotFound,
        format!("The snapshot '{snapshot_id}' does not exist."),
    )
}

/// The project's snapshot `snapshot_id`, or none for a missing or foreign one.
pub(crate) fn owned<'a>(
    region: &'a RegionState,
    scope: &Scope,
    snapshot_id: &str,
) -> Option<&'a SnapshotRecord> {
    region
        .snapshots
        .get(snapshot_id)
        .filter(|snapshot| snapshot.project_id == scope.project)
}

/// A snapshot as it looks at `moment`.
fn render(record: &SnapshotRecord, moment: Moment) -> Snapshot {
    let completed = moment.settled(record.start_time);
    Snapshot {
        snapshot_id: record.snapshot_id.clone(),
        volume_id: record.volume_id.clone(),
        state: if completed {
            SnapshotState::Completed
        } else {
            SnapshotState::Pending
        },
        state_message: None,
        start_time: record.start_time,
        progress: if completed { 100 } else { 0 },
        owner_id: record.owner_id.clone(),
        owner_alias: None,
        volume_size: record.volume_size,
        description: record.description.clone(),
        encrypted: record.encrypted,
        kms_key_id: record.kms_key_id.clone(),
        tags: tag_list(&record.tags),
    }
}

/// `CreateSnapshot`: answers with the new snapshot `pending`.
pub(crate) fn create(
    cloud: &FakeCloud,
    scope: &Scope,
    input: &CreateSnapshotInput,
) -> Result<Snapshot, Ec2Error> {
    let moment = Moment::of(cloud);
    let mut state = cloud.write();
    let region = state
        .regions
        .get_mut(&scope.region)
        .ok_or_else(Ec2Error::internal)?;

    // Checks.
    let volume = volumes::owned(region, scope, &input.volume_id, moment)
        .ok_or_else(|| volumes::not_found(&input.volume_id))?;
    let volume_state = volumes::view(region, volume, moment).state;
    if volume_state == VolumeState::Creating {
        return Err(Ec2Error::new(
            ErrorCode::IncorrectState,
            format!("Volume '{}' is in the 'creating' state.", input.volume_id),
        ));
    }
    let snapshot_tags = tags::specified(&input.tag_specifications, &["snapshot"], "snapshot")?;
    let quota = cloud.quotas().snapshots;
    let held = region
        .storage
        .get(&scope.project)
        .map_or(0, |storage| storage.snapshot_order.len());
    if held >= quota {
        return Err(Ec2Error::new(
            ErrorCode::SnapshotLimitExceeded,
            format!("The maximum number of snapshots ({quota}) has been reached."),
        ));
    }
    let new = NewSnapshot {
        volume_id: input.volume_id.clone(),
        volume_size: volume.size,
        description: input.description.clone().unwrap_or_default(),
        encrypted: volume.encrypted,
        kms_key_id: volume.kms_key_id.clone(),
        tags: snapshot_tags,
    };

    // Change.
    let snapshot_id = insert(region, scope, new, moment.now);
    let record = &region.snapshots[&snapshot_id];
    Ok(Snapshot {
        state: SnapshotState::Pending,
        progress: 0,
        ..render(record, moment)
    })
}

/// What a new snapshot is taken of.
pub(crate) struct NewSnapshot {
    pub(crate) volume_id: String,
    pub(crate) volume_size: i32,
    pub(crate) description: String,
    pub(crate) encrypted: bool,
    pub(crate) kms_key_id: Option<String>,
    pub(crate) tags: Tags,
}

/// Adds a snapshot to the project, started at `now`, and returns its id.
pub(crate) fn insert(
    region: &mut RegionState,
    scope: &Scope,
    new: NewSnapshot,
    now: OffsetDateTime,
) -> String {
    let mut snapshot_id = ids::random_id("snap-");
    while region.snapshots.contains_key(&snapshot_id) {
        snapshot_id = ids::random_id("snap-");
    }
    let storage = storage_entry(region, scope);
    let seq = storage.next_seq();
    storage.snapshot_order.insert(seq, snapshot_id.clone());
    let record = SnapshotRecord {
        snapshot_id: snapshot_id.clone(),
        project_id: scope.project.clone(),
        owner_id: scope.account.clone(),
        seq,
        volume_id: new.volume_id,
        volume_size: new.volume_size,
        description: new.description,
        encrypted: new.encrypted,
        kms_key_id: new.kms_key_id,
        tags: new.tags,
        start_time: now,
    };
    region.snapshots.insert(snapshot_id.clone(), record);
    snapshot_id
}

/// Removes the project's snapshot `snapshot_id`.
pub(crate) fn remove(region: &mut RegionState, scope: &Scope, snapshot_id: &str) {
    if let Some(record) = region.snapshots.remove(snapshot_id)
        && let Some(storage) = region.storage.get_mut(&scope.project)
    {
        storage.snapshot_order.remove(&record.seq);
    }
}

/// `DeleteSnapshot`: refused while one of the account's images uses the snapshot.
pub(crate) fn delete(
    cloud: &FakeCloud,
    scope: &Scope,
    input: &DeleteSnapshotInput,
) -> Result<(), Ec2Error> {
    let mut state = cloud.write();
    let region = state.region_mut(&scope.region)?;
    owned(region, scope, &input.snapshot_id).ok_or_else(|| not_found(&input.snapshot_id))?;
    if let Some(image) = super::images::snapshot_user(region, &scope.account, &input.snapshot_id) {
        return Err(Ec2Error::new(
            ErrorCode::InvalidSnapshotInUse,
            format!(
                "The snapshot {} is currently in use by {}",
                input.snapshot_id, image.image_id
            ),
        ));
    }
    remove(region, scope, &input.snapshot_id);
    Ok(())
}

const SNAPSHOT_FILTERS: &[&str] = &[
    "snapshot-id",
    "volume-id",
    "status",
    "owner-id",
    "owner-alias",
    "description",
    "progress",
    "start-time",
    "volume-size",
    "encrypted",
    "tag-key",
    "tag-value",
];

fn filter_values(snapshot: &Snapshot, name: &str) -> Vec<String> {
    let one = |value: &str| vec![value.to_owned()];
    match name {
        "snapshot-id" => one(&snapshot.snapshot_id),
        "volume-id" => one(&snapshot.volume_id),
        "status" => one(snapshot.state.as_str()),
        "owner-id" => one(&snapshot.owner_id),
        "owner-alias" => snapshot.owner_alias.iter().cloned().collect(),
        "description" => one(&snapshot.description),
        "progress" => vec![format!("{}%", snapshot.progress)],
        "start-time" => vec![crate::ec2::xml::format_timestamp(snapshot.start_time)],
        "volume-size" => vec![snapshot.volume_size.to_string()],
        "encrypted" => one(if snapshot.encrypted { "true" } else { "false" }),
        "tag-key" => snapshot
            .tags
            .iter()
            .map(|tag| tag.key.to_string())
            .collect(),
        "tag-value" => snapshot
            .tags
            .iter()
            .map(|tag| tag.value.to_string())
            .collect(),
        other => match other.strip_prefix("tag:") {
            Some(key) => snapshot
                .tags
                .iter()
                .filter(|tag| tag.key.as_ref() == key)
                .map(|tag| tag.value.to_string())
                .collect(),
            None => vec![],
        },
    }
}

/// `DescribeSnapshots`: the project's snapshots in creation order.
pub(crate) fn describe(
    cloud: &FakeCloud,
    scope: &Scope,
    input: &DescribeSnapshotsInput,
) -> Result<DescribeSnapshotsOutput, Ec2Error> {
    filters::check_names(&input.filters, SNAPSHOT_FILTERS, true)?;
    let page_size = paging::page_size(input.max_results.map(i64::from))?;
    if !input.snapshot_ids.is_empty() && input.max_results.is_some() {
        return Err(paging::ids_with_max_results("snapshotSet"));
    }
    let after = input
        .next_token
        .as_deref()
        .map(paging::decode_seq)
        .transpose()?;

    let moment = Moment::of(cloud);
    let state = cloud.read();
    let region = &state.regions[&scope.region];
    let account = scope.account.as_str();
    // Every snapshot a project sees is its own, which its account may restore.
    let owner_matches = input.owner_ids.is_empty()
        || input
            .owner_ids
            .iter()
            .any(|owner| owner == "self" || owner == account);
    let restorable_matches = input.restorable_by_user_ids.is_empty()
        || input
            .restorable_by_user_ids
            .iter()
            .any(|user| user == "self" || user == account);
    let wanted = |snapshot: &Snapshot| {
        owner_matches
            && restorable_matches
            && filters::matches_all(&input.filters, |name| filter_values(snapshot, name))
    };

    if !input.snapshot_ids.is_empty() {
        let mut records = Vec::with_capacity(input.snapshot_ids.len());
        for snapshot_id in &input.snapshot_ids {
            records.push(owned(region, scope, snapshot_id).ok_or_else(|| not_found(snapshot_id))?);
        }
        records.sort_by_key(|record| record.seq);
        records.dedup_by_key(|record| record.seq);
        let snapshots = records
            .into_iter()
            .map(|record| render(record, moment))
            .filter(wanted)
            .collect();
        return Ok(DescribeSnapshotsOutput {
            snapshots,
            next_token: None,
        });
    }
    let Some(storage) = region.storage.get(&scope.project) else {
        return Ok(DescribeSnapshotsOutput::default());
    };
    let start = after.map_or(0, |seq| seq + 1);
    let mut matching = storage
        .snapshot_order
        .range(start..)
        .filter_map(|(seq, id)| region.snapshots.get(id).map(|record| (*seq, record)))
        .map(|(seq, record)| (seq, render(record, moment)))
        .filter(|(_, snapshot)| wanted(snapshot));
    let page: Vec<(u64, Snapshot)> = matching.by_ref().take(page_size).collect();
    let next_token = if page.len() == page_size && matching.next().is_some() {
        page.last()
            .map(|(seq, _)| paging::encode_token(&seq.to_string()))
    } else {
        None
    };
    Ok(DescribeSnapshotsOutput {
        snapshots: page.into_iter().map(|(_, snapshot)| snapshot).collect(),
        next_token,
    })
}
