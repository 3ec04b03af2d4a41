//! What the Compute API shows besides servers, from the fake's EC2 state: flavors (the
//! instance types), images (the AMIs), key pairs (the EC2 key pairs), limits (the
//! quotas and their use), and the v1.0 backup schedules and shared IP groups.

use std::sync::OnceLock;

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::ec2::controller::{CloudController, Ec2Call};
use crate::ec2::error::ErrorCode;
use crate::ec2::model::{CreateKeyPairInput, DeregisterImageInput, ImportKeyPairInput};
use crate::openstack::controller::ComputeCall;
use crate::openstack::fault::Fault;
use crate::openstack::model::*;

use super::compute::{MAX_SERVER_META, find, marker_not_found};
use super::images;
use super::instances;
use super::state::{
    BackupScheduleRecord, ImageRecord, KeyPairRecord, RegionState, SharedIpGroupRecord,
};
use super::volumes::Moment;
use super::{FakeCloud, Scope};

/// The root disk of every flavor, in GiB: the size of the catalog images' root volume.
const FLAVOR_DISK: u64 = 8;

/// Memory in MiB of an instance type, as AWS sizes them.
fn ram_of(family: &str, size: &str, vcpus: u64) -> u64 {
    match family {
        "t1" => 627,
        "t2" | "t3" | "t3a" | "t4g" => match size {
            "nano" => 512,
            "micro" => 1024,
            "small" => 2048,
            "medium" => 4096,
            "large" => 8192,
            "xlarge" => 16384,
            _ => 32768,
        },
        "m1" => match size {
            "small" => 1740,
            "medium" => 3840,
            "large" => 7680,
            _ => 15360,
        },
        "m3" => match size {
            "medium" => 3840,
            "large" => 7680,
            "xlarge" => 15360,
            _ => 30720,
        },
        "c4" => 1920 * vcpus,
        family if family.starts_with('c') => 2048 * vcpus,
        family if family.starts_with('r') => 8192 * vcpus,
        _ => 4096 * vcpus,
    }
}

/// Every flavor, by id.
fn flavors() -> &'static [Flavor] {
    static FLAVORS: OnceLock<Vec<Flavor>> = OnceLock::new();
    FLAVORS.get_or_init(|| {
        let mut flavors: Vec<Flavor> = instances::instance_types()
            .map(|(name, architecture, vcpus)| {
                let (family, size) = name.split_once('.').unwrap_or((&name, ""));
                let vcpus = u64::try_from(vcpus).unwrap_or(1);
                Flavor {
                    id: name.clone(),
                    ram: ram_of(family, size, vcpus),
                    vcpus: u32::try_from(vcpus).unwrap_or(1),
                    disk: FLAVOR_DISK,
                    rxtx_factor: 1.0,
                    is_public: true,
                    extra_specs: [("hw:cpu_arch".to_owned(), architecture.to_owned())].into(),
                    name,
                    ..Flavor::default()
                }
            })
            .collect();
        flavors.sort_by(|a, b| a.id.cmp(&b.id));
        flavors
    })
}

/// The flavor `id`: an instance type the fake launches.
pub(super) fn flavor(id: &str) -> Option<Flavor> {
    let flavors = flavors();
    flavors
        .binary_search_by(|flavor| flavor.id.as_str().cmp(id))
        .ok()
        .map(|index| flavors[index].clone())
}

/// The flavor of an instance type, or a bare one naming it when the fake does not know
/// the type.
pub(super) fn flavor_or_unknown(instance_type: &str) -> Flavor {
    flavor(instance_type).unwrap_or_else(|| Flavor {
        id: instance_type.to_owned(),
        name: instance_type.to_owned(),
        is_public: true,
        ..Flavor::default()
    })
}

/// `GET /flavors`: by id, all public.
pub(super) fn list_flavors(query: &FlavorQuery) -> Result<Vec<Flavor>, Fault> {
    let flavors = flavors();
    let start = match &query.marker {
        None => 0,
        Some(marker) => {
            flavors
                .binary_search_by(|flavor| flavor.id.as_str().cmp(marker))
                .map_err(|_| marker_not_found(marker))?
                + 1
        }
    };
    Ok(flavors[start..]
        .iter()
        .filter(|flavor| query.min_ram.is_none_or(|ram| flavor.ram >= ram))
        .filter(|flavor| query.min_disk.is_none_or(|disk| flavor.disk >= disk))
        .filter(|flavor| {
            query
                .is_public
                .is_none_or(|public| flavor.is_public == public)
        })
        .take(query.limit.unwrap_or(usize::MAX))
        .cloned()
        .collect())
}

