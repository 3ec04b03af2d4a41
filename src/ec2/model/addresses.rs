//! Elastic IP addresses: allocate, associate, disassociate, release, describe.
//!
//! Request names are the query names boto3 and the aws CLI send; response names are the
//! ones AWS answers with (`addressesSet`, `allocationId`, `associationId`, `domain`). The
//! either-or checks and their messages follow what EC2 answers on the wire.

use std::net::Ipv4Addr;

use super::{Filter, FromArgs, Return, Tag, TagSpecification};
use crate::ec2::args::Args;
use crate::ec2::error::{Ec2Error, ErrorCode};
use crate::ec2::xml::{ToXml, XmlWriter};

/// Where an address can be used: in a VPC, or (EC2-Classic) on its own.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum AddressDomain {
    /// For use in a VPC.
    #[default]
    Vpc,
    /// For use in EC2-Classic.
    Standard,
}

impl AddressDomain {
    /// The domain as AWS writes it.
    pub const fn as_str(self) -> &'static str {
        match self {
            AddressDomain::Vpc => "vpc",
            AddressDomain::Standard => "standard",
        }
    }

    /// Reads the `Domain` parameter. EC2 refuses no value here: an empty or unknown
    /// domain (`""`, `xyz`) allocates a VPC address, the default.
    fn from_arg(value: &str) -> Self {
        match value {
            "standard" => AddressDomain::Standard,
            _ => AddressDomain::Vpc,
        }
    }
}

impl ToXml for AddressDomain {
    fn write_xml(&self, writer: &mut XmlWriter) {
        writer.raw(self.as_str());
    }
}

/// An Elastic IP address: an item of `addressesSet`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Address {
    /// The public IPv4 address.
    pub public_ip: String,
    /// The allocation's id, `eipalloc-…` (VPC addresses).
    pub allocation_id: Option<String>,
    /// Where the address can be used.
    pub domain: AddressDomain,
    /// The instance the address is associated with.
    pub instance_id: Option<String>,
    /// The association's id, `eipassoc-…` (VPC addresses).
    pub association_id: Option<String>,
    /// The network interface the address is associated with.
    pub network_interface_id: Option<String>,
    /// The account that owns that network interface.
    pub network_interface_owner_id: Option<String>,
    /// The private address the public one maps to.
    pub private_ip_address: Option<String>,
    /// The pool the address came from (`amazon` for AWS's own).
    pub public_ipv4_pool: Option<String>,
    /// The zones the address is advertised from, such as `us-east-1`.
    pub network_border_group: Option<String>,
    /// The address's tags (`tagSet`, written only when there are some).
    pub tags: Vec<Tag>,
}

impl ToXml for Address {
    fn write_xml(&self, writer: &mut XmlWriter) {
        writer.field("publicIp", &self.public_ip);
        writer.field("allocationId", &self.allocation_id);
        writer.field("domain", &self.domain);
        writer.field("instanceId", &self.instance_id);
        writer.field("associationId", &self.association_id);
        writer.field("networkInterfaceId", &self.network_interface_id);
        writer.field("networkInterfaceOwnerId", &self.network_interface_owner_id);
        writer.field("privateIpAddress", &self.private_ip_address);
        writer.list_if_any("tagSet", &self.tags);
        writer.field("publicIpv4Pool", &self.public_ipv4_pool);
        writer.field("networkBorderGroup", &self.network_border_group);
    }
}

/// `MissingParameter` when neither of two alternatives was given,
/// `InvalidParameterCombination` when both were. `what` names them as EC2's messages do
/// (`public IP or allocation id`).
fn exactly_one(first: bool, second: bool, what: &str) -> Result<(), Ec2Error> {
    match (first, second) {
        (false, false) => Err(Ec2Error::new(
            ErrorCode::MissingParameter,
            format!("Either {what} must be specified"),
        )),
        (true, true) => Err(Ec2Error::new(
            ErrorCode::InvalidParameterCombination,
            format!("You may specify {what}, but not both in the same call"),
        )),
        _ => Ok(()),
    }
}

