//! EBS snapshots: create, delete, describe.
//!
//! Request names are the query names boto3 and the aws CLI send; response names are the
//! ones AWS answers with (`snapshotSet`, `startTime`, `progress`, `ownerId`).

use time::OffsetDateTime;

use super::{Filter, FromArgs, Return, Tag, TagSpecification};
use crate::ec2::args::Args;
use crate::ec2::error::Ec2Error;
use crate::ec2::xml::{ToXml, XmlWriter};

/// The state of a snapshot (`status` on the wire).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum SnapshotState {
    /// Being taken.
    #[default]
    Pending,
    /// Taken and usable.
    Completed,
    /// Failed.
    Error,
}

impl SnapshotState {
    /// The state as AWS writes it.
    pub const fn as_str(self) -> &'static str {
        match self {
            SnapshotState::Pending => "pending",
            SnapshotState::Completed => "completed",
            SnapshotState::Error => "error",
        }
    }
}

impl ToXml for SnapshotState {
    fn write_xml(&self, writer: &mut XmlWriter) {
        writer.raw(self.as_str());
    }
}

/// An EBS snapshot: an item of `snapshotSet`, and the answer of `CreateSnapshot`.
#[derive(Clone, Debug, PartialEq)]
pub struct Snapshot {
    /// The snapshot's id, `snap-…`.
    pub snapshot_id: String,
    /// The volume the snapshot was taken from.
    pub volume_id: String,
    /// The snapshot's state.
    pub state: SnapshotState,
    /// Why the snapshot failed, when it did.
    pub state_message: Option<String>,
    /// When the snapshot was started.
    pub start_time: OffsetDateTime,
    /// How far the snapshot is, in percent (written as `80%`).
    pub progress: u8,
    /// The account that owns the snapshot.
    pub owner_id: String,
    /// The owner's alias (`amazon`, `self`), when it has one.
    pub owner_alias: Option<String>,
    /// The size of the source volume in GiB.
    pub volume_size: i32,
    /// The description (AWS writes it, empty, when there is none).
    pub description: String,
    /// Whether the snapshot is encrypted.
    pub encrypted: bool,
    /// The KMS key that encrypts the snapshot.
    pub kms_key_id: Option<String>,
    /// The snapshot's tags (`tagSet`, written only when there are some).
    pub tags: Vec<Tag>,
}

impl Default for Snapshot {
    fn default() -> Self {
        Snapshot {
            snapshot_id: String::new(),
            volume_id: String::new(),
            state: SnapshotState::default(),
            state_message: None,
            start_time: OffsetDateTime::UNIX_EPOCH,
            progress: 0,
            owner_id: String::new(),
            owner_alias: None,
            volume_size: 0,
            description: String::new(),
            encrypted: false,
            kms_key_id: None,
            tags: Vec::new(),
        }
    }
}

impl ToXml for Snapshot {
    fn write_xml(&self, writer: &mut XmlWriter) {
        writer.field("snapshotId", &self.snapshot_id);
        writer.field("volumeId", &self.volume_id);
        writer.field("status", &self.state);
        writer.field("statusMessage", &self.state_message);
        writer.field("startTime", &self.start_time);
        writer.field("progress", &format!("{}%", self.progress));
        writer.field("ownerId", &self.owner_id);
        writer.field("ownerAlias", &self.owner_alias);
        writer.field("volumeSize", &self.volume_size);
        writer.field("description", &self.description);
        writer.field("encrypted", &self.encrypted);
        writer.field("kmsKeyId", &self.kms_key_id);
        writer.list_if_any("tagSet", &self.tags);
    }
}

/// Input of `CreateSnapshot`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CreateSnapshotInput {
    /// `VolumeId`: the volume to snapshot.
    pub volume_id: String,
    /// `Description`: a description of the snapshot.
    pub description: Option<String>,
    /// `TagSpecification.N`: tags for the new snapshot.
    pub tag_specifications: Vec<TagSpecification>,
}

impl FromArgs for CreateSnapshotInput {
    fn from_args(args: &Args) -> Result<Self, Ec2Error> {
        args.accept_unused(&["Location", "OutpostArn"]);
        Ok(CreateSnapshotInput {
            volume_id: args.required("VolumeId")?.to_owned(),
            description: args.string("Description"),
            tag_specifications: TagSpecification::list_from(args)?,
        })
    }
}

/// Output of `CreateSnapshot`: the new snapshot's fields, directly in the response.
pub type CreateSnapshotOutput = Snapshot;

/// Input of `DeleteSnapshot`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DeleteSnapshotInput {
    /// `SnapshotId`: the snapshot to delete.
    pub snapshot_id: String,
}