/// The image `image_id` if the project may see it.
pub(super) fn visible_image<'a>(
    region: &'a RegionState,
    scope: &Scope,
    image_id: &str,
) -> Option<&'a ImageRecord> {
    region
        .images
        .get(image_id)
        .filter(|image| !image.deregistered && images::visible_to(image, &scope.account))
}

fn image_not_found() -> Fault {
    Fault::not_found("Image not found.")
}

/// The image an AMI is, as the project sees it.
fn image_view(region: &RegionState, scope: &Scope, image: &ImageRecord) -> Image {
    let owned = image.owner_id == scope.account;
    let visibility = if image.public {
        ImageVisibility::Public
    } else if owned && image.launch_permissions.is_empty() {
        ImageVisibility::Private
    } else {
        ImageVisibility::Shared
    };
    let owner = if owned {
        scope.project.clone()
    } else {
        image
            .owner_alias
            .clone()
            .unwrap_or_else(|| image.owner_id.clone())
    };
    let created = OffsetDateTime::parse(&image.creation_date, &Rfc3339).ok();
    let server_id = image
        .source_instance_id
        .as_ref()
        .and_then(|instance_id| region.instances.get(instance_id))
        .map(|record| record.server.uuid.clone());
    let mut metadata: std::collections::BTreeMap<String, String> = image
        .tags
        .iter()
        .map(|(key, value)| (key.to_string(), value.to_string()))
        .collect();
    metadata.insert("architecture".into(), image.traits.architecture.to_string());
    if let Some(kernel_id) = &image.kernel_id {
        metadata.insert("kernel_id".into(), kernel_id.clone());
    }
    if let Some(ramdisk_id) = &image.ramdisk_id {
        metadata.insert("ramdisk_id".into(), ramdisk_id.clone());
    }
    if let Some(server_id) = &server_id {
        metadata.insert("image_type".into(), "snapshot".into());
        metadata.insert("instance_uuid".into(), server_id.clone());
    }
    let size_gib = u64::try_from(image.volume_size).unwrap_or(0);
    Image {
        id: image.image_id.clone(),
        name: image.name.clone(),
        status: ImageStatus::Active,
        created,
        updated: created,
        min_disk: size_gib,
        min_ram: 0,
        progress: 100,
        size: size_gib << 30,
        metadata,
        server_id,
        owner,
        visibility,
        hidden: false,
        protected: false,
        disk_format: "ami".into(),
        container_format: "ami".into(),
    }
}

/// `GET /images`: what the project may see, newest first.
pub(super) fn list_images(
    cloud: &FakeCloud,
    scope: &Scope,
    query: &ImageQuery,
) -> Result<Vec<Image>, Fault> {
    let state = cloud.read();
    let region = state
        .regions
        .get(&scope.region)
        .ok_or_else(Fault::internal)?;
    let mut visible: Vec<&ImageRecord> = region
        .images
        .values()
        .filter(|image| !image.deregistered && images::visible_to(image, &scope.account))
        .collect();
    visible.sort_by_key(|image| std::cmp::Reverse(image.order));
    let start = match &query.marker {
        None => 0,
        Some(marker) => {
            visible
                .iter()
                .position(|image| &image.image_id == marker)
                .ok_or_else(|| marker_not_found(marker))?
                + 1
        }
    };
    Ok(visible[start..]
        .iter()
        .filter(|image| query.name.as_ref().is_none_or(|name| &image.name == name))
        .filter(|image| {
            query
                .ids
                .as_ref()
                .is_none_or(|ids| ids.contains(&image.image_id))
        })
        .map(|image| image_view(region, scope, image))
        .filter(|image| query.status.is_none_or(|status| image.status == status))
        .filter(|image| {
            query
                .server
                .as_ref()
                .is_none_or(|server| image.server_id.as_ref() == Some(server))
        })
        .filter(|image| query.hidden.is_none_or(|hidden| image.hidden == hidden))
        .filter(|image| {
            query
                .changes_since
                .is_none_or(|since| image.updated.is_some_and(|updated| updated >= since))
        })
        .take(query.limit.unwrap_or(usize::MAX))
        .collect())
}

/// `GET /images/{id}`.
pub(super) fn show_image(cloud: &FakeCloud, scope: &Scope, image_id: &str) -> Result<Image, Fault> {
    let state = cloud.read();
    let region = state
        .regions
        .get(&scope.region)
        .ok_or_else(Fault::internal)?;
    let image = visible_image(region, scope, image_id).ok_or_else(image_not_found)?;
    Ok(image_view(region, scope, image))
}

