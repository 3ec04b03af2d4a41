//! Key pairs: create, import, delete, describe.

use base64::Engine as _;
use time::OffsetDateTime;

use super::{FromArgs, Tag, TagSpecification};
use crate::ec2::args::{Args, Filter};
use crate::ec2::error::{Ec2Error, ErrorCode};
use crate::ec2::xml::{ToXml, XmlWriter};

/// The input of `CreateKeyPair`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CreateKeyPairInput {
    /// `KeyName`.
    pub key_name: String,
    /// `KeyType`: `rsa` (the default) or `ed25519`.
    pub key_type: Option<String>,
    /// `KeyFormat`: `pem` (the default) or `ppk`.
    pub key_format: Option<String>,
    /// `TagSpecification.N`.
    pub tag_specifications: Vec<TagSpecification>,
}

impl FromArgs for CreateKeyPairInput {
    fn from_args(args: &Args) -> Result<Self, Ec2Error> {
        Ok(CreateKeyPairInput {
            key_name: key_name(args)?,
            key_type: args.string("KeyType"),
            key_format: args.string("KeyFormat"),
            tag_specifications: TagSpecification::list_from(args)?,
        })
    }
}

/// The output of `CreateKeyPair`: the new key pair with its private key.
#[derive(Clone, PartialEq, Eq)]
pub struct CreateKeyPairOutput {
    /// The name.
    pub key_name: String,
    /// The fingerprint: SHA-1 of the PKCS#8 private key for RSA, SHA-256 of the public key
    /// for ed25519.
    pub key_fingerprint: String,
    /// The private key (PEM or PPK).
    pub key_material: String,
    /// `key-…`.
    pub key_pair_id: String,
    /// Tags.
    pub tags: Vec<Tag>,
}

impl std::fmt::Debug for CreateKeyPairOutput {
    // The private key must not reach a log.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CreateKeyPairOutput")
            .field("key_name", &self.key_name)
            .field("key_fingerprint", &self.key_fingerprint)
            .field("key_material", &"<redacted>")
            .field("key_pair_id", &self.key_pair_id)
            .field("tags", &self.tags)
            .finish()
    }
}

impl ToXml for CreateKeyPairOutput {
    fn write_xml(&self, writer: &mut XmlWriter) {
        writer.field("keyName", &self.key_name);
        writer.field("keyFingerprint", &self.key_fingerprint);
        writer.field("keyMaterial", &self.key_material);
        writer.field("keyPairId", &self.key_pair_id);
        writer.list_if_any("tagSet", &self.tags);
    }
}

/// The input of `ImportKeyPair`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ImportKeyPairInput {
    /// `KeyName`.
    pub key_name: String,
    /// `PublicKeyMaterial`, decoded from the base64 of the wire: an OpenSSH public key
    /// line (or a PEM/DER public key).
    pub public_key_material: Vec<u8>,
    /// `TagSpecification.N`.
    pub tag_specifications: Vec<TagSpecification>,
}

impl FromArgs for ImportKeyPairInput {
    fn from_args(args: &Args) -> Result<Self, Ec2Error> {
        let key_name = key_name(args)?;
        let encoded = args.required("PublicKeyMaterial")?;
        let public_key_material = base64::engine::general_purpose::STANDARD
            .decode(encoded.trim())
            .map_err(|_| {
                Ec2Error::new(
                    ErrorCode::InvalidKeyFormat,
                    "Key is not in valid OpenSSH public key format",
                )
            })?;
        Ok(ImportKeyPairInput {
            key_name,
            public_key_material,
            tag_specifications: TagSpecification::list_from(args)?,
        })
    }
}

/// The output of `ImportKeyPair`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ImportKeyPairOutput {
    /// The name.
    pub key_name: String,
    /// The fingerprint: MD5 of the DER public key for RSA, SHA-256 for ed25519.
    pub key_fingerprint: String,
    /// `key-…`.
    pub key_pair_id: String,
    /// Tags.
    pub tags: Vec<Tag>,
}

impl ToXml for ImportKeyPairOutput {
    fn write_xml(&self, writer: &mut XmlWriter) {
        writer.field("keyFingerprint", &self.key_fingerprint);
        writer.field("keyName", &self.key_name);
        writer.field("keyPairId", &self.key_pair_id);
        writer.list_if_any("tagSet", &self.tags);
    }
}

