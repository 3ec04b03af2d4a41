//! Instances: launch, describe, state changes, console output, attributes and status.
//!
//! Request names are the ones botocore's `ec2` model serializes (`InstanceId.N`,
//! `Placement.AvailabilityZone`, `DisableApiTermination.Value`…); response elements are
//! the ones AWS writes (`reservationSet`, `instancesSet`, `instanceState`…).

use std::fmt;

use time::OffsetDateTime;

use super::{BlockDeviceMapping, FromArgs, Shared, Tag, TagSpecification, Text};
use crate::ec2::args::{Args, Filter, Node};
use crate::ec2::error::{Ec2Error, ErrorCode};
use crate::ec2::xml::{ToXml, XmlWriter};

// Shared pieces.

/// The user data of an instance, base64 as the client sent it. Its `Debug` hides the
/// content, because user data often carries secrets.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct UserData(pub String);

impl fmt::Debug for UserData {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "UserData(<{} bytes>)", self.0.len())
    }
}

/// The instance ids of `InstanceId.N`; an empty list is `MissingParameter`.
fn required_instance_ids(args: &Args) -> Result<Vec<String>, Ec2Error> {
    let ids = args.strings("InstanceId");
    if ids.is_empty() {
        return Err(Ec2Error::missing_parameter("InstanceId"));
    }
    Ok(ids)
}

/// The state of an instance, with the code AWS gives each.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum InstanceStateName {
    /// `pending`, code 0.
    Pending,
    /// `running`, code 16.
    Running,
    /// `shutting-down`, code 32.
    ShuttingDown,
    /// `terminated`, code 48.
    Terminated,
    /// `stopping`, code 64.
    Stopping,
    /// `stopped`, code 80.
    Stopped,
}

impl InstanceStateName {
    /// The state's wire name.
    pub const fn as_str(self) -> &'static str {
        match self {
            InstanceStateName::Pending => "pending",
            InstanceStateName::Running => "running",
            InstanceStateName::ShuttingDown => "shutting-down",
            InstanceStateName::Terminated => "terminated",
            InstanceStateName::Stopping => "stopping",
            InstanceStateName::Stopped => "stopped",
        }
    }

    /// The state's code.
    pub const fn code(self) -> i32 {
        match self {
            InstanceStateName::Pending => 0,
            InstanceStateName::Running => 16,
            InstanceStateName::ShuttingDown => 32,
            InstanceStateName::Terminated => 48,
            InstanceStateName::Stopping => 64,
            InstanceStateName::Stopped => 80,
        }
    }
}

impl ToXml for InstanceStateName {
    fn write_xml(&self, writer: &mut XmlWriter) {
        writer.field("code", &self.code());
        writer.field("name", self.as_str());
    }
}

/// A security group as instances and reservations name it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GroupIdentifier {
    /// The group's id (`sg-…`).
    pub group_id: Text,
    /// The group's name.
    pub group_name: Text,
}

impl ToXml for GroupIdentifier {
    fn write_xml(&self, writer: &mut XmlWriter) {
        writer.field("groupId", &self.group_id);
        writer.field("groupName", &self.group_name);
    }
}

/// A product code of an instance or image.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProductCode {
    /// The code.
    pub product_code: Text,
    /// `devpay` or `marketplace`.
    pub product_type: Text,
}

impl ToXml for ProductCode {
    fn write_xml(&self, writer: &mut XmlWriter) {
        writer.field("productCode", &self.product_code);
        writer.field("type", &self.product_type);
    }
}

/// `<value>…</value>`, the wrapper of attribute values.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AttributeValue<T>(pub T);

impl<T: ToXml> ToXml for AttributeValue<T> {
    fn write_xml(&self, writer: &mut XmlWriter) {
        writer.field("value", &self.0);
    }
}

/// Reads `name.Value` as a boolean.
fn value_bool(args: &Args, name: &str) -> Result<Option<bool>, Ec2Error> {
    args.boolean(&format!("{name}.Value"))
}

/// Reads `name.Value` as a string.
fn value_string(args: &Args, name: &str) -> Option<String> {
    args.string(&format!("{name}.Value"))
}

/// Reads `MaxResults` and `NextToken`.
fn paging(args: &Args) -> Result<(Option<i64>, Option<String>), Ec2Error> {
    Ok((args.number("MaxResults")?, args.string("NextToken")))
}

// RunInstances.

/// `Placement`: where to launch.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PlacementRequest {
    /// `Placement.AvailabilityZone`.
    pub availability_zone: Option<String>,
    /// `Placement.GroupName` (a placement group).
    pub group_name: Option<String>,
    /// `Placement.Tenancy`: `default`, `dedicated` or `host`.
    pub tenancy: Option<String>,
    /// `Placement.HostId`.
    pub host_id: Option<String>,
    /// `Placement.Affinity`.
    pub affinity: Option<String>,
    /// `Placement.PartitionNumber`.
    pub partition_number: Option<i64>,
}

impl PlacementRequest {
    fn from_node(node: &Node) -> Result<Self, Ec2Error> {
        node.accept_unused(&[
            "AvailabilityZoneId",
            "GroupId",
            "HostResourceGroupArn",
            "SpreadDomain",
        ]);
        Ok(PlacementRequest {
            availability_zone: node.string("AvailabilityZone"),
            group_name: node.string("GroupName"),
            tenancy: node.string("Tenancy"),
            host_id: node.string("HostId"),
            affinity: node.string("Affinity"),
            partition_number: node.number("PartitionNumber")?,
        })
    }
}

/// `IamInstanceProfile`: the instance profile, by ARN or name.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct IamInstanceProfileSpecification {
    /// `IamInstanceProfile.Arn`.
    pub arn: Option<String>,
    /// `IamInstanceProfile.Name`.
    pub name: Option<String>,
}

/// `NetworkInterface.N`: a network interface to create or attach at launch.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NetworkInterfaceSpecification {
    /// `DeviceIndex`.
    pub device_index: Option<i64>,
    /// `NetworkInterfaceId`: an existing interface to attach.
    pub network_interface_id: Option<String>,
    /// `SubnetId`.
    pub subnet_id: Option<String>,
    /// `Description`.
    pub description: Option<String>,
    /// `PrivateIpAddress`.
    pub private_ip_address: Option<String>,
    /// `SecurityGroupId.N`.
    pub security_group_ids: Vec<String>,
    /// `AssociatePublicIpAddress`.
    pub associate_public_ip_address: Option<bool>,
    /// `DeleteOnTermination`.
    pub delete_on_termination: Option<bool>,
    /// `SecondaryPrivateIpAddressCount`.
    pub secondary_private_ip_address_count: Option<i64>,
    /// `Ipv6AddressCount`.
    pub ipv6_address_count: Option<i64>,
    /// `InterfaceType`.
    pub interface_type: Option<String>,
}

