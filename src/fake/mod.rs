//! The in-memory fake cloud: [`FakeCloud`] implements [`CloudController`] over one
//! multi-tenant state, so EC2 clients can be tested without AWS.
//!
//! What it models:
//!
//! - **Regions**: [`regions::DEFAULT_REGIONS`] unless the builder names others, each with
//!   zones `a`–`c`. A call's region is `call.context.region`, or the builder's default
//!   region (us-east-1) when the context names none.
//! - **Projects**: `call.context.project_id` is the tenant. Project `default` owns the
//!   default account id (123456789012); another project gets the account id set for it
//!   with [`FakeCloudBuilder::account_id`], or one derived from its name (see
//!   [`FakeCloud::account_id_of`]). Another project's resources answer exactly like
//!   missing ones. Each project has, per region, a default VPC `172.31.0.0/16`, one
//!   default subnet per zone and a `default` security group, with ids derived from the
//!   account and region.
//! - **Instances**: the EC2 state machine on the injected clock. A mutating call answers
//!   with the transient state (`pending`, `stopping`, `shutting-down`); reads show the
//!   settled state once the transition delay has passed. States are computed from
//!   timestamps when read: nothing runs in the background. Terminated instances stay
//!   visible (AWS shows them for about an hour; the fake keeps them until
//!   [`FakeCloud::reset`]).
//! - **Volumes and snapshots**: EBS state machines on the same clock (`creating` →
//!   `available`, `attaching` → `attached`, `detaching` → detached; snapshots `pending` →
//!   `completed`). A volume attached to an instance that terminates is detached.
//! - **Key pairs**, the **image catalog** (six public images per region, ids the same on
//!   every run), **own images** (registered from a snapshot or a manifest, or made from
//!   an instance, shared through launch permissions; see `images`), **tags** on
//!   instances, own images, key pairs, security groups, addresses, volumes and
//!   snapshots, and account attributes.
//! - **Security groups** of the default VPC with their ingress rules, and **Elastic IP
//!   addresses**, associated with running instances (see `security_groups` and
//!   `addresses` for what they model).
//!
//! - **The Compute API** (with the `openstack` feature): `FakeCloud` is also an
//!   `openstack::ComputeController` over the same state: a server is an instance, named
//!   by a UUID every instance gets at launch (see `compute` for the status table and
//!   what differs from Nova).
//!
//! Lookups by id cost O(1) and a project's Describe costs O(that project's instances),
//! whatever else the store holds. Each instance keeps what Describe last showed of it,
//! with its XML (about 4 KB, twice if DescribeInstancesV6 is used too): an instance that
//! has not changed since is copied, not rendered again.
//!
//! # Limitations
//!
//! - Only the default VPC exists.
//! - Private addresses come from a `/20` per zone and are not reused: past 4091
//!   launches in one zone of one project they repeat.

pub mod keys;

mod addresses;
#[cfg(feature = "openstack")]
mod compute;
#[cfg(feature = "openstack")]
mod compute_catalog;
mod filters;
#[cfg(feature = "openstack")]
pub mod identity;
mod ids;
mod images;
mod instances;
mod key_pairs;
#[cfg(feature = "metadata")]
mod metadata;
mod paging;
pub mod regions;
mod security_groups;
mod snapshots;
mod state;
mod tags;
mod volumes;

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, RwLock, RwLockReadGuard, RwLockWriteGuard};

use async_trait::async_trait;
use time::Duration;

use crate::core::{SharedClock, SystemClock};
use crate::ec2::controller::{CloudController, Ec2Call};
use crate::ec2::error::{Ec2Error, ErrorCode};
use crate::ec2::model::*;

#[cfg(feature = "openstack")]
pub use identity::{Catalog, Identity, IdentityBuilder, IdentityUser, Password};
#[cfg(feature = "metadata")]
pub use metadata::LoopbackAsNewest;
use state::{RegionState, State};

/// The project whose account id is the builder's default account id.
pub const DEFAULT_PROJECT: &str = "default";

/// The default account id, as moto and the AWS documentation use it.
pub const DEFAULT_ACCOUNT_ID: &str = "123456789012";

