//! Instances: launch, the state machine, Describe with filters and pages, console
//! output, attributes and status.

use std::collections::BTreeMap;
use std::net::Ipv4Addr;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use sha2::{Digest, Sha256};
use time::OffsetDateTime;

use crate::ec2::error::{Ec2Error, ErrorCode};
use crate::ec2::model::*;

use super::images::{self, tag_list};
use super::regions::{self, DefaultNetwork};
use super::state::{
    ClientTokenRecord, ImageTraits, InstanceNetwork, InstanceRecord, ProjectRegion, PublicAddress,
    RegionState, RenderKey, ServerRecord, Tags,
};
use super::volumes::{self, Moment};
use super::{FakeCloud, Scope, filters, ids, paging, security_groups, tags};

/// The largest user data AWS accepts, before base64.
const MAX_USER_DATA: usize = 16 * 1024;

/// Instance families and the sizes each offers.
const INSTANCE_FAMILIES: &[(&str, &[&str])] = &[
    ("t1", &["micro"]),
    (
        "t2",
        &[
            "nano", "micro", "small", "medium", "large", "xlarge", "2xlarge",
        ],
    ),
    (
        "t3",
        &[
            "nano", "micro", "small", "medium", "large", "xlarge", "2xlarge",
        ],
    ),
    (
        "t3a",
        &[
            "nano", "micro", "small", "medium", "large", "xlarge", "2xlarge",
        ],
    ),
    (
        "t4g",
        &[
            "nano", "micro", "small", "medium", "large", "xlarge", "2xlarge",
        ],
    ),
    ("m1", &["small", "medium", "large", "xlarge"]),
    ("m3", &["medium", "large", "xlarge", "2xlarge"]),
    (
        "m4",
        &[
            "large", "xlarge", "2xlarge", "4xlarge", "10xlarge", "16xlarge",
        ],
    ),
    ("c4", &["large", "xlarge", "2xlarge", "4xlarge", "8xlarge"]),
    ("m5", LARGE_SIZES),
    ("m5a", LARGE_SIZES),
    ("m6i", LARGE_SIZES),
    ("m6g", LARGE_SIZES),
    ("m7i", LARGE_SIZES),
    ("m7g", LARGE_SIZES),
    (
        "c5",
        &[
            "large", "xlarge", "2xlarge", "4xlarge", "9xlarge", "12xlarge", "18xlarge", "24xlarge",
        ],
    ),
    ("c6i", LARGE_SIZES),
    ("c6g", LARGE_SIZES),
    ("c7g", LARGE_SIZES),
    ("r5", LARGE_SIZES),
    ("r6i", LARGE_SIZES),
    ("r6g", LARGE_SIZES),
];

const LARGE_SIZES: &[&str] = &[
    "large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge", "24xlarge",
];

/// What the fake knows of an instance type: its architecture and CPU shape.
struct InstanceTypeInfo {
    architecture: &'static str,
    cores: i64,
    threads_per_core: i64,
}

impl InstanceTypeInfo {
    /// Whether the type runs images of `architecture`: its own, and 32-bit images on
    /// 64-bit x86 types.
    fn runs(&self, architecture: &str) -> bool {
        self.architecture == architecture
            || (self.architecture == "x86_64" && architecture == "i386")
    }
}

fn instance_type_info(instance_type: &str) -> Option<InstanceTypeInfo> {
    let (family, size) = instance_type.split_once('.')?;
    let (_, sizes) = INSTANCE_FAMILIES.iter().find(|(name, _)| *name == family)?;
    if !sizes.contains(&size) {
        return None;
    }
    let graviton = family.ends_with('g') && family != "m1";
    let single_threaded = matches!(family, "t1" | "t2" | "m1" | "m3") || graviton;
    let vcpus: i64 = match size {
        "nano" | "micro" | "small" => {
            if single_threaded {
                1
            } else {
                2
            }
        }
        "medium" | "large" => 2,
        "xlarge" => 4,
        other => other
            .trim_end_matches("xlarge")
            .parse::<i64>()
            .map(|n| 4 * n)
            .unwrap_or(4),
    };
    let threads_per_core = if single_threaded { 1 } else { 2 };
    Some(InstanceTypeInfo {
        architecture: if graviton { "arm64" } else { "x86_64" },
        cores: (vcpus / threads_per_core).max(1),
        threads_per_core,
    })
}

/// Every instance type the fake launches, in family order, with its architecture and
/// vCPUs.
#[cfg(feature = "openstack")]
pub(crate) fn instance_types() -> impl Iterator<Item = (String, &'static str, i64)> {
    INSTANCE_FAMILIES
        .iter()
        .flat_map(|(family, sizes)| sizes.iter().map(move |size| format!("{family}.{size}")))
        .filter_map(|name| {
            let info = instance_type_info(&name)?;
            let vcpus = info.cores * info.threads_per_core;
            Some((name, info.architecture, vcpus))
        })
}

/// Whether `instance_type` exists and runs images of `architecture`.
#[cfg(feature = "openstack")]
pub(crate) fn type_runs(instance_type: &str, architecture: &str) -> bool {
    instance_type_info(instance_type).is_some_and(|info| info.runs(architecture))
}

/// Gives every instance that has no server id (one saved before server ids existed) a
/// new one, and indexes every instance by its server id afresh.
pub(crate) fn index_servers(state: &mut super::state::State) {
    for region in state.regions.values_mut() {
        region.server_ids.clear();
        let ids: Vec<String> = region.instances.keys().cloned().collect();
        for id in ids {
            let uuid = match region.instances.get(&id) {
                Some(record) if !record.server.uuid.is_empty() => record.server.uuid.clone(),
                Some(_) => {
                    let uuid = new_server_id(region);
                    if let Some(record) = region.instances.get_mut(&id) {
                        record.server.uuid = uuid.clone();
                    }
                    uuid
                }
                None => continue,
            };
            region.server_ids.insert(uuid, id);
        }
    }
}

pub(crate) fn not_found(missing: &[&str]) -> Ec2Error {
    let message = match missing {
        [one] => format!("The instance ID '{one}' does not exist"),
        many => format!("The instance IDs '{}' do not exist", many.join(", ")),
    };
    Ec2Error::new(ErrorCode::InvalidInstanceIdNotFound, message)
}

pub(crate) fn incorrect_state(instance_id: &str, verb: &str) -> Ec2Error {
    Ec2Error::new(
        ErrorCode::IncorrectInstanceState,
        format!("The instance '{instance_id}' is not in a state from which it can be {verb}."),
    )
}

fn not_stopped(instance_id: &str) -> Ec2Error {
    Ec2Error::new(
        ErrorCode::IncorrectInstanceState,
        format!("The instance '{instance_id}' is not in the 'stopped' state."),
    )
}

/// `User initiated (2026-01-02 03:04:05 GMT)`.
fn user_initiated(at: OffsetDateTime) -> String {
    format!(
        "User initiated ({:04}-{:02}-{:02} {:02}:{:02}:{:02} GMT)",
        at.year(),
        u8::from(at.month()),
        at.day(),
        at.hour(),
        at.minute(),
        at.second()
    )
}

fn dotted(address: [u8; 4]) -> String {
    Ipv4Addr::from(address).to_string()
}

fn dashed(address: [u8; 4]) -> String {
    let [a, b, c, d] = address;
    format!("{a}-{b}-{c}-{d}")
}

fn random_public_ip() -> [u8; 4] {
    let [b, c, d] = ids::random_bytes::<3>();
    [3, b, c, d.clamp(1, 254)]
}

fn random_mac() -> String {
    let bytes = ids::random_bytes::<5>();
    let mut mac = String::from("0e");
    for byte in bytes {
        mac.push_str(&format!(":{byte:02x}"));
    }
    mac
}

/// The validated `UserData`: base64 of at most 16 KiB.
fn check_user_data(user_data: &UserData) -> Result<(), Ec2Error> {
    let decoded = STANDARD.decode(user_data.0.trim()).map_err(|_| {
        Ec2Error::new(
            ErrorCode::InvalidParameterValue,
            "Invalid BASE64 encoding of user data.",
        )
    })?;
    if decoded.len() > MAX_USER_DATA {
        return Err(Ec2Error::new(
            ErrorCode::InvalidParameterValue,
            "User data is limited to 16384 bytes",
        ));
    }
    Ok(())
}

