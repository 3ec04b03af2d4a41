//! Security groups of the default VPC: CreateSecurityGroup, DeleteSecurityGroup,
//! DescribeSecurityGroups, AuthorizeSecurityGroupIngress and RevokeSecurityGroupIngress,
//! and the lookups RunInstances and the tag calls make.
//!
//! Every project has, in each region, the group `default` with AWS's default rules: all
//! traffic in from the group itself, all traffic out. Its id derives from the account and
//! region; it is derived on reads until a call changes it, then kept in the state. A
//! group made by CreateSecurityGroup starts with the rule allowing all traffic out.
//!
//! Rules are kept one peer each (a CIDR block, a group or a prefix list), as AWS's
//! security group rules are, and shown grouped by protocol and ports, as `ipPermissions`
//! shows them. Protocols are kept as AWS shows them: `tcp`, `udp`, `icmp`, `icmpv6`, `-1`
//! for all, else the protocol's number; ports only for TCP, UDP and ICMP.
//!
//! # Limitations
//!
//! - Only the default VPC exists, so every group lives there.
//! - A rule that names no peer allows `0.0.0.0/0`, as Nova read it; AWS refuses it.
//! - Egress rules cannot be changed: the API has no Authorize/RevokeSecurityGroupEgress.
//! - Revoking by `SecurityGroupRuleId` answers `UnsupportedOperation`: rules have no ids.
//! - A group of another account is never found, even with `UserId`.
//! - Port and ICMP range errors are `InvalidParameterValue`; AWS answers some of them with
//!   `InvalidPermission.Malformed`.

use std::collections::{BTreeMap, HashMap};
use std::net::{Ipv4Addr, Ipv6Addr};

use serde::{Deserialize, Serialize};

use crate::ec2::error::{Ec2Error, ErrorCode};
use crate::ec2::model::{
    AuthorizeSecurityGroupIngressInput, CreateSecurityGroupInput, CreateSecurityGroupOutput,
    DeleteSecurityGroupInput, DeleteSecurityGroupOutput, DescribeSecurityGroupsInput,
    DescribeSecurityGroupsOutput, InstanceStateName, IpPermission, IpRange, Ipv6Range,
    PrefixListId, RevokeSecurityGroupIngressInput, RevokeSecurityGroupIngressOutput, SecurityGroup,
    SecurityGroupIngress, TagSpecification, Text, UserIdGroupPair,
};

use super::images::tag_list;
use super::state::{ProjectRegion, RegionState, Tags};
use super::{FakeCloud, Scope, filters, ids, paging, regions, tags};

/// The name of every VPC's own group.
const DEFAULT_GROUP: &str = "default";

const GROUP_FILTERS: &[&str] = &[
    "group-name",
    "group-id",
    "description",
    "vpc-id",
    "owner-id",
    "tag-key",
    "tag-value",
    "ip-permission.protocol",
    "ip-permission.from-port",
    "ip-permission.to-port",
    "ip-permission.cidr",
    "ip-permission.ipv6-cidr",
    "ip-permission.group-id",
    "ip-permission.group-name",
    "ip-permission.user-id",
    "ip-permission.prefix-list-id",
    "egress.ip-permission.protocol",
    "egress.ip-permission.from-port",
    "egress.ip-permission.to-port",
    "egress.ip-permission.cidr",
    "egress.ip-permission.ipv6-cidr",
    "egress.ip-permission.group-id",
    "egress.ip-permission.group-name",
    "egress.ip-permission.user-id",
    "egress.ip-permission.prefix-list-id",
];

/// A project's security groups in one region.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub(crate) struct GroupStore {
    /// By id, which is also the order DescribeSecurityGroups lists them in.
    groups: BTreeMap<String, GroupRecord>,
    /// Group name → id.
    names: HashMap<String, String>,
}

impl GroupStore {
    /// How many groups the project has, its `default` group counted even before it is
    /// stored.
    #[cfg(feature = "openstack")]
    pub(crate) fn count(&self, default_group_id: &str) -> usize {
        self.groups.len() + usize::from(!self.groups.contains_key(default_group_id))
    }

    fn insert(&mut self, group: GroupRecord) {
        self.names
            .insert(group.group_name.clone(), group.group_id.clone());
        self.groups.insert(group.group_id.clone(), group);
    }

    fn remove(&mut self, group_id: &str) {
        if let Some(group) = self.groups.remove(group_id) {
            self.names.remove(&group.group_name);
        }
    }
}

/// A security group.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct GroupRecord {
    group_id: String,
    group_name: String,
    description: String,
    vpc_id: String,
    owner_id: String,
    ingress: Vec<Rule>,
    egress: Vec<Rule>,
    tags: Tags,
}

