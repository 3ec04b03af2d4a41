//! Reading and validating request bodies and queries the way Nova's JSON schemas do,
//! with their messages: `Invalid input for field/attribute {name}. Value: {value}.
//! {reason}` for a field, `Invalid input for query parameters {name}. ...` for a query
//! parameter.
//!
//! Values in messages are written as Nova's Python writes them (`'text'`, `None`,
//! `True`), objects and lists as JSON.

use std::collections::BTreeMap;
use std::net::{Ipv4Addr, Ipv6Addr};

use base64::Engine;
use serde_json::{Map, Value};
use time::{Date, Month, OffsetDateTime, PrimitiveDateTime, Time, UtcOffset};

use super::super::fault::Fault;
use super::super::request::ApiRequest;
use super::super::version::Endpoint;

/// A value as Python's `repr` writes it in a schema message.
pub(super) fn repr(value: &Value) -> String {
    match value {
        Value::Null => "None".to_owned(),
        Value::Bool(true) => "True".to_owned(),
        Value::Bool(false) => "False".to_owned(),
        Value::String(text) => format!("'{text}'"),
        other => other.to_string(),
    }
}

/// A value as Python's `%s` writes it.
fn shown(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => repr(other),
    }
}

/// A field's `400 badRequest`.
pub(super) fn invalid(name: &str, value: &Value, reason: &str) -> Fault {
    Fault::bad_request(format!(
        "Invalid input for field/attribute {name}. Value: {}. {reason}",
        shown(value)
    ))
}

/// A query parameter's `400 badRequest`.
pub(super) fn invalid_query(name: &str, value: &str, reason: &str) -> Fault {
    Fault::bad_request(format!(
        "Invalid input for query parameters {name}. Value: {value}. {reason}"
    ))
}

/// Whether unknown fields are refused: on `/v2.1`, as Nova's strict schemas do; `/v2`
/// and the legacy endpoints ignore them.
pub(super) fn strict(request: &ApiRequest) -> bool {
    request.endpoint == Endpoint::V2_1
}

/// The body as an object.
pub(super) fn body(request: &ApiRequest) -> Result<&Map<String, Value>, Fault> {
    match &request.body {
        Some(Value::Object(map)) => Ok(map),
        Some(other) => Err(Fault::bad_request(format!(
            "{} is not of type 'object'",
            repr(other)
        ))),
        None => Err(Fault::bad_request("None is not of type 'object'")),
    }
}

/// The object under `key` of the body: `{"server": {...}}`.
pub(super) fn body_member<'a>(
    request: &'a ApiRequest,
    key: &'static str,
) -> Result<Fields<'a>, Fault> {
    let root = body(request)?;
    match root.get(key) {
        Some(Value::Object(map)) => Ok(Fields { name: key, map }),
        Some(other) => Err(invalid(
            key,
            other,
            &format!("{} is not of type 'object'", repr(other)),
        )),
        None => Err(Fields::root(root).fault(&format!("'{key}' is a required property"))),
    }
}

/// The fields of one JSON object, named for messages.
#[derive(Clone, Copy, Debug)]
pub(super) struct Fields<'a> {
    name: &'static str,
    map: &'a Map<String, Value>,
}

impl<'a> Fields<'a> {
    /// The fields of `map`, an object called `name`.
    pub(super) fn new(name: &'static str, map: &'a Map<String, Value>) -> Self {
        Fields { name, map }
    }

    /// The fields of the body itself, whose faults name no field.
    pub(super) fn root(map: &'a Map<String, Value>) -> Self {
        Fields { name: "", map }
    }

    /// This object's `400 badRequest` for `reason`.
    fn fault(&self, reason: &str) -> Fault {
        if self.name.is_empty() {
            Fault::bad_request(reason)
        } else {
            invalid(self.name, &Value::Object(self.map.clone()), reason)
        }
    }

    /// Whether `field` is present (even as `null`).
    pub(super) fn has(&self, field: &str) -> bool {
        self.map.contains_key(field)
    }

