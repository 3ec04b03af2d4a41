//! The fake's instances as the metadata service sees them: [`FakeCloud`] is a
//! [`MetadataProvider`], and [`LoopbackAsNewest`] lets a process on the same host play an
//! instance.
//!
//! # Limitations
//!
//! - Every project's default VPC is `172.31.0.0/16`, so two projects' instances can hold
//!   the same private address; a lookup by address answers the newest such instance.
//!   Metadata proxies name the instance with signed headers instead.
//! - The public key is the key pair's as it is now: deleting the key pair after launch
//!   drops it from the metadata, where EC2 keeps the launch-time key.
//! - Lookups by address scan every live instance (the service caches their answers).
//! - `MetadataOptions.HttpEndpoint=disabled` is not honoured: the instance's metadata is
//!   served all the same (only `HttpTokens` is).

use std::net::{IpAddr, Ipv4Addr};

use async_trait::async_trait;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use bytes::Bytes;

use super::FakeCloud;
use super::regions::DefaultNetwork;
use super::state::{InstanceRecord, RegionState, State};
use crate::ec2::model::InstanceStateName;
use crate::metadata::{
    InstanceMetadata, MetadataProvider, NetworkInterface, PasswordError, ProviderError, PublicKey,
};

#[async_trait]
impl MetadataProvider for FakeCloud {
    async fn instance_by_address(
        &self,
        address: IpAddr,
    ) -> Result<Option<InstanceMetadata>, ProviderError> {
        let IpAddr::V4(address) = address else {
            return Ok(None);
        };
        let state = self.read();
        let holds = |record: &InstanceRecord| {
            record.private_ip == address.octets() || public_ipv4(record) == Some(address)
        };
        let newest = self.newest(&state, holds);
        Ok(newest.map(|(name, region, record)| metadata_of(name, region, record)))
    }

    async fn instance_by_id(
        &self,
        instance_id: &str,
        project_id: &str,
    ) -> Result<Option<InstanceMetadata>, ProviderError> {
        let state = self.read();
        let found = state.regions.iter().find_map(|(name, region)| {
            // Neutron's proxy names the instance by its server id.
            let instance_id = region
                .server_ids
                .get(instance_id)
                .map_or(instance_id, String::as_str);
            let record = region.instances.get(instance_id)?;
            let owned = record.project_id == project_id && self.is_live(record);
            owned.then(|| metadata_of(name, region, record))
        });
        Ok(found)
    }

    async fn set_password(&self, instance_id: &str, password: &str) -> Result<(), PasswordError> {
        let mut state = self.write();
        let record = state
            .regions
            .values_mut()
            .find_map(|region| region.instances.get_mut(instance_id));
        let Some(record) = record else {
            return Err(PasswordError::Failed(format!(
                "instance {instance_id} is gone"
            )));
        };
        if record
            .password
            .as_deref()
            .is_some_and(|set| !set.is_empty())
        {
            return Err(PasswordError::AlreadySet);
        }
        record.password = Some(password.to_owned());
        Ok(())
    }
}

impl FakeCloud {
    /// Whether an instance can still ask for its metadata: not shutting down or gone.
    fn is_live(&self, record: &InstanceRecord) -> bool {
        let now = self.config_clock_now();
        let state = record.state_at(now, self.transition_delay());
        !matches!(
            state,
            InstanceStateName::ShuttingDown | InstanceStateName::Terminated
        )
    }

    /// The live instance launched last among those `matches` accepts, with its region.
    fn newest<'a>(
        &self,
        state: &'a State,
        matches: impl Fn(&InstanceRecord) -> bool,
    ) -> Option<(&'a str, &'a RegionState, &'a InstanceRecord)> {
        state
            .regions
            .iter()
            .flat_map(|(name, region)| {
                let records = region.instances.values();
                records.map(move |record| (name.as_str(), region, record))
            })
            .filter(|(_, _, record)| matches(record) && self.is_live(record))
            .max_by_key(|(_, _, record)| record.launch_seq)
    }
}

/// A provider that answers for a loopback caller with the newest running instance of one
/// project, so a process on the server's own host can read metadata as that instance
/// (`cloud_server --metadata-caller newest`). Other callers are looked up as usual.
#[derive(Clone, Debug)]
pub struct LoopbackAsNewest {
    cloud: FakeCloud,
    project_id: String,
}