impl NetworkInterfaceSpecification {
    fn from_node(node: &Node) -> Result<Self, Ec2Error> {
        node.accept_unused(&[
            "AssociateCarrierIpAddress",
            "ConnectionTrackingSpecification.TcpEstablishedTimeout",
            "ConnectionTrackingSpecification.UdpStreamTimeout",
            "ConnectionTrackingSpecification.UdpTimeout",
            "EnaQueueCount",
            "EnaSrdSpecification.EnaSrdEnabled",
            "EnaSrdSpecification.EnaSrdUdpSpecification.EnaSrdUdpEnabled",
            "Ipv4Prefix.N.Ipv4Prefix",
            "Ipv4PrefixCount",
            "Ipv6Addresses.N.Ipv6Address",
            "Ipv6Addresses.N.IsPrimaryIpv6",
            "Ipv6Prefix.N.Ipv6Prefix",
            "Ipv6PrefixCount",
            "NetworkCardIndex",
            "PrimaryIpv6",
            "PrivateIpAddresses.N.Primary",
            "PrivateIpAddresses.N.PrivateIpAddress",
        ]);
        Ok(NetworkInterfaceSpecification {
            device_index: node.number("DeviceIndex")?,
            network_interface_id: node.string("NetworkInterfaceId"),
            subnet_id: node.string("SubnetId"),
            description: node.string("Description"),
            private_ip_address: node.string("PrivateIpAddress"),
            security_group_ids: node.strings("SecurityGroupId"),
            associate_public_ip_address: node.boolean("AssociatePublicIpAddress")?,
            delete_on_termination: node.boolean("DeleteOnTermination")?,
            secondary_private_ip_address_count: node.number("SecondaryPrivateIpAddressCount")?,
            ipv6_address_count: node.number("Ipv6AddressCount")?,
            interface_type: node.string("InterfaceType"),
        })
    }
}

/// `MetadataOptions`: how the instance metadata service answers.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MetadataOptionsRequest {
    /// `HttpTokens`: `optional` or `required`.
    pub http_tokens: Option<String>,
    /// `HttpPutResponseHopLimit`.
    pub http_put_response_hop_limit: Option<i64>,
    /// `HttpEndpoint`: `enabled` or `disabled`.
    pub http_endpoint: Option<String>,
    /// `HttpProtocolIpv6`.
    pub http_protocol_ipv6: Option<String>,
    /// `InstanceMetadataTags`.
    pub instance_metadata_tags: Option<String>,
}

/// The input of `RunInstances`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RunInstancesInput {
    /// `ImageId` (optional on the wire only because a launch template may name it).
    pub image_id: Option<String>,
    /// `MinCount`.
    pub min_count: i64,
    /// `MaxCount`.
    pub max_count: i64,
    /// `InstanceType` (AWS defaults to `m1.small`).
    pub instance_type: Option<String>,
    /// `KeyName`.
    pub key_name: Option<String>,
    /// `SecurityGroup.N`: group names.
    pub security_groups: Vec<String>,
    /// `SecurityGroupId.N`.
    pub security_group_ids: Vec<String>,
    /// `UserData`, base64.
    pub user_data: Option<UserData>,
    /// `Placement.*`.
    pub placement: PlacementRequest,
    /// `KernelId`.
    pub kernel_id: Option<String>,
    /// `RamdiskId`.
    pub ramdisk_id: Option<String>,
    /// `BlockDeviceMapping.N`.
    pub block_device_mappings: Vec<BlockDeviceMapping>,
    /// `Monitoring.Enabled`.
    pub monitoring_enabled: Option<bool>,
    /// `SubnetId`.
    pub subnet_id: Option<String>,
    /// `PrivateIpAddress`.
    pub private_ip_address: Option<String>,
    /// `DisableApiTermination`.
    pub disable_api_termination: Option<bool>,
    /// `DisableApiStop`.
    pub disable_api_stop: Option<bool>,
    /// `InstanceInitiatedShutdownBehavior`: `stop` or `terminate`.
    pub instance_initiated_shutdown_behavior: Option<String>,
    /// `ClientToken`.
    pub client_token: Option<String>,
    /// `AdditionalInfo`.
    pub additional_info: Option<String>,
    /// `EbsOptimized`.
    pub ebs_optimized: Option<bool>,
    /// `IamInstanceProfile.*`.
    pub iam_instance_profile: Option<IamInstanceProfileSpecification>,
    /// `NetworkInterface.N`.
    pub network_interfaces: Vec<NetworkInterfaceSpecification>,
    /// `TagSpecification.N`.
    pub tag_specifications: Vec<TagSpecification>,
    /// `Ipv6AddressCount`.
    pub ipv6_address_count: Option<i64>,
    /// `MetadataOptions.*`.
    pub metadata_options: Option<MetadataOptionsRequest>,
    /// `CpuOptions.CoreCount`.
    pub cpu_core_count: Option<i64>,
    /// `CpuOptions.ThreadsPerCore`.
    pub cpu_threads_per_core: Option<i64>,
    /// `HibernationOptions.Configured`.
    pub hibernation_configured: Option<bool>,
    /// `EnclaveOptions.Enabled`.
    pub enclave_enabled: Option<bool>,
    /// `CreditSpecification.CpuCredits`.
    pub cpu_credits: Option<String>,
    /// `CapacityReservationSpecification.CapacityReservationPreference`.
    pub capacity_reservation_preference: Option<String>,
    /// `PrivateDnsNameOptions.HostnameType`.
    pub hostname_type: Option<String>,
    /// `MaintenanceOptions.AutoRecovery`.
    pub auto_recovery: Option<String>,
    /// `LaunchTemplate.LaunchTemplateId` or `LaunchTemplateName`.
    pub launch_template: Option<String>,
    /// `InstanceMarketOptions.MarketType`.
    pub market_type: Option<String>,
}

/// The parameters of RunInstances that the input reads and drops: the shapes of features
/// cumulo does not model (spot, licenses, accelerators, capacity reservations…).
const RUN_INSTANCES_UNUSED: &[&str] = &[
    "CapacityReservationSpecification.CapacityReservationTarget.CapacityReservationId",
    "CapacityReservationSpecification.CapacityReservationTarget.\
     CapacityReservationResourceGroupArn",
    "CpuOptions.AmdSevSnp",
    "CpuOptions.NestedVirtualization",
    "ElasticGpuSpecification.N.Type",
    "ElasticInferenceAccelerator.N.Count",
    "ElasticInferenceAccelerator.N.Type",
    "EnablePrimaryIpv6",
    "InstanceMarketOptions.SpotOptions.BlockDurationMinutes",
    "InstanceMarketOptions.SpotOptions.InstanceInterruptionBehavior",
    "InstanceMarketOptions.SpotOptions.MaxPrice",
    "InstanceMarketOptions.SpotOptions.SpotInstanceType",
    "InstanceMarketOptions.SpotOptions.ValidUntil",
    "Ipv6Address.N.Ipv6Address",
    "Ipv6Address.N.IsPrimaryIpv6",
    "LaunchTemplate.Version",
    "LicenseSpecification.N.LicenseConfigurationArn",
    "Monitoring.MetricCategoryId.N",
    "NetworkPerformanceOptions.BandwidthWeighting",
    "Operator.Principal",
    "PrivateDnsNameOptions.EnableResourceNameDnsAAAARecord",
    "PrivateDnsNameOptions.EnableResourceNameDnsARecord",
    "SecondaryInterface.N.DeleteOnTermination",
    "SecondaryInterface.N.DeviceIndex",
    "SecondaryInterface.N.InterfaceType",
    "SecondaryInterface.N.NetworkCardIndex",
    "SecondaryInterface.N.PrivateIpAddress.N.PrivateIpAddress",
    "SecondaryInterface.N.PrivateIpAddressCount",
    "SecondaryInterface.N.SecondarySubnetId",
];

