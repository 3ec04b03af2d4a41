//! Images: the shipped public catalog, the accounts' own images (RegisterImage,
//! CreateImage, DeregisterImage and Nova's UpdateImage), DescribeImages, and image
//! attributes.
//!
//! Every region carries the same six public images, with ids derived from the region
//! and the image's name, so they are identical on every run. Owner ids are the ones AWS
//! shows for these publishers.
//!
//! An account sees its own images, public ones, and those whose launch permissions name
//! it. Only the owner may change an image or read its attributes: an image the caller
//! sees but does not own answers `AuthFailure`, one it cannot see answers exactly like a
//! missing one (`InvalidAMIID.NotFound`). Names are unique per account and region.
//!
//! A deregistered image stays as a record, as AWS keeps it for a while: DescribeImages
//! returns nothing for its id (rather than an error), DeregisterImage answers
//! `InvalidAMIID.Unavailable`, and every other action treats it as missing.
//!
//! # Limitations
//!
//! - Images are `available` from the moment RegisterImage or CreateImage answers, never
//!   `pending`; CreateImage's snapshot is `pending` for the transition delay.
//! - CreateImage neither reboots the instance nor honours `NoReboot`: the instance's
//!   state does not change.
//! - An instance-store image's manifest (`ImageLocation`) is not read: its architecture
//!   is `i386` unless `Architecture` says otherwise.
//! - `KernelId` and `RamdiskId` are checked for their form only, since no kernel or RAM
//!   disk images exist.
//! - Launch permissions for organizations and organizational units are kept and shown
//!   but grant nothing, since accounts belong to no organization; their ARNs are not
//!   checked.
//! - A deregistered image's id describes as nothing for as long as the cloud runs, where
//!   AWS eventually answers `InvalidAMIID.NotFound`.
//! - Launching an image makes only its root volume, always `gp3`: the volume type of
//!   the root mapping and the image's other mappings are shown but not used.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::ec2::error::{Ec2Error, ErrorCode};
use crate::ec2::model::*;

use super::filters;
use super::ids::{self, derived_id};
use super::paging;
use super::snapshots::{self, NewSnapshot};
use super::state::{ImageRecord, ImageTraits, InstanceRecord, RegionState, Tags};
use super::volumes::Moment;
use super::{FakeCloud, Scope, instances, tags};

/// Amazon's account, owner of Amazon Linux.
pub(crate) const AMAZON_OWNER: &str = "137112412989";
/// Canonical's account, owner of Ubuntu.
pub(crate) const CANONICAL_OWNER: &str = "099720109477";
/// Debian's account.
pub(crate) const DEBIAN_OWNER: &str = "136693071363";
/// The account of Amazon's Windows images.
pub(crate) const WINDOWS_OWNER: &str = "801119661308";

const CREATION_DATE: &str = "2025-01-15T05:22:11.000Z";

/// The root device of a registered image that names none.
const DEFAULT_ROOT_DEVICE: &str = "/dev/sda1";

/// A block device mapping of an image besides its root device's.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct DeviceMapping {
    pub(crate) device_name: String,
    pub(crate) virtual_name: Option<String>,
    pub(crate) no_device: bool,
    pub(crate) ebs: Option<EbsMapping>,
}

/// The EBS volume a mapping makes at launch.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct EbsMapping {
    pub(crate) snapshot_id: Option<String>,
    pub(crate) volume_size: Option<i64>,
    pub(crate) delete_on_termination: bool,
    pub(crate) volume_type: String,
    pub(crate) encrypted: bool,
}

/// One launch permission of an image.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) enum LaunchGrant {
    /// A group: only `all` exists.
    Group(String),
    /// An account id.
    User(String),
    /// An organization's ARN.
    Organization(String),
    /// An organizational unit's ARN.
    OrganizationalUnit(String),
}

impl LaunchGrant {
    fn to_permission(&self) -> LaunchPermission {
        let mut permission = LaunchPermission::default();
        match self {
            LaunchGrant::Group(group) => permission.group = Some(group.clone()),
            LaunchGrant::User(user) => permission.user_id = Some(user.clone()),
            LaunchGrant::Organization(arn) => permission.organization_arn = Some(arn.clone()),
            LaunchGrant::OrganizationalUnit(arn) => {
                permission.organizational_unit_arn = Some(arn.clone())
            }
        }
        permission
    }
}

struct CatalogEntry {
    owner: &'static str,
    alias: Option<&'static str>,
    name: &'static str,
    description: &'static str,
    architecture: &'static str,
    root_device_name: &'static str,
    volume_size: i64,
    windows: bool,
    boot_mode: Option<&'static str>,
}

const CATALOG: &[CatalogEntry] = &[
    CatalogEntry {
        owner: AMAZON_OWNER,
        alias: Some("amazon"),
        name: "al2023-ami-2023.6.20250115.0-kernel-6.1-x86_64",
        description: "Amazon Linux 2023 AMI 2023.6.20250115.0 x86_64 HVM kernel-6.1",
        architecture: "x86_64",
        root_device_name: "/dev/xvda",
        volume_size: 8,
        windows: false,
        boot_mode: Some("uefi-preferred"),
    },
    CatalogEntry {
        owner: AMAZON_OWNER,
        alias: Some("amazon"),
        name: "al2023-ami-2023.6.20250115.0-kernel-6.1-arm64",
        description: "Amazon Linux 2023 AMI 2023.6.20250115.0 arm64 HVM kernel-6.1",
        architecture: "arm64",
        root_device_name: "/dev/xvda",
        volume_size: 8,
        windows: false,
        boot_mode: Some("uefi"),
    },
    CatalogEntry {
        owner: CANONICAL_OWNER,
        alias: None,
        name: "ubuntu/images/hvm-ssd/ubuntu-jammy-22.04-amd64-server-20250112",
        description: "Canonical, Ubuntu, 22.04 LTS, amd64 jammy image build on 2025-01-12",
        architecture: "x86_64",
        root_device_name: "/dev/sda1",
        volume_size: 8,
        windows: false,
        boot_mode: None,
    },
    CatalogEntry {
        owner: CANONICAL_OWNER,
        alias: None,
        name: "ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-20250115",
        description: "Canonical, Ubuntu, 24.04, amd64 noble image",
        architecture: "x86_64",
        root_device_name: "/dev/sda1",
        volume_size: 8,
        windows: false,
        boot_mode: Some("uefi-preferred"),
    },
    CatalogEntry {
        owner: DEBIAN_OWNER,
        alias: None,
        name: "debian-12-amd64-20250112-1990",
        description: "Debian 12 (20250112-1990)",
        architecture: "x86_64",
        root_device_name: "/dev/xvda",
        volume_size: 8,
        windows: false,
        boot_mode: None,
    },
    CatalogEntry {
        owner: WINDOWS_OWNER,
        alias: Some("amazon"),
        name: "Windows_Server-2022-English-Full-Base-2025.01.15",
        description: "Microsoft Windows Server 2022 Full Locale English AMI provided by Amazon",
        architecture: "x86_64",
        root_device_name: "/dev/sda1",
        volume_size: 30,
        windows: true,
        boot_mode: None,
    },
];

