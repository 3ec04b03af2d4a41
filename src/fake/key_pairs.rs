//! Key pairs: CreateKeyPair, ImportKeyPair, DeleteKeyPair, DescribeKeyPairs. Key material
//! and fingerprints come from [`super::keys`].

use std::collections::BTreeMap;

use crate::ec2::error::{Ec2Error, ErrorCode};
use crate::ec2::model::{
    CreateKeyPairInput, CreateKeyPairOutput, DeleteKeyPairInput, DeleteKeyPairOutput,
    DescribeKeyPairsInput, DescribeKeyPairsOutput, ImportKeyPairInput, ImportKeyPairOutput,
    KeyPairInfo, TagSpecification, Text,
};

use super::images::tag_list;
use super::keys::{self, KeyFormat, KeyType};
use super::state::{KeyPairRecord, ProjectRegion, Tags};
use super::{FakeCloud, Scope, filters, ids, tags};

const KEY_PAIR_FILTERS: &[&str] = &[
    "key-name",
    "key-pair-id",
    "fingerprint",
    "key-type",
    "tag-key",
    "tag-value",
];

fn check_name(key_name: &str) -> Result<(), Ec2Error> {
    if key_name.is_empty() || key_name.len() > 255 || !key_name.is_ascii() {
        return Err(Ec2Error::invalid_value(
            "KeyName",
            key_name,
            "Key names must be 1 to 255 ASCII characters.",
        ));
    }
    Ok(())
}

fn duplicate(key_name: &str) -> Ec2Error {
    Ec2Error::new(
        ErrorCode::InvalidKeyPairDuplicate,
        format!("The keypair '{key_name}' already exists."),
    )
}

/// The tags of `key-pair` tag specifications; other resource types are refused.
fn key_pair_tags(specifications: &[TagSpecification]) -> Result<Tags, Ec2Error> {
    let mut applied = Tags::new();
    for specification in specifications {
        if specification.resource_type != "key-pair" {
            return Err(Ec2Error::new(
                ErrorCode::InvalidParameterValue,
                format!(
                    "'{}' is not a valid taggable resource type for this operation.",
                    specification.resource_type
                ),
            ));
        }
        tags::apply(&mut applied, &specification.tags)?;
    }
    Ok(applied)
}

/// Stores a new key pair, unless the name is taken by then.
fn insert(cloud: &FakeCloud, scope: &Scope, record: KeyPairRecord) -> Result<(), Ec2Error> {
    let mut state = cloud.write();
    let region = state
        .regions
        .get_mut(&scope.region)
        .ok_or_else(Ec2Error::internal)?;
    let project = region
        .projects
        .entry(scope.project.clone())
        .or_insert_with(|| ProjectRegion {
            next_host: vec![4; super::regions::ZONE_LETTERS.len()],
            ..ProjectRegion::default()
        });
    if project.key_pairs.contains_key(&record.key_name) {
        return Err(duplicate(&record.key_name));
    }
    let quota = cloud.quotas().key_pairs;
    if project.key_pairs.len() >= quota {
        return Err(Ec2Error::new(
            ErrorCode::ResourceLimitExceeded,
            format!("The maximum number of key pairs ({quota}) has been reached."),
        ));
    }
    project.key_pairs.insert(record.key_name.clone(), record);
    Ok(())
}

fn exists(cloud: &FakeCloud, scope: &Scope, key_name: &str) -> bool {
    let state = cloud.read();
    state.regions[&scope.region]
        .projects
        .get(&scope.project)
        .is_some_and(|project| project.key_pairs.contains_key(key_name))
}

/// `CreateKeyPair`. The key is generated outside the state lock: RSA generation is slow.
pub(crate) fn create(
    cloud: &FakeCloud,
    scope: &Scope,
    input: &CreateKeyPairInput,
) -> Result<CreateKeyPairOutput, Ec2Error> {
    check_name(&input.key_name)?;
    let key_type = match input.key_type.as_deref() {
        None => KeyType::Rsa,
        Some(wire) => KeyType::from_wire(wire).ok_or_else(|| {
            Ec2Error::invalid_value("KeyType", wire, "Expecting 'rsa' or 'ed25519'.")
        })?,
    };
    let key_format = match input.key_format.as_deref() {
        None => KeyFormat::Pem,
        Some(wire) => KeyFormat::from_wire(wire).ok_or_else(|| {
            Ec2Error::invalid_value("KeyFormat", wire, "Expecting 'pem' or 'ppk'.")
        })?,
    };
    let tags = key_pair_tags(&input.tag_specifications)?;
    if exists(cloud, scope, &input.key_name) {
        return Err(duplicate(&input.key_name));
    }

    let generated = keys::generate(key_type, key_format)?;
    let record = KeyPairRecord {
        key_pair_id: ids::random_id("key-"),
        key_name: input.key_name.clone(),
        key_type: key_type.as_str().into(),
        fingerprint: generated.fingerprint.clone(),
        public_key: generated.public_key.clone(),
        create_time: cloud.config_clock_now(),
        tags,
    };
    let output = CreateKeyPairOutput {
        key_name: record.key_name.clone(),
        key_fingerprint: record.fingerprint.clone(),
        key_material: generated.key_material,
        key_pair_id: record.key_pair_id.clone(),
        tags: tag_list(&record.tags),
    };
    insert(cloud, scope, record)?;
    Ok(output)
}