/// One rule: a protocol, its ports and one peer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
struct Rule {
    /// `tcp`, `udp`, `icmp`, `icmpv6`, `-1` or a protocol number.
    protocol: String,
    /// The port range, or the ICMP type and code; none for other protocols.
    ports: Option<(i32, i32)>,
    peer: Peer,
    description: Option<String>,
}

impl Rule {
    /// Whether two rules allow the same traffic: descriptions do not count.
    fn same_as(&self, other: &Rule) -> bool {
        self.protocol == other.protocol && self.ports == other.ports && self.peer == other.peer
    }

    /// The rule as AWS's `InvalidPermission.Duplicate` message names it.
    fn wire_description(&self) -> String {
        let peer = match &self.peer {
            Peer::Cidr(cidr) | Peer::CidrIpv6(cidr) => cidr,
            Peer::Group { group_id, .. } => group_id,
            Peer::PrefixList(prefix_list_id) => prefix_list_id,
        };
        let protocol = self.protocol.to_ascii_uppercase();
        match (self.protocol.as_str(), self.ports) {
            ("-1", _) => format!("peer: {peer}, ALL, ALLOW"),
            ("icmp" | "icmpv6", Some((kind, code))) => {
                format!("peer: {peer}, {protocol}, type: {kind}, code: {code}, ALLOW")
            }
            (_, Some((from, to))) => {
                format!("peer: {peer}, {protocol}, from port: {from}, to port: {to}, ALLOW")
            }
            (_, None) => format!("peer: {peer}, {protocol}, ALLOW"),
        }
    }
}

/// What a rule allows traffic from (ingress) or to (egress).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
enum Peer {
    Cidr(String),
    CidrIpv6(String),
    Group { user_id: String, group_id: String },
    PrefixList(String),
}

fn all_traffic_out() -> Rule {
    Rule {
        protocol: "-1".into(),
        ports: None,
        peer: Peer::Cidr("0.0.0.0/0".into()),
        description: None,
    }
}

/// The project's `default` group as it is before any call changes it.
fn default_group(scope: &Scope, network: &regions::DefaultNetwork) -> GroupRecord {
    GroupRecord {
        group_id: network.security_group_id.clone(),
        group_name: DEFAULT_GROUP.into(),
        description: "default VPC security group".into(),
        vpc_id: network.vpc_id.clone(),
        owner_id: scope.account.clone(),
        ingress: vec![Rule {
            protocol: "-1".into(),
            ports: None,
            peer: Peer::Group {
                user_id: scope.account.clone(),
                group_id: network.security_group_id.clone(),
            },
            description: None,
        }],
        egress: vec![all_traffic_out()],
        tags: Tags::new(),
    }
}

/// A project's groups as a read sees them: the stored ones and, until a call changes it,
/// the derived `default` group.
pub(crate) struct Groups<'a> {
    stored: Option<&'a GroupStore>,
    derived_default: Option<GroupRecord>,
}

impl<'a> Groups<'a> {
    pub(crate) fn of(region: &'a RegionState, scope: &Scope) -> Self {
        let network = scope.network();
        let stored = region
            .projects
            .get(&scope.project)
            .map(|project| &project.security_groups);
        let default_stored =
            stored.is_some_and(|store| store.groups.contains_key(&network.security_group_id));
        Groups {
            stored,
            derived_default: (!default_stored).then(|| default_group(scope, &network)),
        }
    }

    fn by_id(&self, group_id: &str) -> Option<&GroupRecord> {
        match &self.derived_default {
            Some(default) if default.group_id == group_id => Some(default),
            _ => self.stored?.groups.get(group_id),
        }
    }

    fn by_name(&self, name: &str) -> Option<&GroupRecord> {
        match &self.derived_default {
            Some(default) if default.group_name == name => Some(default),
            _ => {
                let stored = self.stored?;
                stored.groups.get(stored.names.get(name)?)
            }
        }
    }

    /// Every group, by id.
    fn all(&self) -> Vec<&GroupRecord> {
        let mut all: Vec<&GroupRecord> = self
            .stored
            .map(|store| store.groups.values().collect())
            .unwrap_or_default();
        if let Some(default) = &self.derived_default {
            let at = all.partition_point(|group| group.group_id < default.group_id);
            all.insert(at, default);
        }
        all
    }
}

/// The project's entry in a region, created on first use.
pub(crate) fn project_entry<'a>(
    region: &'a mut RegionState,
    scope: &Scope,
) -> &'a mut ProjectRegion {
    region
        .projects
        .entry(scope.project.clone())
        .or_insert_with(|| ProjectRegion {
            next_host: vec![4; regions::ZONE_LETTERS.len()],
            ..ProjectRegion::default()
        })
}

