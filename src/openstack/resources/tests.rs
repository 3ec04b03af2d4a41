//! The resources' behaviour, stated as exact documents per microversion and endpoint.

mod servers;
