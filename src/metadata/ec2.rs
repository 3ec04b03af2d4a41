//! The EC2-style tree: `/{version}/meta-data/…`, `user-data` and `dynamic/`, each key from
//! the metadata version that introduced it.
//!
//! Keys EC2 introduced after 2009-04-04 (`mac`, `iam/`, `placement/region`) appear only
//! under `latest`, the one version newer than that served here.
//!
//! # Limitations
//!
//! - `dynamic/instance-identity/` has the document but not its `pkcs7`, `signature` or
//!   `rsa2048` signatures: nothing here holds a signing key.
//! - No `product-codes`, `ancestor-ami-ids`, `network/` or `tags/` keys.

use time::OffsetDateTime;
use time::macros::format_description;

use super::provider::{IamCredentials, InstanceMetadata};
use super::tree::{Entry, Node, json_or_null, json_string};

/// The dated versions served besides `latest`, oldest first.
pub(crate) const VERSIONS: &[&str] = &[
    "1.0",
    "2007-01-19",
    "2007-03-01",
    "2007-08-29",
    "2007-10-10",
    "2007-12-15",
    "2008-02-01",
    "2008-09-01",
    "2009-04-04",
];

/// The version every client may name instead of a date.
pub(crate) const LATEST: &str = "latest";

/// Whether `version` is one this tree serves.
pub(crate) fn is_version(version: &str) -> bool {
    version == LATEST || VERSIONS.contains(&version)
}

/// The version listing `GET /` answers.
pub(crate) fn versions() -> Node {
    let names = VERSIONS.iter().copied().chain([LATEST]);
    Node::dir(names.map(|name| Entry::new(name, Node::text(""))).collect())
}

/// Whether a key `introduced` in a version shows in `version`. Dated versions compare as
/// text, and `1.0` sorts before every date.
fn since(version: &str, introduced: &str) -> bool {
    version == LATEST || version >= introduced
}

/// `/{version}/`: `meta-data/`, `dynamic/` and, when the instance has some, `user-data`.
pub(crate) fn version_root(version: &str, instance: &InstanceMetadata) -> Node {
    let mut entries = vec![Entry::new("meta-data", meta_data(version, instance))];
    if since(version, "2009-04-04") {
        entries.push(Entry::new("dynamic", dynamic(instance)));
    }
    if let Some(user_data) = &instance.user_data {
        entries.push(Entry::new("user-data", Node::bytes(user_data.clone())));
    }
    Node::sorted_dir(entries)
}

fn meta_data(version: &str, instance: &InstanceMetadata) -> Node {
    let text = |name: &str, value: &str| Entry::new(name, Node::text(value));
    let mut entries = vec![
        text("ami-id", &instance.image_id),
        text("ami-launch-index", &instance.launch_index.to_string()),
        text("ami-manifest-path", "(unknown)"),
        text("hostname", &instance.hostname),
        text("instance-id", &instance.instance_id),
        text("reservation-id", &instance.reservation_id),
        text("security-groups", &instance.security_groups.join("\n")),
    ];
    if let Some(interface) = &instance.interface {
        entries.push(text("local-ipv4", &interface.address.to_string()));
    }
    if !instance.public_keys.is_empty() {
        entries.push(public_keys(instance));
    }
    if since(version, "2007-01-19") {
        entries.push(text("local-hostname", &instance.hostname));
        if let Some(name) = &instance.public_hostname {
            entries.push(text("public-hostname", name));
        }
        if let Some(address) = instance.public_ipv4 {
            entries.push(text("public-ipv4", &address.to_string()));
        }
    }
    if since(version, "2007-08-29") {
        entries.push(text("instance-type", &instance.instance_type));
    }
    if since(version, "2007-12-15") {
        if !instance.block_device_mapping.is_empty() {
            let devices = instance.block_device_mapping.iter();
            let devices = devices.map(|(name, device)| text(name, device)).collect();
            entries.push(Entry::new(
                "block-device-mapping",
                Node::sorted_dir(devices),
            ));
        }
        if let Some(kernel_id) = &instance.kernel_id {
            entries.push(text("kernel-id", kernel_id));
        }
        if let Some(ramdisk_id) = &instance.ramdisk_id {
            entries.push(text("ramdisk-id", ramdisk_id));
        }
    }
    if since(version, "2008-02-01") {
        let mut placement = vec![text("availability-zone", &instance.availability_zone)];
        if since(version, "2019-10-01") {
            placement.push(text("region", &instance.region));
        }
        entries.push(Entry::new("placement", Node::sorted_dir(placement)));
    }
    if since(version, "2008-09-01") {
        entries.push(text("instance-action", "none"));
    }
    if let Some(interface) = instance
        .interface
        .as_ref()
        .filter(|_| since(version, "2011-01-01"))
    {
        entries.push(text("mac", &interface.mac));
    }
    if since(version, "2012-01-12") {
        entries.push(Entry::new("iam", iam(instance.iam.as_ref())));
    }
    Node::sorted_dir(entries)
}

