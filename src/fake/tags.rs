//! Tags on instances, the project's own images, key pairs, security groups, addresses,
//! volumes and snapshots: CreateTags, DeleteTags, DescribeTags.

use crate::ec2::error::{Ec2Error, ErrorCode};
use crate::ec2::model::{
    CreateTagsInput, DeleteTagsInput, DescribeTagsInput, DescribeTagsOutput, Tag, TagDescription,
    TagSpecification,
};

use super::state::{RegionState, Tags};
use super::volumes::Moment;
use super::{FakeCloud, Scope, filters, paging};

/// The most tags a resource may carry.
const MAX_TAGS: usize = 50;

/// Adds `tags` to `existing`, checking keys, values and the limit first.
pub(crate) fn apply(existing: &mut Tags, tags: &[Tag]) -> Result<(), Ec2Error> {
    for tag in tags {
        check(tag)?;
    }
    let new_keys = tags
        .iter()
        .filter(|tag| !existing.contains_key(&tag.key))
        .map(|tag| tag.key.as_str())
        .collect::<std::collections::BTreeSet<_>>()
        .len();
    if existing.len() + new_keys > MAX_TAGS {
        return Err(Ec2Error::new(
            ErrorCode::TagLimitExceeded,
            "The maximum number of Tags for a resource has been reached.",
        ));
    }
    for tag in tags {
        existing.insert(tag.key.clone(), tag.value.clone());
    }
    Ok(())
}

/// The tags that `specifications` give resources of `resource_type`, when every
/// specification names one of the `allowed` resource types.
pub(crate) fn specified(
    specifications: &[TagSpecification],
    allowed: &[&str],
    resource_type: &str,
) -> Result<Tags, Ec2Error> {
    let mut specified = Tags::new();
    for specification in specifications {
        if !allowed.contains(&specification.resource_type.as_str()) {
            return Err(Ec2Error::new(
                ErrorCode::InvalidParameterValue,
                format!(
                    "'{}' is not a valid taggable resource type for this operation.",
                    specification.resource_type
                ),
            ));
        }
        if specification.resource_type == resource_type {
            apply(&mut specified, &specification.tags)?;
        }
    }
    Ok(specified)
}

fn check(tag: &Tag) -> Result<(), Ec2Error> {
    if tag.key.is_empty() || tag.key.chars().count() > 128 {
        return Err(Ec2Error::new(
            ErrorCode::InvalidParameterValue,
            format!(
                "Tag key must be between 1 and 128 characters long: '{}'",
                tag.key
            ),
        ));
    }
    if tag.key.to_ascii_lowercase().starts_with("aws:") {
        return Err(Ec2Error::new(
            ErrorCode::InvalidParameterValue,
            format!(
                "Tag keys starting with 'aws:' are reserved for internal use: '{}'",
                tag.key
            ),
        ));
    }
    if tag.value.chars().count() > 256 {
        return Err(Ec2Error::new(
            ErrorCode::InvalidParameterValue,
            format!(
                "Tag value is longer than 256 characters for key '{}'",
                tag.key
            ),
        ));
    }
    Ok(())
}

/// The error AWS answers for a resource id the project cannot tag: `InvalidID` for one
/// that is not well formed, else the resource's own not-found code.
fn not_found(resource_id: &str) -> Ec2Error {
    let prefix = resource_id
        .find('-')
        .map_or(resource_id, |dash| &resource_id[..=dash]);
    if !super::ids::is_well_formed(resource_id, prefix) {
        Ec2Error::new(
            ErrorCode::InvalidId,
            format!("The ID '{resource_id}' is not valid"),
        )
    } else if resource_id.starts_with("i-") {
        Ec2Error::new(
            ErrorCode::InvalidInstanceIdNotFound,
            format!("The instance ID '{resource_id}' does not exist"),
        )
    } else if resource_id.starts_with("vol-") {
        super::volumes::not_found(resource_id)
    } else if resource_id.starts_with("snap-") {
        super::snapshots::not_found(resource_id)
    } else if super::images::is_image_id(resource_id) {
        super::images::not_found(&[resource_id])
    } else if resource_id.starts_with("key-") {
        Ec2Error::new(
            ErrorCode::InvalidKeyPairIdNotFound,
            format!("The key pair ID '{resource_id}' does not exist"),
        )
    } else if resource_id.starts_with("sg-") {
        Ec2Error::new(
            ErrorCode::InvalidGroupNotFound,
            format!("The security group '{resource_id}' does not exist"),
        )
    } else if resource_id.starts_with("eipalloc-") {
        Ec2Error::new(
            ErrorCode::InvalidAllocationIdNotFound,
            format!("The allocation ID '{resource_id}' does not exist"),
        )
    } else {
        Ec2Error::new(
            ErrorCode::InvalidId,
            format!("The ID '{resource_id}' is not valid"),
        )
    }
}