fn check_instance_type(instance_type: &str) -> Result<InstanceTypeInfo, Ec2Error> {
    instance_type_info(instance_type).ok_or_else(|| {
        Ec2Error::new(
            ErrorCode::InvalidParameterValue,
            format!("The instance type '{instance_type}' does not exist"),
        )
    })
}

/// The ids and names of the groups `names` and `ids` name, all of which must exist in the
/// project's VPC; its `default` group when they name none.
fn resolve_groups(
    region: &RegionState,
    scope: &Scope,
    names: &[String],
    group_ids: &[String],
) -> Result<(Vec<Text>, Vec<Text>), Ec2Error> {
    security_groups::resolve_for_instance(region, scope, names, group_ids)
}

/// A digest of everything a RunInstances call asked for, to compare ClientToken repeats.
fn parameters_digest(input: &RunInstancesInput) -> String {
    let mut hasher = Sha256::new();
    hasher.update(format!("{input:?}").as_bytes());
    if let Some(user_data) = &input.user_data {
        hasher.update(user_data.0.as_bytes());
    }
    hex::encode(hasher.finalize())
}

/// How one instance looks at one moment.
pub(crate) struct View<'a> {
    pub(crate) record: &'a InstanceRecord,
    pub(crate) state: InstanceStateName,
}

/// The project's default network in a region as instance records keep it: written out
/// once per launch call and shared by the instances it launches.
struct LaunchNetwork {
    owner_id: Text,
    vpc_id: Text,
    subnet_ids: Vec<Text>,
    zone_names: Vec<Text>,
    private_domain: String,
    public_domain: String,
    network: DefaultNetwork,
}

impl LaunchNetwork {
    fn new(scope: &Scope) -> Self {
        let network = scope.network();
        LaunchNetwork {
            owner_id: scope.account.clone().into(),
            vpc_id: network.vpc_id.clone().into(),
            subnet_ids: network.subnet_ids.iter().map(Text::from).collect(),
            zone_names: (0..regions::ZONE_LETTERS.len())
                .map(|index| regions::zone_name(&scope.region, index).into())
                .collect(),
            private_domain: regions::private_domain(&scope.region),
            public_domain: regions::public_domain(&scope.region),
            network,
        }
    }

    fn instance(
        &self,
        zone_index: usize,
        private_ip: [u8; 4],
        public_ip: Option<[u8; 4]>,
    ) -> InstanceNetwork {
        InstanceNetwork {
            owner_id: self.owner_id.clone(),
            availability_zone: self.zone_names[zone_index].clone(),
            vpc_id: self.vpc_id.clone(),
            subnet_id: self.subnet_ids[zone_index].clone(),
            private_ip_address: dotted(private_ip).into(),
            private_dns_name: format!("ip-{}.{}", dashed(private_ip), self.private_domain).into(),
            ipv6_address: self.network.ipv6_address(zone_index, private_ip).into(),
            public: public_ip.map(|ip| public_address(&self.public_domain, ip)),
        }
    }
}

/// A public address and its name in `public_domain`.
fn public_address(public_domain: &str, ip: [u8; 4]) -> PublicAddress {
    PublicAddress {
        ip_address: dotted(ip).into(),
        dns_name: format!("ec2-{}.{}", dashed(ip), public_domain).into(),
    }
}

/// The name of the instance's `index`th group (`default` for records saved before names
/// were kept).
fn group_name(record: &InstanceRecord, index: usize) -> Text {
    record
        .group_names
        .get(index)
        .cloned()
        .unwrap_or_else(|| Text::from("default"))
}

/// Associates `elastic_ip` with the instance, or, with `None`, ends the association: the
/// instance then gets a new address of Amazon's pool if it launched with one, as on AWS.
pub(crate) fn set_elastic_ip(
    record: &mut InstanceRecord,
    region: &str,
    elastic_ip: Option<[u8; 4]>,
) {
    record.elastic_ip = elastic_ip;
    let shown = match elastic_ip {
        Some(ip) => Some(ip),
        None => {
            if record.public_ip.is_some() {
                record.public_ip = Some(random_public_ip());
            }
            record.public_ip
        }
    };
    let public_domain = regions::public_domain(region);
    record.network.public = shown.map(|ip| public_address(&public_domain, ip));
}

/// How responses show instances: from what the records keep, mostly by sharing it.
struct RenderContext<'r> {
    ipv6: bool,
    /// Where to find the volumes AttachVolume attached, and when: without it an instance
    /// shows its root volume alone.
    volumes: Option<(&'r RegionState, Moment)>,
}

impl<'r> RenderContext<'r> {
    fn new(ipv6: bool) -> Self {
        RenderContext {
            ipv6,
            volumes: None,
        }
    }

    fn with_volumes(self, region: &'r RegionState, moment: Moment) -> Self {
        RenderContext {
            volumes: Some((region, moment)),
            ..self
        }
    }