/// Input of `AllocateAddress`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct AllocateAddressInput {
    /// `Domain`: `vpc` or `standard` (the backend's default when absent).
    pub domain: Option<AddressDomain>,
    /// `Address`: a specific address to recover from the pool.
    pub address: Option<String>,
    /// `PublicIpv4Pool`: the pool to allocate from.
    pub public_ipv4_pool: Option<String>,
    /// `NetworkBorderGroup`: the zones to advertise the address from.
    pub network_border_group: Option<String>,
    /// `TagSpecification.N`: tags for the new address (`elastic-ip`).
    pub tag_specifications: Vec<TagSpecification>,
}

impl FromArgs for AllocateAddressInput {
    fn from_args(args: &Args) -> Result<Self, Ec2Error> {
        args.accept_unused(&["CustomerOwnedIpv4Pool", "IpamPoolId"]);
        Ok(AllocateAddressInput {
            domain: args.str("Domain").map(AddressDomain::from_arg),
            address: args.string("Address"),
            public_ipv4_pool: args.string("PublicIpv4Pool"),
            network_border_group: args.string("NetworkBorderGroup"),
            tag_specifications: TagSpecification::list_from(args)?,
        })
    }
}

/// Output of `AllocateAddress`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct AllocateAddressOutput {
    /// The new address.
    pub public_ip: String,
    /// The allocation's id, `eipalloc-…` (VPC addresses).
    pub allocation_id: Option<String>,
    /// Where the address can be used.
    pub domain: AddressDomain,
    /// The pool the address came from.
    pub public_ipv4_pool: Option<String>,
    /// The zones the address is advertised from.
    pub network_border_group: Option<String>,
}

impl ToXml for AllocateAddressOutput {
    fn write_xml(&self, writer: &mut XmlWriter) {
        writer.field("publicIp", &self.public_ip);
        writer.field("allocationId", &self.allocation_id);
        writer.field("domain", &self.domain);
        writer.field("publicIpv4Pool", &self.public_ipv4_pool);
        writer.field("networkBorderGroup", &self.network_border_group);
    }
}

/// Input of `AssociateAddress`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct AssociateAddressInput {
    /// `InstanceId`: the instance to associate with. This or `network_interface_id` is
    /// required.
    pub instance_id: Option<String>,
    /// `PublicIp`: the address (EC2-Classic). This or `allocation_id` is required.
    pub public_ip: Option<String>,
    /// `AllocationId`: the address's allocation (VPC).
    pub allocation_id: Option<String>,
    /// `NetworkInterfaceId`: the network interface to associate with.
    pub network_interface_id: Option<String>,
    /// `PrivateIpAddress`: the private address on the interface to map to.
    pub private_ip_address: Option<String>,
    /// `AllowReassociation`: whether an address already associated may move.
    pub allow_reassociation: bool,
}

impl FromArgs for AssociateAddressInput {
    fn from_args(args: &Args) -> Result<Self, Ec2Error> {
        let input = AssociateAddressInput {
            instance_id: args.string("InstanceId"),
            public_ip: args.string("PublicIp"),
            allocation_id: args.string("AllocationId"),
            network_interface_id: args.string("NetworkInterfaceId"),
            private_ip_address: args.string("PrivateIpAddress"),
            allow_reassociation: args.boolean("AllowReassociation")?.unwrap_or(false),
        };

        exactly_one(
            input.public_ip.is_some(),
            input.allocation_id.is_some(),
            "public IP or allocation id",
        )?;
        if input.instance_id.is_none() && input.network_interface_id.is_none() {
            return Err(Ec2Error::new(
                ErrorCode::MissingParameter,
                "Invalid request, expect InstanceId/NetworkId parameter.",
            ));
        }
        Ok(input)
    }
}

/// Output of `AssociateAddress`: `<return>true</return>` and, for a VPC address, the
/// association's id.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct AssociateAddressOutput {
    /// The association's id, `eipassoc-…`.
    pub association_id: Option<String>,
}

