//! The Compute API's resources: for each, its routes, its handlers (reading the
//! request, calling the [`ComputeController`]) and its views (the JSON of each
//! microversion, and the XML of `/v1.0` and `/v1.1`).

use std::sync::Arc;

use super::controller::ComputeController;
use super::request::{Route, ServerAction};

/// Every route of the built-in resources.
#[allow(dead_code)] // Until the APIRouter is wired to the resources.
pub(crate) fn routes(controller: &Arc<dyn ComputeController>) -> Vec<Route> {
    let _ = controller;
    Vec::new()
}

/// Every built-in server action.
#[allow(dead_code)] // Until the APIRouter is wired to the resources.
pub(crate) fn server_actions(controller: &Arc<dyn ComputeController>) -> Vec<ServerAction> {
    let _ = controller;
    Vec::new()
}
