//! The OpenStack Compute API: Nova's routing (an APIRouter over a ProjectMapper), version
//! discovery and microversions, content negotiation, faults and the NoAuth handshake,
//! over a [`ComputeController`] the host implements.
//!
//! A request goes through the FaultWrapper (every error and panic becomes a fault in
//! the negotiated format, every response carries the request ids), request logging,
//! authentication (NoAuth, or tokens a validator accepts), then the
//! APIRouter: it picks the endpoint (`/v1.0`, `/v1.1`, `/v2`, `/v2.1`), the
//! microversion and the response type, strips the project from the path, parses the
//! body, and hands an [`ApiRequest`] to the resource's [`Handler`], which calls the
//! controller and answers an [`ApiResponse`] through the resource's views.

pub mod auth;
mod body;
pub mod controller;
mod discovery;
pub mod extensions;
pub mod fault;
pub mod faultwrap;
pub mod image_service;
pub mod logging;
pub mod model;
pub mod negotiate;
pub mod noauth;
mod pipeline;
pub mod request;
mod resources;
pub mod router;
pub mod version;
pub mod xml;

#[cfg(test)]
mod tests;

pub use auth::TokenValidator;
pub use controller::{ComputeCall, ComputeController};
pub use extensions::{Extension, ExtensionDescriptor};
pub use fault::{Fault, status_to_type};
pub use faultwrap::FaultWrapper;
pub use image_service::{ImageAuth, ImageService};
pub use logging::RequestLogging;
pub use noauth::{Authenticate, ComputeAuth};
pub use pipeline::{ComputeApi, ComputeApiBuilder};
pub use request::{
    ApiRequest, ApiResponse, Availability, Format, Handler, Links, MediaType, ResponseBody, Route,
    ServerAction,
};
pub use router::ProjectDirectory;
pub use version::{ApiVersion, Endpoint};