impl ToXml for AssociateAddressOutput {
    fn write_xml(&self, writer: &mut XmlWriter) {
        Return(true).write_xml(writer);
        writer.field("associationId", &self.association_id);
    }
}

/// Input of `DisassociateAddress`: exactly one of the two is given.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DisassociateAddressInput {
    /// `AssociationId`: the association to end (VPC).
    pub association_id: Option<String>,
    /// `PublicIp`: the address to disassociate (EC2-Classic).
    pub public_ip: Option<String>,
}

impl FromArgs for DisassociateAddressInput {
    fn from_args(args: &Args) -> Result<Self, Ec2Error> {
        let input = DisassociateAddressInput {
            association_id: args.string("AssociationId"),
            public_ip: args.string("PublicIp"),
        };
        exactly_one(
            input.public_ip.is_some(),
            input.association_id.is_some(),
            "public IP or association id",
        )?;
        Ok(input)
    }
}

/// Output of `DisassociateAddress`: `<return>true</return>`.
pub type DisassociateAddressOutput = Return;

/// Input of `ReleaseAddress`: exactly one of `allocation_id` and `public_ip` is given.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ReleaseAddressInput {
    /// `AllocationId`: the allocation to release (VPC).
    pub allocation_id: Option<String>,
    /// `PublicIp`: the address to release (EC2-Classic).
    pub public_ip: Option<String>,
    /// `NetworkBorderGroup`: the zones the address is advertised from.
    pub network_border_group: Option<String>,
}

impl FromArgs for ReleaseAddressInput {
    fn from_args(args: &Args) -> Result<Self, Ec2Error> {
        let input = ReleaseAddressInput {
            allocation_id: args.string("AllocationId"),
            public_ip: args.string("PublicIp"),
            network_border_group: args.string("NetworkBorderGroup"),
        };
        exactly_one(
            input.public_ip.is_some(),
            input.allocation_id.is_some(),
            "public IP or allocation id",
        )?;
        Ok(input)
    }
}

/// Output of `ReleaseAddress`: `<return>true</return>`.
pub type ReleaseAddressOutput = Return;

/// Input of `DescribeAddresses`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DescribeAddressesInput {
    /// `PublicIp.N`: the addresses to describe, each a dotted IPv4 address.
    pub public_ips: Vec<String>,
    /// `AllocationId.N`: the allocations to describe.
    pub allocation_ids: Vec<String>,
    /// `Filter.N`: filters such as `domain`, `instance-id`, `public-ip`, `tag:Name`.
    pub filters: Vec<Filter>,
}

impl FromArgs for DescribeAddressesInput {
    fn from_args(args: &Args) -> Result<Self, Ec2Error> {
        let public_ips = args.strings("PublicIp");
        if let Some(bad) = public_ips.iter().find(|ip| ip.parse::<Ipv4Addr>().is_err()) {
            return Err(Ec2Error::new(
                ErrorCode::InvalidParameterValue,
                format!("Invalid value '{bad}' for PublicIp. Not a valid IPv4 address"),
            ));
        }
        Ok(DescribeAddressesInput {
            public_ips,
            allocation_ids: args.strings("AllocationId"),
            filters: args.filters("Filter")?,
        })
    }
}

/// Output of `DescribeAddresses`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DescribeAddressesOutput {
    /// The addresses (`addressesSet`).
    pub addresses: Vec<Address>,
}