impl FromArgs for RunInstancesInput {
    fn from_args(args: &Args) -> Result<Self, Ec2Error> {
        args.accept_unused(RUN_INSTANCES_UNUSED);
        let min_count = args.required("MinCount")?;
        let max_count = args.required("MaxCount")?;
        let count = |name: &str, text: &str| {
            text.trim()
                .parse::<i64>()
                .map_err(|_| Ec2Error::invalid_value(name, text, "It must be an integer."))
        };
        let metadata_options = match args.get("MetadataOptions") {
            None => None,
            Some(node) => Some(MetadataOptionsRequest {
                http_tokens: node.string("HttpTokens"),
                http_put_response_hop_limit: node.number("HttpPutResponseHopLimit")?,
                http_endpoint: node.string("HttpEndpoint"),
                http_protocol_ipv6: node.string("HttpProtocolIpv6"),
                instance_metadata_tags: node.string("InstanceMetadataTags"),
            }),
        };
        let launch_template = args
            .string("LaunchTemplate.LaunchTemplateId")
            .or_else(|| args.string("LaunchTemplate.LaunchTemplateName"));
        Ok(RunInstancesInput {
            image_id: args.string("ImageId"),
            min_count: count("MinCount", min_count)?,
            max_count: count("MaxCount", max_count)?,
            instance_type: args.string("InstanceType"),
            key_name: args.string("KeyName"),
            security_groups: args.strings("SecurityGroup"),
            security_group_ids: args.strings("SecurityGroupId"),
            user_data: args.string("UserData").map(UserData),
            placement: match args.get("Placement") {
                Some(node) => PlacementRequest::from_node(node)?,
                None => PlacementRequest::default(),
            },
            kernel_id: args.string("KernelId"),
            ramdisk_id: args.string("RamdiskId"),
            block_device_mappings: BlockDeviceMapping::list_from(args, "BlockDeviceMapping")?,
            monitoring_enabled: args.boolean("Monitoring.Enabled")?,
            subnet_id: args.string("SubnetId"),
            private_ip_address: args.string("PrivateIpAddress"),
            disable_api_termination: args.boolean("DisableApiTermination")?,
            disable_api_stop: args.boolean("DisableApiStop")?,
            instance_initiated_shutdown_behavior: args.string("InstanceInitiatedShutdownBehavior"),
            client_token: args.string("ClientToken"),
            additional_info: args.string("AdditionalInfo"),
            ebs_optimized: args.boolean("EbsOptimized")?,
            iam_instance_profile: args.get("IamInstanceProfile").map(|node| {
                IamInstanceProfileSpecification {
                    arn: node.string("Arn"),
                    name: node.string("Name"),
                }
            }),
            network_interfaces: args
                .list("NetworkInterface")
                .into_iter()
                .map(NetworkInterfaceSpecification::from_node)
                .collect::<Result<_, _>>()?,
            tag_specifications: TagSpecification::list_from(args)?,
            ipv6_address_count: args.number("Ipv6AddressCount")?,
            metadata_options,
            cpu_core_count: args.number("CpuOptions.CoreCount")?,
            cpu_threads_per_core: args.number("CpuOptions.ThreadsPerCore")?,
            hibernation_configured: args.boolean("HibernationOptions.Configured")?,
            enclave_enabled: args.boolean("EnclaveOptions.Enabled")?,
            cpu_credits: args.string("CreditSpecification.CpuCredits"),
            capacity_reservation_preference: args
                .string("CapacityReservationSpecification.CapacityReservationPreference"),
            hostname_type: args.string("PrivateDnsNameOptions.HostnameType"),
            auto_recovery: args.string("MaintenanceOptions.AutoRecovery"),
            launch_template,
            market_type: args.string("InstanceMarketOptions.MarketType"),
        })
    }
}

/// A reservation: the instances one `RunInstances` call launched.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Reservation {
    /// `r-…`.
    pub reservation_id: Text,
    /// The account that owns the instances.
    pub owner_id: Text,
    /// The requester, when a service launched the instances for the owner.
    pub requester_id: Option<Text>,
    /// The security groups (EC2-Classic; empty in a VPC).
    pub groups: Vec<GroupIdentifier>,
    /// The instances, shared so that a backend can keep each one, with its XML, between
    /// answers.
    pub instances: Vec<Shared<Instance>>,
}

impl ToXml for Reservation {
    fn write_xml(&self, writer: &mut XmlWriter) {
        writer.field("reservationId", &self.reservation_id);
        writer.field("ownerId", &self.owner_id);
        writer.field("requesterId", &self.requester_id);
        writer.list("groupSet", &self.groups);
        writer.list("instancesSet", &self.instances);
    }
}

/// The output of `RunInstances`: the new reservation, its instances `pending`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RunInstancesOutput {
    /// The reservation.
    pub reservation: Reservation,
}

impl ToXml for RunInstancesOutput {
    fn write_xml(&self, writer: &mut XmlWriter) {
        self.reservation.write_xml(writer);
    }
}

/// Where an instance runs.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Placement {
    /// The availability zone.
    pub availability_zone: Text,
    /// The placement group (empty when none).
    pub group_name: Text,
    /// `default`, `dedicated` or `host`.
    pub tenancy: Text,
}

impl ToXml for Placement {
    fn write_xml(&self, writer: &mut XmlWriter) {
        writer.field("availabilityZone", &self.availability_zone);
        writer.field("groupName", &self.group_name);
        writer.field("tenancy", &self.tenancy);
    }
}

/// Why an instance is in its state (`stateReason`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StateReason {
    /// The reason code, such as `Client.UserInitiatedShutdown`.
    pub code: Text,
    /// The message.
    pub message: Text,
}

impl ToXml for StateReason {
    fn write_xml(&self, writer: &mut XmlWriter) {
        writer.field("code", &self.code);
        writer.field("message", &self.message);
    }
}

/// An EBS volume attached to an instance, in `blockDeviceMapping`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct InstanceBlockDeviceMapping {
    /// The device name (`/dev/xvda`).
    pub device_name: Text,
    /// The volume id.
    pub volume_id: Text,
    /// `attaching`, `attached`, `detaching` or `detached`.
    pub status: Text,
    /// When the volume was attached.
    pub attach_time: Option<OffsetDateTime>,
    /// Whether the volume goes with the instance.
    pub delete_on_termination: bool,
}

impl ToXml for InstanceBlockDeviceMapping {
    fn write_xml(&self, writer: &mut XmlWriter) {
        writer.field("deviceName", &self.device_name);
        writer.open("ebs");
        writer.field("volumeId", &self.volume_id);
        writer.field("status", &self.status);
        writer.field("attachTime", &self.attach_time);
        writer.field("deleteOnTermination", &self.delete_on_termination);
        writer.close("ebs");
    }
}

/// The public address of a network interface or private address.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NetworkInterfaceAssociation {
    /// The public IPv4 address.
    pub public_ip: Text,
    /// The public DNS name.
    pub public_dns_name: Text,
    /// Who owns the address: `amazon` for an automatic one.
    pub ip_owner_id: Text,
}

impl ToXml for NetworkInterfaceAssociation {
    fn write_xml(&self, writer: &mut XmlWriter) {
        writer.field("publicIp", &self.public_ip);
        writer.field("publicDnsName", &self.public_dns_name);
        writer.field("ipOwnerId", &self.ip_owner_id);
    }
}

/// How a network interface is attached to an instance.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NetworkInterfaceAttachment {
    /// `eni-attach-…`.
    pub attachment_id: Text,
    /// The device index (0 for the primary interface).
    pub device_index: i64,
    /// `attaching`, `attached`, `detaching` or `detached`.
    pub status: Text,
    /// When it was attached.
    pub attach_time: OffsetDateTime,
    /// Whether the interface goes with the instance.
    pub delete_on_termination: bool,
    /// The network card index.
    pub network_card_index: i64,
}

impl ToXml for NetworkInterfaceAttachment {
    fn write_xml(&self, writer: &mut XmlWriter) {
        writer.field("attachmentId", &self.attachment_id);
        writer.field("deviceIndex", &self.device_index);
        writer.field("status", &self.status);
        writer.field("attachTime", &self.attach_time);
        writer.field("deleteOnTermination", &self.delete_on_termination);
        writer.field("networkCardIndex", &self.network_card_index);
    }
}

