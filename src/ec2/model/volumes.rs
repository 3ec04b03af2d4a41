//! EBS volumes: create, delete, describe, attach, detach.
//!
//! Request names are the query names boto3 and the aws CLI send (botocore's EC2
//! serializer: `queryName`, else the capitalized `locationName`); response names are the
//! `locationName`s AWS answers with.

use time::OffsetDateTime;

use super::{Filter, FromArgs, Return, Tag, TagSpecification};
use crate::ec2::args::Args;
use crate::ec2::error::{Ec2Error, ErrorCode};
use crate::ec2::xml::{ToXml, XmlWriter};

/// The state of a volume (`status` on the wire).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum VolumeState {
    /// Being created.
    #[default]
    Creating,
    /// Ready and attached to nothing.
    Available,
    /// Attached to an instance.
    InUse,
    /// Being deleted.
    Deleting,
    /// Deleted.
    Deleted,
    /// Failed.
    Error,
}

impl VolumeState {
    /// The state as AWS writes it.
    pub const fn as_str(self) -> &'static str {
        match self {
            VolumeState::Creating => "creating",
            VolumeState::Available => "available",
            VolumeState::InUse => "in-use",
            VolumeState::Deleting => "deleting",
            VolumeState::Deleted => "deleted",
            VolumeState::Error => "error",
        }
    }
}

impl ToXml for VolumeState {
    fn write_xml(&self, writer: &mut XmlWriter) {
        writer.raw(self.as_str());
    }
}

/// The state of a volume's attachment to an instance (`status` on the wire).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum AttachmentState {
    /// Being attached.
    #[default]
    Attaching,
    /// Attached.
    Attached,
    /// Being detached.
    Detaching,
    /// Detached.
    Detached,
    /// The volume is busy and cannot be detached now.
    Busy,
}

impl AttachmentState {
    /// The state as AWS writes it.
    pub const fn as_str(self) -> &'static str {
        match self {
            AttachmentState::Attaching => "attaching",
            AttachmentState::Attached => "attached",
            AttachmentState::Detaching => "detaching",
            AttachmentState::Detached => "detached",
            AttachmentState::Busy => "busy",
        }
    }
}

impl ToXml for AttachmentState {
    fn write_xml(&self, writer: &mut XmlWriter) {
        writer.raw(self.as_str());
    }
}

/// The attachment of a volume to an instance: an item of `attachmentSet`, and the answer
/// of `AttachVolume` and `DetachVolume`.
#[derive(Clone, Debug, PartialEq)]
pub struct VolumeAttachment {
    /// The volume.
    pub volume_id: String,
    /// The instance.
    pub instance_id: String,
    /// The device name the instance sees, such as `/dev/sdh`.
    pub device: String,
    /// The attachment's state.
    pub state: AttachmentState,
    /// When the attachment began.
    pub attach_time: OffsetDateTime,
    /// Whether the volume goes with the instance. AWS writes it in `DescribeVolumes`
    /// and leaves it out of the `AttachVolume` and `DetachVolume` answers.
    pub delete_on_termination: Option<bool>,
}

impl Default for VolumeAttachment {
    fn default() -> Self {
        VolumeAttachment {
            volume_id: String::new(),
            instance_id: String::new(),
            device: String::new(),
            state: AttachmentState::default(),
            attach_time: OffsetDateTime::UNIX_EPOCH,
            delete_on_termination: None,
        }
    }
}

impl ToXml for VolumeAttachment {
    fn write_xml(&self, writer: &mut XmlWriter) {
        writer.field("volumeId", &self.volume_id);
        writer.field("instanceId", &self.instance_id);
        writer.field("device", &self.device);
        writer.field("status", &self.state);
        writer.field("attachTime", &self.attach_time);
        writer.field("deleteOnTermination", &self.delete_on_termination);
    }
}

