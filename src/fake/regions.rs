//! Regions, availability zones, each project's default network, and account attributes.
//!
//! Every region has three zones, `a` to `c`. Zone ids follow AWS's shape
//! (`use1-az1`): the region's short form and the zone's position. On AWS the mapping of
//! zone names to ids differs per account; here it is the same for all.

use crate::ec2::error::{Ec2Error, ErrorCode};
use crate::ec2::model::{
    AccountAttribute, AvailabilityZone, DescribeAccountAttributesInput,
    DescribeAccountAttributesOutput, DescribeAvailabilityZonesInput,
    DescribeAvailabilityZonesOutput, DescribeRegionsInput, DescribeRegionsOutput, RegionInfo,
    Shared, Text,
};

use super::filters;
use super::ids::derived_id;

/// The regions served by default: the commercial AWS regions that need no opt-in.
pub const DEFAULT_REGIONS: &[&str] = &[
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
    "ca-central-1",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "eu-central-1",
    "eu-north-1",
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-northeast-3",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-south-1",
    "sa-east-1",
];

/// The commercial AWS regions an account must opt in to. The fake's account has opted in
/// to none of them: DescribeRegions shows them as `not-opted-in` when asked for all
/// regions or for them by name, and they are not served.
pub const OPT_IN_REGIONS: &[&str] = &[
    "af-south-1",
    "ap-east-1",
    "ap-east-2",
    "ap-south-2",
    "ap-southeast-3",
    "ap-southeast-4",
    "ap-southeast-5",
    "ap-southeast-7",
    "ca-west-1",
    "eu-central-2",
    "eu-south-1",
    "eu-south-2",
    "il-central-1",
    "me-central-1",
    "me-south-1",
    "mx-central-1",
];

/// The zone letters of every region.
pub(crate) const ZONE_LETTERS: [char; 3] = ['a', 'b', 'c'];

/// The instance limit DescribeAccountAttributes reports by default.
pub(crate) const DEFAULT_INSTANCE_LIMIT: usize = 20;

/// The short form of a region in zone ids: `us-east-1` → `use1`, `ap-southeast-2` →
/// `apse2`.
pub(crate) fn short_name(region: &str) -> String {
    let mut parts = region.split('-');
    let mut short = String::new();
    short.push_str(parts.next().unwrap_or(""));
    for part in parts {
        let abbreviation = match part {
            "east" => "e",
            "west" => "w",
            "north" => "n",
            "south" => "s",
            "central" => "c",
            "gov" => "g",
            "northeast" => "ne",
            "northwest" => "nw",
            "southeast" => "se",
            "southwest" => "sw",
            other => other,
        };
        short.push_str(abbreviation);
    }
    short
}

/// The zone's name: `us-east-1a`.
pub(crate) fn zone_name(region: &str, index: usize) -> String {
    format!("{region}{}", ZONE_LETTERS[index])
}

/// The zone's id: `use1-az1`. In us-east-1 the names map to ids as they do for many
/// accounts there (`us-east-1a` is `use1-az6`); elsewhere by position.
pub(crate) fn zone_id(region: &str, index: usize) -> String {
    const US_EAST_1: [usize; 3] = [6, 1, 2];
    let number = match region {
        "us-east-1" => US_EAST_1[index],
        _ => index + 1,
    };
    format!("{}-az{number}", short_name(region))
}

/// The index of the zone named `name` in `region`.
pub(crate) fn zone_index(region: &str, name: &str) -> Option<usize> {
    let letter = name.strip_prefix(region)?;
    let mut chars = letter.chars();
    let first = chars.next()?;
    if chars.next().is_some() {
        return None;
    }
    ZONE_LETTERS.iter().position(|&l| l == first)
}

/// The domain of private DNS names: `ec2.internal` in us-east-1,
/// `{region}.compute.internal` elsewhere.
pub(crate) fn private_domain(region: &str) -> String {
    if region == "us-east-1" {
        "ec2.internal".into()
    } else {
        format!("{region}.compute.internal")
    }
}

/// The domain of public DNS names: `compute-1.amazonaws.com` in us-east-1,
/// `{region}.compute.amazonaws.com` elsewhere.
pub(crate) fn public_domain(region: &str) -> String {
    if region == "us-east-1" {
        "compute-1.amazonaws.com".into()
    } else {
        format!("{region}.compute.amazonaws.com")
    }
}

/// A project's default network in a region: VPC `172.31.0.0/16`, one `/20` subnet per
/// zone, and the `default` security group. Ids derive from the account and region, so
/// they are the same on every run and need no state.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct DefaultNetwork {
    pub(crate) vpc_id: String,
    pub(crate) subnet_ids: Vec<String>,
    pub(crate) security_group_id: String,
    /// The VPC's IPv6 `/56`, as its first four groups with the last byte zero
    /// (`2600:1f18:ab12:cd00`).
    pub(crate) ipv6_prefix: [u16; 4],
}

