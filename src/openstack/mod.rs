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
pub mod controller;
pub mod fault;
pub mod image_service;
pub mod model;
pub mod request;
mod resources;
pub mod version;
pub mod xml;

pub use auth::TokenValidator;
pub use controller::{ComputeCall, ComputeController};
pub use fault::{Fault, status_to_type};
pub use image_service::{ImageAuth, ImageService};
pub use request::{
    ApiRequest, ApiResponse, Availability, Format, Handler, Links, MediaType, ResponseBody, Route,
    ServerAction,
};
pub use version::{ApiVersion, Endpoint};