impl ToXml for DescribeAddressesOutput {
    fn write_xml(&self, writer: &mut XmlWriter) {
        writer.list("addressesSet", &self.addresses);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ec2::model::volumes::tests::assert_well_formed;

    fn render(output: &impl ToXml) -> String {
        let mut writer = XmlWriter::default();
        output.write_xml(&mut writer);
        writer.into_string()
    }

    fn associated_address() -> Address {
        Address {
            public_ip: "203.0.113.41".into(),
            allocation_id: Some("eipalloc-08229861".into()),
            domain: AddressDomain::Vpc,
            instance_id: Some("i-0598c7d3".into()),
            association_id: Some("eipassoc-f0229899".into()),
            network_interface_id: Some("eni-ef229886".into()),
            network_interface_owner_id: Some("123456789012".into()),
            private_ip_address: Some("10.0.0.228".into()),
            public_ipv4_pool: Some("amazon".into()),
            network_border_group: Some("us-east-1".into()),
            tags: vec![],
        }
    }

    #[test]
    fn allocate_address_reads_domain_address_pool_and_tags() {
        let args = Args::from_pairs([
            ("Action", "AllocateAddress"),
            ("Version", "2016-11-15"),
            ("Domain", "vpc"),
            ("Address", "203.0.113.41"),
            ("PublicIpv4Pool", "ipv4pool-ec2-1234"),
            ("NetworkBorderGroup", "us-east-1"),
            ("TagSpecification.1.ResourceType", "elastic-ip"),
            ("TagSpecification.1.Tag.1.Key", "Name"),
            ("TagSpecification.1.Tag.1.Value", "web"),
        ]);
        assert_eq!(
            AllocateAddressInput::from_args(&args).unwrap(),
            AllocateAddressInput {
                domain: Some(AddressDomain::Vpc),
                address: Some("203.0.113.41".into()),
                public_ipv4_pool: Some("ipv4pool-ec2-1234".into()),
                network_border_group: Some("us-east-1".into()),
                tag_specifications: vec![TagSpecification {
                    resource_type: "elastic-ip".into(),
                    tags: vec![Tag {
                        key: "Name".into(),
                        value: "web".into(),
                    }],
                }],
            }
        );
        let bare = Args::from_pairs([("Action", "AllocateAddress")]);
        assert_eq!(
            AllocateAddressInput::from_args(&bare).unwrap(),
            AllocateAddressInput::default()
        );
    }

    #[test]
    fn allocate_address_reads_an_empty_or_unknown_domain_as_vpc() {
        for domain in ["", "xyz", "classic"] {
            let args = Args::from_pairs([("Domain", domain)]);
            assert_eq!(
                AllocateAddressInput::from_args(&args).unwrap().domain,
                Some(AddressDomain::Vpc),
                "{domain:?}"
            );
        }
    }

    #[test]
    fn associate_address_reads_what_boto3_sends() {
        let args = Args::from_pairs([
            ("Action", "AssociateAddress"),
            ("Version", "2016-11-15"),
            ("AllocationId", "eipalloc-08229861"),
            ("InstanceId", "i-0598c7d3"),
            ("NetworkInterfaceId", "eni-ef229886"),
            ("PrivateIpAddress", "10.0.0.228"),
            ("AllowReassociation", "true"),
        ]);
        assert_eq!(
            AssociateAddressInput::from_args(&args).unwrap(),
            AssociateAddressInput {
                instance_id: Some("i-0598c7d3".into()),
                public_ip: None,
                allocation_id: Some("eipalloc-08229861".into()),
                network_interface_id: Some("eni-ef229886".into()),
                private_ip_address: Some("10.0.0.228".into()),
                allow_reassociation: true,
            }
        );
    }

    #[test]
    fn associate_address_needs_an_address_and_a_target() {
        let no_address = Args::from_pairs([("InstanceId", "i-0598c7d3")]);
        let error = AssociateAddressInput::from_args(&no_address).unwrap_err();
        assert_eq!(error.code(), ErrorCode::MissingParameter);
        assert_eq!(
            error.message(),
            "Either public IP or allocation id must be specified"
        );

        let no_target = Args::from_pairs([("PublicIp", "203.0.113.41")]);
        let error = AssociateAddressInput::from_args(&no_target).unwrap_err();
        assert_eq!(error.code(), ErrorCode::MissingParameter);
        assert_eq!(
            error.message(),
            "Invalid request, expect InstanceId/NetworkId parameter."
        );
    }

    #[test]
    fn associate_address_takes_public_ip_or_allocation_id_not_both() {
        let args = Args::from_pairs([
            ("PublicIp", "203.0.113.41"),
            ("AllocationId", "eipalloc-08229861"),
            ("InstanceId", "i-0598c7d3"),
        ]);
        let error = AssociateAddressInput::from_args(&args).unwrap_err();
        assert_eq!(error.code(), ErrorCode::InvalidParameterCombination);
        assert_eq!(
            error.message(),
            "You may specify public IP or allocation id, but not both in the same call"
        );
    }

    #[test]
    fn disassociate_address_takes_exactly_one_of_association_id_and_public_ip() {
        let args = Args::from_pairs([
            ("Action", "DisassociateAddress"),
            ("Version", "2016-11-15"),
            ("AssociationId", "eipassoc-f0229899"),
        ]);
        assert_eq!(
            DisassociateAddressInput::from_args(&args).unwrap(),
            DisassociateAddressInput {
                association_id: Some("eipassoc-f0229899".into()),
                public_ip: None,
            }
        );

        let neither = DisassociateAddressInput::from_args(&Args::default()).unwrap_err();
        assert_eq!(neither.code(), ErrorCode::MissingParameter);
        assert_eq!(
            neither.message(),
            "Either public IP or association id must be specified"
        );

        let both = Args::from_pairs([
            ("AssociationId", "eipassoc-f0229899"),
            ("PublicIp", "203.0.113.41"),
        ]);
        let error = DisassociateAddressInput::from_args(&both).unwrap_err();
        assert_eq!(error.code(), ErrorCode::InvalidParameterCombination);
        assert_eq!(
            error.message(),
            "You may specify public IP or association id, but not both in the same call"
        );
    }

    #[test]
    fn release_address_reads_the_allocation_id() {
        let args = Args::from_pairs([
            ("Action", "ReleaseAddress"),
            ("Version", "2016-11-15"),
            ("AllocationId", "eipalloc-08229861"),
            ("NetworkBorderGroup", "us-east-1"),
        ]);
        assert_eq!(
            ReleaseAddressInput::from_args(&args).unwrap(),
            ReleaseAddressInput {
                allocation_id: Some("eipalloc-08229861".into()),
                public_ip: None,
                network_border_group: Some("us-east-1".into()),
            }
        );
    }

    #[test]
    fn release_address_with_public_ip_and_allocation_id_is_an_invalid_combination() {
        let args = Args::from_pairs([
            ("PublicIp", "203.0.113.41"),
            ("AllocationId", "eipalloc-08229861"),
        ]);
        let error = ReleaseAddressInput::from_args(&args).unwrap_err();
        assert_eq!(error.code(), ErrorCode::InvalidParameterCombination);
        assert_eq!(
            error.message(),
            "You may specify public IP or allocation id, but not both in the same call"
        );
        let neither = ReleaseAddressInput::from_args(&Args::default()).unwrap_err();
        assert_eq!(neither.code(), ErrorCode::MissingParameter);
    }

    #[test]
    fn describe_addresses_reads_ips_allocation_ids_and_filters() {
        let args = Args::from_pairs([
            ("Action", "DescribeAddresses"),
            ("Version", "2016-11-15"),
            ("PublicIp.1", "203.0.113.41"),
            ("PublicIp.2", "198.51.100.7"),
            ("AllocationId.1", "eipalloc-08229861"),
            ("Filter.1.Name", "domain"),
            ("Filter.1.Value.1", "vpc"),
        ]);
        assert_eq!(
            DescribeAddressesInput::from_args(&args).unwrap(),
            DescribeAddressesInput {
                public_ips: vec!["203.0.113.41".into(), "198.51.100.7".into()],
                allocation_ids: vec!["eipalloc-08229861".into()],
                filters: vec![Filter {
                    name: "domain".into(),
                    values: vec!["vpc".into()],
                }],
            }
        );
    }

    #[test]
    fn describe_addresses_public_ips_must_be_ipv4() {
        let args = Args::from_pairs([
            ("PublicIp.1", "203.0.113.41"),
            ("PublicIp.2", "eipalloc-08229861"),
        ]);
        let error = DescribeAddressesInput::from_args(&args).unwrap_err();
        assert_eq!(error.code(), ErrorCode::InvalidParameterValue);
        assert_eq!(
            error.message(),
            "Invalid value 'eipalloc-08229861' for PublicIp. Not a valid IPv4 address"
        );
        let ipv6 = Args::from_pairs([("PublicIp.1", "2001:db8::1")]);
        assert_eq!(
            DescribeAddressesInput::from_args(&ipv6).unwrap_err().code(),
            ErrorCode::InvalidParameterValue
        );
    }

    #[test]
    fn allocate_address_renders_ip_allocation_domain_pool_and_border_group() {
        let output = AllocateAddressOutput {
            public_ip: "203.0.113.41".into(),
            allocation_id: Some("eipalloc-08229861".into()),
            domain: AddressDomain::Vpc,
            public_ipv4_pool: Some("amazon".into()),
            network_border_group: Some("us-east-1".into()),
        };
        assert_eq!(
            render(&output),
            "<publicIp>203.0.113.41</publicIp><allocationId>eipalloc-08229861</allocationId>\
             <domain>vpc</domain><publicIpv4Pool>amazon</publicIpv4Pool>\
             <networkBorderGroup>us-east-1</networkBorderGroup>"
        );
        let classic = AllocateAddressOutput {
            public_ip: "198.51.100.7".into(),
            domain: AddressDomain::Standard,
            ..AllocateAddressOutput::default()
        };
        assert_eq!(
            render(&classic),
            "<publicIp>198.51.100.7</publicIp><domain>standard</domain>"
        );
    }

    #[test]
    fn associate_address_renders_return_and_association_id() {
        let output = AssociateAddressOutput {
            association_id: Some("eipassoc-f0229899".into()),
        };
        assert_eq!(
            render(&output),
            "<return>true</return><associationId>eipassoc-f0229899</associationId>"
        );
        assert_eq!(
            render(&AssociateAddressOutput::default()),
            "<return>true</return>"
        );
    }

    #[test]
    fn disassociate_and_release_render_return_true() {
        let disassociated: DisassociateAddressOutput = Return::default();
        let released: ReleaseAddressOutput = Return::default();
        assert_eq!(render(&disassociated), "<return>true</return>");
        assert_eq!(render(&released), "<return>true</return>");
    }

    #[test]
    fn describe_addresses_renders_addresses_set() {
        let unassociated = Address {
            public_ip: "198.51.100.7".into(),
            allocation_id: Some("eipalloc-1".into()),
            tags: vec![Tag {
                key: "Name".into(),
                value: "spare".into(),
            }],
            ..Address::default()
        };
        let output = DescribeAddressesOutput {
            addresses: vec![associated_address(), unassociated],
        };
        assert_eq!(
            render(&output),
            "<addressesSet><item><publicIp>203.0.113.41</publicIp>\
             <allocationId>eipalloc-08229861</allocationId><domain>vpc</domain>\
             <instanceId>i-0598c7d3</instanceId><associationId>eipassoc-f0229899\
             </associationId><networkInterfaceId>eni-ef229886</networkInterfaceId>\
             <networkInterfaceOwnerId>123456789012</networkInterfaceOwnerId>\
             <privateIpAddress>10.0.0.228</privateIpAddress>\
             <publicIpv4Pool>amazon</publicIpv4Pool>\
             <networkBorderGroup>us-east-1</networkBorderGroup></item>\
             <item><publicIp>198.51.100.7</publicIp><allocationId>eipalloc-1</allocationId>\
             <domain>vpc</domain>\
             <tagSet><item><key>Name</key><value>spare</value></item></tagSet></item>\
             </addressesSet>"
        );
        assert_eq!(
            render(&DescribeAddressesOutput::default()),
            "<addressesSet></addressesSet>"
        );
    }

    #[test]
    fn describe_addresses_output_is_well_formed_xml() {
        let mut odd = associated_address();
        odd.tags.push(Tag {
            key: "a<b".into(),
            value: "&amp;".into(),
        });
        let output = DescribeAddressesOutput {
            addresses: vec![odd, Address::default()],
        };
        assert_well_formed(&render(&output));
    }
}
