//! The dotted-key argument tree of an EC2 query request.
//!
//! `Filter.1.Name=tag:env&Filter.1.Value.1=prod&InstanceId.10=…&InstanceId.9=…` becomes
//! a tree whose numeric segments sort as numbers, so `.10` follows `.9` (Nova sorted them
//! as strings). Names are kept as the client sent them (`BlockDeviceMapping`, not
//! `block_device_mapping`): typed inputs read them by their wire names.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;
use std::sync::atomic::{AtomicBool, Ordering};

use super::error::{Ec2Error, ErrorCode};

/// The most segments a parameter name may have. The deepest EC2 parameters have six
/// (`LaunchTemplateConfig.1.Overrides.1.InstanceRequirements.VCpuCount.Min`).
pub const MAX_DEPTH: usize = 12;

/// The most digits a list index may have.
const MAX_INDEX_DIGITS: usize = 18;

/// Checks that a parameter name is one the argument tree can hold: at most
/// [`MAX_DEPTH`] segments, no empty segment, and list indexes of at most 18 digits.
pub fn check_key(key: &str) -> Result<(), Ec2Error> {
    let segments = key.split('.').count();
    if segments > MAX_DEPTH || key.split('.').any(str::is_empty) {
        return Err(unknown_parameter(key));
    }
    let shown: String = key.chars().take(128).collect();
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

/// `UnknownParameter` naming `key` (its first 128 characters), in AWS's words.
fn unknown_parameter(key: &str) -> Ec2Error {
    let shown: String = key.chars().take(128).collect();
    Ec2Error::new(
        ErrorCode::UnknownParameter,
        format!("The parameter {shown} is not recognized"),
    )
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

/// A node of the argument tree: an optional value, whether that value has been read, and
/// named or indexed children.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Node {
    value: Option<String>,
    read: ReadMark,
    children: BTreeMap<Segment, Node>,
}

/// Whether a node's value has been read. Atomic only because the tree is shared between
/// threads; it orders nothing. Trees compare equal whatever has been read of them.
#[derive(Default)]
struct ReadMark(AtomicBool);

impl ReadMark {
    fn set(&self) {
        self.0.store(true, Ordering::Relaxed);
    }

    fn get(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }
}

impl Clone for ReadMark {
    fn clone(&self) -> Self {
        ReadMark(AtomicBool::new(self.get()))
    }
}

impl PartialEq for ReadMark {
    fn eq(&self, _other: &ReadMark) -> bool {
        true
    }
}

impl Eq for ReadMark {}

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

    /// Refuses the arguments if a value was never read: a typed input reads every
    /// parameter of its action, so a value nothing read is a parameter the action does
    /// not have (a misspelled name, `InstanceId.abc` or `InstanceId.-1` beside a list,
    /// `Filter.1.Nmae`). The first such key in tree order is named, as `UnknownParameter`.
    ///
    /// Call it once the action's input has been read: until then every value is unread.
    pub fn check_all_read(&self) -> Result<(), Ec2Error> {
        match self.root.first_unread() {
            Some(key) => Err(unknown_parameter(&key)),
            None => Ok(()),
        }
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

    /// The key, below this node, of the first value in tree order that was never read.
    fn first_unread(&self) -> Option<String> {
        self.children.iter().find_map(|(segment, child)| {
            if child.value.is_some() && !child.read.get() {
                return Some(segment.to_string());
            }
            let rest = child.first_unread()?;
            Some(format!("{segment}.{rest}"))
        })
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

    /// This node's own value, which counts from now on as read (see
    /// [`Args::check_all_read`]). Every accessor that returns a value reads it through
    /// here.
    pub fn value(&self) -> Option<&str> {
        let value = self.value.as_deref()?;
        self.read.set();
        Some(value)
    }

    /// This node's own value, without counting it as read: for checks every action shares
    /// (the Validator's), which must not make a parameter the action lacks acceptable.
    pub fn peek(&self) -> Option<&str> {
        self.value.as_deref()
    }

    /// Reads the values at `paths` and drops them: parameters of the action's AWS shape
    /// that cumulo accepts and does not act on. A segment `N` stands for every list index
    /// (`ElasticGpuSpecification.N.Type`).
    pub fn accept_unused(&self, paths: &[&str]) {
        for path in paths {
            self.read_path(path);
        }
    }

    fn read_path(&self, path: &str) {
        let (segment, rest) = match path.split_once('.') {
            Some((segment, rest)) => (segment, Some(rest)),
            None => (path, None),
        };
        let read = |node: &Node| match rest {
            Some(rest) => node.read_path(rest),
            None => {
                node.value();
            }
        };
        if segment == "N" {
            self.items().for_each(read);
        } else if let Some(child) = self.child(segment) {
            read(child);
        }
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
            .filter_map(|node| node.value().map(str::to_owned))
            .collect()
    }

    /// The filters at `path` (`Filter`): each `Filter.N.Name` with its values. A filter
    /// without a name is `InvalidParameterValue`, as AWS answers. Anything else under
    /// `path` (`Filter.abc.Name`, `Filter.1.Value.x`) is left unread, for
    /// [`Args::check_all_read`] to refuse.
    pub fn filters(&self, path: &str) -> Result<Vec<Filter>, Ec2Error> {
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

    /// Reads `args` as DescribeInstances' input does, then checks that all was read.
    fn read_as_describe_instances(args: &Args) -> Result<(), Ec2Error> {
        args.boolean("DryRun")?;
        args.strings("InstanceId");
        args.filters("Filter")?;
        args.number::<i64>("MaxResults")?;
        args.string("NextToken");
        args.check_all_read()
    }

    fn unknown(pairs: &[(&str, &str)]) -> String {
        let args = Args::from_pairs(pairs.iter().copied());
        let error = read_as_describe_instances(&args).unwrap_err();
        assert_eq!(error.code(), ErrorCode::UnknownParameter);
        assert_eq!(error.status(), 400);
        error.message().to_owned()
    }

    #[test]
    fn a_misspelled_parameter_is_unknown() {
        assert_eq!(
            unknown(&[("InstXanceId.1", "i-12345678")]),
            "The parameter InstXanceId.1 is not recognized"
        );
    }

    #[test]
    fn a_child_of_a_list_that_is_not_an_index_is_unknown() {
        for key in [
            "InstanceId.abc",
            "InstanceId.-1",
            "InstanceId.+1",
            "InstanceId.1e3",
            "InstanceId.\u{e9}",
            "InstanceId.\u{fffd}",
        ] {
            let message = unknown(&[("InstanceId.1", "i-1"), (key, "i-12345678")]);
            assert_eq!(message, format!("The parameter {key} is not recognized"));
        }
    }

    #[test]
    fn a_value_beside_a_list_is_unknown() {
        assert_eq!(
            unknown(&[("InstanceId", "i-1"), ("InstanceId.1", "i-2")]),
            "The parameter InstanceId is not recognized"
        );
    }

    #[test]
    fn a_misspelled_field_of_a_filter_is_unknown() {
        assert_eq!(
            unknown(&[("Filter.1.Name", "instance-id"), ("Filter.1.Nmae", "x")]),
            "The parameter Filter.1.Nmae is not recognized"
        );
        assert_eq!(
            unknown(&[
                ("Filter.1.Name", "instance-id"),
                ("Filter.1.Value.x", "i-1")
            ]),
            "The parameter Filter.1.Value.x is not recognized"
        );
        for key in ["Filter.abc.Name", "Filter.-1.Name"] {
            assert_eq!(
                unknown(&[(key, "instance-id")]),
                format!("The parameter {key} is not recognized")
            );
        }
    }

    #[test]
    fn the_first_unknown_parameter_in_key_order_is_named() {
        assert_eq!(
            unknown(&[("Zebra", "1"), ("InstanceId.x", "2"), ("Apple", "3")]),
            "The parameter Apple is not recognized"
        );
        assert_eq!(
            unknown(&[
                ("InstanceId.x", "1"),
                ("InstanceId.10", "2"),
                ("InstanceId.9.y", "3")
            ]),
            "The parameter InstanceId.9.y is not recognized"
        );
    }

    #[test]
    fn every_parameter_read_is_accepted() {
        let args = Args::from_pairs([
            ("DryRun", "false"),
            ("InstanceId.10", "i-2"),
            ("InstanceId.9", "i-1"),
            ("Filter.1.Name", "tag:env"),
            ("Filter.1.Value.1", "prod"),
            ("MaxResults", "5"),
            ("NextToken", "t"),
        ]);
        assert!(read_as_describe_instances(&args).is_ok());
    }

    #[test]
    fn nothing_is_read_until_an_input_reads_it() {
        let args = Args::from_pairs([("RegionName.1", "us-east-1")]);
        assert_eq!(
            args.get("RegionName.1").and_then(Node::peek),
            Some("us-east-1")
        );
        assert_eq!(
            args.check_all_read().unwrap_err().message(),
            "The parameter RegionName.1 is not recognized"
        );
        assert_eq!(args.strings("RegionName"), ["us-east-1"]);
        assert!(args.check_all_read().is_ok());
    }

    #[test]
    fn parameters_accepted_unused_are_read_at_every_index() {
        let args = Args::from_pairs([
            ("ElasticGpuSpecification.1.Type", "a"),
            ("ElasticGpuSpecification.2.Type", "b"),
            ("Operator.Principal", "c"),
        ]);
        args.accept_unused(&[
            "ElasticGpuSpecification.N.Type",
            "Operator.Principal",
            "Absent",
        ]);
        assert!(args.check_all_read().is_ok());
        let misspelled = Args::from_pairs([("ElasticGpuSpecification.1.Tpye", "a")]);
        misspelled.accept_unused(&["ElasticGpuSpecification.N.Type"]);
        assert_eq!(
            misspelled.check_all_read().unwrap_err().message(),
            "The parameter ElasticGpuSpecification.1.Tpye is not recognized"
        );
    }

    #[test]
    fn trees_compare_by_keys_and_values_not_by_what_was_read() {
        let read = Args::from_pairs([("KeyName", "k")]);
        read.str("KeyName");
        assert_eq!(read, Args::from_pairs([("KeyName", "k")]));
        assert!(read.clone().check_all_read().is_ok());
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