/// An in-memory EC2 cloud. Cheap to clone: clones share one state.
#[derive(Clone)]
pub struct FakeCloud {
    inner: Arc<Inner>,
}

struct Inner {
    state: RwLock<State>,
    config: Config,
}

/// What the builder fixed.
#[derive(Clone, Debug)]
struct Config {
    clock: SharedClock,
    regions: Vec<String>,
    // What DescribeRegions answers, built once: the regions never change.
    region_infos: Vec<Shared<RegionInfo>>,
    default_region: String,
    default_account_id: String,
    accounts: HashMap<String, String>,
    allow_unknown_images: bool,
    transition_delay: Duration,
    quotas: Quotas,
}

/// How many resources of each kind one project may hold in one region; going past one
/// answers the error code EC2 uses for it. The defaults are AWS's default quotas where
/// AWS has a count, and generous where it counts something else (volume storage).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Quotas {
    /// Pending and running instances (`InstanceLimitExceeded`; default 20, what
    /// DescribeAccountAttributes reports as `max-instances`).
    pub instances: usize,
    /// Security groups per VPC (`SecurityGroupLimitExceeded`; default 2,500).
    pub security_groups: usize,
    /// Ingress rules per security group (`RulesPerSecurityGroupLimitExceeded`; default 60).
    pub rules_per_group: usize,
    /// Elastic IP addresses (`AddressLimitExceeded`; default 5).
    pub addresses: usize,
    /// Key pairs (`ResourceLimitExceeded`; default 5,000).
    pub key_pairs: usize,
    /// Volumes (`VolumeLimitExceeded`; default 5,000).
    pub volumes: usize,
    /// Snapshots (`SnapshotLimitExceeded`; default 100,000).
    pub snapshots: usize,
}

impl Default for Quotas {
    fn default() -> Self {
        Quotas {
            instances: regions::DEFAULT_INSTANCE_LIMIT,
            security_groups: 2_500,
            rules_per_group: 60,
            addresses: 5,
            key_pairs: 5_000,
            volumes: 5_000,
            snapshots: 100_000,
        }
    }
}

impl fmt::Debug for FakeCloud {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FakeCloud")
            .field("regions", &self.inner.config.regions.len())
            .field("instances", &self.instance_count())
            .finish_non_exhaustive()
    }
}

impl Default for FakeCloud {
    fn default() -> Self {
        FakeCloud::new()
    }
}

/// Builds a [`FakeCloud`].
#[derive(Debug)]
pub struct FakeCloudBuilder {
    config: Config,
}

impl FakeCloudBuilder {
    /// The clock the state machines read (default: the system clock).
    pub fn clock(mut self, clock: SharedClock) -> Self {
        self.config.clock = clock;
        self
    }

    /// The regions served (default: [`regions::DEFAULT_REGIONS`]).
    pub fn regions<I, S>(mut self, regions: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.config.regions = regions.into_iter().map(Into::into).collect();
        self
    }

    /// The region of calls whose context names none (default: us-east-1, or the first
    /// region served when that is not one).
    pub fn default_region(mut self, region: impl Into<String>) -> Self {
        self.config.default_region = region.into();
        self
    }

    /// The account id of project [`DEFAULT_PROJECT`] (default: 123456789012).
    pub fn default_account_id(mut self, account_id: impl Into<String>) -> Self {
        self.config.default_account_id = account_id.into();
        self
    }

    /// The account id of `project`, instead of the one derived from its name.
    pub fn account_id(mut self, project: impl Into<String>, account_id: impl Into<String>) -> Self {
        self.config
            .accounts
            .insert(project.into(), account_id.into());
        self
    }

    /// Whether RunInstances accepts any well-formed `ami-` id, as moto does (default:
    /// false, only catalog and own images).
    pub fn allow_unknown_images(mut self, allow: bool) -> Self {
        self.config.allow_unknown_images = allow;
        self
    }

    /// How long `pending`, `stopping` and `shutting-down` last (default: zero, so any
    /// later read shows the settled state).
    pub fn transition_delay(mut self, delay: Duration) -> Self {
        self.config.transition_delay = delay;
        self
    }

