//! Images: register, deregister, create from an instance, describe, attributes, and Nova's
//! `UpdateImage`.

use super::{FromArgs, ProductCode, Return, Tag, TagSpecification};
use crate::ec2::args::{Args, Filter, Node};
use crate::ec2::error::{Ec2Error, ErrorCode};
use crate::ec2::xml::{ToXml, XmlWriter};

/// The EBS part of a block device mapping.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EbsBlockDevice {
    /// `SnapshotId`.
    pub snapshot_id: Option<String>,
    /// `VolumeSize`, GiB.
    pub volume_size: Option<i64>,
    /// `DeleteOnTermination`.
    pub delete_on_termination: Option<bool>,
    /// `VolumeType`: `gp2`, `gp3`, `io1`…
    pub volume_type: Option<String>,
    /// `Iops`.
    pub iops: Option<i64>,
    /// `Throughput`, MiB/s.
    pub throughput: Option<i64>,
    /// `Encrypted`.
    pub encrypted: Option<bool>,
    /// `KmsKeyId`.
    pub kms_key_id: Option<String>,
}

impl ToXml for EbsBlockDevice {
    fn write_xml(&self, writer: &mut XmlWriter) {
        writer.field("snapshotId", &self.snapshot_id);
        writer.field("volumeSize", &self.volume_size);
        writer.field("deleteOnTermination", &self.delete_on_termination);
        writer.field("volumeType", &self.volume_type);
        writer.field("iops", &self.iops);
        writer.field("throughput", &self.throughput);
        writer.field("encrypted", &self.encrypted);
        writer.field("kmsKeyId", &self.kms_key_id);
    }
}

/// A block device mapping, as requests give it (`BlockDeviceMapping.N.*`) and images
/// show it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BlockDeviceMapping {
    /// `DeviceName`.
    pub device_name: Option<String>,
    /// `VirtualName` (`ephemeral0`…).
    pub virtual_name: Option<String>,
    /// `NoDevice`: suppress the image's mapping of this device.
    pub no_device: Option<String>,
    /// `Ebs.*`.
    pub ebs: Option<EbsBlockDevice>,
}

impl BlockDeviceMapping {
    /// Reads the mappings listed at `path` below `node` (`BlockDeviceMapping`).
    pub fn list_from(node: &Node, path: &str) -> Result<Vec<BlockDeviceMapping>, Ec2Error> {
        node.list(path)
            .into_iter()
            .map(|item| {
                let ebs = match item.get("Ebs") {
                    None => None,
                    Some(ebs) => Some({
                        ebs.accept_unused(&[
                            "AvailabilityZone",
                            "AvailabilityZoneId",
                            "EbsCardIndex",
                            "OutpostArn",
                            "VolumeInitializationRate",
                        ]);
                        EbsBlockDevice {
                            snapshot_id: ebs.string("SnapshotId"),
                            volume_size: ebs.number("VolumeSize")?,
                            delete_on_termination: ebs.boolean("DeleteOnTermination")?,
                            volume_type: ebs.string("VolumeType"),
                            iops: ebs.number("Iops")?,
                            throughput: ebs.number("Throughput")?,
                            encrypted: ebs.boolean("Encrypted")?,
                            kms_key_id: ebs.string("KmsKeyId"),
                        }
                    }),
                };
                Ok(BlockDeviceMapping {
                    device_name: item.string("DeviceName"),
                    virtual_name: item.string("VirtualName"),
                    no_device: item.string("NoDevice"),
                    ebs,
                })
            })
            .collect()
    }
}

impl ToXml for BlockDeviceMapping {
    fn write_xml(&self, writer: &mut XmlWriter) {
        writer.field("deviceName", &self.device_name);
        writer.field("virtualName", &self.virtual_name);
        writer.field("noDevice", &self.no_device);
        writer.field("ebs", &self.ebs);
    }
}

// DescribeImages.

