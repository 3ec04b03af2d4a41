//! The Amazon EC2 Query API: the middleware chain, the typed actions and the
//! [`CloudController`](controller::CloudController) trait a backend implements.

pub mod args;
pub mod controller;
pub mod error;
pub mod model;
pub mod xml;

pub use args::{Args, Filter};
pub use controller::{Action, CloudController, Ec2Call};
pub use error::{Ec2Error, ErrorCode};
