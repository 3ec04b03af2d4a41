//! Typed input and output of every action: inputs read from the argument tree
//! ([`FromArgs`]), outputs written as EC2 XML ([`ToXml`](super::xml::ToXml)).
//!
//! Shapes follow the EC2 API version 2016-11-15.

mod addresses;
mod common;
mod images;
mod instances;
mod key_pairs;
mod regions;
mod security_groups;
mod snapshots;
mod tags;
mod volumes;

pub use addresses::*;
pub use common::*;
pub use images::*;
pub use instances::*;
pub use key_pairs::*;
pub use regions::*;
pub use security_groups::*;
pub use snapshots::*;
pub use tags::*;
pub use volumes::*;

use super::args::Args;
use super::error::Ec2Error;

/// An action's input, read from the request's argument tree.
pub trait FromArgs: Sized {
    /// Reads the input, or answers the EC2 error AWS gives for bad arguments
    /// (`MissingParameter`, `InvalidParameterValue`, a malformed id…).
    fn from_args(args: &Args) -> Result<Self, Ec2Error>;
}
