//! Validator: the arguments every action shares a rule for are checked before the
//! action runs: resource ids, addresses, user data, names.
//!
//! Ids are a prefix and 8 or 17 lowercase hex digits (AWS's short and long forms);
//! cumulo generates the 17-digit form. A malformed id gets the code AWS uses for its
//! kind, such as `InvalidInstanceID.Malformed`.

use std::net::Ipv4Addr;
use std::sync::Arc;

use async_trait::async_trait;
use base64::Engine;

use super::args::Node;
use super::error::{Ec2Error, ErrorCode};
use super::requestify::Ec2Request;
use crate::core::{Application, BoxError, Middleware, Request, Response};

/// Whether `id` is `prefix-` followed by 8 or 17 lowercase hex digits.
pub fn is_resource_id(id: &str, prefix: &str) -> bool {
    let Some(digits) = id
        .strip_prefix(prefix)
        .and_then(|rest| rest.strip_prefix('-'))
    else {
        return false;
    };
    matches!(digits.len(), 8 | 17)
        && digits
            .bytes()
            .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

struct IdRule {
    parameter: &'static str,
    prefixes: &'static [&'static str],
    code: ErrorCode,
}

const ID_RULES: &[IdRule] = &[
    IdRule {
        parameter: "InstanceId",
        prefixes: &["i"],
        code: ErrorCode::InvalidInstanceIdMalformed,
    },
    IdRule {
        parameter: "ImageId",
        prefixes: &["ami", "aki", "ari"],
        code: ErrorCode::InvalidAmiIdMalformed,
    },
    IdRule {
        parameter: "KernelId",
        prefixes: &["aki"],
        code: ErrorCode::InvalidAmiIdMalformed,
    },
    IdRule {
        parameter: "RamdiskId",
        prefixes: &["ari"],
        code: ErrorCode::InvalidAmiIdMalformed,
    },
    IdRule {
        parameter: "VolumeId",
        prefixes: &["vol"],
        code: ErrorCode::InvalidVolumeIdMalformed,
    },
    IdRule {
        parameter: "SnapshotId",
        prefixes: &["snap"],
        code: ErrorCode::InvalidSnapshotIdMalformed,
    },
    IdRule {
        parameter: "GroupId",
        prefixes: &["sg"],
        code: ErrorCode::InvalidGroupIdMalformed,
    },
    IdRule {
        parameter: "SecurityGroupId",
        prefixes: &["sg"],
        code: ErrorCode::InvalidGroupIdMalformed,
    },
    IdRule {
        parameter: "KeyPairId",
        prefixes: &["key"],
        code: ErrorCode::InvalidParameterValue,
    },
    // EC2 has no malformed code for these: an id of the wrong form is one that does not
    // exist.
    IdRule {
        parameter: "AllocationId",
        prefixes: &["eipalloc"],
        code: ErrorCode::InvalidAllocationIdNotFound,
    },
    IdRule {
        parameter: "AssociationId",
        prefixes: &["eipassoc"],
        code: ErrorCode::InvalidAssociationIdNotFound,
    },
    IdRule {
        parameter: "SubnetId",
        prefixes: &["subnet"],
        code: ErrorCode::InvalidParameterValue,
    },
    IdRule {
        parameter: "VpcId",
        prefixes: &["vpc"],
        code: ErrorCode::InvalidParameterValue,
    },
];

fn malformed(rule: &IdRule, id: &str) -> Ec2Error {
    let shown: String = id.chars().take(128).collect();
    let message = match rule.code {
        ErrorCode::InvalidParameterValue => format!(
            "Value ({shown}) for parameter {} is invalid. Expected: '{}-...'.",
            rule.parameter, rule.prefixes[0]
        ),
        ErrorCode::InvalidAllocationIdNotFound => {
            format!("The allocation ID '{shown}' does not exist")
        }
        ErrorCode::InvalidAssociationIdNotFound => {
            format!("The association ID '{shown}' does not exist")
        }
        // For an image id without an image prefix AWS names the form it expects.
        ErrorCode::InvalidAmiIdMalformed
            if !rule
                .prefixes
                .iter()
                .any(|prefix| id.strip_prefix(prefix).is_some_and(|r| r.starts_with('-'))) =>
        {
            format!(
                "Invalid id: \"{shown}\" (expecting \"{}-...\")",
                rule.prefixes[0]
            )
        }
        _ => format!("Invalid id: \"{shown}\""),
    };
    Ec2Error::new(rule.code, message)
}