/// The input of `DescribeImages`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DescribeImagesInput {
    /// `ImageId.N`.
    pub image_ids: Vec<String>,
    /// `Owner.N`: account ids, `self`, `amazon`, `aws-marketplace`.
    pub owners: Vec<String>,
    /// `ExecutableBy.N`: account ids, `self`, `all`.
    pub executable_users: Vec<String>,
    /// `Filter.N`.
    pub filters: Vec<Filter>,
    /// `IncludeDeprecated`.
    pub include_deprecated: Option<bool>,
    /// `IncludeDisabled`.
    pub include_disabled: Option<bool>,
    /// `MaxResults`.
    pub max_results: Option<i64>,
    /// `NextToken`.
    pub next_token: Option<String>,
}

impl FromArgs for DescribeImagesInput {
    fn from_args(args: &Args) -> Result<Self, Ec2Error> {
        Ok(DescribeImagesInput {
            image_ids: args.strings("ImageId"),
            owners: args.strings("Owner"),
            executable_users: args.strings("ExecutableBy"),
            filters: args.filters("Filter")?,
            include_deprecated: args.boolean("IncludeDeprecated")?,
            include_disabled: args.boolean("IncludeDisabled")?,
            max_results: args.number("MaxResults")?,
            next_token: args.string("NextToken"),
        })
    }
}

/// An image, as `DescribeImages` shows it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Image {
    /// `ami-…`, `aki-…` or `ari-…`.
    pub image_id: String,
    /// `owner/name` or the S3 manifest path.
    pub image_location: String,
    /// `pending`, `available`, `invalid`, `deregistered`, `transient`, `failed`, `error`.
    pub image_state: String,
    /// The owner's account id.
    pub image_owner_id: String,
    /// When the image was created, `YYYY-MM-DDTHH:MM:SS.000Z`.
    pub creation_date: String,
    /// Whether anyone may launch it.
    pub is_public: bool,
    /// Product codes.
    pub product_codes: Vec<ProductCode>,
    /// `x86_64`, `arm64`, `i386`.
    pub architecture: String,
    /// `machine`, `kernel` or `ramdisk`.
    pub image_type: String,
    /// The kernel image.
    pub kernel_id: Option<String>,
    /// The RAM disk image.
    pub ramdisk_id: Option<String>,
    /// `windows` for Windows images.
    pub platform: Option<String>,
    /// The platform, as billing names it (`Linux/UNIX`, `Windows`).
    pub platform_details: Option<String>,
    /// The usage operation (`RunInstances`, `RunInstances:0002`).
    pub usage_operation: Option<String>,
    /// `amazon`, `aws-marketplace` or none.
    pub image_owner_alias: Option<String>,
    /// The name.
    pub name: Option<String>,
    /// The description.
    pub description: Option<String>,
    /// `ebs` or `instance-store`.
    pub root_device_type: String,
    /// The root device (`/dev/xvda`).
    pub root_device_name: Option<String>,
    /// The block device mappings.
    pub block_device_mappings: Vec<BlockDeviceMapping>,
    /// `hvm` or `paravirtual`.
    pub virtualization_type: String,
    /// Tags.
    pub tags: Vec<Tag>,
    /// `xen` or `ovm`.
    pub hypervisor: String,
    /// Whether ENA is enabled.
    pub ena_support: Option<bool>,
    /// `simple` when enhanced networking with the Intel 82599 VF is on.
    pub sriov_net_support: Option<String>,
    /// `legacy-bios`, `uefi` or `uefi-preferred`.
    pub boot_mode: Option<String>,
    /// `v2.0` when IMDSv2 is required.
    pub imds_support: Option<String>,
    /// When the image is deprecated, `YYYY-MM-DDTHH:MM:SS.000Z`.
    pub deprecation_time: Option<String>,
    /// The instance `CreateImage` made the image from.
    pub source_instance_id: Option<String>,
}

