//! The [`CloudController`] trait a host implements, one method per EC2 action, and the
//! [`Action`] enum that names them.
//!
//! Every method has a default that answers `UnsupportedOperation`, so a host implements
//! only what its backend has. The actions are Nova's CloudController's, plus the ones
//! today's clients lean on: tags, instance status, instance attributes and account
//! attributes.

use async_trait::async_trait;

use super::error::Ec2Error;
use super::model::*;
use crate::core::Context;

/// One call of an action: who asks, and the typed input.
#[derive(Clone, Debug)]
pub struct Ec2Call<I> {
    /// The caller, as authentication established it. `context.region` is the region the
    /// request addressed.
    pub context: Context,
    /// The action's input.
    pub input: I,
}

impl<I> Ec2Call<I> {
    /// A call of `input` on behalf of `context`.
    pub fn new(context: Context, input: I) -> Self {
        Ec2Call { context, input }
    }

    /// The project whose resources the call may see and change.
    pub fn project_id(&self) -> &str {
        &self.context.project_id
    }

    /// The region the call addressed (empty when no layer set one).
    pub fn region(&self) -> &str {
        self.context.region.as_deref().unwrap_or("")
    }
}

macro_rules! cloud_actions {
    ($( $action:ident => $method:ident($input:ty) -> $output:ty; )*) => {
        /// An EC2 action cumulo dispatches.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Action {
            $(
                #[doc = concat!("`", stringify!($action), "`")]
                $action,
            )*
        }

        impl Action {
            /// Every action, in alphabetical order.
            pub const ALL: &'static [Action] = &[$(Action::$action),*];

            /// The action's wire name.
            pub const fn as_str(self) -> &'static str {
                match self { $(Action::$action => stringify!($action),)* }
            }

            /// The action named `name` (exact case, as AWS requires).
            pub fn from_name(name: &str) -> Option<Action> {
                match name { $(stringify!($action) => Some(Action::$action),)* _ => None }
            }
        }

        /// What a backend does for each EC2 action.
        ///
        /// Implement the methods your backend supports; the others answer
        /// `UnsupportedOperation`. The caller's project is in `call.context`: a backend
        /// must never show or change another project's resources, and must answer a
        /// foreign id exactly as it answers a missing one.
        #[async_trait]
        pub trait CloudController: Send + Sync + 'static {
            $(
                #[doc = concat!("`", stringify!($action), "`.")]
                async fn $method(&self, call: Ec2Call<$input>) -> Result<$output, Ec2Error> {
                    let _ = call;
                    Err(Ec2Error::unsupported(stringify!($action)))
                }
            )*
        }

        /// Calls the controller's method for `action` with a default input.
        #[cfg(test)]
        pub(crate) async fn call_with_default_input(
            controller: &dyn CloudController,
            action: Action,
            context: Context,
        ) -> Result<(), Ec2Error> {
            match action {
                $(
                    Action::$action => controller
                        .$method(Ec2Call::new(context, <$input>::default()))
                        .await
                        .map(|_| ()),
                )*
            }
        }

        /// Reads the input of `action`, refuses any argument the input did not read
        /// (`UnknownParameter`), calls the controller and writes the output XML (the
        /// response element's content) into `writer`.
        pub(crate) async fn dispatch(
            controller: &dyn CloudController,
            action: Action,
            args: &crate::ec2::args::Args,
            context: Context,
            dry_run: bool,
            writer: &mut crate::ec2::xml::XmlWriter,
        ) -> Result<(), Ec2Error> {
            use crate::ec2::xml::ToXml;
            match action {
                $(
                    Action::$action => {
                        let input = <$input as FromArgs>::from_args(args)?;
                        // Limitation: an input that fails to read stops there, so its error
                        // comes before that of a parameter it would not have read.
                        args.check_all_read()?;
                        if dry_run {
                            return Err(Ec2Error::dry_run());
                        }
                        let output = controller.$method(Ec2Call::new(context, input)).await?;
                        output.write_xml(writer);
                        Ok(())
                    }
                )*
            }
        }
    };
}