/// An EBS volume: an item of `volumeSet`, and the answer of `CreateVolume`.
#[derive(Clone, Debug, PartialEq)]
pub struct Volume {
    /// The volume's id, `vol-…`.
    pub volume_id: String,
    /// The size in GiB.
    pub size: i32,
    /// The snapshot the volume was made from. AWS writes an empty `<snapshotId>` when
    /// there is none, so that is what `None` renders as.
    pub snapshot_id: Option<String>,
    /// The availability zone.
    pub availability_zone: String,
    /// The volume's state.
    pub state: VolumeState,
    /// When the volume was created.
    pub create_time: OffsetDateTime,
    /// Where the volume is attached (`attachmentSet`, always written).
    pub attachments: Vec<VolumeAttachment>,
    /// The volume type (`gp3`, `standard`, … or a backend's own type name).
    pub volume_type: String,
    /// The provisioned I/O operations per second, for the types that have them.
    pub iops: Option<i32>,
    /// The throughput in MiB/s, for `gp3`.
    pub throughput: Option<i32>,
    /// Whether the volume is encrypted.
    pub encrypted: bool,
    /// The KMS key that encrypts the volume.
    pub kms_key_id: Option<String>,
    /// Whether several instances may attach the volume at once.
    pub multi_attach_enabled: bool,
    /// The volume's tags (`tagSet`, written only when there are some, as AWS does).
    pub tags: Vec<Tag>,
}

impl Default for Volume {
    fn default() -> Self {
        Volume {
            volume_id: String::new(),
            size: 0,
            snapshot_id: None,
            availability_zone: String::new(),
            state: VolumeState::default(),
            create_time: OffsetDateTime::UNIX_EPOCH,
            attachments: Vec::new(),
            volume_type: String::new(),
            iops: None,
            throughput: None,
            encrypted: false,
            kms_key_id: None,
            multi_attach_enabled: false,
            tags: Vec::new(),
        }
    }
}

impl ToXml for Volume {
    fn write_xml(&self, writer: &mut XmlWriter) {
        writer.field("volumeId", &self.volume_id);
        writer.field("size", &self.size);
        writer.field("snapshotId", self.snapshot_id.as_deref().unwrap_or(""));
        writer.field("availabilityZone", &self.availability_zone);
        writer.field("status", &self.state);
        writer.field("createTime", &self.create_time);
        writer.list("attachmentSet", &self.attachments);
        writer.list_if_any("tagSet", &self.tags);
        writer.field("volumeType", &self.volume_type);
        writer.field("iops", &self.iops);
        writer.field("throughput", &self.throughput);
        writer.field("encrypted", &self.encrypted);
        writer.field("kmsKeyId", &self.kms_key_id);
        writer.field("multiAttachEnabled", &self.multi_attach_enabled);
    }
}

/// Input of `CreateVolume`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CreateVolumeInput {
    /// `AvailabilityZone`: the zone to create the volume in. This or
    /// `availability_zone_id` is required.
    pub availability_zone: Option<String>,
    /// `AvailabilityZoneId`: the zone, by id (`use1-az1`).
    pub availability_zone_id: Option<String>,
    /// `Size`: the size in GiB. This or `snapshot_id` is required.
    pub size: Option<i32>,
    /// `SnapshotId`: the snapshot to create the volume from.
    pub snapshot_id: Option<String>,
    /// `VolumeType`: `gp2`, `gp3`, `io1`, … (the backend's default when absent).
    pub volume_type: Option<String>,
    /// `Iops`: provisioned I/O operations per second.
    pub iops: Option<i32>,
    /// `Throughput`: MiB/s, for `gp3`.
    pub throughput: Option<i32>,
    /// `Encrypted`: whether to encrypt (the account's default when absent).
    pub encrypted: Option<bool>,
    /// `KmsKeyId`: the KMS key to encrypt with.
    pub kms_key_id: Option<String>,
    /// `MultiAttachEnabled`: whether several instances may attach the volume.
    pub multi_attach_enabled: bool,
    /// `TagSpecification.N`: tags for the new volume.
    pub tag_specifications: Vec<TagSpecification>,
    /// `ClientToken`: makes the request idempotent (boto3 always sends one).
    pub client_token: Option<String>,
}