/// The project's stored groups, with the `default` group kept from now on.
fn store_mut<'a>(region: &'a mut RegionState, scope: &Scope) -> &'a mut GroupStore {
    let network = scope.network();
    let store = &mut project_entry(region, scope).security_groups;
    if !store.groups.contains_key(&network.security_group_id) {
        store.insert(default_group(scope, &network));
    }
    store
}

fn not_found(group: &str) -> Ec2Error {
    Ec2Error::new(
        ErrorCode::InvalidGroupNotFound,
        format!("The security group '{group}' does not exist"),
    )
}

fn not_found_in_default_vpc(name: &str, scope: &Scope) -> Ec2Error {
    Ec2Error::new(
        ErrorCode::InvalidGroupNotFound,
        format!(
            "The security group '{name}' does not exist in default VPC '{}'",
            scope.network().vpc_id
        ),
    )
}

fn missing_group() -> Ec2Error {
    Ec2Error::new(
        ErrorCode::MissingParameter,
        "The request must contain the parameter groupName or groupId",
    )
}

/// The group an ingress call changes: by id, else by name.
fn target<'g>(
    groups: &'g Groups<'_>,
    scope: &Scope,
    ingress: &SecurityGroupIngress,
) -> Result<&'g GroupRecord, Ec2Error> {
    match (&ingress.group_id, &ingress.group_name) {
        (Some(group_id), _) => groups.by_id(group_id).ok_or_else(|| not_found(group_id)),
        (None, Some(name)) => groups
            .by_name(name)
            .ok_or_else(|| not_found_in_default_vpc(name, scope)),
        (None, None) => Err(missing_group()),
    }
}

/// The ids and names of the groups RunInstances or ModifyInstanceAttribute names, in the
/// order named and without repeats; the `default` group when none is named.
pub(crate) fn resolve_for_instance(
    region: &RegionState,
    scope: &Scope,
    names: &[String],
    group_ids: &[String],
) -> Result<(Vec<Text>, Vec<Text>), Ec2Error> {
    let groups = Groups::of(region, scope);
    let mut found: Vec<&GroupRecord> = Vec::with_capacity(names.len() + group_ids.len());
    for name in names {
        found.push(
            groups
                .by_name(name)
                .ok_or_else(|| not_found_in_default_vpc(name, scope))?,
        );
    }
    for group_id in group_ids {
        found.push(groups.by_id(group_id).ok_or_else(|| not_found(group_id))?);
    }
    if found.is_empty() {
        found.extend(groups.by_name(DEFAULT_GROUP));
    }
    let mut resolved_ids: Vec<Text> = Vec::with_capacity(found.len());
    let mut resolved_names: Vec<Text> = Vec::with_capacity(found.len());
    for group in found {
        if !resolved_ids.iter().any(|id| id.as_str() == group.group_id) {
            resolved_ids.push(group.group_id.clone().into());
            resolved_names.push(group.group_name.clone().into());
        }
    }
    Ok((resolved_ids, resolved_names))
}

/// The tags of the project's group `group_id`, for the tag calls.
pub(crate) fn tags_mut<'a>(
    region: &'a mut RegionState,
    scope: &Scope,
    group_id: &str,
) -> Option<&'a mut Tags> {
    if group_id == scope.network().security_group_id {
        return store_mut(region, scope)
            .groups
            .get_mut(group_id)
            .map(|group| &mut group.tags);
    }
    region
        .projects
        .get_mut(&scope.project)?
        .security_groups
        .groups
        .get_mut(group_id)
        .map(|group| &mut group.tags)
}

/// The project's groups that carry tags, by id, for DescribeTags.
pub(crate) fn tagged(project: &ProjectRegion) -> impl Iterator<Item = (&str, &Tags)> {
    project
        .security_groups
        .groups
        .values()
        .filter(|group| !group.tags.is_empty())
        .map(|group| (group.group_id.as_str(), &group.tags))
}

/// The tags of `resource_type` tag specifications; other resource types are refused.
pub(crate) fn specification_tags(
    specifications: &[TagSpecification],
    resource_type: &str,
) -> Result<Tags, Ec2Error> {
    let mut applied = Tags::new();
    for specification in specifications {
        if specification.resource_type != resource_type {
            return Err(Ec2Error::new(
                ErrorCode::InvalidParameterValue,
                format!(
                    "'{}' is not a valid taggable resource type for this operation.",
                    specification.resource_type
                ),
            ));
        }
        tags::apply(&mut applied, &specification.tags)?;
    }
    Ok(applied)
}