    /// How many pending or running instances a project may have in a region (default:
    /// 20, what DescribeAccountAttributes reports as `max-instances`); the same as
    /// setting [`Quotas::instances`].
    pub fn instance_limit(mut self, limit: usize) -> Self {
        self.config.quotas.instances = limit;
        self
    }

    /// Every per-project quota at once (default: [`Quotas::default`]).
    pub fn quotas(mut self, quotas: Quotas) -> Self {
        self.config.quotas = quotas;
        self
    }

    /// The cloud.
    pub fn build(self) -> FakeCloud {
        let mut config = self.config;
        if config.regions.is_empty() {
            config.regions = regions::DEFAULT_REGIONS
                .iter()
                .map(|r| r.to_string())
                .collect();
        }
        if !config.regions.contains(&config.default_region) {
            config.default_region = config.regions[0].clone();
        }
        config.region_infos = regions::region_infos(&config.regions);
        let state = initial_state(&config.regions);
        FakeCloud {
            inner: Arc::new(Inner {
                state: RwLock::new(state),
                config,
            }),
        }
    }
}

fn initial_state(regions: &[String]) -> State {
    let mut state = State::default();
    for region in regions {
        state.regions.insert(
            region.clone(),
            RegionState {
                images: images::catalog(region),
                ..RegionState::default()
            },
        );
    }
    state
}

/// Who a call acts for and where: the resolved region, project and account.
#[derive(Clone, Debug)]
pub(crate) struct Scope {
    pub(crate) region: String,
    pub(crate) project: String,
    pub(crate) account: String,
}

impl Scope {
    pub(crate) fn network(&self) -> regions::DefaultNetwork {
        regions::DefaultNetwork::of(&self.account, &self.region)
    }
}

/// A saved copy of a fake cloud's whole state, serializable with serde.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct FakeState(State);

impl FakeCloud {
    /// A cloud with the default configuration.
    pub fn new() -> FakeCloud {
        FakeCloud::builder().build()
    }

    /// A builder with the default configuration.
    pub fn builder() -> FakeCloudBuilder {
        FakeCloudBuilder {
            config: Config {
                clock: Arc::new(SystemClock),
                regions: Vec::new(),
                region_infos: Vec::new(),
                default_region: "us-east-1".into(),
                default_account_id: DEFAULT_ACCOUNT_ID.into(),
                accounts: HashMap::new(),
                allow_unknown_images: false,
                transition_delay: Duration::ZERO,
                quotas: Quotas::default(),
            },
        }
    }

    /// The account id of `project`: the configured one, the default account id for
    /// [`DEFAULT_PROJECT`], else twelve digits derived from the name (the first eight
    /// bytes of SHA-256 of `cumulo-account:{project}` as a big-endian number, modulo
    /// 10¹², with leading zeros), the same on every run.
    pub fn account_id_of(&self, project: &str) -> String {
        let config = &self.inner.config;
        match config.accounts.get(project) {
            Some(account) => account.clone(),
            None if project == DEFAULT_PROJECT => config.default_account_id.clone(),
            None => ids::derived_account_id(project),
        }
    }

    /// The regions served.
    pub fn regions(&self) -> &[String] {
        &self.inner.config.regions
    }

    /// How many instances the cloud holds, in every region and project, terminated ones
    /// included.
    pub fn instance_count(&self) -> usize {
        self.read()
            .regions
            .values()
            .map(|region| region.instances.len())
            .sum()
    }

    /// Adds `count` running `t2.micro` instances of the region's first catalog image to
    /// `project` in `region`, quickly and without the instance limit, for benchmarks.
    /// Returns their ids in launch order.
    ///
    /// # Panics
    ///
    /// If `region` is not served.
    pub fn seed_instances(&self, project: &str, region: &str, count: usize) -> Vec<String> {
        let scope = Scope {
            region: region.into(),
            project: project.into(),
            account: self.account_id_of(project),
        };
        assert!(
            self.inner.config.regions.iter().any(|r| r == region),
            "region {region} is not served"
        );
        instances::seed(self, &scope, count)
    }