/// The public images of `region`, by id.
pub(crate) fn catalog(region: &str) -> BTreeMap<String, ImageRecord> {
    CATALOG
        .iter()
        .enumerate()
        .map(|(position, entry)| {
            let seed = format!("catalog/{region}/{}", entry.name);
            let image = ImageRecord {
                order: position as u64,
                image_id: derived_id("ami-", &seed),
                owner_id: entry.owner.into(),
                owner_alias: entry.alias.map(Into::into),
                name: entry.name.into(),
                description: entry.description.into(),
                location: format!("{}/{}", entry.alias.unwrap_or(entry.owner), entry.name),
                creation_date: CREATION_DATE.into(),
                public: true,
                image_type: "machine".into(),
                kernel_id: None,
                ramdisk_id: None,
                snapshot_id: Some(derived_id("snap-", &seed)),
                volume_size: entry.volume_size,
                ena_support: true,
                traits: ImageTraits {
                    architecture: entry.architecture.into(),
                    root_device_name: entry.root_device_name.into(),
                    virtualization_type: "hvm".into(),
                    platform: entry.windows.then(|| "windows".into()),
                    platform_details: if entry.windows {
                        "Windows"
                    } else {
                        "Linux/UNIX"
                    }
                    .into(),
                    usage_operation: if entry.windows {
                        "RunInstances:0002"
                    } else {
                        "RunInstances"
                    }
                    .into(),
                    boot_mode: entry.boot_mode.map(Into::into),
                },
                tags: Tags::new(),
                root_device_type: "ebs".into(),
                root_volume_type: "gp3".into(),
                other_mappings: Vec::new(),
                launch_permissions: Vec::new(),
                source_instance_id: None,
                sriov_net_support: Some("simple".into()),
                imds_support: None,
                deregistered: false,
            };
            (image.image_id.clone(), image)
        })
        .collect()
}

/// Whether `id` has an image prefix (`ami-`, `aki-`, `ari-`).
pub(crate) fn is_image_id(id: &str) -> bool {
    ["ami-", "aki-", "ari-"]
        .iter()
        .any(|prefix| id.starts_with(prefix))
}

/// Whether `account` may launch `image`: it owns it, the image is public, or a launch
/// permission names the account.
fn executable_by(image: &ImageRecord, account: &str) -> bool {
    image.public
        || image.owner_id == account
        || image
            .launch_permissions
            .iter()
            .any(|grant| matches!(grant, LaunchGrant::User(user) if user == account))
}

/// Whether `account` may see and launch `image`.
pub(crate) fn visible_to(image: &ImageRecord, account: &str) -> bool {
    !image.deregistered && executable_by(image, account)
}

/// `InvalidAMIID.NotFound` for the ids in `missing`.
pub(crate) fn not_found(missing: &[&str]) -> Ec2Error {
    let message = match missing {
        [one] => format!("The image id '[{one}]' does not exist"),
        many => format!("The image ids '[{}]' do not exist", many.join(", ")),
    };
    Ec2Error::new(ErrorCode::InvalidAmiIdNotFound, message)
}

fn not_authorized(image_id: &str) -> Ec2Error {
    Ec2Error::new(
        ErrorCode::AuthFailure,
        format!("Not authorized for image:{image_id}"),
    )
}

/// The caller's own image `image_id`: one it sees but does not own is `AuthFailure`,
/// one it cannot see `InvalidAMIID.NotFound`.
fn owned<'a>(
    region: &'a RegionState,
    scope: &Scope,
    image_id: &str,
) -> Result<&'a ImageRecord, Ec2Error> {
    match region.images.get(image_id) {
        Some(image) if visible_to(image, &scope.account) => {
            if image.owner_id == scope.account {
                Ok(image)
            } else {
                Err(not_authorized(image_id))
            }
        }
        _ => Err(not_found(&[image_id])),
    }
}

/// [`owned`], to change.
pub(crate) fn owned_mut<'a>(
    region: &'a mut RegionState,
    scope: &Scope,
    image_id: &str,
) -> Result<&'a mut ImageRecord, Ec2Error> {
    owned(region, scope, image_id)?;
    region
        .images
        .get_mut(image_id)
        .ok_or_else(Ec2Error::internal)
}

/// The account's image that uses `snapshot_id`, if one does.
pub(crate) fn snapshot_user<'a>(
    region: &'a RegionState,
    account: &str,
    snapshot_id: &str,
) -> Option<&'a ImageRecord> {
    region.images.values().find(|image| {
        image.owner_id == account
            && !image.deregistered
            && snapshots_of(image).any(|id| id == snapshot_id)
    })
}

/// The snapshots an image's mappings name, the root's first.
fn snapshots_of(image: &ImageRecord) -> impl Iterator<Item = &str> {
    image.snapshot_id.as_deref().into_iter().chain(
        image
            .other_mappings
            .iter()
            .filter_map(|mapping| mapping.ebs.as_ref()?.snapshot_id.as_deref()),
    )
}