/// The input of `DeleteKeyPair`: by name or by id.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DeleteKeyPairInput {
    /// `KeyName`.
    pub key_name: Option<String>,
    /// `KeyPairId`.
    pub key_pair_id: Option<String>,
}

impl FromArgs for DeleteKeyPairInput {
    fn from_args(args: &Args) -> Result<Self, Ec2Error> {
        let input = DeleteKeyPairInput {
            key_name: args.string("KeyName"),
            key_pair_id: args.string("KeyPairId"),
        };
        if input.key_name.is_none() && input.key_pair_id.is_none() {
            return Err(Ec2Error::missing_parameter("KeyName"));
        }
        Ok(input)
    }
}

/// The output of `DeleteKeyPair`: always `<return>true</return>`, and the id of the key
/// pair deleted, when there was one.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DeleteKeyPairOutput {
    /// The deleted key pair's id.
    pub key_pair_id: Option<String>,
}

impl ToXml for DeleteKeyPairOutput {
    fn write_xml(&self, writer: &mut XmlWriter) {
        writer.field("return", &true);
        writer.field("keyPairId", &self.key_pair_id);
    }
}

/// The input of `DescribeKeyPairs`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DescribeKeyPairsInput {
    /// `KeyName.N`.
    pub key_names: Vec<String>,
    /// `KeyPairId.N`.
    pub key_pair_ids: Vec<String>,
    /// `Filter.N`.
    pub filters: Vec<Filter>,
    /// `IncludePublicKey`.
    pub include_public_key: bool,
}

impl FromArgs for DescribeKeyPairsInput {
    fn from_args(args: &Args) -> Result<Self, Ec2Error> {
        Ok(DescribeKeyPairsInput {
            key_names: args.strings("KeyName"),
            key_pair_ids: args.strings("KeyPairId"),
            filters: args.filters("Filter")?,
            include_public_key: args.boolean("IncludePublicKey")?.unwrap_or(false),
        })
    }
}

/// A key pair, as `DescribeKeyPairs` shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyPairInfo {
    /// `key-…`.
    pub key_pair_id: String,
    /// The name.
    pub key_name: String,
    /// The fingerprint.
    pub key_fingerprint: String,
    /// `rsa` or `ed25519`.
    pub key_type: String,
    /// Tags.
    pub tags: Vec<Tag>,
    /// The OpenSSH public key, when `IncludePublicKey` asked for it.
    pub public_key: Option<String>,
    /// When the key pair was created or imported.
    pub create_time: OffsetDateTime,
}

impl ToXml for KeyPairInfo {
    fn write_xml(&self, writer: &mut XmlWriter) {
        writer.field("keyPairId", &self.key_pair_id);
        writer.field("keyName", &self.key_name);
        writer.field("keyFingerprint", &self.key_fingerprint);
        writer.field("keyType", &self.key_type);
        writer.list("tagSet", &self.tags);
        writer.field("publicKey", &self.public_key);
        writer.field("createTime", &self.create_time);
    }
}

/// The output of `DescribeKeyPairs`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DescribeKeyPairsOutput {
    /// The key pairs.
    pub key_pairs: Vec<KeyPairInfo>,
}

impl ToXml for DescribeKeyPairsOutput {
    fn write_xml(&self, writer: &mut XmlWriter) {
        writer.list("keySet", &self.key_pairs);
    }
}

