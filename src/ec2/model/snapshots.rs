//! EBS snapshots: create, delete, describe.

use super::placeholder_shapes;

placeholder_shapes! {
    CreateSnapshotInput, CreateSnapshotOutput;
    DeleteSnapshotInput, DeleteSnapshotOutput;
    DescribeSnapshotsInput, DescribeSnapshotsOutput;
}