impl FromArgs for CreateVolumeInput {
    fn from_args(args: &Args) -> Result<Self, Ec2Error> {
        args.accept_unused(&[
            "Operator.Principal",
            "OutpostArn",
            "VolumeInitializationRate",
        ]);
        let input = CreateVolumeInput {
            availability_zone: args.string("AvailabilityZone"),
            availability_zone_id: args.string("AvailabilityZoneId"),
            size: args.number("Size")?,
            snapshot_id: args.string("SnapshotId"),
            volume_type: args.string("VolumeType"),
            iops: args.number("Iops")?,
            throughput: args.number("Throughput")?,
            encrypted: args.boolean("Encrypted")?,
            kms_key_id: args.string("KmsKeyId"),
            multi_attach_enabled: args.boolean("MultiAttachEnabled")?.unwrap_or(false),
            tag_specifications: TagSpecification::list_from(args)?,
            client_token: args.string("ClientToken"),
        };

        match (&input.availability_zone, &input.availability_zone_id) {
            (None, None) => return Err(Ec2Error::missing_parameter("AvailabilityZone")),
            (Some(_), Some(_)) => {
                return Err(Ec2Error::new(
                    ErrorCode::InvalidParameterCombination,
                    "You may specify AvailabilityZone or AvailabilityZoneId, \
                     but not both in the same call",
                ));
            }
            _ => {}
        }
        if input.size.is_none() && input.snapshot_id.is_none() {
            // EC2's own wording, as the aws CLI shows it.
            return Err(Ec2Error::new(
                ErrorCode::MissingParameter,
                "The request must contain the parameter size/snapshot",
            ));
        }
        Ok(input)
    }
}

/// Output of `CreateVolume`: the new volume's fields, directly in the response.
pub type CreateVolumeOutput = Volume;

/// Input of `DeleteVolume`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DeleteVolumeInput {
    /// `VolumeId`: the volume to delete.
    pub volume_id: String,
}

impl FromArgs for DeleteVolumeInput {
    fn from_args(args: &Args) -> Result<Self, Ec2Error> {
        Ok(DeleteVolumeInput {
            volume_id: args.required("VolumeId")?.to_owned(),
        })
    }
}

/// Output of `DeleteVolume`: `<return>true</return>`.
pub type DeleteVolumeOutput = Return;

/// Input of `DescribeVolumes`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DescribeVolumesInput {
    /// `VolumeId.N`: the volumes to describe (all when empty).
    pub volume_ids: Vec<String>,
    /// `Filter.N`: filters such as `status`, `attachment.instance-id`, `tag:Name`.
    pub filters: Vec<Filter>,
    /// `MaxResults`: the page size.
    pub max_results: Option<i32>,
    /// `NextToken`: the page to continue from.
    pub next_token: Option<String>,
}

impl FromArgs for DescribeVolumesInput {
    fn from_args(args: &Args) -> Result<Self, Ec2Error> {
        args.accept_unused(&["IncludeManagedResources"]);
        Ok(DescribeVolumesInput {
            volume_ids: args.strings("VolumeId"),
            filters: args.filters("Filter")?,
            max_results: args.number("MaxResults")?,
            next_token: args.string("NextToken"),
        })
    }
}

/// Output of `DescribeVolumes`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DescribeVolumesOutput {
    /// The volumes (`volumeSet`).
    pub volumes: Vec<Volume>,
    /// The token of the next page, when there is one.
    pub next_token: Option<String>,
}

impl ToXml for DescribeVolumesOutput {
    fn write_xml(&self, writer: &mut XmlWriter) {
        writer.list("volumeSet", &self.volumes);
        writer.field("nextToken", &self.next_token);
    }
}

/// Input of `AttachVolume`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct AttachVolumeInput {
    /// `Device`: the device name to expose the volume as, such as `/dev/sdh`.
    pub device: String,
    /// `InstanceId`: the instance to attach to.
    pub instance_id: String,
    /// `VolumeId`: the volume to attach.
    pub volume_id: String,
}

impl FromArgs for AttachVolumeInput {
    fn from_args(args: &Args) -> Result<Self, Ec2Error> {
        args.accept_unused(&["EbsCardIndex"]);
        Ok(AttachVolumeInput {
            device: args.required("Device")?.to_owned(),
            instance_id: args.required("InstanceId")?.to_owned(),
            volume_id: args.required("VolumeId")?.to_owned(),
        })
    }
}

/// Output of `AttachVolume`: the attachment's fields, directly in the response.
pub type AttachVolumeOutput = VolumeAttachment;