/// The root device's mapping, for an EBS-backed image.
fn root_mapping(image: &ImageRecord) -> Option<BlockDeviceMapping> {
    if image.root_device_type != "ebs" {
        return None;
    }
    let gp3 = image.root_volume_type == "gp3";
    Some(BlockDeviceMapping {
        device_name: Some(image.traits.root_device_name.to_string()),
        virtual_name: None,
        no_device: None,
        ebs: Some(EbsBlockDevice {
            snapshot_id: image.snapshot_id.clone(),
            volume_size: Some(image.volume_size),
            delete_on_termination: Some(true),
            volume_type: Some(image.root_volume_type.clone()),
            iops: gp3.then_some(3000),
            throughput: gp3.then_some(125),
            encrypted: Some(false),
            kms_key_id: None,
        }),
    })
}

impl DeviceMapping {
    fn render(&self) -> BlockDeviceMapping {
        BlockDeviceMapping {
            device_name: Some(self.device_name.clone()),
            virtual_name: self.virtual_name.clone(),
            no_device: self.no_device.then(String::new),
            ebs: self.ebs.as_ref().map(|ebs| EbsBlockDevice {
                snapshot_id: ebs.snapshot_id.clone(),
                volume_size: ebs.volume_size,
                delete_on_termination: Some(ebs.delete_on_termination),
                volume_type: Some(ebs.volume_type.clone()),
                encrypted: Some(ebs.encrypted),
                ..Default::default()
            }),
        }
    }
}

/// The image's block device mappings, the root device's first.
fn block_device_mappings(image: &ImageRecord) -> Vec<BlockDeviceMapping> {
    root_mapping(image)
        .into_iter()
        .chain(image.other_mappings.iter().map(DeviceMapping::render))
        .collect()
}

/// An image as `DescribeImages` shows it.
pub(crate) fn render(image: &ImageRecord) -> Image {
    Image {
        image_id: image.image_id.clone(),
        image_location: image.location.clone(),
        image_state: "available".into(),
        image_owner_id: image.owner_id.clone(),
        creation_date: image.creation_date.clone(),
        is_public: image.public,
        product_codes: vec![],
        architecture: image.traits.architecture.to_string(),
        image_type: image.image_type.clone(),
        kernel_id: image.kernel_id.clone(),
        ramdisk_id: image.ramdisk_id.clone(),
        platform: image.traits.platform.as_deref().map(str::to_owned),
        platform_details: Some(image.traits.platform_details.to_string()),
        usage_operation: Some(image.traits.usage_operation.to_string()),
        image_owner_alias: image.owner_alias.clone(),
        name: Some(image.name.clone()),
        description: Some(image.description.clone()).filter(|d| !d.is_empty()),
        root_device_type: image.root_device_type.clone(),
        root_device_name: Some(image.traits.root_device_name.to_string()),
        block_device_mappings: block_device_mappings(image),
        virtualization_type: image.traits.virtualization_type.to_string(),
        tags: tag_list(&image.tags),
        hypervisor: "xen".into(),
        ena_support: Some(image.ena_support),
        sriov_net_support: image.sriov_net_support.clone(),
        boot_mode: image.traits.boot_mode.as_deref().map(str::to_owned),
        imds_support: image.imds_support.clone(),
        deprecation_time: None,
        source_instance_id: image.source_instance_id.clone(),
    }
}

pub(crate) fn tag_list(tags: &Tags) -> Vec<Tag> {
    tags.iter()
        .map(|(key, value)| Tag {
            key: key.clone(),
            value: value.clone(),
        })
        .collect()
}

const IMAGE_FILTERS: &[&str] = &[
    "architecture",
    "block-device-mapping.delete-on-termination",
    "block-device-mapping.device-name",
    "block-device-mapping.snapshot-id",
    "block-device-mapping.volume-size",
    "block-device-mapping.volume-type",
    "block-device-mapping.encrypted",
    "boot-mode",
    "creation-date",
    "description",
    "ena-support",
    "hypervisor",
    "image-id",
    "image-type",
    "imds-support",
    "is-public",
    "kernel-id",
    "manifest-location",
    "name",
    "owner-alias",
    "owner-id",
    "platform",
    "platform-details",
    "ramdisk-id",
    "root-device-name",
    "root-device-type",
    "source-instance-id",
    "state",
    "sriov-net-support",
    "tag-key",
    "tag-value",
    "usage-operation",
    "virtualization-type",
];

fn filter_values(image: &ImageRecord, name: &str) -> Vec<String> {
    let one = |value: &str| vec![value.to_owned()];
    let of_ebs = |value: fn(&EbsBlockDevice) -> Option<String>| {
        block_device_mappings(image)
            .iter()
            .filter_map(|mapping| value(mapping.ebs.as_ref()?))
            .collect()
    };
    match name {
        "architecture" => one(&image.traits.architecture),
        "block-device-mapping.delete-on-termination" => {
            of_ebs(|ebs| ebs.delete_on_termination.map(|d| d.to_string()))
        }
        "block-device-mapping.device-name" => block_device_mappings(image)
            .into_iter()
            .filter_map(|mapping| mapping.device_name)
            .collect(),
        "block-device-mapping.snapshot-id" => snapshots_of(image).map(str::to_owned).collect(),
        "block-device-mapping.volume-size" => {
            of_ebs(|ebs| ebs.volume_size.map(|size| size.to_string()))
        }
        "block-device-mapping.volume-type" => of_ebs(|ebs| ebs.volume_type.clone()),
        "block-device-mapping.encrypted" => of_ebs(|ebs| ebs.encrypted.map(|e| e.to_string())),
        "boot-mode" => image.traits.boot_mode.iter().map(Text::to_string).collect(),
        "creation-date" => one(&image.creation_date),
        "description" => one(&image.description),
        "ena-support" => vec![image.ena_support.to_string()],
        "hypervisor" => one("xen"),
        "image-id" => one(&image.image_id),
        "image-type" => one(&image.image_type),
        "imds-support" => image.imds_support.iter().cloned().collect(),
        "is-public" => vec![image.public.to_string()],
        "kernel-id" => image.kernel_id.iter().cloned().collect(),
        "manifest-location" => one(&image.location),
        "name" => one(&image.name),
        "owner-alias" => image.owner_alias.iter().cloned().collect(),
        "owner-id" => one(&image.owner_id),
        "platform" => image.traits.platform.iter().map(Text::to_string).collect(),
        "platform-details" => one(&image.traits.platform_details),
        "ramdisk-id" => image.ramdisk_id.iter().cloned().collect(),
        "root-device-name" => one(&image.traits.root_device_name),
        "root-device-type" => one(&image.root_device_type),
        "source-instance-id" => image.source_instance_id.iter().cloned().collect(),
        "sriov-net-support" => image.sriov_net_support.iter().cloned().collect(),
        "state" => one("available"),
        "tag-key" => image.tags.keys().map(Text::to_string).collect(),
        "tag-value" => image.tags.values().map(Text::to_string).collect(),
        "usage-operation" => one(&image.traits.usage_operation),
        "virtualization-type" => one(&image.traits.virtualization_type),
        tag => match tag.strip_prefix("tag:") {
            Some(key) => image
                .tags
                .get(key)
                .map(Text::to_string)
                .into_iter()
                .collect(),
            None => vec![],
        },
    }
}