impl ToXml for Image {
    fn write_xml(&self, writer: &mut XmlWriter) {
        writer.field("imageId", &self.image_id);
        writer.field("imageLocation", &self.image_location);
        writer.field("imageState", &self.image_state);
        writer.field("imageOwnerId", &self.image_owner_id);
        writer.field("creationDate", &self.creation_date);
        writer.field("isPublic", &self.is_public);
        writer.list_if_any("productCodes", &self.product_codes);
        writer.field("architecture", &self.architecture);
        writer.field("imageType", &self.image_type);
        writer.field("kernelId", &self.kernel_id);
        writer.field("ramdiskId", &self.ramdisk_id);
        writer.field("platform", &self.platform);
        writer.field("platformDetails", &self.platform_details);
        writer.field("usageOperation", &self.usage_operation);
        writer.field("imageOwnerAlias", &self.image_owner_alias);
        writer.field("name", &self.name);
        writer.field("description", &self.description);
        writer.field("rootDeviceType", &self.root_device_type);
        writer.field("rootDeviceName", &self.root_device_name);
        writer.list("blockDeviceMapping", &self.block_device_mappings);
        writer.field("virtualizationType", &self.virtualization_type);
        writer.list_if_any("tagSet", &self.tags);
        writer.field("hypervisor", &self.hypervisor);
        writer.field("enaSupport", &self.ena_support);
        writer.field("sriovNetSupport", &self.sriov_net_support);
        writer.field("bootMode", &self.boot_mode);
        writer.field("imdsSupport", &self.imds_support);
        writer.field("deprecationTime", &self.deprecation_time);
        writer.field("sourceInstanceId", &self.source_instance_id);
    }
}

/// The output of `DescribeImages`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DescribeImagesOutput {
    /// The images.
    pub images: Vec<Image>,
    /// The token of the next page, when there is one.
    pub next_token: Option<String>,
}

impl ToXml for DescribeImagesOutput {
    fn write_xml(&self, writer: &mut XmlWriter) {
        writer.list("imagesSet", &self.images);
        writer.field("nextToken", &self.next_token);
    }
}

// RegisterImage, DeregisterImage, CreateImage.

/// The input of `RegisterImage`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RegisterImageInput {
    /// `ImageLocation`: an S3 manifest, for instance-store images.
    pub image_location: Option<String>,
    /// `Name`.
    pub name: Option<String>,
    /// `Description`.
    pub description: Option<String>,
    /// `Architecture`.
    pub architecture: Option<String>,
    /// `KernelId`.
    pub kernel_id: Option<String>,
    /// `RamdiskId`.
    pub ramdisk_id: Option<String>,
    /// `RootDeviceName`.
    pub root_device_name: Option<String>,
    /// `BlockDeviceMapping.N`.
    pub block_device_mappings: Vec<BlockDeviceMapping>,
    /// `VirtualizationType`.
    pub virtualization_type: Option<String>,
    /// `SriovNetSupport`.
    pub sriov_net_support: Option<String>,
    /// `EnaSupport`.
    pub ena_support: Option<bool>,
    /// `BootMode`.
    pub boot_mode: Option<String>,
    /// `TpmSupport`.
    pub tpm_support: Option<String>,
    /// `ImdsSupport`.
    pub imds_support: Option<String>,
    /// `BillingProduct.N`.
    pub billing_products: Vec<String>,
    /// `TagSpecification.N`.
    pub tag_specifications: Vec<TagSpecification>,
}