impl DefaultNetwork {
    pub(crate) fn of(account_id: &str, region: &str) -> DefaultNetwork {
        let seed = format!("{account_id}/{region}");
        let vpc_id = derived_id("vpc-", &format!("vpc/{seed}"));
        let subnet_ids = (0..ZONE_LETTERS.len())
            .map(|index| derived_id("subnet-", &format!("subnet/{seed}/{index}")))
            .collect();
        let security_group_id = derived_id("sg-", &format!("sg/{seed}/default"));
        let bytes = hex::decode(&vpc_id[4..16]).unwrap_or_default();
        let word = |i: usize| u16::from(bytes.get(i).copied().unwrap_or(0));
        DefaultNetwork {
            vpc_id,
            subnet_ids,
            security_group_id,
            ipv6_prefix: [0x2600, 0x1f18, (word(0) << 8) | word(1), word(2) << 8],
        }
    }

    /// The first three octets of a zone's subnet: `172.31.{16 × zone}.0/20`.
    pub(crate) fn subnet_base(zone_index: usize) -> [u8; 4] {
        [172, 31, (16 * zone_index) as u8, 0]
    }

    /// The IPv6 address of the host with IPv4 `address` in zone `zone_index`.
    pub(crate) fn ipv6_address(&self, zone_index: usize, address: [u8; 4]) -> String {
        let [a, b, c, d] = self.ipv6_prefix;
        let host = u16::from(address[2]) << 8 | u16::from(address[3]);
        format!("{a:x}:{b:x}:{c:x}:{:x}::{host:x}", d | zone_index as u16)
    }
}

/// `DescribeRegions`.
pub(crate) fn describe_regions(
    regions: &[Shared<RegionInfo>],
    input: &DescribeRegionsInput,
) -> Result<DescribeRegionsOutput, Ec2Error> {
    filters::check_names(
        &input.filters,
        &["region-name", "endpoint", "opt-in-status"],
        false,
    )?;
    let served = |name: &str| regions.iter().any(|region| region.region_name == *name);
    for name in &input.region_names {
        if !served(name) && !OPT_IN_REGIONS.contains(&name.as_str()) {
            return Err(Ec2Error::new(
                ErrorCode::InvalidParameterValue,
                format!("Invalid region: {name}"),
            ));
        }
    }
    let disabled: Vec<Shared<RegionInfo>> = OPT_IN_REGIONS
        .iter()
        // Most requests ask for neither: test that before looking through the served.
        .filter(|name| input.all_regions || input.region_names.iter().any(|n| n == *name))
        .filter(|name| !served(name))
        .map(|name| {
            Shared::new(RegionInfo {
                region_name: Text::from(*name),
                region_endpoint: format!("ec2.{name}.amazonaws.com").into(),
                opt_in_status: Text::from_static("not-opted-in"),
            })
        })
        .collect();
    let mut selected = Vec::with_capacity(regions.len() + disabled.len());
    let matching = regions
        .iter()
        .chain(&disabled)
        .filter(|region| {
            input.region_names.is_empty()
                || input
                    .region_names
                    .iter()
                    .any(|name| region.region_name == *name)
        })
        .filter(|region| {
            filters::matches_all(&input.filters, |filter| match filter {
                "region-name" => vec![region.region_name.clone()],
                "endpoint" => vec![region.region_endpoint.clone()],
                _ => vec![region.opt_in_status.clone()],
            })
        })
        .cloned();
    selected.extend(matching);
    Ok(DescribeRegionsOutput { regions: selected })
}

/// The regions as DescribeRegions shows them.
pub(crate) fn region_infos(regions: &[String]) -> Vec<Shared<RegionInfo>> {
    regions
        .iter()
        .map(|name| {
            Shared::new(RegionInfo {
                region_name: name.clone().into(),
                region_endpoint: format!("ec2.{name}.amazonaws.com").into(),
                opt_in_status: Text::from_static("opt-in-not-required"),
            })
        })
        .collect()
}

