//! Security groups and their ingress rules.
//!
//! Request names are the query names boto3 and the aws CLI send. Note that the source
//! groups of a rule travel as `IpPermissions.N.Groups.M.*` (the `locationName` of the
//! SDKs' `UserIdGroupPairs`); `UserIdGroupPairs.M.*` is read as well, for hand-written
//! requests. Response names are the ones AWS answers with (`securityGroupInfo`,
//! `ipPermissions`, `ipPermissionsEgress`, `groups`, `ipRanges`).

use super::{Filter, FromArgs, Return, Tag, TagSpecification};
use crate::ec2::args::{Args, Node};
use crate::ec2::error::{Ec2Error, ErrorCode};
use crate::ec2::xml::{ToXml, XmlWriter};

/// The longest group name or description EC2 accepts, in characters.
const MAX_NAME_OR_DESCRIPTION: usize = 255;

/// An IPv4 range a rule allows.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct IpRange {
    /// The range, such as `203.0.113.0/24`.
    pub cidr_ip: String,
    /// A description of the range.
    pub description: Option<String>,
}

impl IpRange {
    fn from_node(node: &Node) -> Result<Self, Ec2Error> {
        Ok(IpRange {
            cidr_ip: node
                .required("CidrIp")
                .map_err(|_| Ec2Error::missing_parameter("IpPermissions.N.IpRanges.N.CidrIp"))?
                .to_owned(),
            description: node.string("Description"),
        })
    }
}

impl ToXml for IpRange {
    fn write_xml(&self, writer: &mut XmlWriter) {
        writer.field("cidrIp", &self.cidr_ip);
        writer.field("description", &self.description);
    }
}

/// An IPv6 range a rule allows.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Ipv6Range {
    /// The range, such as `2001:db8::/32`.
    pub cidr_ipv6: String,
    /// A description of the range.
    pub description: Option<String>,
}

impl Ipv6Range {
    fn from_node(node: &Node) -> Result<Self, Ec2Error> {
        Ok(Ipv6Range {
            cidr_ipv6: node
                .required("CidrIpv6")
                .map_err(|_| Ec2Error::missing_parameter("IpPermissions.N.Ipv6Ranges.N.CidrIpv6"))?
                .to_owned(),
            description: node.string("Description"),
        })
    }
}

impl ToXml for Ipv6Range {
    fn write_xml(&self, writer: &mut XmlWriter) {
        writer.field("cidrIpv6", &self.cidr_ipv6);
        writer.field("description", &self.description);
    }
}

/// A security group a rule allows traffic from.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct UserIdGroupPair {
    /// The account that owns the group.
    pub user_id: Option<String>,
    /// The group's id.
    pub group_id: Option<String>,
    /// The group's name.
    pub group_name: Option<String>,
    /// The group's VPC.
    pub vpc_id: Option<String>,
    /// A description of the pair.
    pub description: Option<String>,
}

impl UserIdGroupPair {
    fn from_node(node: &Node) -> Self {
        node.accept_unused(&["PeeringStatus", "VpcPeeringConnectionId"]);
        UserIdGroupPair {
            user_id: node.string("UserId"),
            group_id: node.string("GroupId"),
            group_name: node.string("GroupName"),
            vpc_id: node.string("VpcId"),
            description: node.string("Description"),
        }
    }
}

impl ToXml for UserIdGroupPair {
    fn write_xml(&self, writer: &mut XmlWriter) {
        writer.field("userId", &self.user_id);
        writer.field("groupId", &self.group_id);
        writer.field("groupName", &self.group_name);
        writer.field("vpcId", &self.vpc_id);
        writer.field("description", &self.description);
    }
}

/// A prefix list a rule allows.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PrefixListId {
    /// The prefix list's id, `pl-…`.
    pub prefix_list_id: String,
    /// A description of the prefix list.
    pub description: Option<String>,
}

impl PrefixListId {
    fn from_node(node: &Node) -> Result<Self, Ec2Error> {
        Ok(PrefixListId {
            prefix_list_id: node
                .required("PrefixListId")
                .map_err(|_| {
                    Ec2Error::missing_parameter("IpPermissions.N.PrefixListIds.N.PrefixListId")
                })?
                .to_owned(),
            description: node.string("Description"),
        })
    }
}

impl ToXml for PrefixListId {
    fn write_xml(&self, writer: &mut XmlWriter) {
        writer.field("prefixListId", &self.prefix_list_id);
        writer.field("description", &self.description);
    }
}

/// A rule of a security group: a protocol, a port range and the sources it allows.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct IpPermission {
    /// `tcp`, `udp`, `icmp`, `icmpv6`, a protocol number, or `-1` for all.
    pub ip_protocol: String,
    /// The first port (or the ICMP type; `-1` for all).
    pub from_port: Option<i32>,
    /// The last port (or the ICMP code; `-1` for all).
    pub to_port: Option<i32>,
    /// The security groups allowed (`groups`).
    pub user_id_group_pairs: Vec<UserIdGroupPair>,
    /// The IPv4 ranges allowed (`ipRanges`).
    pub ip_ranges: Vec<IpRange>,
    /// The IPv6 ranges allowed (`ipv6Ranges`).
    pub ipv6_ranges: Vec<Ipv6Range>,
    /// The prefix lists allowed (`prefixListIds`).
    pub prefix_list_ids: Vec<PrefixListId>,
}

