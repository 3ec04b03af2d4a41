//! The Amazon EC2 Query API: the middleware chain, the typed actions and the
//! [`CloudController`] trait a backend implements.
//!
//! [`Ec2Api::builder`] assembles the standard chain; each stage is also public, so a host
//! can compose its own [`Pipeline`](crate::core::Pipeline).

pub mod args;
pub mod auth;
pub mod authorizer;
pub mod controller;
pub mod error;
pub mod executor;
pub mod fault;
pub mod lockout;
pub mod logging;
pub mod model;
pub mod params;
pub mod pipeline;
pub mod requestify;
pub mod validator;
pub mod xml;

pub use args::{Args, Filter};
pub use controller::{Action, CloudController, Ec2Call};
pub use error::{Ec2Error, ErrorCode};
pub use pipeline::{Authentication, Ec2Api, Ec2ApiBuilder};
