//! How a server looks: Nova's JSON views at each microversion (the list entry, the
//! full view of show and detail, the shorter one `PUT` and `rebuild` answer before
//! 2.75, the answer to a create), `/v1.0`'s view, and the XML of `/v1.0` and `/v1.1`.

use serde_json::{Map, Value, json};

use super::super::model::{AddressKind, Server, ServerNetwork, ServerStatus};
use super::super::request::ApiRequest;
use super::super::version::Endpoint;
use super::super::xml::XmlElement;
use super::views::{atom_link, atom_links, bookmark, isotime_or_null, links, stored_time};
use super::{is_admin, since};

/// Statuses whose view shows `progress`.
const PROGRESS_STATUSES: &[ServerStatus] = &[
    ServerStatus::Active,
    ServerStatus::Build,
    ServerStatus::Rebuild,
    ServerStatus::Resize,
    ServerStatus::VerifyResize,
    ServerStatus::Migrating,
];

/// Which of Nova's server views to render.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum ServerView {
    /// `GET /servers/{id}` and `GET /servers/detail`: everything the caller may see.
    Full,
    /// `PUT /servers/{id}` and `rebuild` (before 2.75): the core fields only, plain
    /// addresses, no extended attributes.
    Core,
}

/// The entry of `GET /servers`: id, name and links (`/v1.0`: id and name).
pub(super) fn summary_json(request: &ApiRequest, server: &Server) -> Value {
    if request.endpoint == Endpoint::V1_0 {
        return json!({"id": server.id, "name": server.name});
    }
    json!({
        "id": server.id,
        "name": server.name,
        "links": links(&request.links, "servers", &server.id),
    })
}

/// The server as `view` shows it at the request's microversion.
pub(super) fn server_json(request: &ApiRequest, server: &Server, view: ServerView) -> Value {
    if request.endpoint == Endpoint::V1_0 {
        return v1_0_json(server);
    }
    let mut out = Map::new();
    let full = view == ServerView::Full;

    out.insert("accessIPv4".into(), server.access_ipv4.clone().into());
    out.insert("accessIPv6".into(), server.access_ipv6.clone().into());
    out.insert("addresses".into(), addresses_json(server, full));
    out.insert("created".into(), isotime_or_null(server.created));
    out.insert("flavor".into(), flavor_json(request, server));
    out.insert("hostId".into(), server.host_id.clone().into());
    out.insert("id".into(), server.id.clone().into());
    out.insert("image".into(), image_json(request, server));
    out.insert("links".into(), links(&request.links, "servers", &server.id));
    out.insert("metadata".into(), json!(server.metadata));
    out.insert("name".into(), server.name.clone().into());
    out.insert("status".into(), server.status.as_str().into());
    out.insert("tenant_id".into(), server.tenant_id.clone().into());
    out.insert("user_id".into(), server.user_id.clone().into());
    out.insert("updated".into(), isotime_or_null(server.updated));
    out.insert("OS-DCF:diskConfig".into(), disk_config(server).into());
    if PROGRESS_STATUSES.contains(&server.status) {
        out.insert("progress".into(), server.progress.into());
    }

    if full {
        insert_full_fields(request, server, &mut out);
    }

    if since(request, 9) {
        out.insert("locked".into(), server.locked.into());
    }
    if full && since(request, 16) && is_admin(&request.context) {
        out.insert("host_status".into(), server.host_status.clone().into());
    }
    if since(request, 19) {
        out.insert("description".into(), json!(server.description));
    }
    if since(request, 26) {
        out.insert("tags".into(), json!(server.tags));
    }
    Value::Object(out)
}

