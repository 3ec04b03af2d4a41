//! The standard EC2 chain, assembled in Nova's order.
//!
//! ```text
//! FaultWrapper → RequestLogging → [Debug] → Lockout → Ec2Auth → LockoutRelease
//!              → Requestify → Validator → Authorizer → Executor → CloudController
//! (or NoAuth in place of Lockout, Ec2Auth and LockoutRelease)
//! ```

use std::sync::Arc;

use super::auth::{CredentialStore, Ec2Auth, NoAuth};
use super::authorizer::{Authorizer, Policy, RolePolicy};
use super::controller::CloudController;
use super::executor::Executor;
use super::fault::FaultWrapper;
use super::lockout::{InMemoryLockoutStore, Lockout, LockoutPolicy, LockoutRelease, LockoutStore};
use super::logging::RequestLogging;
use super::requestify::Requestify;
use super::validator::Validator;
use crate::core::{Application, Debug, Pipeline, SharedClock, SystemClock};

/// How the chain authenticates callers.
#[derive(Clone)]
pub enum Authentication {
    /// Verify AWS signatures against a credential store.
    Signature(Arc<dyn CredentialStore>),
    /// Trust the access key as `user:project` ([`NoAuth`]); for local fakes only.
    None,
}

impl std::fmt::Debug for Authentication {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Authentication::Signature(_) => f.write_str("Signature"),
            Authentication::None => f.write_str("None"),
        }
    }
}

/// Builds the standard EC2 chain over a controller.
///
/// ```
/// use std::sync::Arc;
/// use cumulo::ec2::{CloudController, Ec2Api};
/// use cumulo::ec2::auth::{Credential, StaticCredentials};
///
/// struct MyCloud;
/// impl CloudController for MyCloud {}
///
/// let credentials = StaticCredentials::new()
///     .with(Credential::new("AKIDEXAMPLE", "secret", "alice", "project-1"));
/// let app = Ec2Api::builder(Arc::new(MyCloud))
///     .signature(Arc::new(credentials))
///     .regions(["us-east-1", "eu-west-1"])
///     .build();
/// # let _ = app;
/// ```
pub struct Ec2ApiBuilder {
    controller: Arc<dyn CloudController>,
    authentication: Authentication,
    clock: SharedClock,
    regions: Vec<String>,
    max_skew: time::Duration,
    policy: Arc<dyn Policy>,
    lockout: Option<(Arc<dyn LockoutStore>, LockoutPolicy)>,
    debug: bool,
}

impl std::fmt::Debug for Ec2ApiBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ec2ApiBuilder")
            .field("authentication", &self.authentication)
            .field("regions", &self.regions)
            .field("max_skew", &self.max_skew)
            .field("lockout", &self.lockout.as_ref().map(|(_, policy)| policy))
            .field("debug", &self.debug)
            .finish_non_exhaustive()
    }
}

/// Entry point of the EC2 chain builder.
#[derive(Debug)]
pub struct Ec2Api;

impl Ec2Api {
    /// A builder for the chain over `controller`: signature authentication against an
    /// empty credential store, region `us-east-1`, Nova's policy, in-process lockout.
    pub fn builder(controller: Arc<dyn CloudController>) -> Ec2ApiBuilder {
        Ec2ApiBuilder {
            controller,
            authentication: Authentication::Signature(Arc::new(
                super::auth::StaticCredentials::new(),
            )),
            clock: Arc::new(SystemClock),
            regions: vec!["us-east-1".to_owned()],
            max_skew: time::Duration::minutes(15),
            policy: Arc::new(RolePolicy::nova()),
            lockout: Some((
                Arc::new(InMemoryLockoutStore::default()),
                LockoutPolicy::default(),
            )),
            debug: false,
        }
    }
}

impl Ec2ApiBuilder {
    /// Verify signatures against `credentials`.
    pub fn signature(mut self, credentials: Arc<dyn CredentialStore>) -> Self {
        self.authentication = Authentication::Signature(credentials);
        self
    }

    /// Choose how callers are authenticated.
    pub fn authentication(mut self, authentication: Authentication) -> Self {
        self.authentication = authentication;
        self
    }

    /// The regions served; the first is the default for requests that name none.
    pub fn regions<R: Into<String>>(mut self, regions: impl IntoIterator<Item = R>) -> Self {
        let regions: Vec<String> = regions.into_iter().map(Into::into).collect();
        if !regions.is_empty() {
            self.regions = regions;
        }
        self
    }

    /// The clock signatures and lockout read.
    pub fn clock(mut self, clock: SharedClock) -> Self {
        self.clock = clock;
        self
    }

    /// The allowed clock skew of signed requests (default 15 minutes).
    pub fn max_skew(mut self, max_skew: time::Duration) -> Self {
        self.max_skew = max_skew;
        self
    }

    /// The policy the Authorizer enforces (default [`RolePolicy::nova`]).
    pub fn policy(mut self, policy: Arc<dyn Policy>) -> Self {
        self.policy = policy;
        self
    }

    /// The lockout store and policy (default: in-process, 5 failures in 15 minutes lock
    /// a key for 15 minutes).
    pub fn lockout(mut self, store: Arc<dyn LockoutStore>, policy: LockoutPolicy) -> Self {
        self.lockout = Some((store, policy));
        self
    }

    /// Turns lockout off.
    pub fn without_lockout(mut self) -> Self {
        self.lockout = None;
        self
    }

    /// Adds the [`struct@Debug`] middleware, which logs redacted requests and responses.
    pub fn debug(mut self, debug: bool) -> Self {
        self.debug = debug;
        self
    }

    /// Assembles the chain.
    pub fn build(self) -> Arc<dyn Application> {
        let mut pipeline = Pipeline::new()
            .with(FaultWrapper::new())
            .with(RequestLogging::new());
        if self.debug {
            pipeline = pipeline.with(Debug::new());
        }
        pipeline = match self.authentication {
            Authentication::Signature(credentials) => {
                let lockout = self.lockout.is_some();
                if let Some((store, policy)) = self.lockout {
                    pipeline = pipeline.with(Lockout::new(store, self.clock.clone(), policy));
                }
                pipeline = pipeline.with(
                    Ec2Auth::new(credentials, self.clock.clone(), self.regions.clone())
                        .max_skew(self.max_skew),
                );
                // Past authentication the request holds no lockout slot, so slow actions
                // never make other requests of the same key wait.
                if lockout {
                    pipeline = pipeline.with(LockoutRelease);
                }
                pipeline
            }
            Authentication::None => pipeline.with(NoAuth::new(self.regions[0].clone())),
        };
        pipeline
            .with(Requestify::new())
            .with(Validator::new())
            .with(Authorizer::new(self.policy))
            .app(Executor::new(self.controller))
    }
}