    /// The raw value of `field`.
    pub(super) fn get(&self, field: &str) -> Option<&'a Value> {
        self.map.get(field)
    }

    /// The raw value of `field`, which must be present.
    pub(super) fn required(&self, field: &str) -> Result<&'a Value, Fault> {
        self.map
            .get(field)
            .ok_or_else(|| self.fault(&format!("'{field}' is a required property")))
    }

    /// Refuses fields not in `allowed`, when `strict`.
    pub(super) fn only(&self, allowed: &[&str], strict: bool) -> Result<(), Fault> {
        if !strict {
            return Ok(());
        }
        let unexpected: Vec<String> = self
            .map
            .keys()
            .filter(|key| !allowed.contains(&key.as_str()))
            .map(|key| format!("'{key}'"))
            .collect();
        match unexpected.len() {
            0 => Ok(()),
            1 => Err(self.fault(&format!(
                "Additional properties are not allowed ({} was unexpected)",
                unexpected[0]
            ))),
            _ => Err(self.fault(&format!(
                "Additional properties are not allowed ({} were unexpected)",
                unexpected.join(", ")
            ))),
        }
    }

    /// An optional string field.
    pub(super) fn string(&self, field: &str) -> Result<Option<&'a str>, Fault> {
        match self.map.get(field) {
            None => Ok(None),
            Some(value) => string(field, value).map(Some),
        }
    }

    /// A required string field.
    pub(super) fn required_string(&self, field: &str) -> Result<&'a str, Fault> {
        string(field, self.required(field)?)
    }
}

/// `value` as a string.
pub(super) fn string<'a>(name: &str, value: &'a Value) -> Result<&'a str, Fault> {
    value.as_str().ok_or_else(|| {
        invalid(
            name,
            value,
            &format!("{} is not of type 'string'", repr(value)),
        )
    })
}

/// A string of `min` to `max` characters.
pub(super) fn bounded<'a>(
    name: &str,
    value: &'a Value,
    min: usize,
    max: usize,
) -> Result<&'a str, Fault> {
    let text = string(name, value)?;
    let length = text.chars().count();
    if length < min {
        return Err(invalid(
            name,
            value,
            &format!("{} is too short", repr(value)),
        ));
    }
    if length > max {
        return Err(invalid(
            name,
            value,
            &format!("{} is too long", repr(value)),
        ));
    }
    Ok(text)
}

/// Whether Nova's name rule counts `c` printable: not a control or format character,
/// and not a line or paragraph separator.
fn printable(c: char) -> bool {
    !c.is_control()
        && !matches!(
            c,
            '\u{00ad}'
                | '\u{061c}'
                | '\u{180e}'
                | '\u{200b}'..='\u{200f}'
                | '\u{2028}'..='\u{202e}'
                | '\u{2060}'..='\u{2064}'
                | '\u{2066}'..='\u{206f}'
                | '\u{feff}'
        )
}

/// A resource name (Nova's `parameter_types.name`): 1 to 255 printable characters.
/// `relaxed` (Nova's v2.0-compatible mode, on `/v2` and the legacy endpoints) allows
/// leading and trailing spaces and strips them; otherwise they are refused.
pub(super) fn name(field: &str, value: &Value, relaxed: bool) -> Result<String, Fault> {
    let text = bounded(field, value, 1, 255)?;
    if relaxed {
        let trimmed = text.trim();
        if trimmed.is_empty() || !text.chars().all(printable) {
            return Err(Fault::bad_request(
                "An invalid 'name' value was provided. The name must be: printable \
                 characters with at least one non space character",
            ));
        }
        return Ok(trimmed.to_owned());
    }
    let edges_ok = !text.starts_with(char::is_whitespace) && !text.ends_with(char::is_whitespace);
    if !edges_ok || !text.chars().all(printable) {
        return Err(Fault::bad_request(
            "An invalid 'name' value was provided. The name must be: printable \
             characters. Can not start or end with whitespace.",
        ));
    }
    Ok(text.to_owned())
}

/// A description (Nova's `parameter_types.description`): `null` or up to 255
/// printable characters.
pub(super) fn description(value: &Value) -> Result<Option<String>, Fault> {
    if value.is_null() {
        return Ok(None);
    }
    let text = bounded("description", value, 0, 255)?;
    if !text.chars().all(printable) {
        return Err(invalid(
            "description",
            value,
            &format!("{} does not match the printable characters", repr(value)),
        ));
    }
    Ok(Some(text.to_owned()))
}

/// Metadata (Nova's `parameter_types.metadata`): keys of 1 to 255 letters, digits and
/// `-_:. `, string values of up to 255 characters.
pub(super) fn metadata(field: &str, value: &Value) -> Result<BTreeMap<String, String>, Fault> {
    let Value::Object(map) = value else {
        return Err(invalid(
            field,
            value,
            &format!("{} is not of type 'object'", repr(value)),
        ));
    };
    let mut items = BTreeMap::new();
    for (key, item) in map {
        let key_ok = (1..=255).contains(&key.chars().count())
            && key
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_:. ".contains(c));
        if !key_ok {
            return Err(invalid(
                field,
                value,
                &format!("Additional properties are not allowed ('{key}' was unexpected)"),
            ));
        }
        let text = bounded(key, item, 0, 255)?;
        items.insert(key.clone(), text.to_owned());
    }
    Ok(items)
}