/// A private IPv4 address of a network interface.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct InstancePrivateIpAddress {
    /// The address.
    pub private_ip_address: Text,
    /// Its DNS name.
    pub private_dns_name: Text,
    /// Whether it is the interface's primary address.
    pub primary: bool,
    /// Its public address, when it has one.
    pub association: Option<NetworkInterfaceAssociation>,
}

impl ToXml for InstancePrivateIpAddress {
    fn write_xml(&self, writer: &mut XmlWriter) {
        writer.field("privateIpAddress", &self.private_ip_address);
        writer.field("privateDnsName", &self.private_dns_name);
        writer.field("primary", &self.primary);
        writer.field("association", &self.association);
    }
}

/// An IPv6 address of a network interface.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct InstanceIpv6Address {
    /// The address.
    pub ipv6_address: Text,
}

impl ToXml for InstanceIpv6Address {
    fn write_xml(&self, writer: &mut XmlWriter) {
        writer.field("ipv6Address", &self.ipv6_address);
    }
}

/// A network interface of an instance (`networkInterfaceSet`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InstanceNetworkInterface {
    /// `eni-…`.
    pub network_interface_id: Text,
    /// The subnet.
    pub subnet_id: Text,
    /// The VPC.
    pub vpc_id: Text,
    /// The description (often empty).
    pub description: Text,
    /// The account that owns the interface.
    pub owner_id: Text,
    /// `in-use` while attached.
    pub status: Text,
    /// The MAC address.
    pub mac_address: Text,
    /// The primary private IPv4 address.
    pub private_ip_address: Text,
    /// Its DNS name.
    pub private_dns_name: Text,
    /// Whether source/destination checking is on.
    pub source_dest_check: bool,
    /// The security groups.
    pub groups: Vec<GroupIdentifier>,
    /// The attachment.
    pub attachment: NetworkInterfaceAttachment,
    /// The public address of the primary private address.
    pub association: Option<NetworkInterfaceAssociation>,
    /// The private addresses.
    pub private_ip_addresses: Vec<InstancePrivateIpAddress>,
    /// The IPv6 addresses.
    pub ipv6_addresses: Vec<InstanceIpv6Address>,
    /// `interface`, `efa`…
    pub interface_type: Text,
}

impl ToXml for InstanceNetworkInterface {
    fn write_xml(&self, writer: &mut XmlWriter) {
        writer.field("networkInterfaceId", &self.network_interface_id);
        writer.field("subnetId", &self.subnet_id);
        writer.field("vpcId", &self.vpc_id);
        writer.field("description", &self.description);
        writer.field("ownerId", &self.owner_id);
        writer.field("status", &self.status);
        writer.field("macAddress", &self.mac_address);
        writer.field("privateIpAddress", &self.private_ip_address);
        writer.field("privateDnsName", &self.private_dns_name);
        writer.field("sourceDestCheck", &self.source_dest_check);
        writer.list("groupSet", &self.groups);
        writer.field("attachment", &self.attachment);
        writer.field("association", &self.association);
        writer.list("privateIpAddressesSet", &self.private_ip_addresses);
        writer.list("ipv6AddressesSet", &self.ipv6_addresses);
        writer.field("interfaceType", &self.interface_type);
    }
}

/// The instance metadata service options of an instance.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InstanceMetadataOptions {
    /// `pending` or `applied`.
    pub state: Text,
    /// `optional` or `required`.
    pub http_tokens: Text,
    /// The hop limit of PUT responses.
    pub http_put_response_hop_limit: i64,
    /// `enabled` or `disabled`.
    pub http_endpoint: Text,
    /// `enabled` or `disabled`.
    pub http_protocol_ipv6: Text,
    /// `enabled` or `disabled`.
    pub instance_metadata_tags: Text,
}

impl Default for InstanceMetadataOptions {
    fn default() -> Self {
        InstanceMetadataOptions {
            state: "applied".into(),
            http_tokens: "required".into(),
            http_put_response_hop_limit: 2,
            http_endpoint: "enabled".into(),
            http_protocol_ipv6: "disabled".into(),
            instance_metadata_tags: "disabled".into(),
        }
    }
}

impl ToXml for InstanceMetadataOptions {
    fn write_xml(&self, writer: &mut XmlWriter) {
        writer.field("state", &self.state);
        writer.field("httpTokens", &self.http_tokens);
        writer.field("httpPutResponseHopLimit", &self.http_put_response_hop_limit);
        writer.field("httpEndpoint", &self.http_endpoint);
        writer.field("httpProtocolIpv6", &self.http_protocol_ipv6);
        writer.field("instanceMetadataTags", &self.instance_metadata_tags);
    }
}

/// The IAM instance profile of an instance.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct IamInstanceProfile {
    /// The profile's ARN.
    pub arn: Text,
    /// The profile's id.
    pub id: Text,
}

impl ToXml for IamInstanceProfile {
    fn write_xml(&self, writer: &mut XmlWriter) {
        writer.field("arn", &self.arn);
        writer.field("id", &self.id);
    }
}

/// An instance, as `DescribeInstances` and `RunInstances` show it.
#[derive(Clone, Debug, PartialEq)]
pub struct Instance {
    /// `i-…`.
    pub instance_id: Text,
    /// The image it was launched from.
    pub image_id: Text,
    /// Its state.
    pub state: InstanceStateName,
    /// The private DNS name (empty while pending on AWS; the fake always fills it).
    pub private_dns_name: Text,
    /// The public DNS name (empty unless running with a public address).
    pub dns_name: Text,
    /// Why it last changed state (`reason`), such as
    /// `User initiated (2026-01-02 03:04:05 GMT)`; empty when none.
    pub reason: Text,
    /// The key pair's name.
    pub key_name: Option<Text>,
    /// Its index within the launch.
    pub ami_launch_index: i64,
    /// Product codes.
    pub product_codes: Vec<ProductCode>,
    /// The instance type.
    pub instance_type: Text,
    /// When it was (last) launched.
    pub launch_time: OffsetDateTime,
    /// Where it runs.
    pub placement: Placement,
    /// The kernel image.
    pub kernel_id: Option<Text>,
    /// The RAM disk image.
    pub ramdisk_id: Option<Text>,
    /// `windows` for Windows instances.
    pub platform: Option<Text>,
    /// `disabled`, `disabling`, `enabled` or `pending`.
    pub monitoring_state: Text,
    /// The subnet.
    pub subnet_id: Option<Text>,
    /// The VPC.
    pub vpc_id: Option<Text>,
    /// The primary private IPv4 address.
    pub private_ip_address: Option<Text>,
    /// The public IPv4 address.
    pub ip_address: Option<Text>,
    /// Whether source/destination checking is on.
    pub source_dest_check: bool,
    /// The security groups.
    pub groups: Vec<GroupIdentifier>,
    /// Why it is in its state, for transitions that have one.
    pub state_reason: Option<StateReason>,
    /// `x86_64`, `arm64`, `i386`…
    pub architecture: Text,
    /// `ebs` or `instance-store`.
    pub root_device_type: Text,
    /// The root device (`/dev/xvda`).
    pub root_device_name: Text,
    /// Attached volumes.
    pub block_device_mappings: Vec<InstanceBlockDeviceMapping>,
    /// `hvm` or `paravirtual`.
    pub virtualization_type: Text,
    /// The launch's idempotency token (empty when none).
    pub client_token: Text,
    /// Tags.
    pub tags: Vec<Tag>,
    /// `xen` or `nitro`.
    pub hypervisor: Text,
    /// Network interfaces.
    pub network_interfaces: Vec<InstanceNetworkInterface>,
    /// The IAM instance profile.
    pub iam_instance_profile: Option<IamInstanceProfile>,
    /// Whether it is EBS-optimized.
    pub ebs_optimized: bool,
    /// Whether enhanced networking with ENA is on.
    pub ena_support: bool,
    /// CPU cores.
    pub cpu_core_count: i64,
    /// Threads per core.
    pub cpu_threads_per_core: i64,
    /// `open` or `none`.
    pub capacity_reservation_preference: Text,
    /// Whether hibernation is configured.
    pub hibernation_configured: bool,
    /// Whether Nitro Enclaves are on.
    pub enclave_enabled: bool,
    /// Instance metadata service options.
    pub metadata_options: InstanceMetadataOptions,
    /// `default` or `disabled`.
    pub auto_recovery: Text,
    /// The boot mode the image asks for (`uefi`, `legacy-bios`…).
    pub boot_mode: Option<Text>,
    /// The boot mode the instance uses.
    pub current_instance_boot_mode: Option<Text>,
    /// The platform, as billing names it (`Linux/UNIX`).
    pub platform_details: Text,
    /// The usage operation (`RunInstances`).
    pub usage_operation: Text,
    /// When the usage operation last changed.
    pub usage_operation_update_time: OffsetDateTime,
    /// `ip-name` or `resource-name`.
    pub hostname_type: Text,
    /// The primary IPv6 address, shown by `DescribeInstancesV6`.
    pub ipv6_address: Option<Text>,
}

