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

        /// Reads the input of `action`, calls the controller and writes the output XML
        /// (the response element's content) into `writer`.
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
}