/// `ImportKeyPair`.
pub(crate) fn import(
    cloud: &FakeCloud,
    scope: &Scope,
    input: &ImportKeyPairInput,
) -> Result<ImportKeyPairOutput, Ec2Error> {
    check_name(&input.key_name)?;
    let tags = key_pair_tags(&input.tag_specifications)?;
    let imported = keys::import(&input.public_key_material)?;
    let record = KeyPairRecord {
        key_pair_id: ids::random_id("key-"),
        key_name: input.key_name.clone(),
        key_type: imported.key_type.as_str().into(),
        fingerprint: imported.fingerprint,
        public_key: imported.public_key,
        create_time: cloud.config_clock_now(),
        tags,
    };
    let output = ImportKeyPairOutput {
        key_name: record.key_name.clone(),
        key_fingerprint: record.fingerprint.clone(),
        key_pair_id: record.key_pair_id.clone(),
        tags: tag_list(&record.tags),
    };
    insert(cloud, scope, record)?;
    Ok(output)
}

/// `DeleteKeyPair`: succeeds whether or not the key pair exists, as AWS does.
pub(crate) fn delete(
    cloud: &FakeCloud,
    scope: &Scope,
    input: &DeleteKeyPairInput,
) -> DeleteKeyPairOutput {
    let mut state = cloud.write();
    let Some(project) = state
        .regions
        .get_mut(&scope.region)
        .and_then(|region| region.projects.get_mut(&scope.project))
    else {
        return DeleteKeyPairOutput::default();
    };
    let name = match (&input.key_name, &input.key_pair_id) {
        (Some(name), _) => Some(name.clone()),
        (None, Some(id)) => project
            .key_pairs
            .values()
            .find(|key_pair| &key_pair.key_pair_id == id)
            .map(|key_pair| key_pair.key_name.clone()),
        (None, None) => None,
    };
    let removed = name.and_then(|name| project.key_pairs.remove(&name));
    DeleteKeyPairOutput {
        key_pair_id: removed.map(|key_pair| key_pair.key_pair_id),
    }
}

/// `DescribeKeyPairs`, ordered by name.
pub(crate) fn describe(
    cloud: &FakeCloud,
    scope: &Scope,
    input: &DescribeKeyPairsInput,
) -> Result<DescribeKeyPairsOutput, Ec2Error> {
    filters::check_names(&input.filters, KEY_PAIR_FILTERS, true)?;
    let state = cloud.read();
    let empty = BTreeMap::new();
    let key_pairs = state.regions[&scope.region]
        .projects
        .get(&scope.project)
        .map_or(&empty, |project| &project.key_pairs);

    let missing_names: Vec<&str> = input
        .key_names
        .iter()
        .filter(|name| !key_pairs.contains_key(*name))
        .map(String::as_str)
        .collect();
    if let Some(name) = missing_names.first() {
        return Err(Ec2Error::new(
            ErrorCode::InvalidKeyPairNotFound,
            format!("The key pair '{name}' does not exist"),
        ));
    }
    for id in &input.key_pair_ids {
        if !key_pairs
            .values()
            .any(|key_pair| &key_pair.key_pair_id == id)
        {
            return Err(Ec2Error::new(
                ErrorCode::InvalidKeyPairNotFound,
                format!("The key pair '{id}' does not exist"),
            ));
        }
    }

    let key_pairs = key_pairs
        .values()
        .filter(|key_pair| {
            (input.key_names.is_empty() || input.key_names.contains(&key_pair.key_name))
                && (input.key_pair_ids.is_empty()
                    || input.key_pair_ids.contains(&key_pair.key_pair_id))
                && filters::matches_all(&input.filters, |name| match name {
                    "key-name" => vec![key_pair.key_name.clone()],
                    "key-pair-id" => vec![key_pair.key_pair_id.clone()],
                    "fingerprint" => vec![key_pair.fingerprint.clone()],
                    "key-type" => vec![key_pair.key_type.clone()],
                    "tag-key" => key_pair.tags.keys().map(Text::to_string).collect(),
                    "tag-value" => key_pair.tags.values().map(Text::to_string).collect(),
                    other => match other.strip_prefix("tag:") {
                        Some(key) => key_pair
                            .tags
                            .get(key)
                            .map(Text::to_string)
                            .into_iter()
                            .collect(),
                        None => vec![],
                    },
                })
        })
        .map(|key_pair| KeyPairInfo {
            key_pair_id: key_pair.key_pair_id.clone(),
            key_name: key_pair.key_name.clone(),
            key_fingerprint: key_pair.fingerprint.clone(),
            key_type: key_pair.key_type.clone(),
            tags: tag_list(&key_pair.tags),
            public_key: input
                .include_public_key
                .then(|| key_pair.public_key.clone()),
            create_time: key_pair.create_time,
        })
        .collect();
    Ok(DescribeKeyPairsOutput { key_pairs })
}