impl FromArgs for RegisterImageInput {
    fn from_args(args: &Args) -> Result<Self, Ec2Error> {
        args.accept_unused(&["UefiData"]);
        Ok(RegisterImageInput {
            image_location: args.string("ImageLocation"),
            name: args.string("Name"),
            description: args.string("Description"),
            architecture: args.string("Architecture"),
            kernel_id: args.string("KernelId"),
            ramdisk_id: args.string("RamdiskId"),
            root_device_name: args.string("RootDeviceName"),
            block_device_mappings: BlockDeviceMapping::list_from(args, "BlockDeviceMapping")?,
            virtualization_type: args.string("VirtualizationType"),
            sriov_net_support: args.string("SriovNetSupport"),
            ena_support: args.boolean("EnaSupport")?,
            boot_mode: args.string("BootMode"),
            tpm_support: args.string("TpmSupport"),
            imds_support: args.string("ImdsSupport"),
            billing_products: args.strings("BillingProduct"),
            tag_specifications: TagSpecification::list_from(args)?,
        })
    }
}

/// The output of `RegisterImage` and `CreateImage`: the new image's id.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RegisterImageOutput {
    /// `ami-…`.
    pub image_id: String,
}

impl ToXml for RegisterImageOutput {
    fn write_xml(&self, writer: &mut XmlWriter) {
        writer.field("imageId", &self.image_id);
    }
}

/// The output of `CreateImage`: the new image's id.
pub type CreateImageOutput = RegisterImageOutput;

/// The input of `DeregisterImage`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DeregisterImageInput {
    /// `ImageId`.
    pub image_id: String,
    /// `DeleteAssociatedSnapshots`.
    pub delete_associated_snapshots: bool,
}

impl FromArgs for DeregisterImageInput {
    fn from_args(args: &Args) -> Result<Self, Ec2Error> {
        Ok(DeregisterImageInput {
            image_id: args.required("ImageId")?.to_owned(),
            delete_associated_snapshots: args
                .boolean("DeleteAssociatedSnapshots")?
                .unwrap_or(false),
        })
    }
}

/// The output of `DeregisterImage`: `<return>true</return>`.
pub type DeregisterImageOutput = Return;

/// The input of `CreateImage`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CreateImageInput {
    /// `InstanceId`.
    pub instance_id: String,
    /// `Name`.
    pub name: String,
    /// `Description`.
    pub description: Option<String>,
    /// `NoReboot`.
    pub no_reboot: bool,
    /// `BlockDeviceMapping.N`.
    pub block_device_mappings: Vec<BlockDeviceMapping>,
    /// `TagSpecification.N`.
    pub tag_specifications: Vec<TagSpecification>,
}

impl FromArgs for CreateImageInput {
    fn from_args(args: &Args) -> Result<Self, Ec2Error> {
        args.accept_unused(&["BootModeOverride", "SnapshotLocation"]);
        Ok(CreateImageInput {
            instance_id: args.required("InstanceId")?.to_owned(),
            name: args.required("Name")?.to_owned(),
            description: args.string("Description"),
            no_reboot: args.boolean("NoReboot")?.unwrap_or(false),
            block_device_mappings: BlockDeviceMapping::list_from(args, "BlockDeviceMapping")?,
            tag_specifications: TagSpecification::list_from(args)?,
        })
    }
}

// DescribeImageAttribute, ModifyImageAttribute.

/// An image attribute `DescribeImageAttribute` reads.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum ImageAttributeName {
    /// `description`.
    #[default]
    Description,
    /// `kernel`.
    Kernel,
    /// `ramdisk`.
    Ramdisk,
    /// `launchPermission`.
    LaunchPermission,
    /// `productCodes`.
    ProductCodes,
    /// `blockDeviceMapping`.
    BlockDeviceMapping,
    /// `sriovNetSupport`.
    SriovNetSupport,
    /// `bootMode`.
    BootMode,
    /// `imdsSupport`.
    ImdsSupport,
}

impl ImageAttributeName {
    const ALL: [ImageAttributeName; 9] = [
        ImageAttributeName::Description,
        ImageAttributeName::Kernel,
        ImageAttributeName::Ramdisk,
        ImageAttributeName::LaunchPermission,
        ImageAttributeName::ProductCodes,
        ImageAttributeName::BlockDeviceMapping,
        ImageAttributeName::SriovNetSupport,
        ImageAttributeName::BootMode,
        ImageAttributeName::ImdsSupport,
    ];