/// Whether `image` belongs to one of `owners`: account ids, `self` or an owner alias.
fn owned_by_any(image: &ImageRecord, owners: &[String], account: &str) -> bool {
    owners.is_empty()
        || owners.iter().any(|owner| match owner.as_str() {
            "self" => image.owner_id == account,
            id if id.bytes().all(|b| b.is_ascii_digit()) => image.owner_id == id,
            alias => image.owner_alias.as_deref() == Some(alias),
        })
}

/// Whether one of `users` (account ids, `self`, `all`) may launch `image`.
fn executable_by_any(image: &ImageRecord, users: &[String], account: &str) -> bool {
    users.is_empty()
        || users.iter().any(|user| match user.as_str() {
            "all" => image.public,
            "self" => executable_by(image, account),
            id => executable_by(image, id),
        })
}

/// `DescribeImages` over the region's images, as `account` sees them.
pub(crate) fn describe_images(
    images: &BTreeMap<String, ImageRecord>,
    account: &str,
    input: &DescribeImagesInput,
) -> Result<DescribeImagesOutput, Ec2Error> {
    filters::check_names(&input.filters, IMAGE_FILTERS, true)?;
    let page_size = paging::page_size(input.max_results)?;
    if !input.image_ids.is_empty() && input.max_results.is_some() {
        return Err(paging::ids_with_max_results("imagesSet"));
    }
    let after = input
        .next_token
        .as_deref()
        .map(paging::decode_seq)
        .transpose()?;

    // A deregistered image of the account's own is not an error: AWS returns empty
    // results for it for a while.
    let missing: Vec<&str> = input
        .image_ids
        .iter()
        .filter(|id| match images.get(*id) {
            Some(image) if image.deregistered => image.owner_id != account,
            Some(image) => !visible_to(image, account),
            None => true,
        })
        .map(String::as_str)
        .collect();
    if !missing.is_empty() {
        return Err(not_found(&missing));
    }

    let wanted = |image: &&ImageRecord| {
        visible_to(image, account)
            && (input.image_ids.is_empty() || input.image_ids.contains(&image.image_id))
            && owned_by_any(image, &input.owners, account)
            && executable_by_any(image, &input.executable_users, account)
            && filters::matches_all(&input.filters, |name| filter_values(image, name))
    };
    // Named images are looked up, not searched for among every image of the region.
    let candidates: Box<dyn Iterator<Item = &ImageRecord>> = if input.image_ids.is_empty() {
        Box::new(images.values())
    } else {
        let mut named: Vec<&ImageRecord> = input
            .image_ids
            .iter()
            .filter_map(|id| images.get(id))
            .collect();
        named.sort_by_key(|image| image.order);
        named.dedup_by_key(|image| image.order);
        Box::new(named.into_iter())
    };
    let mut listed: Vec<&ImageRecord> = candidates
        .filter(|image| after.is_none_or(|last| image.order > last))
        .filter(wanted)
        .collect();
    listed.sort_by_key(|image| image.order);
    let next_token = (listed.len() > page_size)
        .then(|| paging::encode_token(&listed[page_size - 1].order.to_string()));
    let page = listed.into_iter().take(page_size).map(render).collect();
    Ok(DescribeImagesOutput {
        images: page,
        next_token,
    })
}

/// Checks an image name: 3 to 128 letters, digits, spaces and `()[]./-'@_`.
fn check_name(name: &str) -> Result<(), Ec2Error> {
    let allowed = |c: char| c.is_ascii_alphanumeric() || "()[] ./-'@_".contains(c);
    if (3..=128).contains(&name.chars().count()) && name.chars().all(allowed) {
        Ok(())
    } else {
        Err(Ec2Error::new(
            ErrorCode::InvalidAmiNameMalformed,
            "Image names must be 3 to 128 characters long and may contain letters, digits, \
             spaces, and the characters ( ) [ ] . / - ' @ _",
        ))
    }
}

/// Refuses `name` when another live image of the account in the region has it.
fn check_unique_name(region: &RegionState, account: &str, name: &str) -> Result<(), Ec2Error> {
    let taken = region
        .images
        .values()
        .find(|image| image.owner_id == account && !image.deregistered && image.name == name);
    match taken {
        Some(image) => Err(Ec2Error::new(
            ErrorCode::InvalidAmiNameDuplicate,
            format!(
                "AMI name {name} is already in use by AMI {}",
                image.image_id
            ),
        )),
        None => Ok(()),
    }
}

