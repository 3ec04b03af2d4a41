//! What every view shares: links in JSON and as `<atom:link>`, a paged list's `next`
//! link, and the two timestamp spellings Nova uses.

use serde_json::{Value, json};
use time::{OffsetDateTime, UtcOffset};

use super::super::request::{ApiRequest, Links};
use super::super::xml::XmlElement;

/// How many items a list holds at most when the request names no smaller `limit`
/// (Nova's `[api] max_limit` default).
pub(super) const MAX_LIMIT: usize = 1000;

/// `[{"rel": "self", ...}, {"rel": "bookmark", ...}]`.
pub(super) fn links(links: &Links, collection: &str, id: &str) -> Value {
    json!([
        {"rel": "self", "href": links.self_link(collection, id)},
        {"rel": "bookmark", "href": links.bookmark_link(collection, id)},
    ])
}

/// `[{"rel": "bookmark", ...}]`, as a server's image and flavor carry it.
pub(super) fn bookmark(links: &Links, collection: &str, id: &str) -> Value {
    json!([{"rel": "bookmark", "href": links.bookmark_link(collection, id)}])
}

/// The `self` and `bookmark` links as `<atom:link>` elements.
pub(super) fn atom_links(links: &Links, collection: &str, id: &str) -> Vec<XmlElement> {
    vec![
        atom_link("self", &links.self_link(collection, id)),
        atom_link("bookmark", &links.bookmark_link(collection, id)),
    ]
}

/// One `<atom:link rel="..." href="..."/>`.
pub(super) fn atom_link(rel: &str, href: &str) -> XmlElement {
    XmlElement::new("atom:link")
        .attr("rel", rel)
        .attr("href", href)
}

/// The `{collection}_links` of a list of `count` items whose last one is `last_id`:
/// a `next` link when the page is full, that is when it holds as many items as the
/// request's `limit` (or [`MAX_LIMIT`], the most a page holds).
///
/// The link repeats the request's query, sorted by name, with `marker` set to the last
/// id (appended when the request had none), as Nova spells it.
pub(super) fn collection_links(
    request: &ApiRequest,
    path: &str,
    count: usize,
    last_id: Option<&str>,
) -> Option<Value> {
    let requested = request
        .query_value("limit")
        .and_then(|limit| limit.parse::<usize>().ok())
        .unwrap_or(MAX_LIMIT);
    let page = requested.min(MAX_LIMIT);
    let last_id = last_id?;
    if page == 0 || page != count {
        return None;
    }

    let mut pairs: Vec<(&str, &str)> = request
        .query
        .iter()
        .map(|(key, value)| (key.as_str(), value.as_str()))
        .collect();
    pairs.sort();
    // One value per name, the last one, as a dict of the pairs keeps it; the marker
    // takes the last id, in its place or else at the end.
    let mut unique: Vec<(&str, &str)> = Vec::with_capacity(pairs.len() + 1);
    for (key, value) in pairs {
        match unique.last_mut() {
            Some(last) if last.0 == key => last.1 = value,
            _ => unique.push((key, value)),
        }
    }
    match unique.iter_mut().find(|(key, _)| *key == "marker") {
        Some(marker) => marker.1 = last_id,
        None => unique.push(("marker", last_id)),
    }

    let query = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(unique)
        .finish();
    Some(json!([{
        "rel": "next",
        "href": request.links.collection_link(path, &query),
    }]))
}

/// `2013-09-03T04:01:32Z`: Nova's `isotime`, in UTC, to the second.
pub(super) fn isotime(at: OffsetDateTime) -> String {
    let at = at.to_offset(UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        at.year(),
        u8::from(at.month()),
        at.day(),
        at.hour(),
        at.minute(),
        at.second()
    )
}

/// `isotime`, or `null` when unknown.
pub(super) fn isotime_or_null(at: Option<OffsetDateTime>) -> Value {
    at.map_or(Value::Null, |at| Value::String(isotime(at)))
}

/// `2013-09-23T13:37:00.880302`: how Nova's JSON writes a stored time (UTC, no zone,
/// microseconds), as in `OS-SRV-USG:launched_at` and a key pair's `created_at`.
pub(super) fn stored_time(at: Option<OffsetDateTime>) -> Value {
    let Some(at) = at else {
        return Value::Null;
    };
    let at = at.to_offset(UtcOffset::UTC);
    Value::String(format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}",
        at.year(),
        u8::from(at.month()),
        at.day(),
        at.hour(),
        at.minute(),
        at.second(),
        at.microsecond()
    ))
}

/// The base of the image endpoint's links (a Glance image's `alternate` link, the
/// `Location` of a new image).
///
/// Limitation: the Compute API does not know where the image endpoint listens; this
/// assumes it shares the compute host, either as the `image.` subdomain of a
/// `compute.` host (one port by Host) or on Glance's port 9292.
pub(super) fn image_endpoint(links: &Links) -> String {
    let (scheme, rest) = links
        .base
        .split_once("://")
        .unwrap_or(("http", links.base.as_str()));
    let authority = rest.split('/').next().unwrap_or(rest);
    if let Some(domain) = authority.strip_prefix("compute.") {
        return format!("{scheme}://image.{domain}");
    }
    let host = match authority.rsplit_once(':') {
        // An IPv6 literal without a port ends with `]`.
        Some((host, port)) if !port.ends_with(']') => host,
        _ => authority,
    };
    format!("{scheme}://{host}:9292")
}