impl ToXml for Instance {
    fn write_xml(&self, writer: &mut XmlWriter) {
        writer.field("instanceId", &self.instance_id);
        writer.field("imageId", &self.image_id);
        writer.field("instanceState", &self.state);
        writer.field("privateDnsName", &self.private_dns_name);
        writer.field("dnsName", &self.dns_name);
        writer.field("reason", &self.reason);
        writer.field("keyName", &self.key_name);
        writer.field("amiLaunchIndex", &self.ami_launch_index);
        writer.list("productCodes", &self.product_codes);
        writer.field("instanceType", &self.instance_type);
        writer.field("launchTime", &self.launch_time);
        writer.field("placement", &self.placement);
        writer.field("kernelId", &self.kernel_id);
        writer.field("ramdiskId", &self.ramdisk_id);
        writer.field("platform", &self.platform);
        writer.open("monitoring");
        writer.field("state", &self.monitoring_state);
        writer.close("monitoring");
        writer.field("subnetId", &self.subnet_id);
        writer.field("vpcId", &self.vpc_id);
        writer.field("privateIpAddress", &self.private_ip_address);
        writer.field("ipAddress", &self.ip_address);
        writer.field("ipv6Address", &self.ipv6_address);
        writer.field("sourceDestCheck", &self.source_dest_check);
        writer.list("groupSet", &self.groups);
        writer.field("stateReason", &self.state_reason);
        writer.field("architecture", &self.architecture);
        writer.field("rootDeviceType", &self.root_device_type);
        writer.field("rootDeviceName", &self.root_device_name);
        writer.list("blockDeviceMapping", &self.block_device_mappings);
        writer.field("virtualizationType", &self.virtualization_type);
        writer.field("clientToken", &self.client_token);
        writer.list_if_any("tagSet", &self.tags);
        writer.field("hypervisor", &self.hypervisor);
        writer.list("networkInterfaceSet", &self.network_interfaces);
        writer.field("iamInstanceProfile", &self.iam_instance_profile);
        writer.field("ebsOptimized", &self.ebs_optimized);
        writer.field("enaSupport", &self.ena_support);
        writer.open("cpuOptions");
        writer.field("coreCount", &self.cpu_core_count);
        writer.field("threadsPerCore", &self.cpu_threads_per_core);
        writer.close("cpuOptions");
        writer.open("capacityReservationSpecification");
        writer.field(
            "capacityReservationPreference",
            &self.capacity_reservation_preference,
        );
        writer.close("capacityReservationSpecification");
        writer.open("hibernationOptions");
        writer.field("configured", &self.hibernation_configured);
        writer.close("hibernationOptions");
        writer.open("enclaveOptions");
        writer.field("enabled", &self.enclave_enabled);
        writer.close("enclaveOptions");
        writer.field("metadataOptions", &self.metadata_options);
        writer.open("maintenanceOptions");
        writer.field("autoRecovery", &self.auto_recovery);
        writer.close("maintenanceOptions");
        writer.field("bootMode", &self.boot_mode);
        writer.field("platformDetails", &self.platform_details);
        writer.field("usageOperation", &self.usage_operation);
        writer.field(
            "usageOperationUpdateTime",
            &self.usage_operation_update_time,
        );
        writer.open("privateDnsNameOptions");
        writer.field("hostnameType", &self.hostname_type);
        writer.field("enableResourceNameDnsARecord", &false);
        writer.field("enableResourceNameDnsAAAARecord", &false);
        writer.close("privateDnsNameOptions");
        writer.field("currentInstanceBootMode", &self.current_instance_boot_mode);
    }
}

// DescribeInstances and DescribeInstancesV6.

/// The input of `DescribeInstances` (and `DescribeInstancesV6`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DescribeInstancesInput {
    /// `InstanceId.N`.
    pub instance_ids: Vec<String>,
    /// `Filter.N`.
    pub filters: Vec<Filter>,
    /// `MaxResults`: at most this many instances in the page (5 to 1000).
    pub max_results: Option<i64>,
    /// `NextToken`.
    pub next_token: Option<String>,
}

impl FromArgs for DescribeInstancesInput {
    fn from_args(args: &Args) -> Result<Self, Ec2Error> {
        args.accept_unused(&["IncludeManagedResources"]);
        let (max_results, next_token) = paging(args)?;
        Ok(DescribeInstancesInput {
            instance_ids: args.strings("InstanceId"),
            filters: args.filters("Filter")?,
            max_results,
            next_token,
        })
    }
}

/// The output of `DescribeInstances` (and `DescribeInstancesV6`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DescribeInstancesOutput {
    /// The reservations, each with the page's instances of it.
    pub reservations: Vec<Reservation>,
    /// The token of the next page, when there is one.
    pub next_token: Option<String>,
}

impl ToXml for DescribeInstancesOutput {
    fn write_xml(&self, writer: &mut XmlWriter) {
        writer.list("reservationSet", &self.reservations);
        writer.field("nextToken", &self.next_token);
    }
}

/// The input of Nova's `DescribeInstancesV6`: the same as `DescribeInstances`.
pub type DescribeInstancesV6Input = DescribeInstancesInput;

/// The output of Nova's `DescribeInstancesV6`: `DescribeInstances` with each instance's
/// `ipv6Address`.
pub type DescribeInstancesV6Output = DescribeInstancesOutput;

// Start, Stop, Reboot, Terminate.

/// A state change of one instance.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InstanceStateChange {
    /// The instance.
    pub instance_id: Text,
    /// Its state after the call.
    pub current_state: InstanceStateName,
    /// Its state before the call.
    pub previous_state: InstanceStateName,
}

impl ToXml for InstanceStateChange {
    fn write_xml(&self, writer: &mut XmlWriter) {
        writer.field("instanceId", &self.instance_id);
        writer.field("currentState", &self.current_state);
        writer.field("previousState", &self.previous_state);
    }
}

/// The input of `StartInstances`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StartInstancesInput {
    /// `InstanceId.N`.
    pub instance_ids: Vec<String>,
    /// `AdditionalInfo`.
    pub additional_info: Option<String>,
}