fn check_description(description: &str) -> Result<(), Ec2Error> {
    if description.chars().count() > 255 {
        return Err(Ec2Error::new(
            ErrorCode::InvalidParameterValue,
            "The description of an image may be at most 255 characters long.",
        ));
    }
    Ok(())
}

/// Checks that `value` is one of `allowed` for `parameter`.
fn check_one_of(parameter: &str, value: &str, allowed: &[&str]) -> Result<(), Ec2Error> {
    if allowed.contains(&value) {
        return Ok(());
    }
    Err(not_one_of(parameter, value, allowed))
}

fn not_one_of(parameter: &str, value: &str, allowed: &[&str]) -> Ec2Error {
    Ec2Error::invalid_value(
        parameter,
        value,
        &format!("Valid values: {}.", allowed.join(", ")),
    )
}

/// A mapping besides the root device's, as a request gives it: it must name its device,
/// and an EBS one a snapshot of the project's or a size.
fn other_mapping(
    region: &RegionState,
    scope: &Scope,
    mapping: &BlockDeviceMapping,
) -> Result<DeviceMapping, Ec2Error> {
    let device_name = mapping.device_name.clone().ok_or_else(|| {
        Ec2Error::new(
            ErrorCode::InvalidBlockDeviceMapping,
            "Missing device name in block device mapping.",
        )
    })?;
    let ebs = match &mapping.ebs {
        None => None,
        Some(ebs) => {
            if let Some(snapshot_id) = &ebs.snapshot_id {
                snapshots::owned(region, scope, snapshot_id)
                    .ok_or_else(|| snapshots::not_found(snapshot_id))?;
            } else if ebs.volume_size.is_none() {
                return Err(Ec2Error::new(
                    ErrorCode::InvalidBlockDeviceMapping,
                    format!(
                        "Either snapshot ID or volume size must be provided for: {device_name}"
                    ),
                ));
            }
            Some(EbsMapping {
                snapshot_id: ebs.snapshot_id.clone(),
                volume_size: ebs.volume_size,
                delete_on_termination: ebs.delete_on_termination.unwrap_or(true),
                volume_type: ebs.volume_type.clone().unwrap_or_else(|| "gp2".into()),
                encrypted: ebs.encrypted.unwrap_or(false),
            })
        }
    };
    Ok(DeviceMapping {
        device_name,
        virtual_name: mapping.virtual_name.clone(),
        no_device: mapping.no_device.is_some(),
        ebs,
    })
}

/// The root volume's size: the one asked for, which may not be smaller than the
/// snapshot's, or the snapshot's.
fn root_size(asked: Option<i64>, snapshot_id: &str, snapshot_size: i64) -> Result<i64, Ec2Error> {
    match asked {
        Some(size) if size < snapshot_size => Err(Ec2Error::new(
            ErrorCode::InvalidBlockDeviceMapping,
            format!(
                "Volume of size {size}GB is smaller than snapshot '{snapshot_id}', expect size \
                 >= {snapshot_size}GB"
            ),
        )),
        Some(size) => Ok(size),
        None => Ok(snapshot_size),
    }
}

/// Adds `image` to the region under a new id and the next place in the listing, and
/// returns the id.
fn insert(region: &mut RegionState, prefix: &str, mut image: ImageRecord) -> String {
    let mut image_id = ids::random_id(prefix);
    while region.images.contains_key(&image_id) {
        image_id = ids::random_id(prefix);
    }
    let order = region.next_image_order.max(CATALOG.len() as u64);
    region.next_image_order = order + 1;
    image.order = order;
    image.image_id = image_id.clone();
    region.images.insert(image_id.clone(), image);
    image_id
}

fn creation_date(cloud: &FakeCloud) -> String {
    crate::ec2::xml::format_timestamp(cloud.config_clock_now())
}