    /// A copy of the whole state.
    pub fn save(&self) -> FakeState {
        FakeState(self.read().clone())
    }

    /// Replaces the whole state with a saved one.
    pub fn restore(&self, saved: FakeState) {
        let mut state = saved.0;
        instances::index_servers(&mut state);
        *self.write() = state;
    }

    /// Forgets every instance, key pair, own image, security group, address, volume,
    /// snapshot and tag.
    pub fn reset(&self) {
        *self.write() = initial_state(&self.inner.config.regions);
    }

    pub(crate) fn config_clock_now(&self) -> time::OffsetDateTime {
        self.inner.config.clock.now()
    }

    pub(crate) fn transition_delay(&self) -> Duration {
        self.inner.config.transition_delay
    }

    pub(crate) fn allows_unknown_images(&self) -> bool {
        self.inner.config.allow_unknown_images
    }

    pub(crate) fn instance_limit(&self) -> usize {
        self.inner.config.quotas.instances
    }

    /// The per-project quotas.
    pub(crate) fn quotas(&self) -> &Quotas {
        &self.inner.config.quotas
    }

    pub(crate) fn read(&self) -> RwLockReadGuard<'_, State> {
        self.inner
            .state
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub(crate) fn write(&self) -> RwLockWriteGuard<'_, State> {
        self.inner
            .state
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The region, project and account of a call. A region the cloud does not serve is
    /// `InvalidParameterValue` (the authentication layer normally refuses it first).
    pub(crate) fn scope<I>(&self, call: &Ec2Call<I>) -> Result<Scope, Ec2Error> {
        let config = &self.inner.config;
        let region = match call.region() {
            "" => config.default_region.clone(),
            region => region.to_owned(),
        };
        if !config.regions.contains(&region) {
            return Err(Ec2Error::new(
                ErrorCode::InvalidParameterValue,
                format!("The region '{region}' is not served by this cloud."),
            ));
        }
        Ok(Scope {
            account: self.account_id_of(call.project_id()),
            project: call.project_id().to_owned(),
            region,
        })
    }
}

#[async_trait]
impl CloudController for FakeCloud {
    async fn run_instances(
        &self,
        call: Ec2Call<RunInstancesInput>,
    ) -> Result<RunInstancesOutput, Ec2Error> {
        let scope = self.scope(&call)?;
        let output = instances::run(self, &scope, &call.input)?;
        let launched = output.reservation.instances.iter();
        let launched = launched.map(|i| i.instance_id.as_ref());
        volumes::add_root_volumes(self, &scope, launched, &call.input);
        Ok(output)
    }

    async fn describe_instances(
        &self,
        call: Ec2Call<DescribeInstancesInput>,
    ) -> Result<DescribeInstancesOutput, Ec2Error> {
        let scope = self.scope(&call)?;
        instances::describe(self, &scope, &call.input, false)
    }

    async fn describe_instances_v6(
        &self,
        call: Ec2Call<DescribeInstancesV6Input>,
    ) -> Result<DescribeInstancesV6Output, Ec2Error> {
        let scope = self.scope(&call)?;
        instances::describe(self, &scope, &call.input, true)
    }

    async fn start_instances(
        &self,
        call: Ec2Call<StartInstancesInput>,
    ) -> Result<StartInstancesOutput, Ec2Error> {
        let scope = self.scope(&call)?;
        let instances = instances::change(
            self,
            &scope,
            &call.input.instance_ids,
            instances::Change::Start,
        )?;
        Ok(StartInstancesOutput { instances })
    }

    async fn stop_instances(
        &self,
        call: Ec2Call<StopInstancesInput>,
    ) -> Result<StopInstancesOutput, Ec2Error> {
        let scope = self.scope(&call)?;
        let instances = instances::change(
            self,
            &scope,
            &call.input.instance_ids,
            instances::Change::Stop,
        )?;
        Ok(StopInstancesOutput { instances })
    }