/// The values of a top-level node: its own and those of its indexed children. They are
/// peeked at, not read: whether the action has the parameter is the typed input's call.
fn node_values(node: &Node) -> impl Iterator<Item = &str> {
    node.peek()
        .into_iter()
        .chain(node.items().filter_map(Node::peek))
}

/// Checks the shared argument rules of a request.
///
/// One pass over the top-level arguments: each is checked by the rule for its name, if
/// there is one.
pub fn validate(request: &Ec2Request) -> Result<(), Ec2Error> {
    check_characters(request.args.root(), &mut String::new())?;
    for (name, node) in request.args.root().named_children() {
        if let Some(rule) = ID_RULES.iter().find(|rule| rule.parameter == name) {
            for id in node_values(node) {
                if !rule
                    .prefixes
                    .iter()
                    .any(|prefix| is_resource_id(id, prefix))
                {
                    return Err(malformed(rule, id));
                }
            }
            continue;
        }
        match name {
            "PublicIp" => {
                for address in node_values(node) {
                    if address.parse::<Ipv4Addr>().is_err() {
                        return Err(Ec2Error::invalid_value(
                            "PublicIp",
                            address,
                            "Invalid IPv4 address.",
                        ));
                    }
                }
            }
            "UserData" => {
                if let Some(user_data) = node.peek() {
                    let compact: String = user_data
                        .chars()
                        .filter(|c| !c.is_ascii_whitespace())
                        .collect();
                    if base64::engine::general_purpose::STANDARD
                        .decode(compact.as_bytes())
                        .is_err()
                    {
                        return Err(Ec2Error::new(
                            ErrorCode::InvalidParameterValue,
                            "Invalid BASE64 encoding of user data.",
                        ));
                    }
                }
            }
            "GroupName" | "GroupDescription" | "KeyName"
                if node_values(node).any(|value| value.chars().count() > 255) =>
            {
                return Err(Ec2Error::new(
                    ErrorCode::InvalidParameterValue,
                    format!("Value for parameter {name} is too long: at most 255 characters."),
                ));
            }
            _ => {}
        }
    }
    Ok(())
}

/// Refuses values that XML cannot carry (control characters, U+FFFE, U+FFFF): stored,
/// they could never be shown back to the client as they were given.
fn check_characters(node: &Node, path: &mut String) -> Result<(), Ec2Error> {
    if let Some(value) = node.peek()
        && !super::xml::is_xml_text(value)
    {
        return Err(Ec2Error::new(
            ErrorCode::InvalidParameterValue,
            format!("The value of parameter {path} contains characters that are not allowed."),
        ));
    }
    for (name, child) in node.children() {
        let before = path.len();
        if !path.is_empty() {
            path.push('.');
        }
        path.push_str(&name);
        check_characters(child, path)?;
        path.truncate(before);
    }
    Ok(())
}

/// The Validator middleware.
#[derive(Clone, Copy, Debug, Default)]
pub struct Validator {
    _private: (),
}

impl Validator {
    /// A new Validator.
    pub fn new() -> Self {
        Validator::default()
    }
}

