//! The Compute API's resources: for each, its routes, its handlers (reading the
//! request, calling the [`ComputeController`]) and its views (the JSON of each
//! microversion, and the XML of `/v1.0` and `/v1.1`).
//!
//! The JSON views follow Nova's `doc/api_samples` at each microversion up to
//! [`ApiVersion::MAX`]; `/v2` and `/v1.1` answer the 2.1 shapes, as Nova's v2 code
//! served both. `/v1.0` has its own views (flat `addresses`, `imageId`/`flavorId`, no
//! links), and the XML of `/v1.0` and `/v1.1` follows Nova's Diablo serializers and
//! the API specification's samples.
//!
//! Input is validated the way Nova's JSON schemas do, with messages in their style
//! (`Invalid input for field/attribute name. Value: . '' is too short`); on `/v2.1`
//! an unknown field is refused, on `/v2` and the legacy endpoints it is ignored, as
//! Nova's v2.0-compatible mode ignores it.

use std::future::Future;
use std::sync::Arc;

use async_trait::async_trait;
use http::Method;

use super::controller::{ComputeCall, ComputeController};
use super::fault::Fault;
use super::request::{ApiRequest, ApiResponse, Availability, Handler, Route, ServerAction};
use super::version::{ApiVersion, Endpoint};
use crate::core::Context;

mod backup_schedule;
mod flavors;
mod images;
mod input;
mod ips;
mod keypairs;
mod limits;
mod metadata;
mod server_actions;
mod server_views;
mod servers;
mod shared_ip_groups;
mod views;

#[cfg(test)]
pub(super) mod testing;

#[cfg(test)]
mod tests;

/// The controller every handler calls.
type Controller = Arc<dyn ComputeController>;

/// Every route of the built-in resources.
pub(crate) fn routes(controller: &Arc<dyn ComputeController>) -> Vec<Route> {
    let mut routes = Vec::new();
    routes.extend(servers::routes(controller));
    routes.extend(ips::routes(controller));
    routes.extend(metadata::routes(controller));
    routes.extend(backup_schedule::routes(controller));
    routes.extend(flavors::routes(controller));
    routes.extend(images::routes(controller));
    routes.extend(keypairs::routes(controller));
    routes.extend(limits::routes(controller));
    routes.extend(shared_ip_groups::routes(controller));
    routes
}

/// Every built-in server action.
pub(crate) fn server_actions(controller: &Arc<dyn ComputeController>) -> Vec<ServerAction> {
    server_actions::actions(controller)
}

/// A handler made of an async function of the controller and the request.
struct Operation<F> {
    controller: Controller,
    run: F,
}

#[async_trait]
impl<F, Fut> Handler for Operation<F>
where
    F: Fn(Controller, ApiRequest) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<ApiResponse, Fault>> + Send + 'static,
{
    async fn handle(&self, request: ApiRequest) -> Result<ApiResponse, Fault> {
        (self.run)(Arc::clone(&self.controller), request).await
    }
}

/// A route answered by `run`.
fn route<F, Fut>(
    controller: &Controller,
    method: Method,
    template: &'static str,
    availability: Availability,
    run: F,
) -> Route
where
    F: Fn(Controller, ApiRequest) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<ApiResponse, Fault>> + Send + 'static,
{
    Route {
        method,
        template,
        availability,
        handler: Arc::new(Operation {
            controller: Arc::clone(controller),
            run,
        }),
    }
}

/// A server action answered by `run`.
fn action<F, Fut>(
    controller: &Controller,
    name: &'static str,
    availability: Availability,
    run: F,
) -> ServerAction
where
    F: Fn(Controller, ApiRequest) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<ApiResponse, Fault>> + Send + 'static,
{
    ServerAction {
        name,
        availability,
        handler: Arc::new(Operation {
            controller: Arc::clone(controller),
            run,
        }),
    }
}

/// The controller call for `input`, on behalf of the request's caller.
fn call<I>(request: &ApiRequest, input: I) -> ComputeCall<I> {
    ComputeCall::new(
        request.context.clone(),
        request.version,
        request.endpoint,
        input,
    )
}

/// The microversion whose shapes the request gets: its own on `/v2.1`, 2.1 on `/v2`
/// and on the legacy endpoints.
fn microversion(request: &ApiRequest) -> ApiVersion {
    if request.endpoint == Endpoint::V2_1 {
        request.version
    } else {
        ApiVersion::V2_1
    }
}

/// Whether the request's shapes are those of 2.`minor` or later.
fn since(request: &ApiRequest, minor: u16) -> bool {
    microversion(request).at_least(2, minor)
}

/// Whether the caller passes Nova's default admin-only policies.
fn is_admin(context: &Context) -> bool {
    context.is_admin || context.has_role("admin")
}
