//! The resources of the Compute API as a [`ComputeController`](super::ComputeController)
//! sees them: plain data, independent of the wire format and the microversion.
//!
//! The views (see `resources`) decide which fields each microversion shows and how they
//! are spelled in JSON and in the XML of `/v1.0` and `/v1.1`; a controller fills every
//! field it knows and leaves the rest at its default.

use std::collections::BTreeMap;

use time::OffsetDateTime;

/// A server's status, as Nova reports it (`status` in the server view).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum ServerStatus {
    /// Running.
    Active,
    /// Being built.
    #[default]
    Build,
    /// Deleted (shown only to `changes-since` queries).
    Deleted,
    /// In error.
    Error,
    /// Being rebooted hard.
    HardReboot,
    /// Its password is being changed.
    Password,
    /// Paused.
    Paused,
    /// Being rebooted.
    Reboot,
    /// Being rebuilt.
    Rebuild,
    /// In rescue mode.
    Rescue,
    /// Being resized or migrated.
    Resize,
    /// A resize is being reverted.
    RevertResize,
    /// Shelved.
    Shelved,
    /// Shelved and offloaded.
    ShelvedOffloaded,
    /// Stopped.
    Shutoff,
    /// Soft-deleted.
    SoftDeleted,
    /// Suspended.
    Suspended,
    /// In an unknown state.
    Unknown,
    /// Resized, waiting for the user to confirm or revert.
    VerifyResize,
    /// Being migrated.
    Migrating,
}

impl ServerStatus {
    /// Every status, in the order Nova's API reference lists them.
    pub const ALL: &'static [ServerStatus] = &[
        ServerStatus::Active,
        ServerStatus::Build,
        ServerStatus::Deleted,
        ServerStatus::Error,
        ServerStatus::HardReboot,
        ServerStatus::Migrating,
        ServerStatus::Password,
        ServerStatus::Paused,
        ServerStatus::Reboot,
        ServerStatus::Rebuild,
        ServerStatus::Rescue,
        ServerStatus::Resize,
        ServerStatus::RevertResize,
        ServerStatus::Shelved,
        ServerStatus::ShelvedOffloaded,
        ServerStatus::Shutoff,
        ServerStatus::SoftDeleted,
        ServerStatus::Suspended,
        ServerStatus::Unknown,
        ServerStatus::VerifyResize,
    ];

    /// The status as the API spells it.
    pub const fn as_str(self) -> &'static str {
        match self {
            ServerStatus::Active => "ACTIVE",
            ServerStatus::Build => "BUILD",
            ServerStatus::Deleted => "DELETED",
            ServerStatus::Error => "ERROR",
            ServerStatus::HardReboot => "HARD_REBOOT",
            ServerStatus::Migrating => "MIGRATING",
            ServerStatus::Password => "PASSWORD",
            ServerStatus::Paused => "PAUSED",
            ServerStatus::Reboot => "REBOOT",
            ServerStatus::Rebuild => "REBUILD",
            ServerStatus::Rescue => "RESCUE",
            ServerStatus::Resize => "RESIZE",
            ServerStatus::RevertResize => "REVERT_RESIZE",
            ServerStatus::Shelved => "SHELVED",
            ServerStatus::ShelvedOffloaded => "SHELVED_OFFLOADED",
            ServerStatus::Shutoff => "SHUTOFF",
            ServerStatus::SoftDeleted => "SOFT_DELETED",
            ServerStatus::Suspended => "SUSPENDED",
            ServerStatus::Unknown => "UNKNOWN",
            ServerStatus::VerifyResize => "VERIFY_RESIZE",
        }
    }

    /// The status spelled `name` (case-insensitive, as Nova's status filter reads it).
    pub fn from_name(name: &str) -> Option<ServerStatus> {
        ServerStatus::ALL
            .iter()
            .copied()
            .find(|status| status.as_str().eq_ignore_ascii_case(name))
    }
}

/// One address of a server on one network.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ServerAddress {
    /// The address, IPv4 or IPv6.
    pub addr: String,
    /// 4 or 6.
    pub version: u8,
    /// The MAC address of the port (`OS-EXT-IPS-MAC:mac_addr`).
    pub mac_addr: String,
    /// `fixed` or `floating` (`OS-EXT-IPS:type`).
    pub kind: AddressKind,
}

/// Whether an address belongs to the port or was associated with it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum AddressKind {
    /// The port's own address.
    #[default]
    Fixed,
    /// An address associated with the port (an EC2 public or Elastic IP address).
    Floating,
}

impl AddressKind {
    /// `fixed` or `floating`.
    pub const fn as_str(self) -> &'static str {
        match self {
            AddressKind::Fixed => "fixed",
            AddressKind::Floating => "floating",
        }
    }
}