impl IpPermission {
    /// Reads one `IpPermissions.N` item.
    fn from_node(node: &Node) -> Result<Self, Ec2Error> {
        let pairs = if node.contains("Groups") {
            node.list("Groups")
        } else {
            node.list("UserIdGroupPairs")
        };
        Ok(IpPermission {
            ip_protocol: node
                .required("IpProtocol")
                .map_err(|_| Ec2Error::missing_parameter("IpPermissions.N.IpProtocol"))?
                .to_owned(),
            from_port: node.number("FromPort")?,
            to_port: node.number("ToPort")?,
            user_id_group_pairs: pairs.into_iter().map(UserIdGroupPair::from_node).collect(),
            ip_ranges: node
                .list("IpRanges")
                .into_iter()
                .map(IpRange::from_node)
                .collect::<Result<_, _>>()?,
            ipv6_ranges: node
                .list("Ipv6Ranges")
                .into_iter()
                .map(Ipv6Range::from_node)
                .collect::<Result<_, _>>()?,
            prefix_list_ids: node
                .list("PrefixListIds")
                .into_iter()
                .map(PrefixListId::from_node)
                .collect::<Result<_, _>>()?,
        })
    }
}

impl ToXml for IpPermission {
    fn write_xml(&self, writer: &mut XmlWriter) {
        writer.field("ipProtocol", &self.ip_protocol);
        writer.field("fromPort", &self.from_port);
        writer.field("toPort", &self.to_port);
        writer.list("groups", &self.user_id_group_pairs);
        writer.list("ipRanges", &self.ip_ranges);
        writer.list("ipv6Ranges", &self.ipv6_ranges);
        writer.list("prefixListIds", &self.prefix_list_ids);
    }
}

/// A security group: an item of `securityGroupInfo`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SecurityGroup {
    /// The account that owns the group.
    pub owner_id: String,
    /// The group's id, `sg-…`.
    pub group_id: String,
    /// The group's name.
    pub group_name: String,
    /// The group's description (`groupDescription`).
    pub description: String,
    /// The group's VPC.
    pub vpc_id: Option<String>,
    /// The inbound rules (`ipPermissions`, always written).
    pub ip_permissions: Vec<IpPermission>,
    /// The outbound rules (`ipPermissionsEgress`, always written).
    pub ip_permissions_egress: Vec<IpPermission>,
    /// The group's tags (`tagSet`, written only when there are some).
    pub tags: Vec<Tag>,
}

impl ToXml for SecurityGroup {
    fn write_xml(&self, writer: &mut XmlWriter) {
        writer.field("ownerId", &self.owner_id);
        writer.field("groupId", &self.group_id);
        writer.field("groupName", &self.group_name);
        writer.field("groupDescription", &self.description);
        writer.field("vpcId", &self.vpc_id);
        writer.list("ipPermissions", &self.ip_permissions);
        writer.list("ipPermissionsEgress", &self.ip_permissions_egress);
        writer.list_if_any("tagSet", &self.tags);
    }
}

/// The `MissingParameter` EC2 answers when a call names no group.
fn missing_group() -> Ec2Error {
    Ec2Error::new(
        ErrorCode::MissingParameter,
        "The request must contain the parameter groupName or groupId",
    )
}

/// Input of `CreateSecurityGroup`.
///
/// Limitation: only the length and the `sg-` prefix are checked; the character set AWS
/// allows in VPC group names and descriptions is not.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CreateSecurityGroupInput {
    /// `GroupName`: the new group's name (up to 255 characters, not `sg-…`).
    pub group_name: String,
    /// `GroupDescription`: the new group's description (up to 255 characters).
    pub description: String,
    /// `VpcId`: the VPC to create the group in (the default VPC when absent).
    pub vpc_id: Option<String>,
    /// `TagSpecification.N`: tags for the new group.
    pub tag_specifications: Vec<TagSpecification>,
}

impl FromArgs for CreateSecurityGroupInput {
    fn from_args(args: &Args) -> Result<Self, Ec2Error> {
        let group_name = args.required("GroupName")?;
        let description = args.required("GroupDescription")?;

        if group_name.chars().count() > MAX_NAME_OR_DESCRIPTION {
            return Err(Ec2Error::invalid_value(
                "GroupName",
                group_name,
                "Group names may not be longer than 255 characters.",
            ));
        }
        if group_name.starts_with("sg-") {
            return Err(Ec2Error::invalid_value(
                "GroupName",
                group_name,
                "Group names may not be in the format sg-*.",
            ));
        }
        if description.chars().count() > MAX_NAME_OR_DESCRIPTION {
            return Err(Ec2Error::new(
                ErrorCode::InvalidParameterValue,
                "Invalid security group description. Valid descriptions are strings less \
                 than 256 characters from the following set:  a-zA-Z0-9. _-:/()#,@[]+=&;{}!$*",
            ));
        }

        Ok(CreateSecurityGroupInput {
            group_name: group_name.to_owned(),
            description: description.to_owned(),
            vpc_id: args.string("VpcId"),
            tag_specifications: TagSpecification::list_from(args)?,
        })
    }
}