/// What only the full view shows: zone, config drive, key, usage times, security
/// groups, extended attributes (administrators), states and volumes.
fn insert_full_fields(request: &ApiRequest, server: &Server, out: &mut Map<String, Value>) {
    out.insert(
        "OS-EXT-AZ:availability_zone".into(),
        server.availability_zone.clone().into(),
    );
    let config_drive = if server.config_drive { "True" } else { "" };
    out.insert("config_drive".into(), config_drive.into());
    out.insert("key_name".into(), json!(server.key_name));
    out.insert(
        "OS-SRV-USG:launched_at".into(),
        stored_time(server.launched_at),
    );
    out.insert(
        "OS-SRV-USG:terminated_at".into(),
        stored_time(server.terminated_at),
    );
    if !server.security_groups.is_empty() {
        let groups: Vec<Value> = server
            .security_groups
            .iter()
            .map(|name| json!({"name": name}))
            .collect();
        out.insert("security_groups".into(), groups.into());
    }

    if is_admin(&request.context) {
        let host = &server.host_attributes;
        out.insert("OS-EXT-SRV-ATTR:host".into(), host.host.clone().into());
        out.insert(
            "OS-EXT-SRV-ATTR:instance_name".into(),
            host.instance_name.clone().into(),
        );
        out.insert(
            "OS-EXT-SRV-ATTR:hypervisor_hostname".into(),
            host.hypervisor_hostname.clone().into(),
        );
        if since(request, 3) {
            out.insert(
                "OS-EXT-SRV-ATTR:hostname".into(),
                host.hostname.clone().into(),
            );
            out.insert(
                "OS-EXT-SRV-ATTR:kernel_id".into(),
                host.kernel_id.clone().into(),
            );
            out.insert(
                "OS-EXT-SRV-ATTR:launch_index".into(),
                host.launch_index.into(),
            );
            out.insert(
                "OS-EXT-SRV-ATTR:ramdisk_id".into(),
                host.ramdisk_id.clone().into(),
            );
            out.insert(
                "OS-EXT-SRV-ATTR:reservation_id".into(),
                host.reservation_id.clone().into(),
            );
            out.insert(
                "OS-EXT-SRV-ATTR:root_device_name".into(),
                host.root_device_name.clone().into(),
            );
            out.insert("OS-EXT-SRV-ATTR:user_data".into(), json!(host.user_data));
        }
    }

    out.insert("OS-EXT-STS:task_state".into(), json!(server.task_state));
    out.insert("OS-EXT-STS:vm_state".into(), server.vm_state.clone().into());
    out.insert("OS-EXT-STS:power_state".into(), server.power_state.into());

    let volumes: Vec<Value> = server
        .volumes_attached
        .iter()
        .map(|volume| {
            if since(request, 3) {
                json!({"id": volume.id, "delete_on_termination": volume.delete_on_termination})
            } else {
                json!({"id": volume.id})
            }
        })
        .collect();
    out.insert(
        "os-extended-volumes:volumes_attached".into(),
        volumes.into(),
    );
}

/// `AUTO` or `MANUAL`.
pub(super) fn disk_config(server: &Server) -> &str {
    if server.disk_config.is_empty() {
        "MANUAL"
    } else {
        &server.disk_config
    }
}

/// The flavor: its id and bookmark before 2.47, its details from 2.47.
fn flavor_json(request: &ApiRequest, server: &Server) -> Value {
    let flavor = &server.flavor;
    if since(request, 47) {
        return json!({
            "vcpus": flavor.vcpus,
            "ram": flavor.ram,
            "disk": flavor.disk,
            "ephemeral": flavor.ephemeral,
            "swap": flavor.swap,
            "original_name": flavor.name,
            "extra_specs": flavor.extra_specs,
        });
    }
    json!({
        "id": flavor.id,
        "links": bookmark(&request.links, "flavors", &flavor.id),
    })
}

/// The image with its bookmark, or `""` for a server booted from a volume.
fn image_json(request: &ApiRequest, server: &Server) -> Value {
    match &server.image_id {
        Some(image) => json!({
            "id": image,
            "links": bookmark(&request.links, "images", image),
        }),
        None => Value::String(String::new()),
    }
}

/// `addresses`, by network label; none while the server builds. `extended` adds the
/// address type and MAC address.
pub(super) fn addresses_json(server: &Server, extended: bool) -> Value {
    let mut out = Map::new();
    if server.status == ServerStatus::Build {
        return Value::Object(out);
    }
    for network in &server.addresses {
        let entries = network_entries(network, extended);
        match out.get_mut(&network.label) {
            Some(Value::Array(existing)) => existing.extend(entries),
            _ => {
                out.insert(network.label.clone(), Value::Array(entries));
            }
        }
    }
    Value::Object(out)
}

/// The addresses of one network.
pub(super) fn network_entries(network: &ServerNetwork, extended: bool) -> Vec<Value> {
    network
        .addresses
        .iter()
        .map(|address| {
            if extended {
                json!({
                    "version": address.version,
                    "addr": address.addr,
                    "OS-EXT-IPS:type": address.kind.as_str(),
                    "OS-EXT-IPS-MAC:mac_addr": address.mac_addr,
                })
            } else {
                json!({"version": address.version, "addr": address.addr})
            }
        })
        .collect()
}

/// `/v1.0`'s addresses: `public` (associated addresses) and `private` (the ports' own).
pub(super) fn v1_0_addresses(server: &Server) -> (Vec<String>, Vec<String>) {
    let mut public = Vec::new();
    let mut private = Vec::new();
    for address in server
        .addresses
        .iter()
        .flat_map(|network| &network.addresses)
    {
        match address.kind {
            AddressKind::Floating => public.push(address.addr.clone()),
            AddressKind::Fixed => private.push(address.addr.clone()),
        }
    }
    (public, private)
}

/// The `/v1.0` view of a server.
fn v1_0_json(server: &Server) -> Value {
    let (public, private) = v1_0_addresses(server);
    let mut out = Map::new();
    out.insert("id".into(), server.id.clone().into());
    out.insert("name".into(), server.name.clone().into());
    if let Some(image) = &server.image_id {
        out.insert("imageId".into(), image.clone().into());
    }
    out.insert("flavorId".into(), server.flavor.id.clone().into());
    out.insert("hostId".into(), server.host_id.clone().into());
    out.insert("status".into(), server.status.as_str().into());
    if PROGRESS_STATUSES.contains(&server.status) {
        out.insert("progress".into(), server.progress.into());
    }
    out.insert(
        "addresses".into(),
        json!({"public": public, "private": private}),
    );
    out.insert("metadata".into(), json!(server.metadata));
    Value::Object(out)
}