/// The addresses a server has on one network, by the network's label.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ServerNetwork {
    /// The network's label (`private`, `public`, a network name).
    pub label: String,
    /// Its addresses, in the order the port holds them.
    pub addresses: Vec<ServerAddress>,
}

/// A volume attached to a server.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AttachedVolume {
    /// The volume id.
    pub id: String,
    /// Whether the volume goes with the server (shown from 2.3).
    pub delete_on_termination: bool,
}

/// The attributes Nova shows administrators (`OS-EXT-SRV-ATTR:*`); from 2.3 the ones
/// after `instance_name` too.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ServerHostAttributes {
    /// The compute host.
    pub host: String,
    /// The hypervisor's host name.
    pub hypervisor_hostname: String,
    /// The hypervisor's name for the instance.
    pub instance_name: String,
    /// The reservation the server was launched in (2.3).
    pub reservation_id: String,
    /// Its index in that reservation (2.3).
    pub launch_index: i64,
    /// The kernel image id, empty when none (2.3).
    pub kernel_id: String,
    /// The ramdisk image id, empty when none (2.3).
    pub ramdisk_id: String,
    /// The guest's host name (2.3).
    pub hostname: String,
    /// The root device (2.3).
    pub root_device_name: String,
    /// The user data, base64 as given at creation (2.3).
    pub user_data: Option<String>,
}

/// A server (an instance).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Server {
    /// The server's id (a UUID in Nova).
    pub id: String,
    /// Its name.
    pub name: String,
    /// Its status.
    pub status: ServerStatus,
    /// The project that owns it.
    pub tenant_id: String,
    /// The user that created it.
    pub user_id: String,
    /// Its metadata.
    pub metadata: BTreeMap<String, String>,
    /// An opaque id of its host, unique per project.
    pub host_id: String,
    /// The image it was booted from; `None` when it boots from a volume.
    pub image_id: Option<String>,
    /// Its flavor, in full: views show its id and links before 2.47 and its details from
    /// 2.47 on.
    pub flavor: Flavor,
    /// When it was created.
    pub created: Option<OffsetDateTime>,
    /// When it last changed.
    pub updated: Option<OffsetDateTime>,
    /// Its addresses, by network.
    pub addresses: Vec<ServerNetwork>,
    /// The IPv4 address users should reach it at (`accessIPv4`), empty when unset.
    pub access_ipv4: String,
    /// The IPv6 address users should reach it at (`accessIPv6`), empty when unset.
    pub access_ipv6: String,
    /// The key pair injected at boot.
    pub key_name: Option<String>,
    /// Its availability zone.
    pub availability_zone: String,
    /// The names of its security groups.
    pub security_groups: Vec<String>,
    /// Nova's VM state (`active`, `building`, `stopped`, `resized`, `deleted`...).
    pub vm_state: String,
    /// Nova's task state (`powering-off`, `rebooting`, `deleting`...), `None` when idle.
    pub task_state: Option<String>,
    /// The power state: 0 no state, 1 running, 3 paused, 4 shut down, 6 crashed,
    /// 7 suspended.
    pub power_state: u8,
    /// When it was first started.
    pub launched_at: Option<OffsetDateTime>,
    /// When it was deleted.
    pub terminated_at: Option<OffsetDateTime>,
    /// Volumes attached to it.
    pub volumes_attached: Vec<AttachedVolume>,
    /// Whether it is locked (shown from 2.9).
    pub locked: bool,
    /// Its description (shown from 2.19).
    pub description: Option<String>,
    /// Its tags (shown from 2.26).
    pub tags: Vec<String>,
    /// Build or resize progress in percent.
    pub progress: u8,
    /// Whether it has a config drive.
    pub config_drive: bool,
    /// `AUTO` or `MANUAL` (`OS-DCF:diskConfig`).
    pub disk_config: String,
    /// What administrators see (`OS-EXT-SRV-ATTR:*`).
    pub host_attributes: ServerHostAttributes,
    /// The state of its compute host (`UP`, `DOWN`...; shown to administrators from 2.16).
    pub host_status: String,
    /// The administrator password, only in the answer to a create or rebuild.
    pub admin_pass: Option<String>,
}