/// `CreateSecurityGroup`.
pub(crate) fn create(
    cloud: &FakeCloud,
    scope: &Scope,
    input: &CreateSecurityGroupInput,
) -> Result<CreateSecurityGroupOutput, Ec2Error> {
    let network = scope.network();
    if input.description.is_empty() {
        return Err(Ec2Error::missing_parameter("GroupDescription"));
    }
    if input.group_name.starts_with("sg-") {
        return Err(Ec2Error::invalid_value(
            "GroupName",
            &input.group_name,
            "Group names may not be in the format sg-*.",
        ));
    }
    if let Some(vpc_id) = &input.vpc_id
        && *vpc_id != network.vpc_id
    {
        return Err(Ec2Error::new(
            ErrorCode::InvalidVpcIdNotFound,
            format!("The vpc ID '{vpc_id}' does not exist"),
        ));
    }
    let tags = specification_tags(&input.tag_specifications, "security-group")?;

    let mut state = cloud.write();
    let region = state
        .regions
        .get_mut(&scope.region)
        .ok_or_else(Ec2Error::internal)?;
    let store = store_mut(region, scope);
    if store.names.contains_key(&input.group_name) {
        return Err(Ec2Error::new(
            ErrorCode::InvalidGroupDuplicate,
            format!(
                "The security group '{}' already exists for VPC '{}'",
                input.group_name, network.vpc_id
            ),
        ));
    }
    if store.groups.len() >= cloud.quotas().security_groups {
        return Err(Ec2Error::new(
            ErrorCode::SecurityGroupLimitExceeded,
            format!(
                "The maximum number of security groups for VPC '{}' has been reached.",
                network.vpc_id
            ),
        ));
    }
    let mut group_id = ids::random_id("sg-");
    while store.groups.contains_key(&group_id) {
        group_id = ids::random_id("sg-");
    }
    store.insert(GroupRecord {
        group_id: group_id.clone(),
        group_name: input.group_name.clone(),
        description: input.description.clone(),
        vpc_id: network.vpc_id.clone(),
        owner_id: scope.account.clone(),
        ingress: Vec::new(),
        egress: vec![all_traffic_out()],
        tags: tags.clone(),
    });
    Ok(CreateSecurityGroupOutput {
        security_group_arn: format!(
            "arn:aws:ec2:{}:{}:security-group/{group_id}",
            scope.region, scope.account
        ),
        group_id,
        tags: tag_list(&tags),
    })
}

/// `DeleteSecurityGroup`: not the `default` group, nor one that an instance or another
/// group's rule still uses.
pub(crate) fn delete(
    cloud: &FakeCloud,
    scope: &Scope,
    input: &DeleteSecurityGroupInput,
) -> Result<DeleteSecurityGroupOutput, Ec2Error> {
    let now = cloud.config_clock_now();
    let delay = cloud.transition_delay();
    let mut state = cloud.write();
    let region = state
        .regions
        .get_mut(&scope.region)
        .ok_or_else(Ec2Error::internal)?;

    let group_id = {
        let groups = Groups::of(region, scope);
        let group = match (&input.group_id, &input.group_name) {
            (Some(group_id), _) => groups.by_id(group_id).ok_or_else(|| not_found(group_id))?,
            (None, Some(name)) => groups.by_name(name).ok_or_else(|| not_found(name))?,
            (None, None) => return Err(missing_group()),
        };
        let group_id = group.group_id.clone();
        if group.group_name == DEFAULT_GROUP {
            return Err(Ec2Error::new(
                ErrorCode::CannotDelete,
                format!(
                    "the specified group: \"{group_id}\" name: \"{DEFAULT_GROUP}\" cannot be \
                     deleted by a user"
                ),
            ));
        }
        let dependent = || {
            Ec2Error::new(
                ErrorCode::DependencyViolation,
                format!("resource {group_id} has a dependent object"),
            )
        };
        let project = region.projects.get(&scope.project);
        let used_by_instance = project.is_some_and(|project| {
            project.launch_order.values().any(|instance_id| {
                region.instances.get(instance_id).is_some_and(|record| {
                    record.group_ids.iter().any(|id| id.as_str() == group_id)
                        && record.state_at(now, delay) != InstanceStateName::Terminated
                })
            })
        });
        if used_by_instance {
            return Err(dependent());
        }
        let referenced = groups.all().into_iter().any(|other| {
            other.group_id != group_id
                && other.ingress.iter().chain(&other.egress).any(|rule| {
                    matches!(&rule.peer, Peer::Group { group_id: peer, .. } if *peer == group_id)
                })
        });
        if referenced {
            return Err(dependent());
        }
        group_id
    };

    store_mut(region, scope).remove(&group_id);
    Ok(DeleteSecurityGroupOutput {
        group_id: Some(group_id),
    })
}