/// A boolean (Nova's `parameter_types.boolean`): `true`, `false`, or one of their
/// usual spellings as a string.
pub(super) fn boolean(field: &str, value: &Value) -> Result<bool, Fault> {
    match value {
        Value::Bool(flag) => Ok(*flag),
        Value::String(text) => match text.as_str() {
            "True" | "TRUE" | "true" | "1" | "ON" | "On" | "on" | "YES" | "Yes" | "yes" => Ok(true),
            "False" | "FALSE" | "false" | "0" | "OFF" | "Off" | "off" | "NO" | "No" | "no" => {
                Ok(false)
            }
            _ => Err(invalid(
                field,
                value,
                &format!("{} is not a valid boolean", repr(value)),
            )),
        },
        other => Err(invalid(
            field,
            other,
            &format!("{} is not of type 'boolean', 'string'", repr(other)),
        )),
    }
}

/// A positive integer, as a number or a string of digits (Nova's
/// `parameter_types.positive_integer`).
pub(super) fn positive_integer(field: &str, value: &Value) -> Result<u32, Fault> {
    let number = match value {
        Value::Number(number) => number.as_u64(),
        Value::String(text) if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) => {
            Some(text.parse::<u64>().unwrap_or(u64::MAX))
        }
        Value::String(_) => {
            return Err(invalid(
                field,
                value,
                &format!("{} does not match '^[0-9]*$'", repr(value)),
            ));
        }
        _ => None,
    };
    match number {
        Some(0) => Err(invalid(field, value, "0 is less than the minimum of 1")),
        Some(n) => u32::try_from(n)
            .map_err(|_| invalid(field, value, &format!("{n} is greater than the maximum"))),
        None => Err(invalid(
            field,
            value,
            &format!("{} is not of type 'integer', 'string'", repr(value)),
        )),
    }
}

/// An IPv4 address.
pub(super) fn ipv4(field: &str, value: &Value) -> Result<String, Fault> {
    let text = string(field, value)?;
    text.parse::<Ipv4Addr>()
        .map(|_| text.to_owned())
        .map_err(|_| invalid(field, value, &format!("{} is not a 'ipv4'", repr(value))))
}

/// An IPv6 address.
pub(super) fn ipv6(field: &str, value: &Value) -> Result<String, Fault> {
    let text = string(field, value)?;
    text.parse::<Ipv6Addr>()
        .map(|_| text.to_owned())
        .map_err(|_| invalid(field, value, &format!("{} is not a 'ipv6'", repr(value))))
}

/// An IPv4 or IPv6 address.
pub(super) fn ip_address(field: &str, value: &Value) -> Result<String, Fault> {
    let text = string(field, value)?;
    let valid = text.parse::<Ipv4Addr>().is_ok() || text.parse::<Ipv6Addr>().is_ok();
    if valid {
        Ok(text.to_owned())
    } else {
        Err(invalid(
            field,
            value,
            &format!(
                "{} is not valid under any of the given schemas",
                repr(value)
            ),
        ))
    }
}

/// Base64 text (user data), whitespace allowed between the characters.
pub(super) fn base64_text(field: &str, value: &Value) -> Result<String, Fault> {
    let text = string(field, value)?;
    let compact: String = text.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    base64::engine::general_purpose::STANDARD
        .decode(compact.as_bytes())
        .map(|_| text.to_owned())
        .map_err(|_| invalid(field, value, &format!("{} is not a 'base64'", repr(value))))
}

/// `OS-DCF:diskConfig`, when given: `AUTO` or `MANUAL`.
///
/// Limitation: the value is checked, not kept; servers show the disk configuration
/// their controller reports.
pub(super) fn check_disk_config(fields: &Fields<'_>) -> Result<(), Fault> {
    match fields.get("OS-DCF:diskConfig") {
        None => Ok(()),
        Some(value) => match string("OS-DCF:diskConfig", value)? {
            "AUTO" | "MANUAL" => Ok(()),
            _ => Err(invalid(
                "OS-DCF:diskConfig",
                value,
                &format!("{} is not one of ['AUTO', 'MANUAL']", repr(value)),
            )),
        },
    }
}