    /// The public address, which an instance holds only while pending or running.
    fn public_address<'a>(&self, view: &View<'a>) -> Option<&'a PublicAddress> {
        match view.state {
            InstanceStateName::Pending | InstanceStateName::Running => {
                view.record.network.public.as_ref()
            }
            // An Elastic IP address stays with a stopped instance.
            InstanceStateName::Stopping | InstanceStateName::Stopped
                if view.record.elastic_ip.is_some() =>
            {
                view.record.network.public.as_ref()
            }
            _ => None,
        }
    }

    fn groups(&self, record: &InstanceRecord) -> Vec<GroupIdentifier> {
        record
            .group_ids
            .iter()
            .enumerate()
            .map(|(index, group_id)| GroupIdentifier {
                group_id: group_id.clone(),
                group_name: group_name(record, index),
            })
            .collect()
    }

    /// The instance as `view` shows it: the one last rendered from the record when
    /// neither the record nor its state has changed since, else a new one, kept for next
    /// time.
    fn shared_instance(&self, view: &View<'_>) -> Shared<Instance> {
        // Attachments settle with time alone, which the cache key does not follow.
        if self.volumes.is_some() && !view.record.attached_volumes.is_empty() {
            return Shared::new(self.instance(view));
        }
        let key = RenderKey {
            revision: view.record.revision,
            state: view.state,
        };
        view.record
            .rendered
            .get_or_render(key, self.ipv6, || self.instance(view))
    }

    fn instance(&self, view: &View<'_>) -> Instance {
        let record = view.record;
        let network = &record.network;
        let terminated = view.state == InstanceStateName::Terminated;
        let public = self.public_address(view);
        let association = public.map(|public| NetworkInterfaceAssociation {
            public_ip: public.ip_address.clone(),
            public_dns_name: public.dns_name.clone(),
            // An Elastic IP address belongs to the account, an automatic one to Amazon.
            ip_owner_id: if record.elastic_ip.is_some() {
                network.owner_id.clone()
            } else {
                Text::from("amazon")
            },
        });
        let network_interfaces = if terminated {
            vec![]
        } else {
            vec![InstanceNetworkInterface {
                network_interface_id: record.network_interface_id.clone(),
                subnet_id: network.subnet_id.clone(),
                vpc_id: network.vpc_id.clone(),
                description: Text::default(),
                owner_id: network.owner_id.clone(),
                status: Text::from("in-use"),
                mac_address: record.mac_address.clone(),
                private_ip_address: network.private_ip_address.clone(),
                private_dns_name: network.private_dns_name.clone(),
                source_dest_check: record.source_dest_check,
                groups: self.groups(record),
                attachment: NetworkInterfaceAttachment {
                    attachment_id: record.attachment_id.clone(),
                    device_index: 0,
                    status: Text::from("attached"),
                    attach_time: record.launch_time,
                    delete_on_termination: true,
                    network_card_index: 0,
                },
                association: association.clone(),
                private_ip_addresses: vec![InstancePrivateIpAddress {
                    private_ip_address: network.private_ip_address.clone(),
                    private_dns_name: network.private_dns_name.clone(),
                    primary: true,
                    association: association.clone(),
                }],
                ipv6_addresses: if self.ipv6 {
                    vec![InstanceIpv6Address {
                        ipv6_address: network.ipv6_address.clone(),
                    }]
                } else {
                    vec![]
                },
                interface_type: Text::from("interface"),
            }]
        };
        let state_reason = state_reason(view.state);
        let cpu = instance_type_info(&record.instance_type);
        Instance {
            instance_id: record.instance_id.clone(),
            image_id: record.image_id.clone(),
            state: view.state,
            private_dns_name: if terminated {
                Text::default()
            } else {
                network.private_dns_name.clone()
            },
            dns_name: public
                .map(|public| public.dns_name.clone())
                .unwrap_or_default(),
            reason: record.transition_reason.clone(),
            key_name: record.key_name.clone(),
            ami_launch_index: record.launch_index,
            product_codes: vec![],
            instance_type: record.instance_type.clone(),
            launch_time: record.launch_time,
            placement: Placement {
                availability_zone: network.availability_zone.clone(),
                group_name: record.placement_group.clone(),
                tenancy: record.tenancy.clone(),
            },
            kernel_id: record.kernel_id.clone(),
            ramdisk_id: record.ramdisk_id.clone(),
            platform: record.image.platform.clone(),
            monitoring_state: Text::from(if record.monitoring {
                "enabled"
            } else {
                "disabled"
            }),
            subnet_id: (!terminated).then(|| network.subnet_id.clone()),
            vpc_id: (!terminated).then(|| network.vpc_id.clone()),
            private_ip_address: (!terminated).then(|| network.private_ip_address.clone()),
            ip_address: public.map(|public| public.ip_address.clone()),
            source_dest_check: record.source_dest_check,
            groups: if terminated {
                vec![]
            } else {
                self.groups(record)
            },
            state_reason,
            architecture: record.image.architecture.clone(),
            root_device_type: Text::from("ebs"),
            root_device_name: record.image.root_device_name.clone(),
            block_device_mappings: if terminated {
                vec![]
            } else {
                self.block_device_mappings(record)
            },
            virtualization_type: record.image.virtualization_type.clone(),
            client_token: record.client_token.clone().unwrap_or_default(),
            tags: tag_list(&record.tags),
            hypervisor: Text::from("xen"),
            network_interfaces,
            iam_instance_profile: record.iam_instance_profile.as_ref().map(|name| {
                IamInstanceProfile {
                    arn: format!("arn:aws:iam::{}:instance-profile/{name}", network.owner_id)
                        .into(),
                    id: ids::derived_id("AIPA", name).to_uppercase().into(),
                }
            }),
            ebs_optimized: record.ebs_optimized,
            ena_support: record.ena_support,
            cpu_core_count: cpu.as_ref().map_or(1, |cpu| cpu.cores),
            cpu_threads_per_core: cpu.as_ref().map_or(1, |cpu| cpu.threads_per_core),
            capacity_reservation_preference: Text::from("open"),
            hibernation_configured: record.hibernation,
            enclave_enabled: record.enclave,
            metadata_options: InstanceMetadataOptions {
                http_tokens: record.http_tokens.clone(),
                ..InstanceMetadataOptions::default()
            },
            auto_recovery: Text::from("default"),
            boot_mode: record.image.boot_mode.clone(),
            current_instance_boot_mode: Some(Text::from(match record.image.boot_mode.as_deref() {
                Some("uefi") => "uefi",
                _ => "legacy-bios",
            })),
            platform_details: record.image.platform_details.clone(),
            usage_operation: record.image.usage_operation.clone(),
            usage_operation_update_time: record.launch_time,
            hostname_type: Text::from("ip-name"),
            ipv6_address: (self.ipv6 && !terminated).then(|| network.ipv6_address.clone()),
        }
    }

    /// The root volume's mapping, then those of the volumes attached since launch, by
    /// device name.
    fn block_device_mappings(&self, record: &InstanceRecord) -> Vec<InstanceBlockDeviceMapping> {
        let root = InstanceBlockDeviceMapping {
            device_name: record.image.root_device_name.clone(),
            volume_id: record.root_volume_id.clone(),
            status: Text::from("attached"),
            attach_time: Some(volumes::attach_time(record.launch_time)),
            delete_on_termination: record.root_delete_on_termination,
        };
        let Some((region, moment)) = self.volumes else {
            return vec![root];
        };
        let mut attached: Vec<InstanceBlockDeviceMapping> =
            volumes::attached_to(region, record, moment)
                .filter(|(volume, _, _)| *volume.volume_id != *record.root_volume_id)
                .map(|(volume, attachment, state)| InstanceBlockDeviceMapping {
                    device_name: Text::from(&attachment.device),
                    volume_id: Text::from(&volume.volume_id),
                    status: Text::from(state.as_str()),
                    attach_time: Some(attachment.attach_time),
                    delete_on_termination: attachment.delete_on_termination,
                })
                .collect();
        attached.sort_by(|a, b| a.device_name.cmp(&b.device_name));
        std::iter::once(root).chain(attached).collect()
    }

    /// The reservations of `views`, in order, each with its instances of the page.
    fn reservations(&self, views: &[View<'_>]) -> Vec<Reservation> {
        views
            .chunk_by(|a, b| a.record.reservation_id == b.record.reservation_id)
            .map(|launch| Reservation {
                reservation_id: launch[0].record.reservation_id.clone(),
                owner_id: launch[0].record.network.owner_id.clone(),
                requester_id: None,
                groups: vec![],
                instances: launch
                    .iter()
                    .map(|view| self.shared_instance(view))
                    .collect(),
            })
            .collect()
    }

    /// The values of filter `name` for an instance.
    fn filter_values(&self, view: &View<'_>, name: &str) -> Vec<Text> {
        let record = view.record;
        let network = &record.network;
        let one = |value: &Text| vec![value.clone()];
        let terminated = view.state == InstanceStateName::Terminated;
        match name {
            "instance-id" => one(&record.instance_id),
            "instance-state-name" => vec![Text::from(view.state.as_str())],
            "instance-state-code" => vec![view.state.code().to_string().into()],
            "instance-type" => one(&record.instance_type),
            "state-reason-code" => state_reason(view.state)
                .map(|r| r.code)
                .into_iter()
                .collect(),
            "state-reason-message" => state_reason(view.state)
                .map(|r| r.message)
                .into_iter()
                .collect(),
            "key-name" => record.key_name.iter().cloned().collect(),
            "availability-zone" => one(&network.availability_zone),
            "image-id" => one(&record.image_id),
            "reservation-id" => one(&record.reservation_id),
            "private-ip-address" | "network-interface.addresses.private-ip-address" => {
                if terminated {
                    vec![]
                } else {
                    one(&network.private_ip_address)
                }
            }
            "private-dns-name" => {
                if terminated {
                    vec![]
                } else {
                    one(&network.private_dns_name)
                }
            }
            "ip-address" => self
                .public_address(view)
                .map(|public| public.ip_address.clone())
                .into_iter()
                .collect(),
            "dns-name" => self
                .public_address(view)
                .map(|public| public.dns_name.clone())
                .into_iter()
                .collect(),
            "vpc-id" if !terminated => one(&network.vpc_id),
            "subnet-id" if !terminated => one(&network.subnet_id),
            "group-id" | "instance.group-id" if !terminated => record.group_ids.clone(),
            "group-name" | "instance.group-name" if !terminated => (0..record.group_ids.len())
                .map(|index| group_name(record, index))
                .collect(),
            "network-interface.network-interface-id" if !terminated => {
                one(&record.network_interface_id)
            }
            "owner-id" => one(&network.owner_id),
            "client-token" => record.client_token.iter().cloned().collect(),
            "launch-time" => vec![crate::ec2::xml::format_timestamp(record.launch_time).into()],
            "architecture" => one(&record.image.architecture),
            "root-device-type" => vec![Text::from("ebs")],
            "root-device-name" => one(&record.image.root_device_name),
            "virtualization-type" => one(&record.image.virtualization_type),
            "hypervisor" => vec![Text::from("xen")],
            "tenancy" => one(&record.tenancy),
            "placement-group-name" => one(&record.placement_group),
            "platform" => record.image.platform.iter().cloned().collect(),
            "monitoring-state" => vec![Text::from(if record.monitoring {
                "enabled"
            } else {
                "disabled"
            })],
            "ami-launch-index" => vec![record.launch_index.to_string().into()],
            "block-device-mapping.attach-time"
            | "block-device-mapping.delete-on-termination"
            | "block-device-mapping.device-name"
            | "block-device-mapping.status"
            | "block-device-mapping.volume-id"
                if !terminated =>
            {
                self.block_device_mappings(record)
                    .into_iter()
                    .map(|mapping| match name {
                        "block-device-mapping.attach-time" => mapping
                            .attach_time
                            .map(crate::ec2::xml::format_timestamp)
                            .unwrap_or_default()
                            .into(),
                        "block-device-mapping.delete-on-termination" => {
                            Text::from(if mapping.delete_on_termination {
                                "true"
                            } else {
                                "false"
                            })
                        }
                        "block-device-mapping.device-name" => mapping.device_name,
                        "block-device-mapping.status" => mapping.status,
                        _ => mapping.volume_id,
                    })
                    .collect()
            }
            "tag-key" => record.tags.keys().cloned().collect(),
            "tag-value" => record.tags.values().cloned().collect(),
            other => match other.strip_prefix("tag:") {
                Some(key) => record.tags.get(key).cloned().into_iter().collect(),
                None => vec![],
            },
        }
    }
}