/// `DescribeSecurityGroups`: by id, then page by page.
pub(crate) fn describe(
    cloud: &FakeCloud,
    scope: &Scope,
    input: &DescribeSecurityGroupsInput,
) -> Result<DescribeSecurityGroupsOutput, Ec2Error> {
    filters::check_names(&input.filters, GROUP_FILTERS, true)?;
    let page_size = paging::page_size(input.max_results.map(i64::from))?;
    let after = input
        .next_token
        .as_deref()
        .map(paging::decode_token)
        .transpose()?;

    let state = cloud.read();
    let region = &state.regions[&scope.region];
    let groups = Groups::of(region, scope);
    let selected = if input.group_ids.is_empty() && input.group_names.is_empty() {
        groups.all()
    } else {
        let mut selected = Vec::with_capacity(input.group_ids.len() + input.group_names.len());
        for group_id in &input.group_ids {
            selected.push(groups.by_id(group_id).ok_or_else(|| not_found(group_id))?);
        }
        for name in &input.group_names {
            selected.push(
                groups
                    .by_name(name)
                    .ok_or_else(|| not_found_in_default_vpc(name, scope))?,
            );
        }
        selected.sort_by(|a, b| a.group_id.cmp(&b.group_id));
        selected.dedup_by(|a, b| a.group_id == b.group_id);
        selected
    };

    let mut matching = selected
        .into_iter()
        .filter(|group| after.as_ref().is_none_or(|after| group.group_id > *after))
        .filter(|group| {
            filters::matches_all(&input.filters, |name| filter_values(group, &groups, name))
        });
    let page: Vec<&GroupRecord> = matching.by_ref().take(page_size).collect();
    let next_token = if page.len() == page_size && matching.next().is_some() {
        page.last()
            .map(|group| paging::encode_token(&group.group_id))
    } else {
        None
    };
    Ok(DescribeSecurityGroupsOutput {
        security_groups: page.into_iter().map(render).collect(),
        next_token,
    })
}

fn render(group: &GroupRecord) -> SecurityGroup {
    SecurityGroup {
        owner_id: group.owner_id.clone(),
        group_id: group.group_id.clone(),
        group_name: group.group_name.clone(),
        description: group.description.clone(),
        vpc_id: Some(group.vpc_id.clone()),
        ip_permissions: permissions(&group.ingress),
        ip_permissions_egress: permissions(&group.egress),
        tags: tag_list(&group.tags),
    }
}

/// Rules as `ipPermissions` shows them: one item per protocol and ports, in the order
/// their first rule was added, with each rule's peer in its list.
fn permissions(rules: &[Rule]) -> Vec<IpPermission> {
    let mut permissions: Vec<IpPermission> = Vec::new();
    for rule in rules {
        let (from_port, to_port) = rule.ports.unzip();
        let index = permissions
            .iter()
            .position(|permission| {
                permission.ip_protocol == rule.protocol
                    && permission.from_port == from_port
                    && permission.to_port == to_port
            })
            .unwrap_or_else(|| {
                permissions.push(IpPermission {
                    ip_protocol: rule.protocol.clone(),
                    from_port,
                    to_port,
                    ..IpPermission::default()
                });
                permissions.len() - 1
            });
        let permission = &mut permissions[index];
        let description = rule.description.clone();
        match &rule.peer {
            Peer::Cidr(cidr_ip) => permission.ip_ranges.push(IpRange {
                cidr_ip: cidr_ip.clone(),
                description,
            }),
            Peer::CidrIpv6(cidr_ipv6) => permission.ipv6_ranges.push(Ipv6Range {
                cidr_ipv6: cidr_ipv6.clone(),
                description,
            }),
            Peer::Group { user_id, group_id } => {
                permission.user_id_group_pairs.push(UserIdGroupPair {
                    user_id: Some(user_id.clone()),
                    group_id: Some(group_id.clone()),
                    description,
                    ..UserIdGroupPair::default()
                })
            }
            Peer::PrefixList(prefix_list_id) => permission.prefix_list_ids.push(PrefixListId {
                prefix_list_id: prefix_list_id.clone(),
                description,
            }),
        }
    }
    permissions
}