/// A flavor (an EC2 instance type, in the fake).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Flavor {
    /// The flavor's id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// Memory in MiB.
    pub ram: u64,
    /// Virtual CPUs.
    pub vcpus: u32,
    /// Root disk in GiB.
    pub disk: u64,
    /// Ephemeral disk in GiB (`OS-FLV-EXT-DATA:ephemeral`).
    pub ephemeral: u64,
    /// Swap in MiB; 0 for none.
    pub swap: u64,
    /// The network bandwidth factor.
    pub rxtx_factor: f64,
    /// Whether every project may use it (`os-flavor-access:is_public`).
    pub is_public: bool,
    /// Whether it is disabled (`OS-FLV-DISABLED:disabled`).
    pub disabled: bool,
    /// Its extra specs.
    pub extra_specs: BTreeMap<String, String>,
    /// Its description.
    pub description: Option<String>,
}

/// An image's status, as the Compute API's image proxy spells it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum ImageStatus {
    /// Ready to boot.
    #[default]
    Active,
    /// Being made (a snapshot in progress).
    Saving,
    /// Deleted.
    Deleted,
    /// Failed.
    Error,
    /// Known but without data yet.
    Unknown,
}

impl ImageStatus {
    /// The status as the Compute API spells it (`ACTIVE`...). Glance uses the lower case.
    pub const fn as_str(self) -> &'static str {
        match self {
            ImageStatus::Active => "ACTIVE",
            ImageStatus::Saving => "SAVING",
            ImageStatus::Deleted => "DELETED",
            ImageStatus::Error => "ERROR",
            ImageStatus::Unknown => "UNKNOWN",
        }
    }
}

/// Who may see an image, as Glance names it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum ImageVisibility {
    /// Every project.
    #[default]
    Public,
    /// Its owner only.
    Private,
    /// Its owner and the projects it is shared with.
    Shared,
    /// Every project, though not listed by default.
    Community,
}

impl ImageVisibility {
    /// `public`, `private`, `shared` or `community`.
    pub const fn as_str(self) -> &'static str {
        match self {
            ImageVisibility::Public => "public",
            ImageVisibility::Private => "private",
            ImageVisibility::Shared => "shared",
            ImageVisibility::Community => "community",
        }
    }
}

/// An image (an AMI, in the fake).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Image {
    /// The image's id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// Its status.
    pub status: ImageStatus,
    /// When it was created.
    pub created: Option<OffsetDateTime>,
    /// When it last changed.
    pub updated: Option<OffsetDateTime>,
    /// The disk a server needs, in GiB.
    pub min_disk: u64,
    /// The memory a server needs, in MiB.
    pub min_ram: u64,
    /// Progress in percent (100 when active).
    pub progress: u8,
    /// Its size in bytes (`OS-EXT-IMG-SIZE:size`).
    pub size: u64,
    /// Its properties (`metadata`): architecture, kernel_id, ramdisk_id, image_type...
    pub metadata: BTreeMap<String, String>,
    /// The server a snapshot was made from.
    pub server_id: Option<String>,
    /// The project that owns it.
    pub owner: String,
    /// Who may see it.
    pub visibility: ImageVisibility,
    /// Whether it is hidden from default listings (Glance's `os_hidden`).
    pub hidden: bool,
    /// Whether it may not be deleted.
    pub protected: bool,
    /// Glance's disk format (`raw`, `qcow2`, `ami`...).
    pub disk_format: String,
    /// Glance's container format (`bare`, `ami`...).
    pub container_format: String,
}

/// A key pair.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct KeyPair {
    /// Its name, unique per user.
    pub name: String,
    /// The public key, one OpenSSH line.
    pub public_key: String,
    /// Its fingerprint.
    pub fingerprint: String,
    /// `ssh` or `x509` (shown from 2.2).
    pub key_type: String,
    /// The user that owns it.
    pub user_id: String,
    /// The private key, only in the answer to a create that generated it.
    pub private_key: Option<String>,
    /// When it was created.
    pub created_at: Option<OffsetDateTime>,
    /// A numeric id (shown by `GET /os-keypairs/{name}`).
    pub id: i64,
}

/// The absolute limits and usage of a project (`GET /limits`). `-1` means unlimited.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AbsoluteLimits {
    /// `maxTotalInstances`.
    pub max_total_instances: i64,
    /// `maxTotalCores`.
    pub max_total_cores: i64,
    /// `maxTotalRAMSize` (MiB).
    pub max_total_ram_size: i64,
    /// `maxTotalKeypairs`.
    pub max_total_keypairs: i64,
    /// `maxServerMeta`.
    pub max_server_meta: i64,
    /// `maxImageMeta` (shown before 2.39).
    pub max_image_meta: i64,
    /// `maxPersonality`.
    pub max_personality: i64,
    /// `maxPersonalitySize`.
    pub max_personality_size: i64,
    /// `maxSecurityGroups` (shown before 2.36).
    pub max_security_groups: i64,
    /// `maxSecurityGroupRules` (shown before 2.36).
    pub max_security_group_rules: i64,
    /// `maxTotalFloatingIps` (shown before 2.36).
    pub max_total_floating_ips: i64,
    /// `maxServerGroups`.
    pub max_server_groups: i64,
    /// `maxServerGroupMembers`.
    pub max_server_group_members: i64,
    /// `totalInstancesUsed`.
    pub total_instances_used: i64,
    /// `totalCoresUsed`.
    pub total_cores_used: i64,
    /// `totalRAMUsed` (MiB).
    pub total_ram_used: i64,
    /// `totalSecurityGroupsUsed` (shown before 2.36).
    pub total_security_groups_used: i64,
    /// `totalFloatingIpsUsed` (shown before 2.36).
    pub total_floating_ips_used: i64,
    /// `totalServerGroupsUsed`.
    pub total_server_groups_used: i64,
}

