//! API versions: which endpoint a request addressed (`/v1.0`, `/v1.1`, `/v2`, `/v2.1`)
//! and the microversion it asked for.

use std::fmt;

/// A Compute API version, `major.minor`: a microversion on `/v2.1` (2.1 to
/// [`ApiVersion::MAX`]), 2.1 on `/v2`, 1.0 or 1.1 on the legacy endpoints.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ApiVersion {
    /// The major version.
    pub major: u16,
    /// The minor version.
    pub minor: u16,
}

impl ApiVersion {
    /// 1.0, the legacy Rackspace-derived API.
    pub const V1_0: ApiVersion = ApiVersion::new(1, 0);
    /// 1.1, the legacy API with tenants in the path.
    pub const V1_1: ApiVersion = ApiVersion::new(1, 1);
    /// 2.1, the oldest microversion and the one a request without a version header gets.
    pub const V2_1: ApiVersion = ApiVersion::new(2, 1);
    /// The oldest microversion served.
    pub const MIN: ApiVersion = ApiVersion::V2_1;
    /// The newest microversion served.
    pub const MAX: ApiVersion = ApiVersion::new(2, 47);

    /// `major.minor`.
    pub const fn new(major: u16, minor: u16) -> Self {
        ApiVersion { major, minor }
    }

    /// Whether this version is `major.minor` or later (a view's "from 2.X on").
    pub fn at_least(self, major: u16, minor: u16) -> bool {
        self >= ApiVersion::new(major, minor)
    }
}

impl fmt::Display for ApiVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.major, self.minor)
    }
}

/// The endpoint a request addressed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Endpoint {
    /// `/v1.0`: no tenant in the path; JSON and XML (v1.0 namespace).
    V1_0,
    /// `/v1.1`: JSON and XML (v1.1 namespace).
    V1_1,
    /// `/v2`: JSON, version 2.1 without microversions.
    V2,
    /// `/v2.1`: JSON, with microversions.
    V2_1,
}

impl Endpoint {
    /// The path segment: `v1.0`, `v1.1`, `v2` or `v2.1`.
    pub const fn segment(self) -> &'static str {
        match self {
            Endpoint::V1_0 => "v1.0",
            Endpoint::V1_1 => "v1.1",
            Endpoint::V2 => "v2",
            Endpoint::V2_1 => "v2.1",
        }
    }

    /// Whether the endpoint serves XML as well as JSON.
    pub const fn serves_xml(self) -> bool {
        matches!(self, Endpoint::V1_0 | Endpoint::V1_1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_order_by_major_then_minor() {
        assert!(ApiVersion::new(2, 10) > ApiVersion::new(2, 9));
        assert!(ApiVersion::new(2, 47).at_least(2, 47));
        assert!(!ApiVersion::new(2, 46).at_least(2, 47));
        assert_eq!(ApiVersion::MAX.to_string(), "2.47");
    }
}
