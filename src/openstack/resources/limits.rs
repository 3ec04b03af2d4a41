//! `/limits`: the project's absolute limits and usage, and its rate limits.
//!
//! 2.36 drops the network limits (security groups, their rules, floating IPs), 2.39
//! `maxImageMeta`. `/v1.0` shows the absolute limits Nova Diablo knew and its flat
//! rate limits (`URI`, `resetTime` in seconds since the epoch).

use http::{Method, StatusCode};
use serde_json::{Map, Value, json};

use super::super::fault::Fault;
use super::super::model::{AbsoluteLimits, Limits, RateLimit};
use super::super::request::{ApiRequest, ApiResponse, Availability, Route};
use super::super::version::Endpoint;
use super::super::xml::XmlElement;
use super::views::isotime;
use super::{Controller, call, is_admin, route, since};

/// The routes of `/limits`.
pub(super) fn routes(controller: &Controller) -> Vec<Route> {
    vec![route(
        controller,
        Method::GET,
        "/limits",
        Availability::EVERYWHERE,
        index,
    )]
}

/// `GET /limits`; an administrator may ask another project's (`tenant_id`).
async fn index(controller: Controller, request: ApiRequest) -> Result<ApiResponse, Fault> {
    let mut limits_call = call(&request, ());
    if let Some(project) = request.query_value("tenant_id")
        && project != request.context.project_id
    {
        if !is_admin(&request.context) {
            return Err(Fault::forbidden(
                "Policy doesn't allow os_compute_api:limits:other_project to be performed.",
            ));
        }
        limits_call.context.project_id = project.to_owned();
    }
    let limits = controller.limits(limits_call).await?;

    let absolute = absolute(&request, &limits.absolute);
    let legacy = request.endpoint == Endpoint::V1_0;
    Ok(ApiResponse::document(
        &request,
        StatusCode::OK,
        || {
            let rate = if legacy {
                v1_0_rates(&limits)
            } else {
                rates(&limits.rate)
            };
            let absolute: Map<String, Value> = absolute
                .iter()
                .map(|(name, value)| ((*name).to_owned(), (*value).into()))
                .collect();
            json!({"limits": {"rate": rate, "absolute": absolute}})
        },
        || limits_xml(legacy, &limits, &absolute),
    ))
}

/// The absolute limits and usage the request's version shows, by name.
fn absolute(request: &ApiRequest, limits: &AbsoluteLimits) -> Vec<(&'static str, i64)> {
    let mut shown = vec![
        ("maxTotalRAMSize", limits.max_total_ram_size),
        ("maxTotalInstances", limits.max_total_instances),
        ("maxTotalCores", limits.max_total_cores),
        ("maxServerMeta", limits.max_server_meta),
        ("maxImageMeta", limits.max_image_meta),
        ("maxPersonality", limits.max_personality),
        ("maxPersonalitySize", limits.max_personality_size),
    ];
    if request.endpoint == Endpoint::V1_0 {
        return shown;
    }
    if since(request, 39) {
        shown.retain(|(name, _)| *name != "maxImageMeta");
    }
    shown.extend([
        ("maxTotalKeypairs", limits.max_total_keypairs),
        ("maxServerGroups", limits.max_server_groups),
        ("maxServerGroupMembers", limits.max_server_group_members),
        ("totalRAMUsed", limits.total_ram_used),
        ("totalCoresUsed", limits.total_cores_used),
        ("totalInstancesUsed", limits.total_instances_used),
        ("totalServerGroupsUsed", limits.total_server_groups_used),
    ]);
    if !since(request, 36) {
        shown.extend([
            ("maxTotalFloatingIps", limits.max_total_floating_ips),
            ("maxSecurityGroups", limits.max_security_groups),
            ("maxSecurityGroupRules", limits.max_security_group_rules),
            ("totalFloatingIpsUsed", limits.total_floating_ips_used),
            ("totalSecurityGroupsUsed", limits.total_security_groups_used),
        ]);
    }
    shown
}

/// The rate limits grouped by URI: `[{"uri", "regex", "limit": [...]}]`.
fn rates(rates: &[RateLimit]) -> Value {
    rates
        .iter()
        .map(|rate| {
            let entries: Vec<Value> = rate
                .limits
                .iter()
                .map(|entry| {
                    json!({
                        "verb": entry.verb,
                        "value": entry.value,
                        "remaining": entry.remaining,
                        "unit": entry.unit,
                        "next-available": entry.next_available.map(isotime),
                    })
                })
                .collect();
            json!({"uri": rate.uri, "regex": rate.regex, "limit": entries})
        })
        .collect()
}

/// `/v1.0`'s flat rate limits: one entry per verb and URI.
fn v1_0_rates(limits: &Limits) -> Value {
    limits
        .rate
        .iter()
        .flat_map(|rate| {
            rate.limits.iter().map(move |entry| {
                json!({
                    "verb": entry.verb,
                    "URI": rate.uri,
                    "regex": rate.regex,
                    "value": entry.value,
                    "remaining": entry.remaining,
                    "unit": entry.unit,
                    "resetTime": entry.next_available.map_or(0, |at| at.unix_timestamp()),
                })
            })
        })
        .collect()
}

/// `<limits>`: `/v1.1` groups rates as `<rates><rate uri regex><limit .../></rate>`,
/// `/v1.0` lists them flat under `<rate>`; both list `<absolute><limit name value/>`.
fn limits_xml(legacy: bool, limits: &Limits, absolute: &[(&str, i64)]) -> XmlElement {
    let rates = if legacy {
        XmlElement::new("rate").children(limits.rate.iter().flat_map(|rate| {
            rate.limits.iter().map(move |entry| {
                XmlElement::new("limit")
                    .attr("verb", &entry.verb)
                    .attr("URI", &rate.uri)
                    .attr("regex", &rate.regex)
                    .attr("value", entry.value.to_string())
                    .attr("remaining", entry.remaining.to_string())
                    .attr("unit", &entry.unit)
                    .attr(
                        "resetTime",
                        entry
                            .next_available
                            .map_or(0, |at| at.unix_timestamp())
                            .to_string(),
                    )
            })
        }))
    } else {
        XmlElement::new("rates").children(limits.rate.iter().map(|rate| {
            XmlElement::new("rate")
                .attr("uri", &rate.uri)
                .attr("regex", &rate.regex)
                .children(rate.limits.iter().map(|entry| {
                    XmlElement::new("limit")
                        .attr("value", entry.value.to_string())
                        .attr("verb", &entry.verb)
                        .attr("remaining", entry.remaining.to_string())
                        .attr("unit", &entry.unit)
                        .attr_opt("next-available", entry.next_available.map(isotime))
                }))
        }))
    };
    let absolute = XmlElement::new("absolute").children(absolute.iter().map(|(name, value)| {
        XmlElement::new("limit")
            .attr("name", *name)
            .attr("value", value.to_string())
    }));
    XmlElement::new("limits").child(rates).child(absolute)
}