impl FromArgs for StartInstancesInput {
    fn from_args(args: &Args) -> Result<Self, Ec2Error> {
        Ok(StartInstancesInput {
            instance_ids: required_instance_ids(args)?,
            additional_info: args.string("AdditionalInfo"),
        })
    }
}

/// The input of `StopInstances`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StopInstancesInput {
    /// `InstanceId.N`.
    pub instance_ids: Vec<String>,
    /// `Force`.
    pub force: bool,
    /// `Hibernate`.
    pub hibernate: bool,
    /// `SkipOsShutdown`.
    pub skip_os_shutdown: bool,
}

impl FromArgs for StopInstancesInput {
    fn from_args(args: &Args) -> Result<Self, Ec2Error> {
        Ok(StopInstancesInput {
            instance_ids: required_instance_ids(args)?,
            force: args.boolean("Force")?.unwrap_or(false),
            hibernate: args.boolean("Hibernate")?.unwrap_or(false),
            skip_os_shutdown: args.boolean("SkipOsShutdown")?.unwrap_or(false),
        })
    }
}

/// The input of `TerminateInstances`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TerminateInstancesInput {
    /// `InstanceId.N`.
    pub instance_ids: Vec<String>,
    /// `Force`.
    pub force: bool,
    /// `SkipOsShutdown`.
    pub skip_os_shutdown: bool,
}

impl FromArgs for TerminateInstancesInput {
    fn from_args(args: &Args) -> Result<Self, Ec2Error> {
        let instance_ids = args.strings("InstanceId");
        if instance_ids.is_empty() {
            return Err(Ec2Error::new(
                ErrorCode::InvalidParameterCombination,
                "No instances specified",
            ));
        }
        Ok(TerminateInstancesInput {
            instance_ids,
            force: args.boolean("Force")?.unwrap_or(false),
            skip_os_shutdown: args.boolean("SkipOsShutdown")?.unwrap_or(false),
        })
    }
}

/// The input of `RebootInstances`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RebootInstancesInput {
    /// `InstanceId.N`.
    pub instance_ids: Vec<String>,
}

impl FromArgs for RebootInstancesInput {
    fn from_args(args: &Args) -> Result<Self, Ec2Error> {
        Ok(RebootInstancesInput {
            instance_ids: required_instance_ids(args)?,
        })
    }
}

macro_rules! state_change_outputs {
    ($($output:ident, $action:literal;)*) => {$(
        #[doc = concat!("The output of `", $action, "`: each instance's state change.")]
        #[derive(Clone, Debug, Default, PartialEq, Eq)]
        pub struct $output {
            /// The state changes, in the order the ids were given.
            pub instances: Vec<InstanceStateChange>,
        }

        impl ToXml for $output {
            fn write_xml(&self, writer: &mut XmlWriter) {
                writer.list("instancesSet", &self.instances);
            }
        }
    )*};
}

state_change_outputs! {
    StartInstancesOutput, "StartInstances";
    StopInstancesOutput, "StopInstances";
    TerminateInstancesOutput, "TerminateInstances";
}

/// The output of `RebootInstances`: `<return>true</return>`.
pub type RebootInstancesOutput = super::Return;

// GetConsoleOutput.

/// The input of `GetConsoleOutput`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GetConsoleOutputInput {
    /// `InstanceId`.
    pub instance_id: String,
    /// `Latest`.
    pub latest: bool,
}

impl FromArgs for GetConsoleOutputInput {
    fn from_args(args: &Args) -> Result<Self, Ec2Error> {
        Ok(GetConsoleOutputInput {
            instance_id: args.required("InstanceId")?.to_owned(),
            latest: args.boolean("Latest")?.unwrap_or(false),
        })
    }
}

/// The output of `GetConsoleOutput`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GetConsoleOutputOutput {
    /// The instance.
    pub instance_id: String,
    /// When the output was captured.
    pub timestamp: OffsetDateTime,
    /// The console output, base64.
    pub output: String,
}

impl ToXml for GetConsoleOutputOutput {
    fn write_xml(&self, writer: &mut XmlWriter) {
        writer.field("instanceId", &self.instance_id);
        writer.field("timestamp", &self.timestamp);
        writer.field("output", &self.output);
    }
}

// DescribeInstanceAttribute and ModifyInstanceAttribute.

/// An instance attribute `DescribeInstanceAttribute` reads.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum InstanceAttributeName {
    /// `instanceType`.
    #[default]
    InstanceType,
    /// `kernel`.
    Kernel,
    /// `ramdisk`.
    Ramdisk,
    /// `userData`.
    UserData,
    /// `disableApiTermination`.
    DisableApiTermination,
    /// `instanceInitiatedShutdownBehavior`.
    InstanceInitiatedShutdownBehavior,
    /// `rootDeviceName`.
    RootDeviceName,
    /// `blockDeviceMapping`.
    BlockDeviceMapping,
    /// `productCodes`.
    ProductCodes,
    /// `sourceDestCheck`.
    SourceDestCheck,
    /// `groupSet`.
    GroupSet,
    /// `ebsOptimized`.
    EbsOptimized,
    /// `sriovNetSupport`.
    SriovNetSupport,
    /// `enaSupport`.
    EnaSupport,
    /// `enclaveOptions`.
    EnclaveOptions,
    /// `disableApiStop`.
    DisableApiStop,
}

impl InstanceAttributeName {
    const ALL: [InstanceAttributeName; 16] = [
        InstanceAttributeName::InstanceType,
        InstanceAttributeName::Kernel,
        InstanceAttributeName::Ramdisk,
        InstanceAttributeName::UserData,
        InstanceAttributeName::DisableApiTermination,
        InstanceAttributeName::InstanceInitiatedShutdownBehavior,
        InstanceAttributeName::RootDeviceName,
        InstanceAttributeName::BlockDeviceMapping,
        InstanceAttributeName::ProductCodes,
        InstanceAttributeName::SourceDestCheck,
        InstanceAttributeName::GroupSet,
        InstanceAttributeName::EbsOptimized,
        InstanceAttributeName::SriovNetSupport,
        InstanceAttributeName::EnaSupport,
        InstanceAttributeName::EnclaveOptions,
        InstanceAttributeName::DisableApiStop,
    ];

    /// The attribute's wire name, which is also its response element.
    pub const fn as_str(self) -> &'static str {
        match self {
            InstanceAttributeName::InstanceType => "instanceType",
            InstanceAttributeName::Kernel => "kernel",
            InstanceAttributeName::Ramdisk => "ramdisk",
            InstanceAttributeName::UserData => "userData",
            InstanceAttributeName::DisableApiTermination => "disableApiTermination",
            InstanceAttributeName::InstanceInitiatedShutdownBehavior => {
                "instanceInitiatedShutdownBehavior"
            }
            InstanceAttributeName::RootDeviceName => "rootDeviceName",
            InstanceAttributeName::BlockDeviceMapping => "blockDeviceMapping",
            InstanceAttributeName::ProductCodes => "productCodes",
            InstanceAttributeName::SourceDestCheck => "sourceDestCheck",
            InstanceAttributeName::GroupSet => "groupSet",
            InstanceAttributeName::EbsOptimized => "ebsOptimized",
            InstanceAttributeName::SriovNetSupport => "sriovNetSupport",
            InstanceAttributeName::EnaSupport => "enaSupport",
            InstanceAttributeName::EnclaveOptions => "enclaveOptions",
            InstanceAttributeName::DisableApiStop => "disableApiStop",
        }
    }

    /// The attribute named `name`; an unknown one is `InvalidParameterValue`, as AWS
    /// answers it.
    pub fn from_wire(name: &str) -> Result<Self, Ec2Error> {
        Self::ALL
            .into_iter()
            .find(|attribute| attribute.as_str() == name)
            .ok_or_else(|| Ec2Error::invalid_value("attribute", name, "Unknown attribute."))
    }
}

