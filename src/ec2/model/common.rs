//! Shapes shared by several actions: tags, tag specifications, `return` results.

use super::FromArgs;
use crate::ec2::args::{Args, Node};
use crate::ec2::error::Ec2Error;
use crate::ec2::xml::{ToXml, XmlWriter};

pub use crate::ec2::args::Filter;

/// A tag: a key and a value.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Tag {
    /// The tag's key.
    pub key: String,
    /// The tag's value (empty when none was given).
    pub value: String,
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
                key: item.string("Key").unwrap_or_default(),
                value: item.string("Value").unwrap_or_default(),
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
                Ok(TagSpecification {
                    resource_type: resource_type.to_owned(),
                    tags: Tag::list_from(item, "Tag"),
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
                        value: String::new()
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
    fn return_renders_as_aws_does() {
        let mut writer = XmlWriter::default();
        Return(true).write_xml(&mut writer);
        assert_eq!(writer.into_string(), "<return>true</return>");
    }
}