#[async_trait]
impl Middleware for Validator {
    async fn handle(&self, request: Request, next: &dyn Application) -> Result<Response, BoxError> {
        if let Some(ec2_request) = request.extensions().get::<Arc<Ec2Request>>() {
            validate(ec2_request)?;
        }
        next.call(request).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ec2::args::Args;
    use crate::ec2::controller::Action;

    fn request(pairs: &[(&str, &str)]) -> Ec2Request {
        Ec2Request {
            action: Action::DescribeInstances,
            version: "2016-11-15".into(),
            args: Args::from_pairs(pairs.iter().copied()),
        }
    }

    #[test]
    fn ids_have_eight_or_seventeen_hex_digits() {
        assert!(is_resource_id("i-deadbeef", "i"));
        assert!(is_resource_id("i-0123456789abcdef0", "i"));
        assert!(!is_resource_id("i-0123456789abcdef", "i"));
        assert!(!is_resource_id("i-DEADBEEF", "i"));
        assert!(!is_resource_id("ami-deadbeef", "i"));
        assert!(!is_resource_id("bogus", "i"));
    }

    #[test]
    fn malformed_instance_id_gets_its_own_code() {
        let error = validate(&request(&[
            ("InstanceId.1", "i-deadbeef"),
            ("InstanceId.2", "bogus"),
        ]))
        .unwrap_err();
        assert_eq!(error.code(), ErrorCode::InvalidInstanceIdMalformed);
        assert_eq!(error.message(), "Invalid id: \"bogus\"");
    }

    #[test]
    fn image_ids_take_any_image_prefix() {
        assert!(validate(&request(&[("ImageId", "aki-12345678")])).is_ok());
        let error = validate(&request(&[("ImageId", "i-12345678")])).unwrap_err();
        assert_eq!(error.code(), ErrorCode::InvalidAmiIdMalformed);
        assert_eq!(
            error.message(),
            "Invalid id: \"i-12345678\" (expecting \"ami-...\")"
        );
        let error = validate(&request(&[("ImageId.1", "ami-missing")])).unwrap_err();
        assert_eq!(error.message(), "Invalid id: \"ami-missing\"");
    }

    #[test]
    fn filter_values_are_not_ids() {
        assert!(
            validate(&request(&[
                ("Filter.1.Name", "instance-id"),
                ("Filter.1.Value.1", "i-*")
            ]))
            .is_ok()
        );
    }

    #[test]
    fn values_xml_cannot_carry_are_refused() {
        let error = validate(&request(&[("Tag.1.Value", "a\u{ffff}")])).unwrap_err();
        assert_eq!(error.code(), ErrorCode::InvalidParameterValue);
        assert_eq!(
            error.message(),
            "The value of parameter Tag.1.Value contains characters that are not allowed."
        );
        assert!(validate(&request(&[("Tag.1.Value", "tab\tok")])).is_ok());
    }

    #[test]
    fn allocation_and_association_ids_of_the_wrong_form_are_not_found() {
        let error = validate(&request(&[("AllocationId", "bogus")])).unwrap_err();
        assert_eq!(error.code(), ErrorCode::InvalidAllocationIdNotFound);
        assert_eq!(error.message(), "The allocation ID 'bogus' does not exist");
        let error = validate(&request(&[("AssociationId", "bogus")])).unwrap_err();
        assert_eq!(error.code(), ErrorCode::InvalidAssociationIdNotFound);
        assert_eq!(error.message(), "The association ID 'bogus' does not exist");
    }

    #[test]
    fn addresses_user_data_and_names_are_checked() {
        assert_eq!(
            validate(&request(&[("PublicIp", "300.1.1.1")]))
                .unwrap_err()
                .code(),
            ErrorCode::InvalidParameterValue
        );
        assert_eq!(
            validate(&request(&[("UserData", "not base64!")]))
                .unwrap_err()
                .message(),
            "Invalid BASE64 encoding of user data."
        );
        assert!(validate(&request(&[("UserData", "aGVs\nbG8=")])).is_ok());
        let long = "x".repeat(256);
        assert_eq!(
            validate(&request(&[("GroupName", long.as_str())]))
                .unwrap_err()
                .code(),
            ErrorCode::InvalidParameterValue
        );
    }
}