/// `DescribeAvailabilityZones`, for the call's region.
pub(crate) fn describe_availability_zones(
    region: &str,
    input: &DescribeAvailabilityZonesInput,
) -> Result<DescribeAvailabilityZonesOutput, Ec2Error> {
    filters::check_names(
        &input.filters,
        &[
            "zone-name",
            "zone-id",
            "state",
            "region-name",
            "zone-type",
            "group-name",
            "opt-in-status",
            "network-border-group",
            "message",
        ],
        false,
    )?;
    let zones: Vec<AvailabilityZone> = (0..ZONE_LETTERS.len())
        .map(|index| AvailabilityZone {
            zone_name: zone_name(region, index),
            zone_state: "available".into(),
            region_name: region.into(),
            zone_id: zone_id(region, index),
            zone_type: "availability-zone".into(),
            group_name: region.into(),
            network_border_group: region.into(),
            opt_in_status: "opt-in-not-required".into(),
            messages: vec![],
        })
        .collect();
    for name in &input.zone_names {
        if !zones.iter().any(|zone| &zone.zone_name == name) {
            return Err(Ec2Error::new(
                ErrorCode::InvalidParameterValue,
                format!("The zone '{name}' does not exist."),
            ));
        }
    }
    for id in &input.zone_ids {
        if !zones.iter().any(|zone| &zone.zone_id == id) {
            return Err(Ec2Error::new(
                ErrorCode::InvalidParameterValue,
                format!("The zone id '{id}' does not exist."),
            ));
        }
    }
    let selected = |zone: &AvailabilityZone| {
        let by_name = input.zone_names.is_empty() && input.zone_ids.is_empty()
            || input.zone_names.contains(&zone.zone_name)
            || input.zone_ids.contains(&zone.zone_id);
        by_name
            && filters::matches_all(&input.filters, |filter| {
                vec![match filter {
                    "zone-name" => zone.zone_name.clone(),
                    "zone-id" => zone.zone_id.clone(),
                    "state" => zone.zone_state.clone(),
                    "region-name" => zone.region_name.clone(),
                    "zone-type" => zone.zone_type.clone(),
                    "group-name" => zone.group_name.clone(),
                    "opt-in-status" => zone.opt_in_status.clone(),
                    "network-border-group" => zone.network_border_group.clone(),
                    _ => return vec![],
                }]
            })
    };
    Ok(DescribeAvailabilityZonesOutput {
        zones: zones
            .iter()
            .filter(|zone| selected(zone))
            .cloned()
            .collect(),
    })
}

/// `DescribeAccountAttributes`.
pub(crate) fn describe_account_attributes(
    network: &DefaultNetwork,
    instance_limit: usize,
    input: &DescribeAccountAttributesInput,
) -> Result<DescribeAccountAttributesOutput, Ec2Error> {
    let all = [
        ("supported-platforms", vec!["VPC".to_owned()]),
        ("default-vpc", vec![network.vpc_id.clone()]),
        ("max-instances", vec![instance_limit.to_string()]),
        ("vpc-max-security-groups-per-interface", vec!["5".into()]),
        ("max-elastic-ips", vec!["5".into()]),
        ("vpc-max-elastic-ips", vec!["5".into()]),
    ];
    for name in &input.attribute_names {
        if !all.iter().any(|(known, _)| known == name) {
            return Err(Ec2Error::invalid_value(
                "attributeName",
                name,
                "Unknown attribute.",
            ));
        }
    }
    let attributes = all
        .into_iter()
        .filter(|(name, _)| {
            input.attribute_names.is_empty() || input.attribute_names.iter().any(|n| n == name)
        })
        .map(|(name, values)| AccountAttribute {
            attribute_name: name.into(),
            values,
        })
        .collect();
    Ok(DescribeAccountAttributesOutput { attributes })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zone_ids_use_the_regions_short_form() {
        assert_eq!(zone_id("us-east-1", 0), "use1-az6");
        assert_eq!(zone_id("us-east-1", 1), "use1-az1");
        assert_eq!(zone_id("us-east-1", 2), "use1-az2");
        assert_eq!(zone_id("us-gov-west-1", 0), "usgw1-az1");
        assert_eq!(zone_id("ap-southeast-2", 2), "apse2-az3");
        assert_eq!(zone_id("eu-central-1", 1), "euc1-az2");
    }

    #[test]
    fn zone_names_map_back_to_their_index() {
        assert_eq!(zone_index("us-east-1", "us-east-1b"), Some(1));
        assert_eq!(zone_index("us-east-1", "us-east-1d"), None);
        assert_eq!(zone_index("us-east-1", "us-west-1a"), None);
    }

    #[test]
    fn default_networks_are_stable_per_account_and_region() {
        let first = DefaultNetwork::of("123456789012", "us-east-1");
        assert_eq!(first, DefaultNetwork::of("123456789012", "us-east-1"));
        assert_ne!(
            first.vpc_id,
            DefaultNetwork::of("123456789012", "us-west-2").vpc_id
        );
        assert_eq!(first.subnet_ids.len(), 3);
        assert_eq!(first.vpc_id.len(), 21);
    }
}
