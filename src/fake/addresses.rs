//! Elastic IP addresses: AllocateAddress, AssociateAddress, DisassociateAddress,
//! ReleaseAddress and DescribeAddresses.
//!
//! A project may hold five addresses per region, each a VPC address from Amazon's pool
//! (`54.x.y.z` here). Associated with a running instance, an address maps to the
//! instance's primary private address and is its public address in DescribeInstances,
//! also while the instance is stopped; when the association ends, the instance gets a
//! new address of Amazon's pool if it launched with one, as on AWS. Terminating the
//! instance ends the association (it is read as ended once the instance is terminated).
//!
//! # Limitations
//!
//! - Domain `standard` (EC2-Classic) is served as `vpc`: every address has an allocation
//!   id and associations have ids.
//! - Addresses are unique within a project and region, not across projects.
//! - Only an instance's primary network interface and primary private address can be
//!   associated.

use std::net::Ipv4Addr;

use serde::{Deserialize, Serialize};

use crate::ec2::error::{Ec2Error, ErrorCode};
use crate::ec2::model::{
    Address, AddressDomain, AllocateAddressInput, AllocateAddressOutput, AssociateAddressInput,
    AssociateAddressOutput, DescribeAddressesInput, DescribeAddressesOutput,
    DisassociateAddressInput, InstanceStateName, ReleaseAddressInput,
};
use time::{Duration, OffsetDateTime};

use super::images::tag_list;
use super::state::{InstanceRecord, ProjectRegion, RegionState, Tags};
use super::{FakeCloud, Scope, filters, ids, instances, security_groups};

/// The pool every address comes from.
const POOL: &str = "amazon";

const ADDRESS_FILTERS: &[&str] = &[
    "allocation-id",
    "association-id",
    "domain",
    "instance-id",
    "public-ip",
    "network-interface-id",
    "network-interface-owner-id",
    "private-ip-address",
    "network-border-group",
    "public-ipv4-pool",
    "tag-key",
    "tag-value",
];

/// A project's addresses in one region.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub(crate) struct AddressStore {
    /// In allocation order, which is the order DescribeAddresses lists them in.
    addresses: Vec<AddressRecord>,
}

impl AddressStore {
    /// How many addresses the project holds.
    #[cfg(feature = "openstack")]
    pub(crate) fn count(&self) -> usize {
        self.addresses.len()
    }
}

/// An allocated address.
#[derive(Clone, Debug, Serialize, Deserialize)]
struct AddressRecord {
    allocation_id: String,
    public_ip: [u8; 4],
    association: Option<Association>,
    tags: Tags,
}

/// An address's association with an instance.
#[derive(Clone, Debug, Serialize, Deserialize)]
struct Association {
    association_id: String,
    instance_id: String,
}

/// The clock reading and transition delay instance states are read with.
#[derive(Clone, Copy)]
struct At {
    now: OffsetDateTime,
    delay: Duration,
}

impl At {
    fn of(cloud: &FakeCloud) -> Self {
        At {
            now: cloud.config_clock_now(),
            delay: cloud.transition_delay(),
        }
    }
}

fn dotted(address: [u8; 4]) -> String {
    Ipv4Addr::from(address).to_string()
}

/// The address's association and its instance, while that instance is not terminated.
fn live<'a>(
    address: &'a AddressRecord,
    region: &'a RegionState,
    scope: &Scope,
    at: At,
) -> Option<(&'a Association, &'a InstanceRecord)> {
    let association = address.association.as_ref()?;
    let record = region
        .instances
        .get(&association.instance_id)
        .filter(|record| record.project_id == scope.project)?;
    let terminated = record.state_at(at.now, at.delay) == InstanceStateName::Terminated;
    (!terminated && record.elastic_ip == Some(address.public_ip)).then_some((association, record))
}

fn allocation_not_found(allocation_id: &str) -> Ec2Error {
    Ec2Error::new(
        ErrorCode::InvalidAllocationIdNotFound,
        format!("The allocation ID '{allocation_id}' does not exist"),
    )
}

fn address_not_found(public_ip: &str) -> Ec2Error {
    Ec2Error::new(
        ErrorCode::InvalidAddressNotFound,
        format!("Address '{public_ip}' not found."),
    )
}

