//! Request bodies, read by their `Content-Type`: JSON as it is and, on `/v1.0` and
//! `/v1.1`, XML turned into the JSON the same request would have sent.
//!
//! The XML conversion is generic, where Nova's Diablo deserializers knew each resource:
//! the root element becomes the single key, attributes and child elements become
//! fields, a child repeated (or the items of a plural container such as `<networks>`)
//! becomes an array, `<metadata><meta key="a">b</meta></metadata>` becomes
//! `{"a": "b"}`, and the text of a `<file path="...">` is its `contents`.
//!
//! # Limitations
//!
//! The XML reader takes elements, attributes, text, CDATA and character references; it
//! refuses document type declarations (and so every custom entity) as malformed.

use http::HeaderMap;
use serde_json::{Map, Value};

use super::fault::Fault;
use super::version::Endpoint;

/// What Nova answers for a body it cannot read.
const MALFORMED: &str = "Malformed request body";

/// The body parsed by its `Content-Type`, or `None` when it is empty.
///
/// A body without `Content-Type` (or `text/plain`) is read as JSON, as Nova reads it; XML
/// is read on the legacy endpoints only; any other type is 415 `badMediaType`.
pub(crate) fn parse_body(
    endpoint: Endpoint,
    headers: &HeaderMap,
    bytes: &[u8],
) -> Result<Option<Value>, Fault> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(None);
    }
    let content_type = headers
        .get(http::header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .map(|value| {
            value
                .split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase()
        })
        .unwrap_or_default();
    let xml = match content_type.as_str() {
        "" | "text/plain" | "application/json" | "application/vnd.openstack.compute+json" => false,
        "application/xml" | "application/vnd.openstack.compute+xml" | "text/xml"
            if endpoint.serves_xml() =>
        {
            true
        }
        _ => return Err(Fault::bad_media_type("Unsupported Content-Type")),
    };
    let parsed = if xml {
        let text = std::str::from_utf8(bytes).map_err(|_| Fault::bad_request(MALFORMED))?;
        let root = XmlReader::new(text).document()?;
        let mut object = Map::new();
        object.insert(root.name.clone(), root.into_json());
        Value::Object(object)
    } else {
        serde_json::from_slice(bytes).map_err(|_| Fault::bad_request(MALFORMED))?
    };
    Ok(Some(parsed))
}

/// An element of a request body.
#[derive(Debug, Default)]
struct Element {
    name: String,
    attributes: Vec<(String, String)>,
    children: Vec<Element>,
    text: String,
}

impl Element {
    fn into_json(self) -> Value {
        let Element {
            name,
            attributes,
            children,
            text,
        } = self;
        if attributes.is_empty() && children.is_empty() {
            return if text.trim().is_empty() {
                Value::Null
            } else {
                Value::String(text)
            };
        }

        if attributes.is_empty() && !children.is_empty() {
            if children.iter().all(|child| child.name == "meta") {
                return metadata_map(children);
            }
            let item_name = children[0].name.clone();
            let one_kind = children.iter().all(|child| child.name == item_name);
            let plural = name == format!("{item_name}s") || name == "personality";
            if one_kind && (plural || children.len() > 1) {
                return Value::Array(children.into_iter().map(Element::into_json).collect());
            }
        }

        let mut object = Map::new();
        for (key, value) in attributes {
            object.insert(key, Value::String(value));
        }
        let mut repeated: Vec<String> = Vec::new();
        for child in &children {
            let count = children.iter().filter(|c| c.name == child.name).count();
            if count > 1 && !repeated.contains(&child.name) {
                repeated.push(child.name.clone());
            }
        }
        for child in children {
            let key = child.name.clone();
            let value = child.into_json();
            if repeated.contains(&key) {
                let entry = object
                    .entry(key)
                    .or_insert_with(|| Value::Array(Vec::new()));
                if let Value::Array(items) = entry {
                    items.push(value);
                }
            } else {
                object.insert(key, value);
            }
        }
        if name == "file" && !text.trim().is_empty() {
            object.insert("contents".to_owned(), Value::String(text));
        }
        Value::Object(object)
    }
}

/// `<meta key="a">b</meta>`... as `{"a": "b"}`.
fn metadata_map(children: Vec<Element>) -> Value {
    let mut map = Map::new();
    for meta in children {
        let key = meta
            .attributes
            .iter()
            .find(|(name, _)| name == "key")
            .map(|(_, value)| value.clone())
            .unwrap_or_default();
        map.insert(key, Value::String(meta.text));
    }
    Value::Object(map)
}