/// The input of `DescribeInstanceAttribute`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DescribeInstanceAttributeInput {
    /// `InstanceId`.
    pub instance_id: String,
    /// `Attribute`.
    pub attribute: InstanceAttributeName,
}

impl FromArgs for DescribeInstanceAttributeInput {
    fn from_args(args: &Args) -> Result<Self, Ec2Error> {
        let instance_id = args.required("InstanceId")?.to_owned();
        let attribute = InstanceAttributeName::from_wire(args.required("Attribute")?)?;
        Ok(DescribeInstanceAttributeInput {
            instance_id,
            attribute,
        })
    }
}

/// The value of one instance attribute.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum InstanceAttributeValue {
    /// `instanceType`.
    InstanceType(String),
    /// `kernel` (empty element when none).
    Kernel(Option<String>),
    /// `ramdisk` (empty element when none).
    Ramdisk(Option<String>),
    /// `userData`, base64 (empty element when none).
    UserData(Option<UserData>),
    /// `disableApiTermination`.
    DisableApiTermination(bool),
    /// `instanceInitiatedShutdownBehavior`.
    InstanceInitiatedShutdownBehavior(String),
    /// `rootDeviceName`.
    RootDeviceName(String),
    /// `blockDeviceMapping`.
    BlockDeviceMapping(Vec<InstanceBlockDeviceMapping>),
    /// `productCodes`.
    ProductCodes(Vec<ProductCode>),
    /// `sourceDestCheck`.
    SourceDestCheck(bool),
    /// `groupSet`.
    GroupSet(Vec<GroupIdentifier>),
    /// `ebsOptimized`.
    EbsOptimized(bool),
    /// `sriovNetSupport` (empty element when none).
    SriovNetSupport(Option<String>),
    /// `enaSupport`.
    EnaSupport(bool),
    /// `enclaveOptions`.
    EnclaveOptions(bool),
    /// `disableApiStop`.
    DisableApiStop(bool),
}

impl InstanceAttributeValue {
    /// The attribute this is a value of.
    pub fn name(&self) -> InstanceAttributeName {
        use InstanceAttributeValue as V;
        match self {
            V::InstanceType(_) => InstanceAttributeName::InstanceType,
            V::Kernel(_) => InstanceAttributeName::Kernel,
            V::Ramdisk(_) => InstanceAttributeName::Ramdisk,
            V::UserData(_) => InstanceAttributeName::UserData,
            V::DisableApiTermination(_) => InstanceAttributeName::DisableApiTermination,
            V::InstanceInitiatedShutdownBehavior(_) => {
                InstanceAttributeName::InstanceInitiatedShutdownBehavior
            }
            V::RootDeviceName(_) => InstanceAttributeName::RootDeviceName,
            V::BlockDeviceMapping(_) => InstanceAttributeName::BlockDeviceMapping,
            V::ProductCodes(_) => InstanceAttributeName::ProductCodes,
            V::SourceDestCheck(_) => InstanceAttributeName::SourceDestCheck,
            V::GroupSet(_) => InstanceAttributeName::GroupSet,
            V::EbsOptimized(_) => InstanceAttributeName::EbsOptimized,
            V::SriovNetSupport(_) => InstanceAttributeName::SriovNetSupport,
            V::EnaSupport(_) => InstanceAttributeName::EnaSupport,
            V::EnclaveOptions(_) => InstanceAttributeName::EnclaveOptions,
            V::DisableApiStop(_) => InstanceAttributeName::DisableApiStop,
        }
    }
}

/// Writes `<name><value>…</value></name>`, or `<name/>` when there is no value, as AWS
/// writes an unset attribute.
fn write_value<T: ToXml>(writer: &mut XmlWriter, name: &str, value: &Option<T>) {
    match value {
        Some(value) => writer.field(name, &AttributeValue(value)),
        None => {
            writer.open(name);
            writer.close(name);
        }
    }
}

impl ToXml for InstanceAttributeValue {
    fn write_xml(&self, writer: &mut XmlWriter) {
        use InstanceAttributeValue as V;
        let name = self.name().as_str();
        match self {
            V::InstanceType(value)
            | V::InstanceInitiatedShutdownBehavior(value)
            | V::RootDeviceName(value) => writer.field(name, &AttributeValue(value)),
            V::Kernel(value) | V::Ramdisk(value) | V::SriovNetSupport(value) => {
                write_value(writer, name, value)
            }
            V::UserData(value) => write_value(writer, name, &value.as_ref().map(|data| &data.0)),
            V::DisableApiTermination(value)
            | V::SourceDestCheck(value)
            | V::EbsOptimized(value)
            | V::EnaSupport(value)
            | V::DisableApiStop(value) => writer.field(name, &AttributeValue(value)),
            V::EnclaveOptions(enabled) => {
                writer.open(name);
                writer.field("enabled", enabled);
                writer.close(name);
            }
            V::BlockDeviceMapping(mappings) => writer.list(name, mappings),
            V::ProductCodes(codes) => writer.list(name, codes),
            V::GroupSet(groups) => writer.list(name, groups),
        }
    }
}

/// The output of `DescribeInstanceAttribute`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DescribeInstanceAttributeOutput {
    /// The instance.
    pub instance_id: String,
    /// The attribute's value.
    pub value: InstanceAttributeValue,
}

impl ToXml for DescribeInstanceAttributeOutput {
    fn write_xml(&self, writer: &mut XmlWriter) {
        writer.field("instanceId", &self.instance_id);
        self.value.write_xml(writer);
    }
}

/// `BlockDeviceMapping.N` of `ModifyInstanceAttribute`: change a volume's
/// delete-on-termination flag.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct InstanceBlockDeviceMappingSpecification {
    /// `DeviceName`.
    pub device_name: Option<String>,
    /// `Ebs.VolumeId`.
    pub volume_id: Option<String>,
    /// `Ebs.DeleteOnTermination`.
    pub delete_on_termination: Option<bool>,
    /// `NoDevice`.
    pub no_device: Option<String>,
    /// `VirtualName`.
    pub virtual_name: Option<String>,
}

/// The input of `ModifyInstanceAttribute`. Both request forms, `Attribute` + `Value` and
/// `InstanceType.Value` (what boto3 sends), land in the same fields.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ModifyInstanceAttributeInput {
    /// `InstanceId`.
    pub instance_id: String,
    /// `InstanceType.Value`.
    pub instance_type: Option<String>,
    /// `Kernel.Value`.
    pub kernel: Option<String>,
    /// `Ramdisk.Value`.
    pub ramdisk: Option<String>,
    /// `UserData.Value`, base64.
    pub user_data: Option<UserData>,
    /// `DisableApiTermination.Value`.
    pub disable_api_termination: Option<bool>,
    /// `DisableApiStop.Value`.
    pub disable_api_stop: Option<bool>,
    /// `InstanceInitiatedShutdownBehavior.Value`.
    pub instance_initiated_shutdown_behavior: Option<String>,
    /// `SourceDestCheck.Value`.
    pub source_dest_check: Option<bool>,
    /// `EbsOptimized.Value`.
    pub ebs_optimized: Option<bool>,
    /// `EnaSupport.Value`.
    pub ena_support: Option<bool>,
    /// `SriovNetSupport.Value`.
    pub sriov_net_support: Option<String>,
    /// `GroupId.N`.
    pub group_ids: Vec<String>,
    /// `BlockDeviceMapping.N`.
    pub block_device_mappings: Vec<InstanceBlockDeviceMappingSpecification>,
}