/// The values of filter `name` for a group.
fn filter_values(group: &GroupRecord, groups: &Groups<'_>, name: &str) -> Vec<String> {
    match name {
        "group-name" => vec![group.group_name.clone()],
        "group-id" => vec![group.group_id.clone()],
        "description" => vec![group.description.clone()],
        "vpc-id" => vec![group.vpc_id.clone()],
        "owner-id" => vec![group.owner_id.clone()],
        "tag-key" => group.tags.keys().map(|key| key.to_string()).collect(),
        "tag-value" => group.tags.values().map(|value| value.to_string()).collect(),
        other => {
            if let Some(key) = other.strip_prefix("tag:") {
                group
                    .tags
                    .get(key)
                    .map(|value| value.to_string())
                    .into_iter()
                    .collect()
            } else if let Some(field) = other.strip_prefix("egress.ip-permission.") {
                rule_values(&group.egress, groups, field)
            } else if let Some(field) = other.strip_prefix("ip-permission.") {
                rule_values(&group.ingress, groups, field)
            } else {
                vec![]
            }
        }
    }
}

/// The values of `ip-permission.{field}` over `rules`.
fn rule_values(rules: &[Rule], groups: &Groups<'_>, field: &str) -> Vec<String> {
    rules
        .iter()
        .filter_map(|rule| match (field, &rule.peer) {
            ("protocol", _) => Some(rule.protocol.clone()),
            ("from-port", _) => rule.ports.map(|(from, _)| from.to_string()),
            ("to-port", _) => rule.ports.map(|(_, to)| to.to_string()),
            ("cidr", Peer::Cidr(cidr)) | ("ipv6-cidr", Peer::CidrIpv6(cidr)) => Some(cidr.clone()),
            ("group-id", Peer::Group { group_id, .. }) => Some(group_id.clone()),
            ("group-name", Peer::Group { group_id, .. }) => {
                groups.by_id(group_id).map(|group| group.group_name.clone())
            }
            ("user-id", Peer::Group { user_id, .. }) => Some(user_id.clone()),
            ("prefix-list-id", Peer::PrefixList(prefix_list_id)) => Some(prefix_list_id.clone()),
            _ => None,
        })
        .collect()
}

/// The protocol as AWS keeps it: names for TCP, UDP, ICMP and ICMPv6 (given by name or
/// number), `-1` for all (also `all`), else the number.
fn protocol(given: &str) -> Result<String, Ec2Error> {
    let lower = given.to_ascii_lowercase();
    let known = match lower.as_str() {
        "-1" | "all" => "-1",
        "tcp" | "6" => "tcp",
        "udp" | "17" => "udp",
        "icmp" | "1" => "icmp",
        "icmpv6" | "58" => "icmpv6",
        other => {
            return match other.parse::<u8>() {
                Ok(number) if other.bytes().all(|b| b.is_ascii_digit()) => Ok(number.to_string()),
                _ => Err(Ec2Error::new(
                    ErrorCode::InvalidParameterValue,
                    format!("Invalid value '{given}' for IP protocol. Unknown protocol."),
                )),
            };
        }
    };
    Ok(known.into())
}

fn port_range_error(why: &str) -> Ec2Error {
    Ec2Error::new(
        ErrorCode::InvalidParameterValue,
        format!("Invalid value '{why}' for portRange."),
    )
}

/// The ports a rule keeps: a range of 0–65535 for TCP and UDP, an ICMP type and code of
/// −1–255 for ICMP, none for other protocols (which allow every port).
fn ports(
    protocol: &str,
    from_port: Option<i32>,
    to_port: Option<i32>,
) -> Result<Option<(i32, i32)>, Ec2Error> {
    match protocol {
        "tcp" | "udp" => {
            let (Some(from), Some(to)) = (from_port, to_port) else {
                return Err(port_range_error(
                    "Must specify both from and to ports with TCP/UDP.",
                ));
            };
            for port in [from, to] {
                if !(0..=65535).contains(&port) {
                    return Err(port_range_error(&format!(
                        "TCP/UDP port ({port}) out of range"
                    )));
                }
            }
            if from > to {
                return Err(port_range_error(&format!(
                    "TCP/UDP from port ({from}) is greater than to port ({to})"
                )));
            }
            Ok(Some((from, to)))
        }
        "icmp" | "icmpv6" => {
            let (Some(kind), Some(code)) = (from_port, to_port) else {
                return Err(port_range_error(
                    "Must specify both from and to ports with ICMP.",
                ));
            };
            if !(-1..=255).contains(&kind) {
                return Err(port_range_error(&format!(
                    "ICMP type ({kind}) out of range"
                )));
            }
            if !(-1..=255).contains(&code) {
                return Err(port_range_error(&format!(
                    "ICMP code ({code}) out of range"
                )));
            }
            Ok(Some((kind, code)))
        }
        _ => Ok(None),
    }
}