cloud_actions! {
    AllocateAddress => allocate_address(AllocateAddressInput) -> AllocateAddressOutput;
    AssociateAddress => associate_address(AssociateAddressInput) -> AssociateAddressOutput;
    AttachVolume => attach_volume(AttachVolumeInput) -> AttachVolumeOutput;
    AuthorizeSecurityGroupIngress => authorize_security_group_ingress(
        AuthorizeSecurityGroupIngressInput
    ) -> AuthorizeSecurityGroupIngressOutput;
    CreateImage => create_image(CreateImageInput) -> CreateImageOutput;
    CreateKeyPair => create_key_pair(CreateKeyPairInput) -> CreateKeyPairOutput;
    CreateSecurityGroup => create_security_group(CreateSecurityGroupInput)
        -> CreateSecurityGroupOutput;
    CreateSnapshot => create_snapshot(CreateSnapshotInput) -> CreateSnapshotOutput;
    CreateTags => create_tags(CreateTagsInput) -> CreateTagsOutput;
    CreateVolume => create_volume(CreateVolumeInput) -> CreateVolumeOutput;
    DeleteKeyPair => delete_key_pair(DeleteKeyPairInput) -> DeleteKeyPairOutput;
    DeleteSecurityGroup => delete_security_group(DeleteSecurityGroupInput)
        -> DeleteSecurityGroupOutput;
    DeleteSnapshot => delete_snapshot(DeleteSnapshotInput) -> DeleteSnapshotOutput;
    DeleteTags => delete_tags(DeleteTagsInput) -> DeleteTagsOutput;
    DeleteVolume => delete_volume(DeleteVolumeInput) -> DeleteVolumeOutput;
    DeregisterImage => deregister_image(DeregisterImageInput) -> DeregisterImageOutput;
    DescribeAccountAttributes => describe_account_attributes(DescribeAccountAttributesInput)
        -> DescribeAccountAttributesOutput;
    DescribeAddresses => describe_addresses(DescribeAddressesInput) -> DescribeAddressesOutput;
    DescribeAvailabilityZones => describe_availability_zones(DescribeAvailabilityZonesInput)
        -> DescribeAvailabilityZonesOutput;
    DescribeImageAttribute => describe_image_attribute(DescribeImageAttributeInput)
        -> DescribeImageAttributeOutput;
    DescribeImages => describe_images(DescribeImagesInput) -> DescribeImagesOutput;
    DescribeInstanceAttribute => describe_instance_attribute(DescribeInstanceAttributeInput)
        -> DescribeInstanceAttributeOutput;
    DescribeInstanceStatus => describe_instance_status(DescribeInstanceStatusInput)
        -> DescribeInstanceStatusOutput;
    DescribeInstances => describe_instances(DescribeInstancesInput) -> DescribeInstancesOutput;
    DescribeInstancesV6 => describe_instances_v6(DescribeInstancesV6Input)
        -> DescribeInstancesV6Output;
    DescribeKeyPairs => describe_key_pairs(DescribeKeyPairsInput) -> DescribeKeyPairsOutput;
    DescribeRegions => describe_regions(DescribeRegionsInput) -> DescribeRegionsOutput;
    DescribeSecurityGroups => describe_security_groups(DescribeSecurityGroupsInput)
        -> DescribeSecurityGroupsOutput;
    DescribeSnapshots => describe_snapshots(DescribeSnapshotsInput) -> DescribeSnapshotsOutput;
    DescribeTags => describe_tags(DescribeTagsInput) -> DescribeTagsOutput;
    DescribeVolumes => describe_volumes(DescribeVolumesInput) -> DescribeVolumesOutput;
    DetachVolume => detach_volume(DetachVolumeInput) -> DetachVolumeOutput;
    DisassociateAddress => disassociate_address(DisassociateAddressInput)
        -> DisassociateAddressOutput;
    GetConsoleOutput => get_console_output(GetConsoleOutputInput) -> GetConsoleOutputOutput;
    ImportKeyPair => import_key_pair(ImportKeyPairInput) -> ImportKeyPairOutput;
    ModifyImageAttribute => modify_image_attribute(ModifyImageAttributeInput)
        -> ModifyImageAttributeOutput;
    ModifyInstanceAttribute => modify_instance_attribute(ModifyInstanceAttributeInput)
        -> ModifyInstanceAttributeOutput;
    RebootInstances => reboot_instances(RebootInstancesInput) -> RebootInstancesOutput;
    RegisterImage => register_image(RegisterImageInput) -> RegisterImageOutput;
    ReleaseAddress => release_address(ReleaseAddressInput) -> ReleaseAddressOutput;
    RevokeSecurityGroupIngress => revoke_security_group_ingress(RevokeSecurityGroupIngressInput)
        -> RevokeSecurityGroupIngressOutput;
    RunInstances => run_instances(RunInstancesInput) -> RunInstancesOutput;
    StartInstances => start_instances(StartInstancesInput) -> StartInstancesOutput;
    StopInstances => stop_instances(StopInstancesInput) -> StopInstancesOutput;
    TerminateInstances => terminate_instances(TerminateInstancesInput)
        -> TerminateInstancesOutput;
    UpdateImage => update_image(UpdateImageInput) -> UpdateImageOutput;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_round_trips_its_name() {
        assert_eq!(Action::ALL.len(), 46);
        for action in Action::ALL {
            assert_eq!(Action::from_name(action.as_str()), Some(*action));
        }
        assert_eq!(Action::from_name("describeinstances"), None);
        assert_eq!(Action::from_name("FooBar"), None);
    }

    /// Every parameter of the actions' AWS shapes, as botocore names them on the wire
    /// (`scripts/ec2-input-parameters.py` writes it): action, parameter, a sample value.
    const AWS_PARAMETERS: &str = include_str!("../../tests/data/ec2-input-parameters.tsv");

    struct Nothing;
    impl CloudController for Nothing {}

    /// Parameters that let the input of `action` read without error, beside `parameter`.
    fn companions(action: &str, parameter: &str) -> Vec<(&'static str, &'static str)> {
        let mut pairs = match action {
            "AssociateAddress" => vec![("InstanceId", "i-1")],
            "AttachVolume" => vec![
                ("Device", "/dev/sdf"),
                ("InstanceId", "i"),
                ("VolumeId", "v"),
            ],
            "CreateImage" => vec![("InstanceId", "i"), ("Name", "n")],
            "CreateKeyPair" | "DeleteKeyPair" => vec![("KeyName", "k")],
            "ImportKeyPair" => vec![("KeyName", "k"), ("PublicKeyMaterial", "eA==")],
            "CreateSecurityGroup" => vec![("GroupName", "g"), ("GroupDescription", "d")],
            "DeleteSecurityGroup" | "AuthorizeSecurityGroupIngress" => vec![("GroupName", "g")],
            "RevokeSecurityGroupIngress" => vec![("GroupName", "g")],
            "CreateSnapshot" | "DeleteVolume" | "DetachVolume" => vec![("VolumeId", "v")],
            "DeleteSnapshot" => vec![("SnapshotId", "s")],
            "CreateTags" => vec![("ResourceId.1", "r"), ("Tag.1.Key", "k")],
            "DeleteTags" => vec![("ResourceId.1", "r")],
            "CreateVolume" => vec![("Size", "1")],
            "DeregisterImage" | "ModifyImageAttribute" => vec![("ImageId", "ami")],
            "DescribeImageAttribute" => vec![("ImageId", "ami"), ("Attribute", "description")],
            "DescribeInstanceAttribute" => vec![("InstanceId", "i"), ("Attribute", "kernel")],
            "ModifyInstanceAttribute" => vec![("InstanceId", "i"), ("Kernel.Value", "k")],
            "GetConsoleOutput" => vec![("InstanceId", "i")],
            "RebootInstances" | "StartInstances" | "StopInstances" | "TerminateInstances" => {
                vec![("InstanceId.1", "i")]
            }
            "RunInstances" => vec![("MinCount", "1"), ("MaxCount", "1")],
            _ => vec![],
        };
        // One of two parameters that exclude each other, unless it is `parameter`.
        match (action, parameter) {
            ("AssociateAddress" | "ReleaseAddress", "AllocationId") => {}
            ("DisassociateAddress", "AssociationId") => {}
            ("AssociateAddress" | "ReleaseAddress" | "DisassociateAddress", _) => {
                pairs.push(("PublicIp", "192.0.2.1"))
            }
            ("CreateVolume", "AvailabilityZoneId") => {}
            ("CreateVolume", _) => pairs.push(("AvailabilityZone", "us-east-1a")),
            ("ModifyInstanceAttribute", "Attribute") => pairs.push(("Value", "k")),
            ("ModifyInstanceAttribute", "Value") => pairs.push(("Attribute", "kernel")),
            _ => {}
        }
        // The parts of a list item its input requires.
        let item: &[(&str, &str)] = if parameter.starts_with("TagSpecification.1.") {
            &[
                ("TagSpecification.1.ResourceType", "instance"),
                ("TagSpecification.1.Tag.1.Key", "k"),
            ]
        } else if parameter.starts_with("Filter.1.") {
            &[("Filter.1.Name", "n")]
        } else if parameter.starts_with("IpPermissions.1.") {
            &[
                ("IpPermissions.1.IpProtocol", "tcp"),
                ("IpPermissions.1.IpRanges.1.CidrIp", "0.0.0.0/0"),
                ("IpPermissions.1.Ipv6Ranges.1.CidrIpv6", "::/0"),
                ("IpPermissions.1.PrefixListIds.1.PrefixListId", "pl-1"),
            ]
        } else {
            &[]
        };
        pairs.extend_from_slice(item);
        pairs.retain(|(name, _)| *name != parameter);
        pairs.dedup();
        pairs
    }

    /// A value of `parameter` its input accepts, where the sample of its type is not one.
    fn valid_value<'a>(parameter: &str, sample: &'a str) -> &'a str {
        match parameter {
            "PublicIp" | "PublicIp.1" => "192.0.2.1",
            "PublicKeyMaterial" => "eA==",
            "Attribute" => "kernel",
            _ => sample,
        }
    }

    #[tokio::test]
    async fn every_parameter_of_the_aws_shapes_is_accepted() {
        let mut refused = Vec::new();
        for line in AWS_PARAMETERS.lines() {
            let mut fields = line.split('\t');
            let (Some(name), Some(parameter), Some(sample)) =
                (fields.next(), fields.next(), fields.next())
            else {
                panic!("a malformed line: {line}");
            };
            let action = Action::from_name(name).expect("an action cumulo has");
            let mut pairs = companions(name, parameter);
            pairs.push((parameter, valid_value(parameter, sample)));
            let args = crate::ec2::args::Args::from_pairs(pairs);
            // The Executor reads DryRun before the input.
            args.boolean("DryRun").unwrap();

            let mut writer = crate::ec2::xml::XmlWriter::default();
            let context = Context::default();
            let answer = dispatch(&Nothing, action, &args, context, true, &mut writer).await;

            let error = answer.unwrap_err();
            if error.code() != crate::ec2::error::ErrorCode::DryRunOperation {
                refused.push(format!("{name} {parameter}: {}", error.message()));
            }
        }
        assert!(refused.is_empty(), "{refused:#?}");
    }
}