/// A reader of the XML subset request bodies use.
struct XmlReader<'a> {
    text: &'a str,
    position: usize,
}

/// Nested elements deeper than this are refused: no legitimate body comes close.
const MAX_DEPTH: usize = 32;

impl<'a> XmlReader<'a> {
    fn new(text: &'a str) -> Self {
        XmlReader { text, position: 0 }
    }

    fn malformed<T>() -> Result<T, Fault> {
        Err(Fault::bad_request(MALFORMED))
    }

    fn rest(&self) -> &'a str {
        &self.text[self.position..]
    }

    fn skip_whitespace(&mut self) {
        let rest = self.rest();
        self.position += rest.len() - rest.trim_start().len();
    }

    /// Skips past `end`, which must follow.
    fn skip_past(&mut self, end: &str) -> Result<(), Fault> {
        match self.rest().find(end) {
            Some(at) => {
                self.position += at + end.len();
                Ok(())
            }
            None => Self::malformed(),
        }
    }

    /// The declaration, comments and processing instructions before the root, the root,
    /// and nothing after it but comments and space.
    fn document(mut self) -> Result<Element, Fault> {
        self.skip_misc()?;
        if !self.rest().starts_with('<') {
            return Self::malformed();
        }
        let root = self.element(0)?;
        self.skip_misc()?;
        if !self.rest().is_empty() {
            return Self::malformed();
        }
        Ok(root)
    }

    fn skip_misc(&mut self) -> Result<(), Fault> {
        loop {
            self.skip_whitespace();
            let rest = self.rest();
            if rest.starts_with("<?") {
                self.skip_past("?>")?;
            } else if rest.starts_with("<!--") {
                self.skip_past("-->")?;
            } else if rest.starts_with("<!") {
                return Self::malformed();
            } else {
                return Ok(());
            }
        }
    }

    fn name(&mut self) -> Result<&'a str, Fault> {
        let rest = self.rest();
        let length = rest
            .find(|c: char| c.is_whitespace() || matches!(c, '/' | '>' | '=' | '<'))
            .unwrap_or(rest.len());
        if length == 0 {
            return Self::malformed();
        }
        self.position += length;
        Ok(&rest[..length])
    }

    /// The element starting at `<`.
    fn element(&mut self, depth: usize) -> Result<Element, Fault> {
        if depth > MAX_DEPTH {
            return Self::malformed();
        }
        self.position += 1;
        let qualified = self.name()?;
        let mut element = Element {
            name: local_name(qualified).to_owned(),
            ..Element::default()
        };
        loop {
            self.skip_whitespace();
            let rest = self.rest();
            if rest.starts_with("/>") {
                self.position += 2;
                return Ok(element);
            }
            if rest.starts_with('>') {
                self.position += 1;
                break;
            }
            let attribute = self.name()?;
            self.skip_whitespace();
            if !self.rest().starts_with('=') {
                return Self::malformed();
            }
            self.position += 1;
            self.skip_whitespace();
            let value = self.quoted()?;
            if attribute != "xmlns" && !attribute.starts_with("xmlns:") {
                element
                    .attributes
                    .push((local_name(attribute).to_owned(), value));
            }
        }
        loop {
            let rest = self.rest();
            if rest.starts_with("</") {
                self.position += 2;
                if self.name()? != qualified {
                    return Self::malformed();
                }
                self.skip_whitespace();
                if !self.rest().starts_with('>') {
                    return Self::malformed();
                }
                self.position += 1;
                return Ok(element);
            } else if rest.starts_with("<![CDATA[") {
                self.position += "<![CDATA[".len();
                let end = self
                    .rest()
                    .find("]]>")
                    .ok_or_else(|| Fault::bad_request(MALFORMED))?;
                element.text.push_str(&self.rest()[..end]);
                self.position += end + 3;
            } else if rest.starts_with("<!--") {
                self.skip_past("-->")?;
            } else if rest.starts_with("<?") {
                self.skip_past("?>")?;
            } else if rest.starts_with("<!") {
                return Self::malformed();
            } else if rest.starts_with('<') {
                let child = self.element(depth + 1)?;
                element.children.push(child);
            } else if rest.is_empty() {
                return Self::malformed();
            } else {
                let end = rest.find('<').unwrap_or(rest.len());
                element.text.push_str(&unescape(&rest[..end])?);
                self.position += end;
            }
        }
    }

    fn quoted(&mut self) -> Result<String, Fault> {
        let rest = self.rest();
        let quote = match rest.chars().next() {
            Some(quote @ ('"' | '\'')) => quote,
            _ => return Self::malformed(),
        };
        let end = rest[1..]
            .find(quote)
            .ok_or_else(|| Fault::bad_request(MALFORMED))?;
        let raw = &rest[1..1 + end];
        if raw.contains('<') {
            return Self::malformed();
        }
        self.position += end + 2;
        unescape(raw)
    }
}