/// Checks a CIDR block: an address, `/` and a prefix length of at most `max_length`.
fn check_cidr(cidr: &str, ipv6: bool) -> Result<(), Ec2Error> {
    let well_formed = cidr.split_once('/').is_some_and(|(address, length)| {
        let address_ok = if ipv6 {
            address.parse::<Ipv6Addr>().is_ok()
        } else {
            address.parse::<Ipv4Addr>().is_ok()
        };
        let max_length = if ipv6 { 128 } else { 32 };
        address_ok
            && !length.is_empty()
            && length.len() <= 3
            && length.bytes().all(|b| b.is_ascii_digit())
            && length
                .parse::<u32>()
                .is_ok_and(|length| length <= max_length)
    });
    if well_formed {
        Ok(())
    } else {
        Err(Ec2Error::new(
            ErrorCode::InvalidParameterValue,
            format!("CIDR block {cidr} is malformed"),
        ))
    }
}

/// The rules a call's permissions stand for, one per peer, checked: protocols, ports,
/// CIDR blocks, and source groups, which must exist.
fn rules_of(
    permissions: &[IpPermission],
    groups: &Groups<'_>,
    scope: &Scope,
) -> Result<Vec<Rule>, Ec2Error> {
    let mut rules = Vec::new();
    for permission in permissions {
        let protocol = protocol(&permission.ip_protocol)?;
        let ports = ports(&protocol, permission.from_port, permission.to_port)?;
        let mut peers: Vec<(Peer, Option<String>)> = Vec::new();
        for range in &permission.ip_ranges {
            check_cidr(&range.cidr_ip, false)?;
            peers.push((Peer::Cidr(range.cidr_ip.clone()), range.description.clone()));
        }
        for range in &permission.ipv6_ranges {
            check_cidr(&range.cidr_ipv6, true)?;
            peers.push((
                Peer::CidrIpv6(range.cidr_ipv6.clone()),
                range.description.clone(),
            ));
        }
        for pair in &permission.user_id_group_pairs {
            let foreign = pair
                .user_id
                .as_ref()
                .is_some_and(|user_id| *user_id != scope.account);
            let source = match (&pair.group_id, &pair.group_name) {
                (Some(group_id), _) => groups
                    .by_id(group_id)
                    .filter(|_| !foreign)
                    .ok_or_else(|| not_found(group_id))?,
                (None, Some(name)) => groups
                    .by_name(name)
                    .filter(|_| !foreign)
                    .ok_or_else(|| not_found(name))?,
                (None, None) => return Err(missing_group()),
            };
            peers.push((
                Peer::Group {
                    user_id: scope.account.clone(),
                    group_id: source.group_id.clone(),
                },
                pair.description.clone(),
            ));
        }
        for prefix_list in &permission.prefix_list_ids {
            peers.push((
                Peer::PrefixList(prefix_list.prefix_list_id.clone()),
                prefix_list.description.clone(),
            ));
        }
        if peers.is_empty() {
            peers.push((Peer::Cidr("0.0.0.0/0".into()), None));
        }
        rules.extend(peers.into_iter().map(|(peer, description)| Rule {
            protocol: protocol.clone(),
            ports,
            peer,
            description,
        }));
    }
    Ok(rules)
}

fn missing_permissions() -> Ec2Error {
    Ec2Error::missing_parameter("ipPermissions")
}

/// `AuthorizeSecurityGroupIngress`: every rule is checked before any is added.
pub(crate) fn authorize_ingress(
    cloud: &FakeCloud,
    scope: &Scope,
    input: &AuthorizeSecurityGroupIngressInput,
) -> Result<(), Ec2Error> {
    let permissions = input.ingress.permissions();
    if permissions.is_empty() {
        return Err(missing_permissions());
    }
    // Rules carry no tags here; the specifications are checked all the same.
    specification_tags(&input.tag_specifications, "security-group-rule")?;

    let mut state = cloud.write();
    let region = state
        .regions
        .get_mut(&scope.region)
        .ok_or_else(Ec2Error::internal)?;
    let (group_id, added) = {
        let groups = Groups::of(region, scope);
        let group = target(&groups, scope, &input.ingress)?;
        let added = rules_of(&permissions, &groups, scope)?;
        for (index, rule) in added.iter().enumerate() {
            let mut existing = group.ingress.iter().chain(&added[..index]);
            if existing.any(|existing| existing.same_as(rule)) {
                return Err(Ec2Error::new(
                    ErrorCode::InvalidPermissionDuplicate,
                    format!(
                        "the specified rule \"{}\" already exists",
                        rule.wire_description()
                    ),
                ));
            }
        }
        if group.ingress.len() + added.len() > cloud.quotas().rules_per_group {
            return Err(Ec2Error::new(
                ErrorCode::RulesPerSecurityGroupLimitExceeded,
                "The maximum number of rules per security group has been reached.",
            ));
        }
        (group.group_id.clone(), added)
    };

    store_mut(region, scope)
        .groups
        .get_mut(&group_id)
        .ok_or_else(Ec2Error::internal)?
        .ingress
        .extend(added);
    Ok(())
}