impl FromArgs for DeleteSnapshotInput {
    fn from_args(args: &Args) -> Result<Self, Ec2Error> {
        Ok(DeleteSnapshotInput {
            snapshot_id: args.required("SnapshotId")?.to_owned(),
        })
    }
}

/// Output of `DeleteSnapshot`: `<return>true</return>`.
pub type DeleteSnapshotOutput = Return;

/// Input of `DescribeSnapshots`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DescribeSnapshotsInput {
    /// `SnapshotId.N`: the snapshots to describe (all visible ones when empty).
    pub snapshot_ids: Vec<String>,
    /// `Owner.N`: only snapshots of these owners (account ids, `self`, `amazon`).
    pub owner_ids: Vec<String>,
    /// `RestorableBy.N`: only snapshots these accounts may create volumes from.
    pub restorable_by_user_ids: Vec<String>,
    /// `Filter.N`: filters such as `status`, `volume-id`, `tag:Name`.
    pub filters: Vec<Filter>,
    /// `MaxResults`: the page size.
    pub max_results: Option<i32>,
    /// `NextToken`: the page to continue from.
    pub next_token: Option<String>,
}

impl FromArgs for DescribeSnapshotsInput {
    fn from_args(args: &Args) -> Result<Self, Ec2Error> {
        Ok(DescribeSnapshotsInput {
            snapshot_ids: args.strings("SnapshotId"),
            owner_ids: args.strings("Owner"),
            restorable_by_user_ids: args.strings("RestorableBy"),
            filters: args.filters("Filter")?,
            max_results: args.number("MaxResults")?,
            next_token: args.string("NextToken"),
        })
    }
}

/// Output of `DescribeSnapshots`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DescribeSnapshotsOutput {
    /// The snapshots (`snapshotSet`).
    pub snapshots: Vec<Snapshot>,
    /// The token of the next page, when there is one.
    pub next_token: Option<String>,
}

impl ToXml for DescribeSnapshotsOutput {
    fn write_xml(&self, writer: &mut XmlWriter) {
        writer.list("snapshotSet", &self.snapshots);
        writer.field("nextToken", &self.next_token);
    }
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;
    use crate::ec2::error::ErrorCode;
    use crate::ec2::model::volumes::tests::assert_well_formed;

    fn render(output: &impl ToXml) -> String {
        let mut writer = XmlWriter::default();
        output.write_xml(&mut writer);
        writer.into_string()
    }

    fn completed_snapshot() -> Snapshot {
        Snapshot {
            snapshot_id: "snap-1234".into(),
            volume_id: "vol-0a1b2c3d".into(),
            state: SnapshotState::Completed,
            state_message: None,
            start_time: datetime!(2024-05-02 08:00:00.5 UTC),
            progress: 100,
            owner_id: "123456789012".into(),
            owner_alias: None,
            volume_size: 80,
            description: "Daily backup".into(),
            encrypted: true,
            kms_key_id: Some("alias/ebs".into()),
            tags: vec![Tag {
                key: "env".into(),
                value: "prod".into(),
            }],
        }
    }

    #[test]
    fn create_snapshot_reads_volume_description_and_tags() {
        let args = Args::from_pairs([
            ("Action", "CreateSnapshot"),
            ("Version", "2016-11-15"),
            ("Description", "Daily backup"),
            ("VolumeId", "vol-0a1b2c3d"),
            ("TagSpecification.1.ResourceType", "snapshot"),
            ("TagSpecification.1.Tag.1.Key", "env"),
            ("TagSpecification.1.Tag.1.Value", "prod"),
        ]);
        assert_eq!(
            CreateSnapshotInput::from_args(&args).unwrap(),
            CreateSnapshotInput {
                volume_id: "vol-0a1b2c3d".into(),
                description: Some("Daily backup".into()),
                tag_specifications: vec![TagSpecification {
                    resource_type: "snapshot".into(),
                    tags: vec![Tag {
                        key: "env".into(),
                        value: "prod".into(),
                    }],
                }],
            }
        );
    }

    #[test]
    fn create_snapshot_needs_a_volume_id() {
        let args = Args::from_pairs([("Description", "Daily backup")]);
        let error = CreateSnapshotInput::from_args(&args).unwrap_err();
        assert_eq!(error.code(), ErrorCode::MissingParameter);
        assert_eq!(
            error.message(),
            "The request must contain the parameter VolumeId"
        );
    }

    #[test]
    fn delete_snapshot_reads_the_snapshot_id() {
        let args = Args::from_pairs([
            ("Action", "DeleteSnapshot"),
            ("Version", "2016-11-15"),
            ("SnapshotId", "snap-1234"),
        ]);
        assert_eq!(
            DeleteSnapshotInput::from_args(&args).unwrap(),
            DeleteSnapshotInput {
                snapshot_id: "snap-1234".into()
            }
        );
        let error = DeleteSnapshotInput::from_args(&Args::default()).unwrap_err();
        assert_eq!(
            error.message(),
            "The request must contain the parameter SnapshotId"
        );
    }

