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

/// Declares input and output types that carry no fields yet.
macro_rules! placeholder_shapes {
    ($($input:ident, $output:ident;)*) => {$(
        #[doc = concat!("Input of `", stringify!($input), "` (no fields read yet).")]
        #[derive(Clone, Debug, Default, PartialEq)]
        pub struct $input {}

        impl $crate::ec2::model::FromArgs for $input {
            fn from_args(_args: &$crate::ec2::args::Args) -> Result<Self, $crate::ec2::error::Ec2Error> {
                Ok($input {})
            }
        }

        #[doc = concat!("Output of `", stringify!($output), "` (no fields yet).")]
        #[derive(Clone, Debug, Default, PartialEq)]
        pub struct $output {}

        impl $crate::ec2::xml::ToXml for $output {
            fn write_xml(&self, _writer: &mut $crate::ec2::xml::XmlWriter) {}
        }
    )*};
}
pub(crate) use placeholder_shapes;