impl LoopbackAsNewest {
    /// Loopback callers play the newest running instance of `project_id` in `cloud`.
    pub fn new(cloud: FakeCloud, project_id: impl Into<String>) -> Self {
        LoopbackAsNewest {
            cloud,
            project_id: project_id.into(),
        }
    }
}

#[async_trait]
impl MetadataProvider for LoopbackAsNewest {
    async fn instance_by_address(
        &self,
        address: IpAddr,
    ) -> Result<Option<InstanceMetadata>, ProviderError> {
        if !address.is_loopback() {
            return self.cloud.instance_by_address(address).await;
        }
        let now = self.cloud.config_clock_now();
        let delay = self.cloud.transition_delay();
        let state = self.cloud.read();
        let running = |record: &InstanceRecord| {
            record.project_id == self.project_id
                && record.state_at(now, delay) == InstanceStateName::Running
        };
        let newest = self.cloud.newest(&state, running);
        Ok(newest.map(|(name, region, record)| metadata_of(name, region, record)))
    }

    async fn instance_by_id(
        &self,
        instance_id: &str,
        project_id: &str,
    ) -> Result<Option<InstanceMetadata>, ProviderError> {
        self.cloud.instance_by_id(instance_id, project_id).await
    }

    async fn set_password(&self, instance_id: &str, password: &str) -> Result<(), PasswordError> {
        self.cloud.set_password(instance_id, password).await
    }
}

fn public_ipv4(record: &InstanceRecord) -> Option<Ipv4Addr> {
    let public = record.network.public.as_ref()?;
    public.ip_address.parse().ok()
}