    /// The attribute's wire name, which is also its response element.
    pub const fn as_str(self) -> &'static str {
        match self {
            ImageAttributeName::Description => "description",
            ImageAttributeName::Kernel => "kernel",
            ImageAttributeName::Ramdisk => "ramdisk",
            ImageAttributeName::LaunchPermission => "launchPermission",
            ImageAttributeName::ProductCodes => "productCodes",
            ImageAttributeName::BlockDeviceMapping => "blockDeviceMapping",
            ImageAttributeName::SriovNetSupport => "sriovNetSupport",
            ImageAttributeName::BootMode => "bootMode",
            ImageAttributeName::ImdsSupport => "imdsSupport",
        }
    }

    /// The attribute named `name`; an unknown one is `InvalidRequest`, as AWS answers it.
    pub fn from_wire(name: &str) -> Result<Self, Ec2Error> {
        Self::ALL
            .into_iter()
            .find(|attribute| attribute.as_str() == name)
            .ok_or_else(|| {
                Ec2Error::new(
                    ErrorCode::InvalidRequest,
                    "The request received was invalid.",
                )
            })
    }
}

/// The input of `DescribeImageAttribute`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DescribeImageAttributeInput {
    /// `ImageId`.
    pub image_id: String,
    /// `Attribute`.
    pub attribute: ImageAttributeName,
}

impl FromArgs for DescribeImageAttributeInput {
    fn from_args(args: &Args) -> Result<Self, Ec2Error> {
        let image_id = args.required("ImageId")?.to_owned();
        let attribute = ImageAttributeName::from_wire(args.required("Attribute")?)?;
        Ok(DescribeImageAttributeInput {
            image_id,
            attribute,
        })
    }
}

/// Who may launch an image: a group (`all`), an account, an organization or an
/// organizational unit.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LaunchPermission {
    /// `all` for a public image.
    pub group: Option<String>,
    /// An account id.
    pub user_id: Option<String>,
    /// An organization's ARN.
    pub organization_arn: Option<String>,
    /// An organizational unit's ARN.
    pub organizational_unit_arn: Option<String>,
}

impl ToXml for LaunchPermission {
    fn write_xml(&self, writer: &mut XmlWriter) {
        writer.field("group", &self.group);
        writer.field("userId", &self.user_id);
        writer.field("organizationArn", &self.organization_arn);
        writer.field("organizationalUnitArn", &self.organizational_unit_arn);
    }
}

impl LaunchPermission {
    fn list_from(node: &Node, path: &str) -> Vec<LaunchPermission> {
        node.list(path)
            .into_iter()
            .map(|item| LaunchPermission {
                group: item.string("Group"),
                user_id: item.string("UserId"),
                organization_arn: item.string("OrganizationArn"),
                organizational_unit_arn: item.string("OrganizationalUnitArn"),
            })
            .collect()
    }
}

/// The value of one image attribute.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ImageAttributeValue {
    /// `description`.
    Description(Option<String>),
    /// `kernel`.
    Kernel(Option<String>),
    /// `ramdisk`.
    Ramdisk(Option<String>),
    /// `launchPermission`.
    LaunchPermission(Vec<LaunchPermission>),
    /// `productCodes`.
    ProductCodes(Vec<ProductCode>),
    /// `blockDeviceMapping`.
    BlockDeviceMapping(Vec<BlockDeviceMapping>),
    /// `sriovNetSupport`.
    SriovNetSupport(Option<String>),
    /// `bootMode`.
    BootMode(Option<String>),
    /// `imdsSupport`.
    ImdsSupport(Option<String>),
}