/// The name without its namespace prefix.
fn local_name(qualified: &str) -> &str {
    qualified.rsplit(':').next().unwrap_or(qualified)
}

/// Text with its five predefined entities and character references resolved.
fn unescape(raw: &str) -> Result<String, Fault> {
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        let semicolon = after
            .find(';')
            .ok_or_else(|| Fault::bad_request(MALFORMED))?;
        let entity = &after[..semicolon];
        let resolved = match entity {
            "lt" => Some('<'),
            "gt" => Some('>'),
            "amp" => Some('&'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => entity
                .strip_prefix("#x")
                .map(|hex| u32::from_str_radix(hex, 16))
                .or_else(|| entity.strip_prefix('#').map(str::parse::<u32>))
                .and_then(Result::ok)
                .and_then(char::from_u32),
        };
        out.push(resolved.ok_or_else(|| Fault::bad_request(MALFORMED))?);
        rest = &after[semicolon + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::StatusCode;
    use serde_json::json;

    fn headers(content_type: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(http::header::CONTENT_TYPE, content_type.parse().unwrap());
        headers
    }

    fn xml(body: &str) -> Result<Option<Value>, Fault> {
        parse_body(Endpoint::V1_1, &headers("application/xml"), body.as_bytes())
    }

    #[test]
    fn an_xml_server_becomes_the_json_the_same_request_sends() {
        let body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
            <server xmlns=\"http://docs.openstack.org/compute/api/v1.1\" name=\"x\" \
            imageRef=\"1\" flavorRef=\"2\"><metadata><meta key=\"a\">b</meta>\
            <meta key=\"c\">d &amp; e</meta></metadata>\
            <personality><file path=\"/etc/motd\">aGk=</file></personality></server>";
        assert_eq!(
            xml(body).unwrap(),
            Some(json!({"server": {
                "name": "x", "imageRef": "1", "flavorRef": "2",
                "metadata": {"a": "b", "c": "d & e"},
                "personality": [{"path": "/etc/motd", "contents": "aGk="}],
            }}))
        );
    }

    #[test]
    fn xml_actions_convert_with_attributes_and_empty_elements() {
        assert_eq!(
            xml("<reboot xmlns=\"http://docs.openstack.org/compute/api/v1.1\" type=\"HARD\"/>")
                .unwrap(),
            Some(json!({"reboot": {"type": "HARD"}}))
        );
        assert_eq!(
            xml("<confirmResize/>").unwrap(),
            Some(json!({"confirmResize": null}))
        );
        assert_eq!(
            xml("<networks><network uuid=\"n1\"/></networks>").unwrap(),
            Some(json!({"networks": [{"uuid": "n1"}]}))
        );
    }

    #[test]
    fn malformed_bodies_are_400() {
        for body in [
            "<server name=\"x\">",
            "<a></b>",
            "<!DOCTYPE x [<!ENTITY e \"boom\">]><x>&e;</x>",
            "<a>&unknown;</a>",
            "<a/><b/>",
        ] {
            let fault = xml(body).unwrap_err();
            assert_eq!(fault.status(), StatusCode::BAD_REQUEST, "{body}");
            assert_eq!(fault.message(), "Malformed request body");
        }
        let json = parse_body(
            Endpoint::V2_1,
            &headers("application/json"),
            b"{\"server\":",
        );
        assert_eq!(json.unwrap_err().message(), "Malformed request body");
    }

    #[test]
    fn content_types_choose_the_reader() {
        let plain = parse_body(Endpoint::V2_1, &HeaderMap::new(), b"{\"a\": 1}");
        assert_eq!(plain.unwrap(), Some(json!({"a": 1})));
        let empty = parse_body(Endpoint::V2_1, &headers("application/foo"), b"");
        assert_eq!(empty.unwrap(), None);
        let unknown = parse_body(Endpoint::V1_1, &headers("application/foo"), b"{}");
        let fault = unknown.unwrap_err();
        assert_eq!(fault.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
        assert_eq!(fault.message(), "Unsupported Content-Type");
        let modern_xml = parse_body(Endpoint::V2_1, &headers("application/xml"), b"<a/>");
        assert_eq!(
            modern_xml.unwrap_err().status(),
            StatusCode::UNSUPPORTED_MEDIA_TYPE
        );
    }
}