/// Why an instance is in `state`: none while it runs.
fn state_reason(state: InstanceStateName) -> Option<StateReason> {
    match state {
        InstanceStateName::Pending => Some(StateReason {
            code: Text::from("pending"),
            message: Text::from("pending"),
        }),
        InstanceStateName::Running => None,
        _ => Some(StateReason {
            code: Text::from("Client.UserInitiatedShutdown"),
            message: Text::from("Client.UserInitiatedShutdown: User initiated shutdown"),
        }),
    }
}

const INSTANCE_FILTERS: &[&str] = &[
    "state-reason-code",
    "state-reason-message",
    "instance-id",
    "instance-state-name",
    "instance-state-code",
    "instance-type",
    "key-name",
    "availability-zone",
    "image-id",
    "reservation-id",
    "private-ip-address",
    "network-interface.addresses.private-ip-address",
    "private-dns-name",
    "ip-address",
    "dns-name",
    "vpc-id",
    "subnet-id",
    "group-id",
    "instance.group-id",
    "group-name",
    "instance.group-name",
    "network-interface.network-interface-id",
    "owner-id",
    "client-token",
    "launch-time",
    "architecture",
    "root-device-type",
    "root-device-name",
    "virtualization-type",
    "hypervisor",
    "tenancy",
    "placement-group-name",
    "platform",
    "monitoring-state",
    "ami-launch-index",
    "block-device-mapping.attach-time",
    "block-device-mapping.delete-on-termination",
    "block-device-mapping.device-name",
    "block-device-mapping.status",
    "block-device-mapping.volume-id",
    "tag-key",
    "tag-value",
];

const STATUS_FILTERS: &[&str] = &[
    "availability-zone",
    "instance-state-name",
    "instance-state-code",
    "system-status.status",
    "system-status.reachability",
    "instance-status.status",
    "instance-status.reachability",
];

/// The project's record of `instance_id` in the region, or none for a missing or foreign
/// one.
fn owned<'a>(
    region: &'a RegionState,
    scope: &Scope,
    instance_id: &str,
) -> Option<&'a InstanceRecord> {
    region
        .instances
        .get(instance_id)
        .filter(|record| record.project_id == scope.project)
}

/// The records of `instance_ids`, or `InvalidInstanceID.NotFound` listing every missing
/// or foreign one.
fn owned_all<'a>(
    region: &'a RegionState,
    scope: &Scope,
    instance_ids: &[String],
) -> Result<Vec<&'a InstanceRecord>, Ec2Error> {
    let mut found = Vec::with_capacity(instance_ids.len());
    let mut missing = Vec::new();
    for id in instance_ids {
        match owned(region, scope, id) {
            Some(record) => found.push(record),
            None => missing.push(id.as_str()),
        }
    }
    if missing.is_empty() {
        Ok(found)
    } else {
        Err(not_found(&missing))
    }
}

fn check_owned(
    region: &RegionState,
    scope: &Scope,
    instance_ids: &[String],
) -> Result<(), Ec2Error> {
    owned_all(region, scope, instance_ids).map(|_| ())
}

/// The project's entry in a region, created on first use.
fn project_entry<'a>(region: &'a mut RegionState, scope: &Scope) -> &'a mut ProjectRegion {
    region
        .projects
        .entry(scope.project.clone())
        .or_insert_with(|| ProjectRegion {
            next_host: vec![4; regions::ZONE_LETTERS.len()],
            ..ProjectRegion::default()
        })
}

/// What RunInstances settled before creating anything.
struct Launch {
    image_id: Text,
    traits: ImageTraits,
    kernel_id: Option<Text>,
    ramdisk_id: Option<Text>,
    instance_type: Text,
    zone_index: usize,
    group_ids: Vec<Text>,
    group_names: Vec<Text>,
    private_ip: Option<[u8; 4]>,
    public_ip: bool,
    instance_tags: Tags,
}