/// Output of `CreateSecurityGroup`: `<return>true</return>`, the new group's id and its
/// tags.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CreateSecurityGroupOutput {
    /// The new group's id.
    pub group_id: String,
    /// The tags applied from the tag specifications (`tagSet`, when there are some).
    pub tags: Vec<Tag>,
    /// The new group's ARN (`arn:aws:ec2:{region}:{account}:security-group/{id}`).
    pub security_group_arn: String,
}

impl ToXml for CreateSecurityGroupOutput {
    fn write_xml(&self, writer: &mut XmlWriter) {
        Return(true).write_xml(writer);
        writer.field("groupId", &self.group_id);
        writer.list_if_any("tagSet", &self.tags);
        writer.field("securityGroupArn", &self.security_group_arn);
    }
}

/// Input of `DeleteSecurityGroup`: the group, by id or (default VPC) by name.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DeleteSecurityGroupInput {
    /// `GroupId`: the group to delete.
    pub group_id: Option<String>,
    /// `GroupName`: the group to delete, by name.
    pub group_name: Option<String>,
}

impl FromArgs for DeleteSecurityGroupInput {
    fn from_args(args: &Args) -> Result<Self, Ec2Error> {
        let input = DeleteSecurityGroupInput {
            group_id: args.string("GroupId"),
            group_name: args.string("GroupName"),
        };
        if input.group_id.is_none() && input.group_name.is_none() {
            return Err(missing_group());
        }
        Ok(input)
    }
}

/// Output of `DeleteSecurityGroup`: `<return>true</return>` and the deleted group's id.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DeleteSecurityGroupOutput {
    /// The deleted group's id.
    pub group_id: Option<String>,
}

impl ToXml for DeleteSecurityGroupOutput {
    fn write_xml(&self, writer: &mut XmlWriter) {
        Return(true).write_xml(writer);
        writer.field("groupId", &self.group_id);
    }
}

/// Input of `DescribeSecurityGroups`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DescribeSecurityGroupsInput {
    /// `GroupName.N`: the groups to describe, by name (default VPC).
    pub group_names: Vec<String>,
    /// `GroupId.N`: the groups to describe, by id.
    pub group_ids: Vec<String>,
    /// `Filter.N`: filters such as `group-name`, `vpc-id`, `ip-permission.cidr`.
    pub filters: Vec<Filter>,
    /// `MaxResults`: the page size.
    pub max_results: Option<i32>,
    /// `NextToken`: the page to continue from.
    pub next_token: Option<String>,
}

impl FromArgs for DescribeSecurityGroupsInput {
    fn from_args(args: &Args) -> Result<Self, Ec2Error> {
        Ok(DescribeSecurityGroupsInput {
            group_names: args.strings("GroupName"),
            group_ids: args.strings("GroupId"),
            filters: args.filters("Filter")?,
            max_results: args.number("MaxResults")?,
            next_token: args.string("NextToken"),
        })
    }
}

/// Output of `DescribeSecurityGroups`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DescribeSecurityGroupsOutput {
    /// The groups (`securityGroupInfo`).
    pub security_groups: Vec<SecurityGroup>,
    /// The token of the next page, when there is one.
    pub next_token: Option<String>,
}

impl ToXml for DescribeSecurityGroupsOutput {
    fn write_xml(&self, writer: &mut XmlWriter) {
        writer.list("securityGroupInfo", &self.security_groups);
        writer.field("nextToken", &self.next_token);
    }
}

/// The group and the rules of an `AuthorizeSecurityGroupIngress` or
/// `RevokeSecurityGroupIngress` call.
///
/// A rule comes either in the short form (`IpProtocol`, `FromPort`, `ToPort`, `CidrIp`,
/// `SourceSecurityGroupName`, `SourceSecurityGroupOwnerId`) or as `IpPermissions.N`;
/// [`SecurityGroupIngress::permissions`] gives both as one list.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SecurityGroupIngress {
    /// `GroupId`: the group whose rules change. This or `group_name` is required.
    pub group_id: Option<String>,
    /// `GroupName`: the group, by name (default VPC).
    pub group_name: Option<String>,
    /// `IpProtocol`: the short form's protocol.
    pub ip_protocol: Option<String>,
    /// `FromPort`: the short form's first port.
    pub from_port: Option<i32>,
    /// `ToPort`: the short form's last port.
    pub to_port: Option<i32>,
    /// `CidrIp`: the short form's IPv4 range.
    pub cidr_ip: Option<String>,
    /// `SourceSecurityGroupName`: the short form's source group.
    pub source_security_group_name: Option<String>,
    /// `SourceSecurityGroupOwnerId`: the account that owns the source group.
    pub source_security_group_owner_id: Option<String>,
    /// `IpPermissions.N`: the rules in full form.
    pub ip_permissions: Vec<IpPermission>,
}

impl SecurityGroupIngress {
    fn from_args(args: &Args) -> Result<Self, Ec2Error> {
        let ingress = SecurityGroupIngress {
            group_id: args.string("GroupId"),
            group_name: args.string("GroupName"),
            ip_protocol: args.string("IpProtocol"),
            from_port: args.number("FromPort")?,
            to_port: args.number("ToPort")?,
            cidr_ip: args.string("CidrIp"),
            source_security_group_name: args.string("SourceSecurityGroupName"),
            source_security_group_owner_id: args.string("SourceSecurityGroupOwnerId"),
            ip_permissions: args
                .list("IpPermissions")
                .into_iter()
                .map(IpPermission::from_node)
                .collect::<Result<_, _>>()?,
        };
        if ingress.group_id.is_none() && ingress.group_name.is_none() {
            return Err(missing_group());
        }
        Ok(ingress)
    }

