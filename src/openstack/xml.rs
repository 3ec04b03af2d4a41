//! XML documents of the `/v1.0` and `/v1.1` endpoints: a small element tree that the
//! views build and the protocol layer writes with the endpoint's namespace.

use crate::ec2::xml::escape_into;

/// The v1.0 namespace (Rackspace's Cloud Servers API).
pub const XMLNS_V10: &str = "http://docs.rackspacecloud.com/servers/api/v1.0";
/// The v1.1 namespace.
pub const XMLNS_V11: &str = "http://docs.openstack.org/compute/api/v1.1";
/// The namespace of version and choices documents.
pub const XMLNS_COMMON: &str = "http://docs.openstack.org/common/api/v1.0";
/// The Atom namespace, for `<atom:link>`.
pub const XMLNS_ATOM: &str = "http://www.w3.org/2005/Atom";

/// An element: a name, attributes in order, and children.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct XmlElement {
    name: String,
    attributes: Vec<(String, String)>,
    children: Vec<XmlNode>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum XmlNode {
    Element(XmlElement),
    Text(String),
}

impl XmlElement {
    /// An element called `name` (may carry a prefix, as `atom:link`).
    pub fn new(name: impl Into<String>) -> Self {
        XmlElement {
            name: name.into(),
            attributes: Vec::new(),
            children: Vec::new(),
        }
    }

    /// The element's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Adds an attribute.
    pub fn attr(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.attributes.push((name.into(), value.into()));
        self
    }

    /// Adds an attribute when `value` is set.
    pub fn attr_opt(self, name: impl Into<String>, value: Option<impl Into<String>>) -> Self {
        match value {
            Some(value) => self.attr(name, value),
            None => self,
        }
    }

    /// Adds a child element.
    pub fn child(mut self, child: XmlElement) -> Self {
        self.children.push(XmlNode::Element(child));
        self
    }

    /// Adds child elements.
    pub fn children(mut self, children: impl IntoIterator<Item = XmlElement>) -> Self {
        self.children
            .extend(children.into_iter().map(XmlNode::Element));
        self
    }

    /// Adds text content.
    pub fn text(mut self, text: impl Into<String>) -> Self {
        self.children.push(XmlNode::Text(text.into()));
        self
    }

    /// A child element `name` holding only `text`.
    pub fn text_child(self, name: impl Into<String>, text: impl Into<String>) -> Self {
        self.child(XmlElement::new(name).text(text))
    }

    /// The whole document: the XML declaration, then this element with `namespace` as
    /// its default namespace (and the Atom namespace when an `atom:` element is inside).
    pub fn to_document(&self, namespace: &str) -> String {
        let mut out = String::with_capacity(256);
        out.push_str("<?xml version='1.0' encoding='UTF-8'?>\n");
        let mut root = self.clone();
        let mut declared = vec![("xmlns".to_owned(), namespace.to_owned())];
        if root.uses_prefix("atom:") {
            declared.push(("xmlns:atom".to_owned(), XMLNS_ATOM.to_owned()));
        }
        root.attributes
            .retain(|(name, _)| !name.starts_with("xmlns"));
        declared.append(&mut root.attributes);
        root.attributes = declared;
        root.write(&mut out);
        out
    }

    fn uses_prefix(&self, prefix: &str) -> bool {
        self.name.starts_with(prefix)
            || self.children.iter().any(|child| match child {
                XmlNode::Element(element) => element.uses_prefix(prefix),
                XmlNode::Text(_) => false,
            })
    }

    fn write(&self, out: &mut String) {
        out.push('<');
        out.push_str(&self.name);
        for (name, value) in &self.attributes {
            out.push(' ');
            out.push_str(name);
            out.push_str("=\"");
            escape_attribute(out, value);
            out.push('"');
        }
        if self.children.is_empty() {
            out.push_str("/>");
            return;
        }
        out.push('>');
        for child in &self.children {
            match child {
                XmlNode::Element(element) => element.write(out),
                XmlNode::Text(text) => escape_into(out, text),
            }
        }
        out.push_str("</");
        out.push_str(&self.name);
        out.push('>');
    }
}

/// Appends `value` escaped for a double-quoted attribute.
fn escape_attribute(out: &mut String, value: &str) {
    let mut escaped = String::with_capacity(value.len());
    escape_into(&mut escaped, value);
    for c in escaped.chars() {
        match c {
            '"' => out.push_str("&quot;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fault_document_carries_the_namespace_and_escapes() {
        let fault = XmlElement::new("itemNotFound")
            .attr("code", "404")
            .text_child("message", "no <such> \"server\" & more");
        assert_eq!(
            fault.to_document(XMLNS_V11),
            "<?xml version='1.0' encoding='UTF-8'?>\n\
             <itemNotFound xmlns=\"http://docs.openstack.org/compute/api/v1.1\" code=\"404\">\
             <message>no &lt;such&gt; \"server\" &amp; more</message></itemNotFound>"
        );
    }

    #[test]
    fn atom_links_declare_the_atom_namespace_and_attributes_escape_quotes() {
        let flavor = XmlElement::new("flavor").attr("name", "say \"hi\"").child(
            XmlElement::new("atom:link")
                .attr("rel", "self")
                .attr("href", "http://x/1"),
        );
        assert_eq!(
            flavor.to_document(XMLNS_V10),
            "<?xml version='1.0' encoding='UTF-8'?>\n\
             <flavor xmlns=\"http://docs.rackspacecloud.com/servers/api/v1.0\" \
             xmlns:atom=\"http://www.w3.org/2005/Atom\" name=\"say &quot;hi&quot;\">\
             <atom:link rel=\"self\" href=\"http://x/1\"/></flavor>"
        );
    }
}