fn plan_launch(
    cloud: &FakeCloud,
    region: &RegionState,
    scope: &Scope,
    input: &RunInstancesInput,
) -> Result<Launch, Ec2Error> {
    let network = scope.network();

    // Counts.
    if input.min_count < 1 {
        return Err(Ec2Error::invalid_value(
            "minCount",
            &input.min_count.to_string(),
            "Expecting a value greater than or equal to 1.",
        ));
    }
    if input.max_count < 1 {
        return Err(Ec2Error::invalid_value(
            "maxCount",
            &input.max_count.to_string(),
            "Expecting a value greater than or equal to 1.",
        ));
    }
    if input.min_count > input.max_count {
        return Err(Ec2Error::new(
            ErrorCode::InvalidParameterValue,
            "MinCount cannot be greater than MaxCount",
        ));
    }

    // Image.
    let image_id = input
        .image_id
        .clone()
        .ok_or_else(|| Ec2Error::missing_parameter("ImageId"))?;
    let image = region
        .images
        .get(&image_id)
        .filter(|image| images::visible_to(image, &scope.account));
    let (traits, kernel_id, ramdisk_id) = match image {
        Some(image) => (
            image.traits.clone(),
            image.kernel_id.clone().map(Text::from),
            image.ramdisk_id.clone().map(Text::from),
        ),
        None if cloud.allows_unknown_images() && ids::is_well_formed(&image_id, "ami-") => {
            (ImageTraits::of_unknown_image(), None, None)
        }
        None => return Err(images::not_found(&[&image_id])),
    };

    // Instance type, which must suit the image's architecture.
    let instance_type = input
        .instance_type
        .clone()
        .unwrap_or_else(|| "m1.small".into());
    let type_info = check_instance_type(&instance_type)?;
    if !type_info.runs(&traits.architecture) {
        return Err(Ec2Error::new(
            ErrorCode::InvalidParameterValue,
            format!(
                "The architecture '{}' of the specified instance type does not match the \
                 architecture '{}' of the specified AMI. Specify an instance type and an AMI \
                 that have matching architectures, and try again.",
                type_info.architecture, traits.architecture
            ),
        ));
    }

    // Block device mappings: each names an EBS volume, an instance store or NoDevice;
    // a new EBS volume needs its size or a snapshot, except at the root device, which
    // the image's snapshot fills.
    let image_size = image.map_or(8, |image| image.volume_size);
    for mapping in &input.block_device_mappings {
        let is_root = mapping.device_name.as_deref() == Some(traits.root_device_name.as_ref());
        let Some(ebs) = &mapping.ebs else {
            if mapping.virtual_name.is_none() && mapping.no_device.is_none() {
                return Err(Ec2Error::missing_parameter("ebs"));
            }
            continue;
        };
        match ebs.volume_size {
            None if ebs.snapshot_id.is_none() && !is_root => {
                return Err(Ec2Error::missing_parameter("size or snapshotId"));
            }
            Some(size) if is_root && size < image_size => {
                return Err(Ec2Error::new(
                    ErrorCode::InvalidBlockDeviceMapping,
                    format!(
                        "Volume of size {size}GB is smaller than the image's root snapshot, \
                         expect size >= {image_size}GB"
                    ),
                ));
            }
            _ => {}
        }
    }

    // Key pair.
    if let Some(key_name) = &input.key_name {
        let exists = region
            .projects
            .get(&scope.project)
            .is_some_and(|project| project.key_pairs.contains_key(key_name));
        if !exists {
            return Err(Ec2Error::new(
                ErrorCode::InvalidKeyPairNotFound,
                format!("The key pair '{key_name}' does not exist"),
            ));
        }
    }

    // Network: the primary interface may name the subnet, groups and address.
    let primary = input
        .network_interfaces
        .iter()
        .find(|interface| interface.device_index.unwrap_or(0) == 0);
    let subnet_id = primary
        .and_then(|interface| interface.subnet_id.clone())
        .or_else(|| input.subnet_id.clone());
    let mut group_ids = input.security_group_ids.clone();
    if let Some(interface) = primary {
        group_ids.extend(interface.security_group_ids.iter().cloned());
    }
    let (group_ids, group_names) =
        resolve_groups(region, scope, &input.security_groups, &group_ids)?;

    let zone_from_subnet = match &subnet_id {
        None => None,
        Some(subnet_id) => Some(
            network
                .subnet_ids
                .iter()
                .position(|id| id == subnet_id)
                .ok_or_else(|| {
                    Ec2Error::new(
                        ErrorCode::InvalidSubnetIdNotFound,
                        format!("The subnet ID '{subnet_id}' does not exist"),
                    )
                })?,
        ),
    };
    let zone_from_placement = match &input.placement.availability_zone {
        None => None,
        Some(zone) => Some(regions::zone_index(&scope.region, zone).ok_or_else(|| {
            Ec2Error::new(
                ErrorCode::InvalidParameterValue,
                format!("Invalid availability zone: [{zone}]"),
            )
        })?),
    };
    if let (Some(subnet), Some(placement)) = (zone_from_subnet, zone_from_placement)
        && subnet != placement
    {
        return Err(Ec2Error::new(
            ErrorCode::InvalidParameterValue,
            format!(
                "The specified subnet is in availability zone {}, but the placement names {}.",
                regions::zone_name(&scope.region, subnet),
                regions::zone_name(&scope.region, placement)
            ),
        ));
    }
    let zone_index = zone_from_subnet.or(zone_from_placement).unwrap_or(0);

    let requested_ip = primary
        .and_then(|interface| interface.private_ip_address.clone())
        .or_else(|| input.private_ip_address.clone());
    let private_ip = match requested_ip {
        None => None,
        Some(text) => {
            let address: Ipv4Addr = text.parse().map_err(|_| {
                Ec2Error::invalid_value("privateIpAddress", &text, "It is not an IPv4 address.")
            })?;
            let octets = address.octets();
            let base = DefaultNetwork::subnet_base(zone_index);
            let in_subnet = octets[0] == base[0]
                && octets[1] == base[1]
                && octets[2] & 0xf0 == base[2]
                && !(octets[2] == base[2] && octets[3] < 4);
            if !in_subnet {
                return Err(Ec2Error::new(
                    ErrorCode::InvalidParameterValue,
                    format!("Address {text} does not fall within the subnet's address range"),
                ));
            }
            if input.max_count > 1 {
                return Err(Ec2Error::new(
                    ErrorCode::InvalidParameterCombination,
                    "Cannot specify a private IP address when launching more than one instance.",
                ));
            }
            Some(octets)
        }
    };
    let public_ip = primary
        .and_then(|interface| interface.associate_public_ip_address)
        .unwrap_or(true);

    // The rest.
    if let Some(user_data) = &input.user_data {
        check_user_data(user_data)?;
    }
    if let Some(behavior) = &input.instance_initiated_shutdown_behavior
        && behavior != "stop"
        && behavior != "terminate"
    {
        return Err(Ec2Error::invalid_value(
            "InstanceInitiatedShutdownBehavior",
            behavior,
            "Expecting 'stop' or 'terminate'.",
        ));
    }
    if let Some(tenancy) = &input.placement.tenancy
        && !matches!(tenancy.as_str(), "default" | "dedicated" | "host")
    {
        return Err(Ec2Error::invalid_value(
            "tenancy",
            tenancy,
            "Expecting 'default', 'dedicated' or 'host'.",
        ));
    }
    // The fake allocates no Dedicated Hosts, so no host id names one.
    if let Some(host) = &input.placement.host_id {
        return Err(Ec2Error::new(
            ErrorCode::InvalidHostIdNotFound,
            format!("The specified host ID '{host}' does not exist."),
        ));
    }
    let mut instance_tags = Tags::new();
    for specification in &input.tag_specifications {
        match specification.resource_type.as_str() {
            "instance" => tags::apply(&mut instance_tags, &specification.tags)?,
            "volume" | "network-interface" | "spot-instances-request" | "elastic-gpu" => {
                tags::apply(&mut BTreeMap::new(), &specification.tags)?
            }
            other => {
                return Err(Ec2Error::new(
                    ErrorCode::InvalidParameterValue,
                    format!("'{other}' is not a valid taggable resource type for this operation."),
                ));
            }
        }
    }

    Ok(Launch {
        image_id: image_id.into(),
        traits,
        kernel_id: input.kernel_id.clone().map(Text::from).or(kernel_id),
        ramdisk_id: input.ramdisk_id.clone().map(Text::from).or(ramdisk_id),
        instance_type: instance_type.into(),
        zone_index,
        group_ids,
        group_names,
        private_ip,
        public_ip,
        instance_tags,
    })
}

/// `RunInstances`.
pub(crate) fn run(
    cloud: &FakeCloud,
    scope: &Scope,
    input: &RunInstancesInput,
) -> Result<RunInstancesOutput, Ec2Error> {
    let now = cloud.config_clock_now();
    let delay = cloud.transition_delay();
    let digest = parameters_digest(input);
    let mut state = cloud.write();
    let state = &mut *state;
    let region = state
        .regions
        .get_mut(&scope.region)
        .ok_or_else(Ec2Error::internal)?;

    // A repeated ClientToken answers with what it launched.
    if let Some(token) = &input.client_token {
        let repeat = region
            .projects
            .get(&scope.project)
            .and_then(|project| project.client_tokens.get(token))
            .cloned();
        if let Some(repeat) = repeat {
            if repeat.parameters != digest {
                return Err(Ec2Error::new(
                    ErrorCode::IdempotentParameterMismatch,
                    format!(
                        "Arguments on this idempotent request are inconsistent with arguments \
                         used in previous request(s) with client token '{token}'."
                    ),
                ));
            }
            let context = RenderContext::new(false).with_volumes(region, Moment { now, delay });
            let views: Vec<View<'_>> = repeat
                .instance_ids
                .iter()
                .filter_map(|id| region.instances.get(id))
                .map(|record| View {
                    record,
                    state: record.state_at(now, delay),
                })
                .collect();
            let mut reservations = context.reservations(&views);
            let reservation = reservations.pop().unwrap_or_else(|| Reservation {
                reservation_id: repeat.reservation_id.clone().into(),
                owner_id: scope.account.clone().into(),
                ..Reservation::default()
            });
            return Ok(RunInstancesOutput { reservation });
        }
    }

    let launch = plan_launch(cloud, region, scope, input)?;

    // The instance limit counts pending and running instances.
    let limit = cloud.instance_limit();
    let active = region
        .projects
        .get(&scope.project)
        .map_or(0, |project| project.active_instances);
    let available = limit.saturating_sub(active) as i64;
    if input.min_count > available {
        return Err(Ec2Error::new(
            ErrorCode::InstanceLimitExceeded,
            format!(
                "You have requested more instances ({}) than your current instance limit of \
                 {limit} allows for the specified instance type. Please visit \
                 http://aws.amazon.com/contact-us/ec2-request to request an adjustment to \
                 this limit.",
                input.min_count + active as i64
            ),
        ));
    }
    if let Some(address) = launch.private_ip {
        let in_use = region.projects.get(&scope.project).is_some_and(|project| {
            project.launch_order.values().any(|id| {
                region.instances.get(id).is_some_and(|record| {
                    record.private_ip == address
                        && record.state_at(now, delay) != InstanceStateName::Terminated
                })
            })
        });
        if in_use {
            return Err(Ec2Error::new(
                ErrorCode::InvalidParameterValue,
                format!("Address {} is in use.", dotted(address)),
            ));
        }
    }
    let count = input.max_count.min(available) as usize;

    // Launch.
    let reservation_id = Text::from(ids::random_id("r-"));
    let network = LaunchNetwork::new(scope);
    let mut launched = Vec::with_capacity(count);
    for launch_index in 0..count {
        let record = new_record(
            &mut state.next_launch_seq,
            region,
            scope,
            &network,
            &launch,
            input,
            &reservation_id,
            launch_index as i64,
            now,
        );
        launched.push(record.instance_id.to_string());
        insert(region, scope, record);
    }
    if let Some(token) = &input.client_token {
        project_entry(region, scope).client_tokens.insert(
            token.clone(),
            ClientTokenRecord {
                parameters: digest,
                reservation_id: reservation_id.to_string(),
                instance_ids: launched.clone(),
            },
        );
    }

    let context = RenderContext::new(false);
    let instances = launched
        .iter()
        .filter_map(|id| region.instances.get(id))
        .map(|record| {
            context.shared_instance(&View {
                record,
                state: InstanceStateName::Pending,
            })
        })
        .collect();
    Ok(RunInstancesOutput {
        reservation: Reservation {
            reservation_id,
            owner_id: network.owner_id.clone(),
            requester_id: None,
            groups: vec![],
            instances,
        },
    })
}