fn by_allocation_id(store: Option<&AddressStore>, allocation_id: &str) -> Result<usize, Ec2Error> {
    store
        .and_then(|store| {
            store
                .addresses
                .iter()
                .position(|address| address.allocation_id == allocation_id)
        })
        .ok_or_else(|| allocation_not_found(allocation_id))
}

fn by_public_ip(store: Option<&AddressStore>, public_ip: &str) -> Result<usize, Ec2Error> {
    let wanted = public_ip.parse::<Ipv4Addr>().ok().map(|ip| ip.octets());
    store
        .and_then(|store| {
            store
                .addresses
                .iter()
                .position(|address| Some(address.public_ip) == wanted)
        })
        .ok_or_else(|| address_not_found(public_ip))
}

/// The address a call names by allocation id or by public address (exactly one).
fn locate(
    store: Option<&AddressStore>,
    allocation_id: Option<&str>,
    public_ip: Option<&str>,
) -> Result<usize, Ec2Error> {
    match (allocation_id, public_ip) {
        (Some(_), Some(_)) => Err(Ec2Error::new(
            ErrorCode::InvalidParameterCombination,
            "You may specify public IP or allocation id, but not both in the same call",
        )),
        (Some(allocation_id), None) => by_allocation_id(store, allocation_id),
        (None, Some(public_ip)) => by_public_ip(store, public_ip),
        (None, None) => Err(Ec2Error::new(
            ErrorCode::MissingParameter,
            "Either public IP or allocation id must be specified",
        )),
    }
}

fn store_of<'a>(region: &'a RegionState, scope: &Scope) -> Option<&'a AddressStore> {
    region
        .projects
        .get(&scope.project)
        .map(|project| &project.addresses)
}

fn store_mut<'a>(region: &'a mut RegionState, scope: &Scope) -> &'a mut AddressStore {
    &mut security_groups::project_entry(region, scope).addresses
}

/// The tags of the project's address `allocation_id`, for the tag calls.
pub(crate) fn tags_mut<'a>(
    region: &'a mut RegionState,
    scope: &Scope,
    allocation_id: &str,
) -> Option<&'a mut Tags> {
    region
        .projects
        .get_mut(&scope.project)?
        .addresses
        .addresses
        .iter_mut()
        .find(|address| address.allocation_id == allocation_id)
        .map(|address| &mut address.tags)
}

/// The project's addresses that carry tags, for DescribeTags.
pub(crate) fn tagged(project: &ProjectRegion) -> impl Iterator<Item = (&str, &Tags)> {
    project
        .addresses
        .addresses
        .iter()
        .filter(|address| !address.tags.is_empty())
        .map(|address| (address.allocation_id.as_str(), &address.tags))
}

/// A random address of the fake's pool.
fn random_public_ip() -> [u8; 4] {
    let [b, c, d] = ids::random_bytes::<3>();
    [54, b, c, d.clamp(1, 254)]
}