/// The tags of the project's resource `resource_id`, or none when it has no such one.
fn tags_of<'a>(
    region: &'a mut RegionState,
    scope: &Scope,
    resource_id: &str,
    moment: Moment,
) -> Option<&'a mut Tags> {
    if resource_id.starts_with("i-") {
        region
            .instances
            .get_mut(resource_id)
            .filter(|record| record.project_id == scope.project)
            .map(|record| &mut record.tags)
    } else if resource_id.starts_with("vol-") {
        super::volumes::owned(region, scope, resource_id, moment)?;
        region
            .volumes
            .get_mut(resource_id)
            .map(|volume| &mut volume.tags)
    } else if resource_id.starts_with("snap-") {
        region
            .snapshots
            .get_mut(resource_id)
            .filter(|snapshot| snapshot.project_id == scope.project)
            .map(|snapshot| &mut snapshot.tags)
    } else if super::images::is_image_id(resource_id) {
        super::images::owned_mut(region, scope, resource_id)
            .ok()
            .map(|image| &mut image.tags)
    } else if resource_id.starts_with("key-") {
        region
            .projects
            .get_mut(&scope.project)?
            .key_pairs
            .values_mut()
            .find(|key_pair| key_pair.key_pair_id == resource_id)
            .map(|key_pair| &mut key_pair.tags)
    } else if resource_id.starts_with("sg-") {
        super::security_groups::tags_mut(region, scope, resource_id)
    } else if resource_id.starts_with("eipalloc-") {
        super::addresses::tags_mut(region, scope, resource_id)
    } else {
        None
    }
}

/// `CreateTags`: all resources and tags are checked before any changes.
pub(crate) fn create(
    cloud: &FakeCloud,
    scope: &Scope,
    input: &CreateTagsInput,
) -> Result<(), Ec2Error> {
    let moment = Moment::of(cloud);
    let mut state = cloud.write();
    let region = state
        .regions
        .get_mut(&scope.region)
        .ok_or_else(Ec2Error::internal)?;
    for resource_id in &input.resource_ids {
        let existing =
            tags_of(region, scope, resource_id, moment).ok_or_else(|| not_found(resource_id))?;
        let mut trial = existing.clone();
        apply(&mut trial, &input.tags)?;
    }
    for resource_id in &input.resource_ids {
        if let Some(existing) = tags_of(region, scope, resource_id, moment) {
            apply(existing, &input.tags)?;
        }
    }
    Ok(())
}

/// `DeleteTags`: a tag given with a value is deleted only when the value is equal; one
/// given without a value is deleted whatever its value; no tags deletes them all.
pub(crate) fn delete(
    cloud: &FakeCloud,
    scope: &Scope,
    input: &DeleteTagsInput,
) -> Result<(), Ec2Error> {
    let moment = Moment::of(cloud);
    let mut state = cloud.write();
    let region = state
        .regions
        .get_mut(&scope.region)
        .ok_or_else(Ec2Error::internal)?;
    for resource_id in &input.resource_ids {
        tags_of(region, scope, resource_id, moment).ok_or_else(|| not_found(resource_id))?;
    }
    for tag in &input.tags {
        if tag.key.to_ascii_lowercase().starts_with("aws:") {
            return Err(Ec2Error::new(
                ErrorCode::InvalidParameterValue,
                format!(
                    "Tag keys starting with 'aws:' are reserved for internal use: '{}'",
                    tag.key
                ),
            ));
        }
    }
    for resource_id in &input.resource_ids {
        let Some(existing) = tags_of(region, scope, resource_id, moment) else {
            continue;
        };
        if input.tags.is_empty() {
            existing.clear();
        }
        for tag in &input.tags {
            let matches = match &tag.value {
                None => true,
                Some(value) => existing.get(tag.key.as_str()).is_some_and(|v| v == value),
            };
            if matches {
                existing.remove(tag.key.as_str());
            }
        }
    }
    Ok(())
}