#[allow(clippy::too_many_arguments)]
fn new_record(
    next_launch_seq: &mut u64,
    region: &mut RegionState,
    scope: &Scope,
    network: &LaunchNetwork,
    launch: &Launch,
    input: &RunInstancesInput,
    reservation_id: &Text,
    launch_index: i64,
    now: OffsetDateTime,
) -> InstanceRecord {
    let launch_seq = *next_launch_seq;
    *next_launch_seq += 1;
    let mut instance_id = ids::random_id("i-");
    while region.instances.contains_key(&instance_id) {
        instance_id = ids::random_id("i-");
    }
    let project = project_entry(region, scope);
    let private_ip = launch.private_ip.unwrap_or_else(|| {
        let host = &mut project.next_host[launch.zone_index];
        let number = *host;
        // Limitation: addresses are not reused; past the /20's last host they wrap.
        *host = if number >= 4094 { 4 } else { number + 1 };
        let base = DefaultNetwork::subnet_base(launch.zone_index);
        [
            base[0],
            base[1],
            base[2] | (number >> 8) as u8,
            (number & 0xff) as u8,
        ]
    });
    let public_ip = launch.public_ip.then(random_public_ip);
    InstanceRecord {
        instance_id: instance_id.into(),
        project_id: scope.project.clone(),
        reservation_id: reservation_id.clone(),
        launch_seq,
        launch_index,
        image_id: launch.image_id.clone(),
        instance_type: launch.instance_type.clone(),
        key_name: input.key_name.clone().map(Text::from),
        zone_index: launch.zone_index,
        private_ip,
        public_ip,
        network: network.instance(launch.zone_index, private_ip, public_ip),
        mac_address: random_mac().into(),
        network_interface_id: ids::random_id("eni-").into(),
        attachment_id: ids::random_id("eni-attach-").into(),
        root_volume_id: ids::random_id("vol-").into(),
        attached_volumes: vec![],
        root_delete_on_termination: super::volumes::root_mapping(
            input,
            &launch.traits.root_device_name,
        )
        .and_then(|ebs| ebs.delete_on_termination)
        .unwrap_or(true),
        group_ids: launch.group_ids.clone(),
        group_names: launch.group_names.clone(),
        elastic_ip: None,
        user_data: input.user_data.as_ref().map(|data| data.0.clone()),
        password: None,
        tags: launch.instance_tags.clone(),
        launch_time: now,
        client_token: input.client_token.clone().map(Text::from),
        disable_api_termination: input.disable_api_termination.unwrap_or(false),
        disable_api_stop: input.disable_api_stop.unwrap_or(false),
        shutdown_behavior: input
            .instance_initiated_shutdown_behavior
            .clone()
            .unwrap_or_else(|| "stop".into()),
        ebs_optimized: input.ebs_optimized.unwrap_or(false),
        monitoring: input.monitoring_enabled.unwrap_or(false),
        source_dest_check: true,
        ena_support: true,
        sriov_net_support: None,
        kernel_id: launch.kernel_id.clone(),
        ramdisk_id: launch.ramdisk_id.clone(),
        tenancy: input
            .placement
            .tenancy
            .clone()
            .map_or(Text::from("default"), Text::from),
        placement_group: input
            .placement
            .group_name
            .clone()
            .map(Text::from)
            .unwrap_or_default(),
        iam_instance_profile: input.iam_instance_profile.as_ref().and_then(|profile| {
            profile.name.clone().or_else(|| {
                profile
                    .arn
                    .as_ref()
                    .and_then(|arn| arn.rsplit('/').next().map(str::to_owned))
            })
        }),
        http_tokens: input
            .metadata_options
            .as_ref()
            .and_then(|options| options.http_tokens.clone())
            .map_or(Text::from("required"), Text::from),
        hibernation: input.hibernation_configured.unwrap_or(false),
        enclave: input.enclave_enabled.unwrap_or(false),
        image: launch.traits.clone(),
        state: InstanceStateName::Pending,
        changed_at: now,
        transition_reason: Text::default(),
        server: ServerRecord {
            uuid: new_server_id(region),
            created_at: Some(now),
            ..ServerRecord::default()
        },
        revision: 0,
        rendered: Default::default(),
    }
}

fn insert(region: &mut RegionState, scope: &Scope, record: InstanceRecord) {
    let project = project_entry(region, scope);
    project
        .launch_order
        .insert(record.launch_seq, record.instance_id.to_string());
    project.active_instances += 1;
    region
        .server_ids
        .insert(record.server.uuid.clone(), record.instance_id.to_string());
    region.instances.insert(record);
}

/// A server id no instance of the region has.
fn new_server_id(region: &RegionState) -> String {
    loop {
        let uuid = ids::random_uuid();
        if !region.server_ids.contains_key(&uuid) {
            return uuid;
        }
    }
}

/// Adds `count` running instances without validation, for benchmarks.
pub(crate) fn seed(cloud: &FakeCloud, scope: &Scope, count: usize) -> Vec<String> {
    let now = cloud.config_clock_now();
    let mut state = cloud.write();
    let state = &mut *state;
    let Some(region) = state.regions.get_mut(&scope.region) else {
        return Vec::new();
    };
    let (image_id, traits) = region
        .images
        .values()
        .next()
        .map(|image| (Text::from(&image.image_id), image.traits.clone()))
        .unwrap_or_else(|| (Text::from("ami-00000000000000000"), ImageTraits::default()));
    let network = LaunchNetwork::new(scope);
    let group_id = Text::from(network.network.security_group_id.clone());
    let input = RunInstancesInput {
        min_count: 1,
        max_count: 1,
        ..RunInstancesInput::default()
    };
    let mut launched = Vec::with_capacity(count);
    let mut reservation_id = Text::default();
    for index in 0..count {
        if index % 10 == 0 {
            reservation_id = ids::random_id("r-").into();
        }
        let launch = Launch {
            image_id: image_id.clone(),
            traits: traits.clone(),
            kernel_id: None,
            ramdisk_id: None,
            instance_type: "t2.micro".into(),
            zone_index: index % regions::ZONE_LETTERS.len(),
            group_ids: vec![group_id.clone()],
            group_names: vec![Text::from("default")],
            private_ip: None,
            public_ip: true,
            instance_tags: Tags::new(),
        };
        let mut record = new_record(
            &mut state.next_launch_seq,
            region,
            scope,
            &network,
            &launch,
            &input,
            &reservation_id,
            (index % 10) as i64,
            now,
        );
        record.state = InstanceStateName::Running;
        launched.push(record.instance_id.to_string());
        insert(region, scope, record);
    }
    launched
}

/// `DescribeInstances` and `DescribeInstancesV6`.
pub(crate) fn describe(
    cloud: &FakeCloud,
    scope: &Scope,
    input: &DescribeInstancesInput,
    ipv6: bool,
) -> Result<DescribeInstancesOutput, Ec2Error> {
    filters::check_names(&input.filters, INSTANCE_FILTERS, true)?;
    let page_size = paging::page_size(input.max_results)?;
    if !input.instance_ids.is_empty() && input.max_results.is_some() {
        return Err(paging::ids_with_max_results("instancesSet"));
    }
    let after = input
        .next_token
        .as_deref()
        .map(paging::decode_seq)
        .transpose()?;

    let now = cloud.config_clock_now();
    let delay = cloud.transition_delay();
    let state = cloud.read();
    let region = &state.regions[&scope.region];
    let context = RenderContext::new(ipv6).with_volumes(region, Moment { now, delay });
    let view = |record| View {
        record,
        state: record.state_at(now, delay),
    };
    let wanted = |view: &View<'_>| {
        filters::matches_all(&input.filters, |name| context.filter_values(view, name))
    };

    let (page, next_token) = if !input.instance_ids.is_empty() {
        let mut records = owned_all(region, scope, &input.instance_ids)?;
        records.sort_by_key(|record| record.launch_seq);
        records.dedup_by_key(|record| record.launch_seq);
        let page: Vec<View<'_>> = records.into_iter().map(view).filter(wanted).collect();
        (page, None)
    } else {
        let Some(project) = region.projects.get(&scope.project) else {
            return Ok(DescribeInstancesOutput::default());
        };
        let start = after.map_or(0, |seq| seq + 1);
        let mut matching = project
            .launch_order
            .range(start..)
            .filter_map(|(_, id)| region.instances.get(id))
            .map(view)
            .filter(wanted);
        let page: Vec<View<'_>> = matching.by_ref().take(page_size).collect();
        let next_token = if page.len() == page_size && matching.next().is_some() {
            page.last()
                .map(|view| paging::encode_token(&view.record.launch_seq.to_string()))
        } else {
            None
        };
        (page, next_token)
    };
    Ok(DescribeInstancesOutput {
        reservations: context.reservations(&page),
        next_token,
    })
}