/// A new key pair's `KeyName`: required, at most 255 characters, without leading or
/// trailing whitespace (AWS refuses those).
fn key_name(args: &Args) -> Result<String, Ec2Error> {
    let name = args.required("KeyName")?;
    if name.trim() != name || name.is_empty() {
        return Err(Ec2Error::invalid_value(
            "KeyName",
            name,
            "Key names cannot be empty or begin or end with whitespace.",
        ));
    }
    Ok(name.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn render(value: &impl ToXml) -> String {
        let mut writer = XmlWriter::default();
        value.write_xml(&mut writer);
        writer.into_string()
    }

    #[test]
    fn create_key_pair_reads_type_format_and_tags() {
        let args = Args::from_pairs([
            ("Action", "CreateKeyPair"),
            ("KeyName", "deploy"),
            ("KeyType", "ed25519"),
            ("KeyFormat", "pem"),
            ("TagSpecification.1.ResourceType", "key-pair"),
            ("TagSpecification.1.Tag.1.Key", "team"),
            ("TagSpecification.1.Tag.1.Value", "infra"),
        ]);
        let input = CreateKeyPairInput::from_args(&args).unwrap();
        assert_eq!(input.key_name, "deploy");
        assert_eq!(input.key_type.as_deref(), Some("ed25519"));
        assert_eq!(input.key_format.as_deref(), Some("pem"));
        assert_eq!(input.tag_specifications[0].resource_type, "key-pair");
    }

    #[test]
    fn import_key_pair_decodes_the_base64_public_key() {
        let args = Args::from_pairs([
            ("KeyName", "mine"),
            ("PublicKeyMaterial", "c3NoLWVkMjU1MTkgQUFBQQ=="),
        ]);
        let input = ImportKeyPairInput::from_args(&args).unwrap();
        assert_eq!(input.public_key_material, b"ssh-ed25519 AAAA");
    }

    #[test]
    fn import_key_pair_with_bad_base64_is_invalid_key_format() {
        let args = Args::from_pairs([("KeyName", "mine"), ("PublicKeyMaterial", "%%%")]);
        let error = ImportKeyPairInput::from_args(&args).unwrap_err();
        assert_eq!(error.code(), ErrorCode::InvalidKeyFormat);
        assert_eq!(
            error.message(),
            "Key is not in valid OpenSSH public key format"
        );
    }

    #[test]
    fn delete_key_pair_needs_a_name_or_an_id() {
        let by_id = Args::from_pairs([("KeyPairId", "key-0123")]);
        assert_eq!(
            DeleteKeyPairInput::from_args(&by_id).unwrap(),
            DeleteKeyPairInput {
                key_name: None,
                key_pair_id: Some("key-0123".into())
            }
        );
        let neither = Args::from_pairs([("Action", "DeleteKeyPair")]);
        assert_eq!(
            DeleteKeyPairInput::from_args(&neither).unwrap_err().code(),
            ErrorCode::MissingParameter
        );
    }

    #[test]
    fn describe_key_pairs_reads_names_ids_filters() {
        let args = Args::from_pairs([
            ("KeyName.1", "a"),
            ("KeyName.2", "b"),
            ("KeyPairId.1", "key-1"),
            ("Filter.1.Name", "key-type"),
            ("Filter.1.Value.1", "rsa"),
            ("IncludePublicKey", "true"),
        ]);
        let input = DescribeKeyPairsInput::from_args(&args).unwrap();
        assert_eq!(
            input,
            DescribeKeyPairsInput {
                key_names: vec!["a".into(), "b".into()],
                key_pair_ids: vec!["key-1".into()],
                filters: vec![Filter {
                    name: "key-type".into(),
                    values: vec!["rsa".into()]
                }],
                include_public_key: true,
            }
        );
    }

    #[test]
    fn key_pairs_render_as_aws_writes_them() {
        let output = DescribeKeyPairsOutput {
            key_pairs: vec![KeyPairInfo {
                key_pair_id: "key-0a".into(),
                key_name: "a".into(),
                key_fingerprint: "aa:bb".into(),
                key_type: "rsa".into(),
                tags: vec![],
                public_key: None,
                create_time: datetime!(2026-01-02 03:04:05 UTC),
            }],
        };
        assert_eq!(
            render(&output),
            "<keySet><item><keyPairId>key-0a</keyPairId><keyName>a</keyName>\
             <keyFingerprint>aa:bb</keyFingerprint><keyType>rsa</keyType><tagSet></tagSet>\
             <createTime>2026-01-02T03:04:05.000Z</createTime></item></keySet>"
        );
        assert_eq!(
            render(&DeleteKeyPairOutput {
                key_pair_id: Some("key-0a".into())
            }),
            "<return>true</return><keyPairId>key-0a</keyPairId>"
        );
    }

    #[test]
    fn created_key_material_stays_out_of_debug() {
        let output = CreateKeyPairOutput {
            key_name: "a".into(),
            key_fingerprint: "f".into(),
            key_material: "-----BEGIN RSA PRIVATE KEY-----".into(),
            key_pair_id: "key-1".into(),
            tags: vec![],
        };
        assert!(!format!("{output:?}").contains("BEGIN"));
    }
}