impl ToXml for ImageAttributeValue {
    fn write_xml(&self, writer: &mut XmlWriter) {
        let scalar = |writer: &mut XmlWriter, name: &str, value: &Option<String>| {
            writer.open(name);
            writer.field("value", value);
            writer.close(name);
        };
        match self {
            ImageAttributeValue::Description(value) => scalar(writer, "description", value),
            ImageAttributeValue::Kernel(value) => scalar(writer, "kernel", value),
            ImageAttributeValue::Ramdisk(value) => scalar(writer, "ramdisk", value),
            ImageAttributeValue::SriovNetSupport(value) => scalar(writer, "sriovNetSupport", value),
            ImageAttributeValue::BootMode(value) => scalar(writer, "bootMode", value),
            ImageAttributeValue::ImdsSupport(value) => scalar(writer, "imdsSupport", value),
            ImageAttributeValue::LaunchPermission(items) => writer.list("launchPermission", items),
            ImageAttributeValue::ProductCodes(items) => writer.list("productCodes", items),
            ImageAttributeValue::BlockDeviceMapping(items) => {
                writer.list("blockDeviceMapping", items)
            }
        }
    }
}

/// The output of `DescribeImageAttribute`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DescribeImageAttributeOutput {
    /// The image.
    pub image_id: String,
    /// The attribute's value.
    pub value: ImageAttributeValue,
}

impl ToXml for DescribeImageAttributeOutput {
    fn write_xml(&self, writer: &mut XmlWriter) {
        writer.field("imageId", &self.image_id);
        self.value.write_xml(writer);
    }
}

/// The input of `ModifyImageAttribute`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ModifyImageAttributeInput {
    /// `ImageId`.
    pub image_id: String,
    /// `Attribute`: `description`, `launchPermission` or `imdsSupport`.
    pub attribute: Option<String>,
    /// `Value`, with `Attribute`.
    pub value: Option<String>,
    /// `Description.Value`.
    pub description: Option<String>,
    /// `ImdsSupport.Value`.
    pub imds_support: Option<String>,
    /// `LaunchPermission.Add.N`.
    pub launch_permission_add: Vec<LaunchPermission>,
    /// `LaunchPermission.Remove.N`.
    pub launch_permission_remove: Vec<LaunchPermission>,
    /// `OperationType`: `add` or `remove`, with `UserId.N` or `UserGroup.N`.
    pub operation_type: Option<String>,
    /// `UserId.N`.
    pub user_ids: Vec<String>,
    /// `UserGroup.N`.
    pub user_groups: Vec<String>,
    /// `OrganizationArn.N`.
    pub organization_arns: Vec<String>,
    /// `OrganizationalUnitArn.N`.
    pub organizational_unit_arns: Vec<String>,
    /// `ProductCode.N`.
    pub product_codes: Vec<String>,
}

impl FromArgs for ModifyImageAttributeInput {
    fn from_args(args: &Args) -> Result<Self, Ec2Error> {
        Ok(ModifyImageAttributeInput {
            image_id: args.required("ImageId")?.to_owned(),
            attribute: args.string("Attribute"),
            value: args.string("Value"),
            description: args.string("Description.Value"),
            imds_support: args.string("ImdsSupport.Value"),
            launch_permission_add: LaunchPermission::list_from(args, "LaunchPermission.Add"),
            launch_permission_remove: LaunchPermission::list_from(args, "LaunchPermission.Remove"),
            operation_type: args.string("OperationType"),
            user_ids: args.strings("UserId"),
            user_groups: args.strings("UserGroup"),
            organization_arns: args.strings("OrganizationArn"),
            organizational_unit_arns: args.strings("OrganizationalUnitArn"),
            product_codes: args.strings("ProductCode"),
        })
    }
}

/// The output of `ModifyImageAttribute`: `<return>true</return>`.
pub type ModifyImageAttributeOutput = Return;

// UpdateImage (Nova).