    async fn terminate_instances(
        &self,
        call: Ec2Call<TerminateInstancesInput>,
    ) -> Result<TerminateInstancesOutput, Ec2Error> {
        let scope = self.scope(&call)?;
        let instances = instances::change(
            self,
            &scope,
            &call.input.instance_ids,
            instances::Change::Terminate,
        )?;
        Ok(TerminateInstancesOutput { instances })
    }

    async fn reboot_instances(
        &self,
        call: Ec2Call<RebootInstancesInput>,
    ) -> Result<RebootInstancesOutput, Ec2Error> {
        let scope = self.scope(&call)?;
        instances::change(
            self,
            &scope,
            &call.input.instance_ids,
            instances::Change::Reboot,
        )?;
        Ok(Return(true))
    }

    async fn get_console_output(
        &self,
        call: Ec2Call<GetConsoleOutputInput>,
    ) -> Result<GetConsoleOutputOutput, Ec2Error> {
        let scope = self.scope(&call)?;
        instances::console_output(self, &scope, &call.input)
    }

    async fn describe_instance_attribute(
        &self,
        call: Ec2Call<DescribeInstanceAttributeInput>,
    ) -> Result<DescribeInstanceAttributeOutput, Ec2Error> {
        let scope = self.scope(&call)?;
        instances::describe_attribute(self, &scope, &call.input)
    }

    async fn modify_instance_attribute(
        &self,
        call: Ec2Call<ModifyInstanceAttributeInput>,
    ) -> Result<ModifyInstanceAttributeOutput, Ec2Error> {
        let scope = self.scope(&call)?;
        instances::modify_attribute(self, &scope, &call.input)?;
        Ok(Return(true))
    }

    async fn describe_instance_status(
        &self,
        call: Ec2Call<DescribeInstanceStatusInput>,
    ) -> Result<DescribeInstanceStatusOutput, Ec2Error> {
        let scope = self.scope(&call)?;
        instances::describe_status(self, &scope, &call.input)
    }

    async fn create_key_pair(
        &self,
        call: Ec2Call<CreateKeyPairInput>,
    ) -> Result<CreateKeyPairOutput, Ec2Error> {
        let scope = self.scope(&call)?;
        key_pairs::create(self, &scope, &call.input)
    }

    async fn import_key_pair(
        &self,
        call: Ec2Call<ImportKeyPairInput>,
    ) -> Result<ImportKeyPairOutput, Ec2Error> {
        let scope = self.scope(&call)?;
        key_pairs::import(self, &scope, &call.input)
    }

    async fn delete_key_pair(
        &self,
        call: Ec2Call<DeleteKeyPairInput>,
    ) -> Result<DeleteKeyPairOutput, Ec2Error> {
        let scope = self.scope(&call)?;
        Ok(key_pairs::delete(self, &scope, &call.input))
    }

    async fn describe_key_pairs(
        &self,
        call: Ec2Call<DescribeKeyPairsInput>,
    ) -> Result<DescribeKeyPairsOutput, Ec2Error> {
        let scope = self.scope(&call)?;
        key_pairs::describe(self, &scope, &call.input)
    }

    async fn describe_images(
        &self,
        call: Ec2Call<DescribeImagesInput>,
    ) -> Result<DescribeImagesOutput, Ec2Error> {
        let scope = self.scope(&call)?;
        let state = self.read();
        let region = &state.regions[&scope.region];
        images::describe_images(&region.images, &scope.account, &call.input)
    }

    async fn register_image(
        &self,
        call: Ec2Call<RegisterImageInput>,
    ) -> Result<RegisterImageOutput, Ec2Error> {
        let scope = self.scope(&call)?;
        images::register(self, &scope, &call.input)
    }

    async fn create_image(
        &self,
        call: Ec2Call<CreateImageInput>,
    ) -> Result<CreateImageOutput, Ec2Error> {
        let scope = self.scope(&call)?;
        images::create(self, &scope, &call.input, images::ImageNaming::Ec2)
    }

    async fn deregister_image(
        &self,
        call: Ec2Call<DeregisterImageInput>,
    ) -> Result<DeregisterImageOutput, Ec2Error> {
        let scope = self.scope(&call)?;
        images::deregister(self, &scope, &call.input)?;
        Ok(Return(true))
    }