/// One rate limit (`limits.rate`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RateLimit {
    /// The URI pattern it covers, as shown.
    pub uri: String,
    /// The regular expression it matches with.
    pub regex: String,
    /// Per verb: the verb, the allowed count, what remains, the unit and the reset time.
    pub limits: Vec<RateLimitEntry>,
}

/// One verb's rate limit.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RateLimitEntry {
    /// `GET`, `POST`...
    pub verb: String,
    /// Requests allowed per unit.
    pub value: i64,
    /// Requests left in this unit.
    pub remaining: i64,
    /// `SECOND`, `MINUTE`, `HOUR` or `DAY`.
    pub unit: String,
    /// When the count starts again.
    pub next_available: Option<OffsetDateTime>,
}

/// What `GET /limits` answers.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Limits {
    /// The absolute limits and usage.
    pub absolute: AbsoluteLimits,
    /// The rate limits (empty in today's Nova).
    pub rate: Vec<RateLimit>,
}

/// When the weekly backup of a server runs (v1.0 backup schedules).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum WeeklyBackup {
    /// No weekly backup.
    #[default]
    Disabled,
    /// Sundays.
    Sunday,
    /// Mondays.
    Monday,
    /// Tuesdays.
    Tuesday,
    /// Wednesdays.
    Wednesday,
    /// Thursdays.
    Thursday,
    /// Fridays.
    Friday,
    /// Saturdays.
    Saturday,
}

impl WeeklyBackup {
    /// Every value, `DISABLED` first.
    pub const ALL: &'static [WeeklyBackup] = &[
        WeeklyBackup::Disabled,
        WeeklyBackup::Sunday,
        WeeklyBackup::Monday,
        WeeklyBackup::Tuesday,
        WeeklyBackup::Wednesday,
        WeeklyBackup::Thursday,
        WeeklyBackup::Friday,
        WeeklyBackup::Saturday,
    ];

    /// The value as the API spells it (`DISABLED`, `SUNDAY`...).
    pub const fn as_str(self) -> &'static str {
        match self {
            WeeklyBackup::Disabled => "DISABLED",
            WeeklyBackup::Sunday => "SUNDAY",
            WeeklyBackup::Monday => "MONDAY",
            WeeklyBackup::Tuesday => "TUESDAY",
            WeeklyBackup::Wednesday => "WEDNESDAY",
            WeeklyBackup::Thursday => "THURSDAY",
            WeeklyBackup::Friday => "FRIDAY",
            WeeklyBackup::Saturday => "SATURDAY",
        }
    }

    /// The value spelled `name` (exactly, as the v1.0 schema has it).
    pub fn from_name(name: &str) -> Option<WeeklyBackup> {
        WeeklyBackup::ALL
            .iter()
            .copied()
            .find(|day| day.as_str() == name)
    }
}

/// The two-hour window of a server's daily backup (v1.0 backup schedules):
/// `None` for `DISABLED`, else the window's starting hour, even, 0 to 22
/// (`H_0000_0200` ... `H_2200_0000`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DailyBackup(pub Option<u8>);

impl DailyBackup {
    /// The value as the API spells it.
    pub fn to_name(self) -> String {
        match self.0 {
            None => "DISABLED".to_owned(),
            Some(start) => format!("H_{start:02}00_{:02}00", (start + 2) % 24),
        }
    }

    /// The value spelled `name`, if it is one of the thirteen the schema allows.
    pub fn from_name(name: &str) -> Option<DailyBackup> {
        if name == "DISABLED" {
            return Some(DailyBackup(None));
        }
        (0..24u8)
            .step_by(2)
            .map(|start| DailyBackup(Some(start)))
            .find(|window| window.to_name() == name)
    }
}

