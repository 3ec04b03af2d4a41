//! Tags on any resource.

use super::{FromArgs, Return, Tag};
use crate::ec2::args::{Args, Filter};
use crate::ec2::error::Ec2Error;
use crate::ec2::xml::{ToXml, XmlWriter};

/// The resource ids of `ResourceId.N`; an empty list is `MissingParameter`, named as AWS
/// names the list internally.
fn resource_ids(args: &Args) -> Result<Vec<String>, Ec2Error> {
    let ids = args.strings("ResourceId");
    if ids.is_empty() {
        return Err(Ec2Error::missing_parameter("resourceIdSet"));
    }
    Ok(ids)
}

/// The input of `CreateTags`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CreateTagsInput {
    /// `ResourceId.N`.
    pub resource_ids: Vec<String>,
    /// `Tag.N.Key` and `Tag.N.Value` (an absent value is the empty string).
    pub tags: Vec<Tag>,
}

impl FromArgs for CreateTagsInput {
    fn from_args(args: &Args) -> Result<Self, Ec2Error> {
        let resource_ids = resource_ids(args)?;
        let tags = Tag::list_from(args, "Tag");
        if tags.is_empty() {
            return Err(Ec2Error::missing_parameter("Tag"));
        }
        Ok(CreateTagsInput { resource_ids, tags })
    }
}

/// The output of `CreateTags`: `<return>true</return>`.
pub type CreateTagsOutput = Return;

/// A tag to delete: with a value, only when the resource's value is equal.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TagToDelete {
    /// `Tag.N.Key`.
    pub key: String,
    /// `Tag.N.Value`; absent deletes the key whatever its value.
    pub value: Option<String>,
}

/// The input of `DeleteTags`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DeleteTagsInput {
    /// `ResourceId.N`.
    pub resource_ids: Vec<String>,
    /// `Tag.N`; none deletes every tag of the resources.
    pub tags: Vec<TagToDelete>,
}

impl FromArgs for DeleteTagsInput {
    fn from_args(args: &Args) -> Result<Self, Ec2Error> {
        let resource_ids = resource_ids(args)?;
        let tags = args
            .list("Tag")
            .into_iter()
            .map(|item| TagToDelete {
                key: item.string("Key").unwrap_or_default(),
                value: item.string("Value"),
            })
            .collect();
        Ok(DeleteTagsInput { resource_ids, tags })
    }
}

/// The output of `DeleteTags`: `<return>true</return>`.
pub type DeleteTagsOutput = Return;

/// The input of `DescribeTags`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DescribeTagsInput {
    /// `Filter.N`: `key`, `value`, `resource-id`, `resource-type`.
    pub filters: Vec<Filter>,
    /// `MaxResults`.
    pub max_results: Option<i64>,
    /// `NextToken`.
    pub next_token: Option<String>,
}

impl FromArgs for DescribeTagsInput {
    fn from_args(args: &Args) -> Result<Self, Ec2Error> {
        Ok(DescribeTagsInput {
            filters: args.filters("Filter")?,
            max_results: args.number("MaxResults")?,
            next_token: args.string("NextToken"),
        })
    }
}

/// A tag with the resource it is on.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct TagDescription {
    /// The resource's id.
    pub resource_id: String,
    /// `instance`, `image`, `key-pair`, `volume`…
    pub resource_type: String,
    /// The key.
    pub key: String,
    /// The value.
    pub value: String,
}

impl ToXml for TagDescription {
    fn write_xml(&self, writer: &mut XmlWriter) {
        writer.field("resourceId", &self.resource_id);
        writer.field("resourceType", &self.resource_type);
        writer.field("key", &self.key);
        writer.field("value", &self.value);
    }
}

/// The output of `DescribeTags`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DescribeTagsOutput {
    /// The tags.
    pub tags: Vec<TagDescription>,
    /// The token of the next page, when there is one.
    pub next_token: Option<String>,
}

impl ToXml for DescribeTagsOutput {
    fn write_xml(&self, writer: &mut XmlWriter) {
        writer.list("tagSet", &self.tags);
        writer.field("nextToken", &self.next_token);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ec2::model::Text;

    #[test]
    fn create_tags_reads_resources_and_tags() {
        let args = Args::from_pairs([
            ("Action", "CreateTags"),
            ("ResourceId.1", "i-1"),
            ("ResourceId.2", "ami-2"),
            ("Tag.1.Key", "Name"),
            ("Tag.1.Value", "web"),
            ("Tag.2.Key", "empty"),
        ]);
        assert_eq!(
            CreateTagsInput::from_args(&args).unwrap(),
            CreateTagsInput {
                resource_ids: vec!["i-1".into(), "ami-2".into()],
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
            }
        );
    }

    #[test]
    fn delete_tags_tells_a_missing_value_from_an_empty_one() {
        let args = Args::from_pairs([
            ("ResourceId.1", "i-1"),
            ("Tag.1.Key", "any"),
            ("Tag.2.Key", "only-empty"),
            ("Tag.2.Value", ""),
        ]);
        assert_eq!(
            DeleteTagsInput::from_args(&args).unwrap().tags,
            [
                TagToDelete {
                    key: "any".into(),
                    value: None
                },
                TagToDelete {
                    key: "only-empty".into(),
                    value: Some(String::new())
                },
            ]
        );
    }

    #[test]
    fn create_tags_without_resources_is_missing_parameter() {
        let args = Args::from_pairs([("Tag.1.Key", "a")]);
        assert_eq!(
            CreateTagsInput::from_args(&args).unwrap_err().message(),
            "The request must contain the parameter resourceIdSet"
        );
    }

    #[test]
    fn tag_descriptions_render_with_their_resource() {
        let output = DescribeTagsOutput {
            tags: vec![TagDescription {
                resource_id: "i-1".into(),
                resource_type: "instance".into(),
                key: "Name".into(),
                value: "web".into(),
            }],
            next_token: Some("t".into()),
        };
        let mut writer = XmlWriter::default();
        output.write_xml(&mut writer);
        assert_eq!(
            writer.into_string(),
            "<tagSet><item><resourceId>i-1</resourceId><resourceType>instance</resourceType>\
             <key>Name</key><value>web</value></item></tagSet><nextToken>t</nextToken>"
        );
    }
}