    async fn update_image(
        &self,
        call: Ec2Call<UpdateImageInput>,
    ) -> Result<UpdateImageOutput, Ec2Error> {
        let scope = self.scope(&call)?;
        images::update(self, &scope, &call.input)?;
        Ok(Return(true))
    }

    async fn describe_image_attribute(
        &self,
        call: Ec2Call<DescribeImageAttributeInput>,
    ) -> Result<DescribeImageAttributeOutput, Ec2Error> {
        let scope = self.scope(&call)?;
        images::describe_attribute(self, &scope, &call.input)
    }

    async fn modify_image_attribute(
        &self,
        call: Ec2Call<ModifyImageAttributeInput>,
    ) -> Result<ModifyImageAttributeOutput, Ec2Error> {
        let scope = self.scope(&call)?;
        images::modify_attribute(self, &scope, &call.input)?;
        Ok(Return(true))
    }

    async fn describe_regions(
        &self,
        call: Ec2Call<DescribeRegionsInput>,
    ) -> Result<DescribeRegionsOutput, Ec2Error> {
        self.scope(&call)?;
        regions::describe_regions(&self.inner.config.region_infos, &call.input)
    }

    async fn describe_availability_zones(
        &self,
        call: Ec2Call<DescribeAvailabilityZonesInput>,
    ) -> Result<DescribeAvailabilityZonesOutput, Ec2Error> {
        let scope = self.scope(&call)?;
        regions::describe_availability_zones(&scope.region, &call.input)
    }

    async fn describe_account_attributes(
        &self,
        call: Ec2Call<DescribeAccountAttributesInput>,
    ) -> Result<DescribeAccountAttributesOutput, Ec2Error> {
        let scope = self.scope(&call)?;
        regions::describe_account_attributes(&scope.network(), self.instance_limit(), &call.input)
    }

    async fn create_security_group(
        &self,
        call: Ec2Call<CreateSecurityGroupInput>,
    ) -> Result<CreateSecurityGroupOutput, Ec2Error> {
        let scope = self.scope(&call)?;
        security_groups::create(self, &scope, &call.input)
    }

    async fn delete_security_group(
        &self,
        call: Ec2Call<DeleteSecurityGroupInput>,
    ) -> Result<DeleteSecurityGroupOutput, Ec2Error> {
        let scope = self.scope(&call)?;
        security_groups::delete(self, &scope, &call.input)
    }

    async fn describe_security_groups(
        &self,
        call: Ec2Call<DescribeSecurityGroupsInput>,
    ) -> Result<DescribeSecurityGroupsOutput, Ec2Error> {
        let scope = self.scope(&call)?;
        security_groups::describe(self, &scope, &call.input)
    }

    async fn authorize_security_group_ingress(
        &self,
        call: Ec2Call<AuthorizeSecurityGroupIngressInput>,
    ) -> Result<AuthorizeSecurityGroupIngressOutput, Ec2Error> {
        let scope = self.scope(&call)?;
        security_groups::authorize_ingress(self, &scope, &call.input)?;
        Ok(Return(true))
    }

    async fn revoke_security_group_ingress(
        &self,
        call: Ec2Call<RevokeSecurityGroupIngressInput>,
    ) -> Result<RevokeSecurityGroupIngressOutput, Ec2Error> {
        let scope = self.scope(&call)?;
        security_groups::revoke_ingress(self, &scope, &call.input)
    }

    async fn allocate_address(
        &self,
        call: Ec2Call<AllocateAddressInput>,
    ) -> Result<AllocateAddressOutput, Ec2Error> {
        let scope = self.scope(&call)?;
        addresses::allocate(self, &scope, &call.input)
    }

    async fn associate_address(
        &self,
        call: Ec2Call<AssociateAddressInput>,
    ) -> Result<AssociateAddressOutput, Ec2Error> {
        let scope = self.scope(&call)?;
        addresses::associate(self, &scope, &call.input)
    }

    async fn disassociate_address(
        &self,
        call: Ec2Call<DisassociateAddressInput>,
    ) -> Result<DisassociateAddressOutput, Ec2Error> {
        let scope = self.scope(&call)?;
        addresses::disassociate(self, &scope, &call.input)?;
        Ok(Return(true))
    }