/// A server's backup schedule (v1.0).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct BackupSchedule {
    /// Whether backups run.
    pub enabled: bool,
    /// The weekly backup day.
    pub weekly: WeeklyBackup,
    /// The daily backup window.
    pub daily: DailyBackup,
}

/// A shared IP group (v1.0): servers that may share public addresses.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SharedIpGroup {
    /// The group's id.
    pub id: i64,
    /// Its name.
    pub name: String,
    /// The ids of its servers.
    pub servers: Vec<String>,
}

/// Which servers `GET /servers` lists. Unset fields do not filter.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ServerQuery {
    /// A regular expression the name must match (Nova's `name` filter; the fake takes
    /// a substring or an anchored `^...$` match).
    pub name: Option<String>,
    /// Only servers with this status.
    pub status: Option<ServerStatus>,
    /// Only servers booted from this image.
    pub image: Option<String>,
    /// Only servers of this flavor.
    pub flavor: Option<String>,
    /// Only servers holding this address (a regular expression in Nova; the fake takes a
    /// prefix).
    pub ip: Option<String>,
    /// Only servers that changed at or after this time; deleted servers are then
    /// listed too, with status `DELETED`.
    pub changes_since: Option<OffsetDateTime>,
    /// Only servers with every one of these tags (`tags`, 2.26).
    pub tags: Vec<String>,
    /// Only servers with at least one of these tags (`tags-any`, 2.26).
    pub tags_any: Vec<String>,
    /// Only servers without every one of these tags together (`not-tags`, 2.26).
    pub not_tags: Vec<String>,
    /// Only servers with none of these tags (`not-tags-any`, 2.26).
    pub not_tags_any: Vec<String>,
    /// Only servers of this reservation.
    pub reservation_id: Option<String>,
    /// At most this many servers.
    pub limit: Option<usize>,
    /// Start after the server with this id; a marker the controller does not know is a
    /// `badRequest` fault (`marker [x] not found`).
    pub marker: Option<String>,
    /// The order (`sort_key`, `sort_dir`), most significant first; the API always ends
    /// it with `created_at` and `uuid`. Empty, or [`ServerSort::newest_first`], is Nova's
    /// default: newest first, the last created first among servers created together.
    pub sort: Vec<ServerSort>,
}

/// A sort direction.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum SortDir {
    /// Smallest first; a missing value sorts before any other.
    Asc,
    /// Largest first.
    #[default]
    Desc,
}

/// A server attribute lists sort by (Nova's `sort_key` values).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ServerSortKey {
    /// `access_ip_v4`.
    AccessIpV4,
    /// `access_ip_v6`.
    AccessIpV6,
    /// `auto_disk_config` (`OS-DCF:diskConfig`).
    AutoDiskConfig,
    /// `availability_zone`.
    AvailabilityZone,
    /// `config_drive`.
    ConfigDrive,
    /// `created_at`.
    CreatedAt,
    /// `display_description`.
    DisplayDescription,
    /// `display_name`.
    DisplayName,
    /// `host` (administrators only).
    Host,
    /// `hostname`.
    Hostname,
    /// `image_ref`.
    ImageRef,
    /// `instance_type_id` (the flavor).
    InstanceTypeId,
    /// `kernel_id`.
    KernelId,
    /// `key_name`.
    KeyName,
    /// `launch_index`.
    LaunchIndex,
    /// `launched_at`.
    LaunchedAt,
    /// `locked_by`.
    LockedBy,
    /// `node` (administrators only).
    Node,
    /// `power_state`.
    PowerState,
    /// `progress`.
    Progress,
    /// `project_id`.
    ProjectId,
    /// `ramdisk_id`.
    RamdiskId,
    /// `root_device_name`.
    RootDeviceName,
    /// `task_state`.
    TaskState,
    /// `terminated_at`.
    TerminatedAt,
    /// `updated_at`.
    UpdatedAt,
    /// `user_id`.
    UserId,
    /// `uuid` (the server id).
    Uuid,
    /// `vm_state`.
    VmState,
}

