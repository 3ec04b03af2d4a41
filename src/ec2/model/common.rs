//! Shapes shared by several actions: text, shared shapes, tags, tag specifications, `return`
//! results.

use std::borrow::Borrow;
use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::ops::Deref;
use std::sync::{Arc, OnceLock};

use super::FromArgs;
use crate::ec2::args::{Args, Node};
use crate::ec2::error::{Ec2Error, ErrorCode};
use crate::ec2::xml::{ToXml, XmlWriter};

pub use crate::ec2::args::Filter;

/// Text in an output shape: a `'static` string or a shared one, so cloning never
/// allocates. A backend that keeps its values as `Text` builds each response from
/// reference counts instead of copies.
///
/// It compares, hashes and orders by content, whichever way it is held.
#[derive(Clone)]
pub struct Text(Repr);

#[derive(Clone)]
enum Repr {
    Static(&'static str),
    Shared(Arc<str>),
}

impl Text {
    /// Text from a `'static` string, usable in constants.
    pub const fn from_static(text: &'static str) -> Text {
        Text(Repr::Static(text))
    }

    /// The text as a string slice.
    pub fn as_str(&self) -> &str {
        match &self.0 {
            Repr::Static(text) => text,
            Repr::Shared(text) => text,
        }
    }

    /// Whether the text is empty.
    pub fn is_empty(&self) -> bool {
        self.as_str().is_empty()
    }
}

impl Default for Text {
    fn default() -> Self {
        Text::from_static("")
    }
}

impl Deref for Text {
    type Target = str;

    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for Text {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl Borrow<str> for Text {
    fn borrow(&self) -> &str {
        self.as_str()
    }
}

impl fmt::Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self.as_str(), f)
    }
}

impl fmt::Debug for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl PartialEq for Text {
    fn eq(&self, other: &Text) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for Text {}

impl Hash for Text {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_str().hash(state);
    }
}

impl PartialOrd for Text {
    fn partial_cmp(&self, other: &Text) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Text {
    fn cmp(&self, other: &Text) -> Ordering {
        self.as_str().cmp(other.as_str())
    }
}

macro_rules! text_eq {
    ($($other:ty),*) => {$(
        impl PartialEq<$other> for Text {
            fn eq(&self, other: &$other) -> bool {
                self.as_str() == AsRef::<str>::as_ref(other)
            }
        }

        impl PartialEq<Text> for $other {
            fn eq(&self, other: &Text) -> bool {
                AsRef::<str>::as_ref(self) == other.as_str()
            }
        }
    )*};
}

text_eq!(str, &str, String);

impl From<&'static str> for Text {
    fn from(text: &'static str) -> Text {
        Text::from_static(text)
    }
}

impl From<String> for Text {
    fn from(text: String) -> Text {
        Text(Repr::Shared(text.into()))
    }
}

impl From<&String> for Text {
    fn from(text: &String) -> Text {
        Text(Repr::Shared(text.as_str().into()))
    }
}

impl From<Arc<str>> for Text {
    fn from(text: Arc<str>) -> Text {
        Text(Repr::Shared(text))
    }
}

impl From<Text> for String {
    fn from(text: Text) -> String {
        text.as_str().to_owned()
    }
}

impl ToXml for Text {
    fn write_xml(&self, writer: &mut XmlWriter) {
        writer.text(self);
    }
}

#[cfg(feature = "fake")]
impl serde::Serialize for Text {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self)
    }
}

#[cfg(feature = "fake")]
impl<'de> serde::Deserialize<'de> for Text {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Text, D::Error> {
        String::deserialize(deserializer).map(Text::from)
    }
}

/// An output shape shared between answers, whose XML is written once and then copied.
///
/// A backend that describes the same value again and again (an instance that has not
/// changed since the last Describe) keeps one `Shared` and hands out clones: a clone
/// costs a reference count, and every answer after the first copies the XML the first one
/// wrote instead of writing it field by field.
///
/// The value cannot be changed once shared, so the XML, a pure function of it, is never
/// stale. It is kept as long as the value is, roughly doubling what the value costs in
/// memory. `Debug`, equality and `Default` go by the value alone.
pub struct Shared<T>(Arc<SharedInner<T>>);

struct SharedInner<T> {
    value: T,
    xml: OnceLock<Box<str>>,
}

impl<T> Shared<T> {
    /// Shares `value`; its XML is written the first time it is needed.
    pub fn new(value: T) -> Self {
        Shared(Arc::new(SharedInner {
            value,
            xml: OnceLock::new(),
        }))
    }

