//! A metadata tree: directories that list their entries, and leaves that hold a value.

use bytes::Bytes;

use crate::core::{Body, Response};

/// `text/plain`, the type of every listing and of plain values.
pub(crate) const TEXT_PLAIN: &str = "text/plain";
/// `application/json`, the type of the JSON documents.
pub(crate) const APPLICATION_JSON: &str = "application/json";
/// `application/octet-stream`, the type of user data, which may be binary.
pub(crate) const OCTET_STREAM: &str = "application/octet-stream";

/// A node of a metadata tree.
#[derive(Debug)]
pub(crate) enum Node {
    /// A value and its content type.
    Leaf {
        body: Bytes,
        content_type: &'static str,
    },
    /// Entries, in the order the listing shows them.
    Dir(Vec<Entry>),
}

/// An entry of a directory.
#[derive(Debug)]
pub(crate) struct Entry {
    pub(crate) name: String,
    /// What the listing shows instead of the name (EC2 lists key `0` as `0=name`).
    pub(crate) listed_as: Option<String>,
    pub(crate) node: Node,
}

impl Node {
    /// A plain-text value.
    pub(crate) fn text(value: impl Into<String>) -> Node {
        Node::Leaf {
            body: Bytes::from(value.into()),
            content_type: TEXT_PLAIN,
        }
    }

    /// A JSON document.
    pub(crate) fn json(document: String) -> Node {
        Node::Leaf {
            body: Bytes::from(document),
            content_type: APPLICATION_JSON,
        }
    }

    /// Bytes served as they are.
    pub(crate) fn bytes(body: Bytes) -> Node {
        Node::Leaf {
            body,
            content_type: OCTET_STREAM,
        }
    }

    /// A directory of `entries`, listed in the order given.
    pub(crate) fn dir(entries: Vec<Entry>) -> Node {
        Node::Dir(entries)
    }

    /// A directory of `entries`, listed by name.
    pub(crate) fn sorted_dir(mut entries: Vec<Entry>) -> Node {
        entries.sort_by(|a, b| a.name.cmp(&b.name));
        Node::Dir(entries)
    }

    /// The node at `path` below this one.
    pub(crate) fn lookup(&self, path: &[&str]) -> Option<&Node> {
        let Some((first, rest)) = path.split_first() else {
            return Some(self);
        };
        match self {
            Node::Leaf { .. } => None,
            Node::Dir(entries) => entries
                .iter()
                .find(|entry| entry.name == *first)
                .and_then(|entry| entry.node.lookup(rest)),
        }
    }

    /// The answer for this node: its value, or its listing (one entry a line,
    /// directories with a trailing `/`).
    pub(crate) fn to_response(&self) -> Response {
        let (body, content_type) = match self {
            Node::Leaf { body, content_type } => (body.clone(), *content_type),
            Node::Dir(entries) => {
                let lines: Vec<String> = entries.iter().map(Entry::listing_line).collect();
                (Bytes::from(lines.join("\n")), TEXT_PLAIN)
            }
        };
        let mut response = Response::new(Body::from(body));
        response.headers_mut().insert(
            http::header::CONTENT_TYPE,
            http::HeaderValue::from_static(content_type),
        );
        response
    }
}

impl Entry {
    /// An entry named `name`.
    pub(crate) fn new(name: impl Into<String>, node: Node) -> Entry {
        Entry {
            name: name.into(),
            listed_as: None,
            node,
        }
    }

    fn listing_line(&self) -> String {
        match (&self.listed_as, &self.node) {
            (Some(label), _) => label.clone(),
            (None, Node::Dir(_)) => format!("{}/", self.name),
            (None, Node::Leaf { .. }) => self.name.clone(),
        }
    }
}

/// `value` as a JSON string, quoted and escaped.
pub(crate) fn json_string(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if u32::from(c) < 0x20 => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `value` as a JSON string, or `null`.
pub(crate) fn json_or_null(value: Option<&str>) -> String {
    value.map_or_else(|| "null".to_owned(), json_string)
}