/// `RegisterImage`: an EBS-backed image from a snapshot of the project's (a root
/// device mapping with `Ebs.SnapshotId`), or an instance-store image from
/// `ImageLocation`.
pub(crate) fn register(
    cloud: &FakeCloud,
    scope: &Scope,
    input: &RegisterImageInput,
) -> Result<RegisterImageOutput, Ec2Error> {
    let name = input
        .name
        .as_deref()
        .ok_or_else(|| Ec2Error::missing_parameter("Name"))?;
    check_name(name)?;
    let description = input.description.clone().unwrap_or_default();
    check_description(&description)?;
    if let Some(architecture) = &input.architecture {
        check_one_of("architecture", architecture, &["i386", "x86_64", "arm64"])?;
    }
    if let Some(virtualization) = &input.virtualization_type {
        check_one_of(
            "virtualizationType",
            virtualization,
            &["hvm", "paravirtual"],
        )?;
    }
    if let Some(boot_mode) = &input.boot_mode {
        check_one_of(
            "bootMode",
            boot_mode,
            &["legacy-bios", "uefi", "uefi-preferred"],
        )?;
    }
    if let Some(sriov) = &input.sriov_net_support {
        check_one_of("sriovNetSupport", sriov, &["simple"])?;
    }
    if let Some(imds) = &input.imds_support {
        check_one_of("imdsSupport", imds, &["v2.0"])?;
    }
    let image_tags = tags::specified(&input.tag_specifications, &["image"], "image")?;

    let mut state = cloud.write();
    let region = state.region_mut(&scope.region)?;

    // The root device: the mapping of `RootDeviceName`, or the first with a snapshot.
    let root_device_name = input.root_device_name.clone().or_else(|| {
        input
            .block_device_mappings
            .iter()
            .find(|mapping| {
                mapping
                    .ebs
                    .as_ref()
                    .is_some_and(|e| e.snapshot_id.is_some())
            })
            .and_then(|mapping| mapping.device_name.clone())
    });
    let root_device_name = root_device_name.unwrap_or_else(|| DEFAULT_ROOT_DEVICE.into());
    let root = input.block_device_mappings.iter().find_map(|mapping| {
        let ebs = mapping.ebs.as_ref()?;
        let snapshot_id = ebs.snapshot_id.as_ref()?;
        (mapping.device_name.as_deref() == Some(root_device_name.as_str()))
            .then_some((ebs, snapshot_id))
    });
    let (root_device_type, snapshot_id, volume_size, root_volume_type) = match root {
        Some((ebs, snapshot_id)) => {
            let snapshot = snapshots::owned(region, scope, snapshot_id)
                .ok_or_else(|| snapshots::not_found(snapshot_id))?;
            let size = root_size(ebs.volume_size, snapshot_id, snapshot.volume_size.into())?;
            let volume_type = ebs.volume_type.clone().unwrap_or_else(|| "gp2".into());
            ("ebs", Some(snapshot_id.clone()), size, volume_type)
        }
        None if input.image_location.is_some() => ("instance-store", None, 0, String::new()),
        None => {
            return Err(Ec2Error::new(
                ErrorCode::MissingParameter,
                "The request must contain the parameter ImageLocation or a root device \
                 mapping with Ebs.SnapshotId",
            ));
        }
    };
    let other_mappings = input
        .block_device_mappings
        .iter()
        .filter(|mapping| mapping.device_name.as_deref() != Some(root_device_name.as_str()))
        .map(|mapping| other_mapping(region, scope, mapping))
        .collect::<Result<Vec<_>, _>>()?;
    check_unique_name(region, &scope.account, name)?;

    let image = ImageRecord {
        location: input
            .image_location
            .clone()
            .unwrap_or_else(|| format!("{}/{name}", scope.account)),
        kernel_id: input.kernel_id.clone(),
        ramdisk_id: input.ramdisk_id.clone(),
        snapshot_id,
        volume_size,
        ena_support: input.ena_support.unwrap_or(false),
        traits: ImageTraits {
            architecture: input.architecture.clone().unwrap_or("i386".into()).into(),
            root_device_name: root_device_name.into(),
            virtualization_type: input
                .virtualization_type
                .clone()
                .unwrap_or("paravirtual".into())
                .into(),
            boot_mode: input.boot_mode.clone().map(Into::into),
            ..ImageTraits::default()
        },
        tags: image_tags,
        root_device_type: root_device_type.into(),
        root_volume_type,
        other_mappings,
        sriov_net_support: input.sriov_net_support.clone(),
        imds_support: input.imds_support.clone(),
        ..private_image(scope, name, description, creation_date(cloud))
    };
    let image_id = insert(region, "ami-", image);
    Ok(RegisterImageOutput { image_id })
}

/// Whose rules an image name follows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ImageNaming {
    /// EC2's: 3 to 128 characters of a small set, unique among the account's images.
    Ec2,
    /// Glance's, for Nova's `createImage`: the Compute API has checked the name already,
    /// and several images may share it.
    #[cfg(feature = "openstack")]
    Glance,
}

/// `CreateImage`: an EBS-backed image of a running or stopped instance of the
/// project's, with a snapshot of its root volume.
pub(crate) fn create(
    cloud: &FakeCloud,
    scope: &Scope,
    input: &CreateImageInput,
    naming: ImageNaming,
) -> Result<CreateImageOutput, Ec2Error> {
    if naming == ImageNaming::Ec2 {
        check_name(&input.name)?;
    }
    let description = input.description.clone().unwrap_or_default();
    check_description(&description)?;
    let allowed = ["image", "snapshot"];
    let image_tags = tags::specified(&input.tag_specifications, &allowed, "image")?;
    let snapshot_tags = tags::specified(&input.tag_specifications, &allowed, "snapshot")?;

    let moment = Moment::of(cloud);
    let mut state = cloud.write();
    let region = state.region_mut(&scope.region)?;

    // The instance and its root volume.
    let instance = region
        .instances
        .get(&input.instance_id)
        .filter(|instance| instance.project_id == scope.project)
        .ok_or_else(|| instances::not_found(&[&input.instance_id]))?;
    let instance_state = instance.state_at(moment.now, moment.delay);
    if !matches!(
        instance_state,
        InstanceStateName::Running | InstanceStateName::Stopped
    ) {
        return Err(instances::incorrect_state(&input.instance_id, "imaged"));
    }
    let root_device_name = instance.image.root_device_name.to_string();
    let root_volume = region.volumes.get(instance.root_volume_id.as_ref());
    let volume_size = root_volume.map_or(8, |volume| volume.size);
    let (volume_type, encrypted, kms_key_id) = root_volume
        .map_or(("gp3".into(), false, None), |v| {
            (v.volume_type.clone(), v.encrypted, v.kms_key_id.clone())
        });

    // The mappings: the root device's may grow the volume or change its type.
    let mut root_volume_type = volume_type;
    let mut root_volume_size = i64::from(volume_size);
    let mut other_mappings = Vec::new();
    for mapping in &input.block_device_mappings {
        if mapping.device_name.as_deref() == Some(root_device_name.as_str()) {
            if let Some(ebs) = &mapping.ebs {
                let root_id = instance.root_volume_id.to_string();
                root_volume_size = root_size(ebs.volume_size, &root_id, root_volume_size)?;
                if let Some(volume_type) = &ebs.volume_type {
                    root_volume_type = volume_type.clone();
                }
            }
        } else {
            other_mappings.push(other_mapping(region, scope, mapping)?);
        }
    }
    if naming == ImageNaming::Ec2 {
        check_unique_name(region, &scope.account, &input.name)?;
    }
    let image = image_of(
        instance,
        scope,
        &input.name,
        description,
        creation_date(cloud),
    );
    let new_snapshot = NewSnapshot {
        volume_id: instance.root_volume_id.to_string(),
        volume_size,
        description: String::new(),
        encrypted,
        kms_key_id,
        tags: snapshot_tags,
    };

    // Change.
    let image_id = insert(
        region,
        "ami-",
        ImageRecord {
            volume_size: root_volume_size,
            root_volume_type,
            other_mappings,
            tags: image_tags,
            ..image
        },
    );
    let snapshot_id = snapshots::insert(region, scope, new_snapshot, moment.now);
    if let Some(snapshot) = region.snapshots.get_mut(&snapshot_id) {
        snapshot.description = format!(
            "Created by CreateImage({}) for {image_id}",
            input.instance_id
        );
    }
    if let Some(image) = region.images.get_mut(&image_id) {
        image.snapshot_id = Some(snapshot_id);
    }
    Ok(CreateImageOutput { image_id })
}