/// `public-keys/` lists `0=name`; `public-keys/0/` lists `openssh-key`.
fn public_keys(instance: &InstanceMetadata) -> Entry {
    let keys = instance.public_keys.iter().enumerate().map(|(index, key)| {
        let key_node = Node::dir(vec![Entry::new(
            "openssh-key",
            Node::text(key.openssh_key.clone()),
        )]);
        Entry {
            name: index.to_string(),
            listed_as: Some(format!("{index}={}", key.name)),
            node: key_node,
        }
    });
    Entry::new("public-keys", Node::dir(keys.collect()))
}

/// `iam/`: empty unless the host gives the instance role credentials.
fn iam(credentials: Option<&IamCredentials>) -> Node {
    let Some(credentials) = credentials else {
        return Node::dir(Vec::new());
    };
    let info = format!(
        "{{\n  \"Code\" : \"Success\",\n  \"LastUpdated\" : {},\n  \
         \"InstanceProfileArn\" : {},\n  \"InstanceProfileId\" : {}\n}}",
        json_string(&timestamp(credentials.last_updated)),
        json_string(&credentials.instance_profile_arn),
        json_string(&credentials.instance_profile_id),
    );
    let role = format!(
        "{{\n  \"Code\" : \"Success\",\n  \"LastUpdated\" : {},\n  \"Type\" : \"AWS-HMAC\",\n  \
         \"AccessKeyId\" : {},\n  \"SecretAccessKey\" : {},\n  \"Token\" : {},\n  \
         \"Expiration\" : {}\n}}",
        json_string(&timestamp(credentials.last_updated)),
        json_string(&credentials.access_key_id),
        json_string(&credentials.secret_access_key),
        json_string(&credentials.token),
        json_string(&timestamp(credentials.expiration)),
    );
    let roles = vec![Entry::new(credentials.role_name.clone(), Node::text(role))];
    Node::sorted_dir(vec![
        Entry::new("info", Node::text(info)),
        Entry::new("security-credentials", Node::dir(roles)),
    ])
}

/// `dynamic/instance-identity/document`.
fn dynamic(instance: &InstanceMetadata) -> Node {
    let identity = vec![Entry::new(
        "document",
        Node::text(identity_document(instance)),
    )];
    Node::dir(vec![Entry::new("instance-identity", Node::dir(identity))])
}

/// The instance identity document, laid out as EC2 serves it.
pub(crate) fn identity_document(instance: &InstanceMetadata) -> String {
    let private_ip = instance.interface.as_ref().map(|i| i.address.to_string());
    let pending_time = instance.launch_time.map(timestamp);
    let fields = [
        ("accountId", json_string(&instance.account_id)),
        ("architecture", json_string(&instance.architecture)),
        ("availabilityZone", json_string(&instance.availability_zone)),
        ("billingProducts", "null".to_owned()),
        ("devpayProductCodes", "null".to_owned()),
        ("marketplaceProductCodes", "null".to_owned()),
        ("imageId", json_string(&instance.image_id)),
        ("instanceId", json_string(&instance.instance_id)),
        ("instanceType", json_string(&instance.instance_type)),
        ("kernelId", json_or_null(instance.kernel_id.as_deref())),
        ("pendingTime", json_or_null(pending_time.as_deref())),
        ("privateIp", json_or_null(private_ip.as_deref())),
        ("ramdiskId", json_or_null(instance.ramdisk_id.as_deref())),
        ("region", json_string(&instance.region)),
        ("version", json_string("2017-09-30")),
    ];
    let lines: Vec<String> = fields
        .iter()
        .map(|(name, value)| format!("  \"{name}\" : {value}"))
        .collect();
    format!("{{\n{}\n}}", lines.join(",\n"))
}

/// `2026-01-02T03:04:05Z`.
fn timestamp(at: OffsetDateTime) -> String {
    let format = format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z");
    at.to_offset(time::UtcOffset::UTC)
        .format(format)
        .unwrap_or_default()
}
