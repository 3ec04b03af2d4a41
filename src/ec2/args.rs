//! The dotted-key argument tree of an EC2 query request.
//!
//! `Filter.1.Name=tag:env&Filter.1.Value.1=prod&InstanceId.10=…&InstanceId.9=…` becomes
//! a tree whose numeric segments sort as numbers, so `.10` follows `.9` (Nova sorted them
//! as strings). Names are kept as the client sent them (`BlockDeviceMapping`, not
//! `block_device_mapping`): typed inputs read them by their wire names.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use super::error::{Ec2Error, ErrorCode};

/// The most segments a parameter name may have. The deepest EC2 parameters have six
/// (`LaunchTemplateConfig.1.Overrides.1.InstanceRequirements.VCpuCount.Min`).
pub const MAX_DEPTH: usize = 12;

/// The most digits a list index may have.
const MAX_INDEX_DIGITS: usize = 18;

/// Checks that a parameter name is one the argument tree can hold: at most
/// [`MAX_DEPTH`] segments, no empty segment, and list indexes of at most 18 digits.
pub fn check_key(key: &str) -> Result<(), Ec2Error> {
    let shown: String = key.chars().take(128).collect();
    let segments = key.split('.').count();
    if segments > MAX_DEPTH || key.split('.').any(str::is_empty) {
        return Err(Ec2Error::new(
            ErrorCode::UnknownParameter,
            format!("The parameter {shown} is not recognized"),
        ));
    }
    let too_long_index = key.split('.').any(|segment| {
        segment.len() > MAX_INDEX_DIGITS && segment.bytes().all(|b| b.is_ascii_digit())
    });
    if too_long_index {
        return Err(Ec2Error::new(
            ErrorCode::InvalidParameterValue,
            format!("The list index in parameter {shown} is out of range"),
        ));
    }
    Ok(())
}

/// One segment of a dotted key: list indexes compare as numbers and sort first.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Segment {
    Index(u64),
    Name(Box<str>),
}

impl Segment {
    fn parse(segment: &str) -> Segment {
        match Segment::parse_index(segment) {
            Some(index) => Segment::Index(index),
            None => Segment::Name(segment.into()),
        }
    }

    /// The list index `segment` spells, if it is one.
    fn parse_index(segment: &str) -> Option<u64> {
        let digits = !segment.is_empty() && segment.bytes().all(|b| b.is_ascii_digit());
        if digits && segment.len() <= 18 {
            segment.parse().ok()
        } else {
            None
        }
    }
}

impl fmt::Display for Segment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Segment::Index(index) => write!(f, "{index}"),
            Segment::Name(name) => f.write_str(name),
        }
    }
}

/// A node of the argument tree: an optional value and named or indexed children.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Node {
    value: Option<String>,
    children: BTreeMap<Segment, Node>,
}

/// A filter of a Describe call: `Filter.N.Name` and its `Filter.N.Value.M` values.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Filter {
    /// The filter's name, such as `instance-state-name` or `tag:Name`.
    pub name: String,
    /// The values, any of which may match.
    pub values: Vec<String>,
}

/// The arguments of one EC2 request.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Args {
    root: Node,
}

impl fmt::Debug for Args {
    // Argument values may be secrets (user data, key material): show only the keys.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.keys()).finish()
    }
}

impl fmt::Debug for Node {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Node")
            .field("has_value", &self.value.is_some())
            .field("children", &self.children.len())
            .finish()
    }
}

impl Args {
    /// Builds the tree from decoded `(key, value)` pairs. A repeated key keeps its last
    /// value. Keys nested deeper than [`MAX_DEPTH`] are left out: no EC2 parameter is, and
    /// the tree's depth stays bounded whatever a client sends ([`check_key`] lets the
    /// chain refuse them instead).
    pub fn from_pairs<K, V>(pairs: impl IntoIterator<Item = (K, V)>) -> Args
    where
        K: AsRef<str>,
        V: Into<String>,
    {
        let mut root = Node::default();
        for (key, value) in pairs {
            let key = key.as_ref();
            if key.split('.').count() > MAX_DEPTH {
                continue;
            }
            let mut node = &mut root;
            for segment in key.split('.') {
                node = node.children.entry(Segment::parse(segment)).or_default();
            }
            node.value = Some(value.into());
        }
        Args { root }
    }

    /// The root of the tree.
    pub fn root(&self) -> &Node {
        &self.root
    }

    /// Every full key that carries a value, in tree order.
    pub fn keys(&self) -> Vec<String> {
        let mut keys = Vec::new();
        self.root.collect_keys(&mut String::new(), &mut keys);
        keys
    }
}

impl std::ops::Deref for Args {
    type Target = Node;

    fn deref(&self) -> &Node {
        &self.root
    }
}

impl Node {
    fn collect_keys(&self, prefix: &mut String, keys: &mut Vec<String>) {
        if self.value.is_some() && !prefix.is_empty() {
            keys.push(prefix.clone());
        }
        for (segment, child) in &self.children {
            let before = prefix.len();
            if !prefix.is_empty() {
                prefix.push('.');
            }
            prefix.push_str(&segment.to_string());
            child.collect_keys(prefix, keys);
            prefix.truncate(before);
        }
    }