    /// The value.
    pub fn get(&self) -> &T {
        &self.0.value
    }

    /// Whether `this` and `other` are clones of one `Shared`, sharing one XML.
    pub fn ptr_eq(this: &Shared<T>, other: &Shared<T>) -> bool {
        Arc::ptr_eq(&this.0, &other.0)
    }
}

impl<T> Clone for Shared<T> {
    fn clone(&self) -> Self {
        Shared(Arc::clone(&self.0))
    }
}

impl<T> Deref for Shared<T> {
    type Target = T;

    fn deref(&self) -> &T {
        self.get()
    }
}

impl<T> From<T> for Shared<T> {
    fn from(value: T) -> Self {
        Shared::new(value)
    }
}

impl<T: Default> Default for Shared<T> {
    fn default() -> Self {
        Shared::new(T::default())
    }
}

impl<T: fmt::Debug> fmt::Debug for Shared<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.get(), f)
    }
}

impl<T: PartialEq> PartialEq for Shared<T> {
    fn eq(&self, other: &Shared<T>) -> bool {
        self.get() == other.get()
    }
}

impl<T: Eq> Eq for Shared<T> {}

impl<T: ToXml> ToXml for Shared<T> {
    fn write_xml(&self, writer: &mut XmlWriter) {
        let xml = self.0.xml.get_or_init(|| {
            let mut own = XmlWriter::with_capacity(4096);
            self.0.value.write_xml(&mut own);
            own.into_string().into_boxed_str()
        });
        writer.raw(xml);
    }

    fn is_absent(&self) -> bool {
        self.0.value.is_absent()
    }
}

/// A tag: a key and a value.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Tag {
    /// The tag's key.
    pub key: Text,
    /// The tag's value (empty when none was given).
    pub value: Text,
}

impl ToXml for Tag {
    fn write_xml(&self, writer: &mut XmlWriter) {
        writer.field("key", &self.key);
        writer.field("value", &self.value);
    }
}

impl Tag {
    /// Reads the tags of a `Tag.N.Key`/`Tag.N.Value` list below `node` at `path`.
    pub fn list_from(node: &Node, path: &str) -> Vec<Tag> {
        node.list(path)
            .into_iter()
            .map(|item| Tag {
                key: item.string("Key").map(Text::from).unwrap_or_default(),
                value: item.string("Value").map(Text::from).unwrap_or_default(),
            })
            .collect()
    }
}

/// Tags to apply to the resources a call creates (`TagSpecification.N`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TagSpecification {
    /// The kind of resource the tags are for (`instance`, `volume`, …).
    pub resource_type: String,
    /// The tags.
    pub tags: Vec<Tag>,
}

impl TagSpecification {
    /// Reads `TagSpecification.N.ResourceType` and `TagSpecification.N.Tag.M.*`.
    pub fn list_from(args: &Args) -> Result<Vec<TagSpecification>, Ec2Error> {
        args.list("TagSpecification")
            .into_iter()
            .map(|item| {
                let resource_type = item
                    .required("ResourceType")
                    .map_err(|_| Ec2Error::missing_parameter("TagSpecification.N.ResourceType"))?;
                let tags = Tag::list_from(item, "Tag");
                if tags.is_empty() {
                    return Err(Ec2Error::new(
                        ErrorCode::InvalidParameterValue,
                        "Tag specification must have at least one tag",
                    ));
                }
                Ok(TagSpecification {
                    resource_type: resource_type.to_owned(),
                    tags,
                })
            })
            .collect()
    }
}

/// The `<return>true</return>` answer of actions that only succeed or fail.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Return(pub bool);

impl Default for Return {
    fn default() -> Self {
        Return(true)
    }
}

impl ToXml for Return {
    fn write_xml(&self, writer: &mut XmlWriter) {
        writer.field("return", &self.0);
    }
}

/// An input with no arguments beyond the common ones.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct NoInput;