/// `RevokeSecurityGroupIngress`: every rule must exist; a rule of several peers removes
/// only the peers named.
pub(crate) fn revoke_ingress(
    cloud: &FakeCloud,
    scope: &Scope,
    input: &RevokeSecurityGroupIngressInput,
) -> Result<RevokeSecurityGroupIngressOutput, Ec2Error> {
    if !input.security_group_rule_ids.is_empty() {
        return Err(Ec2Error::new(
            ErrorCode::UnsupportedOperation,
            "Revoking rules by SecurityGroupRuleId is not supported by this cloud.",
        ));
    }
    let permissions = input.ingress.permissions();
    if permissions.is_empty() {
        return Err(missing_permissions());
    }

    let mut state = cloud.write();
    let region = state
        .regions
        .get_mut(&scope.region)
        .ok_or_else(Ec2Error::internal)?;
    let (group_id, remaining) = {
        let groups = Groups::of(region, scope);
        let group = target(&groups, scope, &input.ingress)?;
        let revoked = rules_of(&permissions, &groups, scope)?;
        let mut remaining = group.ingress.clone();
        for rule in &revoked {
            let index = remaining
                .iter()
                .position(|existing| existing.same_as(rule))
                .ok_or_else(|| {
                    Ec2Error::new(
                        ErrorCode::InvalidPermissionNotFound,
                        "The specified rule does not exist in this security group.",
                    )
                })?;
            remaining.remove(index);
        }
        (group.group_id.clone(), remaining)
    };

    store_mut(region, scope)
        .groups
        .get_mut(&group_id)
        .ok_or_else(Ec2Error::internal)?
        .ingress = remaining;
    Ok(RevokeSecurityGroupIngressOutput::default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn protocols_are_kept_as_aws_shows_them() {
        assert_eq!(protocol("TCP").unwrap(), "tcp");
        assert_eq!(protocol("6").unwrap(), "tcp");
        assert_eq!(protocol("17").unwrap(), "udp");
        assert_eq!(protocol("1").unwrap(), "icmp");
        assert_eq!(protocol("all").unwrap(), "-1");
        assert_eq!(protocol("-1").unwrap(), "-1");
        assert_eq!(protocol("50").unwrap(), "50");
        assert_eq!(
            protocol("256").unwrap_err().message(),
            "Invalid value '256' for IP protocol. Unknown protocol."
        );
        assert!(protocol("+6").is_err());
        assert!(protocol("gre").is_err());
    }

    #[test]
    fn cidr_blocks_need_an_address_and_a_prefix_length() {
        assert!(check_cidr("0.0.0.0/0", false).is_ok());
        assert!(check_cidr("203.0.113.0/24", false).is_ok());
        assert!(check_cidr("10.0.0.1/32", false).is_ok());
        assert!(check_cidr("2001:db8::/32", true).is_ok());
        for bad in [
            "10.0.0.0",
            "10.0.0.0/33",
            "10.0.0/8",
            "10.0.0.0/+8",
            "/8",
            "10.0.0.0/",
        ] {
            assert_eq!(
                check_cidr(bad, false).unwrap_err().message(),
                format!("CIDR block {bad} is malformed")
            );
        }
        assert!(check_cidr("2001:db8::/129", true).is_err());
        assert!(check_cidr("2001:db8::/32", false).is_err());
    }

    #[test]
    fn duplicate_rules_are_named_as_aws_names_them() {
        let rule = |protocol: &str, ports, peer| Rule {
            protocol: protocol.into(),
            ports,
            peer,
            description: None,
        };
        let anywhere = || Peer::Cidr("0.0.0.0/0".into());
        assert_eq!(
            rule("tcp", Some((22, 22)), anywhere()).wire_description(),
            "peer: 0.0.0.0/0, TCP, from port: 22, to port: 22, ALLOW"
        );
        assert_eq!(
            rule("-1", None, anywhere()).wire_description(),
            "peer: 0.0.0.0/0, ALL, ALLOW"
        );
        assert_eq!(
            rule("icmp", Some((8, -1)), anywhere()).wire_description(),
            "peer: 0.0.0.0/0, ICMP, type: 8, code: -1, ALLOW"
        );
        let group = Peer::Group {
            user_id: "123456789012".into(),
            group_id: "sg-1".into(),
        };
        assert_eq!(
            rule("udp", Some((53, 53)), group).wire_description(),
            "peer: sg-1, UDP, from port: 53, to port: 53, ALLOW"
        );
    }
}
