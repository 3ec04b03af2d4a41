//! The OpenStack tree: `/openstack/{version}/meta_data.json`, `user_data`, `password`,
//! `vendor_data.json` and `network_data.json`, each from the release that introduced it,
//! as Nova's metadata service serves them.

use std::net::Ipv4Addr;

use super::provider::InstanceMetadata;
use super::tree::{Entry, Node, json_string};

/// The release dates served besides `latest`, oldest first.
pub(crate) const VERSIONS: &[&str] = &[
    "2012-08-10",
    "2013-04-04",
    "2013-10-17",
    "2015-10-15",
    "2016-06-30",
    "2016-10-06",
    "2017-02-22",
    "2018-08-27",
    "2020-10-14",
];

/// The most a posted password may hold: four chunks of 255 bytes, the room Nova keeps
/// for it.
pub const PASSWORD_MAX_BYTES: usize = 4 * 255;

const GRIZZLY: &str = "2013-04-04";
const HAVANA: &str = "2013-10-17";
const LIBERTY: &str = "2015-10-15";

/// Whether `version` is one this tree serves.
pub(crate) fn is_version(version: &str) -> bool {
    version == super::ec2::LATEST || VERSIONS.contains(&version)
}

fn since(version: &str, introduced: &str) -> bool {
    version == super::ec2::LATEST || version >= introduced
}

/// `/openstack/`: the versions and `latest`.
pub(crate) fn versions() -> Node {
    let names = VERSIONS.iter().copied().chain([super::ec2::LATEST]);
    Node::dir(names.map(|name| Entry::new(name, Node::text(""))).collect())
}

/// Whether `version` has a `password` file.
pub(crate) fn has_password(version: &str) -> bool {
    since(version, GRIZZLY)
}

/// `/openstack/{version}/`.
pub(crate) fn version_root(version: &str, instance: &InstanceMetadata) -> Node {
    let mut entries = vec![Entry::new(
        "meta_data.json",
        Node::json(meta_data(version, instance)),
    )];
    if let Some(user_data) = &instance.user_data {
        entries.push(Entry::new("user_data", Node::bytes(user_data.clone())));
    }
    if has_password(version) {
        let password = instance.password.clone().unwrap_or_default();
        entries.push(Entry::new("password", Node::text(password)));
    }
    if since(version, HAVANA) {
        entries.push(Entry::new("vendor_data.json", Node::json("{}".to_owned())));
    }
    if since(version, LIBERTY) {
        entries.push(Entry::new(
            "network_data.json",
            Node::json(network_data(instance)),
        ));
    }
    Node::dir(entries)
}

/// `{"key": "value", ...}` in key order.
fn json_object(pairs: &std::collections::BTreeMap<String, String>) -> String {
    let entries: Vec<String> = pairs
        .iter()
        .map(|(key, value)| format!("{}: {}", json_string(key), json_string(value)))
        .collect();
    format!("{{{}}}", entries.join(", "))
}

/// `meta_data.json`.
pub(crate) fn meta_data(version: &str, instance: &InstanceMetadata) -> String {
    let public_keys: Vec<String> = instance
        .public_keys
        .iter()
        .map(|key| {
            format!(
                "{}: {}",
                json_string(&key.name),
                json_string(&key.openssh_key)
            )
        })
        .collect();
    let mut fields = vec![
        ("uuid", json_string(&instance.uuid)),
        ("meta", json_object(&instance.meta)),
        ("public_keys", format!("{{{}}}", public_keys.join(", "))),
    ];
    if since(version, LIBERTY) {
        let keys: Vec<String> = instance
            .public_keys
            .iter()
            .map(|key| {
                format!(
                    "{{\"name\": {}, \"type\": \"ssh\", \"data\": {}}}",
                    json_string(&key.name),
                    json_string(&key.openssh_key)
                )
            })
            .collect();
        fields.push(("keys", format!("[{}]", keys.join(", "))));
    }
    fields.extend([
        ("hostname", json_string(&instance.hostname)),
        ("name", json_string(&instance.name)),
        ("launch_index", instance.launch_index.to_string()),
        (
            "availability_zone",
            json_string(&instance.availability_zone),
        ),
    ]);
    if since(version, LIBERTY) {
        fields.push(("project_id", json_string(&instance.project_id)));
    }
    object(&fields)
}

/// `network_data.json`: the primary interface as a link, its IPv4 network, no services.
pub(crate) fn network_data(instance: &InstanceMetadata) -> String {
    let Some(interface) = &instance.interface else {
        return "{\"links\": [], \"networks\": [], \"services\": []}".to_owned();
    };
    let link = object(&[
        ("id", json_string(&interface.id)),
        ("vif_id", json_string(&interface.id)),
        ("type", json_string("phy")),
        ("mtu", "null".to_owned()),
        ("ethernet_mac_address", json_string(&interface.mac)),
    ]);
    let routes = match interface.gateway {
        Some(gateway) => format!(
            "[{}]",
            object(&[
                ("network", json_string("0.0.0.0")),
                ("netmask", json_string("0.0.0.0")),
                ("gateway", json_string(&gateway.to_string())),
            ])
        ),
        None => "[]".to_owned(),
    };
    let network = object(&[
        ("id", json_string("network0")),
        ("type", json_string("ipv4")),
        ("link", json_string(&interface.id)),
        ("ip_address", json_string(&interface.address.to_string())),
        (
            "netmask",
            json_string(&netmask(interface.prefix_len).to_string()),
        ),
        ("routes", routes),
        ("network_id", json_string(&interface.network_id)),
    ]);
    format!("{{\"links\": [{link}], \"networks\": [{network}], \"services\": []}}")
}

fn netmask(prefix_len: u8) -> Ipv4Addr {
    let bits = u32::MAX
        .checked_shl(32 - u32::from(prefix_len.min(32)))
        .unwrap_or(0);
    Ipv4Addr::from(bits)
}

/// A JSON object of already-rendered values, laid out as Python's `json.dumps` does.
fn object(fields: &[(&str, String)]) -> String {
    let members: Vec<String> = fields
        .iter()
        .map(|(name, value)| format!("\"{name}\": {value}"))
        .collect();
    format!("{{{}}}", members.join(", "))
}