fn metadata_of(
    region_name: &str,
    region: &RegionState,
    record: &InstanceRecord,
) -> InstanceMetadata {
    let network = &record.network;
    let key = record.key_name.as_ref().and_then(|name| {
        let project = region.projects.get(&record.project_id)?;
        let key_pair = project.key_pairs.get(name.as_str())?;
        Some(PublicKey {
            name: key_pair.key_name.clone(),
            openssh_key: key_pair.public_key.clone(),
        })
    });
    let root_device = record.image.root_device_name.to_string();
    let mut block_device_mapping = vec![
        ("ami".to_owned(), root_device.clone()),
        ("root".to_owned(), root_device),
    ];
    let mut attached: Vec<&str> = region
        .volumes
        .values()
        .filter(|volume| volume.volume_id != record.root_volume_id.as_str())
        .filter_map(|volume| volume.attachment.as_ref())
        .filter(|attachment| attachment.instance_id == record.instance_id.as_str())
        .filter(|attachment| !attachment.detaching)
        .map(|attachment| attachment.device.as_str())
        .collect();
    attached.sort_unstable();
    for (index, device) in attached.into_iter().enumerate() {
        let device = device.strip_prefix("/dev/").unwrap_or(device);
        block_device_mapping.push((format!("ebs{}", index + 1), device.to_owned()));
    }
    let base = DefaultNetwork::subnet_base(record.zone_index);
    InstanceMetadata {
        instance_id: record.instance_id.to_string(),
        uuid: record.server.uuid.clone(),
        meta: record.server.metadata.clone(),
        project_id: record.project_id.clone(),
        account_id: network.owner_id.to_string(),
        name: record
            .tags
            .get("Name")
            .map_or_else(|| record.instance_id.to_string(), |name| name.to_string()),
        hostname: network.private_dns_name.to_string(),
        public_hostname: network.public.as_ref().map(|p| p.dns_name.to_string()),
        image_id: record.image_id.to_string(),
        kernel_id: record.kernel_id.as_ref().map(|id| id.to_string()),
        ramdisk_id: record.ramdisk_id.as_ref().map(|id| id.to_string()),
        launch_index: record.launch_index,
        reservation_id: record.reservation_id.to_string(),
        instance_type: record.instance_type.to_string(),
        architecture: record.image.architecture.to_string(),
        availability_zone: network.availability_zone.to_string(),
        region: region_name.to_owned(),
        interface: Some(NetworkInterface {
            id: record.network_interface_id.to_string(),
            mac: record.mac_address.to_string(),
            network_id: network.subnet_id.to_string(),
            address: Ipv4Addr::from(record.private_ip),
            prefix_len: 20,
            gateway: Some(Ipv4Addr::new(base[0], base[1], base[2], 1)),
        }),
        public_ipv4: public_ipv4(record),
        security_groups: record.group_names.iter().map(|g| g.to_string()).collect(),
        public_keys: key.into_iter().collect(),
        block_device_mapping,
        user_data: record
            .user_data
            .as_deref()
            .and_then(|data| STANDARD.decode(data.trim()).ok())
            .map(Bytes::from),
        password: record.password.clone(),
        launch_time: Some(record.launch_time),
        tokens_required: record.http_tokens.as_str() == "required",
        iam: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ec2::controller::CloudController;
    use crate::ec2::model::{
        AttachVolumeInput, CreateKeyPairInput, MetadataOptionsRequest, RunInstancesInput,
        TerminateInstancesInput, UserData,
    };
    use crate::fake::test_support::*;

    async fn launch_with(
        cloud: &FakeCloud,
        project: &str,
        edit: impl FnOnce(&mut RunInstancesInput),
    ) -> (String, Ipv4Addr) {
        let mut input = RunInstancesInput {
            image_id: Some(catalog_image(cloud).await),
            min_count: 1,
            max_count: 1,
            instance_type: Some("t3.small".into()),
            ..Default::default()
        };
        edit(&mut input);
        let output = cloud.run_instances(call_as(project, input)).await.unwrap();
        let instance = &output.reservation.instances[0];
        let address = instance
            .private_ip_address
            .as_deref()
            .unwrap()
            .parse()
            .unwrap();
        (instance.instance_id.to_string(), address)
    }

    fn public_key_of(cloud: &FakeCloud, name: &str) -> String {
        let state = cloud.read();
        let project = &state.regions["us-east-1"].projects["default"];
        project.key_pairs[name].public_key.clone()
    }

    #[tokio::test]
    async fn an_instance_is_found_by_its_private_address_with_what_it_was_launched_with() {
        let cloud = quick_cloud();
        let key = CreateKeyPairInput {
            key_name: "deployer".into(),
            key_type: Some("ed25519".into()),
            ..Default::default()
        };
        cloud.create_key_pair(call(key)).await.unwrap();
        let (id, address) = launch_with(&cloud, "default", |input| {
            input.key_name = Some("deployer".into());
            input.user_data = Some(UserData("I2Nsb3VkLWNvbmZpZwo=".into()));
        })
        .await;

        let found = cloud.instance_by_address(address.into()).await.unwrap();
        let found = found.expect("the instance holds the address");

        assert_eq!(found.instance_id, id);
        assert_eq!(found.project_id, "default");
        assert_eq!(found.account_id, "123456789012");
        assert_eq!(found.instance_type, "t3.small");
        assert_eq!(found.image_id, catalog_image(&cloud).await);
        assert_eq!(found.launch_index, 0);
        assert!(found.reservation_id.starts_with("r-"));
        assert_eq!(found.region, "us-east-1");
        assert!(found.availability_zone.starts_with("us-east-1"));
        assert_eq!(found.security_groups, ["default"]);
        assert_eq!(found.user_data.as_deref(), Some(&b"#cloud-config\n"[..]));
        assert_eq!(
            found.public_keys,
            [PublicKey {
                name: "deployer".into(),
                openssh_key: public_key_of(&cloud, "deployer"),
            }]
        );
        assert!(found.public_keys[0].openssh_key.starts_with("ssh-ed25519 "));
        let interface = found.interface.as_ref().unwrap();
        assert_eq!(interface.address, address);
        assert_eq!(interface.prefix_len, 20);
        assert_eq!(
            found.block_device_mapping,
            [
                ("ami".to_owned(), "/dev/xvda".to_owned()),
                ("root".to_owned(), "/dev/xvda".to_owned()),
            ]
        );
        let server_id = server_id_of(&cloud, &id);
        assert_eq!(found.uuid, server_id);
        assert_eq!(found.uuid.len(), 36);
        assert!(found.meta.is_empty());
        assert!(
            found.tokens_required,
            "EC2's default is HttpTokens=required"
        );
    }

    fn server_id_of(cloud: &FakeCloud, instance_id: &str) -> String {
        let state = cloud.read();
        let record = state
            .regions
            .values()
            .find_map(|region| region.instances.get(instance_id));
        record.unwrap().server.uuid.clone()
    }

    #[tokio::test]
    async fn a_proxy_may_name_the_instance_by_its_server_id_and_meta_is_the_server_s() {
        let cloud = quick_cloud();
        let (id, _) = launch_with(&cloud, "default", |_| {}).await;
        let server_id = server_id_of(&cloud, &id);
        {
            let mut state = cloud.write();
            let record = state
                .regions
                .values_mut()
                .find_map(|region| region.instances.get_mut(id.as_str()))
                .unwrap();
            record.server.metadata.insert("role".into(), "web".into());
        }
        let found = cloud.instance_by_id(&server_id, "default").await.unwrap();
        let found = found.unwrap();
        assert_eq!(found.instance_id, id);
        assert_eq!(found.uuid, server_id);
        assert_eq!(
            found.meta,
            std::collections::BTreeMap::from([("role".to_owned(), "web".to_owned())])
        );
        let foreign = cloud.instance_by_id(&server_id, "other").await.unwrap();
        assert_eq!(foreign, None);
    }

    #[tokio::test]
    async fn http_tokens_optional_lets_the_instance_read_without_a_token() {
        let cloud = quick_cloud();
        let (_, address) = launch_with(&cloud, "default", |input| {
            input.metadata_options = Some(MetadataOptionsRequest {
                http_tokens: Some("optional".into()),
                ..Default::default()
            })
        })
        .await;
        let found = cloud.instance_by_address(address.into()).await.unwrap();
        assert!(!found.unwrap().tokens_required);
    }

    #[tokio::test]
    async fn attached_volumes_show_as_ebs_devices() {
        let cloud = quick_cloud();
        let (id, address) = launch_with(&cloud, "default", |_| {}).await;
        let zone = cloud
            .instance_by_address(address.into())
            .await
            .unwrap()
            .unwrap()
            .availability_zone;
        let mut volume = volume_input(8);
        volume.availability_zone = Some(zone);
        let volume = cloud.create_volume(call(volume)).await.unwrap();
        let attach = AttachVolumeInput {
            device: "/dev/sdf".into(),
            instance_id: id.clone(),
            volume_id: volume.volume_id.clone(),
        };
        cloud.attach_volume(call(attach)).await.unwrap();

        let found = cloud.instance_by_id(&id, "default").await.unwrap().unwrap();
        assert_eq!(
            found.block_device_mapping[2],
            ("ebs1".to_owned(), "sdf".to_owned())
        );
    }

    #[tokio::test]
    async fn an_instance_is_found_by_id_only_in_its_project_and_while_live() {
        let cloud = quick_cloud();
        let (id, address) = launch_with(&cloud, "default", |_| {}).await;
        assert!(
            cloud
                .instance_by_id(&id, "default")
                .await
                .unwrap()
                .is_some()
        );
        assert_eq!(cloud.instance_by_id(&id, "other").await.unwrap(), None);
        assert_eq!(
            cloud.instance_by_id("i-0000", "default").await.unwrap(),
            None
        );

        let terminate = TerminateInstancesInput {
            instance_ids: vec![id.clone()],
            ..Default::default()
        };
        cloud.terminate_instances(call(terminate)).await.unwrap();
        assert_eq!(cloud.instance_by_id(&id, "default").await.unwrap(), None);
        assert_eq!(
            cloud.instance_by_address(address.into()).await.unwrap(),
            None
        );
    }

    #[tokio::test]
    async fn a_password_is_kept_once() {
        let cloud = quick_cloud();
        let (id, _) = launch_with(&cloud, "default", |_| {}).await;
        cloud.set_password(&id, "c2VjcmV0").await.unwrap();
        assert_eq!(
            cloud.set_password(&id, "again").await,
            Err(PasswordError::AlreadySet)
        );
        let found = cloud.instance_by_id(&id, "default").await.unwrap().unwrap();
        assert_eq!(found.password.as_deref(), Some("c2VjcmV0"));
    }

    #[tokio::test]
    async fn a_loopback_caller_is_the_newest_running_instance_of_its_project() {
        let cloud = quick_cloud();
        let (_older, _) = launch_with(&cloud, "default", |_| {}).await;
        let (newest, address) = launch_with(&cloud, "default", |_| {}).await;
        let (_elsewhere, _) = launch_with(&cloud, "other", |_| {}).await;
        let provider = LoopbackAsNewest::new(cloud.clone(), "default");

        let loopback = provider.instance_by_address("127.0.0.1".parse().unwrap());
        let found = loopback.await.unwrap().unwrap();
        assert_eq!(found.instance_id, newest);
        let by_address = provider.instance_by_address(address.into()).await.unwrap();
        assert_eq!(by_address.unwrap().instance_id, newest);
        let nobody = provider.instance_by_address("192.0.2.1".parse().unwrap());
        assert_eq!(nobody.await.unwrap(), None);
    }
}