    /// Every rule of the call: the short form first, when any of its parameters was
    /// given, then `IpPermissions.N`. A short form without `IpProtocol` means all
    /// protocols (`-1`), as a bare source group did in EC2-Classic.
    pub fn permissions(&self) -> Vec<IpPermission> {
        let has_source = self.source_security_group_name.is_some()
            || self.source_security_group_owner_id.is_some();
        let has_short_form = self.ip_protocol.is_some()
            || self.from_port.is_some()
            || self.to_port.is_some()
            || self.cidr_ip.is_some()
            || has_source;

        let mut permissions = Vec::with_capacity(self.ip_permissions.len() + 1);
        if has_short_form {
            let source = UserIdGroupPair {
                user_id: self.source_security_group_owner_id.clone(),
                group_name: self.source_security_group_name.clone(),
                ..UserIdGroupPair::default()
            };
            let range = self.cidr_ip.as_ref().map(|cidr_ip| IpRange {
                cidr_ip: cidr_ip.clone(),
                description: None,
            });
            permissions.push(IpPermission {
                ip_protocol: self.ip_protocol.clone().unwrap_or_else(|| "-1".to_owned()),
                from_port: self.from_port,
                to_port: self.to_port,
                user_id_group_pairs: has_source.then_some(source).into_iter().collect(),
                ip_ranges: range.into_iter().collect(),
                ..IpPermission::default()
            });
        }
        permissions.extend(self.ip_permissions.iter().cloned());
        permissions
    }
}

/// Input of `AuthorizeSecurityGroupIngress`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct AuthorizeSecurityGroupIngressInput {
    /// The group and the rules to add.
    pub ingress: SecurityGroupIngress,
    /// `TagSpecification.N`: tags for the new rules.
    pub tag_specifications: Vec<TagSpecification>,
}

impl FromArgs for AuthorizeSecurityGroupIngressInput {
    fn from_args(args: &Args) -> Result<Self, Ec2Error> {
        Ok(AuthorizeSecurityGroupIngressInput {
            ingress: SecurityGroupIngress::from_args(args)?,
            tag_specifications: TagSpecification::list_from(args)?,
        })
    }
}

/// Output of `AuthorizeSecurityGroupIngress`: `<return>true</return>`.
///
/// Limitation: the `securityGroupRuleSet` newer AWS answers carry is not written.
pub type AuthorizeSecurityGroupIngressOutput = Return;

/// Input of `RevokeSecurityGroupIngress`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RevokeSecurityGroupIngressInput {
    /// The group and the rules to remove.
    pub ingress: SecurityGroupIngress,
    /// `SecurityGroupRuleId.N`: rules to remove, by id.
    pub security_group_rule_ids: Vec<String>,
}

impl FromArgs for RevokeSecurityGroupIngressInput {
    fn from_args(args: &Args) -> Result<Self, Ec2Error> {
        Ok(RevokeSecurityGroupIngressInput {
            ingress: SecurityGroupIngress::from_args(args)?,
            security_group_rule_ids: args.strings("SecurityGroupRuleId"),
        })
    }
}

/// Output of `RevokeSecurityGroupIngress`: `<return>true</return>` and the rules that
/// matched none of the group's.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RevokeSecurityGroupIngressOutput {
    /// The rules that were not found (`unknownIpPermissionSet`, when there are some).
    pub unknown_ip_permissions: Vec<IpPermission>,
}