/// `<server id name/>` with its links: an entry of `GET /servers` in XML.
pub(super) fn summary_xml(request: &ApiRequest, server: &Server) -> XmlElement {
    let element = XmlElement::new("server")
        .attr("id", &server.id)
        .attr("name", &server.name);
    if request.endpoint == Endpoint::V1_0 {
        return element;
    }
    element.children(atom_links(&request.links, "servers", &server.id))
}

/// The detailed `<server>` element of `/v1.0` or `/v1.1`.
pub(super) fn server_xml(request: &ApiRequest, server: &Server) -> XmlElement {
    if request.endpoint == Endpoint::V1_0 {
        return v1_0_xml(server);
    }
    let mut element = XmlElement::new("server")
        .attr("id", &server.id)
        .attr("userId", &server.user_id)
        .attr("tenantId", &server.tenant_id)
        .attr("hostId", &server.host_id)
        .attr("name", &server.name)
        .attr("created", text_of(&isotime_or_null(server.created)))
        .attr("updated", text_of(&isotime_or_null(server.updated)))
        .attr("status", server.status.as_str())
        .attr("accessIPv4", &server.access_ipv4)
        .attr("accessIPv6", &server.access_ipv6);
    if PROGRESS_STATUSES.contains(&server.status) {
        element = element.attr("progress", server.progress.to_string());
    }
    element = element.children(atom_links(&request.links, "servers", &server.id));

    if let Some(image) = &server.image_id {
        element = element.child(
            XmlElement::new("image")
                .attr("id", image)
                .child(bookmark_xml(request, "images", image)),
        );
    }
    element = element.child(
        XmlElement::new("flavor")
            .attr("id", &server.flavor.id)
            .child(bookmark_xml(request, "flavors", &server.flavor.id)),
    );
    if !server.metadata.is_empty() {
        element = element.child(metadata_xml(&server.metadata));
    }
    element.child(addresses_xml(request, server))
}

fn bookmark_xml(request: &ApiRequest, collection: &str, id: &str) -> XmlElement {
    atom_link("bookmark", &request.links.bookmark_link(collection, id))
}

/// A JSON string's text, `""` for `null`.
fn text_of(value: &Value) -> &str {
    value.as_str().unwrap_or("")
}

/// `<metadata><meta key="...">value</meta>...</metadata>`.
pub(super) fn metadata_xml<'a>(
    metadata: impl IntoIterator<Item = (&'a String, &'a String)>,
) -> XmlElement {
    XmlElement::new("metadata").children(
        metadata
            .into_iter()
            .map(|(key, value)| meta_xml(key, value)),
    )
}

/// `<meta key="...">value</meta>`.
pub(super) fn meta_xml(key: &str, value: &str) -> XmlElement {
    XmlElement::new("meta").attr("key", key).text(value)
}

/// `<addresses>` of `/v1.1` (`<network id><ip version addr/></network>`) or `/v1.0`
/// (`<public><ip addr/></public><private>...</private>`).
pub(super) fn addresses_xml(request: &ApiRequest, server: &Server) -> XmlElement {
    let addresses = XmlElement::new("addresses");
    if request.endpoint == Endpoint::V1_0 {
        let (public, private) = v1_0_addresses(server);
        return addresses
            .child(v1_0_ip_list("public", &public))
            .child(v1_0_ip_list("private", &private));
    }
    if server.status == ServerStatus::Build {
        return addresses;
    }
    addresses.children(server.addresses.iter().map(network_xml))
}

/// `<network id="label"><ip version="4" addr="..."/>...</network>`.
pub(super) fn network_xml(network: &ServerNetwork) -> XmlElement {
    XmlElement::new("network")
        .attr("id", &network.label)
        .children(network.addresses.iter().map(|address| {
            XmlElement::new("ip")
                .attr("version", address.version.to_string())
                .attr("addr", &address.addr)
        }))
}

/// `<public><ip addr="..."/></public>` (or `private`).
pub(super) fn v1_0_ip_list(name: &str, addresses: &[String]) -> XmlElement {
    XmlElement::new(name).children(
        addresses
            .iter()
            .map(|addr| XmlElement::new("ip").attr("addr", addr)),
    )
}

/// The `/v1.0` `<server>`: attributes, then metadata and addresses.
fn v1_0_xml(server: &Server) -> XmlElement {
    let mut element = XmlElement::new("server")
        .attr("id", &server.id)
        .attr("name", &server.name)
        .attr_opt("imageId", server.image_id.as_deref())
        .attr("flavorId", &server.flavor.id)
        .attr("status", server.status.as_str());
    if PROGRESS_STATUSES.contains(&server.status) {
        element = element.attr("progress", server.progress.to_string());
    }
    let (public, private) = v1_0_addresses(server);
    element
        .attr("hostId", &server.host_id)
        .child(metadata_xml(&server.metadata))
        .child(
            XmlElement::new("addresses")
                .child(v1_0_ip_list("public", &public))
                .child(v1_0_ip_list("private", &private)),
        )
}