impl FromArgs for NoInput {
    fn from_args(_args: &Args) -> Result<Self, Ec2Error> {
        Ok(NoInput)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tag_specification_without_tags_is_refused() {
        let args = Args::from_pairs([("TagSpecification.1.ResourceType", "volume")]);
        let refused = TagSpecification::list_from(&args).unwrap_err();
        assert_eq!(refused.code(), ErrorCode::InvalidParameterValue);
        assert_eq!(
            refused.message(),
            "Tag specification must have at least one tag"
        );
    }

    #[test]
    fn tag_specifications_need_a_resource_type() {
        let args = Args::from_pairs([
            ("TagSpecification.1.ResourceType", "instance"),
            ("TagSpecification.1.Tag.1.Key", "Name"),
            ("TagSpecification.1.Tag.1.Value", "web"),
            ("TagSpecification.1.Tag.2.Key", "empty"),
        ]);
        assert_eq!(
            TagSpecification::list_from(&args).unwrap(),
            [TagSpecification {
                resource_type: "instance".into(),
                tags: vec![
                    Tag {
                        key: "Name".into(),
                        value: "web".into()
                    },
                    Tag {
                        key: "empty".into(),
                        value: Text::default()
                    },
                ],
            }]
        );
        let missing = Args::from_pairs([("TagSpecification.1.Tag.1.Key", "Name")]);
        assert_eq!(
            TagSpecification::list_from(&missing).unwrap_err().message(),
            "The request must contain the parameter TagSpecification.N.ResourceType"
        );
    }

    #[test]
    fn cloned_text_shares_its_bytes() {
        let shared = Text::from(String::from("i-0123456789abcdef0"));
        let clone = shared.clone();
        assert_eq!(clone.as_str().as_ptr(), shared.as_str().as_ptr());
        let constant = Text::from("in-use");
        assert_eq!(constant.clone().as_str().as_ptr(), "in-use".as_ptr());
    }

    #[test]
    fn text_compares_by_content_whichever_way_it_is_held() {
        let shared = Text::from(String::from("running"));
        let constant = Text::from("running");
        let counted = Text::from(Arc::<str>::from("running"));
        assert_eq!(shared, constant);
        assert_eq!(counted, constant);
        assert_eq!(shared, "running");
        assert_eq!("running", shared);
        assert_eq!(shared, String::from("running"));
        let (first, second) = (Text::from("a"), Text::from(String::from("b")));
        assert!(first < second);
        let hash = |text: &Text| {
            let mut hasher = std::collections::hash_map::DefaultHasher::new();
            text.hash(&mut hasher);
            hasher.finish()
        };
        assert_eq!(hash(&shared), hash(&constant));
        let set: std::collections::BTreeSet<Text> = [shared].into();
        assert!(set.contains("running"));
    }

    #[test]
    fn text_prints_like_a_string() {
        let text = Text::from("a \"b\"");
        assert_eq!(text.to_string(), "a \"b\"");
        assert_eq!(format!("{text:?}"), r#""a \"b\"""#);
        assert!(Text::default().is_empty());
        assert_eq!(String::from(text), "a \"b\"");
    }

    #[test]
    fn text_renders_escaped() {
        let mut writer = XmlWriter::default();
        writer.field("name", &Text::from("a<b"));
        assert_eq!(writer.into_string(), "<name>a&lt;b</name>");
    }

    #[test]
    fn shared_shapes_render_once_and_then_copy() {
        let shared = Shared::new(Tag {
            key: "Name".into(),
            value: "a<b".into(),
        });
        let clone = shared.clone();
        let mut first = XmlWriter::default();
        shared.write_xml(&mut first);
        let mut second = XmlWriter::default();
        clone.write_xml(&mut second);
        assert_eq!(first.as_str(), "<key>Name</key><value>a&lt;b</value>");
        assert_eq!(second.as_str(), first.as_str());
        assert!(Shared::ptr_eq(&shared, &clone));
        assert!(!Shared::ptr_eq(&shared, &Shared::new(Tag::default())));
    }

    #[test]
    fn shared_shapes_compare_and_print_as_their_value() {
        let value = Tag {
            key: "Name".into(),
            value: "web".into(),
        };
        let rendered = Shared::new(value.clone());
        rendered.write_xml(&mut XmlWriter::default());
        let fresh = Shared::from(value.clone());
        assert_eq!(rendered, fresh);
        assert_ne!(rendered, Shared::default());
        assert_eq!(format!("{rendered:?}"), format!("{value:?}"));
        assert_eq!(rendered.key, "Name");
        assert_eq!(rendered.get(), &value);
    }

    #[test]
    fn return_renders_as_aws_does() {
        let mut writer = XmlWriter::default();
        Return(true).write_xml(&mut writer);
        assert_eq!(writer.into_string(), "<return>true</return>");
    }
}