/// A state change a call asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Change {
    Start,
    Stop,
    Reboot,
    Terminate,
}

/// The state `change` moves an instance in `from` to, or the error AWS answers.
fn next_state(
    record: &InstanceRecord,
    from: InstanceStateName,
    change: Change,
) -> Result<InstanceStateName, Ec2Error> {
    use InstanceStateName as S;
    let id = &record.instance_id;
    match change {
        Change::Start => match from {
            S::Stopped => Ok(S::Pending),
            S::Pending | S::Running => Ok(from),
            _ => Err(incorrect_state(id, "started")),
        },
        Change::Stop => match from {
            S::Pending | S::Running if record.disable_api_stop => Err(Ec2Error::new(
                ErrorCode::OperationNotPermitted,
                format!(
                    "The instance '{id}' may not be stopped. Modify its 'disableApiStop' \
                     instance attribute and try again."
                ),
            )),
            S::Pending | S::Running => Ok(S::Stopping),
            S::Stopping | S::Stopped => Ok(from),
            _ => Err(incorrect_state(id, "stopped")),
        },
        Change::Reboot => match from {
            S::Pending | S::Running => Ok(from),
            _ => Err(incorrect_state(id, "rebooted")),
        },
        Change::Terminate => match from {
            S::Terminated | S::ShuttingDown => Ok(from),
            _ if record.disable_api_termination => Err(Ec2Error::new(
                ErrorCode::OperationNotPermitted,
                format!(
                    "The instance '{id}' may not be terminated. Modify its \
                     'disableApiTermination' instance attribute and try again."
                ),
            )),
            _ => Ok(S::ShuttingDown),
        },
    }
}

fn is_active(state: InstanceStateName) -> bool {
    matches!(
        state,
        InstanceStateName::Pending | InstanceStateName::Running
    )
}

/// Start, Stop, Reboot or Terminate `instance_ids`: all of them or, on any error, none.
pub(crate) fn change(
    cloud: &FakeCloud,
    scope: &Scope,
    instance_ids: &[String],
    change: Change,
) -> Result<Vec<InstanceStateChange>, Ec2Error> {
    let now = cloud.config_clock_now();
    let delay = cloud.transition_delay();
    let public_domain = regions::public_domain(&scope.region);
    let mut state = cloud.write();
    let region = state
        .regions
        .get_mut(&scope.region)
        .ok_or_else(Ec2Error::internal)?;

    // Check every instance before changing any.
    check_owned(region, scope, instance_ids)?;
    let mut plan = Vec::with_capacity(instance_ids.len());
    for id in instance_ids {
        let record = &region.instances[id];
        let from = record.state_at(now, delay);
        plan.push((id, from, next_state(record, from, change)?));
    }

    let mut changes = Vec::with_capacity(plan.len());
    let mut active_delta: isize = 0;
    for (id, from, to) in plan {
        let record = region
            .instances
            .get_mut(id)
            .ok_or_else(Ec2Error::internal)?;
        record.settle(now, delay);
        if from != to && record.state == from {
            if is_active(from) && !is_active(to) {
                active_delta -= 1;
            }
            if !is_active(from) && is_active(to) {
                active_delta += 1;
            }
            record.state = to;
            record.changed_at = now;
            match to {
                InstanceStateName::Pending => {
                    record.transition_reason = Text::default();
                    record.launch_time = now;
                    if record.public_ip.is_some() && record.elastic_ip.is_none() {
                        let ip = random_public_ip();
                        record.public_ip = Some(ip);
                        record.network.public = Some(public_address(&public_domain, ip));
                    }
                }
                _ => record.transition_reason = user_initiated(now).into(),
            }
        }
        changes.push(InstanceStateChange {
            instance_id: record.instance_id.clone(),
            current_state: to,
            previous_state: from,
        });
    }
    let project = project_entry(region, scope);
    project.active_instances = project.active_instances.saturating_add_signed(active_delta);
    Ok(changes)
}

/// `GetConsoleOutput`: a plausible boot log (a kernel that prints no timestamps), base64.
pub(crate) fn console_output(
    cloud: &FakeCloud,
    scope: &Scope,
    input: &GetConsoleOutputInput,
) -> Result<GetConsoleOutputOutput, Ec2Error> {
    let now = cloud.config_clock_now();
    let state = cloud.read();
    let region = &state.regions[&scope.region];
    let record =
        owned(region, scope, &input.instance_id).ok_or_else(|| not_found(&[&input.instance_id]))?;
    let hostname = format!("ip-{}", dashed(record.private_ip));
    let log = format!(
        "Linux version 6.1.0-cumulo (builder@cumulo) #1 SMP\r\n\
         Command line: BOOT_IMAGE=/boot/vmlinuz root=LABEL=/ console=ttyS0\r\n\
         Hypervisor detected: Xen HVM\r\n\
         EXT4-fs (xvda1): mounted filesystem with ordered data mode\r\n\
         Cloud-init v. 23.4 running 'init-local' at {launch}. Up 3.12 seconds.\r\n\
         ci-info: +++++++++++++++++++++++Net device info+++++++++++++++++++++++\r\n\
         ci-info: | eth0 | True | {address} | 255.255.240.0 | {mac} |\r\n\
         Cloud-init v. 23.4 finished at {launch}. Datasource DataSourceEc2. Up 9.87 seconds\r\n\
         \r\n\
         {hostname} login: \r\n\
         instance-id: {id}\r\n",
        launch = crate::ec2::xml::format_timestamp(record.launch_time),
        address = dotted(record.private_ip),
        mac = record.mac_address,
        id = record.instance_id,
    );
    Ok(GetConsoleOutputOutput {
        instance_id: record.instance_id.to_string(),
        timestamp: now,
        output: STANDARD.encode(log),
    })
}

/// `DescribeInstanceAttribute`.
pub(crate) fn describe_attribute(
    cloud: &FakeCloud,
    scope: &Scope,
    input: &DescribeInstanceAttributeInput,
) -> Result<DescribeInstanceAttributeOutput, Ec2Error> {
    let now = cloud.config_clock_now();
    let delay = cloud.transition_delay();
    let state = cloud.read();
    let region = &state.regions[&scope.region];
    let record =
        owned(region, scope, &input.instance_id).ok_or_else(|| not_found(&[&input.instance_id]))?;
    let context = RenderContext::new(false);
    use InstanceAttributeName as N;
    use InstanceAttributeValue as V;
    let value = match input.attribute {
        N::InstanceType => V::InstanceType(record.instance_type.to_string()),
        N::Kernel => V::Kernel(record.kernel_id.as_deref().map(str::to_owned)),
        N::Ramdisk => V::Ramdisk(record.ramdisk_id.as_deref().map(str::to_owned)),
        N::UserData => V::UserData(record.user_data.clone().map(UserData)),
        N::DisableApiTermination => V::DisableApiTermination(record.disable_api_termination),
        N::InstanceInitiatedShutdownBehavior => {
            V::InstanceInitiatedShutdownBehavior(record.shutdown_behavior.clone())
        }
        N::RootDeviceName => V::RootDeviceName(record.image.root_device_name.to_string()),
        N::BlockDeviceMapping => {
            let context = context.with_volumes(region, Moment { now, delay });
            let instance = context.instance(&View {
                record,
                state: record.state_at(now, delay),
            });
            V::BlockDeviceMapping(instance.block_device_mappings)
        }
        N::ProductCodes => V::ProductCodes(vec![]),
        N::SourceDestCheck => V::SourceDestCheck(record.source_dest_check),
        N::GroupSet => V::GroupSet(context.groups(record)),
        N::EbsOptimized => V::EbsOptimized(record.ebs_optimized),
        N::SriovNetSupport => V::SriovNetSupport(record.sriov_net_support.clone()),
        N::EnaSupport => V::EnaSupport(record.ena_support),
        N::EnclaveOptions => V::EnclaveOptions(record.enclave),
        N::DisableApiStop => V::DisableApiStop(record.disable_api_stop),
    };
    Ok(DescribeInstanceAttributeOutput {
        instance_id: record.instance_id.to_string(),
        value,
    })
}