/// `AllocateAddress`.
pub(crate) fn allocate(
    cloud: &FakeCloud,
    scope: &Scope,
    input: &AllocateAddressInput,
) -> Result<AllocateAddressOutput, Ec2Error> {
    let tags = security_groups::specification_tags(&input.tag_specifications, "elastic-ip")?;
    if let Some(group) = &input.network_border_group
        && *group != scope.region
    {
        return Err(Ec2Error::invalid_value(
            "NetworkBorderGroup",
            group,
            "Expecting the region's name.",
        ));
    }
    if let Some(pool) = &input.public_ipv4_pool
        && pool != POOL
    {
        return Err(Ec2Error::invalid_value(
            "PublicIpv4Pool",
            pool,
            "Expecting 'amazon'.",
        ));
    }
    let requested = match &input.address {
        None => None,
        Some(text) => Some(
            text.parse::<Ipv4Addr>()
                .map_err(|_| {
                    Ec2Error::invalid_value("Address", text, "It is not an IPv4 address.")
                })?
                .octets(),
        ),
    };

    let mut state = cloud.write();
    let region = state
        .regions
        .get_mut(&scope.region)
        .ok_or_else(Ec2Error::internal)?;
    if store_mut(region, scope).addresses.len() >= cloud.quotas().addresses {
        return Err(Ec2Error::new(
            ErrorCode::AddressLimitExceeded,
            "The maximum number of addresses has been reached.",
        ));
    }
    // Addresses and allocation ids are unique in the region, whichever project holds them:
    // one project can neither take another's address nor learn whose it is.
    let held = || {
        region
            .projects
            .values()
            .flat_map(|project| project.addresses.addresses.iter())
    };
    let taken = |ip: [u8; 4]| held().any(|address| address.public_ip == ip);
    let public_ip = match requested {
        Some(ip) if taken(ip) => {
            return Err(Ec2Error::new(
                ErrorCode::InvalidParameterValue,
                format!("The address {} is already allocated.", dotted(ip)),
            ));
        }
        Some(ip) => ip,
        None => {
            let mut ip = random_public_ip();
            while taken(ip) {
                ip = random_public_ip();
            }
            ip
        }
    };
    let mut allocation_id = ids::random_id("eipalloc-");
    while held().any(|address| address.allocation_id == allocation_id) {
        allocation_id = ids::random_id("eipalloc-");
    }
    store_mut(region, scope).addresses.push(AddressRecord {
        allocation_id: allocation_id.clone(),
        public_ip,
        association: None,
        tags,
    });
    Ok(AllocateAddressOutput {
        public_ip: dotted(public_ip),
        allocation_id: Some(allocation_id),
        domain: AddressDomain::Vpc,
        public_ipv4_pool: Some(POOL.into()),
        network_border_group: Some(scope.region.clone()),
    })
}

/// The instance an AssociateAddress call names, by id or by its primary interface.
fn target_instance<'a>(
    region: &'a RegionState,
    scope: &Scope,
    input: &AssociateAddressInput,
    at: At,
) -> Result<&'a InstanceRecord, Ec2Error> {
    let owned = |instance_id: &str| {
        region
            .instances
            .get(instance_id)
            .filter(|record| record.project_id == scope.project)
    };
    match (&input.instance_id, &input.network_interface_id) {
        (Some(instance_id), interface) => {
            let record = owned(instance_id).ok_or_else(|| {
                Ec2Error::new(
                    ErrorCode::InvalidInstanceIdNotFound,
                    format!("The instance ID '{instance_id}' does not exist"),
                )
            })?;
            if let Some(interface) = interface
                && *interface != record.network_interface_id.as_str()
            {
                return Err(Ec2Error::new(
                    ErrorCode::InvalidParameterCombination,
                    format!(
                        "The network interface '{interface}' is not attached to instance \
                         '{instance_id}'."
                    ),
                ));
            }
            Ok(record)
        }
        (None, Some(interface)) => region
            .projects
            .get(&scope.project)
            .and_then(|project| {
                project
                    .launch_order
                    .values()
                    .filter_map(|instance_id| owned(instance_id))
                    .find(|record| {
                        record.network_interface_id.as_str() == interface
                            && record.state_at(at.now, at.delay) != InstanceStateName::Terminated
                    })
            })
            .ok_or_else(|| {
                Ec2Error::new(
                    ErrorCode::InvalidNetworkInterfaceIdNotFound,
                    format!("The networkInterface ID '{interface}' does not exist"),
                )
            }),
        (None, None) => Err(Ec2Error::new(
            ErrorCode::MissingParameter,
            "Invalid request, expect InstanceId/NetworkId parameter.",
        )),
    }
}