/// The input of Nova's `UpdateImage`: rename an image or change its description.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct UpdateImageInput {
    /// `ImageId`.
    pub image_id: String,
    /// `Name`.
    pub name: Option<String>,
    /// `Description`.
    pub description: Option<String>,
}

impl FromArgs for UpdateImageInput {
    fn from_args(args: &Args) -> Result<Self, Ec2Error> {
        Ok(UpdateImageInput {
            image_id: args.required("ImageId")?.to_owned(),
            name: args.string("Name"),
            description: args.string("Description"),
        })
    }
}

/// The output of `UpdateImage`: `<return>true</return>`.
pub type UpdateImageOutput = Return;

#[cfg(test)]
mod tests {
    use super::*;

    fn render(value: &impl ToXml) -> String {
        let mut writer = XmlWriter::default();
        value.write_xml(&mut writer);
        writer.into_string()
    }

    #[test]
    fn describe_images_reads_owners_ids_and_filters() {
        let args = Args::from_pairs([
            ("Action", "DescribeImages"),
            ("Owner.1", "self"),
            ("Owner.2", "amazon"),
            ("ImageId.1", "ami-0123456789abcdef0"),
            ("ExecutableBy.1", "all"),
            ("Filter.1.Name", "name"),
            ("Filter.1.Value.1", "ubuntu/*"),
            ("IncludeDeprecated", "true"),
        ]);
        let input = DescribeImagesInput::from_args(&args).unwrap();
        assert_eq!(
            input,
            DescribeImagesInput {
                image_ids: vec!["ami-0123456789abcdef0".into()],
                owners: vec!["self".into(), "amazon".into()],
                executable_users: vec!["all".into()],
                filters: vec![Filter {
                    name: "name".into(),
                    values: vec!["ubuntu/*".into()]
                }],
                include_deprecated: Some(true),
                ..Default::default()
            }
        );
    }

    #[test]
    fn block_device_mappings_read_their_ebs_part() {
        let args = Args::from_pairs([
            ("BlockDeviceMapping.1.DeviceName", "/dev/sda1"),
            ("BlockDeviceMapping.1.Ebs.VolumeSize", "80"),
            ("BlockDeviceMapping.1.Ebs.DeleteOnTermination", "false"),
            ("BlockDeviceMapping.1.Ebs.VolumeType", "gp3"),
            ("BlockDeviceMapping.2.DeviceName", "/dev/sdb"),
            ("BlockDeviceMapping.2.VirtualName", "ephemeral0"),
        ]);
        assert_eq!(
            BlockDeviceMapping::list_from(&args, "BlockDeviceMapping").unwrap(),
            [
                BlockDeviceMapping {
                    device_name: Some("/dev/sda1".into()),
                    ebs: Some(EbsBlockDevice {
                        volume_size: Some(80),
                        delete_on_termination: Some(false),
                        volume_type: Some("gp3".into()),
                        ..Default::default()
                    }),
                    ..Default::default()
                },
                BlockDeviceMapping {
                    device_name: Some("/dev/sdb".into()),
                    virtual_name: Some("ephemeral0".into()),
                    ..Default::default()
                },
            ]
        );
    }