impl ServerSortKey {
    /// Every key, with the name a request gives it.
    pub const ALL: [(&'static str, ServerSortKey); 29] = [
        ("access_ip_v4", ServerSortKey::AccessIpV4),
        ("access_ip_v6", ServerSortKey::AccessIpV6),
        ("auto_disk_config", ServerSortKey::AutoDiskConfig),
        ("availability_zone", ServerSortKey::AvailabilityZone),
        ("config_drive", ServerSortKey::ConfigDrive),
        ("created_at", ServerSortKey::CreatedAt),
        ("display_description", ServerSortKey::DisplayDescription),
        ("display_name", ServerSortKey::DisplayName),
        ("host", ServerSortKey::Host),
        ("hostname", ServerSortKey::Hostname),
        ("image_ref", ServerSortKey::ImageRef),
        ("instance_type_id", ServerSortKey::InstanceTypeId),
        ("kernel_id", ServerSortKey::KernelId),
        ("key_name", ServerSortKey::KeyName),
        ("launch_index", ServerSortKey::LaunchIndex),
        ("launched_at", ServerSortKey::LaunchedAt),
        ("locked_by", ServerSortKey::LockedBy),
        ("node", ServerSortKey::Node),
        ("power_state", ServerSortKey::PowerState),
        ("progress", ServerSortKey::Progress),
        ("project_id", ServerSortKey::ProjectId),
        ("ramdisk_id", ServerSortKey::RamdiskId),
        ("root_device_name", ServerSortKey::RootDeviceName),
        ("task_state", ServerSortKey::TaskState),
        ("terminated_at", ServerSortKey::TerminatedAt),
        ("updated_at", ServerSortKey::UpdatedAt),
        ("user_id", ServerSortKey::UserId),
        ("uuid", ServerSortKey::Uuid),
        ("vm_state", ServerSortKey::VmState),
    ];

    /// The key a request names `name`.
    pub fn from_name(name: &str) -> Option<ServerSortKey> {
        ServerSortKey::ALL
            .iter()
            .find(|(known, _)| *known == name)
            .map(|(_, key)| *key)
    }

    /// The name a request gives the key.
    pub fn name(self) -> &'static str {
        ServerSortKey::ALL
            .iter()
            .find(|(_, key)| *key == self)
            .map_or("", |(name, _)| name)
    }

    /// `server`'s value of this attribute, as a comparable value.
    fn value(self, server: &Server) -> SortValue<'_> {
        use ServerSortKey as K;
        let text = SortValue::Text;
        let attributes = &server.host_attributes;
        match self {
            K::AccessIpV4 => text(&server.access_ipv4),
            K::AccessIpV6 => text(&server.access_ipv6),
            K::AutoDiskConfig => SortValue::Number(i64::from(server.disk_config == "AUTO")),
            K::AvailabilityZone => text(&server.availability_zone),
            K::ConfigDrive => SortValue::Number(i64::from(server.config_drive)),
            K::CreatedAt => SortValue::Time(server.created),
            K::DisplayDescription => SortValue::Optional(server.description.as_deref()),
            K::DisplayName => text(&server.name),
            K::Host | K::Node => text(&attributes.host),
            K::Hostname => text(&attributes.hostname),
            K::ImageRef => SortValue::Optional(server.image_id.as_deref()),
            K::InstanceTypeId => text(&server.flavor.id),
            K::KernelId => text(&attributes.kernel_id),
            K::KeyName => SortValue::Optional(server.key_name.as_deref()),
            K::LaunchIndex => SortValue::Number(attributes.launch_index),
            K::LaunchedAt => SortValue::Time(server.launched_at),
            K::LockedBy => SortValue::Optional(server.locked.then_some("owner")),
            K::PowerState => SortValue::Number(i64::from(server.power_state)),
            K::Progress => SortValue::Number(i64::from(server.progress)),
            K::ProjectId => text(&server.tenant_id),
            K::RamdiskId => text(&attributes.ramdisk_id),
            K::RootDeviceName => text(&attributes.root_device_name),
            K::TaskState => SortValue::Optional(server.task_state.as_deref()),
            K::TerminatedAt => SortValue::Time(server.terminated_at),
            K::UpdatedAt => SortValue::Time(server.updated),
            K::UserId => text(&server.user_id),
            K::Uuid => text(&server.id),
            K::VmState => text(&server.vm_state),
        }
    }
}

/// A value servers compare by; a missing one is the smallest.
#[derive(PartialEq, Eq, PartialOrd, Ord)]
enum SortValue<'a> {
    Optional(Option<&'a str>),
    Text(&'a str),
    Number(i64),
    Time(Option<OffsetDateTime>),
}

/// One `sort_key` with its `sort_dir`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ServerSort {
    /// The attribute.
    pub key: ServerSortKey,
    /// The direction.
    pub dir: SortDir,
}

impl ServerSort {
    /// Nova's order when a request names none: newest first.
    pub const NEWEST_FIRST: [ServerSort; 2] = [
        ServerSort {
            key: ServerSortKey::CreatedAt,
            dir: SortDir::Desc,
        },
        ServerSort {
            key: ServerSortKey::Uuid,
            dir: SortDir::Desc,
        },
    ];

    /// [`ServerSort::NEWEST_FIRST`] as a list.
    pub fn newest_first() -> Vec<ServerSort> {
        ServerSort::NEWEST_FIRST.to_vec()
    }

