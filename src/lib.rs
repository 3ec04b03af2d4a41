//! cumulo serves the Amazon EC2 Query API, the OpenStack Compute API and the instance
//! metadata service from a Rust server, as a chain of pluggable middlewares over
//! a compute backend the host application owns.
#![warn(missing_docs, missing_debug_implementations, unreachable_pub)]
#![forbid(unsafe_code)]

#[cfg(feature = "actix")]
pub mod actix;
pub mod core;
pub mod ec2;
#[cfg(feature = "fake")]
pub mod fake;
#[cfg(feature = "metadata")]
pub mod metadata;
#[cfg(feature = "openstack")]
pub mod openstack;
#[cfg(feature = "hyper")]
pub mod server;
#[cfg(feature = "fake")]
pub mod testing;
#[cfg(feature = "tower")]
pub mod tower;

/// The README's examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
