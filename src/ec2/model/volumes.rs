//! EBS volumes: create, delete, describe, attach, detach.

use super::placeholder_shapes;

placeholder_shapes! {
    CreateVolumeInput, CreateVolumeOutput;
    DeleteVolumeInput, DeleteVolumeOutput;
    DescribeVolumesInput, DescribeVolumesOutput;
    AttachVolumeInput, AttachVolumeOutput;
    DetachVolumeInput, DetachVolumeOutput;
}