/// Input of `DetachVolume`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DetachVolumeInput {
    /// `VolumeId`: the volume to detach.
    pub volume_id: String,
    /// `InstanceId`: the instance to detach from (required for a multi-attach volume).
    pub instance_id: Option<String>,
    /// `Device`: the device name.
    pub device: Option<String>,
    /// `Force`: detach even if the instance does not release the volume.
    pub force: bool,
}

impl FromArgs for DetachVolumeInput {
    fn from_args(args: &Args) -> Result<Self, Ec2Error> {
        Ok(DetachVolumeInput {
            volume_id: args.required("VolumeId")?.to_owned(),
            instance_id: args.string("InstanceId"),
            device: args.string("Device"),
            force: args.boolean("Force")?.unwrap_or(false),
        })
    }
}

/// Output of `DetachVolume`: the attachment's fields, directly in the response.
pub type DetachVolumeOutput = VolumeAttachment;

#[cfg(test)]
pub(crate) mod tests {
    use time::macros::datetime;

    use super::*;

    /// Panics unless `xml` is a run of balanced elements whose text holds no stray `<`,
    /// `>` or unescaped `&`: the least a client's XML parser needs.
    pub(crate) fn assert_well_formed(xml: &str) {
        let mut open: Vec<&str> = Vec::new();
        let mut rest = xml;
        while let Some(start) = rest.find('<') {
            assert_text_is_escaped(&rest[..start]);
            let end = start + rest[start..].find('>').expect("a tag is never closed");
            let tag = &rest[start + 1..end];
            if let Some(name) = tag.strip_prefix('/') {
                assert_eq!(open.pop(), Some(name), "</{name}> closes the wrong element");
            } else if let Some(name) = tag.strip_suffix('/') {
                assert_is_name(name);
            } else {
                assert_is_name(tag);
                open.push(tag);
            }
            rest = &rest[end + 1..];
        }
        assert_text_is_escaped(rest);
        assert!(open.is_empty(), "elements left open: {open:?}");
    }