    /// How `a` and `b` compare under `sort`, the most significant key first.
    pub fn compare(sort: &[ServerSort], a: &Server, b: &Server) -> std::cmp::Ordering {
        sort.iter()
            .map(|ServerSort { key, dir }| {
                let order = key.value(a).cmp(&key.value(b));
                match dir {
                    SortDir::Asc => order,
                    SortDir::Desc => order.reverse(),
                }
            })
            .find(|order| order.is_ne())
            .unwrap_or(std::cmp::Ordering::Equal)
    }
}

/// How a new server is connected (`networks`; required from 2.37).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum NetworkRequest {
    /// Whatever network the project has (`"auto"`, and the default before 2.37).
    #[default]
    Auto,
    /// No network (`"none"`).
    None,
    /// These networks or ports.
    List(Vec<RequestedNetwork>),
}

/// One entry of a `networks` list.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RequestedNetwork {
    /// The network id (`uuid`).
    pub uuid: Option<String>,
    /// A port id (`port`).
    pub port: Option<String>,
    /// A fixed address to ask for (`fixed_ip`).
    pub fixed_ip: Option<String>,
    /// A device tag (`tag`, 2.32 to 2.36 and from 2.42).
    pub tag: Option<String>,
}

/// `POST /servers`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CreateServer {
    /// The server's name.
    pub name: String,
    /// The image to boot (`imageRef`): an id, or a link whose last segment is one.
    pub image_ref: Option<String>,
    /// The flavor (`flavorRef`): an id, or a link whose last segment is one.
    pub flavor_ref: String,
    /// The networks.
    pub networks: NetworkRequest,
    /// The key pair to inject.
    pub key_name: Option<String>,
    /// Security group names; empty means `default`.
    pub security_groups: Vec<String>,
    /// User data, base64.
    pub user_data: Option<String>,
    /// Metadata.
    pub metadata: BTreeMap<String, String>,
    /// The availability zone.
    pub availability_zone: Option<String>,
    /// The administrator password to set; the controller generates one when absent.
    pub admin_pass: Option<String>,
    /// The description (2.19).
    pub description: Option<String>,
    /// Tags (2.52 in Nova; accepted here at any version the view shows tags).
    pub tags: Vec<String>,
    /// `accessIPv4`.
    pub access_ipv4: Option<String>,
    /// `accessIPv6`.
    pub access_ipv6: Option<String>,
    /// Whether to give it a config drive.
    pub config_drive: bool,
    /// How many servers at least (`min_count`, default 1).
    pub min_count: u32,
    /// How many servers at most (`max_count`, default `min_count`).
    pub max_count: u32,
}

/// What `POST /servers` created.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CreatedServers {
    /// The first server created, with its `admin_pass`.
    pub server: Server,
    /// The reservation they belong to (answered instead of the server when the request
    /// asked `return_reservation_id`).
    pub reservation_id: String,
}

/// `PUT /servers/{id}`: the fields given change, the others stay.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct UpdateServer {
    /// The server.
    pub server_id: String,
    /// A new name.
    pub name: Option<String>,
    /// A new description (2.19); `Some(None)` clears it.
    pub description: Option<Option<String>>,
    /// A new `accessIPv4`.
    pub access_ipv4: Option<String>,
    /// A new `accessIPv6`.
    pub access_ipv6: Option<String>,
}

/// Soft or hard reboot.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum RebootType {
    /// A graceful reboot (`SOFT`).
    #[default]
    Soft,
    /// A power cycle (`HARD`).
    Hard,
}

/// The `rebuild` action.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RebuildServer {
    /// The server.
    pub server_id: String,
    /// The image to rebuild from (`imageRef`).
    pub image_ref: String,
    /// A new name.
    pub name: Option<String>,
    /// The administrator password to set; the controller generates one when absent.
    pub admin_pass: Option<String>,
    /// New metadata, replacing the old.
    pub metadata: Option<BTreeMap<String, String>>,
    /// A new description (2.19).
    pub description: Option<Option<String>>,
    /// `accessIPv4`.
    pub access_ipv4: Option<String>,
    /// `accessIPv6`.
    pub access_ipv6: Option<String>,
}

/// The `createImage` action.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CreateImage {
    /// The server to snapshot.
    pub server_id: String,
    /// The image's name.
    pub name: String,
    /// The image's properties.
    pub metadata: BTreeMap<String, String>,
}

/// A change to a server's metadata.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SetServerMetadata {
    /// The server.
    pub server_id: String,
    /// The items.
    pub metadata: BTreeMap<String, String>,
    /// Whether the items replace all metadata (`PUT /metadata`) or are merged into it
    /// (`POST /metadata`, `PUT /metadata/{key}`).
    pub replace: bool,
}

