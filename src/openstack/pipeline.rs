//! The standard Compute API chain, assembled in Nova's order.
//!
//! ```text
//! FaultWrapper → RequestLogging → [Debug] → NoAuth / TokenAuth → APIRouter → handlers
//!                                                                 → ComputeController
//! ```

use std::sync::Arc;

use async_trait::async_trait;

use super::auth::TokenValidator;
use super::controller::ComputeController;
use super::extensions::{self, Extension};
use super::fault::Fault;
use super::faultwrap::FaultWrapper;
use super::logging::RequestLogging;
use super::noauth::{Authenticate, ComputeAuth};
use super::resources;
use super::router::{ActionDispatch, ApiRouter, ProjectDirectory};
use crate::core::{Application, Context, Debug, Pipeline};

/// Entry point of the Compute API chain builder.
#[derive(Debug)]
pub struct ComputeApi;

impl ComputeApi {
    /// A builder for the chain over `controller`. Until [`ComputeApiBuilder::auth`] says
    /// otherwise, every token is refused: only version discovery answers.
    pub fn builder(controller: Arc<dyn ComputeController>) -> ComputeApiBuilder {
        ComputeApiBuilder {
            controller,
            auth: ComputeAuth::Token(Arc::new(NoTokens)),
            projects: None,
            extensions: Vec::new(),
            region: None,
            debug: false,
        }
    }
}

/// A validator that knows no token.
struct NoTokens;

#[async_trait]
impl TokenValidator for NoTokens {
    async fn validate(&self, _token: &str) -> Result<Option<Context>, Fault> {
        Ok(None)
    }
}

/// Builds the Compute API chain; see [`ComputeApi::builder`].
///
/// ```
/// use std::sync::Arc;
/// use cumulo::openstack::{ComputeApi, ComputeAuth, ComputeController};
///
/// struct MyCloud;
/// impl ComputeController for MyCloud {}
///
/// let api = ComputeApi::builder(Arc::new(MyCloud))
///     .auth(ComputeAuth::NoAuth)
///     .projects(|project: &str| project == "demo")
///     .region("RegionOne")
///     .build();
/// # let _ = api;
/// ```
pub struct ComputeApiBuilder {
    controller: Arc<dyn ComputeController>,
    auth: ComputeAuth,
    projects: Option<Arc<dyn ProjectDirectory>>,
    extensions: Vec<Extension>,
    region: Option<String>,
    debug: bool,
}

impl std::fmt::Debug for ComputeApiBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ComputeApiBuilder")
            .field("auth", &self.auth)
            .field("projects", &self.projects.is_some())
            .field("extensions", &self.extensions)
            .field("region", &self.region)
            .field("debug", &self.debug)
            .finish_non_exhaustive()
    }
}

impl ComputeApiBuilder {
    /// How callers are authenticated.
    pub fn auth(mut self, auth: ComputeAuth) -> Self {
        self.auth = auth;
        self
    }

    /// Tokens are checked by `validator`.
    pub fn tokens(self, validator: Arc<dyn TokenValidator>) -> Self {
        self.auth(ComputeAuth::Token(validator))
    }

    /// Which names may stand as a project in paths (`/v2.1/{project_id}/servers`).
    /// Without a directory, only the caller's own project does.
    pub fn projects(mut self, projects: impl ProjectDirectory) -> Self {
        self.projects = Some(Arc::new(projects));
        self
    }

    /// Adds an extension: its routes, its server actions and its entry at
    /// `/extensions`.
    pub fn extension(mut self, extension: Extension) -> Self {
        self.extensions.push(extension);
        self
    }

    /// The region contexts name (`ComputeCall::context.region`).
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = Some(region.into());
        self
    }

    /// Whether to dump requests and responses (Nova's `Debug` filter).
    pub fn debug(mut self, debug: bool) -> Self {
        self.debug = debug;
        self
    }

    /// The chain.
    ///
    /// # Panics
    ///
    /// When an extension's route template is invalid or conflicts with another route.
    pub fn build(self) -> Arc<dyn Application> {
        let mut routes = resources::routes(&self.controller);
        let mut actions = resources::server_actions(&self.controller);
        let mut descriptors = Vec::new();
        for extension in self.extensions {
            routes.extend(extension.routes);
            actions.extend(extension.actions);
            descriptors.push(extension.descriptor);
        }
        routes.push(ActionDispatch::route(actions));
        routes.extend(extensions::routes(descriptors));
        let router = ApiRouter::new(routes, self.projects);

        let mut pipeline = Pipeline::new()
            .with(FaultWrapper::new())
            .with(RequestLogging::new());
        if self.debug {
            pipeline = pipeline.with(Debug::new());
        }
        pipeline
            .with(Authenticate::new(self.auth, self.region))
            .app(router)
    }
}