    /// The node at a dotted `path` below this one.
    pub fn get(&self, path: &str) -> Option<&Node> {
        path.split('.')
            .try_fold(self, |node, segment| node.child(segment))
    }

    /// The child called `segment`, found without allocating: indexes by key, names by a
    /// scan of the (few) named children, which sort after every index.
    fn child(&self, segment: &str) -> Option<&Node> {
        match Segment::parse_index(segment) {
            Some(index) => self.children.get(&Segment::Index(index)),
            // An empty `Box<str>` owns no memory.
            None => self
                .children
                .range(Segment::Name(Box::default())..)
                .find(|(key, _)| matches!(key, Segment::Name(name) if **name == *segment))
                .map(|(_, child)| child),
        }
    }

    /// This node's own value.
    pub fn value(&self) -> Option<&str> {
        self.value.as_deref()
    }

    /// Whether a value or child exists at `path`.
    pub fn contains(&self, path: &str) -> bool {
        self.get(path).is_some()
    }

    /// The value at `path`.
    pub fn str(&self, path: &str) -> Option<&str> {
        self.get(path)?.value()
    }

    /// The value at `path`, owned.
    pub fn string(&self, path: &str) -> Option<String> {
        self.str(path).map(str::to_owned)
    }

    /// The value at `path`, or `MissingParameter` naming it.
    pub fn required(&self, path: &str) -> Result<&str, Ec2Error> {
        self.str(path)
            .ok_or_else(|| Ec2Error::missing_parameter(path))
    }

    /// The value at `path` parsed as a number; a value that is not one is
    /// `InvalidParameterValue`.
    pub fn number<T: FromStr>(&self, path: &str) -> Result<Option<T>, Ec2Error> {
        match self.str(path) {
            None => Ok(None),
            Some(text) => text.trim().parse().map(Some).map_err(|_| {
                Ec2Error::new(
                    ErrorCode::InvalidParameterValue,
                    format!("Invalid value '{text}' for {path}. It must be a number."),
                )
            }),
        }
    }

    /// The value at `path` read as a boolean (`true`/`false`, any case).
    pub fn boolean(&self, path: &str) -> Result<Option<bool>, Ec2Error> {
        match self.str(path) {
            None => Ok(None),
            Some(text) if text.eq_ignore_ascii_case("true") => Ok(Some(true)),
            Some(text) if text.eq_ignore_ascii_case("false") => Ok(Some(false)),
            Some(text) => Err(Ec2Error::new(
                ErrorCode::InvalidParameterValue,
                format!("Invalid value '{text}' for {path}. It must be true or false."),
            )),
        }
    }

    /// Every child with its segment as written in a key (`1`, `Name`), in tree order.
    pub fn children(&self) -> impl Iterator<Item = (String, &Node)> {
        self.children
            .iter()
            .map(|(segment, node)| (segment.to_string(), node))
    }

    /// The named children, in name order.
    pub fn named_children(&self) -> impl Iterator<Item = (&str, &Node)> {
        self.children
            .iter()
            .filter_map(|(segment, node)| match segment {
                Segment::Name(name) => Some((&**name, node)),
                Segment::Index(_) => None,
            })
    }

    /// The indexed children (`.1`, `.2`, … `.10`) in numeric order.
    pub fn items(&self) -> impl Iterator<Item = &Node> {
        self.children
            .iter()
            .filter(|(segment, _)| matches!(segment, Segment::Index(_)))
            .map(|(_, node)| node)
    }

    /// Refuses a list node that also has a value or named children (`Filter.abc.Name`,
    /// `Filter.-1.Name`): such arguments would otherwise be dropped silently and widen
    /// what a call matches.
    pub fn check_list(&self, path: &str) -> Result<(), Ec2Error> {
        let stray = self.value.is_some()
            || self
                .children
                .keys()
                .any(|segment| matches!(segment, Segment::Name(_)));
        if stray {
            return Err(Ec2Error::new(
                ErrorCode::InvalidParameterValue,
                format!("The parameter {path} must be a list numbered from 1."),
            ));
        }
        Ok(())
    }

    /// The indexed children of the node at `path`.
    pub fn list(&self, path: &str) -> Vec<&Node> {
        self.get(path)
            .map(|node| node.items().collect())
            .unwrap_or_default()
    }

    /// The values of `path.1`, `path.2`, … in numeric order.
    pub fn strings(&self, path: &str) -> Vec<String> {
        self.list(path)
            .into_iter()
            .filter_map(|node| node.value.clone())
            .collect()
    }