/// `ModifyInstanceAttribute`: checks every change, then applies them all.
pub(crate) fn modify_attribute(
    cloud: &FakeCloud,
    scope: &Scope,
    input: &ModifyInstanceAttributeInput,
) -> Result<(), Ec2Error> {
    let now = cloud.config_clock_now();
    let delay = cloud.transition_delay();
    let mut state = cloud.write();
    let region = state
        .regions
        .get_mut(&scope.region)
        .ok_or_else(Ec2Error::internal)?;
    let record =
        owned(region, scope, &input.instance_id).ok_or_else(|| not_found(&[&input.instance_id]))?;
    let current = record.state_at(now, delay);

    // Checks.
    let needs_stopped = input.instance_type.is_some()
        || input.user_data.is_some()
        || input.kernel.is_some()
        || input.ramdisk.is_some()
        || input.ebs_optimized.is_some()
        || input.ena_support.is_some()
        || input.sriov_net_support.is_some();
    if needs_stopped && current != InstanceStateName::Stopped {
        return Err(not_stopped(&input.instance_id));
    }
    if let Some(instance_type) = &input.instance_type {
        let info = check_instance_type(instance_type)?;
        if !info.runs(&record.image.architecture) {
            return Err(Ec2Error::new(
                ErrorCode::InvalidParameterValue,
                format!(
                    "The instance type '{instance_type}' does not support the architecture \
                     '{}' of the instance's AMI.",
                    record.image.architecture
                ),
            ));
        }
    }
    if let Some(user_data) = &input.user_data {
        check_user_data(user_data)?;
    }
    if let Some(behavior) = &input.instance_initiated_shutdown_behavior
        && behavior != "stop"
        && behavior != "terminate"
    {
        return Err(Ec2Error::invalid_value(
            "InstanceInitiatedShutdownBehavior",
            behavior,
            "Expecting 'stop' or 'terminate'.",
        ));
    }
    let groups = if input.group_ids.is_empty() {
        None
    } else {
        Some(resolve_groups(region, scope, &[], &input.group_ids)?)
    };

    // Changes.
    let record = region
        .instances
        .get_mut(&input.instance_id)
        .ok_or_else(Ec2Error::internal)?;
    if let Some(value) = &input.instance_type {
        record.instance_type = value.clone().into();
        // A type set through EC2 settles a resize the Compute API left unconfirmed: a
        // later revert must not bring back the type from before that resize.
        record.server.resized_from = None;
    }
    if let Some(value) = &input.user_data {
        record.user_data = Some(value.0.clone());
    }
    if let Some(value) = &input.kernel {
        record.kernel_id = Some(value.clone().into());
    }
    if let Some(value) = &input.ramdisk {
        record.ramdisk_id = Some(value.clone().into());
    }
    if let Some(value) = input.disable_api_termination {
        record.disable_api_termination = value;
    }
    if let Some(value) = input.disable_api_stop {
        record.disable_api_stop = value;
    }
    if let Some(value) = &input.instance_initiated_shutdown_behavior {
        record.shutdown_behavior = value.clone();
    }
    if let Some(value) = input.source_dest_check {
        record.source_dest_check = value;
    }
    if let Some(value) = input.ebs_optimized {
        record.ebs_optimized = value;
    }
    if let Some(value) = input.ena_support {
        record.ena_support = value;
    }
    if let Some(value) = &input.sriov_net_support {
        record.sriov_net_support = Some(value.clone());
    }
    if let Some((group_ids, group_names)) = groups {
        record.group_ids = group_ids;
        record.group_names = group_names;
    }
    Ok(())
}

/// `DescribeInstanceStatus`: running instances, or all with `IncludeAllInstances`.
pub(crate) fn describe_status(
    cloud: &FakeCloud,
    scope: &Scope,
    input: &DescribeInstanceStatusInput,
) -> Result<DescribeInstanceStatusOutput, Ec2Error> {
    filters::check_names(&input.filters, STATUS_FILTERS, false)?;
    let page_size = paging::page_size(input.max_results)?;
    if !input.instance_ids.is_empty() && input.max_results.is_some() {
        return Err(paging::ids_with_max_results("instancesSet"));
    }
    let after = input
        .next_token
        .as_deref()
        .map(paging::decode_seq)
        .transpose()?;

    let now = cloud.config_clock_now();
    let delay = cloud.transition_delay();
    let state = cloud.read();
    let region = &state.regions[&scope.region];
    let status_of = |record: &InstanceRecord| {
        let state = record.state_at(now, delay);
        let summary = |running: bool| InstanceStatusSummary {
            status: Text::from(if running { "ok" } else { "not-applicable" }),
            details: if running {
                vec![InstanceStatusDetails {
                    name: Text::from("reachability"),
                    status: Text::from("passed"),
                }]
            } else {
                vec![]
            },
        };
        let running = state == InstanceStateName::Running;
        InstanceStatus {
            instance_id: record.instance_id.clone(),
            availability_zone: record.network.availability_zone.clone(),
            availability_zone_id: Some(regions::zone_id(&scope.region, record.zone_index).into()),
            state,
            system_status: summary(running),
            instance_status: summary(running),
        }
    };
    let wanted = |status: &InstanceStatus| {
        (input.include_all_instances || status.state == InstanceStateName::Running)
            && filters::matches_all(&input.filters, |name| {
                vec![match name {
                    "availability-zone" => status.availability_zone.clone(),
                    "instance-state-name" => Text::from(status.state.as_str()),
                    "instance-state-code" => status.state.code().to_string().into(),
                    "system-status.status" => status.system_status.status.clone(),
                    "instance-status.status" => status.instance_status.status.clone(),
                    _ => match status.instance_status.details.first() {
                        Some(detail) => detail.status.clone(),
                        None => return vec![],
                    },
                }]
            })
    };

    if !input.instance_ids.is_empty() {
        let mut records = owned_all(region, scope, &input.instance_ids)?;
        records.sort_by_key(|record| record.launch_seq);
        records.dedup_by_key(|record| record.launch_seq);
        let statuses = records.into_iter().map(status_of).filter(wanted).collect();
        return Ok(DescribeInstanceStatusOutput {
            statuses,
            next_token: None,
        });
    }
    let Some(project) = region.projects.get(&scope.project) else {
        return Ok(DescribeInstanceStatusOutput::default());
    };
    let start = after.map_or(0, |seq| seq + 1);
    let mut matching = project
        .launch_order
        .range(start..)
        .filter_map(|(seq, id)| region.instances.get(id).map(|record| (*seq, record)))
        .map(|(seq, record)| (seq, status_of(record)))
        .filter(|(_, status)| wanted(status));
    let page: Vec<(u64, InstanceStatus)> = matching.by_ref().take(page_size).collect();
    let next_token = if page.len() == page_size && matching.next().is_some() {
        page.last()
            .map(|(seq, _)| paging::encode_token(&seq.to_string()))
    } else {
        None
    };
    Ok(DescribeInstanceStatusOutput {
        statuses: page.into_iter().map(|(_, status)| status).collect(),
        next_token,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instance_types_know_their_architecture_and_cpus() {
        let t2 = instance_type_info("t2.micro").unwrap();
        assert_eq!(
            (t2.architecture, t2.cores, t2.threads_per_core),
            ("x86_64", 1, 1)
        );
        let t3 = instance_type_info("t3.micro").unwrap();
        assert_eq!((t3.cores, t3.threads_per_core), (1, 2));
        let m5 = instance_type_info("m5.4xlarge").unwrap();
        assert_eq!((m5.cores, m5.threads_per_core), (8, 2));
        assert_eq!(
            instance_type_info("t4g.small").unwrap().architecture,
            "arm64"
        );
        assert!(instance_type_info("t2.huge").is_none());
        assert!(instance_type_info("invalid_type").is_none());
    }

    #[test]
    fn user_initiated_reasons_name_the_time_in_gmt() {
        let at = time::macros::datetime!(2026-01-02 03:04:05 UTC);
        assert_eq!(
            user_initiated(at),
            "User initiated (2026-01-02 03:04:05 GMT)"
        );
    }
}