impl ModifyInstanceAttributeInput {
    /// Whether the call asks for no change at all.
    pub fn is_empty(&self) -> bool {
        *self
            == ModifyInstanceAttributeInput {
                instance_id: self.instance_id.clone(),
                ..Default::default()
            }
    }

    fn set_from_attribute(&mut self, attribute: &str, value: &str) -> Result<(), Ec2Error> {
        let boolean = || match value {
            text if text.eq_ignore_ascii_case("true") => Ok(true),
            text if text.eq_ignore_ascii_case("false") => Ok(false),
            text => Err(Ec2Error::invalid_value(
                "value",
                text,
                "It must be true or false.",
            )),
        };
        match InstanceAttributeName::from_wire(attribute)? {
            InstanceAttributeName::InstanceType => self.instance_type = Some(value.into()),
            InstanceAttributeName::Kernel => self.kernel = Some(value.into()),
            InstanceAttributeName::Ramdisk => self.ramdisk = Some(value.into()),
            InstanceAttributeName::UserData => self.user_data = Some(UserData(value.into())),
            InstanceAttributeName::DisableApiTermination => {
                self.disable_api_termination = Some(boolean()?)
            }
            InstanceAttributeName::DisableApiStop => self.disable_api_stop = Some(boolean()?),
            InstanceAttributeName::InstanceInitiatedShutdownBehavior => {
                self.instance_initiated_shutdown_behavior = Some(value.into())
            }
            InstanceAttributeName::SourceDestCheck => self.source_dest_check = Some(boolean()?),
            InstanceAttributeName::EbsOptimized => self.ebs_optimized = Some(boolean()?),
            InstanceAttributeName::EnaSupport => self.ena_support = Some(boolean()?),
            InstanceAttributeName::SriovNetSupport => self.sriov_net_support = Some(value.into()),
            other => {
                return Err(Ec2Error::invalid_value(
                    "attribute",
                    other.as_str(),
                    "This attribute cannot be modified with Attribute and Value.",
                ));
            }
        }
        Ok(())
    }
}

impl FromArgs for ModifyInstanceAttributeInput {
    fn from_args(args: &Args) -> Result<Self, Ec2Error> {
        args.accept_unused(&["EnclaveOptions.Enabled"]);
        let mut input = ModifyInstanceAttributeInput {
            instance_id: args.required("InstanceId")?.to_owned(),
            instance_type: value_string(args, "InstanceType"),
            kernel: value_string(args, "Kernel"),
            ramdisk: value_string(args, "Ramdisk"),
            user_data: value_string(args, "UserData").map(UserData),
            disable_api_termination: value_bool(args, "DisableApiTermination")?,
            disable_api_stop: value_bool(args, "DisableApiStop")?,
            instance_initiated_shutdown_behavior: value_string(
                args,
                "InstanceInitiatedShutdownBehavior",
            ),
            source_dest_check: value_bool(args, "SourceDestCheck")?,
            ebs_optimized: value_bool(args, "EbsOptimized")?,
            ena_support: value_bool(args, "EnaSupport")?,
            sriov_net_support: value_string(args, "SriovNetSupport"),
            group_ids: args.strings("GroupId"),
            block_device_mappings: args
                .list("BlockDeviceMapping")
                .into_iter()
                .map(|node| {
                    Ok(InstanceBlockDeviceMappingSpecification {
                        device_name: node.string("DeviceName"),
                        volume_id: node.string("Ebs.VolumeId"),
                        delete_on_termination: node.boolean("Ebs.DeleteOnTermination")?,
                        no_device: node.string("NoDevice"),
                        virtual_name: node.string("VirtualName"),
                    })
                })
                .collect::<Result<_, Ec2Error>>()?,
        };
        if let Some(attribute) = args.str("Attribute") {
            let value = args.required("Value")?;
            input.set_from_attribute(attribute, value)?;
        }
        if input.is_empty() {
            return Err(Ec2Error::new(
                ErrorCode::InvalidParameterCombination,
                "No attributes specified.",
            ));
        }
        Ok(input)
    }
}

/// The output of `ModifyInstanceAttribute`: `<return>true</return>`.
pub type ModifyInstanceAttributeOutput = super::Return;

// DescribeInstanceStatus.

/// The input of `DescribeInstanceStatus`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DescribeInstanceStatusInput {
    /// `InstanceId.N`.
    pub instance_ids: Vec<String>,
    /// `Filter.N`.
    pub filters: Vec<Filter>,
    /// `IncludeAllInstances`: also instances that are not running.
    pub include_all_instances: bool,
    /// `MaxResults`.
    pub max_results: Option<i64>,
    /// `NextToken`.
    pub next_token: Option<String>,
}

impl FromArgs for DescribeInstanceStatusInput {
    fn from_args(args: &Args) -> Result<Self, Ec2Error> {
        args.accept_unused(&["IncludeManagedResources"]);
        let (max_results, next_token) = paging(args)?;
        Ok(DescribeInstanceStatusInput {
            instance_ids: args.strings("InstanceId"),
            filters: args.filters("Filter")?,
            include_all_instances: args.boolean("IncludeAllInstances")?.unwrap_or(false),
            max_results,
            next_token,
        })
    }
}

/// One check of a status summary (`reachability`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InstanceStatusDetails {
    /// The check's name.
    pub name: Text,
    /// `passed`, `failed`, `insufficient-data` or `initializing`.
    pub status: Text,
}

impl ToXml for InstanceStatusDetails {
    fn write_xml(&self, writer: &mut XmlWriter) {
        writer.field("name", &self.name);
        writer.field("status", &self.status);
    }
}

/// A status summary: the overall status and its checks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InstanceStatusSummary {
    /// `ok`, `impaired`, `initializing`, `insufficient-data` or `not-applicable`.
    pub status: Text,
    /// The checks.
    pub details: Vec<InstanceStatusDetails>,
}

impl ToXml for InstanceStatusSummary {
    fn write_xml(&self, writer: &mut XmlWriter) {
        writer.field("status", &self.status);
        writer.list("details", &self.details);
    }
}

/// The status of one instance.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InstanceStatus {
    /// The instance.
    pub instance_id: Text,
    /// Its availability zone.
    pub availability_zone: Text,
    /// Its zone's id.
    pub availability_zone_id: Option<Text>,
    /// Its state.
    pub state: InstanceStateName,
    /// The system status checks.
    pub system_status: InstanceStatusSummary,
    /// The instance status checks.
    pub instance_status: InstanceStatusSummary,
}

impl ToXml for InstanceStatus {
    fn write_xml(&self, writer: &mut XmlWriter) {
        writer.field("instanceId", &self.instance_id);
        writer.field("availabilityZone", &self.availability_zone);
        writer.field("availabilityZoneId", &self.availability_zone_id);
        writer.list_if_any::<InstanceStatusDetails>("eventsSet", &[]);
        writer.field("instanceState", &self.state);
        writer.field("systemStatus", &self.system_status);
        writer.field("instanceStatus", &self.instance_status);
    }
}

/// The output of `DescribeInstanceStatus`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DescribeInstanceStatusOutput {
    /// The statuses.
    pub statuses: Vec<InstanceStatus>,
    /// The token of the next page, when there is one.
    pub next_token: Option<String>,
}

impl ToXml for DescribeInstanceStatusOutput {
    fn write_xml(&self, writer: &mut XmlWriter) {
        writer.list("instanceStatusSet", &self.statuses);
        writer.field("nextToken", &self.next_token);
    }
}

#[cfg(test)]
mod tests;