/// A new private image of `instance`, before its id, mappings and snapshot are known.
fn image_of(
    instance: &InstanceRecord,
    scope: &Scope,
    name: &str,
    description: String,
    creation_date: String,
) -> ImageRecord {
    ImageRecord {
        kernel_id: instance.kernel_id.as_ref().map(Text::to_string),
        ramdisk_id: instance.ramdisk_id.as_ref().map(Text::to_string),
        ena_support: instance.ena_support,
        traits: instance.image.clone(),
        source_instance_id: Some(instance.instance_id.to_string()),
        sriov_net_support: instance.sriov_net_support.clone(),
        ..private_image(scope, name, description, creation_date)
    }
}

/// A new EBS-backed private image of the account, before its id and contents are known.
fn private_image(
    scope: &Scope,
    name: &str,
    description: String,
    creation_date: String,
) -> ImageRecord {
    ImageRecord {
        order: 0,
        image_id: String::new(),
        owner_id: scope.account.clone(),
        owner_alias: None,
        name: name.to_owned(),
        description,
        location: format!("{}/{name}", scope.account),
        creation_date,
        public: false,
        image_type: "machine".into(),
        kernel_id: None,
        ramdisk_id: None,
        snapshot_id: None,
        volume_size: 0,
        ena_support: false,
        traits: ImageTraits::default(),
        tags: Tags::new(),
        root_device_type: "ebs".into(),
        root_volume_type: String::new(),
        other_mappings: Vec::new(),
        launch_permissions: Vec::new(),
        source_instance_id: None,
        sriov_net_support: None,
        imds_support: None,
        deregistered: false,
    }
}

/// `DeregisterImage`: the owner's image can no longer be launched or described; with
/// `DeleteAssociatedSnapshots`, its snapshots that no other image uses are deleted.
pub(crate) fn deregister(
    cloud: &FakeCloud,
    scope: &Scope,
    input: &DeregisterImageInput,
) -> Result<(), Ec2Error> {
    let mut state = cloud.write();
    let region = state.region_mut(&scope.region)?;
    let image_id = input.image_id.as_str();
    if let Some(image) = region.images.get(image_id)
        && image.deregistered
        && image.owner_id == scope.account
    {
        return Err(Ec2Error::new(
            ErrorCode::InvalidAmiIdUnavailable,
            format!("The image '{image_id}' has been deregistered and is no longer available."),
        ));
    }
    let image = owned_mut(region, scope, image_id)?;
    image.deregistered = true;
    image.public = false;
    image.launch_permissions.clear();
    image.tags.clear();
    if !input.delete_associated_snapshots {
        return Ok(());
    }
    let snapshot_ids: Vec<String> = snapshots_of(image).map(str::to_owned).collect();
    for snapshot_id in snapshot_ids {
        let ours = snapshots::owned(region, scope, &snapshot_id).is_some();
        if ours && snapshot_user(region, &scope.account, &snapshot_id).is_none() {
            snapshots::remove(region, scope, &snapshot_id);
        }
    }
    Ok(())
}

/// Nova's `UpdateImage`: renames the owner's image or changes its description.
pub(crate) fn update(
    cloud: &FakeCloud,
    scope: &Scope,
    input: &UpdateImageInput,
) -> Result<(), Ec2Error> {
    if let Some(name) = &input.name {
        check_name(name)?;
    }
    if let Some(description) = &input.description {
        check_description(description)?;
    }
    let mut state = cloud.write();
    let region = state.region_mut(&scope.region)?;
    let image = owned(region, scope, &input.image_id)?;
    if let Some(name) = &input.name
        && *name != image.name
    {
        check_unique_name(region, &scope.account, name)?;
    }
    let image = owned_mut(region, scope, &input.image_id)?;
    if let Some(name) = &input.name {
        image.name.clone_from(name);
    }
    if let Some(description) = &input.description {
        image.description.clone_from(description);
    }
    Ok(())
}

/// `DescribeImageAttribute`, for the owner only. `blockDeviceMapping` answers
/// `AuthFailure`, as AWS does since it retired that attribute in favour of
/// DescribeImages.
pub(crate) fn describe_attribute(
    cloud: &FakeCloud,
    scope: &Scope,
    input: &DescribeImageAttributeInput,
) -> Result<DescribeImageAttributeOutput, Ec2Error> {
    let state = cloud.read();
    let region = &state.regions[&scope.region];
    let image = owned(region, scope, &input.image_id)?;
    let value = match input.attribute {
        ImageAttributeName::Description => ImageAttributeValue::Description(
            Some(image.description.clone()).filter(|d| !d.is_empty()),
        ),
        ImageAttributeName::Kernel => ImageAttributeValue::Kernel(image.kernel_id.clone()),
        ImageAttributeName::Ramdisk => ImageAttributeValue::Ramdisk(image.ramdisk_id.clone()),
        ImageAttributeName::LaunchPermission => ImageAttributeValue::LaunchPermission(
            image
                .launch_permissions
                .iter()
                .map(LaunchGrant::to_permission)
                .collect(),
        ),
        ImageAttributeName::ProductCodes => ImageAttributeValue::ProductCodes(vec![]),
        ImageAttributeName::BlockDeviceMapping => {
            return Err(Ec2Error::new(
                ErrorCode::AuthFailure,
                "Unauthorized attempt to access restricted resource",
            ));
        }
        ImageAttributeName::SriovNetSupport => {
            ImageAttributeValue::SriovNetSupport(image.sriov_net_support.clone())
        }
        ImageAttributeName::BootMode => {
            ImageAttributeValue::BootMode(image.traits.boot_mode.as_ref().map(Text::to_string))
        }
        ImageAttributeName::ImdsSupport => {
            ImageAttributeValue::ImdsSupport(image.imds_support.clone())
        }
    };
    Ok(DescribeImageAttributeOutput {
        image_id: image.image_id.clone(),
        value,
    })
}