/// The id an href ends with (`http://host/v2.1/flavors/1` → `1`), or the id itself.
pub(super) fn id_from_href(href: &str) -> String {
    let path = href.split_once("://").map_or(href, |(_, rest)| {
        rest.find('/').map_or("", |at| &rest[at..])
    });
    let path = path.split(['?', '#']).next().unwrap_or(path);
    path.rsplit('/').next().unwrap_or(path).to_owned()
}

/// A reference (`imageRef`, `flavorRef`): a non-empty string or a number, reduced to
/// the id an href ends with.
pub(super) fn reference(field: &str, value: &Value) -> Result<String, Fault> {
    let text = match value {
        Value::String(text) => text.clone(),
        Value::Number(number) => number.to_string(),
        other => {
            return Err(invalid(
                field,
                other,
                &format!("{} is not of type 'string', 'integer'", repr(other)),
            ));
        }
    };
    if text.is_empty() {
        return Err(invalid(field, value, "'' is too short"));
    }
    Ok(id_from_href(&text))
}

/// The `limit` query parameter: a non-negative integer, when given.
pub(super) fn query_limit(request: &ApiRequest) -> Result<Option<usize>, Fault> {
    let Some(limit) = request.query_value("limit") else {
        return Ok(None);
    };
    if limit.is_empty() {
        return Err(invalid_query("limit", limit, "'' is too short"));
    }
    if !limit.bytes().all(|b| b.is_ascii_digit()) {
        return Err(invalid_query(
            "limit",
            limit,
            &format!("'{limit}' does not match '^[0-9]*$'"),
        ));
    }
    Ok(Some(limit.parse::<usize>().unwrap_or(usize::MAX)))
}

/// The `marker` query parameter, when given.
pub(super) fn query_marker(request: &ApiRequest) -> Option<String> {
    request.query_value("marker").map(str::to_owned)
}

/// A time query parameter (`changes-since`) in ISO 8601.
pub(super) fn query_time(
    request: &ApiRequest,
    name: &str,
) -> Result<Option<OffsetDateTime>, Fault> {
    let Some(text) = request.query_value(name) else {
        return Ok(None);
    };
    parse_iso8601(text)
        .map(Some)
        .ok_or_else(|| invalid_query(name, text, &format!("'{text}' is not a 'date-time'")))
}

/// An ISO 8601 time, as Nova's `parse_isotime` reads it: a date, optionally a time to
/// the minute, second or fraction (after `T` or a space), optionally a zone (`Z`,
/// `±HH:MM`, `±HHMM`, `±HH`; UTC when absent). The time is answered in UTC.
pub(super) fn parse_iso8601(text: &str) -> Option<OffsetDateTime> {
    let (date, rest) = text.split_at_checked(10)?;
    let date = parse_date(date)?;
    if rest.is_empty() {
        return Some(date.midnight().assume_utc());
    }
    let rest = rest.strip_prefix(['T', 't', ' '])?;

    let zone_at = rest.find(['Z', 'z', '+', '-']).unwrap_or(rest.len());
    let (clock, zone) = rest.split_at(zone_at);
    let time = parse_clock(clock)?;
    let offset = parse_zone(zone)?;
    Some(
        PrimitiveDateTime::new(date, time)
            .assume_offset(offset)
            .to_offset(UtcOffset::UTC),
    )
}

fn digits(text: &str) -> Option<u32> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

fn parse_date(text: &str) -> Option<Date> {
    let mut parts = text.split('-');
    let (year, month, day) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || year.len() != 4 || month.len() != 2 || day.len() != 2 {
        return None;
    }
    let month = Month::try_from(u8::try_from(digits(month)?).ok()?).ok()?;
    let year = i32::try_from(digits(year)?).ok()?;
    Date::from_calendar_date(year, month, u8::try_from(digits(day)?).ok()?).ok()
}

fn parse_clock(text: &str) -> Option<Time> {
    let (whole, fraction) = match text.split_once(['.', ',']) {
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (text, None),
    };
    let mut parts = whole.split(':');
    let hour = parts.next()?;
    let minute = parts.next()?;
    let second = parts.next();
    if parts.next().is_some() || hour.len() != 2 || minute.len() != 2 {
        return None;
    }
    let second = match second {
        Some(second) if second.len() == 2 => digits(second)?,
        Some(_) => return None,
        None if fraction.is_some() => return None,
        None => 0,
    };
    let nanosecond = match fraction {
        Some(fraction) if !fraction.is_empty() && fraction.bytes().all(|b| b.is_ascii_digit()) => {
            let padded: String = fraction
                .chars()
                .chain("000000000".chars())
                .take(9)
                .collect();
            padded.parse().ok()?
        }
        Some(_) => return None,
        None => 0,
    };
    Time::from_hms_nano(
        u8::try_from(digits(hour)?).ok()?,
        u8::try_from(digits(minute)?).ok()?,
        u8::try_from(second).ok()?,
        nanosecond,
    )
    .ok()
}