/// `DELETE /images/{id}`: deregisters the project's own image; others' are refused.
pub(super) async fn delete_image(
    cloud: &FakeCloud,
    scope: &Scope,
    call: &ComputeCall<String>,
) -> Result<(), Fault> {
    let image_id = &call.input;
    {
        let state = cloud.read();
        let region = state
            .regions
            .get(&scope.region)
            .ok_or_else(Fault::internal)?;
        let image = visible_image(region, scope, image_id).ok_or_else(image_not_found)?;
        if image.owner_id != scope.account {
            return Err(Fault::forbidden("You are not allowed to delete the image."));
        }
    }
    let input = DeregisterImageInput {
        image_id: image_id.clone(),
        delete_associated_snapshots: false,
    };
    cloud
        .deregister_image(Ec2Call::new(call.context.clone(), input))
        .await
        .map(|_| ())
        .map_err(|_| image_not_found())
}

fn keypair_not_found(name: &str, user_id: &str) -> Fault {
    Fault::not_found(format!("Keypair {name} not found for user {user_id}"))
}

/// The key pair an EC2 key pair is.
fn keypair_view(record: &KeyPairRecord, user_id: &str) -> KeyPair {
    let digits = record.key_pair_id.trim_start_matches("key-");
    let id = i64::from_str_radix(&digits[..digits.len().min(12)], 16).unwrap_or(0);
    KeyPair {
        name: record.key_name.clone(),
        public_key: record.public_key.clone(),
        fingerprint: record.fingerprint.clone(),
        key_type: "ssh".into(),
        user_id: user_id.to_owned(),
        private_key: None,
        created_at: Some(record.create_time),
        id,
    }
}

/// `GET /os-keypairs`: the project's, by name.
pub(super) fn list_keypairs(
    cloud: &FakeCloud,
    scope: &Scope,
    call: &ComputeCall<KeyPairQuery>,
) -> Result<Vec<KeyPair>, Fault> {
    let query = &call.input;
    let state = cloud.read();
    let Some(project) = state
        .regions
        .get(&scope.region)
        .and_then(|region| region.projects.get(&scope.project))
    else {
        return match &query.marker {
            Some(marker) => Err(marker_not_found(marker)),
            None => Ok(Vec::new()),
        };
    };
    let key_pairs = &project.key_pairs;
    let after = match &query.marker {
        Some(marker) if !key_pairs.contains_key(marker) => {
            return Err(marker_not_found(marker));
        }
        marker => marker.clone(),
    };
    let range = match &after {
        Some(marker) => key_pairs.range::<String, _>((
            std::ops::Bound::Excluded(marker),
            std::ops::Bound::Unbounded,
        )),
        None => key_pairs.range::<String, _>(..),
    };
    Ok(range
        .map(|(_, record)| keypair_view(record, &call.context.user_id))
        .take(query.limit.unwrap_or(usize::MAX))
        .collect())
}

/// `GET /os-keypairs/{name}`.
pub(super) fn show_keypair(
    cloud: &FakeCloud,
    scope: &Scope,
    user_id: &str,
    name: &str,
) -> Result<KeyPair, Fault> {
    let state = cloud.read();
    state
        .regions
        .get(&scope.region)
        .and_then(|region| region.projects.get(&scope.project))
        .and_then(|project| project.key_pairs.get(name))
        .map(|record| keypair_view(record, user_id))
        .ok_or_else(|| keypair_not_found(name, user_id))
}