    async fn release_address(
        &self,
        call: Ec2Call<ReleaseAddressInput>,
    ) -> Result<ReleaseAddressOutput, Ec2Error> {
        let scope = self.scope(&call)?;
        addresses::release(self, &scope, &call.input)?;
        Ok(Return(true))
    }

    async fn describe_addresses(
        &self,
        call: Ec2Call<DescribeAddressesInput>,
    ) -> Result<DescribeAddressesOutput, Ec2Error> {
        let scope = self.scope(&call)?;
        addresses::describe(self, &scope, &call.input)
    }

    async fn create_tags(
        &self,
        call: Ec2Call<CreateTagsInput>,
    ) -> Result<CreateTagsOutput, Ec2Error> {
        let scope = self.scope(&call)?;
        tags::create(self, &scope, &call.input)?;
        Ok(Return(true))
    }

    async fn delete_tags(
        &self,
        call: Ec2Call<DeleteTagsInput>,
    ) -> Result<DeleteTagsOutput, Ec2Error> {
        let scope = self.scope(&call)?;
        tags::delete(self, &scope, &call.input)?;
        Ok(Return(true))
    }

    async fn describe_tags(
        &self,
        call: Ec2Call<DescribeTagsInput>,
    ) -> Result<DescribeTagsOutput, Ec2Error> {
        let scope = self.scope(&call)?;
        tags::describe(self, &scope, &call.input)
    }

    async fn create_volume(
        &self,
        call: Ec2Call<CreateVolumeInput>,
    ) -> Result<CreateVolumeOutput, Ec2Error> {
        let scope = self.scope(&call)?;
        volumes::create(self, &scope, &call.input)
    }

    async fn delete_volume(
        &self,
        call: Ec2Call<DeleteVolumeInput>,
    ) -> Result<DeleteVolumeOutput, Ec2Error> {
        let scope = self.scope(&call)?;
        volumes::delete(self, &scope, &call.input)?;
        Ok(Return(true))
    }

    async fn describe_volumes(
        &self,
        call: Ec2Call<DescribeVolumesInput>,
    ) -> Result<DescribeVolumesOutput, Ec2Error> {
        let scope = self.scope(&call)?;
        volumes::describe(self, &scope, &call.input)
    }

    async fn attach_volume(
        &self,
        call: Ec2Call<AttachVolumeInput>,
    ) -> Result<AttachVolumeOutput, Ec2Error> {
        let scope = self.scope(&call)?;
        volumes::attach(self, &scope, &call.input)
    }

    async fn detach_volume(
        &self,
        call: Ec2Call<DetachVolumeInput>,
    ) -> Result<DetachVolumeOutput, Ec2Error> {
        let scope = self.scope(&call)?;
        volumes::detach(self, &scope, &call.input)
    }

    async fn create_snapshot(
        &self,
        call: Ec2Call<CreateSnapshotInput>,
    ) -> Result<CreateSnapshotOutput, Ec2Error> {
        let scope = self.scope(&call)?;
        snapshots::create(self, &scope, &call.input)
    }

    async fn delete_snapshot(
        &self,
        call: Ec2Call<DeleteSnapshotInput>,
    ) -> Result<DeleteSnapshotOutput, Ec2Error> {
        let scope = self.scope(&call)?;
        snapshots::delete(self, &scope, &call.input)?;
        Ok(Return(true))
    }

    async fn describe_snapshots(
        &self,
        call: Ec2Call<DescribeSnapshotsInput>,
    ) -> Result<DescribeSnapshotsOutput, Ec2Error> {
        let scope = self.scope(&call)?;
        snapshots::describe(self, &scope, &call.input)
    }
}

#[cfg(test)]
mod test_support;
#[cfg(test)]
mod tests;
#[cfg(all(test, feature = "openstack"))]
mod tests_compute;
#[cfg(test)]
mod tests_edges;
#[cfg(test)]
mod tests_groups;
#[cfg(test)]
mod tests_images;
#[cfg(test)]
mod tests_volumes;