fn parse_zone(text: &str) -> Option<UtcOffset> {
    if text.is_empty() || text == "Z" || text == "z" {
        return Some(UtcOffset::UTC);
    }
    let (sign, rest) = text.split_at_checked(1)?;
    let sign: i8 = if sign == "-" { -1 } else { 1 };
    let (hours, minutes) = match rest.len() {
        2 => (rest, "00"),
        4 => rest.split_at(2),
        5 if rest.as_bytes()[2] == b':' => (&rest[..2], &rest[3..]),
        _ => return None,
    };
    let hours = i8::try_from(digits(hours)?).ok()?;
    let minutes = i8::try_from(digits(minutes)?).ok()?;
    UtcOffset::from_hms(sign * hours, sign * minutes, 0).ok()
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;

    #[test]
    fn iso8601_times_parse_as_nova_reads_them() {
        assert_eq!(
            parse_iso8601("2013-09-03T04:01:32Z"),
            Some(datetime!(2013-09-03 04:01:32 UTC))
        );
        assert_eq!(
            parse_iso8601("2013-09-03"),
            Some(datetime!(2013-09-03 00:00:00 UTC))
        );
        assert_eq!(
            parse_iso8601("2013-09-03 04:01"),
            Some(datetime!(2013-09-03 04:01:00 UTC))
        );
        assert_eq!(
            parse_iso8601("2013-09-03T04:01:32.5+02:00"),
            Some(datetime!(2013-09-03 04:01:32.5 +2))
        );
        assert_eq!(
            parse_iso8601("2013-09-03T04:01:32-0130"),
            Some(datetime!(2013-09-03 04:01:32 -1:30))
        );
        for bad in [
            "yesterday",
            "2013-13-01",
            "2013-02-30T00:00:00Z",
            "2013-09-03T25:00:00Z",
            "2013-09-03T04:01:32+5",
            "2013-09-03X04:01:32",
            "2013-9-3",
            "",
        ] {
            assert_eq!(parse_iso8601(bad), None, "{bad}");
        }
    }

    #[test]
    fn hrefs_reduce_to_their_last_segment() {
        assert_eq!(id_from_href("http://h:8774/v2.1/demo/flavors/1"), "1");
        assert_eq!(id_from_href("http://h/images/ami-1?x=y"), "ami-1");
        assert_eq!(id_from_href("t3.micro"), "t3.micro");
        assert_eq!(id_from_href("http://h"), "");
    }

    #[test]
    fn names_follow_nova_rules_strict_and_relaxed() {
        assert_eq!(name("name", &Value::from("vm 1"), false).unwrap(), "vm 1");
        assert_eq!(
            name("name", &Value::from(""), false).unwrap_err().message(),
            "Invalid input for field/attribute name. Value: . '' is too short"
        );
        assert_eq!(
            name("name", &Value::from(" vm"), false)
                .unwrap_err()
                .message(),
            "An invalid 'name' value was provided. The name must be: printable characters. \
             Can not start or end with whitespace."
        );
        assert_eq!(name("name", &Value::from(" vm "), true).unwrap(), "vm");
        assert_eq!(
            name("name", &Value::from(5), false).unwrap_err().message(),
            "Invalid input for field/attribute name. Value: 5. 5 is not of type 'string'"
        );
        assert!(name("name", &Value::from("a\u{7}b"), false).is_err());
        assert!(name("name", &Value::from("x".repeat(256)), false).is_err());
    }

    #[test]
    fn metadata_keys_and_values_are_checked() {
        let good = serde_json::json!({"My Server Name": "Apache1"});
        assert_eq!(
            metadata("metadata", &good).unwrap(),
            BTreeMap::from([("My Server Name".to_owned(), "Apache1".to_owned())])
        );
        let bad_key = serde_json::json!({"a/b": "x"});
        assert_eq!(
            metadata("metadata", &bad_key).unwrap_err().message(),
            "Invalid input for field/attribute metadata. Value: {\"a/b\":\"x\"}. \
             Additional properties are not allowed ('a/b' was unexpected)"
        );
        let bad_value = serde_json::json!({"k": 1});
        assert_eq!(
            metadata("metadata", &bad_value).unwrap_err().message(),
            "Invalid input for field/attribute k. Value: 1. 1 is not of type 'string'"
        );
    }
}