/// `POST /os-keypairs`: imports the public key given, or generates an RSA key pair.
pub(super) async fn create_keypair(
    cloud: &FakeCloud,
    scope: &Scope,
    call: &ComputeCall<CreateKeyPair>,
) -> Result<KeyPair, Fault> {
    let input = &call.input;
    if !matches!(input.key_type.as_str(), "" | "ssh") {
        return Err(Fault::bad_request(format!(
            "Keypair data is invalid: key type {} is not supported by this cloud",
            input.key_type
        )));
    }
    let context = call.context.clone();
    let answer = match &input.public_key {
        Some(public_key) => {
            let import = ImportKeyPairInput {
                key_name: input.name.clone(),
                public_key_material: public_key.as_bytes().to_vec(),
                tag_specifications: Vec::new(),
            };
            cloud
                .import_key_pair(Ec2Call::new(context, import))
                .await
                .map(|_| None)
        }
        None => {
            let create = CreateKeyPairInput {
                key_name: input.name.clone(),
                ..CreateKeyPairInput::default()
            };
            cloud
                .create_key_pair(Ec2Call::new(context, create))
                .await
                .map(|output| Some(output.key_material))
        }
    };
    let private_key = answer.map_err(|error| match error.code() {
        ErrorCode::InvalidKeyPairDuplicate => {
            Fault::conflict(format!("Key pair '{}' already exists.", input.name))
        }
        ErrorCode::ResourceLimitExceeded => Fault::forbidden("Quota exceeded, too many key pairs."),
        ErrorCode::InvalidKeyFormat => {
            Fault::bad_request("Keypair data is invalid: failed to generate fingerprint")
        }
        _ => Fault::bad_request(format!("Keypair data is invalid: {}", error.message())),
    })?;
    let mut key_pair = show_keypair(cloud, scope, &call.context.user_id, &input.name)?;
    key_pair.private_key = private_key;
    Ok(key_pair)
}

/// `DELETE /os-keypairs/{name}`.
pub(super) fn delete_keypair(
    cloud: &FakeCloud,
    scope: &Scope,
    call: &ComputeCall<KeyPairRef>,
) -> Result<(), Fault> {
    let name = &call.input.name;
    let mut state = cloud.write();
    state
        .regions
        .get_mut(&scope.region)
        .and_then(|region| region.projects.get_mut(&scope.project))
        .and_then(|project| project.key_pairs.remove(name))
        .map(|_| ())
        .ok_or_else(|| keypair_not_found(name, &call.context.user_id))
}

/// `GET /limits`: the quotas and what the project uses of them. Instances, cores and RAM
/// count pending and running instances, as the instance quota does.
pub(super) fn limits(cloud: &FakeCloud, scope: &Scope) -> Result<Limits, Fault> {
    let quotas = cloud.quotas();
    let moment = Moment::of(cloud);
    let state = cloud.read();
    let region = state
        .regions
        .get(&scope.region)
        .ok_or_else(Fault::internal)?;
    let project = region.projects.get(&scope.project);
    let (mut instances, mut cores, mut ram) = (0, 0, 0);
    for record in project
        .into_iter()
        .flat_map(|project| project.launch_order.values())
        .filter_map(|instance_id| region.instances.get(instance_id))
    {
        use crate::ec2::model::InstanceStateName as S;
        if matches!(
            record.state_at(moment.now, moment.delay),
            S::Pending | S::Running
        ) {
            let flavor = flavor_or_unknown(&record.instance_type);
            instances += 1;
            cores += i64::from(flavor.vcpus);
            ram += i64::try_from(flavor.ram).unwrap_or(0);
        }
    }
    let count = |n: usize| i64::try_from(n).unwrap_or(i64::MAX);
    let network = scope.network();
    let groups = project.map_or(1, |project| {
        project.security_groups.count(&network.security_group_id)
    });
    let addresses = project.map_or(0, |project| project.addresses.count());
    Ok(Limits {
        absolute: AbsoluteLimits {
            max_total_instances: count(quotas.instances),
            max_total_cores: -1,
            max_total_ram_size: -1,
            max_total_keypairs: count(quotas.key_pairs),
            max_server_meta: count(MAX_SERVER_META),
            max_image_meta: count(MAX_SERVER_META),
            max_personality: 5,
            max_personality_size: 10240,
            max_security_groups: count(quotas.security_groups),
            max_security_group_rules: count(quotas.rules_per_group),
            max_total_floating_ips: count(quotas.addresses),
            max_server_groups: 10,
            max_server_group_members: 10,
            total_instances_used: instances,
            total_cores_used: cores,
            total_ram_used: ram,
            total_security_groups_used: count(groups),
            total_floating_ips_used: count(addresses),
            total_server_groups_used: 0,
        },
        rate: Vec::new(),
    })
}

/// `GET /servers/{id}/backup_schedule`: the schedule set, else backups disabled.
pub(super) fn backup_schedule(
    cloud: &FakeCloud,
    scope: &Scope,
    server_id: &str,
) -> Result<BackupSchedule, Fault> {
    cloud.read_server(scope, server_id, |_, record, _| {
        let Some(stored) = &record.server.backup_schedule else {
            return Ok(BackupSchedule::default());
        };
        Ok(BackupSchedule {
            enabled: stored.enabled,
            weekly: WeeklyBackup::from_name(&stored.weekly).unwrap_or_default(),
            daily: DailyBackup::from_name(&stored.daily).unwrap_or_default(),
        })
    })
}

