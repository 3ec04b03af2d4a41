//! Images: the shipped public catalog and `DescribeImages`.
//!
//! Every region carries the same six public images, with ids derived from the region
//! and the image's name, so they are identical on every run. Owner ids are the ones AWS
//! shows for these publishers.

use std::collections::BTreeMap;

use crate::ec2::error::{Ec2Error, ErrorCode};
use crate::ec2::model::{
    BlockDeviceMapping, DescribeImagesInput, DescribeImagesOutput, EbsBlockDevice, Image, Tag, Text,
};

use super::filters;
use super::ids::derived_id;
use super::paging;
use super::state::{ImageRecord, ImageTraits, Tags};

/// Amazon's account, owner of Amazon Linux.
pub(crate) const AMAZON_OWNER: &str = "137112412989";
/// Canonical's account, owner of Ubuntu.
pub(crate) const CANONICAL_OWNER: &str = "099720109477";
/// Debian's account.
pub(crate) const DEBIAN_OWNER: &str = "136693071363";
/// The account of Amazon's Windows images.
pub(crate) const WINDOWS_OWNER: &str = "801119661308";

const CREATION_DATE: &str = "2025-01-15T05:22:11.000Z";

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
            };
            (image.image_id.clone(), image)
        })
        .collect()
}

/// Whether `account` may see and launch `image`.
pub(crate) fn visible_to(image: &ImageRecord, account: &str) -> bool {
    image.public || image.owner_id == account
}

/// `InvalidAMIID.NotFound` for the ids in `missing`.
pub(crate) fn not_found(missing: &[&str]) -> Ec2Error {
    Ec2Error::new(
        ErrorCode::InvalidAmiIdNotFound,
        format!("The image id '[{}]' does not exist", missing.join(", ")),
    )
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
        description: Some(image.description.clone()),
        root_device_type: "ebs".into(),
        root_device_name: Some(image.traits.root_device_name.to_string()),
        block_device_mappings: vec![BlockDeviceMapping {
            device_name: Some(image.traits.root_device_name.to_string()),
            virtual_name: None,
            no_device: None,
            ebs: Some(EbsBlockDevice {
                snapshot_id: image.snapshot_id.clone(),
                volume_size: Some(image.volume_size),
                delete_on_termination: Some(true),
                volume_type: Some("gp3".into()),
                iops: Some(3000),
                throughput: Some(125),
                encrypted: Some(false),
                kms_key_id: None,
            }),
        }],
        virtualization_type: image.traits.virtualization_type.to_string(),
        tags: tag_list(&image.tags),
        hypervisor: "xen".into(),
        ena_support: Some(image.ena_support),
        sriov_net_support: Some("simple".into()),
        boot_mode: image.traits.boot_mode.as_deref().map(str::to_owned),
        imds_support: None,
        deprecation_time: None,
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
    "boot-mode",
    "creation-date",
    "description",
    "ena-support",
    "hypervisor",
    "image-id",
    "image-type",
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
    "state",
    "tag-key",
    "tag-value",
    "usage-operation",
    "virtualization-type",
];

fn filter_values(image: &ImageRecord, name: &str) -> Vec<String> {
    let one = |value: &str| vec![value.to_owned()];
    match name {
        "architecture" => one(&image.traits.architecture),
        "block-device-mapping.delete-on-termination" | "ena-support" => one("true"),
        "block-device-mapping.device-name" | "root-device-name" => {
            one(&image.traits.root_device_name)
        }
        "block-device-mapping.snapshot-id" => image.snapshot_id.iter().cloned().collect(),
        "block-device-mapping.volume-size" => vec![image.volume_size.to_string()],
        "block-device-mapping.volume-type" => one("gp3"),
        "boot-mode" => image.traits.boot_mode.iter().map(Text::to_string).collect(),
        "creation-date" => one(&image.creation_date),
        "description" => one(&image.description),
        "hypervisor" => one("xen"),
        "image-id" => one(&image.image_id),
        "image-type" => one(&image.image_type),
        "is-public" => one(if image.public { "true" } else { "false" }),
        "kernel-id" => image.kernel_id.iter().cloned().collect(),
        "manifest-location" => one(&image.location),
        "name" => one(&image.name),
        "owner-alias" => image.owner_alias.iter().cloned().collect(),
        "owner-id" => one(&image.owner_id),
        "platform" => image.traits.platform.iter().map(Text::to_string).collect(),
        "platform-details" => one(&image.traits.platform_details),
        "ramdisk-id" => image.ramdisk_id.iter().cloned().collect(),
        "root-device-type" => one("ebs"),
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
        .map(paging::decode_token)
        .transpose()?;

    let missing: Vec<&str> = input
        .image_ids
        .iter()
        .filter(|id| {
            !images
                .get(*id)
                .is_some_and(|image| visible_to(image, account))
        })
        .map(String::as_str)
        .collect();
    if !missing.is_empty() {
        return Err(not_found(&missing));
    }

    let owner_matches = |image: &ImageRecord| {
        input.owners.is_empty()
            || input.owners.iter().any(|owner| match owner.as_str() {
                "self" => image.owner_id == account,
                "amazon" | "aws-marketplace" => image.owner_alias.as_deref() == Some(owner),
                id => image.owner_id == id,
            })
    };
    let executable_matches = |image: &ImageRecord| {
        input.executable_users.is_empty()
            || input
                .executable_users
                .iter()
                .any(|user| match user.as_str() {
                    "all" => image.public,
                    "self" => visible_to(image, account),
                    id => image.public || image.owner_id == id,
                })
    };
    let wanted = |image: &&ImageRecord| {
        visible_to(image, account)
            && (input.image_ids.is_empty() || input.image_ids.contains(&image.image_id))
            && owner_matches(image)
            && executable_matches(image)
            && filters::matches_all(&input.filters, |name| filter_values(image, name))
    };

    let after = match after {
        None => None,
        Some(position) => Some(position.parse::<u64>().map_err(|_| {
            Ec2Error::new(
                ErrorCode::InvalidParameterValue,
                "The token is not valid.".to_owned(),
            )
        })?),
    };
    let mut listed: Vec<&ImageRecord> = images
        .values()
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