impl ToXml for RevokeSecurityGroupIngressOutput {
    fn write_xml(&self, writer: &mut XmlWriter) {
        Return(true).write_xml(writer);
        writer.list_if_any("unknownIpPermissionSet", &self.unknown_ip_permissions);
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

    fn ssh_from_office() -> IpPermission {
        IpPermission {
            ip_protocol: "tcp".into(),
            from_port: Some(22),
            to_port: Some(22),
            ip_ranges: vec![IpRange {
                cidr_ip: "203.0.113.0/24".into(),
                description: Some("office".into()),
            }],
            ..IpPermission::default()
        }
    }

    fn web_group() -> SecurityGroup {
        SecurityGroup {
            owner_id: "123456789012".into(),
            group_id: "sg-1a2b3c4d".into(),
            group_name: "web".into(),
            description: "Web servers".into(),
            vpc_id: Some("vpc-1".into()),
            ip_permissions: vec![
                ssh_from_office(),
                IpPermission {
                    ip_protocol: "-1".into(),
                    user_id_group_pairs: vec![UserIdGroupPair {
                        user_id: Some("123456789012".into()),
                        group_id: Some("sg-1a2b3c4d".into()),
                        ..UserIdGroupPair::default()
                    }],
                    ..IpPermission::default()
                },
            ],
            ip_permissions_egress: vec![IpPermission {
                ip_protocol: "-1".into(),
                ip_ranges: vec![IpRange {
                    cidr_ip: "0.0.0.0/0".into(),
                    description: None,
                }],
                ..IpPermission::default()
            }],
            tags: vec![],
        }
    }

    #[test]
    fn create_security_group_reads_name_description_vpc_and_tags() {
        let args = Args::from_pairs([
            ("Action", "CreateSecurityGroup"),
            ("Version", "2016-11-15"),
            ("GroupDescription", "Web servers"),
            ("GroupName", "web"),
            ("VpcId", "vpc-1"),
            ("TagSpecification.1.ResourceType", "security-group"),
            ("TagSpecification.1.Tag.1.Key", "env"),
            ("TagSpecification.1.Tag.1.Value", "prod"),
        ]);
        assert_eq!(
            CreateSecurityGroupInput::from_args(&args).unwrap(),
            CreateSecurityGroupInput {
                group_name: "web".into(),
                description: "Web servers".into(),
                vpc_id: Some("vpc-1".into()),
                tag_specifications: vec![TagSpecification {
                    resource_type: "security-group".into(),
                    tags: vec![Tag {
                        key: "env".into(),
                        value: "prod".into(),
                    }],
                }],
            }
        );
    }

    #[test]
    fn create_security_group_needs_a_description() {
        let args = Args::from_pairs([("GroupName", "web")]);
        let error = CreateSecurityGroupInput::from_args(&args).unwrap_err();
        assert_eq!(error.code(), ErrorCode::MissingParameter);
        assert_eq!(
            error.message(),
            "The request must contain the parameter GroupDescription"
        );
    }

    #[test]
    fn create_security_group_refuses_a_name_longer_than_255_characters() {
        let name = "n".repeat(256);
        let args = Args::from_pairs([("GroupName", name.as_str()), ("GroupDescription", "d")]);
        let error = CreateSecurityGroupInput::from_args(&args).unwrap_err();
        assert_eq!(error.code(), ErrorCode::InvalidParameterValue);
        assert_eq!(
            error.message(),
            format!(
                "Value ({name}) for parameter GroupName is invalid. \
                 Group names may not be longer than 255 characters."
            )
        );
        let longest = "n".repeat(255);
        let args = Args::from_pairs([("GroupName", longest.as_str()), ("GroupDescription", "d")]);
        assert!(CreateSecurityGroupInput::from_args(&args).is_ok());
    }

    #[test]
    fn create_security_group_refuses_a_name_that_looks_like_an_id() {
        let args = Args::from_pairs([("GroupName", "sg-web"), ("GroupDescription", "d")]);
        let error = CreateSecurityGroupInput::from_args(&args).unwrap_err();
        assert_eq!(error.code(), ErrorCode::InvalidParameterValue);
        assert_eq!(
            error.message(),
            "Value (sg-web) for parameter GroupName is invalid. \
             Group names may not be in the format sg-*."
        );
    }

    #[test]
    fn create_security_group_refuses_a_description_longer_than_255_characters() {
        let description = "d".repeat(256);
        let args = Args::from_pairs([
            ("GroupName", "web"),
            ("GroupDescription", description.as_str()),
        ]);
        let error = CreateSecurityGroupInput::from_args(&args).unwrap_err();
        assert_eq!(error.code(), ErrorCode::InvalidParameterValue);
        assert_eq!(
            error.message(),
            "Invalid security group description. Valid descriptions are strings less than \
             256 characters from the following set:  a-zA-Z0-9. _-:/()#,@[]+=&;{}!$*"
        );
    }

    #[test]
    fn delete_security_group_takes_an_id_or_a_name() {
        let by_id = Args::from_pairs([
            ("Action", "DeleteSecurityGroup"),
            ("Version", "2016-11-15"),
            ("GroupId", "sg-1a2b3c4d"),
        ]);
        assert_eq!(
            DeleteSecurityGroupInput::from_args(&by_id).unwrap(),
            DeleteSecurityGroupInput {
                group_id: Some("sg-1a2b3c4d".into()),
                group_name: None,
            }
        );
        let by_name = Args::from_pairs([("GroupName", "web")]);
        assert_eq!(
            DeleteSecurityGroupInput::from_args(&by_name).unwrap(),
            DeleteSecurityGroupInput {
                group_id: None,
                group_name: Some("web".into()),
            }
        );
        let error = DeleteSecurityGroupInput::from_args(&Args::default()).unwrap_err();
        assert_eq!(error.code(), ErrorCode::MissingParameter);
        assert_eq!(
            error.message(),
            "The request must contain the parameter groupName or groupId"
        );
    }

    #[test]
    fn describe_security_groups_reads_names_ids_filters_and_paging() {
        let args = Args::from_pairs([
            ("Action", "DescribeSecurityGroups"),
            ("Version", "2016-11-15"),
            ("GroupId.1", "sg-1"),
            ("GroupId.2", "sg-2"),
            ("GroupName.1", "web"),
            ("NextToken", "page-2"),
            ("MaxResults", "100"),
            ("Filter.1.Name", "vpc-id"),
            ("Filter.1.Value.1", "vpc-1"),
        ]);
        assert_eq!(
            DescribeSecurityGroupsInput::from_args(&args).unwrap(),
            DescribeSecurityGroupsInput {
                group_names: vec!["web".into()],
                group_ids: vec!["sg-1".into(), "sg-2".into()],
                filters: vec![Filter {
                    name: "vpc-id".into(),
                    values: vec!["vpc-1".into()],
                }],
                max_results: Some(100),
                next_token: Some("page-2".into()),
            }
        );
    }

    #[test]
    fn authorize_ingress_reads_full_ip_permissions_as_boto3_sends_them() {
        let args = Args::from_pairs([
            ("Action", "AuthorizeSecurityGroupIngress"),
            ("Version", "2016-11-15"),
            ("GroupId", "sg-1a2b3c4d"),
            ("IpPermissions.1.IpProtocol", "tcp"),
            ("IpPermissions.1.FromPort", "22"),
            ("IpPermissions.1.ToPort", "22"),
            ("IpPermissions.1.IpRanges.1.CidrIp", "203.0.113.0/24"),
            ("IpPermissions.1.IpRanges.1.Description", "office"),
            ("IpPermissions.1.Ipv6Ranges.1.CidrIpv6", "2001:db8::/32"),
            ("IpPermissions.1.Ipv6Ranges.1.Description", "office v6"),
            ("IpPermissions.1.PrefixListIds.1.PrefixListId", "pl-12345"),
            ("IpPermissions.2.IpProtocol", "-1"),
            ("IpPermissions.2.Groups.1.GroupId", "sg-5e6f"),
            ("IpPermissions.2.Groups.1.UserId", "123456789012"),
            ("IpPermissions.2.Groups.1.Description", "app tier"),
            ("IpPermissions.2.Groups.2.GroupName", "db"),
            ("TagSpecification.1.ResourceType", "security-group-rule"),
            ("TagSpecification.1.Tag.1.Key", "Name"),
            ("TagSpecification.1.Tag.1.Value", "ssh"),
        ]);
        assert_eq!(
            AuthorizeSecurityGroupIngressInput::from_args(&args).unwrap(),
            AuthorizeSecurityGroupIngressInput {
                ingress: SecurityGroupIngress {
                    group_id: Some("sg-1a2b3c4d".into()),
                    ip_permissions: vec![
                        IpPermission {
                            ip_protocol: "tcp".into(),
                            from_port: Some(22),
                            to_port: Some(22),
                            user_id_group_pairs: vec![],
                            ip_ranges: vec![IpRange {
                                cidr_ip: "203.0.113.0/24".into(),
                                description: Some("office".into()),
                            }],
                            ipv6_ranges: vec![Ipv6Range {
                                cidr_ipv6: "2001:db8::/32".into(),
                                description: Some("office v6".into()),
                            }],
                            prefix_list_ids: vec![PrefixListId {
                                prefix_list_id: "pl-12345".into(),
                                description: None,
                            }],
                        },
                        IpPermission {
                            ip_protocol: "-1".into(),
                            user_id_group_pairs: vec![
                                UserIdGroupPair {
                                    user_id: Some("123456789012".into()),
                                    group_id: Some("sg-5e6f".into()),
                                    description: Some("app tier".into()),
                                    ..UserIdGroupPair::default()
                                },
                                UserIdGroupPair {
                                    group_name: Some("db".into()),
                                    ..UserIdGroupPair::default()
                                },
                            ],
                            ..IpPermission::default()
                        },
                    ],
                    ..SecurityGroupIngress::default()
                },
                tag_specifications: vec![TagSpecification {
                    resource_type: "security-group-rule".into(),
                    tags: vec![Tag {
                        key: "Name".into(),
                        value: "ssh".into(),
                    }],
                }],
            }
        );
    }

    #[test]
    fn authorize_ingress_also_reads_user_id_group_pairs_by_their_sdk_name() {
        let args = Args::from_pairs([
            ("GroupName", "web"),
            ("IpPermissions.1.IpProtocol", "udp"),
            ("IpPermissions.1.FromPort", "53"),
            ("IpPermissions.1.ToPort", "53"),
            ("IpPermissions.1.UserIdGroupPairs.1.GroupId", "sg-5e6f"),
        ]);
        let input = AuthorizeSecurityGroupIngressInput::from_args(&args).unwrap();
        assert_eq!(
            input.ingress.ip_permissions[0].user_id_group_pairs,
            [UserIdGroupPair {
                group_id: Some("sg-5e6f".into()),
                ..UserIdGroupPair::default()
            }]
        );
    }

    #[test]
    fn authorize_ingress_reads_the_short_form_the_cli_sends() {
        // aws ec2 authorize-security-group-ingress --group-id sg-1a2b3c4d --protocol tcp
        //     --port 22 --cidr 203.0.113.0/24
        let args = Args::from_pairs([
            ("Action", "AuthorizeSecurityGroupIngress"),
            ("Version", "2016-11-15"),
            ("GroupId", "sg-1a2b3c4d"),
            ("IpProtocol", "tcp"),
            ("FromPort", "22"),
            ("ToPort", "22"),
            ("CidrIp", "203.0.113.0/24"),
        ]);
        let input = AuthorizeSecurityGroupIngressInput::from_args(&args).unwrap();
        assert_eq!(
            input,
            AuthorizeSecurityGroupIngressInput {
                ingress: SecurityGroupIngress {
                    group_id: Some("sg-1a2b3c4d".into()),
                    ip_protocol: Some("tcp".into()),
                    from_port: Some(22),
                    to_port: Some(22),
                    cidr_ip: Some("203.0.113.0/24".into()),
                    ..SecurityGroupIngress::default()
                },
                tag_specifications: vec![],
            }
        );
        assert_eq!(
            input.ingress.permissions(),
            [IpPermission {
                ip_ranges: vec![IpRange {
                    cidr_ip: "203.0.113.0/24".into(),
                    description: None,
                }],
                ..ssh_from_office()
            }]
        );
    }

    #[test]
    fn a_bare_source_group_allows_every_protocol() {
        let ingress = SecurityGroupIngress {
            group_name: Some("web".into()),
            source_security_group_name: Some("app".into()),
            source_security_group_owner_id: Some("123456789012".into()),
            ip_permissions: vec![ssh_from_office()],
            ..SecurityGroupIngress::default()
        };
        assert_eq!(
            ingress.permissions(),
            [
                IpPermission {
                    ip_protocol: "-1".into(),
                    user_id_group_pairs: vec![UserIdGroupPair {
                        user_id: Some("123456789012".into()),
                        group_name: Some("app".into()),
                        ..UserIdGroupPair::default()
                    }],
                    ..IpPermission::default()
                },
                ssh_from_office(),
            ]
        );
        let full_form_only = SecurityGroupIngress {
            source_security_group_name: None,
            source_security_group_owner_id: None,
            ..ingress
        };
        assert_eq!(full_form_only.permissions(), [ssh_from_office()]);
    }

    #[test]
    fn ingress_ports_must_be_integers() {
        let short = Args::from_pairs([("GroupId", "sg-1"), ("FromPort", "ssh")]);
        let error = AuthorizeSecurityGroupIngressInput::from_args(&short).unwrap_err();
        assert_eq!(error.code(), ErrorCode::InvalidParameterValue);
        assert_eq!(
            error.message(),
            "Invalid value 'ssh' for FromPort. It must be a number."
        );

        let full = Args::from_pairs([
            ("GroupId", "sg-1"),
            ("IpPermissions.1.IpProtocol", "tcp"),
            ("IpPermissions.1.FromPort", "22"),
            ("IpPermissions.1.ToPort", "22.5"),
        ]);
        let error = RevokeSecurityGroupIngressInput::from_args(&full).unwrap_err();
        assert_eq!(error.code(), ErrorCode::InvalidParameterValue);
        assert_eq!(
            error.message(),
            "Invalid value '22.5' for ToPort. It must be a number."
        );
    }

    #[test]
    fn ingress_needs_a_group_id_or_name() {
        let args = Args::from_pairs([("IpProtocol", "tcp"), ("CidrIp", "0.0.0.0/0")]);
        let error = AuthorizeSecurityGroupIngressInput::from_args(&args).unwrap_err();
        assert_eq!(error.code(), ErrorCode::MissingParameter);
        assert_eq!(
            error.message(),
            "The request must contain the parameter groupName or groupId"
        );
    }

    #[test]
    fn ip_permissions_need_a_protocol_and_ranges_need_a_cidr() {
        let no_protocol =
            Args::from_pairs([("GroupId", "sg-1"), ("IpPermissions.1.FromPort", "22")]);
        assert_eq!(
            AuthorizeSecurityGroupIngressInput::from_args(&no_protocol)
                .unwrap_err()
                .message(),
            "The request must contain the parameter IpPermissions.N.IpProtocol"
        );
        let no_cidr = Args::from_pairs([
            ("GroupId", "sg-1"),
            ("IpPermissions.1.IpProtocol", "tcp"),
            ("IpPermissions.1.IpRanges.1.Description", "office"),
        ]);
        assert_eq!(
            AuthorizeSecurityGroupIngressInput::from_args(&no_cidr)
                .unwrap_err()
                .message(),
            "The request must contain the parameter IpPermissions.N.IpRanges.N.CidrIp"
        );
    }

    #[test]
    fn revoke_ingress_reads_rules_and_rule_ids() {
        let args = Args::from_pairs([
            ("Action", "RevokeSecurityGroupIngress"),
            ("Version", "2016-11-15"),
            ("GroupId", "sg-1a2b3c4d"),
            ("IpPermissions.1.IpProtocol", "tcp"),
            ("IpPermissions.1.FromPort", "22"),
            ("IpPermissions.1.ToPort", "22"),
            ("IpPermissions.1.IpRanges.1.CidrIp", "203.0.113.0/24"),
            ("IpPermissions.1.IpRanges.1.Description", "office"),
            ("SecurityGroupRuleId.1", "sgr-0abc"),
        ]);
        assert_eq!(
            RevokeSecurityGroupIngressInput::from_args(&args).unwrap(),
            RevokeSecurityGroupIngressInput {
                ingress: SecurityGroupIngress {
                    group_id: Some("sg-1a2b3c4d".into()),
                    ip_permissions: vec![ssh_from_office()],
                    ..SecurityGroupIngress::default()
                },
                security_group_rule_ids: vec!["sgr-0abc".into()],
            }
        );
    }

    #[test]
    fn describe_security_groups_renders_rules_with_every_list() {
        let output = DescribeSecurityGroupsOutput {
            security_groups: vec![web_group()],
            next_token: None,
        };
        assert_eq!(
            render(&output),
            "<securityGroupInfo><item><ownerId>123456789012</ownerId>\
             <groupId>sg-1a2b3c4d</groupId><groupName>web</groupName>\
             <groupDescription>Web servers</groupDescription><vpcId>vpc-1</vpcId>\
             <ipPermissions>\
             <item><ipProtocol>tcp</ipProtocol><fromPort>22</fromPort><toPort>22</toPort>\
             <groups></groups><ipRanges><item><cidrIp>203.0.113.0/24</cidrIp>\
             <description>office</description></item></ipRanges><ipv6Ranges></ipv6Ranges>\
             <prefixListIds></prefixListIds></item>\
             <item><ipProtocol>-1</ipProtocol><groups><item><userId>123456789012</userId>\
             <groupId>sg-1a2b3c4d</groupId></item></groups><ipRanges></ipRanges>\
             <ipv6Ranges></ipv6Ranges><prefixListIds></prefixListIds></item>\
             </ipPermissions>\
             <ipPermissionsEgress><item><ipProtocol>-1</ipProtocol><groups></groups>\
             <ipRanges><item><cidrIp>0.0.0.0/0</cidrIp></item></ipRanges>\
             <ipv6Ranges></ipv6Ranges><prefixListIds></prefixListIds></item>\
             </ipPermissionsEgress></item></securityGroupInfo>"
        );
    }

    #[test]
    fn describe_security_groups_renders_tags_prefix_lists_and_next_token() {
        let group = SecurityGroup {
            ip_permissions: vec![IpPermission {
                ip_protocol: "tcp".into(),
                from_port: Some(443),
                to_port: Some(443),
                ipv6_ranges: vec![Ipv6Range {
                    cidr_ipv6: "::/0".into(),
                    description: None,
                }],
                prefix_list_ids: vec![PrefixListId {
                    prefix_list_id: "pl-12345".into(),
                    description: Some("s3".into()),
                }],
                ..IpPermission::default()
            }],
            ip_permissions_egress: vec![],
            tags: vec![Tag {
                key: "env".into(),
                value: "prod".into(),
            }],
            ..web_group()
        };
        let xml = render(&DescribeSecurityGroupsOutput {
            security_groups: vec![group],
            next_token: Some("page-2".into()),
        });
        assert!(xml.contains(
            "<ipv6Ranges><item><cidrIpv6>::/0</cidrIpv6></item></ipv6Ranges>\
             <prefixListIds><item><prefixListId>pl-12345</prefixListId>\
             <description>s3</description></item></prefixListIds>"
        ));
        assert!(xml.ends_with(
            "<ipPermissionsEgress></ipPermissionsEgress>\
             <tagSet><item><key>env</key><value>prod</value></item></tagSet>\
             </item></securityGroupInfo><nextToken>page-2</nextToken>"
        ));
    }

    #[test]
    fn create_security_group_renders_return_group_id_tags_and_arn() {
        let arn = "arn:aws:ec2:us-east-1:123456789012:security-group/sg-1a2b3c4d";
        let output = CreateSecurityGroupOutput {
            group_id: "sg-1a2b3c4d".into(),
            tags: vec![Tag {
                key: "env".into(),
                value: "prod".into(),
            }],
            security_group_arn: arn.into(),
        };
        assert_eq!(
            render(&output),
            "<return>true</return><groupId>sg-1a2b3c4d</groupId>\
             <tagSet><item><key>env</key><value>prod</value></item></tagSet>\
             <securityGroupArn>arn:aws:ec2:us-east-1:123456789012:security-group/sg-1a2b3c4d\
             </securityGroupArn>"
        );
        let untagged = CreateSecurityGroupOutput {
            group_id: "sg-1a2b3c4d".into(),
            tags: vec![],
            security_group_arn: arn.into(),
        };
        assert_eq!(
            render(&untagged),
            "<return>true</return><groupId>sg-1a2b3c4d</groupId>\
             <securityGroupArn>arn:aws:ec2:us-east-1:123456789012:security-group/sg-1a2b3c4d\
             </securityGroupArn>"
        );
    }

    #[test]
    fn delete_and_authorize_render_return_true() {
        let deleted = DeleteSecurityGroupOutput {
            group_id: Some("sg-1a2b3c4d".into()),
        };
        assert_eq!(
            render(&deleted),
            "<return>true</return><groupId>sg-1a2b3c4d</groupId>"
        );
        let authorized: AuthorizeSecurityGroupIngressOutput = Return::default();
        assert_eq!(render(&authorized), "<return>true</return>");
    }

    #[test]
    fn revoke_ingress_renders_the_rules_it_did_not_find() {
        assert_eq!(
            render(&RevokeSecurityGroupIngressOutput::default()),
            "<return>true</return>"
        );
        let output = RevokeSecurityGroupIngressOutput {
            unknown_ip_permissions: vec![IpPermission {
                ip_protocol: "udp".into(),
                from_port: Some(53),
                to_port: Some(53),
                ..IpPermission::default()
            }],
        };
        assert_eq!(
            render(&output),
            "<return>true</return><unknownIpPermissionSet><item><ipProtocol>udp</ipProtocol>\
             <fromPort>53</fromPort><toPort>53</toPort><groups></groups><ipRanges></ipRanges>\
             <ipv6Ranges></ipv6Ranges><prefixListIds></prefixListIds></item>\
             </unknownIpPermissionSet>"
        );
    }

    #[test]
    fn describe_security_groups_output_is_well_formed_xml() {
        let odd = SecurityGroup {
            group_name: "a<b>&c".into(),
            description: "it's \"quoted\"".into(),
            ..web_group()
        };
        let output = DescribeSecurityGroupsOutput {
            security_groups: vec![odd, SecurityGroup::default()],
            next_token: Some("x".into()),
        };
        assert_well_formed(&render(&output));
    }
}