/// The launch permission changes a ModifyImageAttribute asks for: the
/// `LaunchPermission.Add.N`/`Remove.N` form and the `OperationType` form together.
struct PermissionChanges {
    add: Vec<LaunchGrant>,
    remove: Vec<LaunchGrant>,
}

fn invalid_item(value: &str, item_type: &str) -> Ec2Error {
    Ec2Error::new(
        ErrorCode::InvalidAmiAttributeItemValue,
        format!("Invalid attribute item value \"{value}\" for {item_type} item type."),
    )
}

/// The grants of launch permissions: a group must be `all`, a user twelve digits.
fn grants_of(permissions: &[LaunchPermission]) -> Result<Vec<LaunchGrant>, Ec2Error> {
    let mut grants = Vec::new();
    for permission in permissions {
        if let Some(group) = &permission.group {
            grants.push(group_grant(group)?);
        }
        if let Some(user) = &permission.user_id {
            grants.push(user_grant(user)?);
        }
        if let Some(arn) = &permission.organization_arn {
            grants.push(LaunchGrant::Organization(arn.clone()));
        }
        if let Some(arn) = &permission.organizational_unit_arn {
            grants.push(LaunchGrant::OrganizationalUnit(arn.clone()));
        }
    }
    Ok(grants)
}

fn group_grant(group: &str) -> Result<LaunchGrant, Ec2Error> {
    if group == "all" {
        Ok(LaunchGrant::Group(group.to_owned()))
    } else {
        Err(invalid_item(group, "group"))
    }
}

fn user_grant(user: &str) -> Result<LaunchGrant, Ec2Error> {
    if user.len() == 12 && user.bytes().all(|b| b.is_ascii_digit()) {
        Ok(LaunchGrant::User(user.to_owned()))
    } else {
        Err(invalid_item(user, "userId"))
    }
}

fn permission_changes(input: &ModifyImageAttributeInput) -> Result<PermissionChanges, Ec2Error> {
    let mut changes = PermissionChanges {
        add: grants_of(&input.launch_permission_add)?,
        remove: grants_of(&input.launch_permission_remove)?,
    };
    let mut short_form = Vec::new();
    for group in &input.user_groups {
        short_form.push(group_grant(group)?);
    }
    for user in &input.user_ids {
        short_form.push(user_grant(user)?);
    }
    let organizations = input.organization_arns.iter().cloned();
    short_form.extend(organizations.map(LaunchGrant::Organization));
    let units = input.organizational_unit_arns.iter().cloned();
    short_form.extend(units.map(LaunchGrant::OrganizationalUnit));
    if short_form.is_empty() {
        return Ok(changes);
    }
    match input.operation_type.as_deref() {
        Some("add") => changes.add.extend(short_form),
        Some("remove") => changes.remove.extend(short_form),
        Some(other) => return Err(not_one_of("operationType", other, &["add", "remove"])),
        None => return Err(Ec2Error::missing_parameter("OperationType")),
    }
    Ok(changes)
}

/// `ModifyImageAttribute`, for the owner only: `description`, `imdsSupport` (which can
/// only be set to `v2.0`) and `launchPermission`. Every change is checked before any is
/// made.
pub(crate) fn modify_attribute(
    cloud: &FakeCloud,
    scope: &Scope,
    input: &ModifyImageAttributeInput,
) -> Result<(), Ec2Error> {
    // What to change.
    let mut description = input.description.clone();
    let mut imds_support = input.imds_support.clone();
    let permissions = permission_changes(input)?;
    match input.attribute.as_deref() {
        None | Some("launchPermission") => {}
        Some("description") => {
            description = Some(input.value.clone().unwrap_or_default());
        }
        Some("imdsSupport") => {
            let value = input.value.as_deref().unwrap_or_default();
            imds_support = Some(value.to_owned());
        }
        Some(other) => {
            let allowed = ["description", "imdsSupport", "launchPermission"];
            return Err(not_one_of("attribute", other, &allowed));
        }
    }
    if let Some(description) = &description {
        check_description(description)?;
    }
    if let Some(imds) = &imds_support {
        check_one_of("imdsSupport", imds, &["v2.0"])?;
    }
    if !input.product_codes.is_empty() {
        return Err(Ec2Error::new(
            ErrorCode::InvalidParameterValue,
            "Product codes cannot be added to an image with ModifyImageAttribute.",
        ));
    }
    let nothing = description.is_none()
        && imds_support.is_none()
        && permissions.add.is_empty()
        && permissions.remove.is_empty();
    if nothing && input.attribute.is_none() {
        return Err(Ec2Error::missing_parameter("Attribute"));
    }

    // Change.
    let mut state = cloud.write();
    let region = state.region_mut(&scope.region)?;
    let image = owned_mut(region, scope, &input.image_id)?;
    if let Some(description) = description {
        image.description = description;
    }
    if imds_support.is_some() {
        image.imds_support = imds_support;
    }
    for grant in permissions.add {
        if !image.launch_permissions.contains(&grant) {
            image.launch_permissions.push(grant);
        }
    }
    image
        .launch_permissions
        .retain(|grant| !permissions.remove.contains(grant));
    image.public = image
        .launch_permissions
        .iter()
        .any(|grant| matches!(grant, LaunchGrant::Group(_)));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalog_ids_are_the_same_on_every_run_and_differ_by_region() {
        let east = catalog("us-east-1");
        assert_eq!(east.len(), 6);
        assert_eq!(
            east.keys().collect::<Vec<_>>(),
            catalog("us-east-1").keys().collect::<Vec<_>>()
        );
        assert!(
            east.keys()
                .all(|id| super::super::ids::is_well_formed(id, "ami-"))
        );
        let west = catalog("us-west-2");
        assert!(east.keys().all(|id| !west.contains_key(id)));
    }
}
