//! Regions, availability zones and account attributes.

use super::{FromArgs, Shared, Text};
use crate::ec2::args::{Args, Filter};
use crate::ec2::error::Ec2Error;
use crate::ec2::xml::{ToXml, XmlWriter};

/// The input of `DescribeRegions`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DescribeRegionsInput {
    /// `RegionName.N`.
    pub region_names: Vec<String>,
    /// `Filter.N`.
    pub filters: Vec<Filter>,
    /// `AllRegions`: also regions the account has not opted in to.
    pub all_regions: bool,
}

impl FromArgs for DescribeRegionsInput {
    fn from_args(args: &Args) -> Result<Self, Ec2Error> {
        Ok(DescribeRegionsInput {
            region_names: args.strings("RegionName"),
            filters: args.filters("Filter")?,
            all_regions: args.boolean("AllRegions")?.unwrap_or(false),
        })
    }
}

/// A region.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RegionInfo {
    /// `us-east-1`.
    pub region_name: Text,
    /// `ec2.us-east-1.amazonaws.com`.
    pub region_endpoint: Text,
    /// `opt-in-not-required`, `opted-in` or `not-opted-in`.
    pub opt_in_status: Text,
}

impl ToXml for RegionInfo {
    fn write_xml(&self, writer: &mut XmlWriter) {
        writer.field("regionName", &self.region_name);
        writer.field("regionEndpoint", &self.region_endpoint);
        writer.field("optInStatus", &self.opt_in_status);
    }
}

/// The output of `DescribeRegions`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DescribeRegionsOutput {
    /// The regions. A backend that answers with the same regions every time keeps them
    /// [`Shared`], so their XML is written once.
    pub regions: Vec<Shared<RegionInfo>>,
}

impl ToXml for DescribeRegionsOutput {
    fn write_xml(&self, writer: &mut XmlWriter) {
        writer.list("regionInfo", &self.regions);
    }
}

/// The input of `DescribeAvailabilityZones`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DescribeAvailabilityZonesInput {
    /// `ZoneName.N`.
    pub zone_names: Vec<String>,
    /// `ZoneId.N`.
    pub zone_ids: Vec<String>,
    /// `Filter.N`.
    pub filters: Vec<Filter>,
    /// `AllAvailabilityZones`: also Local and Wavelength zones not opted in to.
    pub all_availability_zones: bool,
}

impl FromArgs for DescribeAvailabilityZonesInput {
    fn from_args(args: &Args) -> Result<Self, Ec2Error> {
        Ok(DescribeAvailabilityZonesInput {
            zone_names: args.strings("ZoneName"),
            zone_ids: args.strings("ZoneId"),
            filters: args.filters("Filter")?,
            all_availability_zones: args.boolean("AllAvailabilityZones")?.unwrap_or(false),
        })
    }
}

/// An availability zone.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AvailabilityZone {
    /// `us-east-1a`.
    pub zone_name: String,
    /// `available`, `information`, `impaired`, `unavailable`.
    pub zone_state: String,
    /// The region.
    pub region_name: String,
    /// `use1-az1`.
    pub zone_id: String,
    /// `availability-zone`, `local-zone` or `wavelength-zone`.
    pub zone_type: String,
    /// The zone group (the region's name for ordinary zones).
    pub group_name: String,
    /// The network border group (the region's name for ordinary zones).
    pub network_border_group: String,
    /// `opt-in-not-required` for ordinary zones.
    pub opt_in_status: String,
    /// Messages about the zone.
    pub messages: Vec<String>,
}

struct ZoneMessage<'a>(&'a str);

impl ToXml for ZoneMessage<'_> {
    fn write_xml(&self, writer: &mut XmlWriter) {
        writer.field("message", self.0);
    }
}

impl ToXml for AvailabilityZone {
    fn write_xml(&self, writer: &mut XmlWriter) {
        writer.field("zoneName", &self.zone_name);
        writer.field("zoneState", &self.zone_state);
        writer.field("regionName", &self.region_name);
        let messages: Vec<ZoneMessage<'_>> = self.messages.iter().map(|m| ZoneMessage(m)).collect();
        writer.list("messageSet", &messages);
        writer.field("zoneId", &self.zone_id);
        writer.field("zoneType", &self.zone_type);
        writer.field("groupName", &self.group_name);
        writer.field("networkBorderGroup", &self.network_border_group);
        writer.field("optInStatus", &self.opt_in_status);
    }
}

/// The output of `DescribeAvailabilityZones`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DescribeAvailabilityZonesOutput {
    /// The zones.
    pub zones: Vec<AvailabilityZone>,
}

impl ToXml for DescribeAvailabilityZonesOutput {
    fn write_xml(&self, writer: &mut XmlWriter) {
        writer.list("availabilityZoneInfo", &self.zones);
    }
}

/// The input of `DescribeAccountAttributes`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DescribeAccountAttributesInput {
    /// `AttributeName.N`: `supported-platforms`, `default-vpc`, `max-instances`…
    pub attribute_names: Vec<String>,
}

