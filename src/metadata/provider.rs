//! What a host tells the metadata service: the [`MetadataProvider`] trait and the facts
//! about one instance that both trees are rendered from.

use std::collections::BTreeMap;
use std::fmt;
use std::net::{IpAddr, Ipv4Addr};

use async_trait::async_trait;
use bytes::Bytes;
use time::OffsetDateTime;

/// Finds the instance behind a metadata request and keeps the password it posts.
///
/// The host implements it over its own inventory; the service caches what the lookups
/// answer (see [`MetadataServiceBuilder::cache_ttl`](super::MetadataServiceBuilder::cache_ttl)).
#[async_trait]
pub trait MetadataProvider: Send + Sync + 'static {
    /// The instance that owns `address`, its fixed or its public address; `None` when no
    /// live instance does.
    async fn instance_by_address(
        &self,
        address: IpAddr,
    ) -> Result<Option<InstanceMetadata>, ProviderError>;

    /// The instance `instance_id` of project `project_id`; `None` when the project has no
    /// such instance. `instance_id` is what a metadata proxy sent as `X-Instance-ID`: an
    /// EC2 instance id, or the OpenStack server id Neutron's proxy sends.
    async fn instance_by_id(
        &self,
        instance_id: &str,
        project_id: &str,
    ) -> Result<Option<InstanceMetadata>, ProviderError>;

    /// Keeps the (encrypted) password an instance posts to `password`. It may be set
    /// once: a second call answers [`PasswordError::AlreadySet`].
    async fn set_password(&self, instance_id: &str, password: &str) -> Result<(), PasswordError> {
        let _ = (instance_id, password);
        Err(PasswordError::Unsupported)
    }
}

/// A lookup that failed for a reason other than a missing instance; the service answers
/// 500 and logs the message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProviderError(pub String);

impl fmt::Display for ProviderError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ProviderError {}

/// Why a password could not be kept.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PasswordError {
    /// The instance already has a password (HTTP 409).
    AlreadySet,
    /// The host keeps no passwords (HTTP 501).
    Unsupported,
    /// The host failed to keep it (HTTP 500).
    Failed(String),
}

/// Everything the metadata trees show about one instance.
///
/// Fields without a value are left out of the trees (or shown as the tree's convention
/// for "none": `null` in the identity document).
#[derive(Clone, Default, PartialEq, Eq)]
pub struct InstanceMetadata {
    /// The EC2 instance id, `i-…`; also what `X-Instance-ID` names.
    pub instance_id: String,
    /// The OpenStack server id (a UUID): `uuid` in `meta_data.json`.
    pub uuid: String,
    /// The server's metadata key/value pairs: `meta` in `meta_data.json`.
    pub meta: BTreeMap<String, String>,
    /// The project (tenant) that owns the instance.
    pub project_id: String,
    /// The project's 12-digit account id, for the identity document.
    pub account_id: String,
    /// The display name.
    pub name: String,
    /// The private host name, such as `ip-172-31-0-4.ec2.internal`.
    pub hostname: String,
    /// The public host name, when the instance has a public address.
    pub public_hostname: Option<String>,
    /// The image it was launched from, `ami-…`.
    pub image_id: String,
    /// The kernel image, `aki-…`.
    pub kernel_id: Option<String>,
    /// The RAM disk image, `ari-…`.
    pub ramdisk_id: Option<String>,
    /// Its index in the launch that made it.
    pub launch_index: i64,
    /// The reservation that launched it, `r-…`.
    pub reservation_id: String,
    /// The instance type (flavor), such as `t2.micro`.
    pub instance_type: String,
    /// The architecture, such as `x86_64`.
    pub architecture: String,
    /// The availability zone.
    pub availability_zone: String,
    /// The region.
    pub region: String,
    /// The primary network interface.
    pub interface: Option<NetworkInterface>,
    /// The public IPv4 address.
    pub public_ipv4: Option<Ipv4Addr>,
    /// The security group names.
    pub security_groups: Vec<String>,
    /// The SSH keys, the launch key first.
    pub public_keys: Vec<PublicKey>,
    /// Block device mapping: virtual name (`ami`, `root`, `ebs1`…) → device.
    pub block_device_mapping: Vec<(String, String)>,
    /// The user data, decoded: served byte for byte.
    pub user_data: Option<Bytes>,
    /// The password the instance posted, if any.
    pub password: Option<String>,
    /// When the instance was launched (`pendingTime` in the identity document).
    pub launch_time: Option<OffsetDateTime>,
    /// Whether this instance's metadata needs a session token (EC2's `HttpTokens =
    /// required`).
    pub tokens_required: bool,
    /// The role credentials served under `iam/`.
    pub iam: Option<IamCredentials>,
}

impl fmt::Debug for InstanceMetadata {
    // User data, the password and the credentials stay out of logs.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("InstanceMetadata")
            .field("instance_id", &self.instance_id)
            .field("project_id", &self.project_id)
            .field("region", &self.region)
            .field("availability_zone", &self.availability_zone)
            .finish_non_exhaustive()
    }
}

/// An instance's network interface, as the EC2 tree and `network_data.json` show it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NetworkInterface {
    /// The interface id (`eni-…`, or a port id).
    pub id: String,
    /// The MAC address, `0a:1b:…`.
    pub mac: String,
    /// The network (subnet) it is on.
    pub network_id: String,
    /// The fixed address.
    pub address: Ipv4Addr,
    /// The network's prefix length.
    pub prefix_len: u8,
    /// The default gateway.
    pub gateway: Option<Ipv4Addr>,
}

/// An SSH public key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PublicKey {
    /// The key pair's name.
    pub name: String,
    /// The key in OpenSSH format: `ssh-rsa AAAA… name`.
    pub openssh_key: String,
}

/// Role credentials served under `meta-data/iam/`.
#[derive(Clone, PartialEq, Eq)]
pub struct IamCredentials {
    /// The instance profile's ARN.
    pub instance_profile_arn: String,
    /// The instance profile's id.
    pub instance_profile_id: String,
    /// The role's name, the last segment of `iam/security-credentials/{role}`.
    pub role_name: String,
    /// The temporary access key.
    pub access_key_id: String,
    /// Its secret.
    pub secret_access_key: String,
    /// Its session token.
    pub token: String,
    /// When the credentials were issued.
    pub last_updated: OffsetDateTime,
    /// When they expire.
    pub expiration: OffsetDateTime,
}

impl fmt::Debug for IamCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IamCredentials")
            .field("role_name", &self.role_name)
            .field("access_key_id", &self.access_key_id)
            .finish_non_exhaustive()
    }
}