    fn assert_is_name(name: &str) {
        assert!(
            !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric()),
            "not an element name: {name:?}"
        );
    }

    fn assert_text_is_escaped(text: &str) {
        assert!(!text.contains('>'), "unescaped '>' in {text:?}");
        for (index, _) in text.match_indices('&') {
            let entity = &text[index..];
            assert!(
                ["&lt;", "&gt;", "&amp;", "&quot;", "&apos;"]
                    .iter()
                    .any(|known| entity.starts_with(known)),
                "unescaped '&' in {text:?}"
            );
        }
    }

    fn render(output: &impl ToXml) -> String {
        let mut writer = XmlWriter::default();
        output.write_xml(&mut writer);
        writer.into_string()
    }

    fn attached_volume() -> Volume {
        Volume {
            volume_id: "vol-0a1b2c3d".into(),
            size: 80,
            snapshot_id: Some("snap-1234".into()),
            availability_zone: "us-east-1a".into(),
            state: VolumeState::InUse,
            create_time: datetime!(2024-05-01 12:30:00.123 UTC),
            attachments: vec![VolumeAttachment {
                volume_id: "vol-0a1b2c3d".into(),
                instance_id: "i-0123".into(),
                device: "/dev/sdh".into(),
                state: AttachmentState::Attached,
                attach_time: datetime!(2024-05-01 12:31:00 UTC),
                delete_on_termination: Some(false),
            }],
            volume_type: "gp3".into(),
            iops: Some(3000),
            throughput: Some(125),
            encrypted: false,
            kms_key_id: None,
            multi_attach_enabled: false,
            tags: vec![Tag {
                key: "Name".into(),
                value: "data & logs".into(),
            }],
        }
    }

    #[test]
    fn create_volume_reads_every_parameter_boto3_sends() {
        let args = Args::from_pairs([
            ("Action", "CreateVolume"),
            ("Version", "2016-11-15"),
            ("AvailabilityZone", "us-east-1a"),
            ("Encrypted", "true"),
            ("Iops", "3000"),
            ("KmsKeyId", "alias/ebs"),
            ("Size", "80"),
            ("SnapshotId", "snap-1234"),
            ("VolumeType", "gp3"),
            ("TagSpecification.1.ResourceType", "volume"),
            ("TagSpecification.1.Tag.1.Key", "Name"),
            ("TagSpecification.1.Tag.1.Value", "data"),
            ("MultiAttachEnabled", "false"),
            ("Throughput", "125"),
            ("ClientToken", "5f0c6e1e-7c4b-4c52-9f38-0d6f7d5ad1a2"),
        ]);
        assert_eq!(
            CreateVolumeInput::from_args(&args).unwrap(),
            CreateVolumeInput {
                availability_zone: Some("us-east-1a".into()),
                availability_zone_id: None,
                size: Some(80),
                snapshot_id: Some("snap-1234".into()),
                volume_type: Some("gp3".into()),
                iops: Some(3000),
                throughput: Some(125),
                encrypted: Some(true),
                kms_key_id: Some("alias/ebs".into()),
                multi_attach_enabled: false,
                tag_specifications: vec![TagSpecification {
                    resource_type: "volume".into(),
                    tags: vec![Tag {
                        key: "Name".into(),
                        value: "data".into(),
                    }],
                }],
                client_token: Some("5f0c6e1e-7c4b-4c52-9f38-0d6f7d5ad1a2".into()),
            }
        );
    }

    #[test]
    fn create_volume_accepts_a_zone_id_and_a_snapshot_alone() {
        let args = Args::from_pairs([
            ("AvailabilityZoneId", "use1-az1"),
            ("SnapshotId", "snap-1234"),
        ]);
        assert_eq!(
            CreateVolumeInput::from_args(&args).unwrap(),
            CreateVolumeInput {
                availability_zone_id: Some("use1-az1".into()),
                snapshot_id: Some("snap-1234".into()),
                ..CreateVolumeInput::default()
            }
        );
    }

    #[test]
    fn create_volume_size_must_be_an_integer() {
        let args = Args::from_pairs([("AvailabilityZone", "us-east-1a"), ("Size", "8.5")]);
        let error = CreateVolumeInput::from_args(&args).unwrap_err();
        assert_eq!(error.code(), ErrorCode::InvalidParameterValue);
        assert_eq!(
            error.message(),
            "Invalid value '8.5' for Size. It must be a number."
        );
    }

    #[test]
    fn create_volume_needs_an_availability_zone() {
        let error = CreateVolumeInput::from_args(&Args::from_pairs([("Size", "8")])).unwrap_err();
        assert_eq!(error.code(), ErrorCode::MissingParameter);
        assert_eq!(
            error.message(),
            "The request must contain the parameter AvailabilityZone"
        );
    }

    #[test]
    fn create_volume_takes_one_kind_of_zone() {
        let args = Args::from_pairs([
            ("AvailabilityZone", "us-east-1a"),
            ("AvailabilityZoneId", "use1-az1"),
            ("Size", "8"),
        ]);
        let error = CreateVolumeInput::from_args(&args).unwrap_err();
        assert_eq!(error.code(), ErrorCode::InvalidParameterCombination);
    }

    #[test]
    fn create_volume_needs_a_size_or_a_snapshot() {
        let args = Args::from_pairs([("AvailabilityZone", "us-east-1a")]);
        let error = CreateVolumeInput::from_args(&args).unwrap_err();
        assert_eq!(error.code(), ErrorCode::MissingParameter);
        assert_eq!(
            error.message(),
            "The request must contain the parameter size/snapshot"
        );
    }

    #[test]
    fn delete_volume_reads_the_volume_id() {
        let args = Args::from_pairs([
            ("Action", "DeleteVolume"),
            ("Version", "2016-11-15"),
            ("VolumeId", "vol-0a1b2c3d"),
        ]);
        assert_eq!(
            DeleteVolumeInput::from_args(&args).unwrap(),
            DeleteVolumeInput {
                volume_id: "vol-0a1b2c3d".into()
            }
        );
        let error = DeleteVolumeInput::from_args(&Args::default()).unwrap_err();
        assert_eq!(error.code(), ErrorCode::MissingParameter);
        assert_eq!(
            error.message(),
            "The request must contain the parameter VolumeId"
        );
    }

    #[test]
    fn describe_volumes_reads_ids_filters_and_paging() {
        let args = Args::from_pairs([
            ("Action", "DescribeVolumes"),
            ("Version", "2016-11-15"),
            ("VolumeId.1", "vol-1"),
            ("VolumeId.2", "vol-2"),
            ("Filter.1.Name", "status"),
            ("Filter.1.Value.1", "available"),
            ("Filter.1.Value.2", "in-use"),
            ("Filter.2.Name", "tag:env"),
            ("Filter.2.Value.1", "prod"),
            ("MaxResults", "50"),
            ("NextToken", "page-2"),
        ]);
        assert_eq!(
            DescribeVolumesInput::from_args(&args).unwrap(),
            DescribeVolumesInput {
                volume_ids: vec!["vol-1".into(), "vol-2".into()],
                filters: vec![
                    Filter {
                        name: "status".into(),
                        values: vec!["available".into(), "in-use".into()],
                    },
                    Filter {
                        name: "tag:env".into(),
                        values: vec!["prod".into()],
                    },
                ],
                max_results: Some(50),
                next_token: Some("page-2".into()),
            }
        );
    }

    #[test]
    fn describe_volumes_max_results_must_be_an_integer() {
        let args = Args::from_pairs([("MaxResults", "many")]);
        let error = DescribeVolumesInput::from_args(&args).unwrap_err();
        assert_eq!(error.code(), ErrorCode::InvalidParameterValue);
    }

    #[test]
    fn attach_volume_reads_device_instance_and_volume() {
        let args = Args::from_pairs([
            ("Action", "AttachVolume"),
            ("Version", "2016-11-15"),
            ("Device", "/dev/sdh"),
            ("InstanceId", "i-0123"),
            ("VolumeId", "vol-0a1b2c3d"),
        ]);
        assert_eq!(
            AttachVolumeInput::from_args(&args).unwrap(),
            AttachVolumeInput {
                device: "/dev/sdh".into(),
                instance_id: "i-0123".into(),
                volume_id: "vol-0a1b2c3d".into(),
            }
        );
    }

    #[test]
    fn attach_volume_needs_a_device() {
        let args = Args::from_pairs([("InstanceId", "i-0123"), ("VolumeId", "vol-1")]);
        let error = AttachVolumeInput::from_args(&args).unwrap_err();
        assert_eq!(error.code(), ErrorCode::MissingParameter);
        assert_eq!(
            error.message(),
            "The request must contain the parameter Device"
        );
    }

    #[test]
    fn detach_volume_reads_the_optional_instance_device_and_force() {
        let args = Args::from_pairs([
            ("Action", "DetachVolume"),
            ("Version", "2016-11-15"),
            ("Device", "/dev/sdh"),
            ("Force", "true"),
            ("InstanceId", "i-0123"),
            ("VolumeId", "vol-0a1b2c3d"),
        ]);
        assert_eq!(
            DetachVolumeInput::from_args(&args).unwrap(),
            DetachVolumeInput {
                volume_id: "vol-0a1b2c3d".into(),
                instance_id: Some("i-0123".into()),
                device: Some("/dev/sdh".into()),
                force: true,
            }
        );
        let only_volume = Args::from_pairs([("VolumeId", "vol-0a1b2c3d")]);
        assert_eq!(
            DetachVolumeInput::from_args(&only_volume).unwrap(),
            DetachVolumeInput {
                volume_id: "vol-0a1b2c3d".into(),
                ..DetachVolumeInput::default()
            }
        );
    }

    #[test]
    fn describe_volumes_renders_volume_set_attachments_and_tags() {
        let output = DescribeVolumesOutput {
            volumes: vec![attached_volume()],
            next_token: Some("page-2".into()),
        };
        assert_eq!(
            render(&output),
            "<volumeSet><item><volumeId>vol-0a1b2c3d</volumeId><size>80</size>\
             <snapshotId>snap-1234</snapshotId><availabilityZone>us-east-1a</availabilityZone>\
             <status>in-use</status><createTime>2024-05-01T12:30:00.123Z</createTime>\
             <attachmentSet><item><volumeId>vol-0a1b2c3d</volumeId><instanceId>i-0123\
             </instanceId><device>/dev/sdh</device><status>attached</status>\
             <attachTime>2024-05-01T12:31:00.000Z</attachTime>\
             <deleteOnTermination>false</deleteOnTermination></item></attachmentSet>\
             <tagSet><item><key>Name</key><value>data &amp; logs</value></item></tagSet>\
             <volumeType>gp3</volumeType><iops>3000</iops><throughput>125</throughput>\
             <encrypted>false</encrypted><multiAttachEnabled>false</multiAttachEnabled>\
             </item></volumeSet><nextToken>page-2</nextToken>"
        );
    }

    #[test]
    fn describe_volumes_renders_an_empty_volume_set() {
        assert_eq!(
            render(&DescribeVolumesOutput::default()),
            "<volumeSet></volumeSet>"
        );
    }

    #[test]
    fn create_volume_renders_the_volume_with_an_empty_snapshot_id() {
        let output: CreateVolumeOutput = Volume {
            volume_id: "vol-0a1b2c3d".into(),
            size: 8,
            availability_zone: "us-east-1a".into(),
            create_time: datetime!(2024-05-01 12:30:00 UTC),
            volume_type: "standard".into(),
            encrypted: true,
            kms_key_id: Some("arn:aws:kms:us-east-1:123456789012:key/abc".into()),
            ..Volume::default()
        };
        assert_eq!(
            render(&output),
            "<volumeId>vol-0a1b2c3d</volumeId><size>8</size><snapshotId></snapshotId>\
             <availabilityZone>us-east-1a</availabilityZone><status>creating</status>\
             <createTime>2024-05-01T12:30:00.000Z</createTime><attachmentSet></attachmentSet>\
             <volumeType>standard</volumeType><encrypted>true</encrypted>\
             <kmsKeyId>arn:aws:kms:us-east-1:123456789012:key/abc</kmsKeyId>\
             <multiAttachEnabled>false</multiAttachEnabled>"
        );
    }

    #[test]
    fn attach_and_detach_render_the_attachment_without_delete_on_termination() {
        let output: AttachVolumeOutput = VolumeAttachment {
            volume_id: "vol-0a1b2c3d".into(),
            instance_id: "i-0123".into(),
            device: "/dev/sdh".into(),
            state: AttachmentState::Attaching,
            attach_time: datetime!(2024-05-01 12:31:00 UTC),
            delete_on_termination: None,
        };
        assert_eq!(
            render(&output),
            "<volumeId>vol-0a1b2c3d</volumeId><instanceId>i-0123</instanceId>\
             <device>/dev/sdh</device><status>attaching</status>\
             <attachTime>2024-05-01T12:31:00.000Z</attachTime>"
        );
        let detached: DetachVolumeOutput = VolumeAttachment {
            state: AttachmentState::Detaching,
            ..output
        };
        assert!(render(&detached).contains("<status>detaching</status>"));
    }

    #[test]
    fn delete_volume_renders_return_true() {
        let output: DeleteVolumeOutput = Return::default();
        assert_eq!(render(&output), "<return>true</return>");
    }

    #[test]
    fn states_use_the_wire_names() {
        let volume_states = [
            VolumeState::Creating,
            VolumeState::Available,
            VolumeState::InUse,
            VolumeState::Deleting,
            VolumeState::Deleted,
            VolumeState::Error,
        ];
        assert_eq!(
            volume_states.map(VolumeState::as_str),
            [
                "creating",
                "available",
                "in-use",
                "deleting",
                "deleted",
                "error"
            ]
        );
        let attachment_states = [
            AttachmentState::Attaching,
            AttachmentState::Attached,
            AttachmentState::Detaching,
            AttachmentState::Detached,
            AttachmentState::Busy,
        ];
        assert_eq!(
            attachment_states.map(AttachmentState::as_str),
            ["attaching", "attached", "detaching", "detached", "busy"]
        );
    }

    #[test]
    fn describe_volumes_output_is_well_formed_xml() {
        let mut odd = attached_volume();
        odd.tags.push(Tag {
            key: "<script>".into(),
            value: "a'b\"c\u{1}".into(),
        });
        let output = DescribeVolumesOutput {
            volumes: vec![odd, Volume::default()],
            next_token: None,
        };
        assert_well_formed(&render(&output));
    }
}