impl FromArgs for DescribeAccountAttributesInput {
    fn from_args(args: &Args) -> Result<Self, Ec2Error> {
        Ok(DescribeAccountAttributesInput {
            attribute_names: args.strings("AttributeName"),
        })
    }
}

/// An account attribute and its values.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AccountAttribute {
    /// The attribute's name.
    pub attribute_name: String,
    /// Its values.
    pub values: Vec<String>,
}

struct AttributeValueItem<'a>(&'a str);

impl ToXml for AttributeValueItem<'_> {
    fn write_xml(&self, writer: &mut XmlWriter) {
        writer.field("attributeValue", self.0);
    }
}

impl ToXml for AccountAttribute {
    fn write_xml(&self, writer: &mut XmlWriter) {
        writer.field("attributeName", &self.attribute_name);
        let values: Vec<AttributeValueItem<'_>> =
            self.values.iter().map(|v| AttributeValueItem(v)).collect();
        writer.list("attributeValueSet", &values);
    }
}

/// The output of `DescribeAccountAttributes`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DescribeAccountAttributesOutput {
    /// The attributes.
    pub attributes: Vec<AccountAttribute>,
}

impl ToXml for DescribeAccountAttributesOutput {
    fn write_xml(&self, writer: &mut XmlWriter) {
        writer.list("accountAttributeSet", &self.attributes);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(value: &impl ToXml) -> String {
        let mut writer = XmlWriter::default();
        value.write_xml(&mut writer);
        writer.into_string()
    }

    #[test]
    fn describe_regions_reads_names_filters_and_all_regions() {
        let args = Args::from_pairs([
            ("RegionName.1", "us-east-1"),
            ("RegionName.2", "eu-west-1"),
            ("Filter.1.Name", "opt-in-status"),
            ("Filter.1.Value.1", "opt-in-not-required"),
            ("AllRegions", "true"),
        ]);
        let input = DescribeRegionsInput::from_args(&args).unwrap();
        assert_eq!(input.region_names, ["us-east-1", "eu-west-1"]);
        assert_eq!(input.filters[0].name, "opt-in-status");
        assert!(input.all_regions);
    }

    #[test]
    fn describe_availability_zones_reads_names_and_ids() {
        let args = Args::from_pairs([
            ("ZoneName.1", "us-east-1a"),
            ("ZoneId.1", "use1-az2"),
            ("AllAvailabilityZones", "false"),
        ]);
        let input = DescribeAvailabilityZonesInput::from_args(&args).unwrap();
        assert_eq!(input.zone_names, ["us-east-1a"]);
        assert_eq!(input.zone_ids, ["use1-az2"]);
        assert!(!input.all_availability_zones);
    }

    #[test]
    fn regions_and_zones_render_as_aws_writes_them() {
        let regions = DescribeRegionsOutput {
            regions: vec![
                RegionInfo {
                    region_name: "us-east-1".into(),
                    region_endpoint: "ec2.us-east-1.amazonaws.com".into(),
                    opt_in_status: "opt-in-not-required".into(),
                }
                .into(),
            ],
        };
        assert_eq!(
            render(&regions),
            "<regionInfo><item><regionName>us-east-1</regionName>\
             <regionEndpoint>ec2.us-east-1.amazonaws.com</regionEndpoint>\
             <optInStatus>opt-in-not-required</optInStatus></item></regionInfo>"
        );
        let zones = DescribeAvailabilityZonesOutput {
            zones: vec![AvailabilityZone {
                zone_name: "us-east-1a".into(),
                zone_state: "available".into(),
                region_name: "us-east-1".into(),
                zone_id: "use1-az1".into(),
                zone_type: "availability-zone".into(),
                group_name: "us-east-1".into(),
                network_border_group: "us-east-1".into(),
                opt_in_status: "opt-in-not-required".into(),
                messages: vec![],
            }],
        };
        assert_eq!(
            render(&zones),
            "<availabilityZoneInfo><item><zoneName>us-east-1a</zoneName>\
             <zoneState>available</zoneState><regionName>us-east-1</regionName>\
             <messageSet></messageSet><zoneId>use1-az1</zoneId>\
             <zoneType>availability-zone</zoneType><groupName>us-east-1</groupName>\
             <networkBorderGroup>us-east-1</networkBorderGroup>\
             <optInStatus>opt-in-not-required</optInStatus></item></availabilityZoneInfo>"
        );
    }

    #[test]
    fn account_attributes_nest_their_values() {
        let output = DescribeAccountAttributesOutput {
            attributes: vec![AccountAttribute {
                attribute_name: "supported-platforms".into(),
                values: vec!["VPC".into()],
            }],
        };
        assert_eq!(
            render(&output),
            "<accountAttributeSet><item><attributeName>supported-platforms</attributeName>\
             <attributeValueSet><item><attributeValue>VPC</attributeValue></item>\
             </attributeValueSet></item></accountAttributeSet>"
        );
    }
}