/// Which flavors `GET /flavors` lists.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FlavorQuery {
    /// Only flavors with at least this much memory, in MiB (`minRam`).
    pub min_ram: Option<u64>,
    /// Only flavors with at least this much disk, in GiB (`minDisk`).
    pub min_disk: Option<u64>,
    /// `is_public`: `Some(true)` public only (the default for non-administrators),
    /// `Some(false)` private only, `None` both.
    pub is_public: Option<bool>,
    /// At most this many flavors.
    pub limit: Option<usize>,
    /// Start after the flavor with this id.
    pub marker: Option<String>,
}

/// Which images `GET /images` (and the image endpoint) lists.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ImageQuery {
    /// Only images with exactly this name.
    pub name: Option<String>,
    /// Only images with these ids (Glance's `id=in:a,b`).
    pub ids: Option<Vec<String>>,
    /// Only images with this status.
    pub status: Option<ImageStatus>,
    /// Only snapshots of this server.
    pub server: Option<String>,
    /// `Some(true)` only hidden images, `Some(false)` only visible ones (Glance's
    /// default), `None` both.
    pub hidden: Option<bool>,
    /// Only images that changed at or after this time.
    pub changes_since: Option<OffsetDateTime>,
    /// At most this many images.
    pub limit: Option<usize>,
    /// Start after the image with this id.
    pub marker: Option<String>,
}

/// `POST /os-keypairs`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CreateKeyPair {
    /// The key pair's name.
    pub name: String,
    /// A public key to import; `None` generates a key pair.
    pub public_key: Option<String>,
    /// `ssh` or `x509` (2.2; default `ssh`).
    pub key_type: String,
    /// The user to create it for (2.10, administrators).
    pub user_id: Option<String>,
}

/// Which key pairs `GET /os-keypairs` lists.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct KeyPairQuery {
    /// Another user's key pairs (2.10, administrators).
    pub user_id: Option<String>,
    /// At most this many (2.35).
    pub limit: Option<usize>,
    /// Start after the key pair with this name (2.35).
    pub marker: Option<String>,
}

/// A key pair of a user, by name.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct KeyPairRef {
    /// The key pair's name.
    pub name: String,
    /// Its user, when an administrator names another (2.10).
    pub user_id: Option<String>,
}

/// `POST /shared_ip_groups` (v1.0).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CreateSharedIpGroup {
    /// The group's name.
    pub name: String,
    /// A first server to put in it.
    pub server: Option<String>,
}

/// The `reboot` action.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RebootServer {
    /// The server.
    pub server_id: String,
    /// Soft or hard.
    pub reboot_type: RebootType,
}

/// The `resize` action.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ResizeServer {
    /// The server.
    pub server_id: String,
    /// The new flavor (`flavorRef`): an id, or a link whose last segment is one.
    pub flavor_ref: String,
}

/// The `changePassword` action.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ChangePassword {
    /// The server.
    pub server_id: String,
    /// The new administrator password.
    pub admin_pass: String,
}

/// One metadata item of a server.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ServerMetadataKey {
    /// The server.
    pub server_id: String,
    /// The item's key.
    pub key: String,
}

/// `POST /servers/{id}/backup_schedule` (v1.0).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SetBackupSchedule {
    /// The server.
    pub server_id: String,
    /// The schedule.
    pub schedule: BackupSchedule,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn daily_backup_windows_are_the_thirteen_the_schema_names() {
        assert_eq!(DailyBackup(Some(4)).to_name(), "H_0400_0600");
        assert_eq!(DailyBackup(Some(22)).to_name(), "H_2200_0000");
        assert_eq!(
            DailyBackup::from_name("H_0000_0200"),
            Some(DailyBackup(Some(0)))
        );
        assert_eq!(DailyBackup::from_name("DISABLED"), Some(DailyBackup(None)));
        assert_eq!(DailyBackup::from_name("H_0100_0300"), None);
        assert_eq!(
            WeeklyBackup::from_name("THURSDAY"),
            Some(WeeklyBackup::Thursday)
        );
        assert_eq!(WeeklyBackup::from_name("thursday"), None);
    }

    #[test]
    fn status_filters_read_any_case() {
        assert_eq!(
            ServerStatus::from_name("shutoff"),
            Some(ServerStatus::Shutoff)
        );
        assert_eq!(
            ServerStatus::from_name("VERIFY_RESIZE"),
            Some(ServerStatus::VerifyResize)
        );
        assert_eq!(ServerStatus::from_name("sleeping"), None);
        assert_eq!(ServerStatus::ALL.len(), 20);
    }
}