    /// The filters at `path` (`Filter`): each `Filter.N.Name` with its values. A filter
    /// without a name is `InvalidParameterValue`, as AWS answers.
    pub fn filters(&self, path: &str) -> Result<Vec<Filter>, Ec2Error> {
        if let Some(node) = self.get(path) {
            node.check_list(path)?;
            for item in node.items() {
                if let Some(values) = item.get("Value") {
                    values.check_list("Filter.N.Value")?;
                }
            }
        }
        self.list(path)
            .into_iter()
            .map(|node| {
                let name = node.str("Name").ok_or_else(|| {
                    Ec2Error::new(
                        ErrorCode::InvalidParameterValue,
                        "The filter 'null' is invalid.",
                    )
                })?;
                Ok(Filter {
                    name: name.to_owned(),
                    values: node.strings("Value"),
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numeric_indexes_sort_as_numbers() {
        let pairs: Vec<(String, String)> = (1..=11)
            .rev()
            .map(|n| (format!("InstanceId.{n}"), format!("i-{n}")))
            .collect();
        let args = Args::from_pairs(pairs);
        assert_eq!(
            args.strings("InstanceId"),
            [
                "i-1", "i-2", "i-3", "i-4", "i-5", "i-6", "i-7", "i-8", "i-9", "i-10", "i-11"
            ]
        );
    }

    #[test]
    fn nested_keys_build_a_tree() {
        let args = Args::from_pairs([
            ("Action", "RunInstances"),
            ("BlockDeviceMapping.1.Ebs.VolumeSize", "80"),
            ("BlockDeviceMapping.1.DeviceName", "/dev/sda1"),
            ("Filter.2.Name", "tag:env"),
            ("Filter.2.Value.2", "b"),
            ("Filter.2.Value.1", "a"),
            ("Filter.1.Name", "instance-type"),
        ]);
        let mappings = args.list("BlockDeviceMapping");
        assert_eq!(mappings.len(), 1);
        assert_eq!(
            mappings[0].number::<i64>("Ebs.VolumeSize").unwrap(),
            Some(80)
        );
        assert_eq!(mappings[0].str("DeviceName"), Some("/dev/sda1"));
        assert_eq!(
            args.filters("Filter").unwrap(),
            [
                Filter {
                    name: "instance-type".into(),
                    values: vec![]
                },
                Filter {
                    name: "tag:env".into(),
                    values: vec!["a".into(), "b".into()]
                },
            ]
        );
    }

    #[test]
    fn typed_reads_report_ec2_errors() {
        let args = Args::from_pairs([("MaxCount", "two"), ("DryRun", "TRUE"), ("Force", "no")]);
        assert_eq!(
            args.number::<u32>("MaxCount").unwrap_err().code(),
            ErrorCode::InvalidParameterValue
        );
        assert_eq!(args.boolean("DryRun").unwrap(), Some(true));
        assert_eq!(
            args.boolean("Force").unwrap_err().code(),
            ErrorCode::InvalidParameterValue
        );
        let missing = args.required("ImageId").unwrap_err();
        assert_eq!(missing.code(), ErrorCode::MissingParameter);
        assert_eq!(
            missing.message(),
            "The request must contain the parameter ImageId"
        );
    }

    #[test]
    fn keys_deeper_than_the_limit_are_left_out_and_refused() {
        let deep = vec!["A.1"; 5000].join(".");
        let args = Args::from_pairs([(deep.as_str(), "x"), ("Action", "DescribeRegions")]);
        assert_eq!(args.keys(), ["Action"]);
        assert_eq!(
            check_key(&deep).unwrap_err().code(),
            ErrorCode::UnknownParameter
        );
        assert!(check_key("BlockDeviceMapping.1.Ebs.VolumeSize").is_ok());
        assert_eq!(
            check_key("Filter..Name").unwrap_err().code(),
            ErrorCode::UnknownParameter
        );
        assert_eq!(
            check_key("Filter.99999999999999999999.Name")
                .unwrap_err()
                .code(),
            ErrorCode::InvalidParameterValue
        );
    }

    #[test]
    fn malformed_filter_lists_are_refused_not_dropped() {
        for key in ["Filter.abc.Name", "Filter.-1.Name"] {
            let args = Args::from_pairs([(key, "instance-id")]);
            let error = args.filters("Filter").unwrap_err();
            assert_eq!(
                error.message(),
                "The parameter Filter must be a list numbered from 1."
            );
        }
        let args = Args::from_pairs([
            ("Filter.1.Name", "instance-id"),
            ("Filter.1.Value.x", "i-1"),
        ]);
        assert_eq!(
            args.filters("Filter").unwrap_err().code(),
            ErrorCode::InvalidParameterValue
        );
    }

    #[test]
    fn nameless_filter_is_invalid() {
        let args = Args::from_pairs([("Filter.1.Value.1", "x")]);
        let error = args.filters("Filter").unwrap_err();
        assert_eq!(error.message(), "The filter 'null' is invalid.");
    }

    #[test]
    fn debug_shows_keys_not_values() {
        let args = Args::from_pairs([("UserData", "c2VjcmV0"), ("ImageId", "ami-1")]);
        assert_eq!(format!("{args:?}"), "{\"ImageId\", \"UserData\"}");
    }
}