    #[test]
    fn an_image_renders_as_describe_images_writes_it() {
        let image = Image {
            image_id: "ami-0abc".into(),
            image_location: "amazon/al2023".into(),
            image_state: "available".into(),
            image_owner_id: "137112412989".into(),
            creation_date: "2025-01-01T00:00:00.000Z".into(),
            is_public: true,
            architecture: "x86_64".into(),
            image_type: "machine".into(),
            platform_details: Some("Linux/UNIX".into()),
            usage_operation: Some("RunInstances".into()),
            image_owner_alias: Some("amazon".into()),
            name: Some("al2023".into()),
            root_device_type: "ebs".into(),
            root_device_name: Some("/dev/xvda".into()),
            block_device_mappings: vec![BlockDeviceMapping {
                device_name: Some("/dev/xvda".into()),
                ebs: Some(EbsBlockDevice {
                    snapshot_id: Some("snap-1".into()),
                    volume_size: Some(8),
                    delete_on_termination: Some(true),
                    volume_type: Some("gp3".into()),
                    encrypted: Some(false),
                    ..Default::default()
                }),
                ..Default::default()
            }],
            virtualization_type: "hvm".into(),
            hypervisor: "xen".into(),
            ena_support: Some(true),
            boot_mode: Some("uefi-preferred".into()),
            ..Default::default()
        };
        let output = DescribeImagesOutput {
            images: vec![image],
            next_token: None,
        };
        assert_eq!(
            render(&output),
            "<imagesSet><item><imageId>ami-0abc</imageId>\
             <imageLocation>amazon/al2023</imageLocation><imageState>available</imageState>\
             <imageOwnerId>137112412989</imageOwnerId>\
             <creationDate>2025-01-01T00:00:00.000Z</creationDate><isPublic>true</isPublic>\
             <architecture>x86_64</architecture><imageType>machine</imageType>\
             <platformDetails>Linux/UNIX</platformDetails>\
             <usageOperation>RunInstances</usageOperation>\
             <imageOwnerAlias>amazon</imageOwnerAlias><name>al2023</name>\
             <rootDeviceType>ebs</rootDeviceType><rootDeviceName>/dev/xvda</rootDeviceName>\
             <blockDeviceMapping><item><deviceName>/dev/xvda</deviceName><ebs>\
             <snapshotId>snap-1</snapshotId><volumeSize>8</volumeSize>\
             <deleteOnTermination>true</deleteOnTermination><volumeType>gp3</volumeType>\
             <encrypted>false</encrypted></ebs></item></blockDeviceMapping>\
             <virtualizationType>hvm</virtualizationType><hypervisor>xen</hypervisor>\
             <enaSupport>true</enaSupport><bootMode>uefi-preferred</bootMode></item>\
             </imagesSet>"
        );
    }

    #[test]
    fn image_attribute_values_are_wrapped_in_value() {
        let output = DescribeImageAttributeOutput {
            image_id: "ami-1".into(),
            value: ImageAttributeValue::Description(Some("web".into())),
        };
        assert_eq!(
            render(&output),
            "<imageId>ami-1</imageId><description><value>web</value></description>"
        );
        let output = DescribeImageAttributeOutput {
            image_id: "ami-1".into(),
            value: ImageAttributeValue::LaunchPermission(vec![LaunchPermission {
                group: Some("all".into()),
                ..Default::default()
            }]),
        };
        assert_eq!(
            render(&output),
            "<imageId>ami-1</imageId><launchPermission><item><group>all</group></item>\
             </launchPermission>"
        );
    }

    #[test]
    fn unknown_image_attribute_is_invalid_request() {
        let args = Args::from_pairs([("ImageId", "ami-1"), ("Attribute", "color")]);
        let error = DescribeImageAttributeInput::from_args(&args).unwrap_err();
        assert_eq!(error.code(), ErrorCode::InvalidRequest);
        assert_eq!(error.message(), "The request received was invalid.");
    }

    #[test]
    fn modify_image_attribute_reads_launch_permission_changes() {
        let args = Args::from_pairs([
            ("ImageId", "ami-1"),
            ("LaunchPermission.Add.1.Group", "all"),
            ("LaunchPermission.Remove.1.UserId", "123456789012"),
            ("Description.Value", "new"),
        ]);
        let input = ModifyImageAttributeInput::from_args(&args).unwrap();
        assert_eq!(
            input.launch_permission_add,
            [LaunchPermission {
                group: Some("all".into()),
                ..Default::default()
            }]
        );
        assert_eq!(
            input.launch_permission_remove,
            [LaunchPermission {
                user_id: Some("123456789012".into()),
                ..Default::default()
            }]
        );
        assert_eq!(input.description.as_deref(), Some("new"));
    }
}