/// `AssociateAddress`: with a running instance. An address associated with another
/// instance moves only with `AllowReassociation`; an address the instance already had is
/// disassociated.
pub(crate) fn associate(
    cloud: &FakeCloud,
    scope: &Scope,
    input: &AssociateAddressInput,
) -> Result<AssociateAddressOutput, Ec2Error> {
    let at = At::of(cloud);
    let mut state = cloud.write();
    let region = state
        .regions
        .get_mut(&scope.region)
        .ok_or_else(Ec2Error::internal)?;

    // Checks.
    let (index, instance_id, previous_instance) = {
        let store = store_of(region, scope);
        let index = locate(
            store,
            input.allocation_id.as_deref(),
            input.public_ip.as_deref(),
        )?;
        let address = &store.ok_or_else(Ec2Error::internal)?.addresses[index];
        let record = target_instance(region, scope, input, at)?;
        if record.state_at(at.now, at.delay) != InstanceStateName::Running {
            return Err(Ec2Error::new(
                ErrorCode::IncorrectInstanceState,
                format!(
                    "The instance '{}' is not in a valid state for this operation.",
                    record.instance_id
                ),
            ));
        }
        if let Some(private_ip) = &input.private_ip_address
            && *private_ip != record.network.private_ip_address.as_str()
        {
            return Err(Ec2Error::new(
                ErrorCode::InvalidParameterValue,
                format!(
                    "The private IP address {private_ip} is not assigned to the network \
                     interface {}.",
                    record.network_interface_id
                ),
            ));
        }
        let previous_instance = match live(address, region, scope, at) {
            Some((_, current)) if current.instance_id == record.instance_id => None,
            Some((association, current)) => {
                if !input.allow_reassociation {
                    return Err(Ec2Error::new(
                        ErrorCode::ResourceAlreadyAssociated,
                        format!(
                            "resource {} is already associated with associationId {}",
                            address.allocation_id, association.association_id
                        ),
                    ));
                }
                Some(current.instance_id.to_string())
            }
            None => None,
        };
        (index, record.instance_id.to_string(), previous_instance)
    };

    // Changes.
    let association_id = ids::random_id("eipassoc-");
    let store = store_mut(region, scope);
    for (other_index, other) in store.addresses.iter_mut().enumerate() {
        let on_instance = other
            .association
            .as_ref()
            .is_some_and(|association| association.instance_id == instance_id);
        if other_index != index && on_instance {
            other.association = None;
        }
    }
    let address = &mut store.addresses[index];
    address.association = Some(Association {
        association_id: association_id.clone(),
        instance_id: instance_id.clone(),
    });
    let public_ip = address.public_ip;
    if let Some(previous) = previous_instance
        && let Some(record) = region.instances.get_mut(&previous)
    {
        instances::set_elastic_ip(record, &scope.region, None);
    }
    let record = region
        .instances
        .get_mut(&instance_id)
        .ok_or_else(Ec2Error::internal)?;
    instances::set_elastic_ip(record, &scope.region, Some(public_ip));
    Ok(AssociateAddressOutput {
        association_id: Some(association_id),
    })
}

/// `DisassociateAddress`: by association id, or by address (which succeeds when the
/// address is not associated).
pub(crate) fn disassociate(
    cloud: &FakeCloud,
    scope: &Scope,
    input: &DisassociateAddressInput,
) -> Result<(), Ec2Error> {
    let at = At::of(cloud);
    let mut state = cloud.write();
    let region = state
        .regions
        .get_mut(&scope.region)
        .ok_or_else(Ec2Error::internal)?;

    let (index, instance_id) = {
        let store = store_of(region, scope);
        let index = match (&input.association_id, &input.public_ip) {
            (Some(_), Some(_)) => {
                return Err(Ec2Error::new(
                    ErrorCode::InvalidParameterCombination,
                    "You may specify public IP or association id, but not both in the same \
                     call",
                ));
            }
            (Some(association_id), None) => store
                .and_then(|store| {
                    store.addresses.iter().position(|address| {
                        live(address, region, scope, at).is_some_and(|(association, _)| {
                            association.association_id == *association_id
                        })
                    })
                })
                .ok_or_else(|| {
                    Ec2Error::new(
                        ErrorCode::InvalidAssociationIdNotFound,
                        format!("The association ID '{association_id}' does not exist"),
                    )
                })?,
            (None, Some(public_ip)) => by_public_ip(store, public_ip)?,
            (None, None) => {
                return Err(Ec2Error::new(
                    ErrorCode::MissingParameter,
                    "Either public IP or association id must be specified",
                ));
            }
        };
        let address = &store.ok_or_else(Ec2Error::internal)?.addresses[index];
        let instance_id =
            live(address, region, scope, at).map(|(_, record)| record.instance_id.to_string());
        (index, instance_id)
    };

    store_mut(region, scope).addresses[index].association = None;
    if let Some(instance_id) = instance_id
        && let Some(record) = region.instances.get_mut(&instance_id)
    {
        instances::set_elastic_ip(record, &scope.region, None);
    }
    Ok(())
}