const TAG_FILTERS: &[&str] = &["key", "value", "resource-id", "resource-type"];

/// `DescribeTags`: the project's tags, ordered by resource id, then key.
pub(crate) fn describe(
    cloud: &FakeCloud,
    scope: &Scope,
    input: &DescribeTagsInput,
) -> Result<DescribeTagsOutput, Ec2Error> {
    filters::check_names(&input.filters, TAG_FILTERS, true)?;
    let page_size = paging::page_size(input.max_results)?;
    let after = match &input.next_token {
        None => None,
        Some(token) => {
            let position = paging::decode_token(token)?;
            let (resource_id, key) = position
                .split_once('\n')
                .ok_or_else(paging::invalid_token)?;
            Some((resource_id.to_owned(), key.to_owned()))
        }
    };

    let moment = Moment::of(cloud);
    let state = cloud.read();
    let region = &state.regions[&scope.region];
    let mut resources: Vec<(&str, &str, &Tags)> = Vec::new();
    if let Some(storage) = region.storage.get(&scope.project) {
        for id in storage.volume_order.values() {
            if let Some(volume) = super::volumes::owned(region, scope, id, moment) {
                resources.push((&volume.volume_id, "volume", &volume.tags));
            }
        }
        for id in storage.snapshot_order.values() {
            if let Some(snapshot) = region.snapshots.get(id) {
                resources.push((&snapshot.snapshot_id, "snapshot", &snapshot.tags));
            }
        }
    }
    if let Some(project) = region.projects.get(&scope.project) {
        for id in project.launch_order.values() {
            if let Some(record) = region.instances.get(id) {
                resources.push((&record.instance_id, "instance", &record.tags));
            }
        }
        for key_pair in project.key_pairs.values() {
            resources.push((&key_pair.key_pair_id, "key-pair", &key_pair.tags));
        }
        for (group_id, tags) in super::security_groups::tagged(project) {
            resources.push((group_id, "security-group", tags));
        }
        for (allocation_id, tags) in super::addresses::tagged(project) {
            resources.push((allocation_id, "elastic-ip", tags));
        }
    }
    for image in region.images.values() {
        if image.owner_id == scope.account && !image.deregistered && !image.tags.is_empty() {
            resources.push((&image.image_id, "image", &image.tags));
        }
    }
    resources.retain(|(_, _, tags)| !tags.is_empty());
    resources.sort_by_key(|(id, _, _)| *id);

    let mut matching = resources
        .into_iter()
        .flat_map(|(id, kind, tags)| {
            tags.iter().map(move |(key, value)| TagDescription {
                resource_id: id.to_owned(),
                resource_type: kind.to_owned(),
                key: key.to_string(),
                value: value.to_string(),
            })
        })
        .filter(|tag| match &after {
            Some((id, key)) => (&tag.resource_id, &tag.key) > (id, key),
            None => true,
        })
        .filter(|tag| {
            filters::matches_all(&input.filters, |name| match name {
                "key" => vec![tag.key.clone()],
                "value" => vec![tag.value.clone()],
                "resource-id" => vec![tag.resource_id.clone()],
                "resource-type" => vec![tag.resource_type.clone()],
                other => match other.strip_prefix("tag:") {
                    Some(key) if key == tag.key => vec![tag.value.clone()],
                    _ => vec![],
                },
            })
        });
    let tags: Vec<TagDescription> = matching.by_ref().take(page_size).collect();
    let next_token = if tags.len() == page_size && matching.next().is_some() {
        tags.last()
            .map(|tag| paging::encode_token(&format!("{}\n{}", tag.resource_id, tag.key)))
    } else {
        None
    };
    Ok(DescribeTagsOutput { tags, next_token })
}