    #[test]
    fn describe_snapshots_reads_ids_owners_restorable_by_filters_and_paging() {
        let args = Args::from_pairs([
            ("Action", "DescribeSnapshots"),
            ("Version", "2016-11-15"),
            ("MaxResults", "20"),
            ("NextToken", "page-2"),
            ("Owner.1", "self"),
            ("Owner.2", "123456789012"),
            ("RestorableBy.1", "all"),
            ("SnapshotId.1", "snap-1"),
            ("SnapshotId.2", "snap-2"),
            ("Filter.1.Name", "status"),
            ("Filter.1.Value.1", "completed"),
        ]);
        assert_eq!(
            DescribeSnapshotsInput::from_args(&args).unwrap(),
            DescribeSnapshotsInput {
                snapshot_ids: vec!["snap-1".into(), "snap-2".into()],
                owner_ids: vec!["self".into(), "123456789012".into()],
                restorable_by_user_ids: vec!["all".into()],
                filters: vec![Filter {
                    name: "status".into(),
                    values: vec!["completed".into()],
                }],
                max_results: Some(20),
                next_token: Some("page-2".into()),
            }
        );
    }

    #[test]
    fn describe_snapshots_max_results_must_be_an_integer() {
        let args = Args::from_pairs([("MaxResults", "ten")]);
        let error = DescribeSnapshotsInput::from_args(&args).unwrap_err();
        assert_eq!(error.code(), ErrorCode::InvalidParameterValue);
        assert_eq!(
            error.message(),
            "Invalid value 'ten' for MaxResults. It must be a number."
        );
    }

    #[test]
    fn describe_snapshots_renders_snapshot_set() {
        let output = DescribeSnapshotsOutput {
            snapshots: vec![completed_snapshot()],
            next_token: None,
        };
        assert_eq!(
            render(&output),
            "<snapshotSet><item><snapshotId>snap-1234</snapshotId>\
             <volumeId>vol-0a1b2c3d</volumeId><status>completed</status>\
             <startTime>2024-05-02T08:00:00.500Z</startTime><progress>100%</progress>\
             <ownerId>123456789012</ownerId><volumeSize>80</volumeSize>\
             <description>Daily backup</description><encrypted>true</encrypted>\
             <kmsKeyId>alias/ebs</kmsKeyId>\
             <tagSet><item><key>env</key><value>prod</value></item></tagSet>\
             </item></snapshotSet>"
        );
    }

    #[test]
    fn create_snapshot_renders_a_pending_snapshot_with_an_empty_description() {
        let output: CreateSnapshotOutput = Snapshot {
            snapshot_id: "snap-1234".into(),
            volume_id: "vol-0a1b2c3d".into(),
            start_time: datetime!(2024-05-02 08:00:00 UTC),
            owner_id: "123456789012".into(),
            volume_size: 8,
            ..Snapshot::default()
        };
        assert_eq!(
            render(&output),
            "<snapshotId>snap-1234</snapshotId><volumeId>vol-0a1b2c3d</volumeId>\
             <status>pending</status><startTime>2024-05-02T08:00:00.000Z</startTime>\
             <progress>0%</progress><ownerId>123456789012</ownerId><volumeSize>8</volumeSize>\
             <description></description><encrypted>false</encrypted>"
        );
    }

    #[test]
    fn a_failed_snapshot_renders_its_status_message() {
        let output = Snapshot {
            state: SnapshotState::Error,
            state_message: Some("Volume is busy".into()),
            ..completed_snapshot()
        };
        assert!(
            render(&output)
                .contains("<status>error</status><statusMessage>Volume is busy</statusMessage>")
        );
    }

    #[test]
    fn delete_snapshot_renders_return_true() {
        let output: DeleteSnapshotOutput = Return::default();
        assert_eq!(render(&output), "<return>true</return>");
    }

    #[test]
    fn snapshot_states_use_the_wire_names() {
        let states = [
            SnapshotState::Pending,
            SnapshotState::Completed,
            SnapshotState::Error,
        ];
        assert_eq!(
            states.map(SnapshotState::as_str),
            ["pending", "completed", "error"]
        );
    }

    #[test]
    fn describe_snapshots_output_is_well_formed_xml() {
        let odd = Snapshot {
            description: "</description><evil>&".into(),
            ..completed_snapshot()
        };
        let output = DescribeSnapshotsOutput {
            snapshots: vec![odd, Snapshot::default()],
            next_token: Some("a&b".into()),
        };
        assert_well_formed(&render(&output));
    }
}