/// `ReleaseAddress`: not while associated.
pub(crate) fn release(
    cloud: &FakeCloud,
    scope: &Scope,
    input: &ReleaseAddressInput,
) -> Result<(), Ec2Error> {
    let at = At::of(cloud);
    let mut state = cloud.write();
    let region = state
        .regions
        .get_mut(&scope.region)
        .ok_or_else(Ec2Error::internal)?;
    let index = {
        let store = store_of(region, scope);
        let index = locate(
            store,
            input.allocation_id.as_deref(),
            input.public_ip.as_deref(),
        )?;
        let address = &store.ok_or_else(Ec2Error::internal)?.addresses[index];
        if live(address, region, scope, at).is_some() {
            return Err(Ec2Error::new(
                ErrorCode::InvalidIpAddressInUse,
                format!("Address '{}' is in use.", dotted(address.public_ip)),
            ));
        }
        index
    };
    store_mut(region, scope).addresses.remove(index);
    Ok(())
}

fn render(address: &AddressRecord, region: &RegionState, scope: &Scope, at: At) -> Address {
    let live = live(address, region, scope, at);
    Address {
        public_ip: dotted(address.public_ip),
        allocation_id: Some(address.allocation_id.clone()),
        domain: AddressDomain::Vpc,
        instance_id: live.map(|(_, record)| record.instance_id.to_string()),
        association_id: live.map(|(association, _)| association.association_id.clone()),
        network_interface_id: live.map(|(_, record)| record.network_interface_id.to_string()),
        network_interface_owner_id: live.map(|_| scope.account.clone()),
        private_ip_address: live.map(|(_, record)| record.network.private_ip_address.to_string()),
        public_ipv4_pool: Some(POOL.into()),
        network_border_group: Some(scope.region.clone()),
        tags: tag_list(&address.tags),
    }
}

/// The values of filter `name` for an address.
fn filter_values(address: &Address, name: &str) -> Vec<String> {
    let one = |value: &Option<String>| value.iter().cloned().collect();
    match name {
        "allocation-id" => one(&address.allocation_id),
        "association-id" => one(&address.association_id),
        "domain" => vec![address.domain.as_str().to_owned()],
        "instance-id" => one(&address.instance_id),
        "public-ip" => vec![address.public_ip.clone()],
        "network-interface-id" => one(&address.network_interface_id),
        "network-interface-owner-id" => one(&address.network_interface_owner_id),
        "private-ip-address" => one(&address.private_ip_address),
        "network-border-group" => one(&address.network_border_group),
        "public-ipv4-pool" => one(&address.public_ipv4_pool),
        "tag-key" => address.tags.iter().map(|tag| tag.key.to_string()).collect(),
        "tag-value" => address
            .tags
            .iter()
            .map(|tag| tag.value.to_string())
            .collect(),
        other => match other.strip_prefix("tag:") {
            Some(key) => address
                .tags
                .iter()
                .filter(|tag| tag.key.as_str() == key)
                .map(|tag| tag.value.to_string())
                .collect(),
            None => vec![],
        },
    }
}

/// `DescribeAddresses`: every address named must exist.
pub(crate) fn describe(
    cloud: &FakeCloud,
    scope: &Scope,
    input: &DescribeAddressesInput,
) -> Result<DescribeAddressesOutput, Ec2Error> {
    filters::check_names(&input.filters, ADDRESS_FILTERS, true)?;
    let at = At::of(cloud);
    let state = cloud.read();
    let region = &state.regions[&scope.region];
    let store = store_of(region, scope);

    let mut named = Vec::new();
    for allocation_id in &input.allocation_ids {
        named.push(by_allocation_id(store, allocation_id)?);
    }
    for public_ip in &input.public_ips {
        named.push(by_public_ip(store, public_ip)?);
    }
    let everything = named.is_empty();
    let addresses = store
        .map(|store| store.addresses.as_slice())
        .unwrap_or_default()
        .iter()
        .enumerate()
        .filter(|(index, _)| everything || named.contains(index))
        .map(|(_, address)| render(address, region, scope, at))
        .filter(|address| filters::matches_all(&input.filters, |name| filter_values(address, name)))
        .collect();
    Ok(DescribeAddressesOutput { addresses })
}
