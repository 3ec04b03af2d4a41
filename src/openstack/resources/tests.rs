//! The resources' behaviour, stated as exact documents per microversion and endpoint.

mod actions;
mod catalog;
mod keypairs;
mod legacy;
mod limits;
mod servers;