/// Sets the server's backup schedule (the default one disables backups).
pub(super) fn set_backup_schedule(
    cloud: &FakeCloud,
    scope: &Scope,
    server_id: &str,
    schedule: BackupSchedule,
) -> Result<(), Fault> {
    cloud.with_server(scope, server_id, |record, _| {
        record.server.backup_schedule = Some(BackupScheduleRecord {
            enabled: schedule.enabled,
            weekly: schedule.weekly.as_str().to_owned(),
            daily: schedule.daily.to_name(),
        });
        Ok(())
    })
}

fn shared_ip_group_not_found(id: i64) -> Fault {
    Fault::not_found(format!("Shared IP group {id} could not be found."))
}

fn shared_ip_group_view(id: i64, record: &SharedIpGroupRecord) -> SharedIpGroup {
    SharedIpGroup {
        id,
        name: record.name.clone(),
        servers: record.servers.clone(),
    }
}

/// `GET /shared_ip_groups`: the project's, by id.
pub(super) fn list_shared_ip_groups(cloud: &FakeCloud, scope: &Scope) -> Vec<SharedIpGroup> {
    let state = cloud.read();
    state
        .regions
        .get(&scope.region)
        .and_then(|region| region.projects.get(&scope.project))
        .map(|project| {
            project
                .shared_ip_groups
                .iter()
                .map(|(id, record)| shared_ip_group_view(*id, record))
                .collect()
        })
        .unwrap_or_default()
}

/// `GET /shared_ip_groups/{id}`.
pub(super) fn show_shared_ip_group(
    cloud: &FakeCloud,
    scope: &Scope,
    id: i64,
) -> Result<SharedIpGroup, Fault> {
    let state = cloud.read();
    state
        .regions
        .get(&scope.region)
        .and_then(|region| region.projects.get(&scope.project))
        .and_then(|project| project.shared_ip_groups.get(&id))
        .map(|record| shared_ip_group_view(id, record))
        .ok_or_else(|| shared_ip_group_not_found(id))
}

/// `POST /shared_ip_groups`: ids count from 1 in each project.
pub(super) fn create_shared_ip_group(
    cloud: &FakeCloud,
    scope: &Scope,
    input: &CreateSharedIpGroup,
) -> Result<SharedIpGroup, Fault> {
    let moment = Moment::of(cloud);
    let mut state = cloud.write();
    let region = state
        .regions
        .get_mut(&scope.region)
        .ok_or_else(Fault::internal)?;
    let servers = match &input.server {
        Some(server_id) => {
            find(region, scope, server_id, moment)?;
            vec![server_id.clone()]
        }
        None => Vec::new(),
    };
    let project = super::security_groups::project_entry(region, scope);
    project.last_shared_ip_group_id += 1;
    let id = project.last_shared_ip_group_id;
    let record = SharedIpGroupRecord {
        name: input.name.clone(),
        servers,
    };
    let group = shared_ip_group_view(id, &record);
    project.shared_ip_groups.insert(id, record);
    Ok(group)
}

/// `DELETE /shared_ip_groups/{id}`.
pub(super) fn delete_shared_ip_group(
    cloud: &FakeCloud,
    scope: &Scope,
    id: i64,
) -> Result<(), Fault> {
    let mut state = cloud.write();
    state
        .regions
        .get_mut(&scope.region)
        .and_then(|region| region.projects.get_mut(&scope.project))
        .and_then(|project| project.shared_ip_groups.remove(&id))
        .map(|_| ())
        .ok_or_else(|| shared_ip_group_not_found(id))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flavors_size_memory_as_aws_does() {
        let sizes: Vec<(String, u32, u64)> = ["t2.micro", "t3.micro", "t3.small", "m5.large"]
            .iter()
            .map(|id| {
                let flavor = flavor(id).unwrap();
                (flavor.id, flavor.vcpus, flavor.ram)
            })
            .collect();
        assert_eq!(
            sizes,
            vec![
                ("t2.micro".to_owned(), 1, 1024),
                ("t3.micro".to_owned(), 2, 1024),
                ("t3.small".to_owned(), 2, 2048),
                ("m5.large".to_owned(), 2, 8192),
            ]
        );
        assert_eq!(flavor("c5.large").unwrap().ram, 4096);
        assert_eq!(flavor("r5.large").unwrap().ram, 16384);
        assert_eq!(flavor("x1.huge"), None);
    }
}
